//! Official documents (NĐ30): Phụ lục I from any stored report, Phụ lục II from its final
//! report; drafted, then issued by someone whose signing authority the roster and the lead's
//! delegations confirm (002 Đ6.5). Issuing numbers the document, freezes its content and keeps
//! the PDF with its SHA-256; an issued document never changes (a correction is a new
//! document naming the old one). Rendering runs off the async runtime on a bounded pool.

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use crate::intake::reports::{ReportForm, Reporter, ReporterInput};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock};
use ungcuu_docs::forms::{self, Letterhead};
use ungcuu_docs::{Document, Signature};
use ungcuu_domain::delegation::LeadAction;
use ungcuu_domain::documents::{self as rules, DocKind, DocState, SignRefusal};
use ungcuu_domain::system as sys;
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, FieldError, Invalid, OrgId};
use ungcuu_store::audit;
use ungcuu_store::documents::{self as store, DocumentRow, FinalReportRow, SignedCopy};
use ungcuu_store::intake::reports::{self as report_store, Report};

/// The body that issues the team's documents: named top left, abbreviated in the number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuingBody {
    /// The body above it (cơ quan chủ quản), e.g. "UBND tỉnh Bắc Ninh".
    pub parent: Option<String>,
    pub name: String,
    /// The abbreviation in the symbol: "ĐUCSC" in "Số: 12/BC-ĐUCSC".
    pub code: String,
    /// Where documents are issued: "Bắc Ninh" in "Bắc Ninh, ngày …".
    pub place: String,
}

impl Default for IssuingBody {
    fn default() -> Self {
        IssuingBody {
            parent: Some("UBND tỉnh Bắc Ninh".into()),
            name: "Đội ứng cứu sự cố an toàn thông tin mạng".into(),
            code: "ĐUCSC".into(),
            place: "Bắc Ninh".into(),
        }
    }
}

/// Parses the bundled fonts and template now instead of on the first request.
pub fn warm_up_renderer() -> usize {
    ungcuu_docs::warm_up()
}

/// PDF or DOCX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// A rendered file to send.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// At most this many renders at once, each on a blocking thread: a burst of downloads
/// queues here instead of taking every blocking thread or stalling request handling.
static RENDER_SLOTS: LazyLock<Arc<tokio::sync::Semaphore>> = LazyLock::new(|| {
    let n = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(tokio::sync::Semaphore::new(n))
});

/// Renders `doc` off the async runtime, on the bounded pool.
pub async fn render(doc: Document, format: Format) -> AppResult<Vec<u8>> {
    let _slot = RENDER_SLOTS
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || match format {
        Format::Pdf => ungcuu_docs::render_pdf(&doc),
        Format::Docx => ungcuu_docs::render_docx(&doc),
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))
}

// ---------------------------------------------------------------------------------------
// Final report (Phụ lục II)

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FinalSystemInput {
    pub operator_name: String,
    pub owner_name: String,
    pub name: String,
    /// 1–5
    pub security_level: Option<serde_json::Value>,
}

/// Phụ lục II as typed into the form or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FinalReportInput {
    pub reporter: ReporterInput,
    pub system: FinalSystemInput,
    /// Tên/Mô tả về sự cố.
    pub incident_name: String,
    /// RFC 3339, or Vietnam time `2026-05-04T08:30`.
    pub detected_at: String,
    /// Kết quả xử lý sự cố.
    pub result: String,
    /// Các tài liệu đính kèm.
    pub attachments: String,
}

/// A checked final report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FinalReportForm {
    pub reporter: Reporter,
    pub operator_name: String,
    pub owner_name: Option<String>,
    pub system_name: Option<String>,
    pub security_level: Option<u8>,
    pub incident_name: Option<String>,
    pub detected_at: DateTime<Utc>,
    pub result: Option<String>,
    pub attachments: Option<String>,
}

const LONG_MAX: usize = 20_000;

