//! Checkbox groups: marked and empty boxes, and the options each group offers.

use super::dates::numbers;
use super::labels::F;
use super::matching::{FoldedLine, key_form};
use super::values::{clean_value, is_noise};
use crate::text::fold_keeping_spaces;

const CHECKED: &[&str] = &[
    "☑", "☒", "✓", "✔", "✗", "✘", "⊠", "▣", "■", "◼", "⬛", "●", "◉", "[x]", "[X]", "(x)", "(X)",
    "[v]", "[V]", "[✓]", "[✔]", "[*]",
];
const UNCHECKED: &[&str] = &["□", "☐", "❑", "❒", "◻", "○", "◯", "⬜", "[ ]", "[]", "( )"];

/// Splits a line into option segments: (checked, text). Without any box the whole line is one
/// checked segment (the sender simply named the option). The text before the first box is
/// dropped when boxes follow (it is a label or a bullet).
pub(super) fn segments(s: &str) -> (bool, Vec<(bool, &str)>) {
    let mut marks: Vec<(usize, usize, bool)> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let r = &s[i..];
        let hit = CHECKED
            .iter()
            .map(|m| (m, true))
            .chain(UNCHECKED.iter().map(|m| (m, false)))
            .find(|(m, _)| r.starts_with(**m));
        match hit {
            Some((m, checked)) => {
                marks.push((i, m.len(), checked));
                i += m.len();
            }
            None => i += r.chars().next().map_or(1, char::len_utf8),
        }
    }
    if marks.is_empty() {
        return (false, vec![(true, s)]);
    }
    let mut out = Vec::new();
    // Words before the first box are not an option: keep them so the line is not lost.
    let prefix = &s[..marks[0].0];
    if !is_noise(prefix) {
        out.push((true, prefix));
    }
    for (k, &(pos, len, checked)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(s.len(), |m| m.0);
        out.push((checked, &s[pos + len..end]));
    }
    (true, out)
}

/// Text a sender wrote after "đó là", "từ" or ':' in an option ("Khác, đó là: X").
fn option_payload(seg: &str, after: &[&str]) -> Option<String> {
    let folded = FoldedLine::new(seg);
    let mut best: Option<usize> = None;
    for word in after {
        let k = key_form(word);
        if k.is_empty() {
            continue;
        }
        for fi in 0..folded.chars.len() {
            if folded.chars.len() - fi >= k.len() && folded.chars[fi..fi + k.len()] == k[..] {
                let end = folded.end[fi + k.len() - 1];
                if seg[end..].starts_with(char::is_alphanumeric) {
                    continue;
                }
                best = Some(best.map_or(end, |b: usize| b.max(end)));
                break;
            }
        }
    }
    if let Some(p) = seg.find(':') {
        best = Some(best.map_or(p + 1, |b| b.max(p + 1)));
    }
    let text = clean_value(&seg[best?..]);
    (!text.is_empty()).then_some(text)
}

struct Opt {
    code: &'static str,
    phrases: &'static [&'static str],
    /// Free text follows the option ("Khác, đó là: …").
    payload: &'static [&'static str],
}

