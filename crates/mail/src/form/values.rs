//! Cleaning a value: leaders, pipes, the form's own instructions, list items.

use super::matching::{key_form, strip_markers};

/// Trims white space, dotted leaders ("....", "……"), underscores, pipes and stray colons; a
/// single full stop ending a sentence stays.
pub(super) fn clean_value(s: &str) -> String {
    let edge = |c: char| c.is_whitespace() || matches!(c, '…' | '_' | '|' | ':' | '：');
    let mut v = s;
    loop {
        let mut t = v.trim_start_matches(edge).trim_end_matches(edge);
        if t.starts_with("..") {
            t = t.trim_start_matches('.');
        }
        if t.ends_with("..") {
            t = t.trim_end_matches('.');
        }
        // A "(*)" left between the separator and the value: "Địa chỉ: (*) …".
        if let Some(rest) = t.strip_prefix("(*)").or_else(|| t.strip_prefix('*')) {
            t = rest;
        }
        if t.len() == v.len() {
            return t.to_string();
        }
        v = t;
    }
}

/// A line with no letter or digit (leaders, pipes, rules, empty boxes) carries nothing.
pub(super) fn is_noise(s: &str) -> bool {
    !s.chars().any(char::is_alphanumeric)
}

/// The form's own instructions ("Điền tên …", "Đề nghị cung cấp …"): not the sender's words.
pub(super) fn placeholder(s: &str) -> bool {
    let k: String = key_form(strip_markers(s)).into_iter().collect();
    [
        "dienten",
        "dienthongtin",
        "denghicungcapmotbantomtat",
        "denghicungcaptomluoc",
        "danhdaunhung",
        "ngaythangnamgiophut",
        "ddmmyy",
        "giophut",
    ]
    .iter()
    .any(|p| k.starts_with(p))
}

pub(super) fn list_items(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|'))
        .map(|t| {
            t.trim_matches(|c: char| matches!(c, '.' | '…' | '(' | ')' | '<' | '>' | '"' | '\''))
                .to_string()
        })
        .filter(|t| !t.is_empty() && t.chars().any(|c| c.is_ascii_alphanumeric()))
        .collect()
}

/// A continuation line of a domain or IP list: every item has a dot or colon and no item is
/// a word of prose.
pub(super) fn looks_like_list(s: &str) -> bool {
    let items = list_items(strip_markers(s));
    !items.is_empty()
        && items.iter().all(|t| {
            (t.contains('.') || t.contains(':'))
                && t.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '/' | '-' | '*' | '_')
                })
        })
}
