//! DOCX from the same [`Document`] the PDF is drawn from, for officials who edit in Word:
//! A4, the NĐ30 margins, Times New Roman 13 pt, the header as a borderless two-column table.

use crate::DocError;
use crate::model::{Block, Choice, Document, Row, Value, label_text};
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, LineSpacing, PageMargin, PageNum,
    Paragraph, Run, RunFonts, Table, TableCell, TableCellBorder, TableCellBorderPosition,
    TableCellBorders, TableRow, WidthType,
};

/// Twips per millimetre.
fn mm(v: f32) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

const FONT: &str = "Times New Roman";
/// Text width: 210 mm less 30 mm and 15 mm of margins, in twips.
const WIDTH: usize = 9355;

fn run(text: &str, half_points: usize) -> Run {
    let mut r = Run::new().size(half_points).fonts(
        RunFonts::new()
            .ascii(FONT)
            .hi_ansi(FONT)
            .cs(FONT)
            .east_asia(FONT),
    );
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line.trim_end_matches('\r'));
    }
    r
}

fn para() -> Paragraph {
    Paragraph::new().line_spacing(LineSpacing::new().before(0).after(80))
}

fn center() -> Paragraph {
    para().align(AlignmentType::Center)
}

fn no_borders() -> TableCellBorders {
    TableCellBorders::with_empty()
}

/// A short rule: a one-cell table of `width` twips with only a bottom border.
fn rule(width: usize) -> Table {
    let cell = TableCell::new()
        .width(width, WidthType::Dxa)
        .set_borders(
            no_borders().set(
                TableCellBorder::new(TableCellBorderPosition::Top)
                    .size(6)
                    .border_type(BorderType::Single),
            ),
        )
        .add_paragraph(
            Paragraph::new().line_spacing(LineSpacing::new().before(0).after(0).line(40)),
        );
    Table::without_borders(vec![TableRow::new(vec![cell])])
        .set_grid(vec![width])
        .width(width, WidthType::Dxa)
        .align(docx_rs::TableAlignmentType::Center)
}

fn choices_text(options: &[Choice]) -> String {
    options
        .iter()
        .map(Choice::plain)
        .collect::<Vec<_>>()
        .join("    ")
}

fn table_row(r: &Row, left: usize, right: usize) -> TableRow {
    let value = match &r.value {
        Value::Text(t) => t.clone(),
        Value::Choices(c) => choices_text(c),
    };
    let label = label_text(&r.label, r.required);
    if r.wide {
        let mut cell = TableCell::new()
            .grid_span(2)
            .width(left + right, WidthType::Dxa)
            .add_paragraph(para().add_run(run(&label, 26)));
        if let Some(h) = &r.hint {
            cell = cell.add_paragraph(para().add_run(run(h, 23).italic()));
        }
        if !value.is_empty() {
            cell = cell.add_paragraph(para().add_run(run(&value, 26)));
        }
        TableRow::new(vec![cell])
    } else {
        let shown = match (&r.hint, value.is_empty()) {
            (Some(h), true) => run(h, 23).italic(),
            _ => run(&value, 26),
        };
        TableRow::new(vec![
            TableCell::new()
                .width(left, WidthType::Dxa)
                .add_paragraph(para().add_run(run(&label, 26))),
            TableCell::new()
                .width(right, WidthType::Dxa)
                .add_paragraph(para().add_run(shown)),
        ])
    }
}

fn header_table(doc: &Document) -> Table {
    let left = WIDTH * 37 / 100;
    let right = WIDTH - left;
    let mut l = TableCell::new()
        .width(left, WidthType::Dxa)
        .set_borders(no_borders());
    if let Some(p) = &doc.parent_body {
        l = l.add_paragraph(center().add_run(run(&p.to_uppercase(), 25)));
    }
    l = l
        .add_paragraph(center().add_run(run(&doc.issuing_body.to_uppercase(), 25).bold()))
        .add_table(rule(left / 3))
        .add_paragraph(center().add_run(run(&doc.number, 26)));
    let r = TableCell::new()
        .width(right, WidthType::Dxa)
        .set_borders(no_borders())
        .add_paragraph(center().add_run(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 25).bold()))
        // The rule under the motto is as long as the motto: an underline is exactly that.
        .add_paragraph(
            center().add_run(
                run("Độc lập - Tự do - Hạnh phúc", 26)
                    .bold()
                    .underline("single"),
            ),
        )
        .add_paragraph(center().add_run(run(&doc.place_date, 26).italic()));
    Table::without_borders(vec![TableRow::new(vec![l, r])])
        .set_grid(vec![left, right])
        .width(WIDTH, WidthType::Dxa)
}

