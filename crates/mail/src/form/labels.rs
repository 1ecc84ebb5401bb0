//! The labels of the form: which field each wording fills, the section it opens, and how its
//! value is read.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum F {
    ReporterOrg,
    Address,
    Phone,
    Email,
    ContactName,
    ContactTitle,
    Operator,
    Owner,
    SystemName,
    SecurityLevel,
    SecurityProvider,
    ConnectivityProvider,
    PublicIpRanges,
    Description,
    DetectedDate,
    DetectedTime,
    Handled,
    DetectionMethods,
    AlreadyNotified,
    Os,
    OsVersion,
    Services,
    Measures,
    Ips,
    Domains,
    Purpose,
    AttachmentsNote,
    Confidential,
    Support,
    ReportedAt,
    /// A heading that only changes the section.
    Heading,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Section {
    #[default]
    Reporter,
    Contact,
    System,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Value,
    Multi,
    List,
    Options,
    None,
}

pub(super) fn kind(f: F) -> Kind {
    match f {
        F::Description | F::Support | F::Purpose => Kind::Multi,
        F::PublicIpRanges | F::Ips | F::Domains => Kind::List,
        F::Handled
        | F::Confidential
        | F::SecurityLevel
        | F::DetectionMethods
        | F::AlreadyNotified
        | F::Services
        | F::Measures
        | F::AttachmentsNote => Kind::Options,
        F::Heading => Kind::None,
        _ => Kind::Value,
    }
}

pub(super) struct Label {
    pub(super) keys: &'static [&'static str],
    pub(super) field: F,
    pub(super) section: Option<Section>,
    /// Only "Key:" counts (short keys that occur in prose).
    pub(super) strict: bool,
    /// Labels that may follow on the same line (the form's combined lines).
    pub(super) inline: &'static [F],
}

const fn l(keys: &'static [&'static str], field: F) -> Label {
    Label {
        keys,
        field,
        section: None,
        strict: false,
        inline: &[],
    }
}

const fn heading(keys: &'static [&'static str], field: F, section: Section) -> Label {
    Label {
        keys,
        field,
        section: Some(section),
        strict: false,
        inline: &[],
    }
}

const fn strict(keys: &'static [&'static str], field: F) -> Label {
    Label {
        keys,
        field,
        section: None,
        strict: true,
        inline: &[],
    }
}

const fn with_inline(mut label: Label, inline: &'static [F]) -> Label {
    label.inline = inline;
    label
}

const fn in_section(mut label: Label, section: Section) -> Label {
    label.section = Some(section);
    label
}

