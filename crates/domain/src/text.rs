//! Text folding for search: "dong nai" must find "Đồng Nai", "ma doc" must find "mã độc".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, strips diacritics and folds đ/Đ to d (Unicode does not decompose đ, so
/// normalisation alone keeps it), and collapses runs of whitespace.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether `query` appears in any of `fields`, ignoring diacritics and case. An empty query
/// matches everything. For lists searched in memory (the roster's members); large lists search
/// in the database over a folded column instead.
pub fn matches(fields: &[&str], query: &str) -> bool {
    let q = fold(query);
    q.is_empty() || fields.iter().any(|f| fold(f).contains(&q))
}

#[cfg(test)]
mod tests {
    use super::{fold, matches};

    #[test]
    fn a_query_matches_any_field_without_diacritics() {
        assert!(matches(&["Nguyễn Văn Đức", "Sở Y tế"], "van duc"));
        assert!(matches(&["Nguyễn Văn Đức", "Sở Y tế"], "SỞ Y"));
        assert!(matches(&["x"], "  "));
        assert!(!matches(&["Nguyễn Văn Đức"], "dung"));
    }

    #[test]
    fn vietnamese_folds_to_plain_lower_case() {
        assert_eq!(fold("Đồng Nai"), "dong nai");
        assert_eq!(fold("mã độc"), "ma doc");
        assert_eq!(
            fold("  Sở  Khoa học và Công nghệ "),
            "so khoa hoc va cong nghe"
        );
        assert_eq!(fold("ĐỘI ỨNG CỨU"), "doi ung cuu");
        assert_eq!(fold("Phường Võ Cường"), "phuong vo cuong");
    }
}
