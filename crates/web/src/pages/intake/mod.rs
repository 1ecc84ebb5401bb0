//! Tiếp nhận: the initial report form (Phụ lục I, field for field) for a signed-in focal point
//! and for the public, and the list of reports received.

pub(crate) mod attachments;
pub(crate) mod inbox;
pub(crate) mod triage;
pub(crate) use triage::csv_download;

use super::Posted;
use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::render::{Chrome, FormErrors, page, when};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use ungcuu_app::intake::reports::{Receipt, ReportInput, ReportQuery};
use ungcuu_app::registry::systems::SystemQuery;
use ungcuu_app::{Actor, AppError, Rights};
use ungcuu_domain::intake::{Channel, ReportStatus};
use ungcuu_store::intake::reports::Report;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intake", get(list))
        .route("/intake/new", get(new).post(file))
        .route("/report", get(public_form).post(public_file))
}

/// The form's values as typed: every field a flat name, checkbox groups as lists.
#[derive(Default)]
pub struct FormValues {
    pub pairs: Vec<(String, String)>,
}

impl FormValues {
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A list typed in a text area, one item per line or separated by commas.
    fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .split(['\n', ',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Reads the form into the intake input the API also takes: one set of rules for both.
    pub fn to_input(&self) -> ReportInput {
        let mut v = ReportInput::default();
        v.reporter.org_name = self.get("reporter.org_name").into();
        v.reporter.address = self.get("reporter.address").into();
        v.reporter.phone = self.get("reporter.phone").into();
        v.reporter.email = self.get("reporter.email").into();
        v.contact.name = self.get("contact.name").into();
        v.contact.title = self.get("contact.title").into();
        v.contact.phone = self.get("contact.phone").into();
        v.contact.email = self.get("contact.email").into();
        let s = &mut v.system;
        s.operator_name = self.get("system.operator_name").into();
        s.owner_name = self.get("system.owner_name").into();
        s.name = self.get("system.name").into();
        s.domains = self.list("system.domains");
        s.ips = self.list("system.ips");
        s.public_ip_ranges = self.list("system.public_ip_ranges");
        let level = self.get("system.security_level");
        s.security_level = (!level.is_empty()).then(|| serde_json::Value::String(level.into()));
        s.security_provider = self.get("system.security_provider").into();
        s.connectivity_provider = self.get("system.connectivity_provider").into();
        s.os = self.get("system.os").into();
        s.os_version = self.get("system.os_version").into();
        s.services = self.all("system.services");
        if !self.get("system.services_other").trim().is_empty() {
            s.services.push(format!(
                "other:{}",
                self.get("system.services_other").trim()
            ));
        }
        s.measures = self.all("system.measures");
        if !self.get("system.measures_other").trim().is_empty() {
            s.measures.push(format!(
                "other:{}",
                self.get("system.measures_other").trim()
            ));
        }
        s.purpose = self.get("system.purpose").into();
        v.description = self.get("description").into();
        // Date and time are separate boxes on the form; both are Vietnam time.
        let (d, t) = (self.get("detected_date"), self.get("detected_time"));
        v.detected_at = local_to_rfc3339(d, t);
        v.handled = match self.get("handled") {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        v.detection_methods = self
            .all("detection_methods")
            .into_iter()
            .filter(|m| m == "ids" || m == "log_review")
            .collect();
        if self.has("detection_methods", "notified_by") {
            v.detection_methods.push(format!(
                "notified_by:{}",
                self.get("notified_by_text").trim()
            ));
        }
        if self.has("detection_methods", "other") {
            v.detection_methods
                .push(format!("other:{}", self.get("detection_other_text").trim()));
        }
        v.already_notified = self.all("already_notified");
        let mut attached = self.all("attachments");
        if !self.get("attachments_other").trim().is_empty() {
            attached.push(self.get("attachments_other").trim().to_string());
        }
        v.attachments_note = attached.join(", ");
        v.confidential = self.get("confidential") == "true";
        v.support_requested = self.get("support_requested").into();
        v.reported_at = self
            .get("reported_at")
            .split_once('T')
            .map(|(d, t)| local_to_rfc3339(d, t))
            .unwrap_or_default();
        v
    }
}

/// `2026-05-04` + `08:30` in Vietnam time → RFC 3339; anything unreadable passes through so the
/// parser names the field.
fn local_to_rfc3339(date: &str, time: &str) -> String {
    if date.trim().is_empty() || time.trim().is_empty() {
        return String::new();
    }
    match ungcuu_domain::validate::datetime_vn(
        "x",
        &format!(
            "{}T{}",
            date.trim(),
            &time.trim()[..time.trim().len().min(5)]
        ),
    ) {
        Ok(t) => t.to_rfc3339(),
        Err(_) => format!("{date} {time}"),
    }
}

#[derive(Template)]
#[template(path = "intake/form.html")]
struct Form {
    c: Chrome,
    v: FormValues,
    errors: FormErrors,
    action: &'static str,
    public: bool,
    systems: Vec<(i64, String)>,
    receipt: Option<Receipt>,
    /// When the receipt's report was received, in Vietnam time.
    received: String,
}

impl Form {
    fn level_checked(&self, l: &str) -> bool {
        self.v.get("system.security_level") == l
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    system: Option<i64>,
}

fn now_local() -> (String, String) {
    let t = ungcuu_domain::time::now().with_timezone(&ungcuu_domain::time::vietnam());
    (
        t.format("%Y-%m-%d").to_string(),
        t.format("%Y-%m-%dT%H:%M").to_string(),
    )
}

/// The form for a signed-in focal point, prefilled from its organisation and focal point, and
/// from a registered system when one is chosen.
async fn prefill(
    st: &AppState,
    actor: &Actor,
    system: Option<i64>,
) -> Result<(FormValues, Vec<(i64, String)>), AppError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| pairs.push((k.to_string(), v));
    let (today, now) = now_local();
    put("detected_date", today);
    put("reported_at", now);
    put("confidential", "false".into());
    let mut systems = Vec::new();
    if let Some(org_id) = actor.org_id {
        let org = st.app.get_org(actor, org_id).await?;
        put("reporter.org_name", org.name.clone());
        put("reporter.address", org.address.clone().unwrap_or_default());
        put("reporter.phone", org.phone.clone().unwrap_or_default());
        put("reporter.email", org.email.clone().unwrap_or_default());
        let contacts = st.app.list_contacts(actor, org_id).await?;
        if let Some(f) = contacts
            .iter()
            .find(|c| c.kind.is_focal() && c.until.is_none())
        {
            put("contact.name", f.name.clone());
            put("contact.title", f.title.clone().unwrap_or_default());
            put("contact.phone", f.phone.clone().unwrap_or_default());
            put("contact.email", f.email.clone().unwrap_or_default());
        }
        let q = SystemQuery {
            owner: Some(org_id.0),
            ..Default::default()
        };
        systems = st
            .app
            .list_systems(actor, &q)
            .await?
            .0
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
    }
    if let Some(id) = system {
        let s = st.app.get_system(actor, id).await?;
        put("system.id", s.id.to_string());
        put("system.operator_name", s.operator_name.clone());
        put("system.owner_name", s.owner_name.clone());
        put("system.name", s.name.clone());
        put("system.domains", s.domains.join("\n"));
        put("system.ips", s.ips.join("\n"));
        put("system.public_ip_ranges", s.public_ip_ranges.join("\n"));
        put(
            "system.security_level",
            s.security_level.map(|l| l.to_string()).unwrap_or_default(),
        );
        put(
            "system.security_provider",
            s.security_provider.clone().unwrap_or_default(),
        );
        put(
            "system.connectivity_provider",
            s.connectivity_provider.clone().unwrap_or_default(),
        );
        put("system.os", s.os.clone().unwrap_or_default());
        put(
            "system.os_version",
            s.os_version.clone().unwrap_or_default(),
        );
        put("system.purpose", s.purpose.clone().unwrap_or_default());
        for code in &s.services {
            match code.strip_prefix("other:") {
                Some(o) => put("system.services_other", o.to_string()),
                None => put("system.services", code.clone()),
            }
        }
        for code in &s.measures {
            match code.strip_prefix("other:") {
                Some(o) => put("system.measures_other", o.to_string()),
                None => put("system.measures", code.clone()),
            }
        }
    }
    Ok((FormValues { pairs }, systems))
}

async fn new(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<NewQuery>,
) -> PageResult {
    Rights::require(actor.rights().file_report)?;
    let (v, systems) = prefill(&st, &actor, q.system).await?;
    Ok(page(
        &Form {
            c: Chrome::new(&ctx, "intake"),
            v,
            errors: FormErrors::default(),
            action: "/intake/new",
            public: false,
            systems,
            receipt: None,
            received: String::new(),
        },
        StatusCode::OK,
    ))
}

async fn file(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Response {
    let v = FormValues { pairs };
    let result = st
        .app
        .file_report(&actor, Channel::Web, &v.to_input())
        .await;
    let systems = match actor.org_id {
        Some(o) => st
            .app
            .list_systems(
                &actor,
                &SystemQuery {
                    owner: Some(o.0),
                    ..Default::default()
                },
            )
            .await
            .map(|r| r.0.into_iter().map(|s| (s.id, s.name)).collect())
            .unwrap_or_default(),
        None => vec![],
    };
    respond(&ctx, v, result, "/intake/new", false, systems)
}

fn respond(
    ctx: &Ctx,
    v: FormValues,
    result: Result<Receipt, AppError>,
    action: &'static str,
    public: bool,
    systems: Vec<(i64, String)>,
) -> Response {
    let c = Chrome::new(ctx, "intake");
    match result {
        Ok(r) => {
            let received = when(&r.received_at);
            page(
                &Form {
                    c,
                    v: FormValues::default(),
                    errors: FormErrors::default(),
                    action,
                    public,
                    systems,
                    receipt: Some(r),
                    received,
                },
                StatusCode::CREATED,
            )
        }
        Err(AppError::Invalid(i)) => page(
            &Form {
                c,
                v,
                errors: FormErrors::new(&i.0, ctx.lang),
                action,
                public,
                systems,
                receipt: None,
                received: String::new(),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn public_form(ctx: Ctx) -> Response {
    let (today, now) = now_local();
    let v = FormValues {
        pairs: vec![
            ("detected_date".into(), today),
            ("reported_at".into(), now),
            ("confidential".into(), "false".into()),
        ],
    };
    page(
        &Form {
            c: Chrome::new(&ctx, "intake"),
            v,
            errors: FormErrors::default(),
            action: "/report",
            public: true,
            systems: vec![],
            receipt: None,
            received: String::new(),
        },
        StatusCode::OK,
    )
}

async fn public_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> PageResult {
    // Anyone may report; the same per-client limit as sign-in keeps the form from being flooded.
    if let Err(secs) = st.limits.signin.check(&format!("report:{}", ctx.ip)) {
        return Err(PageError::RateLimited(secs));
    }
    let v = FormValues { pairs };
    let result = st.app.file_public_report(&v.to_input()).await;
    Ok(respond(&ctx, v, result, "/report", true, vec![]))
}

pub struct ReportRow {
    pub code: String,
    pub reporter: String,
    pub system: String,
    pub received: String,
    pub detected: String,
    pub late: Option<String>,
    pub verified: bool,
    pub confidential: bool,
    pub public: bool,
    pub serious: bool,
    pub level: String,
    pub status_key: &'static str,
}

#[derive(Template)]
#[template(path = "intake/list.html")]
struct List {
    c: Chrome,
    rows: Vec<ReportRow>,
    can_file: bool,
    q: ReportQuery,
    statuses: Vec<(&'static str, &'static str)>,
    next_page: Option<String>,
}

impl List {
    fn status_is(&self, code: &str) -> bool {
        self.q.status.as_deref() == Some(code)
    }
}

/// A report as a row of a list, flags worked out once for every list that shows reports.
pub fn report_row(c: &Chrome, r: Report, days: i64) -> ReportRow {
    ReportRow {
        late: ungcuu_domain::intake::lateness(r.detected_at, r.received_at, days).map(|d| {
            c.t("intake.late_by")
                .replace("{days}", &((d.num_hours() + 23) / 24).to_string())
        }),
        received: when(&r.received_at),
        detected: when(&r.detected_at),
        verified: r.verified,
        confidential: r.confidential,
        public: r.channel == Channel::Public,
        serious: r.serious,
        level: r
            .security_level
            .map(|l| l.to_string())
            .unwrap_or_else(|| "—".into()),
        status_key: r.status.label_key(),
        code: r.tracking_code,
        reporter: r.reporter_org_name,
        system: r.system_name,
    }
}

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(mut q): Query<ReportQuery>,
) -> PageResult {
    let can_file = actor.rights().file_report;
    q.page = ungcuu_domain::paging::clamp(q.page);
    let reports = match st.app.list_reports(&actor, &q).await {
        Ok(r) => r,
        // Someone who may file but not read (none today) still gets the page with its link.
        Err(AppError::Forbidden) if can_file => vec![],
        Err(e) => return Err(e.into()),
    };
    let c = Chrome::new(&ctx, "intake");
    let full = reports.len() == 50;
    let rows: Vec<ReportRow> = reports
        .into_iter()
        .map(|r| report_row(&c, r, st.app.cfg.report_days))
        .collect();
    let next_page = full.then(|| {
        let mut qs = vec![("page", (q.page + 1).to_string())];
        if !q.query.is_empty() {
            qs.push(("query", q.query.clone()));
        }
        if let Some(s) = &q.status {
            qs.push(("status", s.clone()));
        }
        if q.unverified_only {
            qs.push(("unverified_only", "true".into()));
        }
        format!(
            "/intake?{}",
            serde_urlencoded::to_string(&qs).unwrap_or_default()
        )
    });
    let statuses = [
        ReportStatus::Received,
        ReportStatus::Accepted,
        ReportStatus::NotIncident,
    ]
    .into_iter()
    .map(|s| (s.code(), s.label_key()))
    .collect();
    Ok(page(
        &List {
            c,
            rows,
            can_file,
            q,
            statuses,
            next_page,
        },
        StatusCode::OK,
    ))
}
