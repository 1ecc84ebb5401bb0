//! Reading a file into rows of text cells, each with the line a spreadsheet shows for it.

use crate::{Format, unguard};
use std::io::Cursor;

/// What a file may be, at the most.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The file's own size.
    pub max_bytes: usize,
    /// Rows that hold anything (blank rows are not counted).
    pub max_rows: usize,
    /// What an XLSX file may unpack to (its parts as declared in the archive): a guard
    /// against a small file that inflates to gigabytes.
    pub max_unpacked: u64,
}

/// The rows of a file that hold anything, each with its line as a spreadsheet shows it.
#[derive(Debug, Default)]
pub struct Sheet {
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone)]
pub struct SheetRow {
    pub line: usize,
    pub cells: Vec<String>,
    /// Cells holding a formula error (`#N/A`, `#DIV/0!`).
    pub bad_cells: Vec<usize>,
}

impl SheetRow {
    /// The cell at `i`, empty past the row's end.
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map(String::as_str).unwrap_or("")
    }
}

/// Why a whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    TooLarge,
    TooManyRows,
    Unreadable,
    NotUtf8 { line: usize },
}

impl Sheet {
    fn push(
        &mut self,
        limits: &Limits,
        line: usize,
        cells: Vec<String>,
        bad_cells: Vec<usize>,
    ) -> Result<(), FileProblem> {
        if bad_cells.is_empty() && cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        if self.rows.len() >= limits.max_rows {
            return Err(FileProblem::TooManyRows);
        }
        self.rows.push(SheetRow {
            line,
            cells,
            bad_cells,
        });
        Ok(())
    }
}

/// Reads a file into rows of text cells.
pub fn read_sheet(format: Format, bytes: &[u8], limits: &Limits) -> Result<Sheet, FileProblem> {
    if bytes.len() > limits.max_bytes {
        return Err(FileProblem::TooLarge);
    }
    match format {
        Format::Csv => read_csv(bytes, limits),
        Format::Xlsx => read_xlsx(bytes, limits),
    }
}

/// The separator of a CSV file: whichever of comma, semicolon and tab its first line uses
/// most outside quotes.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Sheet, FileProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    let mut sheet = Sheet::default();
    let mut record = csv::ByteRecord::new();
    // A spreadsheet shows a blank line as an empty row and a quoted cell holding line breaks
    // as one row, so rows are counted by records plus the blank lines the reader skips
    // (which its positions do not tell: they are counted from the bytes between records).
    let mut line = 0usize;
    let mut end = 0usize;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(FileProblem::Unreadable),
        }
        line += 1 + blank_lines(bytes, end);
        end = rdr.position().byte() as usize;
        let mut cells = Vec::with_capacity(record.len());
        for field in record.iter() {
            let s = std::str::from_utf8(field).map_err(|_| FileProblem::NotUtf8 { line })?;
            cells.push(unguard(s));
        }
        sheet.push(limits, line, cells, vec![])?;
    }
    Ok(sheet)
}

/// Blank lines at `from`, where the reader stopped after the previous record (which may be
/// the `\n` of its `\r\n`).
fn blank_lines(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    if i > 0 && bytes.get(i - 1) == Some(&b'\r') && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut n = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => n += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => n += 1,
            b'\r' => {}
            _ => break,
        }
        i += 1;
    }
    n
}

fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), FileProblem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::Unreadable)?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| FileProblem::Unreadable)?;
        total = total.saturating_add(part.size());
        if total > limits.max_unpacked {
            return Err(FileProblem::TooLarge);
        }
    }
    Ok(())
}

fn xlsx_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers (a level, a year typed as a number) without a trailing ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%d/%m/%Y").to_string(),
            Some(t) => t.format("%d/%m/%Y %H:%M").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Sheet, FileProblem> {
    use calamine::Reader;
    check_unpacked_size(bytes, limits)?;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| FileProblem::Unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(FileProblem::Unreadable)?
        .map_err(|_| FileProblem::Unreadable)?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut sheet = Sheet::default();
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); col0 as usize];
        let mut bad = Vec::new();
        for (j, d) in row.iter().enumerate() {
            if matches!(d, calamine::Data::Error(_)) {
                bad.push(col0 as usize + j);
            }
            cells.push(xlsx_text(d));
        }
        sheet.push(limits, row0 as usize + i + 1, cells, bad)?;
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::TEST_LIMITS as LIMITS;

    fn csv_rows(text: &str) -> Vec<(usize, Vec<String>)> {
        read_sheet(Format::Csv, text.as_bytes(), &LIMITS)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| (r.line, r.cells))
            .collect()
    }

    #[test]
    fn csv_lines_are_counted_as_a_spreadsheet_shows_them() {
        let rows = csv_rows("a,b\n1,2\n\n3,\"x\ny\"\n4,5\r\n,\n6,7");
        let lines: Vec<usize> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 4, 5, 7]);
        assert_eq!(rows[2].1, ["3", "x\ny"]);
        let windows: Vec<usize> = csv_rows("a,b\r\n\r\n1,2\r\n3,4\r\n\r\n\r\n5,6\r\n")
            .iter()
            .map(|(l, _)| *l)
            .collect();
        assert_eq!(windows, [1, 3, 4, 7]);
    }

    #[test]
    fn a_byte_order_mark_and_semicolons_are_understood() {
        let rows = csv_rows("\u{feff}Tên tổ chức;Loại tổ chức\nSở Nội vụ;Sở, ban, ngành\n");
        assert_eq!(rows[0].1, ["Tên tổ chức", "Loại tổ chức"]);
        assert_eq!(rows[1].1, ["Sở Nội vụ", "Sở, ban, ngành"]);
    }

    #[test]
    fn a_csv_that_is_not_utf8_is_refused_naming_the_line() {
        let mut bytes = b"a,b\n1,2\n".to_vec();
        bytes.extend_from_slice(b"S\xe1,3\n");
        assert_eq!(
            read_sheet(Format::Csv, &bytes, &LIMITS).unwrap_err(),
            FileProblem::NotUtf8 { line: 3 }
        );
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let big = vec![b'a'; LIMITS.max_bytes + 1];
        assert_eq!(
            read_sheet(Format::Csv, &big, &LIMITS).unwrap_err(),
            FileProblem::TooLarge
        );
        let many = "x\n".repeat(LIMITS.max_rows + 1);
        assert_eq!(
            read_sheet(Format::Csv, many.as_bytes(), &LIMITS).unwrap_err(),
            FileProblem::TooManyRows
        );
        let enough = "x\n".repeat(LIMITS.max_rows);
        assert!(read_sheet(Format::Csv, enough.as_bytes(), &LIMITS).is_ok());
    }
}
