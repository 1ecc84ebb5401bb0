//! Recognises the labels of the initial report form (Phụ lục I, seed 002) in a free-text mail
//! body and fills the intake body of API.md with what it finds.
//!
//! Matching folds case and diacritics (so "Dien thoai", "ĐIỆN THOẠI" and "Điện thoại" are one
//! label), ignores spaces and light punctuation inside labels, skips the form's "(*)" marks,
//! "(nếu có)" notes, dotted leaders and table pipes, and follows the form's section headings so
//! that the second "Điện thoại"/"Email" (under NGƯỜI LIÊN HỆ) goes to the contact. Checkbox
//! groups are read from marked boxes (☑ ☒ ✓ ✔ [x] ■ …) or, without boxes, from the options
//! named. Every line that is not recognised — and every recognised line whose value could not
//! be used (an unparseable date, a second value for a field already filled) — is returned in
//! [`Extracted::unrecognised`], so nothing the sender wrote is dropped.

use std::collections::BTreeSet;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde_json::{Value, json};

use crate::text::{fold, fold_char_into};

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

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
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
enum Section {
    #[default]
    Reporter,
    Contact,
    System,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Value,
    Multi,
    List,
    Options,
    None,
}

fn kind(f: F) -> Kind {
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

struct Label {
    keys: &'static [&'static str],
    field: F,
    section: Option<Section>,
    /// Only "Key:" counts (short keys that occur in prose).
    strict: bool,
    /// Labels that may follow on the same line (the form's combined lines).
    inline: &'static [F],
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

static LABELS: &[Label] = &[
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

/// Folded, without spaces and light punctuation: the form used to compare labels.
fn key_form(s: &str) -> Vec<char> {
    let mut out = String::new();
    for c in s.chars() {
        if ignorable(c) {
            continue;
        }
        fold_char_into(c, &mut out);
    }
    out.chars().collect()
}

fn ignorable(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '/' | '-' | '_' | '.' | '\'' | '"' | '’' | '&')
}

struct Key {
    chars: Vec<char>,
    label: &'static Label,
}

fn keys() -> &'static [Key] {
    static KEYS: std::sync::OnceLock<Vec<Key>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut v: Vec<Key> = LABELS
            .iter()
            .flat_map(|label| {
                label.keys.iter().map(move |k| Key {
                    chars: key_form(k),
                    label,
                })
            })
            .collect();
        // Longest first: "Địa chỉ IP" before "Địa chỉ", "Mô tả sơ bộ sự cố" before "Mô tả".
        v.sort_by_key(|k| std::cmp::Reverse(k.chars.len()));
        v
    })
}

/// A line folded for label matching, each folded char mapped back to its original byte span.
struct FoldedLine {
    chars: Vec<char>,
    start: Vec<usize>,
    end: Vec<usize>,
}

impl FoldedLine {
    fn new(line: &str) -> Self {
        let mut f = FoldedLine {
            chars: Vec::new(),
            start: Vec::new(),
            end: Vec::new(),
        };
        let mut buf = String::new();
        for (i, c) in line.char_indices() {
            if ignorable(c) {
                continue;
            }
            buf.clear();
            fold_char_into(c, &mut buf);
            for fc in buf.chars() {
                f.chars.push(fc);
                f.start.push(i);
                f.end.push(i + c.len_utf8());
            }
        }
        f
    }

    /// Index of the first folded char at or after original byte `pos`.
    fn index_at(&self, pos: usize) -> usize {
        self.start.partition_point(|&s| s < pos)
    }
}

struct LabelMatch {
    label: &'static Label,
    /// Original byte offset where the label starts.
    start: usize,
    /// Original byte offset where the value starts (after the separator).
    value_start: usize,
}

const TAIL_WORDS: &[&str] = &[
    "di dong",
    "lien he",
    "lien lac",
    "chinh",
    "chi tiet",
    "cu the",
    "co quan",
    "don vi",
    "cua he thong",
    "he thong",
    "cua don vi",
    "cua co quan",
    "nguoi bao cao",
    "cua ban",
];

