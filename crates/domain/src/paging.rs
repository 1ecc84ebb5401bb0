//! Page numbers as people and programs send them: anything from a negative number to
//! `i64::MAX`. One rule turns them into a row offset that no database refuses and no
//! multiplication overflows.

/// Pages past this one are past any list the system keeps, and come back empty.
pub const MAX_PAGE: i64 = 1_000_000;

/// The page actually shown: 1 for anything below it, [`MAX_PAGE`] for anything above.
pub fn clamp(page: i64) -> i64 {
    page.clamp(1, MAX_PAGE)
}

/// The first row of `page` (from 1) when a page holds `per_page` rows.
pub fn offset(page: i64, per_page: i64) -> i64 {
    (clamp(page) - 1).saturating_mul(per_page.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_page_number_gives_an_offset_without_overflow() {
        assert_eq!(offset(1, 50), 0);
        assert_eq!(offset(3, 50), 100);
        assert_eq!(offset(0, 50), 0);
        assert_eq!(offset(-7, 50), 0);
        assert_eq!(offset(i64::MAX, 50), (MAX_PAGE - 1) * 50);
        assert_eq!(offset(i64::MIN, 50), 0);
        assert_eq!(offset(i64::MAX, i64::MAX), i64::MAX);
    }
}
