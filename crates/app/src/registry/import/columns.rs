//! The templates' columns: titles as the forms label them, machine names, what each accepts,
//! and how a header cell is matched against them.

use ungcuu_domain::text::fold;

/// A column of a template.
#[derive(Debug)]
pub struct Column {
    /// English machine name, also accepted as the column's title.
    pub name: &'static str,
    /// The field the app's validation names in its errors (`system.domains`).
    pub(super) field: &'static str,
    /// The title the template writes: the form's Vietnamese label.
    pub title: &'static str,
    /// Other titles accepted.
    pub(super) aliases: &'static [&'static str],
    pub required: bool,
    /// The template's example row.
    pub(super) example: &'static str,
    /// What the guide sheet of the XLSX template says about the column.
    pub(super) hint: &'static str,
}

pub(super) const fn col(
    name: &'static str,
    field: &'static str,
    title: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    example: &'static str,
    hint: &'static str,
) -> Column {
    Column {
        name,
        field,
        title,
        aliases,
        required,
        example,
        hint,
    }
}

pub(super) const ORG_HINT: &str = "Mã số hoặc tên chính xác của tổ chức trong danh mục";

#[rustfmt::skip]
pub(super) static ORG_COLUMNS: &[Column] = &[
    col("name", "org.name", "Tên tổ chức", &[], true, "Sở Khoa học và Công nghệ", "Không trùng với tổ chức đang hoạt động"),
    col("kind", "org.kind", "Loại tổ chức", &["Loại"], true, "Sở, ban, ngành", "Sở, ban, ngành; UBND xã, phường; Công an; Bộ Chỉ huy quân sự; Doanh nghiệp viễn thông, Internet; Doanh nghiệp dịch vụ an toàn thông tin; Đơn vị xây dựng, cung cấp hệ thống; Cơ quan điều phối quốc gia; Khác"),
    col("parent", "org.parent", "Tổ chức cấp trên", &["parent_id", "parent_name"], false, "", "Để trống nếu là tổ chức cấp cao nhất; hoặc mã số, tên chính xác của tổ chức đã có, hoặc của tổ chức ở dòng phía trên trong cùng tệp"),
    col("address", "org.address", "Địa chỉ", &[], false, "Số 8 đường Lý Thái Tổ, phường Suối Hoa, tỉnh Bắc Ninh", ""),
    col("phone", "org.phone", "Điện thoại", &[], false, "0222 3822 535", ""),
    col("email", "org.email", "Email", &[], false, "skhcn@bacninh.gov.vn", ""),
    col("website", "org.website", "Trang thông tin điện tử", &["Website"], false, "https://skhcn.bacninh.gov.vn", ""),
];

#[rustfmt::skip]
pub(super) static SYSTEM_COLUMNS: &[Column] = &[
    col("owner", "system.owner", "Tên cơ quan chủ quản", &["owner_org_id", "owner_name"], true, "Sở Khoa học và Công nghệ", ORG_HINT),
    col("operator_name", "system.operator_name", "Tên đơn vị vận hành hệ thống thông tin", &[], true, "Trung tâm Thông tin và Ứng dụng khoa học công nghệ", ""),
    col("name", "system.name", "Tên hệ thống thông tin", &[], true, "Cổng thông tin điện tử Sở Khoa học và Công nghệ", ""),
    col("domains", "system.domains", "Tên miền", &[], false, "skhcn.bacninh.gov.vn", "Nhiều mục cách nhau bởi dấu phẩy"),
    col("public_ip_ranges", "system.public_ip_ranges", "Các dải địa chỉ IP công cộng", &[], false, "203.162.10.0/28", "Dạng CIDR, ví dụ 203.162.10.0/28; nhiều mục cách nhau bởi dấu phẩy"),
    col("ips", "system.ips", "Địa chỉ IP của hệ thống", &[], false, "203.162.10.5", "IPv4 hoặc IPv6; nhiều mục cách nhau bởi dấu phẩy"),
    col("security_level", "system.security_level", "Cấp độ", &["Cấp độ an toàn của hệ thống thông tin"], false, "2", "1 đến 5"),
    col("level_state", "system.level_state", "Tình trạng phê duyệt cấp độ", &[], false, "Đã phê duyệt", "Đề xuất; Đã thẩm định; Đã phê duyệt"),
    col("level_doc_number", "system.level_doc_number", "Số văn bản phê duyệt", &[], false, "123/QĐ-SKHCN", ""),
    col("level_doc_date", "system.level_doc_date", "Ngày văn bản phê duyệt", &[], false, "05/03/2026", "dd/mm/yyyy"),
    col("critical", "system.critical", "Hệ thống thông tin quan trọng", &[], false, "Không", "Có; Không"),
    col("security_provider", "system.security_provider", "Tên tổ chức cung cấp dịch vụ an toàn thông tin", &["Tên tổ chức cung cấp dịch vụ an toàn thông tin (nếu có)"], false, "", ""),
    col("connectivity_provider", "system.connectivity_provider", "Tên doanh nghiệp cung cấp dịch vụ kết nối", &[], false, "VNPT Bắc Ninh", ""),
    col("os", "system.os", "Hệ điều hành", &[], false, "Ubuntu Server", ""),
    col("os_version", "system.os_version", "Phiên bản", &[], false, "24.04", ""),
    col("services", "system.services", "Các dịch vụ sử dụng", &[], false, "Web, Cơ sở dữ liệu", "Web; Thư điện tử; Cơ sở dữ liệu; Khác: …"),
    col("measures", "system.measures", "Các biện pháp bảo đảm an toàn thông tin", &[], false, "Tường lửa (Firewall), Phòng chống mã độc (Antivirus)", "Phòng chống mã độc (Antivirus); Tường lửa (Firewall); Hệ thống phát hiện xâm nhập (IDS); Khác: …"),
    col("purpose", "system.purpose", "Mục đích chính sử dụng", &["Mục đích chính sử dụng hệ thống thông tin"], false, "Cung cấp thông tin và dịch vụ công trực tuyến của Sở", ""),
];

