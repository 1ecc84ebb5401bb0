//! The forms of seed 002 (Quy chế hoạt động của Đội ứng cứu sự cố tỉnh Bắc Ninh, Quyết định
//! 1088/QĐ-UBND): Phụ lục I "Báo cáo ban đầu sự cố mạng" and Phụ lục II "Báo cáo kết thúc ứng
//! phó sự cố", field for field, in the form's order and wording. The caller supplies values
//! already formatted (dates dd/mm/yyyy, times "08 giờ 30 phút").

use crate::model::{Block, Choice, Document, Row, Signature, Value};
use serde::{Deserialize, Serialize};

/// The parts of an NĐ30 document that do not come from the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Letterhead {
    pub parent_body: Option<String>,
    pub issuing_body: String,
    /// "Số: 12/BC-ĐUCSC".
    pub number: String,
    /// "Bắc Ninh, ngày 05 tháng 3 năm 2026".
    pub place_date: String,
    pub signature: Signature,
    pub recipients: Vec<String>,
}

/// Every field of Phụ lục I.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitialReport {
    pub reporter_name: String,
    pub reporter_address: String,
    pub reporter_phone: String,
    pub reporter_email: String,
    pub contact_name: String,
    pub contact_title: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub operator_name: String,
    pub owner_name: String,
    /// The system's name with its domains and IP addresses.
    pub system_name: String,
    pub security_level: Option<u8>,
    pub security_provider: String,
    pub connectivity_provider: String,
    pub public_ip_ranges: String,
    pub description: String,
    /// dd/mm/yyyy
    pub detected_date: String,
    /// "08 giờ 30 phút"
    pub detected_time: String,
    pub handled: bool,
    pub detected_by_ids: bool,
    pub detected_by_log: bool,
    pub notified_by: Option<String>,
    pub detected_other: Option<String>,
    pub sent_to_network_member: bool,
    pub sent_to_isp: bool,
    pub sent_to_coordinator: bool,
    pub os: String,
    pub os_version: String,
    pub service_web: bool,
    pub service_mail: bool,
    pub service_database: bool,
    pub service_other: Option<String>,
    pub measure_antivirus: bool,
    pub measure_firewall: bool,
    pub measure_ids: bool,
    pub measure_other: Option<String>,
    pub ips: String,
    pub domains: String,
    pub purpose: String,
    pub attached_logs: bool,
    pub attached_malware: bool,
    pub attached_other: Option<String>,
    pub confidential: bool,
    pub support_requested: String,
    /// "ngày/tháng/năm/giờ/phút": "04/05/2026/09/15".
    pub reported_at: String,
}

/// Every field of Phụ lục II.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FinalReport {
    pub reporter_name: String,
    pub reporter_address: String,
    pub reporter_phone: String,
    pub reporter_email: String,
    /// Số ký hiệu of the initial report.
    pub initial_reference: String,
    /// Its date, dd/mm/yyyy.
    pub initial_date: String,
    pub operator_name: String,
    pub owner_name: String,
    pub system_name: String,
    pub security_level: Option<u8>,
    pub incident: String,
    pub detected_date: String,
    pub detected_time: String,
    pub result: String,
    pub attachments: String,
}

pub const INITIAL_TITLE: &str = "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG";
pub const FINAL_TITLE: &str = "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ";
pub const REQUIRED_NOTE: &str =
    "Phần (*) là những thông tin bắt buộc. Các phần còn lại có thể loại bỏ nếu không có thông tin.";
pub const TBSC_NOTE: &str =
    "Sử dụng tiêu đề (subject) bắt đầu bằng “[TBSC]” khi gửi thông báo qua email.";
/// The signature block of the forms when the reporter signs.
pub const INITIAL_SIGNER: &str = "CÁ NHÂN/NGƯỜI ĐẠI DIỆN";
pub const FINAL_SIGNER: &str = "CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT";

fn field(label: &str, required: bool, value: &str) -> Block {
    Block::Field {
        label: label.into(),
        required,
        value: value.into(),
        bullet: None,
    }
}

fn bullet_field(bullet: &str, label: &str, value: &str) -> Block {
    Block::Field {
        label: label.into(),
        required: false,
        value: value.into(),
        bullet: Some(bullet.into()),
    }
}

