//! Recognises the labels of the initial report form (Phụ lục I, seed 002) in a free-text mail
//! body and fills the intake body of API.md with what it finds.
//!
//! Matching folds case and diacritics (so "Dien thoai", "ĐIỆN THOẠI" and "Điện thoại" are one
//! label), ignores spaces and light punctuation inside labels, skips the form's "(*)" marks,
//! "(nếu có)" notes, dotted leaders and table pipes, and follows the form's section headings so
//! that the second "Điện thoại"/"Email" (under NGƯỜI LIÊN HỆ) goes to the contact. Checkbox
//! groups are read from marked boxes (☑ ☒ ✓ ✔ `[x]` ■ …) or, without boxes, from the options
//! named. Every line that is not recognised — and every recognised line whose value could not
//! be used (an unparseable date, a second value for a field already filled) — is returned in
//! [`Extracted::unrecognised`], so nothing the sender wrote is dropped.
//!
//! The label table is in `labels`, finding a label in a line in `matching`, checkbox groups in
//! `options`, dates in `dates`, cleaning values in `values`, and the line-by-line reading that
//! ties them together in `extractor`.

mod dates;
mod extractor;
mod labels;
mod matching;
mod options;
mod values;

use std::collections::BTreeSet;

use serde_json::Value;

use extractor::State;

/// What [`extract`] recognised.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// The intake body of API.md, every key present: strings empty and lists empty when not
    /// recognised; `security_level`, `detected_at`, `handled`, `confidential` and `reported_at`
    /// are `null` when not recognised. Times are RFC 3339 in Vietnam time (+07:00).
    pub report: Value,
    /// Every line that was not recognised, in order (runs of blank lines collapsed). The caller
    /// keeps it as (part of) the description.
    pub unrecognised: String,
    /// Dotted paths of the fields that were filled ("reporter.org_name", "detected_at", …).
    pub recognised: BTreeSet<&'static str>,
}

impl Extracted {
    /// The description to store: the recognised "Mô tả sơ bộ sự cố" followed by every
    /// unrecognised line, separated by a blank line.
    pub fn description_with_unrecognised(&self) -> String {
        let desc = self.report["description"].as_str().unwrap_or("").trim();
        let rest = self.unrecognised.trim();
        match (desc.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_string(),
            (false, true) => desc.to_string(),
            (false, false) => format!("{desc}\n\n{rest}"),
        }
    }
}

