//! Mail intake (API.md "Email intake"): what an accepted mail becomes, and the standing desk's
//! mailbox of mail that did not become a report by itself.
//!
//! - A `[TBSC]` mail becomes a report, always: recognised form labels fill their fields, the rest
//!   is the description, attachments are stored with their SHA-256, and the sender gets the
//!   acknowledgement with the tracking code. A `[TBSC]` mail is a notification (SPEC §3, 002
//!   Phụ lục I note) and "may be free text" (API.md), so missing or unusable fields do not stop
//!   it: they are left empty, named as problems on its mailbox row for the desk, and an
//!   unusable value is quoted in the description so nothing the sender wrote is lost.
//! - Other mail waits in the mailbox (`pending`) for a person, who files it as a report
//!   (completing the form) or dismisses it with a reason. It gets no automatic reply: answering
//!   whatever arrives would send mail to forged senders (backscatter).
//! - A sender whose address is registered to exactly one organisation (a current leader or
//!   focal point, an active user, the organisation's own address) files for that organisation
//!   and is recorded as verified by the system; anyone else files unverified, like the public
//!   form. Never dropped.
//! - Everything one mail causes — report, verification, attachment rows, mailbox row, audit
//!   rows, in-app notices, outbox mails — is one transaction; the files are stored before it,
//!   so the commit that lets the SMTP listener answer 250 points only at bytes already safe.
//! - The same Message-ID (or, without one, the same bytes) again gives the first answer and
//!   stores nothing new: a client retries after a 451 or a lost 250.

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use crate::intake::attachments::{AttachmentKind, content_type, file_name};
use crate::intake::reports::{Receipt, ReportForm, ReportInput};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_domain::intake::{Channel, MailStatus, VerificationMethod};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, FieldError, Invalid, OrgId, Role};
use ungcuu_store::intake::attachments::{self as files_db, NewAttachment};
use ungcuu_store::intake::inbox::{self, InboundMail, InboxFilter, NewInboundMail};
use ungcuu_store::intake::reports::{self, Report};
use ungcuu_store::{StoreError, Tx, audit};

/// A file attached to a mail, decoded.
#[derive(Debug, Clone, Default)]
pub struct MailAttachment {
    pub file_name: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A mail as the gateway read it. The gateway parses MIME and recognises the form's labels;
/// this layer decides what the mail becomes.
#[derive(Debug, Clone, Default)]
pub struct MailIn {
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// The SMTP envelope sender, used when the header has no address.
    pub envelope_from: Option<String>,
    /// The `From:` address.
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: String,
    /// The `Date:` header.
    pub sent_at: Option<DateTime<Utc>>,
    /// The readable body (plain text, HTML as text, or the raw text of broken MIME).
    pub body_text: String,
    /// The subject starts with `[TBSC]`.
    pub tbsc: bool,
    /// The intake body of API.md as the form labels filled it (nulls for what was not found).
    pub extracted: Value,
    /// The recognised description followed by every line not recognised.
    pub description: String,
    pub attachments: Vec<MailAttachment>,
    /// The message was cut at the size limit.
    pub truncated: bool,
    /// The MIME structure was broken; the body is the raw text.
    pub malformed: bool,
    /// The message exactly as received.
    pub raw: Vec<u8>,
    /// SHA-256 of the message as the sender sent it (without the trace header the listener
    /// added, which differs on every delivery): the key of a mail without a Message-ID.
    pub content_sha256: String,
}

/// What became of a mail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MailOutcome {
    pub inbox_id: i64,
    pub status: MailStatus,
    pub tracking_code: Option<String>,
    /// The mail had been received before; nothing new was stored.
    pub duplicate: bool,
    pub problems: Vec<Problem>,
}

/// A field of a `[TBSC]` form that was missing or could not be used, named as in API.md, with
/// its message in both languages as it read when the mail arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub vi: String,
    pub en: String,
}