fn heading(text: &str, required: bool, hint: Option<&str>) -> Block {
    Block::Heading {
        text: text.into(),
        required,
        hint: hint.map(Into::into),
    }
}

fn choices(bullet: Option<&str>, label: Option<&str>, options: Vec<Choice>) -> Block {
    Block::Choices {
        label: label.map(Into::into),
        required: false,
        options,
        bullet: bullet.map(Into::into),
    }
}

fn with_detail(label: &str, detail: &Option<String>) -> Choice {
    Choice {
        label: label.into(),
        checked: detail.is_some(),
        detail: detail.clone(),
    }
}

fn row(label: &str, required: bool, hint: Option<&str>, value: &str) -> Row {
    Row {
        label: label.into(),
        required,
        value: Value::Text(value.into()),
        hint: hint.map(Into::into),
        wide: false,
    }
}

fn wide(label: &str, required: bool, hint: &str, value: &str) -> Row {
    Row {
        wide: true,
        ..row(label, required, Some(hint), value)
    }
}

fn levels(label: &str, level: Option<u8>) -> Row {
    Row {
        label: label.into(),
        required: false,
        value: Value::Choices(
            (1..=5)
                .map(|l| Choice::new(format!("Cấp độ {l}"), level == Some(l)))
                .collect(),
        ),
        hint: None,
        wide: false,
    }
}

fn document(
    head: &Letterhead,
    title: &str,
    annex: &str,
    blocks: Vec<Block>,
    notes: Vec<String>,
) -> Document {
    Document {
        parent_body: head.parent_body.clone(),
        issuing_body: head.issuing_body.clone(),
        number: head.number.clone(),
        place_date: head.place_date.clone(),
        title: title.into(),
        subtitle: vec![annex.into()],
        blocks,
        signature: head.signature.clone(),
        recipients: head.recipients.clone(),
        notes,
    }
}

const OPERATOR: &str = "Tên đơn vị vận hành hệ thống thông tin";
const OPERATOR_HINT: &str = "Điền tên đơn vị vận hành hoặc được thuê vận hành hệ thống thông tin";
const OWNER: &str = "Cơ quan chủ quản";
const OWNER_HINT: &str = "Điền tên cơ quan chủ quản";
const LEVEL: &str = "Phân loại cấp độ của hệ thống thông tin (nếu có)";
const PROVIDER_HINT: &str = "Điền tên nhà cung cấp ở đây";
const DETECTED_DATE: &str = "Ngày phát hiện sự cố";
const DETECTED_TIME: &str = "Thời gian phát hiện";