/// Where the value starts after a label ending at `pos`, if what follows is a separator.
/// `mid_line` demands an explicit separator (':' , dotted leader, pipe, "(*)").
fn after_label(
    line: &str,
    pos: usize,
    label: &Label,
    key_len: usize,
    mid_line: bool,
) -> Option<usize> {
    let rest = &line[pos..];
    // The label must end at a word boundary.
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let mut i = pos;
    let mut starred = false;
    let mut tab = false;
    loop {
        let r = &line[i..];
        let trimmed = r.trim_start();
        // A tab separates table cells (HTML rows become "label<TAB>value").
        tab |= r[..r.len() - trimmed.len()].contains('\t');
        i += r.len() - trimmed.len();
        if let Some(t) = trimmed.strip_prefix("(*)") {
            starred = true;
            i += trimmed.len() - t.len();
        } else if let Some(t) = trimmed.strip_prefix('*') {
            starred = true;
            i += trimmed.len() - t.len();
        } else if trimmed.starts_with('(') {
            // "(nếu có)", "(dd/mm/yy)", "(Liệt kê …)".
            match trimmed.find(')') {
                Some(p) => i += p + 1,
                None => break,
            }
        } else {
            break;
        }
    }
    let r = &line[i..];
    let value = |sep_len: usize| Some(i + sep_len);
    if r.starts_with(':') || r.starts_with('：') {
        return value(r.chars().next().map_or(1, char::len_utf8));
    }
    if label.strict && !mid_line {
        return None;
    }
    if r.starts_with("..") || r.starts_with('…') || r.starts_with('|') || (tab && !mid_line) {
        return value(0);
    }
    if r.starts_with(['=', '-', '–']) && !mid_line {
        return value(r.chars().next().map_or(1, char::len_utf8));
    }
    if r.trim().is_empty() {
        return (!mid_line && (starred || key_len >= 8 || label.section.is_some())).then_some(i);
    }
    if mid_line {
        return starred.then_some(i);
    }
    if starred {
        return value(0);
    }
    // "Điện thoại di động: …", "Tên hệ thống chính: …": a few known words before a colon.
    let colon = r.find(':')?;
    let tail = fold(&r[..colon]);
    let tail = tail.split_whitespace().collect::<Vec<_>>().join(" ");
    TAIL_WORDS.contains(&tail.as_str()).then_some(i + colon + 1)
}

/// A label at the start of the line (after bullets, quote marks and numbering).
fn label_at_start(line: &str, folded: &FoldedLine) -> Option<LabelMatch> {
    let start = line.len() - strip_markers(line).len();
    let fi = folded.index_at(start);
    let chars = &folded.chars[fi..];
    for key in keys() {
        if chars.len() >= key.chars.len() && chars[..key.chars.len()] == key.chars[..] {
            let end = folded.end[fi + key.chars.len() - 1];
            if let Some(value_start) = after_label(line, end, key.label, key.chars.len(), false) {
                return Some(LabelMatch {
                    label: key.label,
                    start,
                    value_start,
                });
            }
        }
    }
    None
}

/// The earliest label of `allowed` fields inside `line[from..]`, with an explicit separator.
fn label_inside(line: &str, folded: &FoldedLine, from: usize, allowed: &[F]) -> Option<LabelMatch> {
    if allowed.is_empty() {
        return None;
    }
    let fi0 = folded.index_at(from);
    for fi in fi0..folded.chars.len() {
        let start = folded.start[fi];
        // A label starts a word.
        if line[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        for key in keys() {
            if !allowed.contains(&key.label.field) {
                continue;
            }
            let n = key.chars.len();
            if folded.chars.len() - fi >= n && folded.chars[fi..fi + n] == key.chars[..] {
                let end = folded.end[fi + n - 1];
                if let Some(value_start) = after_label(line, end, key.label, n, true) {
                    return Some(LabelMatch {
                        label: key.label,
                        start,
                        value_start,
                    });
                }
            }
        }
    }
    None
}

/// The line without leading white space, quote marks, bullets, table pipes and numbering
/// ("1.", "2)", "a)", "IV.").
fn strip_markers(line: &str) -> &str {
    let mut s = line;
    loop {
        let t = s.trim_start_matches(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '>' | '|'
                        | '■'
                        | '●'
                        | '•'
                        | '◦'
                        | '▪'
                        | '‣'
                        | '∙'
                        | '·'
                        | '-'
                        | '+'
                        | '–'
                        | '—'
                        | '*'
                        | '◆'
                        | '♦'
                        | '➢'
                        | '➤'
                        | '►'
                        | '▶'
                )
        });
        // Numbering: up to 3 letters or digits then '.' or ')' then a space.
        let n: usize = t
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(char::len_utf8)
            .sum();
        let is_numbering = (1..=3).contains(&n)
            && t[n..].starts_with(['.', ')'])
            && t[n + 1..].starts_with(char::is_whitespace)
            && (t[..n].chars().all(|c| c.is_ascii_digit())
                || t[..n].chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
                || n == 1);
        let t = if is_numbering { &t[n + 1..] } else { t };
        if t.len() == s.len() {
            return s;
        }
        s = t;
    }
}

