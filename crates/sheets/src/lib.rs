//! Spreadsheet files: CSV and the first sheet of an XLSX workbook read into rows of text
//! cells, each with its line as a spreadsheet shows it, and rows written back to either
//! format. What the rows mean (an organisation, a system, a report) is the caller's business;
//! this crate only knows cells, lines and the limits that keep a file from eating the server.
//!
//! Every text written starts safe: a cell a spreadsheet would run as a formula (`=`, `+`,
//! `-`, `@`, tab, CR) is written with a leading `'`, and such a cell reads back without it
//! ([`guard`], [`unguard`]). Every CSV export of the application goes through [`write_csv`]
//! so that rule lives in one place.

mod format;
mod read;
mod write;

pub use format::{CSV_TYPE, Format, XLSX_TYPE};
pub use read::{FileProblem, Limits, Sheet, SheetRow, read_sheet};
pub use write::{Guide, Layout, WriteError, write, write_csv};

/// Prefixes text a spreadsheet would take for a formula with `'`.
pub fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A cell exported as `'=…` (so a spreadsheet does not run it as a formula) reads back as
/// `=…`.
pub fn unguard(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// Spreadsheet letters of a 0-based column: 0 → A, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Limits small enough for tests to reach.
#[cfg(test)]
pub(crate) const TEST_LIMITS: Limits = Limits {
    max_bytes: 1024 * 1024,
    max_rows: 100,
    max_unpacked: 8 * 1024 * 1024,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded_on_export_and_unguarded_on_import() {
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("+84 912"), "'+84 912");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(unguard(&guard("=1+1")), "=1+1");
        assert_eq!(unguard("'quoted"), "'quoted");
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