/// Phụ lục I, from a stored initial report.
pub fn initial_report(head: &Letterhead, r: &InitialReport) -> Document {
    let blocks = vec![
        field("Tên tổ chức/cá nhân báo cáo sự cố", true, &r.reporter_name),
        field("Địa chỉ", true, &r.reporter_address),
        field("Điện thoại", true, &r.reporter_phone),
        field("Email", true, &r.reporter_email),
        heading("NGƯỜI LIÊN HỆ", false, None),
        field("Họ và tên", true, &r.contact_name),
        field("Chức vụ", false, &r.contact_title),
        field("Điện thoại", true, &r.contact_phone),
        field("Email", true, &r.contact_email),
        heading("THÔNG TIN CHI TIẾT VỀ HỆ THỐNG BỊ SỰ CỐ", false, None),
        Block::Table {
            rows: vec![
                row(OPERATOR, true, Some(OPERATOR_HINT), &r.operator_name),
                row(OWNER, false, Some(OWNER_HINT), &r.owner_name),
                row(
                    "Tên hệ thống bị sự cố",
                    false,
                    Some("Điền tên hệ thống bị sự cố và tên miền, địa chỉ ip liên quan"),
                    &r.system_name,
                ),
                levels(LEVEL, r.security_level),
                row(
                    "Tổ chức cung cấp dịch vụ an toàn thông tin (nếu có)",
                    false,
                    Some(PROVIDER_HINT),
                    &r.security_provider,
                ),
                row(
                    "Tên nhà cung cấp dịch vụ kết nối bên ngoài (nếu có)",
                    false,
                    Some(PROVIDER_HINT),
                    &r.connectivity_provider,
                ),
                row(
                    "Dải địa chỉ Public IP kết nối với hệ thống bên ngoài",
                    false,
                    Some("Điền thông tin ở đây"),
                    &r.public_ip_ranges,
                ),
                wide(
                    "Mô tả sơ bộ sự cố",
                    true,
                    "Đề nghị cung cấp một bản tóm tắt ngắn gọn về sự cố, bao gồm đánh giá sơ bộ cuộc tấn công đã xảy ra chưa và bất kỳ các nguy cơ dẫn đến khả năng phá hoại hoặc gián đoạn dịch vụ. Cũng vui lòng xác định mức độ nhạy cảm của thông tin liên quan hoặc những đối tượng bị ảnh hưởng bởi sự cố:",
                    &r.description,
                ),
                row(DETECTED_DATE, true, None, &r.detected_date),
                row(DETECTED_TIME, true, None, &r.detected_time),
            ],
        },
        heading("HIỆN TRẠNG SỰ CỐ", true, None),
        choices(
            None,
            None,
            vec![
                Choice::new("Đã được xử lý", r.handled),
                Choice::new("Chưa được xử lý", !r.handled),
            ],
        ),
        heading(
            "CÁCH THỨC PHÁT HIỆN",
            true,
            Some("(Đánh dấu những cách thức được sử dụng để phát hiện sự cố)"),
        ),
        choices(
            None,
            None,
            vec![
                Choice::new("Qua hệ thống phát hiện xâm nhập", r.detected_by_ids),
                Choice::new("Kiểm tra dữ liệu lưu lại (Log File)", r.detected_by_log),
            ],
        ),
        choices(
            None,
            None,
            vec![with_detail("Nhận được thông báo từ:", &r.notified_by)],
        ),
        choices(
            None,
            None,
            vec![with_detail("Khác, đó là:", &r.detected_other)],
        ),
        heading("ĐÃ GỬI THÔNG BÁO SỰ CỐ CHO", true, None),
        choices(
            None,
            None,
            vec![Choice::new(
                "Thành viên mạng lưới chịu trách nhiệm ứng cứu sự cố cho tổ chức, cá nhân",
                r.sent_to_network_member,
            )],
        ),
        choices(
            None,
            None,
            vec![Choice::new(
                "ISP đang trực tiếp cung cấp dịch vụ",
                r.sent_to_isp,
            )],
        ),
        choices(
            None,
            None,
            vec![Choice::new("Cơ quan điều phối", r.sent_to_coordinator)],
        ),
        heading("THÔNG TIN BỔ SUNG VỀ HỆ THỐNG XẢY RA SỰ CỐ", false, None),
        bullet_field("■", "Hệ điều hành", &r.os),
        field("Version", false, &r.os_version),
        bullet_field(
            "■",
            "Các dịch vụ có trên hệ thống (Đánh dấu những dịch vụ được sử dụng trên hệ thống)",
            "",
        ),
        choices(
            None,
            None,
            vec![
                Choice::new("Web server", r.service_web),
                Choice::new("Mail server", r.service_mail),
                Choice::new("Database server", r.service_database),
                with_detail("Dịch vụ khác, đó là", &r.service_other),
            ],
        ),
        bullet_field(
            "•",
            "Các biện pháp an toàn thông tin đã triển khai (Đánh dấu những biện pháp đã triển khai)",
            "",
        ),
        choices(
            None,
            None,
            vec![
                Choice::new("Antivirus", r.measure_antivirus),
                Choice::new("Firewall", r.measure_firewall),
                Choice::new("Hệ thống phát hiện xâm nhập", r.measure_ids),
                with_detail("Khác:", &r.measure_other),
            ],
        ),
        bullet_field(
            "■",
            "Các địa chỉ IP của hệ thống (Liệt kê địa chỉ IP sử dụng trên Internet, không liệt kê địa chỉ IP nội bộ)",
            &r.ips,
        ),
        bullet_field("■", "Các tên miền của hệ thống", &r.domains),
        bullet_field("■", "Mục đích chính sử dụng hệ thống", &r.purpose),
        choices(
            Some("■"),
            Some("Thông tin gửi kèm"),
            vec![
                Choice::new("Nhật ký hệ thống", r.attached_logs),
                Choice::new("Mẫu virus/mã độc", r.attached_malware),
                with_detail("Khác:", &r.attached_other),
            ],
        ),
        bullet_field(
            "■",
            "Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật",
            "",
        ),
        choices(
            None,
            None,
            vec![
                Choice::new("Có", r.confidential),
                Choice::new("Không", !r.confidential),
            ],
        ),
        heading("KIẾN NGHỊ, ĐỀ XUẤT HỖ TRỢ", false, None),
        Block::Table {
            rows: vec![wide(
                "Mô tả về đề xuất, kiến nghị",
                false,
                "Đề nghị cung cấp tóm lược về các kiến nghị và đề xuất hỗ trợ ứng cứu (nếu có)",
                &r.support_requested,
            )],
        },
        Block::Field {
            label: "THỜI GIAN THỰC HIỆN BÁO CÁO SỰ CỐ".into(),
            required: true,
            value: format!("{} (ngày/tháng/năm/giờ/phút)", r.reported_at),
            bullet: None,
        },
    ];
    document(
        head,
        INITIAL_TITLE,
        "(Phụ lục I: Mẫu báo cáo ban đầu sự cố mạng)",
        blocks,
        vec![format!("1. {REQUIRED_NOTE}"), format!("2. {TBSC_NOTE}")],
    )
}

