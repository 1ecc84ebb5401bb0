//! The standing desk's intake mailbox: mail that did not become a report by itself (and the
//! [TBSC] mail that did, with what it lacked), one mail with its body as text, files and
//! problems, dismissing with a reason, and filing a report from a mail on the Phụ lục I form
//! prefilled from it.

use super::FormValues;
use crate::context::Signed;
use crate::error::PageResult;
use crate::pages::Posted;
use crate::render::{Chrome, FormErrors, page, when};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::AppError;
use ungcuu_app::intake::mail_intake::InboxItem;
use ungcuu_app::intake::reports::{Receipt, ReportInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(list))
        .route("/inbox/{id}", get(item))
        .route("/inbox/{id}/raw", get(raw))
        .route("/inbox/{id}/dismiss", post(dismiss))
        .route("/inbox/{id}/file", get(file_form).post(file))
}

pub struct Row {
    pub id: i64,
    pub received: String,
    pub from: String,
    pub subject: String,
    pub status_key: &'static str,
    pub pending: bool,
    pub tbsc: bool,
    pub problems: usize,
}

#[derive(Template)]
#[template(path = "inbox/list.html")]
struct List {
    c: Chrome,
    rows: Vec<Row>,
    pending: String,
    status: String,
    statuses: [(&'static str, &'static str); 3],
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    status: String,
    page: i64,
}

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let status = Some(q.status.as_str()).filter(|s| !s.is_empty());
    let (mails, pending) = st.app.list_inbox(&actor, status, q.page).await?;
    let c = Chrome::new(&ctx, "intake");
    let rows = mails
        .into_iter()
        .map(|m| Row {
            id: m.id,
            received: when(&m.received_at),
            from: m.from_address.unwrap_or_default(),
            subject: m.subject,
            status_key: m.status.label_key(),
            pending: m.status.is_pending(),
            tbsc: m.tbsc,
            problems: serde_json::from_str::<Vec<serde_json::Value>>(&m.problems_json)
                .map(|p| p.len())
                .unwrap_or(0),
        })
        .collect();
    let pending = c
        .t("inbox.pending_count")
        .replace("{n}", &pending.to_string());
    Ok(page(
        &List {
            c,
            rows,
            pending,
            status: q.status,
            statuses: [
                ("pending", "inbox.status.pending"),
                ("report", "inbox.status.report"),
                ("dismissed", "inbox.status.dismissed"),
            ],
        },
        StatusCode::OK,
    ))
}

pub struct FileRow {
    pub name: String,
    pub size: String,
    pub sha256: String,
}

#[derive(Template)]
#[template(path = "inbox/item.html")]
struct Item {
    c: Chrome,
    i: InboxItem,
    received: String,
    sent: String,
    size: String,
    status_key: &'static str,
    problems: Vec<(String, String)>,
    files: Vec<FileRow>,
    errors: FormErrors,
    reason: String,
}

fn item_page(ctx: &Ctx, i: InboxItem, errors: FormErrors, reason: String) -> Item {
    let lang = ctx.lang;
    Item {
        c: Chrome::new(ctx, "intake"),
        received: when(&i.mail.received_at),
        sent: i.mail.sent_at.as_ref().map(when).unwrap_or_default(),
        size: ungcuu_app::intake::attachments::human_size(i.mail.size_bytes.max(0) as u64),
        status_key: i.mail.status.label_key(),
        problems: i
            .problems
            .iter()
            .map(|p| (p.field.clone(), p.message(lang).to_string()))
            .collect(),
        files: i
            .files
            .iter()
            .map(|f| FileRow {
                name: f.file_name.clone(),
                size: ungcuu_app::intake::attachments::human_size(f.size_bytes.max(0) as u64),
                sha256: f.sha256.clone(),
            })
            .collect(),
        i,
        errors,
        reason,
    }
}

async fn item(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let i = st.app.inbox_item(&actor, id).await?;
    Ok(page(
        &item_page(&ctx, i, FormErrors::default(), String::new()),
        StatusCode::OK,
    ))
}