impl Problem {
    fn of(e: &FieldError) -> Problem {
        Problem {
            field: e.field.clone(),
            vi: e.message(Lang::Vi),
            en: e.message(Lang::En),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// A mail's file in the file store, before (and after) it is attached to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
}

/// One mailbox item with what its page shows.
#[derive(Debug, Clone)]
pub struct InboxItem {
    pub mail: InboundMail,
    pub problems: Vec<Problem>,
    pub files: Vec<StoredFile>,
    /// The form as the labels filled it, with the description: to prefill "file as report".
    pub prefill: ReportInput,
    pub report_code: Option<String>,
    pub sender_org_name: Option<String>,
}

/// The longest description a report takes (as reports.rs checks it).
const DESCRIPTION_MAX: usize = 20_000;

const PLACEHOLDER_PHONE: &str = "0000000000";
const PLACEHOLDER_EMAIL: &str = "unknown@invalid.invalid";
const PLACEHOLDER_TEXT: &str = "?";

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// The mail's key: its Message-ID, or the hash of its content when it has none.
pub fn message_key(message_id: Option<&str>, content_sha256: &str) -> String {
    match message_id
        .map(|m| m.trim().trim_matches(['<', '>']))
        .filter(|m| !m.is_empty())
    {
        Some(id) => id.to_string(),
        None => format!("sha256:{content_sha256}"),
    }
}

/// Object values that are null dropped, recursively, so serde's defaults apply.
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.into_iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .map(strip_nulls)
                .collect(),
        ),
        v => v,
    }
}

/// The intake input from what the labels filled.
pub fn input_from_extracted(extracted: &Value, description: &str) -> ReportInput {
    let mut input: ReportInput =
        serde_json::from_value(strip_nulls(extracted.clone())).unwrap_or_default();
    input.description = description.to_string();
    input
}

/// `a.b[2]` → `/a/b/2`.
fn pointer(field: &str) -> String {
    let mut p = String::new();
    for part in field.split('.') {
        match part.split_once('[') {
            Some((name, idx)) => {
                p.push('/');
                p.push_str(name);
                p.push('/');
                p.push_str(idx.trim_end_matches(']'));
            }
            None => {
                p.push('/');
                p.push_str(part);
            }
        }
    }
    p
}

/// Control characters (other than line breaks and tabs) and replacement characters out of a
/// description taken from mail, so one odd byte does not refuse the whole text.
fn clean_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\r' && c != '\t') || c == '\u{FFFD}' {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// `text` cut to fit `max` characters with a note that it was cut.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let note = format!(
        "\n\n[{} / {}]",
        t(Lang::Vi, "mailin.cut"),
        t(Lang::En, "mailin.cut")
    );
    let keep = max.saturating_sub(note.chars().count());
    let mut s: String = text.chars().take(keep).collect();
    s.push_str(&note);
    s
}

