//! Official documents of ungcuu in the Nghị định 30/2020/NĐ-CP layout.
//!
//! One [`Document`] model; [`render_pdf`] lays it out with typst (embedded as a library, with
//! the fonts and the template compiled into the binary) and [`render_docx`] writes the same
//! model as a Word file. Rendering is CPU work: callers run it off the async runtime.

pub mod docx;
pub mod forms;
pub mod model;
pub mod pdf;
pub mod sample;

pub use model::{Block, CHECKED, Choice, Document, REQUIRED, Row, Signature, UNCHECKED, Value};

/// The fonts shipped with the crate (see `fonts/README.md`): Tinos, metric-compatible with
/// Times New Roman and covering Vietnamese, and DejaVu Sans for the tick boxes ☒ ☐.
pub const FONTS: &[(&str, &[u8])] = &[
    (
        "Tinos-Regular.ttf",
        include_bytes!("../fonts/Tinos-Regular.ttf"),
    ),
    ("Tinos-Bold.ttf", include_bytes!("../fonts/Tinos-Bold.ttf")),
    (
        "Tinos-Italic.ttf",
        include_bytes!("../fonts/Tinos-Italic.ttf"),
    ),
    (
        "Tinos-BoldItalic.ttf",
        include_bytes!("../fonts/Tinos-BoldItalic.ttf"),
    ),
    ("DejaVuSans.ttf", include_bytes!("../fonts/DejaVuSans.ttf")),
];

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("layout failed: {0}")]
    Layout(String),
    #[error("PDF export failed: {0}")]
    Pdf(String),
    #[error("DOCX export failed: {0}")]
    Docx(String),
}

/// Parses the fonts and the template now rather than on the first request; call once at
/// start-up. Returns how many font faces were loaded.
pub fn warm_up() -> usize {
    pdf::ENGINE.font_count()
}

/// The PDF of `doc`.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, DocError> {
    pdf::render(doc)
}

/// The DOCX of `doc`.
pub fn render_docx(doc: &Document) -> Result<Vec<u8>, DocError> {
    docx::render(doc)
}

/// How many pages `doc` lays out to.
pub fn page_count(doc: &Document) -> Result<usize, DocError> {
    Ok(pdf::layout(doc)?.pages().len())
}