fn signature_table(doc: &Document) -> Table {
    let left = WIDTH * 45 / 100;
    let right = WIDTH - left;
    let mut l = TableCell::new()
        .width(left, WidthType::Dxa)
        .set_borders(no_borders());
    if doc.recipients.is_empty() {
        l = l.add_paragraph(Paragraph::new());
    } else {
        l = l.add_paragraph(para().add_run(run("Nơi nhận:", 24).bold().italic()));
        for rcp in &doc.recipients {
            l = l.add_paragraph(
                Paragraph::new()
                    .line_spacing(LineSpacing::new().before(0).after(0))
                    .add_run(run(&format!("- {rcp}"), 22)),
            );
        }
    }
    let s = &doc.signature;
    let mut r = TableCell::new()
        .width(right, WidthType::Dxa)
        .set_borders(no_borders());
    if let Some(a) = &s.authority {
        r = r.add_paragraph(center().add_run(run(&a.to_uppercase(), 26).bold()));
    }
    r = r.add_paragraph(center().add_run(run(&s.title.to_uppercase(), 26).bold()));
    if let Some(h) = &s.hint {
        r = r.add_paragraph(center().add_run(run(h, 26).italic()));
    }
    // Room for the handwritten signature and the seal.
    r = r.add_paragraph(center().line_spacing(LineSpacing::new().before(mm(22.0) as u32)));
    if let Some(n) = &s.name {
        r = r.add_paragraph(center().add_run(run(n, 26).bold()));
    }
    Table::without_borders(vec![TableRow::new(vec![l, r])])
        .set_grid(vec![left, right])
        .width(WIDTH, WidthType::Dxa)
}

/// The DOCX bytes of `doc`.
pub fn render(doc: &Document) -> Result<Vec<u8>, DocError> {
    // Page numbers from the second page: an empty first-page header, the number on the rest.
    let page_header = Header::new().add_paragraph(center().add_page_num(PageNum::new()).size(26));
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: mm(20.0),
            bottom: mm(20.0),
            left: mm(30.0),
            right: mm(15.0),
            header: mm(10.0),
            footer: mm(10.0),
            gutter: 0,
        })
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(26)
        .header(page_header)
        .first_header(Header::new())
        .title_pg()
        .add_table(header_table(doc));
    d = d.add_paragraph(para());
    d = d.add_paragraph(center().add_run(run(&doc.title.to_uppercase(), 28).bold()));
    for s in &doc.subtitle {
        d = d.add_paragraph(center().add_run(run(s, 26).italic()));
    }
    let left = WIDTH * 40 / 100;
    let right = WIDTH - left;
    for b in &doc.blocks {
        d = match b {
            Block::Heading {
                text,
                required,
                hint,
            } => {
                let mut p = para()
                    .line_spacing(LineSpacing::new().before(160).after(80))
                    .add_run(run(&label_text(&text.to_uppercase(), *required), 26).bold());
                if let Some(h) = hint {
                    p = p.add_run(run(&format!(" {h}"), 26).italic());
                }
                d.add_paragraph(p)
            }
            Block::Field {
                label,
                required,
                value,
                bullet,
            } => {
                let lead = bullet.as_ref().map(|b| format!("{b} ")).unwrap_or_default();
                let sep = if value.is_empty() { ":" } else { ": " };
                d.add_paragraph(para().add_run(run(
                    &format!("{lead}{}{sep}{value}", label_text(label, *required)),
                    26,
                )))
            }
            Block::Choices {
                label,
                required,
                options,
                bullet,
            } => {
                let mut text = bullet.as_ref().map(|b| format!("{b} ")).unwrap_or_default();
                if let Some(l) = label {
                    text.push_str(&label_text(l, *required));
                    text.push_str("    ");
                }
                text.push_str(&choices_text(options));
                d.add_paragraph(para().add_run(run(&text, 26)))
            }
            Block::Text { text } => {
                d.add_paragraph(para().align(AlignmentType::Both).add_run(run(text, 26)))
            }
            Block::Table { rows } => d.add_table(
                Table::new(rows.iter().map(|r| table_row(r, left, right)).collect())
                    .set_grid(vec![left, right])
                    .width(WIDTH, WidthType::Dxa),
            ),
        };
    }
    d = d.add_paragraph(para()).add_table(signature_table(doc));
    if !doc.notes.is_empty() {
        d = d.add_paragraph(
            para()
                .line_spacing(LineSpacing::new().before(200))
                .add_run(run("Chú thích:", 24).bold().italic()),
        );
        for n in &doc.notes {
            d = d.add_paragraph(para().add_run(run(n, 24)));
        }
    }
    let mut out = std::io::Cursor::new(Vec::with_capacity(32 * 1024));
    d.pack(&mut out)
        .map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