/// Which required fields got a stand-in to let the rest of the form be checked.
#[derive(Default)]
struct StandIns(Vec<&'static str>);

impl StandIns {
    fn text(&mut self, name: &'static str, slot: &mut String, value: &str) {
        if slot.trim().is_empty() {
            *slot = value.to_string();
            self.0.push(name);
        }
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains(&name)
    }
}

/// The report a `[TBSC]` mail makes: every usable field kept, every missing or unusable one
/// named. Values that could not be used are quoted at the end of the description.
/// `mail_time` stands in for the report time (the mail was sent then) and, flagged as a
/// problem, for a missing detection time.
fn lenient_form(
    mut input: ReportInput,
    mail_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (ReportForm, Vec<FieldError>) {
    let base = clean_text(input.description.trim());
    if input.reported_at.trim().is_empty() {
        input.reported_at = mail_time.to_rfc3339();
    }
    let mut problems: Vec<FieldError> = Vec::new();
    let mut quoted: Vec<String> = Vec::new();
    for _ in 0..4 {
        let mut desc = base.clone();
        if !quoted.is_empty() {
            desc.push_str(&format!(
                "\n\n--- {} / {} ---\n{}",
                t(Lang::Vi, "mailin.unusable"),
                t(Lang::En, "mailin.unusable"),
                quoted.join("\n")
            ));
        }
        input.description = fit(&desc, DESCRIPTION_MAX);
        let mut tried = input.clone();
        let mut stand = StandIns::default();
        let r = &mut tried.reporter;
        stand.text("reporter.org_name", &mut r.org_name, PLACEHOLDER_TEXT);
        stand.text("reporter.address", &mut r.address, PLACEHOLDER_TEXT);
        stand.text("reporter.phone", &mut r.phone, PLACEHOLDER_PHONE);
        stand.text("reporter.email", &mut r.email, PLACEHOLDER_EMAIL);
        let c = &mut tried.contact;
        stand.text("contact.name", &mut c.name, PLACEHOLDER_TEXT);
        stand.text("contact.phone", &mut c.phone, PLACEHOLDER_PHONE);
        stand.text("contact.email", &mut c.email, PLACEHOLDER_EMAIL);
        stand.text(
            "system.operator_name",
            &mut tried.system.operator_name,
            PLACEHOLDER_TEXT,
        );
        stand.text("description", &mut tried.description, PLACEHOLDER_TEXT);
        let reported = tried.reported_at.clone();
        stand.text("detected_at", &mut tried.detected_at, &reported);
        if tried.handled.is_none() {
            tried.handled = Some(false);
            stand.0.push("handled");
        }
        if tried.detection_methods.is_empty() {
            tried.detection_methods = vec![format!("other:{PLACEHOLDER_TEXT}")];
            stand.0.push("detection_methods");
        }
        match tried.parse(now) {
            Ok(mut form) => {
                // What stood in is put back to empty: the report says only what was sent.
                let blank = |s: &mut String, name: &str| {
                    if stand.has(name) {
                        s.clear();
                    }
                };
                blank(&mut form.reporter.org_name, "reporter.org_name");
                blank(&mut form.reporter.address, "reporter.address");
                blank(&mut form.reporter.phone, "reporter.phone");
                blank(&mut form.reporter.email, "reporter.email");
                blank(&mut form.contact.name, "contact.name");
                blank(&mut form.contact.phone, "contact.phone");
                blank(&mut form.contact.email, "contact.email");
                blank(&mut form.system.operator_name, "system.operator_name");
                blank(&mut form.description, "description");
                if stand.has("detection_methods") {
                    form.detection_methods.clear();
                }
                for name in &stand.0 {
                    if !problems.iter().any(|p| p.field == *name) {
                        problems.push(FieldError::new(*name, Reason::Required));
                    }
                }
                return (form, problems);
            }
            Err(Invalid(errors)) => {
                // Each unusable value is taken out (and quoted), then the rest is tried again.
                let mut doc = serde_json::to_value(&input).unwrap_or(Value::Null);
                for e in errors {
                    // A detection after the report time: the detection time is what is wrong.
                    let at = if e.field == "reported_at" && e.reason == Reason::BeforeDetection {
                        "detected_at"
                    } else {
                        e.field.as_str()
                    };
                    if let Some(slot) = doc.pointer_mut(&pointer(at)) {
                        let shown = match &*slot {
                            Value::String(s) => s.clone(),
                            Value::Null => String::new(),
                            v => v.to_string(),
                        };
                        if !shown.trim().is_empty() {
                            quoted.push(format!("{at}: {shown}"));
                        }
                        *slot = match &*slot {
                            Value::String(_) => Value::String(String::new()),
                            _ => Value::Null,
                        };
                    }
                    if !problems.iter().any(|p| p.field == e.field) {
                        problems.push(e);
                    }
                }
                input = serde_json::from_value(strip_nulls(doc)).unwrap_or_default();
                if input.reported_at.trim().is_empty() {
                    input.reported_at = mail_time.to_rfc3339();
                }
            }
        }
    }
    // Unreachable in practice (every pass removes what failed); a last resort that keeps the
    // mail's text as a report rather than losing it.
    let fallback = ReportInput {
        description: fit(&base, DESCRIPTION_MAX),
        ..Default::default()
    };
    (bare_form(fallback, mail_time), problems)
}

/// The bare report: only the description and the times.
fn bare_form(input: ReportInput, mail_time: DateTime<Utc>) -> ReportForm {
    use crate::intake::reports::{Contact, ReportSystem, Reporter};
    ReportForm {
        reporter: Reporter {
            org_name: String::new(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
        },
        contact: Contact {
            name: String::new(),
            title: None,
            phone: String::new(),
            email: String::new(),
        },
        system: ReportSystem {
            operator_name: String::new(),
            owner_name: None,
            name: None,
            domains: vec![],
            ips: vec![],
            public_ip_ranges: vec![],
            security_level: None,
            security_provider: None,
            connectivity_provider: None,
            os: None,
            os_version: None,
            services: vec![],
            measures: vec![],
            purpose: None,
        },
        description: input.description,
        detected_at: mail_time,
        handled: false,
        detection_methods: vec![],
        already_notified: vec![],
        attachments_note: None,
        confidential: false,
        support_requested: None,
        reported_at: mail_time,
    }
}

/// Who a mail acts as: the sender, for the organisation it is registered to (if one).
fn mail_actor(address: Option<&str>, org: Option<(OrgId, ungcuu_domain::org::OrgPath)>) -> Actor {
    let label = format!("mail:{}", address.unwrap_or("?"));
    Actor {
        user_id: None,
        display_name: address.unwrap_or("?").to_string(),
        label,
        role: Role::DauMoi,
        org_id: org.as_ref().map(|o| o.0),
        org_path: org.map(|o| o.1),
    }
}

/// The system itself, for what it records on its own (a registered sender's verification).
fn system_actor() -> Actor {
    Actor {
        user_id: None,
        label: "system:mail".into(),
        display_name: "system".into(),
        role: Role::Admin,
        org_id: None,
        org_path: None,
    }
}

struct Filed<'a> {
    actor: &'a Actor,
    org: Option<OrgId>,
    form: &'a ReportForm,
    received_at: DateTime<Utc>,
    /// Shown in lists when the form names no organisation.
    fallback_name: &'a str,
    sender: Option<&'a str>,
    files: &'a [StoredFile],
}

impl App {
    /// The report, its verification (registered sender), its attachments and its notices, in
    /// the caller's transaction.
    async fn file_mail_report(&self, tx: &mut Tx, f: Filed<'_>) -> AppResult<Report> {
        let form = f.form;
        let reporter = if form.reporter.org_name.is_empty() {
            f.fallback_name
        } else {
            &form.reporter.org_name
        };
        let registry = crate::intake::reports::registry(&self.db, f.org).await?;
        let report = crate::intake::reports::insert_report(
            tx,
            &self.cfg,
            &crate::intake::reports::Filing {
                actor: f.actor,
                channel: Channel::Email,
                form,
                reporter_name: reporter,
                received_at: f.received_at,
                ack_to: f.sender,
                registry: &registry,
            },
        )
        .await?;
        if f.org.is_some() {
            // The address is registered to this organisation (002 Đ5.4: verified before acting;
            // how and by whom is recorded, here by the system).
            self.record_verification(
                tx,
                &system_actor(),
                &report,
                VerificationMethod::RegisteredContact,
                f.sender.unwrap_or(""),
                t(Lang::Vi, "verify.auto"),
            )
            .await?;
        }
        for file in f.files {
            let a = files_db::insert(
                tx,
                &NewAttachment {
                    report_id: report.id,
                    file_name: &file.file_name,
                    content_type: &file.content_type,
                    size_bytes: file.size_bytes,
                    sha256: &file.sha256,
                    storage_key: &file.storage_key,
                    kind: AttachmentKind::Other.code(),
                    uploaded_by: &f.actor.label,
                    created_at: f.received_at,
                },
            )
            .await?;
            let after = json!({"report": report.tracking_code, "file_name": a.file_name, "size_bytes": a.size_bytes, "sha256": a.sha256, "kind": a.kind});
            audit::append(
                tx,
                f.actor
                    .audit("report.attach", "attachment", a.id, None, Some(after)),
            )
            .await?;
        }
        Ok(report)
    }

    /// Puts a mail's files in the file store. On failure nothing of them remains.
    async fn store_mail_files(&self, atts: &[MailAttachment]) -> AppResult<Vec<StoredFile>> {
        let mut out: Vec<StoredFile> = Vec::new();
        for (i, a) in atts.iter().enumerate() {
            let name = a
                .file_name
                .as_deref()
                .and_then(|n| file_name("file", n).ok())
                .unwrap_or_else(|| format!("attachment-{}", i + 1));
            let body = futures::stream::iter([Ok::<_, std::io::Error>(ungcuu_files::Bytes::from(
                a.bytes.clone(),
            ))]);
            match self.cfg.files.put(body, u64::MAX).await {
                Ok(s) => out.push(StoredFile {
                    file_name: name,
                    content_type: content_type(Some(&a.content_type)),
                    size_bytes: s.size as i64,
                    sha256: s.sha256,
                    storage_key: s.key,
                }),
                Err(e) => {
                    self.remove_files(&out).await;
                    return Err(AppError::Internal(anyhow::anyhow!("file store: {e}")));
                }
            }
        }
        Ok(out)
    }

    async fn remove_files(&self, files: &[StoredFile]) {
        for f in files {
            if let Err(e) = self.cfg.files.delete(&f.storage_key).await {
                tracing::warn!(error = %e, key = f.storage_key, "unrecorded mail file not removed");
            }
        }
    }

    async fn outcome(&self, m: &InboundMail, duplicate: bool) -> AppResult<MailOutcome> {
        let tracking_code = match m.report_id {
            Some(id) => Some(reports::get(&self.db, id).await?.tracking_code),
            None => None,
        };
        Ok(MailOutcome {
            inbox_id: m.id,
            status: m.status,
            tracking_code,
            duplicate,
            problems: serde_json::from_str(&m.problems_json).unwrap_or_default(),
        })
    }

    /// Takes one accepted mail; returns only once everything it causes is committed.
    pub async fn receive_mail(&self, mail: MailIn) -> AppResult<MailOutcome> {
        let content = if mail.content_sha256.is_empty() {
            sha256_hex(&mail.raw)
        } else {
            mail.content_sha256.clone()
        };
        let key = message_key(mail.message_id.as_deref(), &content);
        if let Some(m) = inbox::by_key(&self.db, &key).await? {
            tracing::info!(inbox = m.id, "mail received again; answered as before");
            return self.outcome(&m, true).await;
        }
        // Files first: the commit below, after which the client hears 250, points only at
        // bytes already stored.
        let files = self.store_mail_files(&mail.attachments).await?;
        match self.record_mail(&mail, &key, &files).await {
            Ok(o) => Ok(o),
            Err(e) => {
                self.remove_files(&files).await;
                match e {
                    // The same mail over two connections at once: the first one won.
                    Received::Again => match inbox::by_key(&self.db, &key).await? {
                        Some(m) => self.outcome(&m, true).await,
                        None => Err(AppError::Internal(anyhow::anyhow!("mail key vanished"))),
                    },
                    Received::Failed(e) => Err(e),
                }
            }
        }
    }

    async fn record_mail(
        &self,
        mail: &MailIn,
        key: &str,
        files: &[StoredFile],
    ) -> Result<MailOutcome, Received> {
        let now = ungcuu_domain::time::now();
        // PostgreSQL text cannot hold NUL; broken mail carries them. The raw bytes keep them.
        let body_text = without_nul(&mail.body_text);
        let subject = without_nul(&mail.subject);
        let from_name = mail.from_name.as_deref().map(without_nul);
        let sender = mail
            .from_address
            .as_deref()
            .or(mail.envelope_from.as_deref())
            .map(|a| a.trim().to_lowercase())
            .filter(|a| validate::email("from", a).is_ok());
        let mut tx = self.db.begin().await?;
        let orgs = match &sender {
            Some(a) => inbox::sender_orgs(&mut tx, a).await?,
            None => vec![],
        };
        // One organisation or none: an address registered to two cannot say which it speaks for.
        let org = match orgs.as_slice() {
            [one] => Some(ungcuu_store::registry::orgs::get_in(&mut tx, OrgId(*one)).await?),
            _ => None,
        };
        let actor = mail_actor(
            sender.as_deref(),
            org.as_ref().map(|o| (o.id, o.path.clone())),
        );
        let mut input = input_from_extracted(&mail.extracted, &mail.description);
        if input.description.trim().is_empty() {
            input.description = subject_text(&subject);
        }
        let mut problems = Vec::new();
        let report = if mail.tbsc {
            self.complete_from_registry(&mut input, sender.as_deref(), org.as_ref())
                .await?;
            let sent = mail.sent_at.filter(|s| *s <= now).unwrap_or(now);
            let (form, bad) = lenient_form(input.clone(), sent, now);
            problems = bad.iter().map(Problem::of).collect();
            let report = self
                .file_mail_report(
                    &mut tx,
                    Filed {
                        actor: &actor,
                        org: org.as_ref().map(|o| o.id),
                        form: &form,
                        received_at: now,
                        fallback_name: sender.as_deref().unwrap_or(""),
                        sender: sender.as_deref(),
                        files,
                    },
                )
                .await?;
            Some(report)
        } else {
            None
        };
        let extracted = serde_json::to_string(&input).map_err(|e| AppError::Internal(e.into()))?;
        let files_json = serde_json::to_string(files).map_err(|e| AppError::Internal(e.into()))?;
        let problems_json =
            serde_json::to_string(&problems).map_err(|e| AppError::Internal(e.into()))?;
        let raw_sha = sha256_hex(&mail.raw);
        let raw_b64 = base64::engine::general_purpose::STANDARD.encode(&mail.raw);
        let status = if report.is_some() {
            MailStatus::Report
        } else {
            MailStatus::Pending
        };
        let row = inbox::insert(
            &mut tx,
            &NewInboundMail {
                message_key: key,
                message_id: mail.message_id.as_deref(),
                from_address: sender.as_deref(),
                from_name: from_name.as_deref(),
                subject: &subject,
                sent_at: mail.sent_at,
                received_at: now,
                size_bytes: mail.raw.len() as i64,
                raw_sha256: &raw_sha,
                raw_base64: &raw_b64,
                body_text: &body_text,
                tbsc: mail.tbsc,
                extracted_json: &extracted,
                attachments_json: &files_json,
                truncated: mail.truncated,
                malformed: mail.malformed,
                problems_json: &problems_json,
                status,
                sender_org_id: org.as_ref().map(|o| o.id.0),
                report_id: report.as_ref().map(|r| r.id),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Unique(_) => Received::Again,
            e => Received::Failed(e.into()),
        })?;
        // Who sent what, and what it became; the content stays in its own row.
        let after = json!({
            "from": sender, "status": status, "size_bytes": row.size_bytes, "sha256": raw_sha,
            "report": report.as_ref().map(|r| r.tracking_code.clone()),
            "verified_sender": org.is_some(), "problems": problems.len(),
        });
        audit::append(
            &mut tx,
            actor.audit("mail.receive", "inbound_mail", row.id, None, Some(after)),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            inbox = row.id,
            status = status.code(),
            report = report.as_ref().map(|r| r.tracking_code.as_str()),
            "mail received"
        );
        Ok(MailOutcome {
            inbox_id: row.id,
            status,
            tracking_code: report.map(|r| r.tracking_code),
            duplicate: false,
            problems,
        })
    }

    /// Fields the sender left out that the registry knows: the sender is the contact, and a
    /// registered sender's organisation and contact details are those on record (as the web
    /// form is prefilled for a focal point).
    async fn complete_from_registry(
        &self,
        input: &mut ReportInput,
        sender: Option<&str>,
        org: Option<&ungcuu_store::registry::orgs::Org>,
    ) -> AppResult<()> {
        fn fill(slot: &mut String, v: Option<&str>) {
            if slot.trim().is_empty()
                && let Some(v) = v.filter(|v| !v.trim().is_empty())
            {
                *slot = v.to_string();
            }
        }
        fill(&mut input.contact.email, sender);
        if let Some(o) = org {
            fill(&mut input.reporter.org_name, Some(&o.name));
            fill(&mut input.reporter.address, o.address.as_deref());
            fill(&mut input.reporter.phone, o.phone.as_deref());
            fill(&mut input.reporter.email, o.email.as_deref());
            let contacts = ungcuu_store::registry::contacts::list(&self.db, o.id).await?;
            if let Some(c) = contacts.iter().find(|c| {
                c.until.is_none()
                    && c.email
                        .as_deref()
                        .is_some_and(|e| Some(e.trim().to_lowercase().as_str()) == sender)
            }) {
                fill(&mut input.contact.name, Some(&c.name));
                fill(&mut input.contact.title, c.title.as_deref());
                fill(&mut input.contact.phone, c.phone.as_deref());
            }
        }
        Ok(())
    }

    /// The mailbox, pending mail first. The standing desk only.
    pub async fn list_inbox(
        &self,
        actor: &Actor,
        status: Option<&str>,
        page: i64,
    ) -> AppResult<(Vec<InboundMail>, i64)> {
        actor.authorize(Action::ReviewInbox, None)?;
        let status = status.filter(|s| MailStatus::parse(s).is_some());
        let rows = inbox::list(
            &self.db,
            &InboxFilter {
                status,
                limit: 50,
                offset: ungcuu_domain::paging::offset(page, 50),
            },
        )
        .await?;
        Ok((rows, inbox::count_pending(&self.db).await?))
    }

    /// One mail with its problems, files and the form it would prefill.
    pub async fn inbox_item(&self, actor: &Actor, id: i64) -> AppResult<InboxItem> {
        actor.authorize(Action::ReviewInbox, None)?;
        let mail = inbox::get(&self.db, id).await?;
        let problems = serde_json::from_str(&mail.problems_json).unwrap_or_default();
        let files = serde_json::from_str(&mail.attachments_json).unwrap_or_default();
        let prefill: ReportInput = serde_json::from_str(&mail.extracted_json).unwrap_or_default();
        let report_code = match mail.report_id {
            Some(r) => Some(reports::get(&self.db, r).await?.tracking_code),
            None => None,
        };
        let sender_org_name = match mail.sender_org_id {
            Some(o) => Some(
                ungcuu_store::registry::orgs::get(&self.db, OrgId(o))
                    .await?
                    .name,
            ),
            None => None,
        };
        Ok(InboxItem {
            mail,
            problems,
            files,
            prefill,
            report_code,
            sender_org_name,
        })
    }

    /// The message exactly as received (for the desk to open in a mail program).
    pub async fn inbox_raw(&self, actor: &Actor, id: i64) -> AppResult<Vec<u8>> {
        actor.authorize(Action::ReviewInbox, None)?;
        let b64 = inbox::raw_base64(&self.db, id).await?;
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| AppError::Internal(e.into()))
    }

    async fn pending_item(&self, actor: &Actor, id: i64) -> AppResult<InboundMail> {
        actor.authorize(Action::ReviewInbox, None)?;
        let mail = inbox::get(&self.db, id).await?;
        if !mail.status.is_pending() {
            return Err(Invalid::one("status", Reason::WrongState).into());
        }
        Ok(mail)
    }

    /// Sets a pending mail aside, with the reason (spam, a duplicate sent another way, …).
    pub async fn dismiss_mail(&self, actor: &Actor, id: i64, reason: &str) -> AppResult<()> {
        let reason = validate::line("reason", reason, 1000).map_err(|e| Invalid(vec![e]))?;
        let mail = self.pending_item(actor, id).await?;
        let mut tx = self.db.begin().await?;
        inbox::dismiss(
            &mut tx,
            mail.id,
            &actor.label,
            ungcuu_domain::time::now(),
            &reason,
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => Invalid::one("status", Reason::WrongState).into(),
            e => AppError::from(e),
        })?;
        audit::append(
            &mut tx,
            actor.audit(
                "mail.dismiss",
                "inbound_mail",
                mail.id,
                Some(json!({"status": mail.status})),
                Some(json!({"status": "dismissed", "reason": reason})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Files a pending mail as a report once a person has completed the form: for the
    /// organisation its sender is registered to (verified, as at receipt) or unverified, with
    /// the mail's files, and the acknowledgement to the sender.
    pub async fn file_mail(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReportInput,
    ) -> AppResult<Receipt> {
        let mail = self.pending_item(actor, id).await?;
        let now = ungcuu_domain::time::now();
        let form = input.parse(now)?;
        let files: Vec<StoredFile> =
            serde_json::from_str(&mail.attachments_json).unwrap_or_default();
        let mut tx = self.db.begin().await?;
        let org = mail.sender_org_id.map(OrgId);
        let report = self
            .file_mail_report(
                &mut tx,
                Filed {
                    actor,
                    org,
                    form: &form,
                    received_at: now,
                    fallback_name: mail.from_address.as_deref().unwrap_or(""),
                    sender: mail.from_address.as_deref(),
                    files: &files,
                },
            )
            .await?;
        inbox::set_report(&mut tx, mail.id, report.id, &actor.label, now)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => Invalid::one("status", Reason::WrongState).into(),
                e => AppError::from(e),
            })?;
        audit::append(
            &mut tx,
            actor.audit(
                "mail.file",
                "inbound_mail",
                mail.id,
                Some(json!({"status": mail.status})),
                Some(json!({"status": "report", "report": report.tracking_code})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Receipt {
            id: report.id,
            tracking_code: report.tracking_code,
            received_at: report.received_at,
        })
    }
}

/// Why recording a mail stopped.
enum Received {
    /// Another delivery of the same mail was recorded first.
    Again,
    Failed(AppError),
}

impl From<AppError> for Received {
    fn from(e: AppError) -> Self {
        Received::Failed(e)
    }
}

impl From<StoreError> for Received {
    fn from(e: StoreError) -> Self {
        Received::Failed(e.into())
    }
}

fn without_nul(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}

/// The subject without its `[TBSC]` mark, as the description of a mail with no body.
fn subject_text(subject: &str) -> String {
    let s = subject.trim();
    let s = if s.len() >= 6 && s.is_char_boundary(6) && s[..6].eq_ignore_ascii_case("[TBSC]") {
        &s[6..]
    } else {
        s
    };
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        ungcuu_domain::time::now()
    }

    #[test]
    fn a_free_text_notification_becomes_a_report_naming_every_missing_field() {
        let input = ReportInput {
            description: "Trang chủ cổng thông tin bị thay đổi giao diện".into(),
            ..Default::default()
        };
        let (form, problems) = lenient_form(input, now(), now());
        assert_eq!(
            form.description,
            "Trang chủ cổng thông tin bị thay đổi giao diện"
        );
        assert_eq!(form.reporter.org_name, "");
        assert_eq!(form.contact.email, "");
        assert!(form.detection_methods.is_empty());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "reporter.org_name",
            "reporter.address",
            "reporter.phone",
            "reporter.email",
            "contact.name",
            "contact.phone",
            "contact.email",
            "system.operator_name",
            "detected_at",
            "handled",
            "detection_methods",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        // The report time is the mail's: not a problem.
        assert!(!fields.contains(&"reported_at"));
        assert!(!fields.contains(&"description"));
    }

    #[test]
    fn an_unusable_value_is_named_taken_out_and_quoted_in_the_description() {
        let mut input = ReportInput {
            description: "Mã độc mã hóa dữ liệu".into(),
            ..Default::default()
        };
        input.reporter.phone = "gọi tôi".into();
        input.system.domains = vec!["tiendu.gov.vn".into(), "không phải tên miền".into()];
        input.system.security_level = Some(json!(9));
        let (form, problems) = lenient_form(input, now(), now());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"reporter.phone"), "{fields:?}");
        assert!(fields.contains(&"system.domains[1]"), "{fields:?}");
        assert!(fields.contains(&"system.security_level"), "{fields:?}");
        assert_eq!(form.system.domains, vec!["tiendu.gov.vn".to_string()]);
        assert_eq!(form.system.security_level, None);
        assert!(form.description.starts_with("Mã độc mã hóa dữ liệu"));
        assert!(
            form.description.contains("reporter.phone: gọi tôi"),
            "{}",
            form.description
        );
        assert!(form.description.contains("không phải tên miền"));
        assert!(form.description.contains("system.security_level: 9"));
    }

    #[test]
    fn a_very_long_description_is_kept_cut_with_a_note() {
        let input = ReportInput {
            description: "x".repeat(DESCRIPTION_MAX * 3),
            ..Default::default()
        };
        let (form, _) = lenient_form(input, now(), now());
        assert!(form.description.chars().count() <= DESCRIPTION_MAX);
        assert!(form.description.contains(t(Lang::Vi, "mailin.cut")));
    }

    #[test]
    fn a_mail_without_message_id_is_keyed_by_its_bytes() {
        assert_eq!(message_key(Some("<abc@x.vn>"), "ab12"), "abc@x.vn");
        assert_eq!(message_key(Some("  "), "ab12"), message_key(None, "ab12"));
        assert_eq!(message_key(None, "ab12"), "sha256:ab12");
    }

    #[test]
    fn extracted_nulls_take_the_defaults() {
        let v = json!({"reporter": {"org_name": "Sở Y tế", "phone": ""}, "handled": null,
                       "detected_at": null, "confidential": null, "system": {"domains": [], "security_level": null}});
        let i = input_from_extracted(&v, "mô tả");
        assert_eq!(i.reporter.org_name, "Sở Y tế");
        assert_eq!(i.handled, None);
        assert_eq!(i.description, "mô tả");
        assert_eq!(subject_text("[tbsc]  Sự cố web"), "Sự cố web");
    }
}
