//! Finding a label in a line: both folded the same way, each folded char mapped back to the
//! original text so the value can be cut out of it.

use super::labels::{F, LABELS, Label};
use crate::text::{fold_char_into, fold_keeping_spaces};

/// Folded, without spaces and light punctuation: the form used to compare labels.
pub(super) fn key_form(s: &str) -> Vec<char> {
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
pub(super) struct FoldedLine {
    pub(super) chars: Vec<char>,
    pub(super) start: Vec<usize>,
    pub(super) end: Vec<usize>,
}

impl FoldedLine {
    pub(super) fn new(line: &str) -> Self {
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

pub(super) struct LabelMatch {
    pub(super) label: &'static Label,
    /// Original byte offset where the label starts.
    pub(super) start: usize,
    /// Original byte offset where the value starts (after the separator).
    pub(super) value_start: usize,
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
    let tail = fold_keeping_spaces(&r[..colon]);
    let tail = tail.split_whitespace().collect::<Vec<_>>().join(" ");
    TAIL_WORDS.contains(&tail.as_str()).then_some(i + colon + 1)
}

/// A label at the start of the line (after bullets, quote marks and numbering).
pub(super) fn label_at_start(line: &str, folded: &FoldedLine) -> Option<LabelMatch> {
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
pub(super) fn label_inside(
    line: &str,
    folded: &FoldedLine,
    from: usize,
    allowed: &[F],
) -> Option<LabelMatch> {
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
pub(super) fn strip_markers(line: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use crate::form::extract;

    #[test]
    fn free_text_is_kept_whole_and_prose_is_not_mistaken_for_labels() {
        let body = "Chào anh chị,\nHệ thống bị sự cố từ sáng nay, email của chúng tôi gửi spam.\n\
                    Địa chỉ IP tấn công là 198.51.100.7.\nTên miền lạ xuất hiện trong log.";
        let e = extract(body);
        assert!(e.recognised.is_empty(), "{:?}", e.recognised);
        assert_eq!(e.unrecognised, body);
    }
}