fn long_text(field: &str, raw: &str, bad: &mut Invalid) -> Option<String> {
    let v = raw.trim();
    if v.chars().count() > LONG_MAX {
        bad.push(field, Reason::TooLong { max: LONG_MAX });
    } else if v
        .chars()
        .any(|ch| (ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') || ch == '\u{FFFD}')
    {
        bad.push(field, Reason::InvalidChars);
    }
    Some(v.to_string()).filter(|s| !s.is_empty())
}

impl FinalReportInput {
    /// The initial report's values, as a starting point for the final one.
    pub fn from_initial(form: &ReportForm) -> FinalReportInput {
        FinalReportInput {
            reporter: ReporterInput {
                org_name: form.reporter.org_name.clone(),
                address: form.reporter.address.clone(),
                phone: form.reporter.phone.clone(),
                email: form.reporter.email.clone(),
            },
            system: FinalSystemInput {
                operator_name: form.system.operator_name.clone(),
                owner_name: form.system.owner_name.clone().unwrap_or_default(),
                name: form.system.name.clone().unwrap_or_default(),
                security_level: form.system.security_level.map(|l| l.into()),
            },
            incident_name: String::new(),
            detected_at: form
                .detected_at
                .with_timezone(&ungcuu_domain::time::vietnam())
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
            result: String::new(),
            attachments: form.attachments_note.clone().unwrap_or_default(),
        }
    }

    /// Checks every field; the (*) fields of the form are required. All errors at once.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<FinalReportForm, Invalid> {
        let mut bad = Invalid::default();
        let r = &self.reporter;
        let org = bad.check(validate::line("reporter.org_name", &r.org_name, 300));
        let address = bad.check(validate::line("reporter.address", &r.address, 500));
        let phone = bad.check(
            validate::optional_phone("reporter.phone", &r.phone)
                .and_then(|p| p.ok_or_else(|| FieldError::new("reporter.phone", Reason::Required))),
        );
        let email = bad.check(validate::email("reporter.email", &r.email));
        let s = &self.system;
        let operator = bad.check(validate::line(
            "system.operator_name",
            &s.operator_name,
            300,
        ));
        let owner = bad.check(validate::optional_line(
            "system.owner_name",
            &s.owner_name,
            300,
        ));
        let name = bad.check(validate::optional_line("system.name", &s.name, 300));
        let level = match &s.security_level {
            None | Some(serde_json::Value::Null) => Some(None),
            Some(v) => {
                let text = match v {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                bad.check(sys::optional_level("system.security_level", &text))
                    .map(|l| l.map(|l| l.get()))
            }
        };
        let incident = bad.check(validate::optional_line(
            "incident_name",
            &self.incident_name,
            1000,
        ));
        let detected = bad.check(ungcuu_domain::roster::instant(
            "detected_at",
            &self.detected_at,
        ));
        if detected.is_some_and(|d| d > now + chrono::Duration::minutes(10)) {
            bad.push("detected_at", Reason::InFuture);
        }
        let result = long_text("result", &self.result, &mut bad);
        let attachments = long_text("attachments", &self.attachments, &mut bad);
        if !bad.0.is_empty() {
            return Err(bad);
        }
        fn some<T>(v: Option<T>) -> T {
            v.expect("every field was checked above")
        }
        Ok(FinalReportForm {
            reporter: Reporter {
                org_name: some(org),
                address: some(address),
                phone: some(phone),
                email: some(email),
            },
            operator_name: some(operator),
            owner_name: some(owner),
            system_name: some(name),
            security_level: some(level),
            incident_name: some(incident),
            detected_at: some(detected),
            result,
            attachments,
        })
    }
}

// ---------------------------------------------------------------------------------------
// From stored data to the document model

fn vn(t: DateTime<Utc>) -> DateTime<chrono::FixedOffset> {
    t.with_timezone(&ungcuu_domain::time::vietnam())
}

fn date_text(t: DateTime<Utc>) -> String {
    vn(t).format("%d/%m/%Y").to_string()
}

fn time_text(t: DateTime<Utc>) -> String {
    vn(t).format("%H giờ %M phút").to_string()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn tagged<'a>(items: &'a [String], tag: &str) -> Option<String> {
    items
        .iter()
        .find_map(|i| i.strip_prefix(tag).map(|s: &'a str| s.to_string()))
}

/// Phụ lục I's values from a stored report.
pub fn initial_values(report: &Report, f: &ReportForm) -> forms::InitialReport {
    let s = &f.system;
    let has = |list: &[String], v: &str| list.iter().any(|i| i == v);
    let mut system_name = s.name.clone().unwrap_or_default();
    let extra: Vec<String> = s.domains.iter().chain(s.ips.iter()).cloned().collect();
    if !extra.is_empty() {
        if !system_name.is_empty() {
            system_name.push_str(" — ");
        }
        system_name.push_str(&extra.join(", "));
    }
    let _ = report;
    forms::InitialReport {
        reporter_name: f.reporter.org_name.clone(),
        reporter_address: f.reporter.address.clone(),
        reporter_phone: f.reporter.phone.clone(),
        reporter_email: f.reporter.email.clone(),
        contact_name: f.contact.name.clone(),
        contact_title: opt(&f.contact.title),
        contact_phone: f.contact.phone.clone(),
        contact_email: f.contact.email.clone(),
        operator_name: s.operator_name.clone(),
        owner_name: opt(&s.owner_name),
        system_name,
        security_level: s.security_level,
        security_provider: opt(&s.security_provider),
        connectivity_provider: opt(&s.connectivity_provider),
        public_ip_ranges: s.public_ip_ranges.join(", "),
        description: f.description.clone(),
        detected_date: date_text(f.detected_at),
        detected_time: time_text(f.detected_at),
        handled: f.handled,
        detected_by_ids: has(&f.detection_methods, "ids"),
        detected_by_log: has(&f.detection_methods, "log_review"),
        notified_by: tagged(&f.detection_methods, "notified_by:"),
        detected_other: tagged(&f.detection_methods, "other:"),
        sent_to_network_member: has(&f.already_notified, "network_member"),
        sent_to_isp: has(&f.already_notified, "isp"),
        sent_to_coordinator: has(&f.already_notified, "coordinator"),
        os: opt(&s.os),
        os_version: opt(&s.os_version),
        service_web: has(&s.services, "web"),
        service_mail: has(&s.services, "mail"),
        service_database: has(&s.services, "database"),
        service_other: tagged(&s.services, "other:"),
        measure_antivirus: has(&s.measures, "antivirus"),
        measure_firewall: has(&s.measures, "firewall"),
        measure_ids: has(&s.measures, "ids"),
        measure_other: tagged(&s.measures, "other:"),
        ips: s.ips.join(", "),
        domains: s.domains.join(", "),
        purpose: opt(&s.purpose),
        // The form keeps what was sent along as one note: it is the "Khác" line.
        attached_logs: false,
        attached_malware: false,
        attached_other: f.attachments_note.clone(),
        confidential: f.confidential,
        support_requested: opt(&f.support_requested),
        reported_at: vn(f.reported_at).format("%d/%m/%Y/%H/%M").to_string(),
    }
}

/// Phụ lục II's values from a final report and the initial report it closes.
pub fn final_values(report: &Report, f: &FinalReportForm) -> forms::FinalReport {
    forms::FinalReport {
        reporter_name: f.reporter.org_name.clone(),
        reporter_address: f.reporter.address.clone(),
        reporter_phone: f.reporter.phone.clone(),
        reporter_email: f.reporter.email.clone(),
        initial_reference: report.tracking_code.clone(),
        initial_date: date_text(report.reported_at),
        operator_name: f.operator_name.clone(),
        owner_name: opt(&f.owner_name),
        system_name: opt(&f.system_name),
        security_level: f.security_level,
        incident: opt(&f.incident_name),
        detected_date: date_text(f.detected_at),
        detected_time: time_text(f.detected_at),
        result: opt(&f.result),
        attachments: opt(&f.attachments),
    }
}

/// The letterhead of a document not yet issued: number left blank, today's date, and the
/// form's own signature block for the reporter.
fn preview_head(
    body: &IssuingBody,
    kind: DocKind,
    reporter_signs: Option<&str>,
    recipients: Vec<String>,
) -> Letterhead {
    let symbol = rules::symbol(kind.type_code(), &body.code);
    Letterhead {
        parent_body: body.parent.clone(),
        issuing_body: body.name.clone(),
        number: rules::number_line(None, &symbol),
        place_date: rules::place_date(&body.place, crate::registry::roster::today_vn()),
        signature: Signature {
            authority: None,
            title: match kind {
                DocKind::InitialReport => forms::INITIAL_SIGNER.into(),
                DocKind::FinalReport => forms::FINAL_SIGNER.into(),
            },
            hint: Some("(Ký, ghi rõ họ tên)".into()),
            name: reporter_signs.map(str::to_string),
        },
        recipients,
    }
}

fn build(
    kind: DocKind,
    head: &Letterhead,
    report: &Report,
    initial: &ReportForm,
    fin: Option<&FinalReportForm>,
) -> AppResult<Document> {
    Ok(match kind {
        DocKind::InitialReport => forms::initial_report(head, &initial_values(report, initial)),
        DocKind::FinalReport => {
            let f = fin.ok_or_else(|| Invalid::one("doc_kind", Reason::NotFound))?;
            forms::final_report(head, &final_values(report, f))
        }
    })
}

fn file_name(kind: DocKind, code: &str, number: Option<i64>, format: Format) -> String {
    let stem = match kind {
        DocKind::InitialReport => "phu-luc-1",
        DocKind::FinalReport => "phu-luc-2",
    };
    match number {
        Some(n) => format!("{stem}-so-{n}-{code}.{}", format.extension()),
        None => format!("{stem}-{code}.{}", format.extension()),
    }
}

// ---------------------------------------------------------------------------------------
// Use cases

/// What drafting asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DraftInput {
    /// `initial_report` (Phụ lục I) or `final_report` (Phụ lục II).
    pub kind: String,
    /// Nơi nhận, one per entry; "Lưu: VT" is added when missing.
    pub recipients: Vec<String>,
    /// The document executes a coordination request from above (Bộ Công an, the national
    /// alliance): a deputy may then sign it without a delegation (002 Đ6.5b).
    pub upper_coordination: bool,
    /// The issued document this one corrects.
    pub corrects_document_id: Option<i64>,
}

/// A document as shown: its row, the report it came from, its signed copies.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub document: DocumentRow,
    pub report_code: String,
    /// "Số: 12/BC-ĐUCSC" once issued.
    pub number_line: Option<String>,
    pub recipients: Vec<String>,
    pub signed_copies: Vec<SignedCopy>,
    /// Whether the reader may issue this draft now: the rule table, and the roster in force
    /// with the lead's delegations (the same check issuing makes), so the button is only
    /// shown to someone who would not be refused.
    pub may_issue: bool,
    /// Whether the reader may attach the signed copy of this issued document, or draft its
    /// correction.
    pub may_attach: bool,
}

fn parse_recipients(raw: &[String], bad: &mut Invalid) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let v = r.trim().trim_start_matches('-').trim();
        if v.is_empty() {
            continue;
        }
        if let Some(v) = bad.check(validate::line(&format!("recipients[{i}]"), v, 300)) {
            out.push(v);
        }
    }
    if out.len() > 30 {
        bad.push("recipients", Reason::TooLong { max: 30 });
    }
    if !out.iter().any(|r| r.starts_with("Lưu")) {
        out.push("Lưu: VT.".into());
    }
    out
}