/// The message as received, to open in a mail program. Always a download, never shown.
async fn raw(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let bytes = st.app.inbox_raw(&actor, id).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("message/rfc822"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"mail-{id}.eml\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DismissForm {
    reason: String,
}

async fn dismiss(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(f): Posted<DismissForm>,
) -> PageResult {
    match st.app.dismiss_mail(&actor, id, &f.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/inbox/{id}")).into_response()),
        Err(AppError::Invalid(bad)) => {
            let i = st.app.inbox_item(&actor, id).await?;
            Ok(page(
                &item_page(&ctx, i, FormErrors::new(&bad.0, ctx.lang), f.reason),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The intake form (intake/form.html, extended) for a mail: the same fields, rules and
/// template as the web form, posted to the mailbox item.
#[derive(Template)]
#[template(path = "inbox/file.html")]
struct FileForm {
    c: Chrome,
    v: FormValues,
    errors: FormErrors,
    action: String,
    public: bool,
    systems: Vec<(i64, String)>,
    receipt: Option<Receipt>,
    received: String,
    i: InboxItem,
}

impl FileForm {
    fn level_checked(&self, l: &str) -> bool {
        self.v.get("system.security_level") == l
    }
}

/// `2026-05-04T08:30:00+07:00` → (`2026-05-04`, `08:30`) in Vietnam time.
fn local_parts(rfc3339: &str) -> Option<(String, String)> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339.trim()).ok()?;
    let t = t.with_timezone(&ungcuu_domain::time::vietnam());
    Some((
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M").to_string(),
    ))
}

/// The form's fields from an intake body: the reverse of `FormValues::to_input`.
pub fn form_values(i: &ReportInput) -> FormValues {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: &str| {
        if !v.trim().is_empty() {
            p.push((k.to_string(), v.to_string()));
        }
    };
    put("reporter.org_name", &i.reporter.org_name);
    put("reporter.address", &i.reporter.address);
    put("reporter.phone", &i.reporter.phone);
    put("reporter.email", &i.reporter.email);
    put("contact.name", &i.contact.name);
    put("contact.title", &i.contact.title);
    put("contact.phone", &i.contact.phone);
    put("contact.email", &i.contact.email);
    let s = &i.system;
    put("system.operator_name", &s.operator_name);
    put("system.owner_name", &s.owner_name);
    put("system.name", &s.name);
    put("system.domains", &s.domains.join("\n"));
    put("system.ips", &s.ips.join("\n"));
    put("system.public_ip_ranges", &s.public_ip_ranges.join("\n"));
    let level = match &s.security_level {
        Some(serde_json::Value::String(t)) => t.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    };
    put("system.security_level", &level);
    put("system.security_provider", &s.security_provider);
    put("system.connectivity_provider", &s.connectivity_provider);
    put("system.os", &s.os);
    put("system.os_version", &s.os_version);
    put("system.purpose", &s.purpose);
    for (name, items) in [
        ("system.services", &s.services),
        ("system.measures", &s.measures),
    ] {
        for code in items {
            match code.strip_prefix("other:") {
                Some(o) => put(&format!("{name}_other"), o),
                None => put(name, code),
            }
        }
    }
    put("description", &i.description);
    if let Some((d, t)) = local_parts(&i.detected_at) {
        put("detected_date", &d);
        put("detected_time", &t);
    }
    if let Some(h) = i.handled {
        put("handled", if h { "true" } else { "false" });
    }
    for m in &i.detection_methods {
        match m.split_once(':') {
            Some(("notified_by", who)) => {
                put("detection_methods", "notified_by");
                put("notified_by_text", who);
            }
            Some(("other", what)) => {
                put("detection_methods", "other");
                put("detection_other_text", what);
            }
            _ => put("detection_methods", m),
        }
    }
    for n in &i.already_notified {
        put("already_notified", n);
    }
    put("attachments_other", &i.attachments_note);
    put(
        "confidential",
        if i.confidential { "true" } else { "false" },
    );
    put("support_requested", &i.support_requested);
    if let Some((d, t)) = local_parts(&i.reported_at) {
        put("reported_at", &format!("{d}T{t}"));
    }
    FormValues { pairs: p }
}

fn file_page(ctx: &Ctx, i: InboxItem, v: FormValues, errors: FormErrors) -> FileForm {
    FileForm {
        c: Chrome::new(ctx, "intake"),
        v,
        errors,
        action: format!("/inbox/{}/file", i.mail.id),
        public: false,
        systems: vec![],
        receipt: None,
        received: String::new(),
        i,
    }
}

async fn file_form(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let i = st.app.inbox_item(&actor, id).await?;
    if !i.mail.status.is_pending() {
        return Ok(Redirect::to(&format!("/inbox/{id}")).into_response());
    }
    let v = form_values(&i.prefill);
    Ok(page(
        &file_page(&ctx, i, v, FormErrors::default()),
        StatusCode::OK,
    ))
}

async fn file(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> PageResult {
    let v = FormValues { pairs };
    match st.app.file_mail(&actor, id, &v.to_input()).await {
        Ok(r) => Ok(Redirect::to(&format!("/intake/{}", r.tracking_code)).into_response()),
        Err(AppError::Invalid(bad)) => {
            let i = st.app.inbox_item(&actor, id).await?;
            Ok(page(
                &file_page(&ctx, i, v, FormErrors::new(&bad.0, ctx.lang)),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