/// Phụ lục II, from a final report.
pub fn final_report(head: &Letterhead, r: &FinalReport) -> Document {
    let dot = |label: &str, value: &str| Block::Field {
        label: label.into(),
        required: true,
        value: value.into(),
        bullet: Some("●".into()),
    };
    let blocks = vec![
        heading("THÔNG TIN VỀ TỔ CHỨC/CÁ NHÂN BÁO CÁO", false, None),
        dot("Tên tổ chức/cá nhân báo cáo sự cố", &r.reporter_name),
        dot("Địa chỉ", &r.reporter_address),
        dot("Điện thoại", &r.reporter_phone),
        dot("Email", &r.reporter_email),
        Block::Field {
            label: "KÝ HIỆU BÁO CÁO BAN ĐẦU SỰ CỐ: Số ký hiệu".into(),
            required: false,
            value: format!(
                "{}    Ngày báo cáo: {}",
                r.initial_reference, r.initial_date
            ),
            bullet: None,
        },
        heading("THÔNG TIN CHI TIẾT VỀ HỆ THỐNG BỊ SỰ CỐ", false, None),
        Block::Table {
            rows: vec![
                row(OPERATOR, true, Some(OPERATOR_HINT), &r.operator_name),
                row(OWNER, false, Some(OWNER_HINT), &r.owner_name),
                row(
                    "Tên hệ thống bị sự cố",
                    false,
                    Some("Điền tên hệ thống bị sự cố"),
                    &r.system_name,
                ),
                levels(LEVEL, r.security_level),
                row("Tên/Mô tả về sự cố", false, None, &r.incident),
                row(DETECTED_DATE, true, None, &r.detected_date),
                row(DETECTED_TIME, true, None, &r.detected_time),
                wide(
                    "Kết quả xử lý sự cố",
                    false,
                    "Cung cấp, tóm tắt tổng quát về những gì đã xảy ra và cách thức giải quyết, đề xuất giải pháp ứng cứu ứng sự cố nhằm xử lý nhanh sự cố, giảm nhẹ rủi ro và thiệt hại đối với sự cố tương tự trong tương lai",
                    &r.result,
                ),
                wide(
                    "Các tài liệu đính kèm",
                    false,
                    "Liệt kê các tài liệu liên quan (báo cáo diễn tập sự cố; phương án xử lý, log file…)",
                    &r.attachments,
                ),
            ],
        },
    ];
    document(
        head,
        FINAL_TITLE,
        "(Phụ lục II: Mẫu báo cáo kết thúc ứng phó sự cố)",
        blocks,
        vec![REQUIRED_NOTE.to_string()],
    )
}