// ---------------------------------------------------------------------------------------------
// Checkboxes and options
// ---------------------------------------------------------------------------------------------

const CHECKED: &[&str] = &[
    "☑", "☒", "✓", "✔", "✗", "✘", "⊠", "▣", "■", "◼", "⬛", "●", "◉", "[x]", "[X]", "(x)", "(X)",
    "[v]", "[V]", "[✓]", "[✔]", "[*]",
];
const UNCHECKED: &[&str] = &["□", "☐", "❑", "❒", "◻", "○", "◯", "⬜", "[ ]", "[]", "( )"];

/// Splits a line into option segments: (checked, text). Without any box the whole line is one
/// checked segment (the sender simply named the option). The text before the first box is
/// dropped when boxes follow (it is a label or a bullet).
fn segments(s: &str) -> (bool, Vec<(bool, &str)>) {
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

enum OptOutcome {
    /// Every named or checked option was understood.
    Full,
    /// Some text could not be understood: keep the line.
    Partial,
    /// Nothing here is an option.
    NoMatch,
}

// ---------------------------------------------------------------------------------------------
// Dates and times
// ---------------------------------------------------------------------------------------------

fn numbers(s: &str) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - st <= 4
                && let Ok(n) = s[st..i].parse()
            {
                out.push((st, i, n));
            }
        } else {
            i += 1;
        }
    }
    out
}

fn year(y: u32, digits: usize) -> i32 {
    if digits <= 2 {
        2000 + y as i32
    } else {
        y as i32
    }
}

/// The first date in `s`: dd/mm/yyyy, dd-mm-yy, dd.mm.yyyy, yyyy-mm-dd, "ngày 4 tháng 5 năm 2026".
fn parse_date(s: &str) -> Option<NaiveDate> {
    let folded = fold(s);
    let nums = numbers(&folded);
    for w in nums.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        let sep1 = &folded[a.1..b.0];
        let sep2 = &folded[b.1..c.0];
        let date_sep = |sep: &str| matches!(sep.trim(), "/" | "-" | ".");
        let words = sep1.trim() == "thang" && (sep2.trim() == "nam" || sep2.trim() == ",");
        if (date_sep(sep1) && date_sep(sep2) && sep1.trim() == sep2.trim()) || words {
            let date = if a.1 - a.0 == 4 {
                NaiveDate::from_ymd_opt(a.2 as i32, b.2, c.2)
            } else {
                NaiveDate::from_ymd_opt(year(c.2, c.1 - c.0), b.2, a.2)
            };
            if date.is_some() {
                return date;
            }
        }
    }
    None
}

/// The first time of day in `s`: "08:30", "8h30", "8 giờ 30 phút", "8 giờ".
fn parse_time(s: &str) -> Option<NaiveTime> {
    let folded = fold(s);
    let nums = numbers(&folded);
    for (k, &(_, end, h)) in nums.iter().enumerate() {
        let after = &folded[end..];
        let after_t = after.trim_start();
        let minute = |sep_len: usize| -> Option<u32> {
            let next = nums.get(k + 1)?;
            let gap = &folded[end + (after.len() - after_t.len()) + sep_len..next.0];
            gap.trim().is_empty().then_some(next.2)
        };
        let m = if after.starts_with(':') {
            match minute(1) {
                Some(m) => Some(m),
                None => continue,
            }
        } else if after_t.starts_with("gio") {
            Some(minute(3).unwrap_or(0))
        } else if after.starts_with('h') && !after[1..].starts_with(char::is_alphabetic) {
            Some(minute(1).unwrap_or(0))
        } else {
            None
        };
        if let Some(m) = m
            && let Some(t) = NaiveTime::from_hms_opt(h, m, 0)
        {
            return Some(t);
        }
    }
    None
}

/// "dd/mm/yyyy/HH/MM" (the form's "…/…/…/…/…"), or a date and a time in any order.
fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let nums = numbers(s);
    for w in nums.windows(5) {
        let seps_ok = w.windows(2).all(|p| s[p[0].1..p[1].0].trim() == "/");
        if seps_ok
            && let Some(d) = NaiveDate::from_ymd_opt(year(w[2].2, w[2].1 - w[2].0), w[1].2, w[0].2)
            && let Some(t) = NaiveTime::from_hms_opt(w[3].2, w[4].2, 0)
        {
            return Some(d.and_time(t));
        }
    }
    let d = parse_date(s)?;
    // Look for the time outside the date itself.
    let t = parse_time(&strip_date(s)).unwrap_or(NaiveTime::MIN);
    Some(d.and_time(t))
}

