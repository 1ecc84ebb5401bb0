//! Intake API (API.md): file an initial report, read it back by its tracking code.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ungcuu_app::reports::{Channel, Receipt, ReportForm, ReportInput};
use ungcuu_store::reports::Report;
use utoipa::ToSchema;

/// `201` only once the report is committed: the tracking code is a promise.
#[utoipa::path(post, path = "/api/v1/reports", tag = "intake", request_body = ReportInput,
    responses((status = 201, body = Receipt), (status = 422, body = ValidationErrors), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn file(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<ReportInput>,
) -> Result<Response, ApiError> {
    st.app
        .file_report(&c.actor, Channel::Api, &input)
        .await
        .map(|r| (StatusCode::CREATED, Json(r)).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}

/// A report as its filer sees it, with where its handling stands.
#[derive(Serialize, ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    pub form: ReportForm,
    /// Where the incident stands: `received` until the standing desk verifies and opens it.
    pub phase: &'static str,
}

#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}", tag = "intake", params(("tracking_code" = String, Path)),
    responses((status = 200, body = ReportView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let (report, form) = st
        .app
        .report_by_code(&c.actor, &code)
        .await
        .map_err(|e| ApiError::from_app(e, c.lang))?;
    Ok(Json(ReportView {
        report,
        form,
        phase: "received",
    })
    .into_response())
}