pub(super) static LABELS: &[Label] = &[
    in_section(
        l(
            &[
                "Tên tổ chức/cá nhân báo cáo sự cố",
                "Tên tổ chức/cá nhân báo cáo",
                "Tổ chức/cá nhân báo cáo sự cố",
                "Tổ chức/cá nhân báo cáo",
                "Tên tổ chức báo cáo",
                "Tên đơn vị báo cáo",
                "Tổ chức báo cáo",
                "Đơn vị báo cáo",
                "Cơ quan báo cáo",
                "Cá nhân báo cáo",
                "Tên tổ chức",
                "Tên cơ quan",
                "Tên đơn vị",
            ],
            F::ReporterOrg,
        ),
        Section::Reporter,
    ),
    l(&["Địa chỉ", "Địa chỉ liên hệ", "Trụ sở"], F::Address),
    with_inline(
        l(
            &[
                "Điện thoại",
                "Số điện thoại",
                "Điện thoại di động",
                "Số ĐT",
                "Phone",
                "Di động",
                "Mobile",
            ],
            F::Phone,
        ),
        &[F::Email],
    ),
    strict(&["ĐT", "SĐT", "Tel", "ĐTDĐ"], F::Phone),
    with_inline(
        l(
            &[
                "Email",
                "E-mail",
                "Thư điện tử",
                "Địa chỉ email",
                "Địa chỉ thư điện tử",
            ],
            F::Email,
        ),
        &[F::Phone],
    ),
    strict(&["Mail"], F::Email),
    with_inline(
        in_section(
            l(
                &[
                    "Họ và tên",
                    "Họ tên",
                    "Tên người liên hệ",
                    "Cán bộ liên hệ",
                    "Người liên hệ",
                    "Người báo cáo",
                    "Cán bộ báo cáo",
                ],
                F::ContactName,
            ),
            Section::Contact,
        ),
        &[F::ContactTitle, F::Phone, F::Email],
    ),
    with_inline(
        in_section(
            l(&["Chức vụ", "Chức danh"], F::ContactTitle),
            Section::Contact,
        ),
        &[F::Phone, F::Email],
    ),
    in_section(
        l(
            &[
                "Tên đơn vị vận hành hệ thống thông tin",
                "Đơn vị vận hành hệ thống thông tin",
                "Tên đơn vị vận hành hệ thống",
                "Đơn vị vận hành hệ thống",
                "Tên đơn vị vận hành",
                "Đơn vị vận hành",
            ],
            F::Operator,
        ),
        Section::System,
    ),
    in_section(
        l(
            &["Cơ quan chủ quản", "Đơn vị chủ quản", "Chủ quản hệ thống"],
            F::Owner,
        ),
        Section::System,
    ),
    in_section(
        l(
            &[
                "Tên hệ thống bị sự cố",
                "Hệ thống bị sự cố",
                "Tên hệ thống thông tin bị sự cố",
                "Hệ thống thông tin bị sự cố",
                "Tên hệ thống",
            ],
            F::SystemName,
        ),
        Section::System,
    ),
    in_section(
        l(
            &[
                "Phân loại cấp độ của hệ thống thông tin",
                "Phân loại cấp độ hệ thống thông tin",
                "Phân loại cấp độ",
                "Cấp độ của hệ thống thông tin",
                "Cấp độ hệ thống thông tin",
                "Cấp độ của hệ thống",
                "Cấp độ hệ thống",
                "Cấp độ an toàn hệ thống thông tin",
                "Cấp độ an toàn",
                "Cấp độ",
            ],
            F::SecurityLevel,
        ),
        Section::System,
    ),
    l(
        &[
            "Tổ chức cung cấp dịch vụ an toàn thông tin",
            "Nhà cung cấp dịch vụ an toàn thông tin",
            "Đơn vị cung cấp dịch vụ an toàn thông tin",
        ],
        F::SecurityProvider,
    ),
    l(
        &[
            "Tên nhà cung cấp dịch vụ kết nối bên ngoài",
            "Nhà cung cấp dịch vụ kết nối bên ngoài",
            "Nhà cung cấp dịch vụ kết nối",
            "Nhà cung cấp dịch vụ Internet",
            "Nhà cung cấp kết nối",
        ],
        F::ConnectivityProvider,
    ),
    l(
        &[
            "Dải địa chỉ Public IP kết nối với hệ thống bên ngoài",
            "Dải địa chỉ Public IP",
            "Dải địa chỉ IP public",
            "Dải IP public",
            "Dải public IP",
            "Dải địa chỉ IP",
        ],
        F::PublicIpRanges,
    ),
    l(
        &[
            "Mô tả sơ bộ sự cố",
            "Mô tả sơ bộ về sự cố",
            "Mô tả sự cố",
            "Mô tả sơ bộ",
            "Mô tả",
            "Nội dung sự cố",
            "Tóm tắt sự cố",
        ],
        F::Description,
    ),
    with_inline(
        l(&["Ngày phát hiện sự cố", "Ngày phát hiện"], F::DetectedDate),
        &[F::DetectedTime],
    ),
    with_inline(
        l(
            &[
                "Thời gian phát hiện sự cố",
                "Thời gian phát hiện",
                "Thời điểm phát hiện sự cố",
                "Thời điểm phát hiện",
                "Giờ phát hiện",
            ],
            F::DetectedTime,
        ),
        &[F::DetectedDate],
    ),
    heading(
        &[
            "Hiện trạng sự cố",
            "Hiện trạng",
            "Tình trạng sự cố",
            "Trạng thái xử lý",
        ],
        F::Handled,
        Section::Other,
    ),
    heading(
        &[
            "Cách thức phát hiện",
            "Phương thức phát hiện",
            "Cách phát hiện",
        ],
        F::DetectionMethods,
        Section::Other,
    ),
    heading(
        &[
            "Đã gửi thông báo sự cố cho",
            "Đã gửi thông báo cho",
            "Đã thông báo sự cố cho",
            "Đã thông báo cho",
        ],
        F::AlreadyNotified,
        Section::Other,
    ),
    with_inline(
        in_section(l(&["Hệ điều hành"], F::Os), Section::System),
        &[F::OsVersion],
    ),
    strict(
        &["Version", "Phiên bản", "Phiên bản hệ điều hành"],
        F::OsVersion,
    ),
    in_section(
        l(
            &[
                "Các dịch vụ có trên hệ thống",
                "Dịch vụ có trên hệ thống",
                "Các dịch vụ trên hệ thống",
                "Các dịch vụ",
            ],
            F::Services,
        ),
        Section::System,
    ),
    in_section(
        l(
            &[
                "Các biện pháp an toàn thông tin đã triển khai",
                "Biện pháp an toàn thông tin đã triển khai",
                "Các biện pháp đã triển khai",
                "Biện pháp đã triển khai",
                "Các biện pháp an toàn thông tin",
            ],
            F::Measures,
        ),
        Section::System,
    ),
    in_section(
        l(
            &[
                "Các địa chỉ IP của hệ thống",
                "Địa chỉ IP của hệ thống",
                "Các địa chỉ IP",
                "Địa chỉ IP",
            ],
            F::Ips,
        ),
        Section::System,
    ),
    strict(&["IP"], F::Ips),
    in_section(
        l(
            &[
                "Các tên miền của hệ thống",
                "Tên miền của hệ thống",
                "Các tên miền",
                "Tên miền",
                "Domain",
            ],
            F::Domains,
        ),
        Section::System,
    ),
    in_section(
        l(
            &[
                "Mục đích chính sử dụng hệ thống",
                "Mục đích sử dụng hệ thống",
                "Mục đích sử dụng",
            ],
            F::Purpose,
        ),
        Section::System,
    ),
    l(
        &["Thông tin gửi kèm", "Tài liệu gửi kèm", "Gửi kèm"],
        F::AttachmentsNote,
    ),
    l(
        &[
            "Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật",
            "Các thông tin cung cấp trong thông báo sự cố này phải được giữ bí mật",
            "Thông tin cần giữ bí mật",
            "Yêu cầu giữ bí mật",
            "Đề nghị giữ bí mật",
            "Cần giữ bí mật",
            "Giữ bí mật",
            "Bảo mật thông tin",
        ],
        F::Confidential,
    ),
    heading(
        &[
            "Kiến nghị, đề xuất hỗ trợ",
            "Mô tả về đề xuất, kiến nghị",
            "Kiến nghị đề xuất",
            "Đề xuất hỗ trợ",
            "Đề nghị hỗ trợ",
            "Yêu cầu hỗ trợ",
            "Kiến nghị",
            "Đề xuất",
        ],
        F::Support,
        Section::Other,
    ),
    l(
        &[
            "Thời gian thực hiện báo cáo sự cố",
            "Thời gian thực hiện báo cáo",
            "Thời gian báo cáo",
            "Ngày báo cáo",
        ],
        F::ReportedAt,
    ),
    heading(
        &[
            "Thông tin về tổ chức/cá nhân báo cáo",
            "Thông tin tổ chức/cá nhân báo cáo",
            "Thông tin đơn vị báo cáo",
        ],
        F::Heading,
        Section::Reporter,
    ),
    heading(
        &[
            "Thông tin chi tiết về hệ thống bị sự cố",
            "Thông tin về hệ thống bị sự cố",
            "Thông tin hệ thống bị sự cố",
            "Thông tin bổ sung về hệ thống xảy ra sự cố",
            "Thông tin bổ sung về hệ thống",
        ],
        F::Heading,
        Section::System,
    ),
    heading(
        &["Cá nhân/người đại diện", "Chú thích"],
        F::Heading,
        Section::Other,
    ),
    heading(
        &[
            "Mẫu báo cáo ban đầu sự cố mạng",
            "Báo cáo ban đầu sự cố mạng",
            "Báo cáo ban đầu sự cố",
        ],
        F::Heading,
        Section::Reporter,
    ),
];

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::form::extract;

    fn get<'a>(v: &'a Value, path: &str) -> &'a Value {
        path.split('.').fold(v, |v, k| &v[k])
    }

    #[test]
    fn each_label_variant_fills_its_field() {
        let table: &[(&str, &str, Value)] = &[
            (
                "Tên tổ chức/cá nhân báo cáo sự cố: Sở Y tế",
                "reporter.org_name",
                json!("Sở Y tế"),
            ),
            (
                "Tên tổ chức / cá nhân báo cáo sự cố (*): Sở Y tế",
                "reporter.org_name",
                json!("Sở Y tế"),
            ),
            (
                "TEN TO CHUC/CA NHAN BAO CAO SU CO (*)......Sở Y tế……",
                "reporter.org_name",
                json!("Sở Y tế"),
            ),
            (
                "ten to chuc bao cao:   Sở  Y tế  ",
                "reporter.org_name",
                json!("Sở  Y tế"),
            ),
            (
                "Đơn vị báo cáo - UBND xã An Bình",
                "reporter.org_name",
                json!("UBND xã An Bình"),
            ),
            (
                "Địa chỉ: (*) Số 1 Lý Thái Tổ",
                "reporter.address",
                json!("Số 1 Lý Thái Tổ"),
            ),
            (
                "Dia chi : Số 1 Lý Thái Tổ",
                "reporter.address",
                json!("Số 1 Lý Thái Tổ"),
            ),
            (
                "Điện thoại: 0222 3822 123",
                "reporter.phone",
                json!("0222 3822 123"),
            ),
            (
                "Số điện thoại (*) 0222.3822.123",
                "reporter.phone",
                json!("0222.3822.123"),
            ),
            (
                "Điện thoại di động: 0912345678",
                "reporter.phone",
                json!("0912345678"),
            ),
            ("SĐT: 0912345678", "reporter.phone", json!("0912345678")),
            (
                "dien thoai…… 0912345678",
                "reporter.phone",
                json!("0912345678"),
            ),
            ("Email: a@b.gov.vn", "reporter.email", json!("a@b.gov.vn")),
            (
                "E-mail (*): a@b.gov.vn",
                "reporter.email",
                json!("a@b.gov.vn"),
            ),
            (
                "Thư điện tử: a@b.gov.vn",
                "reporter.email",
                json!("a@b.gov.vn"),
            ),
            (
                "Họ và tên: Trần Thị Bình",
                "contact.name",
                json!("Trần Thị Bình"),
            ),
            (
                "Ho ten (*): Trần Thị Bình",
                "contact.name",
                json!("Trần Thị Bình"),
            ),
            (
                "Người liên hệ: Trần Thị Bình",
                "contact.name",
                json!("Trần Thị Bình"),
            ),
            (
                "Chức vụ: Phó Giám đốc",
                "contact.title",
                json!("Phó Giám đốc"),
            ),
            (
                "Tên đơn vị vận hành hệ thống thông tin (*): Trung tâm CĐS",
                "system.operator_name",
                json!("Trung tâm CĐS"),
            ),
            (
                "Đơn vị vận hành: Trung tâm CĐS",
                "system.operator_name",
                json!("Trung tâm CĐS"),
            ),
            (
                "Cơ quan chủ quản: UBND tỉnh",
                "system.owner_name",
                json!("UBND tỉnh"),
            ),
            (
                "co quan chu quan | UBND tỉnh |",
                "system.owner_name",
                json!("UBND tỉnh"),
            ),
            (
                "Tên hệ thống bị sự cố: Cổng dịch vụ công",
                "system.name",
                json!("Cổng dịch vụ công"),
            ),
            (
                "Hệ thống bị sự cố: Cổng dịch vụ công",
                "system.name",
                json!("Cổng dịch vụ công"),
            ),
            (
                "Phân loại cấp độ của hệ thống thông tin (nếu có): Cấp độ 3",
                "system.security_level",
                json!(3),
            ),
            ("Cấp độ hệ thống: 4", "system.security_level", json!(4)),
            (
                "Cấp độ: □ 1 □ 2 ☒ 3 □ 4 □ 5",
                "system.security_level",
                json!(3),
            ),
            (
                "Tổ chức cung cấp dịch vụ an toàn thông tin (nếu có): Viettel",
                "system.security_provider",
                json!("Viettel"),
            ),
            (
                "Tên nhà cung cấp dịch vụ kết nối bên ngoài: VNPT",
                "system.connectivity_provider",
                json!("VNPT"),
            ),
            (
                "Dải địa chỉ Public IP kết nối với hệ thống bên ngoài: 203.0.113.0/24; 198.51.100.0/24",
                "system.public_ip_ranges",
                json!(["203.0.113.0/24", "198.51.100.0/24"]),
            ),
            (
                "Mô tả sơ bộ sự cố (*): Máy chủ bị mã hoá dữ liệu",
                "description",
                json!("Máy chủ bị mã hoá dữ liệu"),
            ),
            (
                "Mo ta su co: Máy chủ bị mã hoá dữ liệu",
                "description",
                json!("Máy chủ bị mã hoá dữ liệu"),
            ),
            (
                "Ngày phát hiện sự cố: 04/05/2026",
                "detected_at",
                json!("2026-05-04T00:00:00+07:00"),
            ),
            (
                "Ngày phát hiện sự cố (*): 4-5-26 lúc 14:05",
                "detected_at",
                json!("2026-05-04T14:05:00+07:00"),
            ),
            (
                "Ngày phát hiện: ngày 4 tháng 5 năm 2026, 8 giờ",
                "detected_at",
                json!("2026-05-04T08:00:00+07:00"),
            ),
            (
                "Thời gian phát hiện: 2026-05-04 08:30",
                "detected_at",
                json!("2026-05-04T08:30:00+07:00"),
            ),
            ("Hiện trạng sự cố: Đã được xử lý", "handled", json!(true)),
            (
                "Hiện trạng sự cố (*): Chưa được xử lý",
                "handled",
                json!(false),
            ),
            ("hien trang su co: chua duoc xu ly", "handled", json!(false)),
            (
                "HIỆN TRẠNG SỰ CỐ (*): ☑ Đã được xử lý □ Chưa được xử lý",
                "handled",
                json!(true),
            ),
            (
                "Hiện trạng sự cố: [ ] Đã được xử lý [x] Chưa được xử lý",
                "handled",
                json!(false),
            ),
            (
                "Cách thức phát hiện: Qua hệ thống phát hiện xâm nhập, Kiểm tra dữ liệu lưu lại (Log File)",
                "detection_methods",
                json!(["ids", "log_review"]),
            ),
            (
                "Cách thức phát hiện: Nhận được thông báo từ: NCSC",
                "detection_methods",
                json!(["notified_by:NCSC"]),
            ),
            (
                "Đã gửi thông báo sự cố cho: ISP, Cơ quan điều phối",
                "already_notified",
                json!(["isp", "coordinator"]),
            ),
            (
                "Hệ điều hành: Windows Server 2019 Version: 1809",
                "system.os",
                json!("Windows Server 2019"),
            ),
            (
                "Hệ điều hành: Windows Server 2019 Version: 1809",
                "system.os_version",
                json!("1809"),
            ),
            (
                "Các dịch vụ có trên hệ thống: Web server, Mail server",
                "system.services",
                json!(["web", "mail"]),
            ),
            (
                "Các biện pháp an toàn thông tin đã triển khai: Firewall, Antivirus",
                "system.measures",
                json!(["firewall", "antivirus"]),
            ),
            (
                "Các địa chỉ IP của hệ thống: 203.0.113.5, 203.0.113.6",
                "system.ips",
                json!(["203.0.113.5", "203.0.113.6"]),
            ),
            (
                "Địa chỉ IP: 203.0.113.5",
                "system.ips",
                json!(["203.0.113.5"]),
            ),
            (
                "Các tên miền của hệ thống: Example.GOV.vn www.example.gov.vn",
                "system.domains",
                json!(["example.gov.vn", "www.example.gov.vn"]),
            ),
            ("Tên miền: a.gov.vn", "system.domains", json!(["a.gov.vn"])),
            (
                "Mục đích chính sử dụng hệ thống: Dịch vụ công",
                "system.purpose",
                json!("Dịch vụ công"),
            ),
            (
                "Thông tin gửi kèm: ☑ Nhật ký hệ thống ☑ Mẫu virus/mã độc",
                "attachments_note",
                json!("Nhật ký hệ thống, Mẫu virus/mã độc"),
            ),
            (
                "Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật: Có",
                "confidential",
                json!(true),
            ),
            ("giữ bí mật: Không", "confidential", json!(false)),
            ("Giu bi mat: co", "confidential", json!(true)),
            (
                "Kiến nghị, đề xuất hỗ trợ: Cử cán bộ hỗ trợ",
                "support_requested",
                json!("Cử cán bộ hỗ trợ"),
            ),
            (
                "Kiến nghị: Cử cán bộ hỗ trợ",
                "support_requested",
                json!("Cử cán bộ hỗ trợ"),
            ),
            (
                "Thời gian thực hiện báo cáo sự cố: 04/05/2026/09/15",
                "reported_at",
                json!("2026-05-04T09:15:00+07:00"),
            ),
            (
                "- Thời gian báo cáo: 09:15 ngày 04/05/2026",
                "reported_at",
                json!("2026-05-04T09:15:00+07:00"),
            ),
            (
                "> Email: quoted@b.vn",
                "reporter.email",
                json!("quoted@b.vn"),
            ),
            (
                "3. Tên miền: a.gov.vn",
                "system.domains",
                json!(["a.gov.vn"]),
            ),
        ];
        for (line, path, want) in table {
            let e = extract(line);
            assert_eq!(get(&e.report, path), want, "line {line:?} → {path}");
            assert_eq!(
                e.unrecognised, "",
                "line {line:?} left something unrecognised"
            );
        }
    }
}