/// `s` with date-shaped number groups removed, so "04/05/2026 08:30" finds 08:30, not 04.
fn strip_date(s: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    let nums = numbers(s);
    let mut k = 0;
    while k + 2 < nums.len() {
        let (a, b, c) = (nums[k], nums[k + 1], nums[k + 2]);
        let s1 = s[a.1..b.0].trim();
        let s2 = s[b.1..c.0].trim();
        if matches!(s1, "/" | "-" | ".") && s1 == s2 {
            out.push_str(&s[last..a.0]);
            out.push(' ');
            last = c.1;
            k += 3;
        } else {
            k += 1;
        }
    }
    out.push_str(&s[last..]);
    out
}

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

fn rfc3339_vn(dt: NaiveDateTime) -> Option<String> {
    vn().from_local_datetime(&dt)
        .single()
        .map(|d| d.to_rfc3339())
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/// Trims white space, dotted leaders ("....", "……"), underscores, pipes and stray colons; a
/// single full stop ending a sentence stays.
fn clean_value(s: &str) -> String {
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
fn is_noise(s: &str) -> bool {
    !s.chars().any(char::is_alphanumeric)
}

/// The form's own instructions ("Điền tên …", "Đề nghị cung cấp …"): not the sender's words.
fn placeholder(s: &str) -> bool {
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

fn list_items(s: &str) -> Vec<String> {
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
fn looks_like_list(s: &str) -> bool {
    let items = list_items(strip_markers(s));
    !items.is_empty()
        && items.iter().all(|t| {
            (t.contains('.') || t.contains(':'))
                && t.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '/' | '-' | '*' | '_')
                })
        })
}

// ---------------------------------------------------------------------------------------------
// The extractor
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Form {
    reporter_org: Option<String>,
    reporter_address: Option<String>,
    reporter_phone: Option<String>,
    reporter_email: Option<String>,
    contact_name: Option<String>,
    contact_title: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    operator: Option<String>,
    owner: Option<String>,
    system_name: Option<String>,
    domains: Vec<String>,
    ips: Vec<String>,
    public_ip_ranges: Vec<String>,
    security_level: Option<u8>,
    security_provider: Option<String>,
    connectivity_provider: Option<String>,
    os: Option<String>,
    os_version: Option<String>,
    services: Vec<String>,
    measures: Vec<String>,
    purpose: Vec<String>,
    description: Vec<String>,
    detected_date: Option<NaiveDate>,
    detected_time: Option<NaiveTime>,
    handled: Option<bool>,
    detection_methods: Vec<String>,
    already_notified: Vec<String>,
    attachments_note: Vec<String>,
    confidential: Option<bool>,
    support: Vec<String>,
    reported_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    /// The label's value is on the next line.
    Value(F),
    /// Lines continue a multi-line value until the next label.
    Multi(F),
    /// Lines continue a list of domains or addresses while they look like one.
    List(F),
    /// Lines are checkbox options of this field until the next label.
    Options(F),
}

enum Applied {
    /// The value was used.
    Used,
    /// No value on this line (the form's blank).
    Empty,
    /// The value could not be used (bad date, field already filled, …): keep the line.
    Kept,
}

struct State {
    form: Form,
    section: Section,
    pending: Pending,
    unrec: Vec<String>,
    recognised: BTreeSet<&'static str>,
}

impl Default for State {
    fn default() -> Self {
        State {
            form: Form::default(),
            section: Section::Reporter,
            pending: Pending::None,
            unrec: Vec::new(),
            recognised: BTreeSet::new(),
        }
    }
}

fn set_once(slot: &mut Option<String>, value: String) -> bool {
    match slot {
        Some(existing) => *existing == value,
        None => {
            *slot = Some(value);
            true
        }
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

impl State {
    fn keep(&mut self, line: &str) {
        self.unrec.push(line.trim_end().to_string());
    }

    fn line(&mut self, raw: &str) {
        let line = raw.trim_end_matches(['\r', '\n']);
        if is_noise(line) {
            match self.pending {
                Pending::Multi(f) => self.multi_push(f, ""),
                _ => self.unrec.push(String::new()),
            }
            return;
        }
        let folded = FoldedLine::new(line);
        if let Some(m) = label_at_start(line, &folded) {
            self.label_line(line, &folded, m);
            return;
        }
        match self.pending {
            Pending::Multi(f) => {
                let text = strip_markers(line).trim_end();
                if placeholder(text) {
                    // "Đề nghị cung cấp … sự cố: <the sender's text>".
                    if let Some(p) = text.rfind(':') {
                        let v = clean_value(&text[p + 1..]);
                        if !v.is_empty() {
                            self.multi_push(f, &v);
                        }
                    }
                    return;
                }
                self.multi_push(f, line.trim());
                return;
            }
            Pending::Value(f) => {
                if placeholder(line) {
                    return;
                }
                self.pending = Pending::None;
                match self.apply(f, strip_markers(line)) {
                    Applied::Used => {}
                    Applied::Empty | Applied::Kept => self.keep(line),
                }
                return;
            }
            Pending::List(f) => {
                if looks_like_list(line) {
                    self.apply(f, strip_markers(line));
                    return;
                }
                self.pending = Pending::None;
            }
            Pending::Options(f) => match self.options(f, line, true) {
                OptOutcome::Full => return,
                OptOutcome::Partial => {
                    self.keep(line);
                    return;
                }
                OptOutcome::NoMatch => {}
            },
            Pending::None => {}
        }
        if placeholder(line) {
            return;
        }
        self.keep(line);
    }

    fn label_line(&mut self, line: &str, folded: &FoldedLine, first: LabelMatch) {
        self.pending = Pending::None;
        let mut kept = false;
        let mut current = first;
        loop {
            let label = current.label;
            if let Some(s) = label.section {
                self.section = s;
            }
            let next = label_inside(line, folded, current.value_start, label.inline);
            let value_end = next.as_ref().map_or(line.len(), |n| n.start);
            let value = &line[current.value_start..value_end];
            let outcome = if label.field == F::Heading {
                if is_noise(value) {
                    Applied::Empty
                } else {
                    Applied::Kept
                }
            } else {
                self.apply(label.field, value)
            };
            match outcome {
                Applied::Kept => kept = true,
                Applied::Empty => {
                    self.pending = match kind(label.field) {
                        Kind::Value => Pending::Value(label.field),
                        Kind::Multi => Pending::Multi(label.field),
                        Kind::List => Pending::List(label.field),
                        Kind::Options => Pending::Options(label.field),
                        Kind::None => Pending::None,
                    }
                }
                Applied::Used => {
                    self.pending = match kind(label.field) {
                        Kind::Multi => Pending::Multi(label.field),
                        Kind::List => Pending::List(label.field),
                        Kind::Options => Pending::Options(label.field),
                        Kind::Value | Kind::None => Pending::None,
                    }
                }
            }
            match next {
                Some(n) => current = n,
                None => break,
            }
        }
        if kept {
            self.keep(line);
        }
    }

    fn multi_push(&mut self, f: F, text: &str) {
        let list = match f {
            F::Description => &mut self.form.description,
            F::Support => &mut self.form.support,
            _ => &mut self.form.purpose,
        };
        if text.is_empty() && list.is_empty() {
            return;
        }
        list.push(text.to_string());
        self.recognised.insert(match f {
            F::Description => "description",
            F::Support => "support_requested",
            _ => "system.purpose",
        });
    }

    fn text_slot(&mut self, f: F) -> (&mut Option<String>, &'static str) {
        let form = &mut self.form;
        match f {
            F::ReporterOrg => (&mut form.reporter_org, "reporter.org_name"),
            F::Address => (&mut form.reporter_address, "reporter.address"),
            F::ContactName => (&mut form.contact_name, "contact.name"),
            F::ContactTitle => (&mut form.contact_title, "contact.title"),
            F::Operator => (&mut form.operator, "system.operator_name"),
            F::Owner => (&mut form.owner, "system.owner_name"),
            F::SystemName => (&mut form.system_name, "system.name"),
            F::SecurityProvider => (&mut form.security_provider, "system.security_provider"),
            F::ConnectivityProvider => (
                &mut form.connectivity_provider,
                "system.connectivity_provider",
            ),
            F::Os => (&mut form.os, "system.os"),
            F::OsVersion => (&mut form.os_version, "system.os_version"),
            F::Phone => {
                let to_contact = self.section == Section::Contact
                    || (form.reporter_phone.is_some() && form.contact_phone.is_none());
                if to_contact {
                    (&mut form.contact_phone, "contact.phone")
                } else {
                    (&mut form.reporter_phone, "reporter.phone")
                }
            }
            _ => {
                let to_contact = self.section == Section::Contact
                    || (form.reporter_email.is_some() && form.contact_email.is_none());
                if to_contact {
                    (&mut form.contact_email, "contact.email")
                } else {
                    (&mut form.reporter_email, "reporter.email")
                }
            }
        }
    }

    fn apply(&mut self, f: F, value: &str) -> Applied {
        let v = clean_value(value);
        if placeholder(&v) {
            return Applied::Empty;
        }
        match kind(f) {
            Kind::None => Applied::Empty,
            Kind::Multi => {
                if v.is_empty() {
                    return Applied::Empty;
                }
                self.multi_push(f, &v);
                Applied::Used
            }
            Kind::List => {
                let items = list_items(&v);
                if items.is_empty() {
                    return Applied::Empty;
                }
                let (list, path) = match f {
                    F::Domains => (&mut self.form.domains, "system.domains"),
                    F::Ips => (&mut self.form.ips, "system.ips"),
                    _ => (&mut self.form.public_ip_ranges, "system.public_ip_ranges"),
                };
                for item in items {
                    let item = if f == F::Domains {
                        item.to_lowercase()
                    } else {
                        item
                    };
                    push_unique(list, item);
                }
                self.recognised.insert(path);
                Applied::Used
            }
            Kind::Options => {
                if is_noise(&v) {
                    return Applied::Empty;
                }
                match self.options(f, &v, false) {
                    OptOutcome::Full => Applied::Used,
                    OptOutcome::Partial | OptOutcome::NoMatch => Applied::Kept,
                }
            }
            Kind::Value => match f {
                F::DetectedDate | F::DetectedTime => {
                    if !v.chars().any(|c| c.is_ascii_digit()) {
                        return Applied::Empty;
                    }
                    let date = parse_date(&v);
                    let time = parse_time(&strip_date(&v));
                    let mut used = false;
                    let mut conflict = false;
                    if let Some(d) = date {
                        conflict |= self.form.detected_date.is_some_and(|x| x != d);
                        self.form.detected_date.get_or_insert(d);
                        used = true;
                    }
                    if let Some(t) = time {
                        conflict |= self.form.detected_time.is_some_and(|x| x != t);
                        self.form.detected_time.get_or_insert(t);
                        used = true;
                    }
                    if used && !conflict {
                        Applied::Used
                    } else {
                        Applied::Kept
                    }
                }
                F::ReportedAt => {
                    if !v.chars().any(|c| c.is_ascii_digit()) {
                        return Applied::Empty;
                    }
                    match parse_datetime(&v) {
                        Some(dt) if self.form.reported_at.is_none_or(|x| x == dt) => {
                            self.form.reported_at = Some(dt);
                            self.recognised.insert("reported_at");
                            Applied::Used
                        }
                        _ => Applied::Kept,
                    }
                }
                _ => {
                    if is_noise(&v) {
                        return Applied::Empty;
                    }
                    let (slot, path) = self.text_slot(f);
                    if set_once(slot, v) {
                        self.recognised.insert(path);
                        Applied::Used
                    } else {
                        Applied::Kept
                    }
                }
            },
        }
    }

    /// Reads checkbox options of `f` from `s`. `strict` for lines without a label: text
    /// without boxes must be nothing but options.
    fn options(&mut self, f: F, s: &str, strict: bool) -> OptOutcome {
        let (boxed, segs) = segments(s);
        let seps: &[char] = if matches!(f, F::Handled | F::Confidential) {
            &[',', ';', '/']
        } else {
            &[',', ';']
        };
        let free = !boxed;
        let strict_items = strict && free;
        let mut understood = 0;
        let mut not_understood = 0;
        let mut answers: Vec<String> = Vec::new();
        for (checked, seg) in segs {
            let items: Vec<&str> = if free {
                // Without boxes a sender may list several: "Web server, Mail server".
                seg.split(seps).collect()
            } else {
                vec![seg]
            };
            for item in items {
                let item = item.trim();
                if is_noise(item) {
                    continue;
                }
                match self.option_value(f, item, strict_items) {
                    Some(a) => {
                        understood += 1;
                        if checked && !a.is_empty() {
                            answers.push(a);
                        }
                    }
                    None if checked => not_understood += 1,
                    None => {}
                }
            }
        }
        if understood == 0 {
            return OptOutcome::NoMatch;
        }
        // Single answers: one distinct value, or the line is ambiguous.
        match f {
            F::Handled | F::Confidential | F::SecurityLevel => {
                answers.sort();
                answers.dedup();
                if answers.len() > 1 {
                    return OptOutcome::Partial;
                }
                if let Some(a) = answers.first() {
                    let ok = match f {
                        F::Handled => {
                            let b = a == "true";
                            let ok = self.form.handled.is_none_or(|x| x == b);
                            self.form.handled.get_or_insert(b);
                            self.recognised.insert("handled");
                            ok
                        }
                        F::Confidential => {
                            let b = a == "true";
                            let ok = self.form.confidential.is_none_or(|x| x == b);
                            self.form.confidential.get_or_insert(b);
                            self.recognised.insert("confidential");
                            ok
                        }
                        _ => {
                            let n: u8 = a.parse().unwrap_or(0);
                            let ok = self.form.security_level.is_none_or(|x| x == n);
                            self.form.security_level.get_or_insert(n);
                            self.recognised.insert("system.security_level");
                            ok
                        }
                    };
                    if !ok {
                        return OptOutcome::Partial;
                    }
                } else if free {
                    // Named without a box, yet nothing to set (cannot happen for single
                    // answers, which always carry a value).
                    return OptOutcome::Partial;
                }
            }
            _ => {
                let (list, path) = match f {
                    F::DetectionMethods => (&mut self.form.detection_methods, "detection_methods"),
                    F::AlreadyNotified => (&mut self.form.already_notified, "already_notified"),
                    F::Services => (&mut self.form.services, "system.services"),
                    F::Measures => (&mut self.form.measures, "system.measures"),
                    _ => (&mut self.form.attachments_note, "attachments_note"),
                };
                let any = !answers.is_empty();
                for a in answers {
                    push_unique(list, a);
                }
                if any {
                    self.recognised.insert(path);
                }
            }
        }
        if not_understood > 0 {
            OptOutcome::Partial
        } else {
            OptOutcome::Full
        }
    }

    /// One option's answer: "true"/"false" for yes-no groups, "1"…"5" for the level, the code
    /// for lists. `Some("")` for an option that is recognised but carries nothing.
    fn option_value(&self, f: F, item: &str, strict: bool) -> Option<String> {
        let words: Vec<String> = fold(item)
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

    fn finish(mut self) -> Extracted {
        let f = self.form;
        let mut recognised = self.recognised;
        let detected_at = match (f.detected_date, f.detected_time) {
            (Some(d), t) => rfc3339_vn(d.and_time(t.unwrap_or(NaiveTime::MIN))),
            (None, _) => None,
        };
        if detected_at.is_some() {
            recognised.insert("detected_at");
        } else if f.detected_time.is_some() {
            // A time without a date cannot make a datetime: say so in the description.
            self.unrec.push(format!(
                "Thời gian phát hiện: {}",
                f.detected_time
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default()
            ));
        }
        let join = |v: &Vec<String>| v.join("\n").trim().to_string();
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let report = json!({
            "reporter": {
                "org_name": s(&f.reporter_org),
                "address": s(&f.reporter_address),
                "phone": s(&f.reporter_phone),
                "email": s(&f.reporter_email),
            },
            "contact": {
                "name": s(&f.contact_name),
                "title": s(&f.contact_title),
                "phone": s(&f.contact_phone),
                "email": s(&f.contact_email),
            },
            "system": {
                "operator_name": s(&f.operator),
                "owner_name": s(&f.owner),
                "name": s(&f.system_name),
                "domains": f.domains,
                "ips": f.ips,
                "public_ip_ranges": f.public_ip_ranges,
                "security_level": f.security_level,
                "security_provider": s(&f.security_provider),
                "connectivity_provider": s(&f.connectivity_provider),
                "os": s(&f.os),
                "os_version": s(&f.os_version),
                "services": f.services,
                "measures": f.measures,
                "purpose": join(&f.purpose),
            },
            "description": join(&f.description),
            "detected_at": detected_at,
            "handled": f.handled,
            "detection_methods": f.detection_methods,
            "already_notified": f.already_notified,
            "attachments_note": f.attachments_note.join(", "),
            "confidential": f.confidential,
            "support_requested": join(&f.support),
            "reported_at": f.reported_at.and_then(rfc3339_vn),
        });
        // Unrecognised lines, runs of blank lines collapsed, ends trimmed.
        let mut unrecognised = String::new();
        let mut blank = false;
        for line in &self.unrec {
            if line.trim().is_empty() {
                blank = !unrecognised.is_empty();
                continue;
            }
            if blank {
                unrecognised.push('\n');
                blank = false;
            }
            unrecognised.push_str(line);
            unrecognised.push('\n');
        }
        let unrecognised = unrecognised.trim_end().to_string();
        Extracted {
            report,
            unrecognised,
            recognised,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_filled_form_fills_every_section() {
        let e = extract(include_str!("../tests/fixtures/form_filled.txt"));
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
    fn phone_and_email_follow_the_section_heading() {
        let e = extract(
            "Điện thoại: 111\nEmail: org@x.vn\nNGƯỜI LIÊN HỆ\nĐiện thoại: 222\nEmail: person@x.vn",
        );
        assert_eq!(e.report["reporter"]["phone"], "111");
        assert_eq!(e.report["reporter"]["email"], "org@x.vn");
        assert_eq!(e.report["contact"]["phone"], "222");
        assert_eq!(e.report["contact"]["email"], "person@x.vn");
        // Without the heading, the second one still goes to the contact.
        let e = extract("Email: org@x.vn\nEmail: person@x.vn");
        assert_eq!(e.report["contact"]["email"], "person@x.vn");
        // A third has nowhere to go and is kept.
        let e = extract("Email: a@x.vn\nEmail: b@x.vn\nEmail: c@x.vn");
        assert_eq!(e.unrecognised, "Email: c@x.vn");
    }

    #[test]
    fn a_value_on_the_next_line_is_taken() {
        let e = extract(
            "Tên tổ chức/cá nhân báo cáo sự cố (*)\nUBND xã Tân Chi\nCơ quan chủ quản:\n\nUBND tỉnh",
        );
        assert_eq!(e.report["reporter"]["org_name"], "UBND xã Tân Chi");
        assert_eq!(e.report["system"]["owner_name"], "UBND tỉnh");
        assert_eq!(e.unrecognised, "");
    }

    #[test]
    fn the_description_runs_over_several_lines_until_the_next_label() {
        let e = extract(
            "Mô tả sơ bộ sự cố:\nDòng một.\n\nDòng hai.\nNgày phát hiện sự cố: 01/02/2026\nCảm ơn.",
        );
        assert_eq!(e.report["description"], "Dòng một.\n\nDòng hai.");
        assert_eq!(e.report["detected_at"], "2026-02-01T00:00:00+07:00");
        assert_eq!(e.unrecognised, "Cảm ơn.");
        assert_eq!(
            e.description_with_unrecognised(),
            "Dòng một.\n\nDòng hai.\n\nCảm ơn."
        );
    }

    #[test]
    fn free_text_is_kept_whole_and_prose_is_not_mistaken_for_labels() {
        let body = "Chào anh chị,\nHệ thống bị sự cố từ sáng nay, email của chúng tôi gửi spam.\n\
                    Địa chỉ IP tấn công là 198.51.100.7.\nTên miền lạ xuất hiện trong log.";
        let e = extract(body);
        assert!(e.recognised.is_empty(), "{:?}", e.recognised);
        assert_eq!(e.unrecognised, body);
    }

    #[test]
    fn values_that_cannot_be_used_are_kept_as_unrecognised() {
        let e = extract(
            "Ngày phát hiện sự cố: 31/02/2026\nHiện trạng sự cố: Đã được xử lý / Chưa được xử lý\nCấp độ hệ thống: 9\nGiữ bí mật: tùy",
        );
        assert_eq!(e.report["detected_at"], Value::Null);
        assert_eq!(e.report["handled"], Value::Null);
        assert_eq!(e.report["system"]["security_level"], Value::Null);
        assert_eq!(e.report["confidential"], Value::Null);
        assert_eq!(
            e.unrecognised,
            "Ngày phát hiện sự cố: 31/02/2026\nHiện trạng sự cố: Đã được xử lý / Chưa được xử lý\nCấp độ hệ thống: 9\nGiữ bí mật: tùy"
        );
        // A time without a date cannot become detected_at, and is said in the description.
        let e = extract("Thời gian phát hiện: 08:30");
        assert_eq!(e.report["detected_at"], Value::Null);
        assert_eq!(e.unrecognised, "Thời gian phát hiện: 08:30");
    }

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

    #[test]
    fn lists_continue_on_following_lines_while_they_look_like_addresses() {
        let e = extract(
            "Các địa chỉ IP của hệ thống:\n203.0.113.1\n203.0.113.2, 2001:db8::1\nXin cảm ơn",
        );
        assert_eq!(
            e.report["system"]["ips"],
            json!(["203.0.113.1", "203.0.113.2", "2001:db8::1"])
        );
        assert_eq!(e.unrecognised, "Xin cảm ơn");
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
