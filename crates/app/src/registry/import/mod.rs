//! Bulk import and export of the registry: organisations, information systems and the
//! response team roster, from and to CSV and XLSX files laid out like the templates offered
//! for download.
//!
//! **Files.** The first sheet of an XLSX workbook, or a CSV file in UTF-8 (with or without the
//! byte-order mark Excel writes; separated by commas, semicolons — Excel's choice where the
//! decimal separator is a comma, as in Vietnam — or tabs). The header row carries the columns'
//! titles as the template writes them (the forms' Vietnamese labels) or their English machine
//! names (`owner`, `operator_name`, …), in any order, case and with or without diacritics;
//! a column left out is empty for every row, an unknown column is refused. Rows left entirely
//! blank are skipped. Lines are counted as a spreadsheet shows them: the header is line 1.
//!
//! Enumerated cells take the code (`department`, `approved`, `web`) or the label shown in the
//! UI in either language (`Sở, ban, ngành`, `Đã phê duyệt`, `Thư điện tử`); lists are
//! separated by commas, semicolons or line breaks; "other" items are written `Khác: …` or
//! `other:…`. Organisations are referred to by id or exact name: an organisation's parent
//! may be one already registered or one on an earlier line of the same file.
//!
//! **The roster** file is one decision (kiện toàn): its first rows name the decision, one
//! label and its value per row (`Số quyết định | 1008/QĐ-UBND`, `Ngày ký | 21/11/2026`,
//! `Người ký`, `Chức vụ người ký`, and optionally `Ngày hiệu lực` and `Ghi chú`), then comes
//! the members' table, whose header row holds `Họ và tên`. A member's account is named by
//! its email or id. It is recorded through [`App::issue_roster`].
//!
//! **Runs.** A dry run checks every row and writes nothing. A real run checks the same way
//! and, only when no row is bad, writes every row in one transaction with one audit row per
//! object (`org.import`, `system.import`) and one `import.run` row for the file. A file with
//! any bad row writes nothing; the report lists every bad row with its line, the column's
//! title as written in the file, and the reason.
//!
//! **Export** writes what the actor may see (active organisations, systems in service, the
//! roster in force) in the template's columns, so an exported file imports again.

mod columns;
mod orgs;
mod roster;
mod systems;
mod table;

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use columns::{Column, DECISION_ROWS, MEMBER_COLUMNS, ORG_COLUMNS, SYSTEM_COLUMNS};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use ungcuu_domain::Action;
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_sheets::{FileProblem, Guide, Layout, Limits, Sheet};
use ungcuu_store::audit;

pub use ungcuu_sheets::{CSV_TYPE, Format, XLSX_TYPE};

/// The largest file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 100_000;
/// What an XLSX file may unpack to (its parts as declared in the archive): a guard against
/// a small file that inflates to gigabytes.
const MAX_UNPACKED: u64 = 400 * 1024 * 1024;

/// What a file may be: the header (and the roster's few decision rows) on top of the data
/// rows.
const LIMITS: Limits = Limits {
    max_bytes: MAX_BYTES,
    max_rows: MAX_ROWS + DECISION_ROWS.len() + 2,
    max_unpacked: MAX_UNPACKED,
};

/// Reads a file into rows of text cells, within the import's limits.
pub fn read_sheet(format: Format, bytes: &[u8]) -> Result<Sheet, FileProblem> {
    ungcuu_sheets::read_sheet(format, bytes, &LIMITS)
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Orgs,
    Systems,
    Roster,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Orgs, Kind::Systems, Kind::Roster];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Orgs => "orgs",
            Kind::Systems => "systems",
            Kind::Roster => "roster",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Kind::Orgs => "import.kind.orgs",
            Kind::Systems => "import.kind.systems",
            Kind::Roster => "import.kind.roster",
        }
    }

    /// The name of downloaded files, without extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::Orgs => "to-chuc",
            Kind::Systems => "he-thong-thong-tin",
            Kind::Roster => "doi-ung-cuu",
        }
    }

    fn sheet_name(self) -> &'static str {
        match self {
            Kind::Orgs => "Tổ chức",
            Kind::Systems => "Hệ thống thông tin",
            Kind::Roster => "Đội ứng cứu",
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            Kind::Orgs => ORG_COLUMNS,
            Kind::Systems => SYSTEM_COLUMNS,
            Kind::Roster => MEMBER_COLUMNS,
        }
    }
}

