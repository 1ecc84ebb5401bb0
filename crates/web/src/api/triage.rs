//! The desk's work on reports through the API: the report list with search, verification,
//! triage (open, merge, split, not an incident) and the incidents. Same rules as the pages:
//! the app layer decides who may.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use ungcuu_app::intake::reports::ReportQuery;
use ungcuu_app::intake::triage::{AcceptInput, VerifyInput};
use ungcuu_store::intake::reports::{Report, Verification};
use ungcuu_store::response::incidents::Incident;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ListParams {
    /// Search text; diacritics optional ("ma doc" finds "mã độc").
    pub query: String,
    /// received | accepted | not_incident
    pub status: Option<String>,
    pub unverified_only: bool,
    /// From 1; 50 a page.
    pub page: i64,
}

impl ListParams {
    fn into_query(self) -> ReportQuery {
        ReportQuery {
            query: self.query,
            status: self.status,
            unverified_only: self.unverified_only,
            page: self.page,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "intake", params(ListParams),
    responses((status = 200, body = [Report]), (status = 401, body = ErrorBody)))]
pub async fn list(State(st): State<AppState>, c: Caller, Query(p): Query<ListParams>) -> ApiResult {
    let l = st.app.list_reports(&c.actor, &p.into_query()).await?;
    Ok(Json(l).into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/export", tag = "intake", params(ListParams),
    responses((status = 200, description = "CSV, UTF-8 with BOM", content_type = "text/csv"), (status = 401, body = ErrorBody)))]
pub async fn export(
    State(st): State<AppState>,
    c: Caller,
    Query(p): Query<ListParams>,
) -> ApiResult {
    Ok(crate::pages::csv_download(
        st.app.export_reports(&c.actor, &p.into_query()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/reports/{tracking_code}/verification", tag = "intake",
    params(("tracking_code" = String, Path)), request_body = VerifyInput,
    responses((status = 201, body = Verification), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn verify(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<VerifyInput>,
) -> ApiResult {
    let v = st.app.verify_report(&c.actor, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// What to do with a report.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TriageInput {
    /// open (a new incident) | merge (into `incident`) | split | not_incident (with `reason`)
    pub action: String,
    pub incident: String,
    pub reason: String,
    /// open | merge, for a report filed without a registered organisation (public form, mail
    /// from an unknown sender): the organisation the incident concerns. Left out, the
    /// incident keeps the reporter's own name.
    pub org_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TriageOutcome {
    pub report: Report,
    pub incident: Option<Incident>,
}

#[utoipa::path(post, path = "/api/v1/reports/{tracking_code}/triage", tag = "intake",
    params(("tracking_code" = String, Path)), request_body = TriageInput,
    responses((status = 200, body = TriageOutcome), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn triage(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<TriageInput>,
) -> ApiResult {
    let app = &st.app;
    let incident = match input.action.as_str() {
        "open" => {
            let accept = AcceptInput {
                org_id: input.org_id,
                ..AcceptInput::open()
            };
            Some(app.accept_report(&c.actor, &code, &accept).await)
        }
        "merge" if input.incident.trim().is_empty() => Some(Err(invalid("incident"))),
        "merge" => {
            let accept = AcceptInput {
                org_id: input.org_id,
                ..AcceptInput::merge(&input.incident)
            };
            Some(app.accept_report(&c.actor, &code, &accept).await)
        }
        "split" => Some(app.split_report(&c.actor, &code).await),
        "not_incident" => {
            if let Err(e) = app.reject_report(&c.actor, &code, &input.reason).await {
                return Err(e.into());
            }
            None
        }
        _ => Some(Err(ungcuu_app::AppError::Invalid(
            ungcuu_domain::Invalid::one("action", ungcuu_domain::validate::Reason::Unknown),
        ))),
    };
    let incident = incident.transpose()?;
    let report = app.visible_report(&c.actor, &code).await?;
    Ok(Json(TriageOutcome { report, incident }).into_response())
}

fn invalid(field: &str) -> ungcuu_app::AppError {
    ungcuu_app::AppError::Invalid(ungcuu_domain::Invalid::one(
        field,
        ungcuu_domain::validate::Reason::Required,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct PageParams {
    pub page: i64,
}

#[utoipa::path(get, path = "/api/v1/incidents", tag = "intake", params(PageParams),
    responses((status = 200, body = [Incident]), (status = 401, body = ErrorBody)))]
pub async fn incidents(
    State(st): State<AppState>,
    c: Caller,
    Query(p): Query<PageParams>,
) -> ApiResult {
    let l = st.app.list_incidents(&c.actor, p.page).await?;
    Ok(Json(l).into_response())
}

/// An incident with the reports the caller may open (and how many others it holds).
#[derive(Serialize, ToSchema)]
pub struct IncidentBody {
    #[serde(flatten)]
    pub incident: Incident,
    pub report_list: Vec<Report>,
    pub hidden_reports: usize,
}

#[utoipa::path(get, path = "/api/v1/incidents/{code}", tag = "intake", params(("code" = String, Path)),
    responses((status = 200, body = IncidentBody), (status = 404, body = ErrorBody)))]
pub async fn incident(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult {
    let v = st.app.incident_view(&c.actor, &code).await?;
    Ok(Json(IncidentBody {
        incident: v.incident,
        report_list: v.reports,
        hidden_reports: v.hidden,
    })
    .into_response())
}