impl App {
    async fn report_org_path(
        &self,
        report: &Report,
    ) -> AppResult<Option<ungcuu_domain::org::OrgPath>> {
        Ok(match report.org_id {
            Some(o) => Some(
                ungcuu_store::registry::orgs::get(&self.db, OrgId(o))
                    .await?
                    .path,
            ),
            None => None,
        })
    }

    /// The final report of a report, if filed, for whoever may read the report.
    pub async fn final_report(
        &self,
        actor: &Actor,
        code: &str,
    ) -> AppResult<(
        Report,
        ReportForm,
        Option<(FinalReportRow, FinalReportForm)>,
    )> {
        let (report, form) = self.report_by_code(actor, code).await?;
        let fin = match store::final_for_report(&self.db, report.id).await? {
            Some(row) => {
                let f: FinalReportForm = serde_json::from_str(&row.form_json)
                    .map_err(|e| AppError::Internal(e.into()))?;
                Some((row, f))
            }
            None => None,
        };
        Ok((report, form, fin))
    }

    /// Files (or corrects, until a document froze it) the final report closing a report:
    /// the filing organisation's focal point, or the team.
    pub async fn save_final_report(
        &self,
        actor: &Actor,
        code: &str,
        input: &FinalReportInput,
    ) -> AppResult<FinalReportRow> {
        let (report, _) = self.report_by_code(actor, code).await?;
        let path = self.report_org_path(&report).await?;
        if !actor.can(Action::DraftDocument, path.as_ref()) {
            actor.authorize(Action::FileReport, path.as_ref())?;
        }
        let now = ungcuu_domain::time::now();
        let form = input.parse(now)?;
        let issued = store::for_report(&self.db, report.id)
            .await?
            .iter()
            .any(|d| d.kind == DocKind::FinalReport && d.state == DocState::Issued);
        if issued {
            return Err(Invalid::one("result", Reason::WrongState).into());
        }
        let body = serde_json::to_string(&form).map_err(|e| AppError::Internal(e.into()))?;
        let mut tx = self.db.begin().await?;
        let row = store::save_final(&mut tx, report.id, &body, &actor.label, now).await?;
        audit::append(
            &mut tx,
            actor.audit(
                "final_report.save",
                "report",
                report.id,
                None,
                Some(serde_json::json!({"tracking_code": report.tracking_code})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Phụ lục I or II of a report as it stands, unnumbered and unsigned, for anyone who may
    /// read the report.
    pub async fn report_form_file(
        &self,
        actor: &Actor,
        code: &str,
        kind: DocKind,
        format: Format,
    ) -> AppResult<RenderedFile> {
        let (report, form, fin) = self.final_report(actor, code).await?;
        let fin = fin.map(|(_, f)| f);
        let signer = match kind {
            DocKind::InitialReport => Some(form.contact.name.as_str()),
            DocKind::FinalReport => None,
        };
        let head = preview_head(&self.cfg.issuing_body, kind, signer, Vec::new());
        let doc = build(kind, &head, &report, &form, fin.as_ref())?;
        Ok(RenderedFile {
            file_name: file_name(kind, &report.tracking_code, None, format),
            content_type: format.content_type(),
            bytes: render(doc, format).await?,
        })
    }

    /// Drafts a document from a report. A correction names an issued document of the same
    /// report.
    pub async fn draft_document(
        &self,
        actor: &Actor,
        code: &str,
        input: &DraftInput,
    ) -> AppResult<DocumentRow> {
        let (report, _) = self.report_by_code(actor, code).await?;
        let path = self.report_org_path(&report).await?;
        actor.authorize(Action::DraftDocument, path.as_ref())?;
        let mut bad = Invalid::default();
        let kind = bad.check(validate::choice("kind", &input.kind, DocKind::parse));
        let recipients = parse_recipients(&input.recipients, &mut bad);
        if kind == Some(DocKind::FinalReport)
            && store::final_for_report(&self.db, report.id)
                .await?
                .is_none()
        {
            bad.push("kind", Reason::NotFound);
        }
        if let Some(old) = input.corrects_document_id {
            match store::get(&self.db, old).await {
                Ok(d) if d.report_id == Some(report.id) && d.state == DocState::Issued => {}
                Ok(_) => bad.push("corrects_document_id", Reason::WrongState),
                Err(_) => bad.push("corrects_document_id", Reason::NotFound),
            }
        }
        if !bad.0.is_empty() {
            return Err(bad.into());
        }
        let kind = kind.expect("checked");
        let body = &self.cfg.issuing_body;
        let title = match kind {
            DocKind::InitialReport => forms::INITIAL_TITLE,
            DocKind::FinalReport => forms::FINAL_TITLE,
        };
        let recipients_json =
            serde_json::to_string(&recipients).map_err(|e| AppError::Internal(e.into()))?;
        let mut tx = self.db.begin().await?;
        let row = store::insert_draft(
            &mut tx,
            &store::NewDocument {
                kind,
                issuing_body: &body.code,
                type_code: kind.type_code(),
                title,
                report_id: Some(report.id),
                corrects_document_id: input.corrects_document_id,
                upper_coordination: input.upper_coordination,
                recipients_json: &recipients_json,
                created_by: &actor.label,
                created_at: ungcuu_domain::time::now(),
            },
        )
        .await?;
        audit::append(
            &mut tx,
            actor.audit(
                "document.draft",
                "document",
                row.id,
                None,
                Some(serde_json::json!({"kind": kind.code(), "report": report.tracking_code, "corrects": input.corrects_document_id})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// A document, for whoever may read the report it came from.
    pub async fn document(&self, actor: &Actor, id: i64) -> AppResult<DocumentView> {
        let (doc, report) = self.visible_document(actor, id).await?;
        let path = self.report_org_path(&report).await?;
        let authorized = actor.can(Action::IssueDocument, path.as_ref());
        let draft = doc.state == DocState::Draft;
        let may_issue = authorized
            && draft
            && self
                .signing_for(actor, doc.upper_coordination, ungcuu_domain::time::now())
                .await
                .is_ok();
        Ok(DocumentView {
            may_issue,
            may_attach: authorized && !draft,
            number_line: doc.number.map(|n| {
                rules::number_line(Some(n), &rules::symbol(&doc.type_code, &doc.issuing_body))
            }),
            recipients: serde_json::from_str(&doc.recipients_json).unwrap_or_default(),
            signed_copies: store::signed_copies(&self.db, id).await?,
            report_code: report.tracking_code,
            document: doc,
        })
    }

    /// The documents drafted from a report.
    pub async fn documents_for_report(
        &self,
        actor: &Actor,
        code: &str,
    ) -> AppResult<Vec<DocumentRow>> {
        let (report, _) = self.report_by_code(actor, code).await?;
        Ok(store::for_report(&self.db, report.id).await?)
    }

    async fn visible_document(&self, actor: &Actor, id: i64) -> AppResult<(DocumentRow, Report)> {
        let doc = store::get(&self.db, id).await?;
        let report_id = doc.report_id.ok_or(AppError::NotFound)?;
        let stored = report_store::get(&self.db, report_id).await?;
        // The report's own visibility rule decides (confidential reports stay in their circle).
        let (report, _) = self
            .report_by_code(actor, &stored.tracking_code)
            .await
            .map_err(|_| AppError::NotFound)?;
        Ok((doc, report))
    }

    /// Who signs, and how, if `actor` issues `doc` at `at`: refused unless the roster in force
    /// and the lead's delegations give the actor the authority (002 Đ6.5).
    pub async fn signing_for(
        &self,
        actor: &Actor,
        upper_coordination: bool,
        at: DateTime<Utc>,
    ) -> AppResult<(rules::Signing, String)> {
        let user = actor.user_id.ok_or(AppError::Forbidden)?;
        let roster = ungcuu_store::registry::roster::in_force(
            &self.db,
            crate::registry::roster::date_vn(at),
        )
        .await?;
        let member = roster
            .as_ref()
            .and_then(|r| r.member_for_user(user))
            .cloned();
        let holder = self.authority_holder(at, LeadAction::Sign).await?;
        let holds = holder.is_some_and(|h| h.user_id == Some(user) && h.delegation.is_some());
        match rules::signing(member.as_ref().map(|m| m.role), holds, upper_coordination) {
            Ok(s) => Ok((s, member.map(|m| m.name).unwrap_or_default())),
            Err(SignRefusal::NotOnRoster | SignRefusal::NotDelegated) => {
                tracing::info!(actor = %actor.label, "signing refused by the roster");
                Err(AppError::Forbidden)
            }
        }
    }

    /// Issues a draft: confirms the signer's authority, takes the next number of the body's
    /// documents of that type this year, renders the PDF, and stores the frozen content and
    /// the PDF with its SHA-256 — all in one transaction, so a failure leaves no number used.
    pub async fn issue_document(&self, actor: &Actor, id: i64) -> AppResult<DocumentRow> {
        let (doc, report) = self.visible_document(actor, id).await?;
        let path = self.report_org_path(&report).await?;
        actor.authorize(Action::IssueDocument, path.as_ref())?;
        if doc.state != DocState::Draft {
            return Err(Invalid::one("document", Reason::WrongState).into());
        }
        let kind = doc.kind;
        let now = ungcuu_domain::time::now();
        let (signing, signer_name) = self.signing_for(actor, doc.upper_coordination, now).await?;
        let (_, form, fin) = self.final_report(actor, &report.tracking_code).await?;
        let fin = fin.map(|(_, f)| f);
        let body = &self.cfg.issuing_body;
        let year = crate::registry::roster::date_vn(now)
            .format("%Y")
            .to_string()
            .parse::<i32>()
            .unwrap_or(2026);
        let recipients: Vec<String> =
            serde_json::from_str(&doc.recipients_json).unwrap_or_default();
        let mut tx = self.db.begin().await?;
        let number = store::next_number(&mut tx, &doc.issuing_body, &doc.type_code, year).await?;
        let head = Letterhead {
            parent_body: body.parent.clone(),
            issuing_body: body.name.clone(),
            number: rules::number_line(
                Some(number),
                &rules::symbol(&doc.type_code, &doc.issuing_body),
            ),
            place_date: rules::place_date(&body.place, crate::registry::roster::date_vn(now)),
            signature: Signature {
                authority: signing.authority_line.clone(),
                title: signing.title.clone(),
                hint: None,
                name: Some(signer_name.clone()),
            },
            recipients,
        };
        let mut built = build(kind, &head, &report, &form, fin.as_ref())?;
        if let Some(old) = doc.corrects_document_id {
            let old = store::get_in(&mut tx, old).await?;
            if let Some(n) = old.number {
                built.subtitle.push(format!(
                    "(Đính chính văn bản số {n}/{})",
                    rules::symbol(&old.type_code, &old.issuing_body)
                ));
            }
        }
        self.finish_issue(
            tx,
            actor,
            &doc,
            built,
            number,
            year,
            &signing,
            &signer_name,
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish_issue(
        &self,
        mut tx: ungcuu_store::Tx,
        actor: &Actor,
        doc: &DocumentRow,
        built: Document,
        number: i64,
        year: i32,
        signing: &rules::Signing,
        signer_name: &str,
        now: DateTime<Utc>,
    ) -> AppResult<DocumentRow> {
        let content = serde_json::to_string(&built).map_err(|e| AppError::Internal(e.into()))?;
        let pdf = render(built, Format::Pdf).await?;
        let sha = hex::encode(Sha256::digest(&pdf));
        let b64 = base64::engine::general_purpose::STANDARD.encode(&pdf);
        let done = store::issue(
            &mut tx,
            doc.id,
            &store::Issue {
                year,
                number,
                title: &doc.title,
                content_json: &content,
                pdf_base64: &b64,
                pdf_sha256: &sha,
                issued_by_user_id: actor.user_id.map(|u| u.0),
                signer_name,
                signer_prefix: signing.prefix.code(),
                issued_at: now,
            },
        )
        .await?;
        if !done {
            tx.rollback().await?;
            return Err(Invalid::one("document", Reason::WrongState).into());
        }
        audit::append(
            &mut tx,
            actor.audit(
                "document.issue",
                "document",
                doc.id,
                None,
                Some(serde_json::json!({
                    "number": rules::number_line(Some(number), &rules::symbol(&doc.type_code, &doc.issuing_body)),
                    "pdf_sha256": sha,
                    "signer": signer_name,
                    "prefix": signing.prefix.code(),
                })),
            ),
        )
        .await?;
        let row = store::get_in(&mut tx, doc.id).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// A document's file: the stored PDF once issued (the very bytes whose SHA-256 was kept),
    /// its DOCX from the frozen content; a draft's from the report as it stands.
    pub async fn document_file(
        &self,
        actor: &Actor,
        id: i64,
        format: Format,
    ) -> AppResult<RenderedFile> {
        let (doc, report) = self.visible_document(actor, id).await?;
        let kind = doc.kind;
        let name = file_name(kind, &report.tracking_code, doc.number, format);
        let bytes = if doc.state == DocState::Issued {
            match format {
                Format::Pdf => {
                    let b64 = store::pdf_base64(&self.db, id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|e| AppError::Internal(e.into()))?
                }
                Format::Docx => {
                    let frozen: Document =
                        serde_json::from_str(doc.content_json.as_deref().unwrap_or(""))
                            .map_err(|e| AppError::Internal(e.into()))?;
                    render(frozen, Format::Docx).await?
                }
            }
        } else {
            let (_, form, fin) = self.final_report(actor, &report.tracking_code).await?;
            let recipients: Vec<String> =
                serde_json::from_str(&doc.recipients_json).unwrap_or_default();
            let head = preview_head(&self.cfg.issuing_body, kind, None, recipients);
            let built = build(kind, &head, &report, &form, fin.map(|(_, f)| f).as_ref())?;
            render(built, format).await?
        };
        Ok(RenderedFile {
            file_name: name,
            content_type: format.content_type(),
            bytes,
        })
    }

    /// Attaches a scanned or digitally signed copy to an issued document.
    pub async fn attach_signed_copy(
        &self,
        actor: &Actor,
        id: i64,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> AppResult<SignedCopy> {
        let (doc, report) = self.visible_document(actor, id).await?;
        let path = self.report_org_path(&report).await?;
        actor.authorize(Action::IssueDocument, path.as_ref())?;
        let mut bad = Invalid::default();
        if doc.state != DocState::Issued {
            bad.push("document", Reason::WrongState);
        }
        const MAX: usize = 20 * 1024 * 1024;
        if bytes.is_empty() {
            bad.push("signed_copy", Reason::Required);
        } else if bytes.len() > MAX {
            bad.push("signed_copy", Reason::TooLong { max: MAX });
        }
        let name = bad.check(validate::line(
            "signed_copy",
            file_name.rsplit(['/', '\\']).next().unwrap_or(""),
            255,
        ));
        if !bad.0.is_empty() {
            return Err(bad.into());
        }
        let sha = hex::encode(Sha256::digest(bytes));
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let content_type = if content_type.trim().is_empty() {
            "application/octet-stream"
        } else {
            content_type.trim()
        };
        let mut tx = self.db.begin().await?;
        let copy = store::add_signed_copy(
            &mut tx,
            &store::NewSignedCopy {
                document_id: id,
                file_name: &name.expect("checked"),
                content_type,
                size_bytes: bytes.len() as i64,
                sha256: &sha,
                content_base64: &b64,
                uploaded_by: &actor.label,
                uploaded_at: ungcuu_domain::time::now(),
            },
        )
        .await?;
        audit::append(
            &mut tx,
            actor.audit(
                "document.signed_copy",
                "document",
                id,
                None,
                Some(serde_json::json!({"copy": copy.id, "sha256": sha, "size": bytes.len()})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(copy)
    }

    /// A signed copy's bytes.
    pub async fn signed_copy_file(
        &self,
        actor: &Actor,
        id: i64,
        copy_id: i64,
    ) -> AppResult<(SignedCopy, Vec<u8>)> {
        self.visible_document(actor, id).await?;
        let (meta, b64) = store::signed_copy_content(&self.db, id, copy_id).await?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok((meta, bytes))
    }
}
