//! Documents API: Phụ lục I and II of a report as PDF or DOCX, the final report, drafting,
//! issuing, signed copies.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::pages::documents::file_response;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use ungcuu_app::documents::{
    DocumentView, DraftInput, FinalReportForm, FinalReportInput, Format, RenderedFile,
};
use ungcuu_domain::documents::DocKind;
use ungcuu_store::documents::{DocumentRow, FinalReportRow, SignedCopy};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/{tracking_code}/forms/{kind}/{format}",
            get(form_file),
        )
        .route("/reports/{tracking_code}/document", get(initial_document))
        .route(
            "/reports/{tracking_code}/final-report",
            get(final_report).post(save_final_report),
        )
        .route("/reports/{tracking_code}/documents", get(list).post(draft))
        .route("/documents/{id}", get(document))
        .route("/documents/{id}/issue", post(issue))
        .route("/documents/{id}/file/{format}", get(file))
        .route(
            "/documents/{id}/signed-copies",
            post(attach).layer(DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route("/documents/{id}/signed-copies/{copy_id}", get(copy_file))
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "err.not_found")
}

/// Phụ lục I (`initial_report`) or II (`final_report`) of a report as it stands, unnumbered.
#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}/forms/{kind}/{format}", tag = "documents",
    params(("tracking_code" = String, Path), ("kind" = String, Path, description = "initial_report | final_report"), ("format" = String, Path, description = "pdf | docx")),
    responses((status = 200, description = "the file", content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn form_file(
    State(st): State<AppState>,
    c: Caller,
    Path((code, kind, format)): Path<(String, String, String)>,
) -> ApiResult {
    let (Some(kind), Some(format)) = (DocKind::parse(&kind), Format::parse(&format)) else {
        return Err(not_found());
    };
    let f = st
        .app
        .report_form_file(&c.actor, &code, kind, format)
        .await?;
    Ok(file_response(f, None))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct DocumentQuery {
    /// pdf (default) | docx
    pub format: Option<String>,
}

/// The report as the official Phụ lục I document (API.md's path).
#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}/document", tag = "documents",
    params(("tracking_code" = String, Path), DocumentQuery),
    responses((status = 200, description = "the file", content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn initial_document(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DocumentQuery>,
) -> ApiResult {
    let Some(format) = Format::parse(q.format.as_deref().unwrap_or("pdf")) else {
        return Err(not_found());
    };
    let kind = DocKind::InitialReport;
    let f = st
        .app
        .report_form_file(&c.actor, &code, kind, format)
        .await?;
    Ok(file_response(f, None))
}

#[derive(Serialize, ToSchema)]
pub struct FinalReportView {
    /// Empty until filed.
    pub row: Option<FinalReportRow>,
    pub form: Option<FinalReportForm>,
    /// The values to start from: the filed ones, or the initial report's.
    pub prefill: FinalReportInput,
}

#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}/final-report", tag = "documents", params(("tracking_code" = String, Path)),
    responses((status = 200, body = FinalReportView), (status = 404, body = ErrorBody)))]
pub async fn final_report(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult {
    let (_, form, fin) = st.app.final_report(&c.actor, &code).await?;
    let prefill = FinalReportInput::from_initial(&form);
    let (row, form) = match fin {
        Some((r, f)) => (Some(r), Some(f)),
        None => (None, None),
    };
    Ok(Json(FinalReportView { row, form, prefill }).into_response())
}

/// Files the final report (Phụ lục II) closing a report; refused once issued as a document.
#[utoipa::path(post, path = "/api/v1/reports/{tracking_code}/final-report", tag = "documents", params(("tracking_code" = String, Path)),
    request_body = FinalReportInput,
    responses((status = 200, body = FinalReportRow), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody)))]
pub async fn save_final_report(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<FinalReportInput>,
) -> ApiResult {
    let r = st.app.save_final_report(&c.actor, &code, &input).await?;
    Ok(Json(r).into_response())
}

#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}/documents", tag = "documents", params(("tracking_code" = String, Path)),
    responses((status = 200, body = Vec<DocumentRow>), (status = 404, body = ErrorBody)))]
pub async fn list(State(st): State<AppState>, c: Caller, Path(code): Path<String>) -> ApiResult {
    let r = st.app.documents_for_report(&c.actor, &code).await?;
    Ok(Json(r).into_response())
}

#[utoipa::path(post, path = "/api/v1/reports/{tracking_code}/documents", tag = "documents", params(("tracking_code" = String, Path)),
    request_body = DraftInput,
    responses((status = 201, body = DocumentRow), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody)))]
pub async fn draft(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<DraftInput>,
) -> ApiResult {
    let r = st.app.draft_document(&c.actor, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = DocumentView), (status = 404, body = ErrorBody)))]
pub async fn document(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    let r = st.app.document(&c.actor, id).await?;
    Ok(Json(r).into_response())
}

/// Signs and issues a draft: 403 unless the roster and the lead's delegations give the caller
/// the signing authority (002 Đ6.5).
#[utoipa::path(post, path = "/api/v1/documents/{id}/issue", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = DocumentView), (status = 403, body = ErrorBody), (status = 422, body = ValidationErrors)))]
pub async fn issue(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    st.app.issue_document(&c.actor, id).await?;
    let r = st.app.document(&c.actor, id).await?;
    Ok(Json(r).into_response())
}

/// The document as PDF (once issued: the stored bytes, with their SHA-256 in
/// `X-Content-SHA256`) or DOCX.
#[utoipa::path(get, path = "/api/v1/documents/{id}/file/{format}", tag = "documents",
    params(("id" = i64, Path), ("format" = String, Path, description = "pdf | docx")),
    responses((status = 200, description = "the file", content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn file(
    State(st): State<AppState>,
    c: Caller,
    Path((id, format)): Path<(i64, String)>,
) -> ApiResult {
    let format = Format::parse(&format).ok_or_else(not_found)?;
    let v = st.app.document(&c.actor, id).await?;
    let f = st.app.document_file(&c.actor, id, format).await?;
    let sha = match format {
        Format::Pdf => v.document.pdf_sha256,
        Format::Docx => None,
    };
    Ok(file_response(f, sha.as_deref()))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct CopyQuery {
    /// The file's name.
    pub name: String,
}

/// Attaches a scanned or digitally signed copy: the body is the file, `?name=` its name.
#[utoipa::path(post, path = "/api/v1/documents/{id}/signed-copies", tag = "documents",
    params(("id" = i64, Path), CopyQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = SignedCopy), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody)))]
pub async fn attach(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CopyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let r = st
        .app
        .attach_signed_copy(&c.actor, id, &q.name, ct, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[utoipa::path(get, path = "/api/v1/documents/{id}/signed-copies/{copy_id}", tag = "documents",
    params(("id" = i64, Path), ("copy_id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn copy_file(
    State(st): State<AppState>,
    c: Caller,
    Path((id, copy_id)): Path<(i64, i64)>,
) -> ApiResult {
    let (meta, bytes) = st.app.signed_copy_file(&c.actor, id, copy_id).await?;
    Ok(file_response(
        RenderedFile {
            file_name: meta.file_name,
            content_type: "application/octet-stream",
            bytes,
        },
        Some(&meta.sha256),
    ))
}
