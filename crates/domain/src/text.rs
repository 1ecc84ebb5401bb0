//! Text folding for search: "dong nai" must find "Đồng Nai", "ma doc" must find "mã độc".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, strips diacritics and folds đ/Đ to d (Unicode does not decompose đ, so
/// normalisation alone keeps it), and collapses runs of whitespace.
///
/// This is the fold stored in the folded search columns (`reports.search`, `orgs.name_fold`,
/// `systems.search`), so changing what it returns means re-folding those rows. The mail
/// extractor folds labels with `ungcuu_mail::text::fold_keeping_spaces`, which differs from this
/// one on purpose (white space kept, ð folded too); both are built on [`fold_char_into`].
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut one = String::new();
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        one.clear();
        fold_char_into(c, &mut one);
        // A lone combining mark folds to nothing and must not end a run of spaces.
        if one.is_empty() {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push_str(&one);
    }
    out
}

/// Folds one character the way [`fold`] does, appending zero or more characters to `out`:
/// lower-case, NFD with the combining marks removed, đ/Đ → d. White space is appended as it
/// is. One character at a time so a caller can map folded text back to the original.
pub fn fold_char_into(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' => out.push('d'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => {
            for d in std::iter::once(c).nfd() {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            }
        }
    }
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
        // A mark with no letter to sit on folds to nothing, without doubling the space.
        assert_eq!(fold("a \u{0301} b"), "a b");
    }
}
