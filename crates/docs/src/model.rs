//! The document model both renderers read: one description of a document, from which typst
//! draws the PDF and docx-rs writes the DOCX, so the two never drift apart. It is also what an
//! issued document freezes (stored as JSON).

use serde::{Deserialize, Serialize};

/// An official document in the Nghị định 30/2020 layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The body above the issuer (cơ quan chủ quản), in capitals, e.g. "UBND TỈNH BẮC NINH".
    pub parent_body: Option<String>,
    /// The issuing body (cơ quan ban hành), in capitals, with a short rule under it.
    pub issuing_body: String,
    /// The whole number line, e.g. "Số: 12/BC-ĐUCSC" (a draft: "Số:      /BC-ĐUCSC").
    pub number: String,
    /// Place and date, e.g. "Bắc Ninh, ngày 05 tháng 3 năm 2026" (set in italics).
    pub place_date: String,
    /// The document title, set in bold capitals.
    pub title: String,
    /// Lines under the title (e.g. which annex of which decision the form is).
    pub subtitle: Vec<String>,
    pub blocks: Vec<Block>,
    pub signature: Signature,
    /// "Nơi nhận:" at the bottom left; empty for none.
    pub recipients: Vec<String>,
    /// "Chú thích:" lines after the signature (the form's notes).
    pub notes: Vec<String>,
}

/// The signature block at the bottom right.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// The authority line, e.g. "KT. ĐỘI TRƯỞNG", "TM. ỦY BAN NHÂN DÂN", "TUQ. ĐỘI TRƯỞNG".
    pub authority: Option<String>,
    /// The signer's title in capitals, e.g. "ĐỘI PHÓ", or the form's "CÁ NHÂN/NGƯỜI ĐẠI DIỆN".
    pub title: String,
    /// An italic hint under the title, e.g. "(Ký, ghi rõ họ tên)".
    pub hint: Option<String>,
    /// The signer's name, under the space for the signature.
    pub name: Option<String>,
}

/// One part of the body, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A section heading in bold capitals ("NGƯỜI LIÊN HỆ"); `required` adds the form's "*".
    Heading {
        text: String,
        required: bool,
        /// An italic explanation after the heading ("(Đánh dấu những cách thức…)").
        hint: Option<String>,
    },
    /// "Label (*): value" on one line (continuing as needed).
    Field {
        label: String,
        required: bool,
        value: String,
        /// A bullet before the label ("■", "●"), as the form has it.
        bullet: Option<String>,
    },
    /// Tick boxes: ☒ for chosen, ☐ for not.
    Choices {
        label: Option<String>,
        required: bool,
        options: Vec<Choice>,
        bullet: Option<String>,
    },
    /// A paragraph of free text (line breaks kept).
    Text { text: String },
    /// A two-column table of labels and values, as the forms' system sections.
    Table { rows: Vec<Row> },
}

/// A tick box and its label; `detail` is the text after it ("Nhận được thông báo từ: …").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    pub checked: bool,
    pub detail: Option<String>,
}

/// A table row: the label on the left and the value on the right, or both across the table
/// (`wide`) for long text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    pub required: bool,
    pub value: Value,
    /// Italic guidance from the form, shown with the value.
    pub hint: Option<String>,
    pub wide: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Text(String),
    Choices(Vec<Choice>),
}

/// The form's mark for a required field.
pub const REQUIRED: &str = "(*)";
/// A ticked box.
pub const CHECKED: &str = "☒";
/// An empty box.
pub const UNCHECKED: &str = "☐";

impl Choice {
    pub fn new(label: impl Into<String>, checked: bool) -> Choice {
        Choice {
            label: label.into(),
            checked,
            detail: None,
        }
    }

    /// "☒ Label: detail" as plain text (the DOCX writer and tests use it).
    pub fn plain(&self) -> String {
        let mark = if self.checked { CHECKED } else { UNCHECKED };
        match &self.detail {
            Some(d) => format!("{mark} {} {d}", self.label),
            None => format!("{mark} {}", self.label),
        }
    }
}

/// A label with the required mark when needed: "Điện thoại (*)".
pub fn label_text(label: &str, required: bool) -> String {
    if required {
        format!("{label} {REQUIRED}")
    } else {
        label.to_string()
    }
}