#[rustfmt::skip]
pub(super) static MEMBER_COLUMNS: &[Column] = &[
    col("name", "members.name", "Họ và tên", &[], true, "Nguyễn Văn An", ""),
    col("role", "members.role", "Vai trò trong Đội", &["Vai trò"], true, "Đội trưởng", "Đội trưởng; Đội phó; Thường trực; Thư ký; Thành viên — đúng một Đội trưởng"),
    col("title", "members.title", "Chức vụ", &[], false, "Phó Giám đốc Sở Khoa học và Công nghệ", ""),
    col("agency", "members.agency", "Cơ quan, đơn vị", &[], false, "Sở Khoa học và Công nghệ", "Bắt buộc nếu để trống cột Tổ chức trong danh mục"),
    col("org", "members.org_id", "Tổ chức trong danh mục", &["org_id"], false, "", ORG_HINT),
    col("phone", "members.phone", "Điện thoại", &[], false, "0912 345 678", ""),
    col("email", "members.email", "Email", &[], false, "an.nv@bacninh.gov.vn", ""),
    col("user", "members.user_id", "Tài khoản người dùng", &["user_id", "user_email"], false, "", "Email hoặc mã số của tài khoản, nếu thành viên là người dùng hệ thống"),
];

/// The roster decision's rows, above the members' table.
#[rustfmt::skip]
pub(super) static DECISION_ROWS: &[Column] = &[
    col("decision_number", "roster.decision_number", "Số quyết định", &[], true, "1008/QĐ-UBND", ""),
    col("decision_date", "roster.decision_date", "Ngày ký", &[], true, "21/11/2026", "dd/mm/yyyy"),
    col("signer_name", "roster.signer_name", "Người ký", &[], true, "Nguyễn Văn Bình", ""),
    col("signer_title", "roster.signer_title", "Chức vụ người ký", &[], true, "Chủ tịch Ủy ban nhân dân tỉnh", ""),
    col("effective_from", "roster.effective_from", "Ngày hiệu lực", &[], false, "", "Để trống nếu có hiệu lực từ ngày ký"),
    col("note", "roster.note", "Ghi chú", &[], false, "", ""),
];

/// A header cell as compared: trimmed, a required mark `(*)` dropped, case and diacritics
/// folded, underscores as spaces.
pub(super) fn header_key(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_suffix("(*)")
        .or_else(|| s.strip_suffix('*'))
        .unwrap_or(s);
    fold(&s.replace('_', " "))
}

impl Column {
    pub(super) fn matches(&self, key: &str) -> bool {
        !key.is_empty()
            && (header_key(self.title) == key
                || header_key(self.name) == key
                || self.aliases.iter().any(|a| header_key(a) == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_titles_machine_names_and_folded_spellings() {
        let c = &SYSTEM_COLUMNS[3];
        for h in [
            "Tên miền",
            "tên miền",
            "TEN MIEN",
            "domains",
            " Tên miền (*) ",
        ] {
            assert!(c.matches(&header_key(h)), "{h}");
        }
        assert!(!c.matches(&header_key("Tên miền phụ")));
        assert!(SYSTEM_COLUMNS[0].matches(&header_key("owner_org_id")));
    }
}