const fn opt(code: &'static str, phrases: &'static [&'static str]) -> Opt {
    Opt {
        code,
        phrases,
        payload: &[],
    }
}

static DETECTION: &[Opt] = &[
    opt(
        "ids",
        &[
            "Qua hệ thống phát hiện xâm nhập",
            "Hệ thống phát hiện xâm nhập",
            "IDS",
            "IPS",
        ],
    ),
    opt(
        "log_review",
        &[
            "Kiểm tra dữ liệu lưu lại",
            "Kiểm tra log",
            "Log File",
            "Kiểm tra nhật ký",
            "Nhật ký",
        ],
    ),
    Opt {
        code: "notified_by:",
        phrases: &[
            "Nhận được thông báo từ",
            "Nhận thông báo từ",
            "Được thông báo từ",
        ],
        payload: &["từ", "đó là"],
    },
    Opt {
        code: "other:",
        phrases: &["Khác"],
        payload: &["đó là", "khác"],
    },
];

static NOTIFIED: &[Opt] = &[
    opt(
        "network_member",
        &[
            "Thành viên mạng lưới chịu trách nhiệm ứng cứu sự cố",
            "Thành viên mạng lưới",
            "Mạng lưới ứng cứu",
        ],
    ),
    opt(
        "isp",
        &[
            "ISP đang trực tiếp cung cấp dịch vụ",
            "ISP",
            "Nhà cung cấp dịch vụ",
        ],
    ),
    opt("coordinator", &["Cơ quan điều phối", "Điều phối"]),
];

static SERVICES: &[Opt] = &[
    opt("web", &["Web server", "Web", "Website", "Máy chủ web"]),
    opt("mail", &["Mail server", "Mail", "Email", "Máy chủ thư"]),
    opt(
        "database",
        &["Database server", "Database", "Cơ sở dữ liệu", "CSDL"],
    ),
    Opt {
        code: "other:",
        phrases: &["Dịch vụ khác", "Khác"],
        payload: &["đó là", "khác"],
    },
];

static MEASURES: &[Opt] = &[
    opt(
        "antivirus",
        &[
            "Antivirus",
            "Anti-virus",
            "Phần mềm diệt virus",
            "Diệt virus",
        ],
    ),
    opt("firewall", &["Firewall", "Tường lửa"]),
    opt(
        "ids",
        &["Hệ thống phát hiện xâm nhập", "IDS", "IPS", "IDS/IPS"],
    ),
    Opt {
        code: "other:",
        phrases: &["Khác"],
        payload: &["đó là", "khác"],
    },
];

static ATTACHMENT_KINDS: &[Opt] = &[
    opt(
        "Nhật ký hệ thống",
        &["Nhật ký hệ thống", "Log hệ thống", "Nhật ký"],
    ),
    opt(
        "Mẫu virus/mã độc",
        &["Mẫu virus/mã độc", "Mẫu virus", "Mẫu mã độc", "Mã độc"],
    ),
    Opt {
        code: "",
        phrases: &["Khác"],
        payload: &["đó là", "khác"],
    },
];

/// Matches `seg` against options. `strict`: the whole segment must be an option (free text
/// lines without boxes), otherwise the option may be followed by anything.
fn match_options(opts: &[Opt], seg: &str, strict: bool) -> Option<String> {
    let k = key_form(seg);
    for o in opts {
        for p in o.phrases {
            let pk = key_form(p);
            let starts = k.len() >= pk.len() && k[..pk.len()] == pk[..];
            if !starts {
                continue;
            }
            if !o.payload.is_empty() {
                return match option_payload(seg, o.payload) {
                    Some(text) => Some(format!("{}{}", o.code, text)),
                    None if o.code.ends_with(':') => Some(String::new()),
                    None => Some(String::new()),
                };
            }
            // Allow a short tail: "(IDS)", "(Log File)", "server".
            if strict && k.len() > pk.len() + 12 {
                continue;
            }
            return Some(o.code.to_string());
        }
    }
    None
}

/// One option's answer: "true"/"false" for yes-no groups, "1"…"5" for the level, the code
/// for lists. `Some("")` for an option that is recognised but carries nothing.
pub(super) fn option_value(f: F, item: &str, strict: bool) -> Option<String> {
    let words: Vec<String> = fold_keeping_spaces(item)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let k: String = key_form(item).into_iter().collect();
    match f {
        F::Handled => {
            let no = ["chuaduocxuly", "chuaxuly", "chuakhacphuc", "dangxuly"];
            let yes = ["daduocxuly", "daxuly", "dakhacphuc", "daxulyxong"];
            let short = |p: &str| k.starts_with(p) && (!strict || k.len() <= p.len() + 12);
            let one = |w: &[&str]| words.len() == 1 && w.contains(&words[0].as_str());
            if no.iter().any(|p| short(p)) || one(&["chua", "no"]) {
                Some("false".into())
            } else if yes.iter().any(|p| short(p)) || one(&["co", "yes", "roi"]) {
                Some("true".into())
            } else {
                None
            }
        }
        F::Confidential => {
            let w: Vec<&str> = words.iter().map(String::as_str).collect();
            match w.as_slice() {
                ["co"] | ["yes"] | ["x", "co"] | ["co", "giu", "bi", "mat"] | ["can"] => {
                    Some("true".into())
                }
                ["khong"] | ["no"] | ["x", "khong"] | ["khong", "can"] => Some("false".into()),
                _ => None,
            }
        }
        F::SecurityLevel => {
            let nums: Vec<u32> = numbers(item).iter().map(|n| n.2).collect();
            let only_level_words = words
                .iter()
                .all(|w| w == "cap" || w == "do" || w == "level" || w.parse::<u32>().is_ok());
            match nums.as_slice() {
                [n @ 1..=5] if only_level_words || !strict => Some(n.to_string()),
                _ => None,
            }
        }
        F::DetectionMethods => match_options(DETECTION, item, strict),
        F::AlreadyNotified => match_options(NOTIFIED, item, strict),
        F::Services => match_options(SERVICES, item, strict),
        F::Measures => match_options(MEASURES, item, strict),
        _ => {
            // Attachments note: the option's own wording, or what the sender wrote.
            match match_options(ATTACHMENT_KINDS, item, strict) {
                Some(code) => Some(code),
                None if !strict => Some(clean_value(item)),
                None => None,
            }
        }
    }
}

pub(super) enum OptOutcome {
    /// Every named or checked option was understood.
    Full,
    /// Some text could not be understood: keep the line.
    Partial,
    /// Nothing here is an option.
    NoMatch,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::form::extract;

    #[test]
    fn checkbox_lines_under_a_heading_take_only_the_marked_boxes() {
        let e = extract(
            "CÁCH THỨC PHÁT HIỆN\n□ Qua hệ thống phát hiện xâm nhập ✔ Kiểm tra dữ liệu lưu lại (Log File)\n\
             ☑ Khác, đó là: người dùng phản ánh\nĐÃ GỬI THÔNG BÁO SỰ CỐ CHO\n[x] ISP đang trực tiếp cung cấp dịch vụ\n\
             [ ] Cơ quan điều phối\nCác dịch vụ có trên hệ thống\nWeb server, Database server",
        );
        assert_eq!(
            e.report["detection_methods"],
            json!(["log_review", "other:người dùng phản ánh"])
        );
        assert_eq!(e.report["already_notified"], json!(["isp"]));
        assert_eq!(e.report["system"]["services"], json!(["web", "database"]));
        assert_eq!(e.unrecognised, "");
    }
}