/// Recognises form labels in `body`. Never fails; see the module documentation.
pub fn extract(body: &str) -> Extracted {
    let mut st = State::default();
    for line in body.lines() {
        st.line(line);
    }
    st.finish()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_filled_form_fills_every_section() {
        let e = extract(include_str!("../../tests/fixtures/form_filled.txt"));
        let r = &e.report;
        assert_eq!(r["reporter"]["org_name"], "Sở Tư pháp tỉnh Bắc Ninh");
        assert_eq!(r["reporter"]["phone"], "0222 3822 123");
        assert_eq!(r["reporter"]["email"], "vanphong.stp@bacninh.gov.vn");
        assert_eq!(r["contact"]["name"], "Nguyễn Văn An");
        assert_eq!(r["contact"]["title"], "Trưởng phòng CNTT");
        assert_eq!(r["contact"]["phone"], "0912 345 678");
        assert_eq!(r["contact"]["email"], "an.nv@bacninh.gov.vn");
        assert_eq!(r["system"]["operator_name"], "Trung tâm Chuyển đổi số");
        assert_eq!(r["system"]["security_level"], 2);
        assert_eq!(r["system"]["os"], "Ubuntu Server");
        assert_eq!(r["system"]["os_version"], "22.04");
        assert_eq!(
            r["system"]["services"],
            json!(["web", "database", "other:FTP"])
        );
        assert_eq!(r["system"]["measures"], json!(["antivirus", "firewall"]));
        assert_eq!(
            r["description"],
            "Trang chủ cổng thông tin bị thay đổi giao diện (deface), xuất hiện nội dung lạ.\nNghi ngờ lỗ hổng plugin cũ."
        );
        assert_eq!(r["detected_at"], "2026-05-04T08:30:00+07:00");
        assert_eq!(r["handled"], false);
        assert_eq!(
            r["detection_methods"],
            json!([
                "ids",
                "log_review",
                "notified_by:Trung tâm Giám sát an toàn không gian mạng quốc gia"
            ])
        );
        assert_eq!(
            r["already_notified"],
            json!(["network_member", "coordinator"])
        );
        assert_eq!(r["attachments_note"], "Nhật ký hệ thống");
        assert_eq!(r["confidential"], true);
        assert_eq!(r["reported_at"], "2026-05-04T09:15:00+07:00");
        assert_eq!(
            e.unrecognised,
            "Kính gửi Đội ứng cứu sự cố tỉnh,\n\nTrân trọng,\nNguyễn Văn An"
        );
    }
    #[test]
    fn the_blank_form_recognises_nothing_and_leaves_no_noise() {
        let blank = "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG
Tên tổ chức/cá nhân báo cáo sự cố (*).........................................…………
Địa chỉ: (*) ...................................................................................…………
Điện thoại (*) ...............................................................................…………
Email (*).......................................................................................…………
NGƯỜI LIÊN HỆ
Họ và tên (*)..................................... Chức vụ: .............................…………
Điện thoại (*)……………………...Email (*)…………..............…………
Tên hệ thống bị sự cố |
Điền tên hệ thống bị sự cố và tên miền, địa chỉ ip liên quan |
||
Ngày phát hiện sự cố (*): / / (dd/mm/yy) |
Thời gian phát hiện (*): |
..... giờ.... phút |
HIỆN TRẠNG SỰ CỐ (*)
□ Đã được xử lý □ Chưa được xử lý
■ Hệ điều hành ...................................Version............................................ . .
■ Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật:
□ Có □ Không";
        let e = extract(blank);
        assert!(e.recognised.is_empty(), "{:?}", e.recognised);
        assert_eq!(e.unrecognised, "");
        assert_eq!(e.report["handled"], Value::Null);
    }
    #[test]
    fn the_report_has_every_key_of_the_intake_body() {
        let e = extract("");
        let r = &e.report;
        for key in [
            "reporter",
            "contact",
            "system",
            "description",
            "detected_at",
            "handled",
            "detection_methods",
            "already_notified",
            "attachments_note",
            "confidential",
            "support_requested",
            "reported_at",
        ] {
            assert!(r.get(key).is_some(), "{key}");
        }
        for key in ["org_name", "address", "phone", "email"] {
            assert_eq!(r["reporter"][key], "");
        }
        for key in ["name", "title", "phone", "email"] {
            assert_eq!(r["contact"][key], "");
        }
        for key in [
            "operator_name",
            "owner_name",
            "name",
            "domains",
            "ips",
            "public_ip_ranges",
            "security_level",
            "security_provider",
            "connectivity_provider",
            "os",
            "os_version",
            "services",
            "measures",
            "purpose",
        ] {
            assert!(r["system"].get(key).is_some(), "system.{key}");
        }
        assert_eq!(e.unrecognised, "");
    }
    #[test]
    fn extraction_never_panics_on_odd_input() {
        for s in [
            "(",
            ":",
            "Email",
            "Email:",
            "Email (*",
            "Email (((",
            "□",
            "☑☑☑",
            "Cấp độ: ☑",
            "Ngày phát hiện: 99/99/9999 99:99",
            "\u{0}\u{feff}Điện thoại:\r\n",
            "a\u{0301}\u{0301}:",
            "Thời gian thực hiện báo cáo sự cố: 1/2/3/4/5/6/7",
            "Mô tả:\n\n\n",
            "1. 2. 3.",
        ] {
            let _ = extract(s);
        }
    }
}
