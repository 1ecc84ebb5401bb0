//! The desk's pages for one report (verify, open or join an incident, split, close as not an
//! incident), the incidents, a person's notices, and the public tracking page.

use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::pages::Posted;
use crate::pages::intake::{ReportRow, report_row};
use crate::render::{Chrome, FormErrors, page, when};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::intake::triage::{AcceptInput, IncidentView, ReportView, TrackStatus, VerifyInput};
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::intake::{ReportStatus, VerificationMethod};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intake/export.csv", get(export))
        .route("/intake/{code}", get(detail))
        .route("/intake/{code}/verify", post(verify))
        .route("/intake/{code}/accept", post(accept))
        .route("/intake/{code}/split", post(split))
        .route("/intake/{code}/reject", post(reject))
        .route("/incidents", get(incidents))
        .route("/incidents/{code}", get(incident))
        .route("/notices", get(notices))
        .route("/notices/read", post(read_notices))
        .route("/track", get(track))
}

/// One line of the report as filed: label key and value.
pub struct Line {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "triage/report.html")]
struct Detail {
    c: Chrome,
    v: ReportView,
    lines: Vec<Line>,
    status_key: &'static str,
    channel_key: String,
    received: String,
    detected: String,
    methods: Vec<(&'static str, &'static str)>,
    can_verify: bool,
    can_triage: bool,
    can_split: bool,
    errors: FormErrors,
    /// What was typed, kept when the form comes back with errors.
    typed: Typed,
    verifications: Vec<(String, &'static str, String, String)>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Typed {
    method: String,
    note: String,
    incident: String,
    reason: String,
    /// The organisation an incident from a report without one concerns ("" = none named).
    org_id: String,
}

impl Detail {
    fn method_is(&self, code: &str) -> bool {
        self.typed.method == code
    }

