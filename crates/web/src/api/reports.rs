//! Intake API (API.md): file an initial report, read it back by its tracking code.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use ungcuu_app::intake::reports::{Receipt, ReportForm, ReportInput};
use ungcuu_domain::intake::Channel;
use ungcuu_store::intake::reports::{Report, Verification};
use utoipa::ToSchema;

/// `201` only once the report is committed: the tracking code is a promise.
#[utoipa::path(post, path = "/api/v1/reports", tag = "intake", request_body = ReportInput,
    responses((status = 201, body = Receipt), (status = 422, body = ValidationErrors), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn file(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<ReportInput>,
) -> ApiResult {
    let r = st.app.file_report(&c.actor, Channel::Api, &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// A report as its filer sees it, with where its handling stands.
#[derive(Serialize, ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    pub form: ReportForm,
    /// Where the incident stands: the report's status (`received`, `not_incident`) until it
    /// joins an incident, then the incident's state.
    pub phase: String,
    /// The incident it joined, if any.
    pub incident_code: Option<String>,
    /// How the sender was verified, and by whom.
    pub verifications: Vec<Verification>,
    /// Days past the reporting deadline (TT20 Đ9), if late.
    pub late_by_days: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}", tag = "intake", params(("tracking_code" = String, Path)),
    responses((status = 200, body = ReportView), (status = 404, body = ErrorBody)))]
pub async fn get(State(st): State<AppState>, c: Caller, Path(code): Path<String>) -> ApiResult {
    let v = st.app.report_view(&c.actor, &code).await?;
    Ok(Json(ReportView {
        phase: v
            .incident
            .as_ref()
            .map(|i| i.state.clone())
            .unwrap_or_else(|| v.report.status.code().to_string()),
        incident_code: v.incident.map(|i| i.code),
        report: v.report,
        form: v.form,
        verifications: v.verifications,
        late_by_days: v.late_by_days,
    })
    .into_response())
}
