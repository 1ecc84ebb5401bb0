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

use crate::App;
use crate::access::{Actor, json};
use crate::error::{AppError, AppResult};
use crate::orgs::OrgInput;
use crate::roster::{MemberInput, RosterInput};
use crate::systems::SystemInput;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::str::FromStr;
use ungcuu_domain::i18n::{self, Lang, t};
use ungcuu_domain::roster::MemberRole;
use ungcuu_domain::text::fold;
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Action, FieldError, OrgId, OrgKind};
use ungcuu_store::orgs::{self, Org, OrgFields, OrgFilter};
use ungcuu_store::systems::{self, SystemFields};
use ungcuu_store::{StoreError, audit, roster, users};

/// The largest file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 100_000;
/// What an XLSX file may unpack to (its parts as declared in the archive): a guard against
/// a small file that inflates to gigabytes.
const MAX_UNPACKED: u64 = 400 * 1024 * 1024;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => CSV_TYPE,
            Format::Xlsx => XLSX_TYPE,
        }
    }

    /// From a file name's extension (`systems.XLSX`) or the extension alone.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = name.rsplit('.').next()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// From a Content-Type header.
    pub fn from_content_type(ct: &str) -> Option<Format> {
        let ct = ct.split(';').next()?.trim().to_ascii_lowercase();
        match ct.as_str() {
            "text/csv" | "text/plain" | "application/csv" => Some(Format::Csv),
            XLSX_TYPE => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// From the first bytes: an XLSX file is a ZIP archive.
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

impl FromStr for Format {
    type Err = ();
    fn from_str(s: &str) -> Result<Format, ()> {
        Format::from_file_name(s).ok_or(())
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
    fn new(line: usize, column: impl Into<String>, message: impl Into<String>) -> RowError {
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

// ---------------------------------------------------------------------------------------------
// Columns

/// A column of a template.
#[derive(Debug)]
pub struct Column {
    /// English machine name, also accepted as the column's title.
    pub name: &'static str,
    /// The field the app's validation names in its errors (`system.domains`).
    field: &'static str,
    /// The title the template writes: the form's Vietnamese label.
    pub title: &'static str,
    /// Other titles accepted.
    aliases: &'static [&'static str],
    pub required: bool,
    /// The template's example row.
    example: &'static str,
    /// What the guide sheet of the XLSX template says about the column.
    hint: &'static str,
}

const fn col(
    name: &'static str,
    field: &'static str,
    title: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    example: &'static str,
    hint: &'static str,
) -> Column {
    Column {
        name,
        field,
        title,
        aliases,
        required,
        example,
        hint,
    }
}

const ORG_HINT: &str = "Mã số hoặc tên chính xác của tổ chức trong danh mục";

#[rustfmt::skip]
static ORG_COLUMNS: &[Column] = &[
    col("name", "org.name", "Tên tổ chức", &[], true, "Sở Khoa học và Công nghệ", "Không trùng với tổ chức đang hoạt động"),
    col("kind", "org.kind", "Loại tổ chức", &["Loại"], true, "Sở, ban, ngành", "Sở, ban, ngành; UBND xã, phường; Công an; Bộ Chỉ huy quân sự; Doanh nghiệp viễn thông, Internet; Doanh nghiệp dịch vụ an toàn thông tin; Đơn vị xây dựng, cung cấp hệ thống; Cơ quan điều phối quốc gia; Khác"),
    col("parent", "org.parent", "Tổ chức cấp trên", &["parent_id", "parent_name"], false, "", "Để trống nếu là tổ chức cấp cao nhất; hoặc mã số, tên chính xác của tổ chức đã có, hoặc của tổ chức ở dòng phía trên trong cùng tệp"),
    col("address", "org.address", "Địa chỉ", &[], false, "Số 8 đường Lý Thái Tổ, phường Suối Hoa, tỉnh Bắc Ninh", ""),
    col("phone", "org.phone", "Điện thoại", &[], false, "0222 3822 535", ""),
    col("email", "org.email", "Email", &[], false, "skhcn@bacninh.gov.vn", ""),
    col("website", "org.website", "Trang thông tin điện tử", &["Website"], false, "https://skhcn.bacninh.gov.vn", ""),
];

#[rustfmt::skip]
static SYSTEM_COLUMNS: &[Column] = &[
    col("owner", "system.owner", "Tên cơ quan chủ quản", &["owner_org_id", "owner_name"], true, "Sở Khoa học và Công nghệ", ORG_HINT),
    col("operator_name", "system.operator_name", "Tên đơn vị vận hành hệ thống thông tin", &[], true, "Trung tâm Thông tin và Ứng dụng khoa học công nghệ", ""),
    col("name", "system.name", "Tên hệ thống thông tin", &[], true, "Cổng thông tin điện tử Sở Khoa học và Công nghệ", ""),
    col("domains", "system.domains", "Tên miền", &[], false, "skhcn.bacninh.gov.vn", "Nhiều mục cách nhau bởi dấu phẩy"),
    col("public_ip_ranges", "system.public_ip_ranges", "Các dải địa chỉ IP công cộng", &[], false, "203.162.10.0/28", "Dạng CIDR, ví dụ 203.162.10.0/28; nhiều mục cách nhau bởi dấu phẩy"),
    col("ips", "system.ips", "Địa chỉ IP của hệ thống", &[], false, "203.162.10.5", "IPv4 hoặc IPv6; nhiều mục cách nhau bởi dấu phẩy"),
    col("security_level", "system.security_level", "Cấp độ", &["Cấp độ an toàn của hệ thống thông tin"], false, "2", "1 đến 5"),
    col("level_state", "system.level_state", "Tình trạng phê duyệt cấp độ", &[], false, "Đã phê duyệt", "Đề xuất; Đã thẩm định; Đã phê duyệt"),
    col("level_doc_number", "system.level_doc_number", "Số văn bản phê duyệt", &[], false, "123/QĐ-SKHCN", ""),
    col("level_doc_date", "system.level_doc_date", "Ngày văn bản phê duyệt", &[], false, "05/03/2026", "dd/mm/yyyy"),
    col("critical", "system.critical", "Hệ thống thông tin quan trọng", &[], false, "Không", "Có; Không"),
    col("security_provider", "system.security_provider", "Tên tổ chức cung cấp dịch vụ an toàn thông tin", &["Tên tổ chức cung cấp dịch vụ an toàn thông tin (nếu có)"], false, "", ""),
    col("connectivity_provider", "system.connectivity_provider", "Tên doanh nghiệp cung cấp dịch vụ kết nối", &[], false, "VNPT Bắc Ninh", ""),
    col("os", "system.os", "Hệ điều hành", &[], false, "Ubuntu Server", ""),
    col("os_version", "system.os_version", "Phiên bản", &[], false, "24.04", ""),
    col("services", "system.services", "Các dịch vụ sử dụng", &[], false, "Web, Cơ sở dữ liệu", "Web; Thư điện tử; Cơ sở dữ liệu; Khác: …"),
    col("measures", "system.measures", "Các biện pháp bảo đảm an toàn thông tin", &[], false, "Tường lửa (Firewall), Phòng chống mã độc (Antivirus)", "Phòng chống mã độc (Antivirus); Tường lửa (Firewall); Hệ thống phát hiện xâm nhập (IDS); Khác: …"),
    col("purpose", "system.purpose", "Mục đích chính sử dụng", &["Mục đích chính sử dụng hệ thống thông tin"], false, "Cung cấp thông tin và dịch vụ công trực tuyến của Sở", ""),
];

#[rustfmt::skip]
static MEMBER_COLUMNS: &[Column] = &[
    col("name", "members.name", "Họ và tên", &[], true, "Nguyễn Văn An", ""),
    col("role", "members.role", "Vai trò trong Đội", &["Vai trò"], true, "Đội trưởng", "Đội trưởng; Đội phó; Thường trực; Thư ký; Thành viên — đúng một Đội trưởng"),
    col("title", "members.title", "Chức vụ", &[], false, "Phó Giám đốc Sở Khoa học và Công nghệ", ""),
    col("agency", "members.agency", "Cơ quan, đơn vị", &[], false, "Sở Khoa học và Công nghệ", "Bắt buộc nếu để trống cột Tổ chức trong danh mục"),
    col("org", "members.org_id", "Tổ chức trong danh mục", &["org_id"], false, "", ORG_HINT),
    col("phone", "members.phone", "Điện thoại", &[], false, "0912 345 678", ""),
    col("email", "members.email", "Email", &[], false, "an.nv@bacninh.gov.vn", ""),
    col("user", "members.user_id", "Tài khoản người dùng", &["user_id", "user_email"], false, "", "Email hoặc mã số của tài khoản, nếu thành viên là người dùng hệ thống"),
];

/// The roster decision's rows, above the members' table.
#[rustfmt::skip]
static DECISION_ROWS: &[Column] = &[
    col("decision_number", "roster.decision_number", "Số quyết định", &[], true, "1008/QĐ-UBND", ""),
    col("decision_date", "roster.decision_date", "Ngày ký", &[], true, "21/11/2026", "dd/mm/yyyy"),
    col("signer_name", "roster.signer_name", "Người ký", &[], true, "Nguyễn Văn Bình", ""),
    col("signer_title", "roster.signer_title", "Chức vụ người ký", &[], true, "Chủ tịch Ủy ban nhân dân tỉnh", ""),
    col("effective_from", "roster.effective_from", "Ngày hiệu lực", &[], false, "", "Để trống nếu có hiệu lực từ ngày ký"),
    col("note", "roster.note", "Ghi chú", &[], false, "", ""),
];

/// A header cell as compared: trimmed, a required mark `(*)` dropped, case and diacritics
/// folded, underscores as spaces.
fn header_key(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_suffix("(*)")
        .or_else(|| s.strip_suffix('*'))
        .unwrap_or(s);
    fold(&s.replace('_', " "))
}

impl Column {
    fn matches(&self, key: &str) -> bool {
        !key.is_empty()
            && (header_key(self.title) == key
                || header_key(self.name) == key
                || self.aliases.iter().any(|a| header_key(a) == key))
    }
}

// ---------------------------------------------------------------------------------------------
// Reading files

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
    fn cell(&self, i: usize) -> &str {
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

impl FileProblem {
    fn report(&self, lang: Lang) -> RowError {
        match self {
            FileProblem::TooLarge => RowError::new(0, "", t(lang, "import.err.too_large")),
            FileProblem::TooManyRows => RowError::new(0, "", t(lang, "import.err.too_many_rows")),
            FileProblem::Unreadable => RowError::new(0, "", t(lang, "import.err.unreadable")),
            FileProblem::NotUtf8 { line } => {
                RowError::new(*line, "", t(lang, "import.err.not_utf8"))
            }
        }
    }
}

impl Sheet {
    fn push(
        &mut self,
        line: usize,
        cells: Vec<String>,
        bad_cells: Vec<usize>,
    ) -> Result<(), FileProblem> {
        if bad_cells.is_empty() && cells.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        // The header (and the roster's few decision rows) on top of the data rows.
        if self.rows.len() >= MAX_ROWS + DECISION_ROWS.len() + 2 {
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
pub fn read_sheet(format: Format, bytes: &[u8]) -> Result<Sheet, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    match format {
        Format::Csv => read_csv(bytes),
        Format::Xlsx => read_xlsx(bytes),
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

/// A cell exported as `'=…` (so a spreadsheet does not run it as a formula) reads back as
/// `=…`.
fn unguard(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// Prefixes text a spreadsheet would take for a formula with `'`.
fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, FileProblem> {
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
        sheet.push(line, cells, vec![])?;
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

fn check_unpacked_size(bytes: &[u8]) -> Result<(), FileProblem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::Unreadable)?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| FileProblem::Unreadable)?;
        total = total.saturating_add(part.size());
        if total > MAX_UNPACKED {
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

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, FileProblem> {
    use calamine::Reader;
    check_unpacked_size(bytes)?;
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
        sheet.push(row0 as usize + i + 1, cells, bad)?;
    }
    Ok(sheet)
}

// ---------------------------------------------------------------------------------------------
// Headers, cells and errors

fn tr(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Spreadsheet letters of a 0-based column: 0 → A, 26 → AA.
fn column_letter(mut i: usize) -> String {
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

/// A header row matched against a kind's columns.
struct Table {
    spec: &'static [Column],
    line: usize,
    /// For each column of the spec, where it is in the file.
    pos: Vec<Option<usize>>,
    /// The file's titles, as written.
    titles: Vec<String>,
    /// Columns of the file with no title.
    untitled: HashSet<usize>,
}

impl Table {
    /// Matches the header; `None` when a required column is missing (every row would fail).
    fn new(
        spec: &'static [Column],
        header: &SheetRow,
        errors: &mut Vec<RowError>,
        lang: Lang,
    ) -> Option<Table> {
        let mut pos = vec![None; spec.len()];
        let mut untitled = HashSet::new();
        for (k, title) in header.cells.iter().enumerate() {
            let key = header_key(title);
            if key.is_empty() {
                untitled.insert(k);
                continue;
            }
            match spec.iter().position(|c| c.matches(&key)) {
                None => errors.push(RowError::new(
                    header.line,
                    title.trim(),
                    t(lang, "import.err.unknown_column"),
                )),
                Some(j) if pos[j].is_some() => errors.push(RowError::new(
                    header.line,
                    title.trim(),
                    t(lang, "import.err.duplicate_column"),
                )),
                Some(j) => pos[j] = Some(k),
            }
        }
        let mut complete = true;
        for (j, c) in spec.iter().enumerate() {
            if c.required && pos[j].is_none() {
                complete = false;
                errors.push(RowError::new(
                    header.line,
                    c.title,
                    t(lang, "import.err.missing_column"),
                ));
            }
        }
        complete.then(|| Table {
            spec,
            line: header.line,
            pos,
            titles: header.cells.iter().map(|s| s.trim().to_string()).collect(),
            untitled,
        })
    }

    fn get<'r>(&self, row: &'r SheetRow, name: &str) -> &'r str {
        self.spec
            .iter()
            .position(|c| c.name == name)
            .and_then(|j| self.pos[j])
            .map(|k| row.cell(k))
            .unwrap_or("")
    }

    /// The title of a spec column as the file writes it.
    fn title(&self, j: usize) -> String {
        self.pos[j]
            .and_then(|k| self.titles.get(k).cloned())
            .unwrap_or_else(|| self.spec[j].title.to_string())
    }

    fn title_of_field(&self, field: &str) -> String {
        self.spec
            .iter()
            .position(|c| c.field == field)
            .map(|j| self.title(j))
            .unwrap_or_default()
    }

    fn title_of(&self, name: &str) -> String {
        self.spec
            .iter()
            .position(|c| c.name == name)
            .map(|j| self.title(j))
            .unwrap_or_default()
    }

    /// Problems a row has whatever its values: data under no title (once a row), formula
    /// errors.
    fn cell_problems(&self, row: &SheetRow, lang: Lang) -> Vec<RowError> {
        let mut out = Vec::new();
        if let Some(k) = row.cells.iter().enumerate().position(|(k, v)| {
            (k >= self.titles.len() || self.untitled.contains(&k)) && !v.trim().is_empty()
        }) {
            out.push(RowError::new(
                row.line,
                format!("({})", column_letter(k)),
                t(lang, "import.err.untitled_column"),
            ));
        }
        for &k in &row.bad_cells {
            let title = self
                .titles
                .get(k)
                .filter(|t| !t.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("({})", column_letter(k)));
            out.push(RowError::new(
                row.line,
                title,
                t(lang, "import.err.cell_error"),
            ));
        }
        out
    }

    /// A validation error of the app, placed at its row and column.
    fn place(&self, row: &SheetRow, e: &FieldError, lang: Lang) -> RowError {
        let (plain, item) = split_index(&e.field);
        let column = self.title_of_field(&plain);
        let mut message = reason_text(&plain, &e.reason, lang);
        if let Some(i) = item {
            let raw = self
                .spec
                .iter()
                .position(|c| c.field == plain)
                .and_then(|j| self.pos[j])
                .map(|k| row.cell(k))
                .unwrap_or("");
            let value = list_items(raw).get(i).copied().unwrap_or("").to_string();
            message = format!(
                "{}: {message}",
                tr(
                    lang,
                    "import.item",
                    &[("n", &(i + 1).to_string()), ("value", &value)]
                )
            );
        }
        RowError::new(row.line, column, message)
    }
}

/// `system.domains[1]` → (`system.domains`, Some(1)).
fn split_index(field: &str) -> (String, Option<usize>) {
    if let Some(open) = field.find('[')
        && let Some(close) = field[open..].find(']').map(|c| open + c)
        && let Ok(i) = field[open + 1..close].parse::<usize>()
    {
        return (
            format!("{}{}", &field[..open], &field[close + 1..]),
            Some(i),
        );
    }
    (field.to_string(), None)
}

/// The reason alone, without the field's label (the column names it).
fn reason_text(field: &str, reason: &Reason, lang: Lang) -> String {
    let m = FieldError::new(field, reason.clone()).message(lang);
    match m.split_once(": ") {
        Some((_, r)) => r.to_string(),
        None => m,
    }
}

/// The items of a list cell, as the app's list fields split them.
fn list_items(raw: &str) -> Vec<&str> {
    raw.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The label of a catalogue key in both languages, folded.
fn labels(key: &str) -> [String; 2] {
    [
        fold(i18n::lookup(Lang::Vi, key).unwrap_or("")),
        fold(i18n::lookup(Lang::En, key).unwrap_or("")),
    ]
}

/// A code from the code itself or the label of `prefix.code` in either language.
fn coded(raw: &str, codes: &[&str], prefix: &str) -> String {
    let f = fold(raw);
    if f.is_empty() {
        return String::new();
    }
    for code in codes {
        if f == *code || labels(&format!("{prefix}.{code}")).contains(&f) {
            return code.to_string();
        }
    }
    raw.trim().to_string()
}

/// A list of codes (services, measures) from codes or labels; `Khác: …` for `other:…`.
fn coded_list(raw: &str, codes: &[&str], prefix: &str) -> String {
    list_items(raw)
        .into_iter()
        .map(|item| {
            if let Some((head, rest)) = item.split_once(':') {
                let h = fold(head);
                if h == "other" || labels("common.other").contains(&h) {
                    return format!("other:{}", rest.trim());
                }
            }
            coded(item, codes, prefix)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a list of codes is written in a file: labels, comma-separated.
fn labelled_list(items: &[String], prefix: &str) -> String {
    items
        .iter()
        .map(|i| match i.strip_prefix("other:") {
            Some(o) => format!("{}: {o}", t(Lang::Vi, "common.other")),
            None => i18n::lookup(Lang::Vi, &format!("{prefix}.{i}"))
                .map(str::to_string)
                .unwrap_or_else(|| i.clone()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

const LEVEL_STATES: [&str; 3] = ["proposed", "appraised", "approved"];
const SERVICES: [&str; 3] = ["web", "mail", "database"];
const MEASURES: [&str; 3] = ["antivirus", "firewall", "ids"];

/// The registry's organisations, to resolve references by id or exact name.
struct KnownOrgs {
    by_id: HashMap<i64, Org>,
    /// Active organisations (names are unique among them).
    by_name: HashMap<String, OrgId>,
}

impl KnownOrgs {
    async fn load(app: &App) -> AppResult<KnownOrgs> {
        let all = orgs::list(
            &app.db,
            &OrgFilter {
                include_archived: true,
                limit: i64::from(i32::MAX),
                ..Default::default()
            },
        )
        .await?;
        let by_name = all
            .iter()
            .filter(|o| o.archived_at.is_none())
            .map(|o| (o.name.clone(), o.id))
            .collect();
        Ok(KnownOrgs {
            by_id: all.into_iter().map(|o| (o.id.0, o)).collect(),
            by_name,
        })
    }

    /// An id or an exact name: `Ok(None)` for an empty cell, `Err(())` when nothing matches.
    fn resolve(&self, raw: &str) -> Result<Option<OrgId>, ()> {
        let v = raw.trim();
        if v.is_empty() {
            return Ok(None);
        }
        if let Ok(id) = v.parse::<i64>() {
            return if self.by_id.contains_key(&id) {
                Ok(Some(OrgId(id)))
            } else {
                Err(())
            };
        }
        self.by_name.get(v).copied().map(Some).ok_or(())
    }
}

/// Gives the runtime a turn now and then during long loops.
async fn breathe(i: usize) {
    if i % 512 == 511 {
        tokio::task::yield_now().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Checked rows

struct OrgRow {
    line: usize,
    fields: OrgFields,
    /// The index (among these rows) of a parent that appears earlier in the same file.
    parent_in_file: Option<usize>,
}

struct SystemRow {
    line: usize,
    fields: SystemFields,
}

/// A roster file read into the app's input, with where each part came from.
struct RosterDraft {
    input: RosterInput,
    /// The line of each decision row given, by field (`roster.decision_number`).
    decision_lines: HashMap<&'static str, (usize, String)>,
    /// The line of each member row, by index in `input.members`.
    member_lines: Vec<usize>,
    table: Table,
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
                report.errors.push(p.report(lang));
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

    async fn check_orgs(
        &self,
        actor: &Actor,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<Vec<OrgRow>> {
        let Some((header, data)) = sheet.rows.split_first() else {
            return Ok(vec![]);
        };
        report.rows_total = data.len();
        if data.len() > MAX_ROWS {
            report.errors.push(FileProblem::TooManyRows.report(lang));
            return Ok(vec![]);
        }
        let Some(table) = Table::new(ORG_COLUMNS, header, &mut report.errors, lang) else {
            return Ok(vec![]);
        };
        let known = KnownOrgs::load(self).await?;
        // Every name the file defines, with its line, for parents given by name.
        let mut file_names: HashMap<String, usize> = HashMap::new();
        for row in data {
            file_names
                .entry(table.get(row, "name").trim().to_string())
                .or_insert(row.line);
        }
        // Names defined so far: the line and, when the row was good, its index in `out`.
        let mut seen: HashMap<String, (usize, Option<usize>)> = HashMap::new();
        let mut out = Vec::new();
        progress.stage(Stage::Checking, data.len() as u64);
        for (i, row) in data.iter().enumerate() {
            breathe(i).await;
            progress.advance(1);
            let mut errs = table.cell_problems(row, lang);
            let name = table.get(row, "name").trim().to_string();
            let parent_raw = table.get(row, "parent").trim();
            let parent_col = table.title_of("parent");
            // The parent: registered, or defined on an earlier line of this file.
            let mut parent_id = String::new();
            let mut parent_in_file = None;
            let mut parent_known = true;
            if !parent_raw.is_empty() {
                match (known.resolve(parent_raw), seen.get(parent_raw)) {
                    (Ok(Some(id)), _) => parent_id = id.to_string(),
                    (_, Some((_, idx))) => {
                        parent_in_file = Some(*idx);
                        parent_known = false;
                    }
                    _ => {
                        parent_known = false;
                        let msg = match file_names.get(parent_raw) {
                            Some(l) => tr(
                                lang,
                                "import.err.parent_later",
                                &[("value", parent_raw), ("line", &l.to_string())],
                            ),
                            None => tr(lang, "import.err.org_not_found", &[("value", parent_raw)]),
                        };
                        errs.push(RowError::new(row.line, parent_col.clone(), msg));
                    }
                }
            }
            let input = OrgInput {
                name: name.clone(),
                kind: coded(
                    table.get(row, "kind"),
                    &OrgKind::ALL.map(OrgKind::code),
                    "org_kind",
                ),
                parent_id,
                address: table.get(row, "address").to_string(),
                phone: table.get(row, "phone").to_string(),
                email: table.get(row, "email").to_string(),
                website: table.get(row, "website").to_string(),
            };
            let parsed = input.parse();
            if let Err(inv) = &parsed {
                errs.extend(inv.0.iter().map(|e| table.place(row, e, lang)));
            }
            // The name is free: among active organisations, and in the file.
            if !name.is_empty() {
                if known.by_name.contains_key(&name) {
                    errs.push(table.place(row, &FieldError::new("org.name", Reason::Taken), lang));
                } else if let Some((l, _)) = seen.get(&name) {
                    errs.push(RowError::new(
                        row.line,
                        table.title_of("name"),
                        tr(lang, "import.err.same_as_line", &[("line", &l.to_string())]),
                    ));
                }
            }
            // The actor may create there.
            if let Ok(fields) = &parsed
                && parent_known
            {
                let reason = match fields.parent_id {
                    None => (!actor.can(Action::CreateOrg, None)).then_some(Reason::NotAllowed),
                    Some(pid) => match known.by_id.get(&pid.0) {
                        None => Some(Reason::Unknown),
                        Some(p) if p.archived_at.is_some() => Some(Reason::Archived),
                        Some(p) if !actor.can(Action::CreateOrg, Some(&p.path)) => {
                            Some(Reason::NotAllowed)
                        }
                        Some(_) => None,
                    },
                };
                if let Some(r) = reason {
                    errs.push(table.place(row, &FieldError::new("org.parent", r), lang));
                }
            }
            let good = errs.is_empty();
            let idx = match parsed {
                Ok(fields) if good => {
                    out.push(OrgRow {
                        line: row.line,
                        fields,
                        parent_in_file: parent_in_file.flatten(),
                    });
                    Some(out.len() - 1)
                }
                _ => None,
            };
            if !name.is_empty() {
                seen.entry(name).or_insert((row.line, idx));
            }
            report.errors.extend(errs);
        }
        Ok(out)
    }

    async fn write_orgs(
        &self,
        actor: &Actor,
        rows: Vec<OrgRow>,
        format: Format,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<()> {
        progress.stage(Stage::Writing, rows.len() as u64);
        let mut tx = self.db.begin().await?;
        let mut ids: Vec<OrgId> = Vec::with_capacity(rows.len());
        for (i, mut r) in rows.into_iter().enumerate() {
            breathe(i).await;
            if let Some(p) = r.parent_in_file {
                r.fields.parent_id = Some(ids[p]);
            }
            let org = match orgs::insert(&mut tx, &r.fields).await {
                Ok(o) => o,
                // Someone registered the same name since the check: nothing is kept.
                Err(StoreError::Unique(_)) => {
                    tx.rollback().await?;
                    let title = ORG_COLUMNS[0].title;
                    report.errors.push(RowError::new(
                        r.line,
                        title,
                        reason_text("org.name", &Reason::Taken, lang),
                    ));
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            };
            audit::append(
                &mut tx,
                actor.audit("org.import", "org", org.id, None, json(&org)),
            )
            .await?;
            ids.push(org.id);
            progress.advance(1);
        }
        self.finish_import(tx, actor, Kind::Orgs, format, ids.len())
            .await?;
        report.created = ids.len();
        Ok(())
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

    async fn check_systems(
        &self,
        actor: &Actor,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<Vec<SystemRow>> {
        let Some((header, data)) = sheet.rows.split_first() else {
            return Ok(vec![]);
        };
        report.rows_total = data.len();
        if data.len() > MAX_ROWS {
            report.errors.push(FileProblem::TooManyRows.report(lang));
            return Ok(vec![]);
        }
        let Some(table) = Table::new(SYSTEM_COLUMNS, header, &mut report.errors, lang) else {
            return Ok(vec![]);
        };
        let known = KnownOrgs::load(self).await?;
        // A system already registered under the same owner and name is not registered twice
        // (importing the same file again is refused rather than doubling the registry).
        let existing: HashSet<(i64, String)> = systems::list_all(&self.db, None, true)
            .await?
            .into_iter()
            .map(|s| (s.owner_org_id.0, s.name))
            .collect();
        let mut seen: HashMap<(i64, String), usize> = HashMap::new();
        let mut out = Vec::new();
        let owner_col = table.title_of("owner");
        progress.stage(Stage::Checking, data.len() as u64);
        for (i, row) in data.iter().enumerate() {
            breathe(i).await;
            progress.advance(1);
            let mut errs = table.cell_problems(row, lang);
            let owner_raw = table.get(row, "owner").trim();
            let owner = match known.resolve(owner_raw) {
                Ok(o) => o,
                Err(()) => {
                    errs.push(RowError::new(
                        row.line,
                        owner_col.clone(),
                        tr(lang, "import.err.org_not_found", &[("value", owner_raw)]),
                    ));
                    None
                }
            };
            let owner_reported = !errs.is_empty() && !owner_raw.is_empty() && owner.is_none();
            let input = SystemInput {
                owner_org_id: owner.map(|o| o.to_string()).unwrap_or_default(),
                operator_name: table.get(row, "operator_name").to_string(),
                name: table.get(row, "name").to_string(),
                domains: table.get(row, "domains").to_string(),
                public_ip_ranges: table.get(row, "public_ip_ranges").to_string(),
                ips: table.get(row, "ips").to_string(),
                security_level: table.get(row, "security_level").to_string(),
                level_state: coded(table.get(row, "level_state"), &LEVEL_STATES, "level.state"),
                level_doc_number: table.get(row, "level_doc_number").to_string(),
                level_doc_date: table.get(row, "level_doc_date").to_string(),
                critical: table.get(row, "critical").to_string(),
                security_provider: table.get(row, "security_provider").to_string(),
                connectivity_provider: table.get(row, "connectivity_provider").to_string(),
                os: table.get(row, "os").to_string(),
                os_version: table.get(row, "os_version").to_string(),
                services: coded_list(table.get(row, "services"), &SERVICES, "service"),
                measures: coded_list(table.get(row, "measures"), &MEASURES, "measure"),
                purpose: table.get(row, "purpose").to_string(),
            };
            match input.parse() {
                Err(inv) => errs.extend(
                    inv.0
                        .iter()
                        .filter(|e| !(owner_reported && e.field == "system.owner"))
                        .map(|e| table.place(row, e, lang)),
                ),
                Ok(fields) => {
                    let owner = fields.owner_org_id;
                    let reason = match known.by_id.get(&owner.0) {
                        None => Some(Reason::Unknown),
                        Some(o) if o.archived_at.is_some() => Some(Reason::Archived),
                        Some(o) if !actor.can(Action::EditSystem, Some(&o.path)) => {
                            Some(Reason::NotAllowed)
                        }
                        Some(_) => None,
                    };
                    if let Some(r) = reason {
                        errs.push(table.place(row, &FieldError::new("system.owner", r), lang));
                    }
                    let key = (owner.0, fields.name.clone());
                    if existing.contains(&key) {
                        errs.push(RowError::new(
                            row.line,
                            table.title_of("name"),
                            t(lang, "import.err.system_exists"),
                        ));
                    } else if let Some(l) = seen.get(&key) {
                        errs.push(RowError::new(
                            row.line,
                            table.title_of("name"),
                            tr(lang, "import.err.same_as_line", &[("line", &l.to_string())]),
                        ));
                    } else {
                        seen.insert(key, row.line);
                    }
                    if errs.is_empty() {
                        out.push(SystemRow {
                            line: row.line,
                            fields,
                        });
                    }
                }
            }
            report.errors.extend(errs);
        }
        Ok(out)
    }

    async fn write_systems(
        &self,
        actor: &Actor,
        rows: Vec<SystemRow>,
        format: Format,
        report: &mut ImportReport,
        _lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<()> {
        progress.stage(Stage::Writing, rows.len() as u64);
        let mut tx = self.db.begin().await?;
        let n = rows.len();
        for (i, r) in rows.into_iter().enumerate() {
            breathe(i).await;
            let s = systems::insert(&mut tx, &r.fields).await.map_err(|e| {
                tracing::warn!(line = r.line, error = %e, "import: a checked system did not insert");
                AppError::from(e)
            })?;
            audit::append(
                &mut tx,
                actor.audit("system.import", "system", s.id, None, json(&s)),
            )
            .await?;
            progress.advance(1);
        }
        self.finish_import(tx, actor, Kind::Systems, format, n)
            .await?;
        report.created = n;
        Ok(())
    }

    /// Reads a roster file into the roster use case's input.
    async fn read_roster(
        &self,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
    ) -> AppResult<Option<RosterDraft>> {
        let name_col = &MEMBER_COLUMNS[0];
        let Some(h) = sheet
            .rows
            .iter()
            .position(|r| r.cells.iter().any(|c| name_col.matches(&header_key(c))))
        else {
            report
                .errors
                .push(RowError::new(0, "", t(lang, "import.err.no_header")));
            return Ok(None);
        };
        let (decision, rest) = sheet.rows.split_at(h);
        let (header, data) = rest.split_first().expect("the header row is there");
        report.rows_total = data.len();
        let mut input = RosterInput::default();
        let mut decision_lines = HashMap::new();
        for row in decision {
            let Some(k) = row.cells.iter().position(|c| !c.trim().is_empty()) else {
                continue;
            };
            let label = row.cells[k].trim();
            let value = row.cell(k + 1).to_string();
            let key = header_key(label);
            let Some(d) = DECISION_ROWS.iter().find(|d| d.matches(&key)) else {
                report.errors.push(RowError::new(
                    row.line,
                    label,
                    t(lang, "import.err.unknown_row"),
                ));
                continue;
            };
            if decision_lines.contains_key(d.field) {
                report.errors.push(RowError::new(
                    row.line,
                    label,
                    t(lang, "import.err.duplicate_column"),
                ));
                continue;
            }
            decision_lines.insert(d.field, (row.line, label.to_string()));
            let slot = match d.name {
                "decision_number" => &mut input.decision_number,
                "decision_date" => &mut input.decision_date,
                "signer_name" => &mut input.signer_name,
                "signer_title" => &mut input.signer_title,
                "effective_from" => &mut input.effective_from,
                _ => &mut input.note,
            };
            *slot = value;
        }
        let Some(table) = Table::new(MEMBER_COLUMNS, header, &mut report.errors, lang) else {
            return Ok(None);
        };
        let known = KnownOrgs::load(self).await?;
        let mut member_lines = Vec::new();
        for row in data {
            report.errors.extend(table.cell_problems(row, lang));
            let org_raw = table.get(row, "org").trim();
            let org_id = match known.resolve(org_raw) {
                Ok(o) => o.map(|o| o.to_string()).unwrap_or_default(),
                Err(()) => {
                    report.errors.push(RowError::new(
                        row.line,
                        table.title_of("org"),
                        tr(lang, "import.err.org_not_found", &[("value", org_raw)]),
                    ));
                    String::new()
                }
            };
            let user_raw = table.get(row, "user").trim();
            let user_id = if user_raw.contains('@') {
                match users::find_by_email(&self.db, user_raw).await? {
                    Some(u) => u.id.to_string(),
                    None => {
                        report.errors.push(RowError::new(
                            row.line,
                            table.title_of("user"),
                            tr(lang, "import.err.user_not_found", &[("value", user_raw)]),
                        ));
                        String::new()
                    }
                }
            } else {
                user_raw.to_string()
            };
            input.members.push(MemberInput {
                name: table.get(row, "name").to_string(),
                role: coded(
                    table.get(row, "role"),
                    &MemberRole::ALL.map(MemberRole::code),
                    "roster.role",
                ),
                title: table.get(row, "title").to_string(),
                agency: table.get(row, "agency").to_string(),
                org_id,
                phone: table.get(row, "phone").to_string(),
                email: table.get(row, "email").to_string(),
                user_id,
            });
            member_lines.push(row.line);
        }
        Ok(Some(RosterDraft {
            input,
            decision_lines,
            member_lines,
            table,
        }))
    }

    /// A roster file: checked as the roster form is, recorded through the roster use case
    /// (which writes the roster and its `roster.issue` audit row in one transaction).
    async fn import_roster(
        &self,
        actor: &Actor,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<()> {
        let Some(draft) = self.read_roster(sheet, report, lang).await? else {
            return Ok(());
        };
        progress.stage(Stage::Checking, draft.member_lines.len() as u64);
        // A decision already recorded is named before the rest is judged.
        if let Ok(date) =
            ungcuu_domain::validate::date("roster.decision_date", &draft.input.decision_date)
            && roster::list(&self.db).await?.iter().any(|r| {
                r.decision_number == draft.input.decision_number.trim() && r.decision_date == date
            })
        {
            let (line, label) = draft.place_decision("roster.decision_number");
            report.errors.push(RowError::new(
                line,
                label,
                t(lang, "import.err.decision_taken"),
            ));
        }
        let checked = self.check_roster(actor, &draft.input).await;
        progress.advance(draft.member_lines.len() as u64);
        match checked {
            Ok(()) => {}
            Err(AppError::Invalid(inv)) => report
                .errors
                .extend(inv.0.iter().map(|e| draft.place(e, lang))),
            Err(e) => return Err(e),
        }
        if !report.ok() || report.dry_run {
            return Ok(());
        }
        progress.stage(Stage::Writing, 1);
        match self.issue_roster(actor, &draft.input).await {
            Ok(_) => report.created = 1,
            Err(AppError::Invalid(inv)) => report
                .errors
                .extend(inv.0.iter().map(|e| draft.place(e, lang))),
            Err(e) => return Err(e),
        }
        progress.advance(1);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Export

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

    async fn export_orgs(&self, actor: &Actor) -> AppResult<Vec<Vec<String>>> {
        let list = self.list_orgs(actor, None, false).await?;
        let names: HashMap<OrgId, String> = list.iter().map(|o| (o.id, o.name.clone())).collect();
        Ok(list
            .iter()
            .map(|o| {
                let parent = o
                    .parent_id
                    .map(|p| names.get(&p).cloned().unwrap_or_else(|| p.to_string()))
                    .unwrap_or_default();
                vec![
                    o.name.clone(),
                    t(Lang::Vi, o.kind.label_key()).to_string(),
                    parent,
                    o.address.clone().unwrap_or_default(),
                    o.phone.clone().unwrap_or_default(),
                    o.email.clone().unwrap_or_default(),
                    o.website.clone().unwrap_or_default(),
                ]
            })
            .collect())
    }

    async fn export_systems(&self, actor: &Actor) -> AppResult<Vec<Vec<String>>> {
        let within = actor.scope(Action::ViewSystem)?;
        let list = systems::list_all(&self.db, within.as_ref(), false).await?;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(list
            .into_iter()
            .map(|s| {
                vec![
                    s.owner_name.clone(),
                    s.operator_name.clone(),
                    s.name.clone(),
                    s.domains.join(", "),
                    s.public_ip_ranges.join(", "),
                    s.ips.join(", "),
                    s.security_level.map(|l| l.to_string()).unwrap_or_default(),
                    s.level_state
                        .as_deref()
                        .map(|st| t(Lang::Vi, &format!("level.state.{st}")).to_string())
                        .unwrap_or_default(),
                    opt(&s.level_doc_number),
                    s.level_doc_date
                        .map(|d| d.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    if s.critical { "Có" } else { "Không" }.to_string(),
                    opt(&s.security_provider),
                    opt(&s.connectivity_provider),
                    opt(&s.os),
                    opt(&s.os_version),
                    labelled_list(&s.services, "service"),
                    labelled_list(&s.measures, "measure"),
                    opt(&s.purpose),
                ]
            })
            .collect())
    }

    async fn export_roster(
        &self,
        actor: &Actor,
    ) -> AppResult<(Vec<(String, String)>, Vec<Vec<String>>)> {
        let (_, current) = self.roster_at(actor, "").await?;
        let Some(r) = current else {
            return Ok((vec![], vec![]));
        };
        let orgs = KnownOrgs::load(self).await?;
        let date = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        let decision = vec![
            ("Số quyết định".to_string(), r.decision_number.clone()),
            ("Ngày ký".to_string(), date(r.decision_date)),
            ("Người ký".to_string(), r.signer_name.clone()),
            ("Chức vụ người ký".to_string(), r.signer_title.clone()),
            ("Ngày hiệu lực".to_string(), date(r.effective_from)),
            ("Ghi chú".to_string(), r.note.clone().unwrap_or_default()),
        ];
        let rows = r
            .members
            .iter()
            .map(|m| {
                let org = m
                    .org_id
                    .and_then(|o| orgs.by_id.get(&o.0))
                    .map(|o| {
                        if o.archived_at.is_none() {
                            o.name.clone()
                        } else {
                            o.id.to_string()
                        }
                    })
                    .unwrap_or_default();
                vec![
                    m.name.clone(),
                    t(Lang::Vi, m.role.label_key()).to_string(),
                    m.title.clone().unwrap_or_default(),
                    m.agency.clone(),
                    org,
                    m.phone.clone().unwrap_or_default(),
                    m.email.clone().unwrap_or_default(),
                    m.user_email
                        .clone()
                        .or_else(|| m.user_id.map(|u| u.to_string()))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        Ok((decision, rows))
    }
}

impl RosterDraft {
    fn place_decision(&self, field: &str) -> (usize, String) {
        match self.decision_lines.get(field) {
            Some((line, label)) => (*line, label.clone()),
            None => (
                // Not given at all: named by its label, on the first line.
                1,
                DECISION_ROWS
                    .iter()
                    .find(|d| d.field == field)
                    .map(|d| d.title.to_string())
                    .unwrap_or_default(),
            ),
        }
    }

    /// A roster error placed at its line: `members[3].phone` on the fourth member's row,
    /// `roster.decision_date` on the decision's row, `roster.members` on the table's header.
    fn place(&self, e: &FieldError, lang: Lang) -> RowError {
        if let Some(rest) = e.field.strip_prefix("members[")
            && let Some((i, name)) = rest.split_once("].")
            && let Ok(i) = i.parse::<usize>()
        {
            let field = format!("members.{name}");
            let line = self.member_lines.get(i).copied().unwrap_or(self.table.line);
            return RowError::new(
                line,
                self.table.title_of_field(&field),
                reason_text(&field, &e.reason, lang),
            );
        }
        if e.field == "roster.members" {
            return RowError::new(self.table.line, "", e.message(lang));
        }
        if e.field.starts_with("roster.") {
            let (line, label) = self.place_decision(&e.field);
            return RowError::new(line, label, reason_text(&e.field, &e.reason, lang));
        }
        RowError::new(0, "", e.message(lang))
    }
}

// ---------------------------------------------------------------------------------------------
// Writing files

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
    match format {
        Format::Csv => write_csv(spec, decision, rows),
        Format::Xlsx => write_xlsx(kind, spec, decision, rows, guide)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}"))),
    }
}

fn write_csv(
    spec: &[Column],
    decision: &[(String, String)],
    rows: &[Vec<String>],
) -> AppResult<Vec<u8>> {
    let internal = |e: csv::Error| AppError::Internal(anyhow::anyhow!("csv: {e}"));
    // The byte-order mark tells Excel the file is UTF-8; without it Vietnamese is garbled.
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        for (label, value) in decision {
            w.write_record([label.as_str(), &guard(value)])
                .map_err(internal)?;
        }
        if !decision.is_empty() {
            w.write_record([""]).map_err(internal)?;
        }
        w.write_record(spec.iter().map(|c| c.title))
            .map_err(internal)?;
        for r in rows {
            w.write_record(r.iter().map(|v| guard(v)))
                .map_err(internal)?;
        }
        w.flush()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    }
    Ok(out)
}

fn write_xlsx(
    kind: Kind,
    spec: &[Column],
    decision: &[(String, String)],
    rows: &[Vec<String>],
    guide: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
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
    sheet.set_name(kind.sheet_name())?;
    let mut r: u32 = 0;
    for (l, v) in decision {
        sheet.write_string_with_format(r, 0, l, &label)?;
        sheet.write_string(r, 1, v)?;
        r += 1;
    }
    if !decision.is_empty() {
        r += 1;
    }
    let header_row = r;
    for (j, c) in spec.iter().enumerate() {
        let j = j as u16;
        // Text columns, so that what a clerk types (a phone's leading 0, a date) stays as typed.
        sheet.set_column_format(j, &text)?;
        let width = (c.title.chars().count() as f64 * 0.9).clamp(14.0, 45.0);
        sheet.set_column_width(j, width)?;
        sheet.write_string_with_format(header_row, j, c.title, &head)?;
    }
    if decision.is_empty() {
        sheet.set_freeze_panes(header_row + 1, 0)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(header_row + 1 + i as u32, j as u16, v)?;
            }
        }
    }
    if guide {
        let g = book.add_worksheet();
        g.set_name("Hướng dẫn")?;
        g.set_column_width(0, 45)?;
        g.set_column_width(1, 22)?;
        g.set_column_width(2, 12)?;
        g.set_column_width(3, 90)?;
        for (j, h) in ["Cột", "Tên máy (tiếng Anh)", "Bắt buộc", "Cách ghi"]
            .iter()
            .enumerate()
        {
            g.write_string_with_format(0, j as u16, *h, &head)?;
        }
        let all: Vec<&Column> = match kind {
            Kind::Roster => DECISION_ROWS.iter().chain(spec.iter()).collect(),
            _ => spec.iter().collect(),
        };
        for (i, c) in all.iter().enumerate() {
            let r = i as u32 + 1;
            g.write_string(r, 0, c.title)?;
            g.write_string(r, 1, c.name)?;
            g.write_string(r, 2, if c.required { "Có" } else { "Không" })?;
            g.write_string(r, 3, c.hint)?;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_rows(text: &str) -> Vec<(usize, Vec<String>)> {
        read_sheet(Format::Csv, text.as_bytes())
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
            read_sheet(Format::Csv, &bytes).unwrap_err(),
            FileProblem::NotUtf8 { line: 3 }
        );
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

    #[test]
    fn headers_match_titles_machine_names_and_folded_spellings() {
        let c = &SYSTEM_COLUMNS[3];
        for h in [
            "Tên miền",
            "tên miền",
            "TEN MIEN",
            "domains",
            " Tên miền (*) ",
        ] {
            assert!(c.matches(&header_key(h)), "{h}");
        }
        assert!(!c.matches(&header_key("Tên miền phụ")));
        assert!(SYSTEM_COLUMNS[0].matches(&header_key("owner_org_id")));
    }

    #[test]
    fn labels_and_codes_both_read_as_codes() {
        assert_eq!(
            coded(
                "Sở, ban, ngành",
                &OrgKind::ALL.map(OrgKind::code),
                "org_kind"
            ),
            "department"
        );
        assert_eq!(
            coded("commune", &OrgKind::ALL.map(OrgKind::code), "org_kind"),
            "commune"
        );
        assert_eq!(
            coded("đã phê duyệt", &LEVEL_STATES, "level.state"),
            "approved"
        );
        assert_eq!(
            coded_list(
                "Web, Thư điện tử; Khác: VPN\nother:SSH",
                &SERVICES,
                "service"
            ),
            "web\nmail\nother:VPN\nother:SSH"
        );
        assert_eq!(
            labelled_list(&["web".into(), "other:VPN".into()], "service"),
            "Web, Khác: VPN"
        );
    }

    #[test]
    fn formulas_are_guarded_on_export_and_unguarded_on_import() {
        assert_eq!(guard("=1+1"), "'=1+1");
        assert_eq!(guard("+84 912"), "'+84 912");
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
}