    fn org_is(&self, id: &i64) -> bool {
        self.typed.org_id == id.to_string()
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "common.yes" } else { "common.no" }
}

/// The report as filed, in the order of Phụ lục I, each value as a line of text.
fn lines(c: &Chrome, v: &ReportView) -> Vec<Line> {
    let f = &v.form;
    let s = &f.system;
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let list = |l: &[String]| l.join(", ");
    vec![
        Line {
            label: "field.reporter.org_name",
            value: f.reporter.org_name.clone(),
        },
        Line {
            label: "field.reporter.address",
            value: f.reporter.address.clone(),
        },
        Line {
            label: "field.reporter.phone",
            value: f.reporter.phone.clone(),
        },
        Line {
            label: "field.reporter.email",
            value: f.reporter.email.clone(),
        },
        Line {
            label: "field.contact.name",
            value: f.contact.name.clone(),
        },
        Line {
            label: "field.contact.title",
            value: opt(&f.contact.title),
        },
        Line {
            label: "field.contact.phone",
            value: f.contact.phone.clone(),
        },
        Line {
            label: "field.contact.email",
            value: f.contact.email.clone(),
        },
        Line {
            label: "field.system.owner_name",
            value: opt(&s.owner_name),
        },
        Line {
            label: "field.system.operator_name",
            value: s.operator_name.clone(),
        },
        Line {
            label: "field.system.name",
            value: opt(&s.name),
        },
        Line {
            label: "field.system.domains",
            value: list(&s.domains),
        },
        Line {
            label: "field.system.ips",
            value: list(&s.ips),
        },
        Line {
            label: "field.system.public_ip_ranges",
            value: list(&s.public_ip_ranges),
        },
        Line {
            label: "field.system.security_level",
            value: s.security_level.map(|l| l.to_string()).unwrap_or_default(),
        },
        Line {
            label: "field.system.security_provider",
            value: opt(&s.security_provider),
        },
        Line {
            label: "field.system.connectivity_provider",
            value: opt(&s.connectivity_provider),
        },
        Line {
            label: "field.system.os",
            value: opt(&s.os),
        },
        Line {
            label: "field.system.os_version",
            value: opt(&s.os_version),
        },
        Line {
            label: "field.system.services",
            value: labelled(c, &s.services, "service"),
        },
        Line {
            label: "field.system.measures",
            value: labelled(c, &s.measures, "measure"),
        },
        Line {
            label: "field.system.purpose",
            value: opt(&s.purpose),
        },
        Line {
            label: "field.description",
            value: f.description.clone(),
        },
        Line {
            label: "field.detected_at",
            value: when(&f.detected_at),
        },
        Line {
            label: "field.handled",
            value: c
                .t(if f.handled {
                    "intake.handled"
                } else {
                    "intake.not_handled"
                })
                .to_string(),
        },
        Line {
            label: "field.detection_methods",
            value: coded(c, &f.detection_methods),
        },
        Line {
            label: "field.already_notified",
            value: coded(c, &f.already_notified),
        },
        Line {
            label: "field.attachments_note",
            value: opt(&f.attachments_note),
        },
        Line {
            label: "field.confidential",
            value: c.t(yes_no(f.confidential)).to_string(),
        },
        Line {
            label: "field.support_requested",
            value: opt(&f.support_requested),
        },
        Line {
            label: "field.reported_at",
            value: when(&f.reported_at),
        },
    ]
}

/// The form's coded answers (`ids`, `notified_by:…`) in words, as the form shows them.
/// Codes of the form's tick boxes (`web`, `antivirus`, `other:VPN`) as their labels in the
/// reader's language, never as the machine's codes.
fn labelled(c: &Chrome, items: &[String], prefix: &str) -> String {
    items
        .iter()
        .map(|i| match i.strip_prefix("other:") {
            Some(o) => format!("{}: {o}", c.t("common.other")),
            None => ungcuu_domain::i18n::lookup(c.lang, &format!("{prefix}.{i}"))
                .map(str::to_string)
                .unwrap_or_else(|| i.clone()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn coded(c: &Chrome, items: &[String]) -> String {
    items
        .iter()
        .map(|i| {
            let (code, text) = i.split_once(':').unwrap_or((i.as_str(), ""));
            let key = match code {
                "ids" => "intake.by_ids",
                "log_review" => "intake.by_logs",
                "notified_by" => "intake.by_notice",
                "network_member" => "intake.to_member",
                "isp" => "intake.to_isp",
                "coordinator" => "intake.to_coordinator",
                _ => "common.other",
            };
            if text.is_empty() {
                c.t(key).to_string()
            } else {
                format!("{} {text}", c.t(key))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

async fn render_detail(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
    errors: FormErrors,
    typed: Typed,
    status: StatusCode,
) -> PageResult {
    let v = st.app.report_view(actor, code).await?;
    let c = Chrome::new(ctx, "intake").with_notice(None);
    let status_key = v.report.status.label_key();
    let received_state = v.report.status == ReportStatus::Received;
    let can_triage = v.may_triage;
    let can_split = v.may_split;
    let verifications = v
        .verifications
        .iter()
        .map(|x| {
            (
                when(&x.verified_at),
                VerificationMethod::parse(&x.method)
                    .map(|m| m.label_key())
                    .unwrap_or("verify.method.other"),
                x.note.clone(),
                x.verifier.clone(),
            )
        })
        .collect();
    let d = Detail {
        lines: lines(&c, &v),
        status_key,
        channel_key: v.report.channel.label_key().to_string(),
        received: when(&v.report.received_at),
        detected: when(&v.report.detected_at),
        methods: VerificationMethod::ALL
            .iter()
            .map(|m| (m.code(), m.label_key()))
            .collect(),
        can_verify: v.may_verify,
        can_triage: can_triage && received_state,
        can_split,
        errors,
        typed,
        verifications,
        c,
        v,
    };
    Ok(page(&d, status))
}

async fn detail(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
) -> PageResult {
    render_detail(
        &st,
        &ctx,
        &actor,
        &code,
        FormErrors::default(),
        Typed::default(),
        StatusCode::OK,
    )
    .await
}

/// After a desk action: back to the report, or the report again with the errors named.
async fn after<T>(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
    typed: Typed,
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
) -> PageResult {
    match result {
        Ok(v) => Ok(Redirect::to(&to(v)).into_response()),
        Err(AppError::Invalid(i)) => {
            render_detail(
                st,
                ctx,
                actor,
                code,
                FormErrors::new(&i.0, ctx.lang),
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn verify(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Posted(t): Posted<Typed>,
) -> PageResult {
    let input = VerifyInput {
        method: t.method.clone(),
        note: t.note.clone(),
    };
    let r = st.app.verify_report(&actor, &code, &input).await;
    after(&st, &ctx, &actor, &code, t, r, |_| {
        format!("/intake/{code}")
    })
    .await
}

async fn accept(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Posted(t): Posted<Typed>,
) -> PageResult {
    // An unreadable choice is sent on as an organisation that cannot exist, so the app
    // answers it as the field's error instead of it being taken as "none named".
    let org_id = match t.org_id.trim() {
        "" => None,
        s => Some(s.parse().unwrap_or(-1)),
    };
    let input = AcceptInput {
        incident: t.incident.clone(),
        org_id,
    };
    let r = st.app.accept_report(&actor, &code, &input).await;
    after(&st, &ctx, &actor, &code, t, r, |i| {
        format!("/incidents/{}", i.code)
    })
    .await
}

async fn split(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
) -> PageResult {
    let r = st.app.split_report(&actor, &code).await;
    after(&st, &ctx, &actor, &code, Typed::default(), r, |i| {
        format!("/incidents/{}", i.code)
    })
    .await
}

async fn reject(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Posted(t): Posted<Typed>,
) -> PageResult {
    let reason = t.reason.clone();
    let r = st.app.reject_report(&actor, &code, &reason).await;
    after(&st, &ctx, &actor, &code, t, r, |_| {
        format!("/intake/{code}")
    })
    .await
}

pub struct IncidentRow {
    pub code: String,
    pub title: String,
    pub opened: String,
    pub reports: i64,
    pub serious: bool,
    pub confidential: bool,
}

#[derive(Template)]
#[template(path = "triage/incidents.html")]
struct Incidents {
    c: Chrome,
    rows: Vec<IncidentRow>,
}

/// The list as a CSV file, with the list's filters and its confidentiality.
async fn export(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Query(q): Query<ungcuu_app::intake::reports::ReportQuery>,
) -> PageResult {
    let bytes = st.app.export_reports(&actor, &q).await?;
    Ok(csv_download(bytes))
}

pub(crate) fn csv_download(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"bao-cao-su-co.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: i64,
}

async fn incidents(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let list = st.app.list_incidents(&actor, q.page).await?;
    let rows = list
        .into_iter()
        .map(|i| IncidentRow {
            opened: when(&i.opened_at),
            code: i.code,
            title: i.title,
            reports: i.reports,
            serious: i.serious,
            confidential: i.confidential,
        })
        .collect();
    Ok(page(
        &Incidents {
            c: Chrome::new(&ctx, "incidents"),
            rows,
        },
        StatusCode::OK,
    ))
}

#[derive(Template)]
#[template(path = "triage/incident.html")]
struct IncidentPage {
    c: Chrome,
    v: IncidentView,
    opened: String,
    rows: Vec<ReportRow>,
}

async fn incident(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
) -> PageResult {
    let v = st.app.incident_view(&actor, &code).await?;
    let c = Chrome::new(&ctx, "incidents");
    let rows = v
        .reports
        .iter()
        .cloned()
        .map(|r| report_row(&c, r, st.app.cfg.report_days))
        .collect();
    Ok(page(
        &IncidentPage {
            opened: when(&v.incident.opened_at),
            c,
            v,
            rows,
        },
        StatusCode::OK,
    ))
}

pub struct NoticeRow {
    pub id: i64,
    pub text: &'static str,
    pub code: String,
    pub org: String,
    pub at: String,
    pub unread: bool,
    pub serious: bool,
    pub confidential: bool,
}

#[derive(Template)]
#[template(path = "triage/notices.html")]
struct Notices {
    c: Chrome,
    rows: Vec<NoticeRow>,
}

async fn notices(State(st): State<AppState>, Signed(ctx, actor): Signed) -> PageResult {
    let list = st.app.notifications(&actor).await?;
    let c = Chrome::new(&ctx, "dashboard");
    let rows = list
        .into_iter()
        .map(|n| {
            let p: serde_json::Value = serde_json::from_str(&n.params).unwrap_or_default();
            let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
            let confidential = p["confidential"].as_bool().unwrap_or(false);
            NoticeRow {
                id: n.id,
                text: ungcuu_domain::i18n::lookup(ctx.lang, &format!("notice.{}", n.kind))
                    .unwrap_or("—"),
                code: s("tracking_code"),
                // The organisation of a confidential report is not repeated in lists.
                org: if confidential {
                    String::new()
                } else {
                    s("org")
                },
                at: when(&n.created_at),
                unread: n.read_at.is_none(),
                serious: p["serious"].as_bool().unwrap_or(false),
                confidential,
            }
        })
        .collect();
    Ok(page(&Notices { c, rows }, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReadForm {
    id: Option<i64>,
}

async fn read_notices(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Posted(f): Posted<ReadForm>,
) -> PageResult {
    crate::pages::done(
        st.app.mark_notifications_read(&actor, f.id).await,
        "/notices",
    )
}

#[derive(Template)]
#[template(path = "triage/track.html")]
struct Track {
    c: Chrome,
    code: String,
    found: Option<TrackStatus>,
    status_key: &'static str,
    received: String,
    asked: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TrackQuery {
    code: String,
}

/// Public: anyone with a tracking code learns where the report stands, nothing more. Limited
/// like the public form, so codes cannot be guessed by brute force.
async fn track(State(st): State<AppState>, ctx: Ctx, Query(q): Query<TrackQuery>) -> PageResult {
    let asked = !q.code.trim().is_empty();
    if asked && let Err(secs) = st.limits.signin.check(&format!("track:{}", ctx.ip)) {
        return Err(PageError::RateLimited(secs));
    }
    let found = if asked {
        st.app.track(&q.code).await.ok()
    } else {
        None
    };
    let status_key = found
        .as_ref()
        .map(|f| f.status)
        .unwrap_or(ReportStatus::Received)
        .label_key();
    let received = found
        .as_ref()
        .map(|f| when(&f.received_at))
        .unwrap_or_default();
    let status = if asked && found.is_none() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok(page(
        &Track {
            c: Chrome::new(&ctx, "intake"),
            code: q.code.trim().to_string(),
            found,
            status_key,
            received,
            asked,
        },
        status,
    ))
}
