//! PDF through typst used as a library: an in-memory world holding the bundled fonts (parsed
//! once, on first use or at [`crate::warm_up`]), the layout template and the generated main
//! file. Nothing is read from disk or the network.

use crate::model::{Block, Choice, Document, Row, Value};
use crate::{DocError, FONTS};
use std::fmt::Write as _;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("../templates/nd30.typ");

/// What every render shares: the standard library, the fonts and the template.
pub(crate) struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    template: Source,
    main_id: FileId,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a fixed, valid path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

pub(crate) static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect();
    Engine {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        template: Source::new(file_id("/nd30.typ"), TEMPLATE.to_string()),
        main_id: file_id("/main.typ"),
    }
});

impl Engine {
    pub(crate) fn font_count(&self) -> usize {
        self.fonts.len()
    }
}

struct DocWorld<'a> {
    engine: &'a Engine,
    main: Source,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.engine.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.engine.main_id {
            Ok(self.main.clone())
        } else if id == self.engine.template.id() {
            Ok(self.engine.template.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents carry their own date; nothing reads the clock.
        None
    }
}

/// A typst string literal: every user text reaches typst only this way.
fn lit(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
}

fn opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => lit(out, s),
        None => out.push_str("none"),
    }
}

fn strings(out: &mut String, items: &[String]) {
    out.push('(');
    for s in items {
        lit(out, s);
        out.push(',');
    }
    out.push(')');
}

fn choices(out: &mut String, items: &[Choice]) {
    out.push('(');
    for c in items {
        out.push_str("(label: ");
        lit(out, &c.label);
        let _ = write!(out, ", checked: {}, detail: ", c.checked);
        opt(out, c.detail.as_deref());
        out.push_str("),");
    }
    out.push(')');
}

fn row(out: &mut String, r: &Row) {
    out.push_str("(label: ");
    lit(out, &r.label);
    let _ = write!(out, ", req: {}, wide: {}, hint: ", r.required, r.wide);
    opt(out, r.hint.as_deref());
    match &r.value {
        Value::Text(t) => {
            out.push_str(", text: ");
            lit(out, t);
            out.push_str(", choices: none");
        }
        Value::Choices(c) => {
            out.push_str(", text: \"\", choices: ");
            choices(out, c);
        }
    }
    out.push_str("),");
}

/// The main typst file for `doc`: the template's functions called with literals.
pub fn source(doc: &Document) -> String {
    let mut o = String::with_capacity(8 * 1024);
    o.push_str("#import \"nd30.typ\": *\n#show: nd30.with(parent: ");
    opt(&mut o, doc.parent_body.as_deref());
    o.push_str(", body: ");
    lit(&mut o, &doc.issuing_body);
    o.push_str(", number: ");
    lit(&mut o, &doc.number);
    o.push_str(", place-date: ");
    lit(&mut o, &doc.place_date);
    o.push_str(", title: ");
    lit(&mut o, &doc.title);
    o.push_str(", subtitle: ");
    strings(&mut o, &doc.subtitle);
    o.push_str(", signature: (authority: ");
    opt(&mut o, doc.signature.authority.as_deref());
    o.push_str(", title: ");
    lit(&mut o, &doc.signature.title);
    o.push_str(", hint: ");
    opt(&mut o, doc.signature.hint.as_deref());
    o.push_str(", name: ");
    opt(&mut o, doc.signature.name.as_deref());
    o.push_str("), recipients: ");
    strings(&mut o, &doc.recipients);
    o.push_str(", notes: ");
    strings(&mut o, &doc.notes);
    o.push_str(")\n");
    for b in &doc.blocks {
        match b {
            Block::Heading {
                text,
                required,
                hint,
            } => {
                o.push_str("#section(");
                lit(&mut o, text);
                let _ = write!(o, ", {required}, ");
                opt(&mut o, hint.as_deref());
                o.push_str(")\n");
            }
            Block::Field {
                label,
                required,
                value,
                bullet,
            } => {
                o.push_str("#field(");
                lit(&mut o, label);
                let _ = write!(o, ", {required}, ");
                lit(&mut o, value);
                o.push_str(", ");
                opt(&mut o, bullet.as_deref());
                o.push_str(")\n");
            }
            Block::Choices {
                label,
                required,
                options,
                bullet,
            } => {
                o.push_str("#choices(");
                opt(&mut o, label.as_deref());
                let _ = write!(o, ", {required}, ");
                choices(&mut o, options);
                o.push_str(", ");
                opt(&mut o, bullet.as_deref());
                o.push_str(")\n");
            }
            Block::Text { text } => {
                o.push_str("#free-text(");
                lit(&mut o, text);
                o.push_str(")\n");
            }
            Block::Table { rows } => {
                o.push_str("#form-table((");
                for r in rows {
                    row(&mut o, r);
                }
                o.push_str("))\n");
            }
        }
    }
    o
}

/// Lays the document out into pages.
pub fn layout(doc: &Document) -> Result<PagedDocument, DocError> {
    let engine: &Engine = &ENGINE;
    let world = DocWorld {
        engine,
        main: Source::new(engine.main_id, source(doc)),
    };
    let result = typst::compile::<PagedDocument>(&world).output;
    // typst memoises across compilations; keep only what recent renders used.
    typst::comemo::evict(10);
    result.map_err(|errors| {
        DocError::Layout(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The PDF bytes of `doc`.
pub fn render(doc: &Document) -> Result<Vec<u8>, DocError> {
    let paged = layout(doc)?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(doc.number.clone()),
        ..Default::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| {
        DocError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