impl FromStr for Kind {
    type Err = ();
    fn from_str(s: &str) -> Result<Kind, ()> {
        Kind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or(())
    }
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: Kind,
    /// Data rows read (blank rows, the header and the roster's decision rows not counted).
    pub rows_total: usize,
    /// Every problem found, in file order; empty when the file is good. Any problem means
    /// nothing was written.
    pub errors: Vec<RowError>,
    /// Objects written: 0 on a dry run or when any row is bad.
    pub created: usize,
    pub dry_run: bool,
}

impl ImportReport {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One problem of a file: a bad cell, a bad row, a bad header, or the file as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The line as a spreadsheet shows it (the header is line 1); 0 for the whole file.
    pub line: usize,
    /// The column's title as written in the file's header; empty for a whole row or file.
    pub column: String,
    /// `line 7: Tên miền`, the shape the API's other validation errors use.
    pub field: String,
    /// What is wrong, in the reader's language.
    pub message: String,
}

impl RowError {
    pub(crate) fn new(
        line: usize,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> RowError {
        let column = column.into();
        let field = match (line, column.is_empty()) {
            (0, _) => "file".to_string(),
            (_, true) => format!("line {line}"),
            (_, false) => format!("line {line}: {column}"),
        };
        RowError {
            line,
            column,
            field,
            message: message.into(),
        }
    }
}

/// The steps of an import, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Checking,
    Writing,
}

impl Stage {
    pub fn label_key(self) -> &'static str {
        match self {
            Stage::Reading => "import.cli.reading",
            Stage::Checking => "import.cli.checking",
            Stage::Writing => "import.cli.writing",
        }
    }
}

/// Told how far an import has come. The default does nothing.
pub trait Progress: Send + Sync {
    /// A stage begins with `total` steps (rows, or bytes while reading).
    fn stage(&self, _stage: Stage, _total: u64) {}
    fn advance(&self, _steps: u64) {}
    fn finish(&self) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

/// An exported file.
#[derive(Debug, Clone)]
pub struct Exported {
    pub bytes: Vec<u8>,
    /// Data rows written.
    pub rows: usize,
}

/// A whole file refused, as the report's error on line 0 (or the line that could not be read).
fn file_problem(p: &FileProblem, lang: Lang) -> RowError {
    match p {
        FileProblem::TooLarge => RowError::new(0, "", t(lang, "import.err.too_large")),
        FileProblem::TooManyRows => RowError::new(0, "", t(lang, "import.err.too_many_rows")),
        FileProblem::Unreadable => RowError::new(0, "", t(lang, "import.err.unreadable")),
        FileProblem::NotUtf8 { line } => RowError::new(*line, "", t(lang, "import.err.not_utf8")),
    }
}

impl App {
    /// Imports a file of `kind`: every row checked, then (unless `dry_run`, and only when no
    /// row is bad) all written in one transaction. File-level problems (too large,
    /// unreadable) come back as a report error on line 0, like bad rows.
    #[allow(clippy::too_many_arguments)]
    pub async fn import(
        &self,
        actor: &Actor,
        kind: Kind,
        format: Format,
        bytes: Vec<u8>,
        dry_run: bool,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<ImportReport> {
        actor.scope(Action::ImportRegistry)?;
        if kind == Kind::Roster {
            actor.authorize(Action::IssueRoster, None)?;
        }
        let mut report = ImportReport {
            kind,
            rows_total: 0,
            errors: Vec::new(),
            created: 0,
            dry_run,
        };
        progress.stage(Stage::Reading, bytes.len() as u64);
        let size = bytes.len() as u64;
        let sheet = tokio::task::spawn_blocking(move || read_sheet(format, &bytes))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("import reader: {e}")))?;
        progress.advance(size);
        let sheet = match sheet {
            Ok(s) => s,
            Err(p) => {
                report.errors.push(file_problem(&p, lang));
                progress.finish();
                return Ok(report);
            }
        };
        match kind {
            Kind::Orgs => {
                let rows = self
                    .check_orgs(actor, &sheet, &mut report, lang, progress)
                    .await?;
                if report.ok() && !dry_run && !rows.is_empty() {
                    self.write_orgs(actor, rows, format, &mut report, lang, progress)
                        .await?;
                }
            }
            Kind::Systems => {
                let rows = self
                    .check_systems(actor, &sheet, &mut report, lang, progress)
                    .await?;
                if report.ok() && !dry_run && !rows.is_empty() {
                    self.write_systems(actor, rows, format, &mut report, lang, progress)
                        .await?;
                }
            }
            Kind::Roster => {
                self.import_roster(actor, &sheet, &mut report, lang, progress)
                    .await?
            }
        }
        progress.finish();
        Ok(report)
    }

