//! Writing rows to a file that Excel opens as it should: CSV in UTF-8 with the byte-order
//! mark (without it Vietnamese is garbled), XLSX with text columns (so a phone's leading 0 or
//! a date stays as typed), values guarded against formulas in both.

use crate::{Format, guard};

/// What a file holds, top to bottom.
pub struct Layout<'a> {
    /// The XLSX sheet's name (CSV has none).
    pub sheet_name: &'a str,
    /// Label and value rows above the table (the roster's decision), then a blank row.
    pub preamble: &'a [(String, String)],
    pub header: &'a [&'a str],
    pub rows: &'a [Vec<String>],
    /// A second sheet explaining the columns; XLSX only.
    pub guide: Option<Guide<'a>>,
}

/// A sheet of explanations: a header and rows, each column with its width.
pub struct Guide<'a> {
    pub sheet_name: &'a str,
    pub columns: &'a [(&'a str, f64)],
    pub rows: Vec<Vec<&'a str>>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("csv: {0}")]
    Io(#[from] std::io::Error),
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

pub fn write(format: Format, layout: &Layout) -> Result<Vec<u8>, WriteError> {
    match format {
        Format::Csv => write_csv(layout),
        Format::Xlsx => write_xlsx(layout),
    }
}

/// A CSV file: values guarded, headers and preamble labels as given (they are ours).
pub fn write_csv(layout: &Layout) -> Result<Vec<u8>, WriteError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        for (label, value) in layout.preamble {
            w.write_record([label.as_str(), &guard(value)])?;
        }
        if !layout.preamble.is_empty() {
            w.write_record([""])?;
        }
        w.write_record(layout.header)?;
        for r in layout.rows {
            w.write_record(r.iter().map(|v| guard(v)))?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn write_xlsx(layout: &Layout) -> Result<Vec<u8>, WriteError> {
    use rust_xlsxwriter::{Color, Format as Style, Workbook};
    let mut book = Workbook::new();
    let text = Style::new().set_num_format("@");
    let head = Style::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_num_format("@");
    let label = Style::new().set_bold().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name(layout.sheet_name)?;
    let mut r: u32 = 0;
    for (l, v) in layout.preamble {
        sheet.write_string_with_format(r, 0, l, &label)?;
        sheet.write_string(r, 1, v)?;
        r += 1;
    }
    if !layout.preamble.is_empty() {
        r += 1;
    }
    let header_row = r;
    for (j, title) in layout.header.iter().enumerate() {
        let j = j as u16;
        sheet.set_column_format(j, &text)?;
        let width = (title.chars().count() as f64 * 0.9).clamp(14.0, 45.0);
        sheet.set_column_width(j, width)?;
        sheet.write_string_with_format(header_row, j, *title, &head)?;
    }
    if layout.preamble.is_empty() {
        sheet.set_freeze_panes(header_row + 1, 0)?;
    }
    for (i, row) in layout.rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(header_row + 1 + i as u32, j as u16, v)?;
            }
        }
    }
    if let Some(guide) = &layout.guide {
        let g = book.add_worksheet();
        g.set_name(guide.sheet_name)?;
        for (j, (title, width)) in guide.columns.iter().enumerate() {
            g.set_column_width(j as u16, *width)?;
            g.write_string_with_format(0, j as u16, *title, &head)?;
        }
        for (i, row) in guide.rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                g.write_string(i as u32 + 1, j as u16, *v)?;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_sheet;

    use crate::TEST_LIMITS as LIMITS;

    #[test]
    fn both_formats_read_back_what_was_written_with_formulas_guarded() {
        let preamble = [("Số quyết định".to_string(), "=cmd".to_string())];
        let rows = vec![
            vec!["Sở Y tế".to_string(), "+84 912".to_string()],
            vec!["@SUM(A1)".to_string(), String::new()],
        ];
        for format in [Format::Csv, Format::Xlsx] {
            let layout = Layout {
                sheet_name: "Tổ chức",
                preamble: &preamble,
                header: &["Tên", "Điện thoại"],
                rows: &rows,
                guide: None,
            };
            let bytes = write(format, &layout).unwrap();
            let sheet = read_sheet(format, &bytes, &LIMITS).unwrap();
            let cells: Vec<Vec<String>> = sheet.rows.iter().map(|r| r.cells.clone()).collect();
            assert_eq!(cells[0], ["Số quyết định", "=cmd"], "{format:?}");
            assert_eq!(cells[1], ["Tên", "Điện thoại"], "{format:?}");
            assert_eq!(cells[2], ["Sở Y tế", "+84 912"], "{format:?}");
            assert_eq!(cells[3][0], "@SUM(A1)", "{format:?}");
            // Lines as a spreadsheet shows them: the blank row after the preamble counts.
            assert_eq!(sheet.rows[1].line, 3, "{format:?}");
        }
        let csv = String::from_utf8(
            write_csv(&Layout {
                sheet_name: "",
                preamble: &[],
                header: &["a"],
                rows: &[vec!["=1+1".into()], vec!["-2".into()]],
                guide: None,
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(csv, "\u{feff}a\n'=1+1\n'-2\n");
    }
}