    /// The summary audit row, and the commit.
    async fn finish_import(
        &self,
        mut tx: ungcuu_store::Tx,
        actor: &Actor,
        kind: Kind,
        format: Format,
        created: usize,
    ) -> AppResult<()> {
        audit::append(
            &mut tx,
            actor.audit(
                "import.run",
                "import",
                kind.code(),
                None,
                Some(serde_json::json!({
                    "kind": kind.code(),
                    "format": format.extension(),
                    "created": created,
                })),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every row of `kind` the actor may see, in the template's columns: organisations
    /// (active, parents before children), information systems (in service), or the roster in
    /// force today (with its decision on top).
    pub async fn export(&self, actor: &Actor, kind: Kind, format: Format) -> AppResult<Exported> {
        let (decision, rows) = match kind {
            Kind::Orgs => (vec![], self.export_orgs(actor).await?),
            Kind::Systems => (vec![], self.export_systems(actor).await?),
            Kind::Roster => self.export_roster(actor).await?,
        };
        let n = rows.len();
        let bytes =
            tokio::task::spawn_blocking(move || write_file(kind, format, &decision, &rows, false))
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("export writer: {e}")))??;
        Ok(Exported { bytes, rows: n })
    }
}

/// The template of `kind`: the header row and one example row (for the roster, the
/// decision's rows, then the members' header and one member). The XLSX template has a
/// second sheet explaining each column.
pub fn template(kind: Kind, format: Format) -> AppResult<Vec<u8>> {
    let example: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| c.example.to_string())
        .collect();
    let decision: Vec<(String, String)> = match kind {
        Kind::Roster => DECISION_ROWS
            .iter()
            .map(|d| (d.title.to_string(), d.example.to_string()))
            .collect(),
        _ => vec![],
    };
    write_file(kind, format, &decision, &[example], true)
}

fn write_file(
    kind: Kind,
    format: Format,
    decision: &[(String, String)],
    rows: &[Vec<String>],
    guide: bool,
) -> AppResult<Vec<u8>> {
    let spec = kind.columns();
    let header: Vec<&str> = spec.iter().map(|c| c.title).collect();
    let explained: Vec<&Column> = match kind {
        Kind::Roster => DECISION_ROWS.iter().chain(spec.iter()).collect(),
        _ => spec.iter().collect(),
    };
    let guide = guide.then(|| Guide {
        sheet_name: "Hướng dẫn",
        columns: &[
            ("Cột", 45.0),
            ("Tên máy (tiếng Anh)", 22.0),
            ("Bắt buộc", 12.0),
            ("Cách ghi", 90.0),
        ],
        rows: explained
            .iter()
            .map(|c| {
                vec![
                    c.title,
                    c.name,
                    if c.required { "Có" } else { "Không" },
                    c.hint,
                ]
            })
            .collect(),
    });
    let layout = Layout {
        sheet_name: kind.sheet_name(),
        preamble: decision,
        header: &header,
        rows,
        guide,
    };
    ungcuu_sheets::write(format, &layout).map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::table::Table;
    use super::*;

    #[test]
    fn every_template_reads_back_with_its_header_and_example() {
        for kind in Kind::ALL {
            for format in [Format::Csv, Format::Xlsx] {
                let bytes = template(kind, format).unwrap();
                let sheet = read_sheet(format, &bytes).unwrap();
                let header = sheet
                    .rows
                    .iter()
                    .find(|r| r.cells.iter().any(|c| c == kind.columns()[0].title))
                    .unwrap_or_else(|| panic!("{kind:?} {format:?}: no header"));
                let mut errors = vec![];
                let table = Table::new(kind.columns(), header, &mut errors, Lang::Vi);
                assert!(
                    table.is_some() && errors.is_empty(),
                    "{kind:?} {format:?}: {errors:?}"
                );
                let example = sheet.rows.last().unwrap();
                assert_eq!(
                    example.cell(0),
                    kind.columns()[0].example,
                    "{kind:?} {format:?}"
                );
            }
        }
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let big = vec![b'a'; MAX_BYTES + 1];
        assert_eq!(
            read_sheet(Format::Csv, &big).unwrap_err(),
            FileProblem::TooLarge
        );
        let many = "x\n".repeat(MAX_ROWS + 20);
        assert_eq!(
            read_sheet(Format::Csv, many.as_bytes()).unwrap_err(),
            FileProblem::TooManyRows
        );
    }
}
