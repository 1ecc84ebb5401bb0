//! Bulk import and export of the registry over the API: the file is the request body (CSV or
//! XLSX, at most 20 MB), the answer the import's report; an export is the file itself.

use super::Caller;
use super::handlers::ErrorBody;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::pages::registry::import::{download, export_name};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use ungcuu_app::registry::import::{Format, ImportReport, Kind, Quiet};

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ImportQuery {
    /// Check every row and write nothing.
    pub dry_run: bool,
    /// `csv` or `xlsx`; by default taken from the Content-Type, else from the bytes.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

fn kind_of(raw: &str) -> ApiResult<Kind> {
    raw.parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "err.not_found"))
}

fn format_of(raw: Option<&str>) -> ApiResult<Option<Format>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(f) => Format::from_file_name(f)
            .map(Some)
            .ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "import.err.format")),
    }
}

/// Imports organisations, information systems or the roster from a file laid out like the
/// template (`GET /registry/templates/{kind}.csv|xlsx` in the UI). The body is the file;
/// `Content-Type: text/csv` or the XLSX type, or `?format=`. Headers are the template's
/// Vietnamese column titles or the English machine names.
///
/// Answers **200** with the report when every row is good (on a dry run nothing is written;
/// otherwise every row was written in one transaction), and **422 with the same report** when
/// any row is bad: `errors` then lists every bad row (`line` as a spreadsheet counts it, the
/// header being line 1; `column` as titled in the file; `field` = `line 7: Tên miền`, the shape
/// of the API's other validation errors) and nothing was written. A problem with the whole
/// file (unreadable, not UTF-8, over 100,000 rows) is an error on line 0. 413 past 20 MB;
/// 403 unless the caller is the standing desk or an administrator.
#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = "registry",
    params(("kind" = Kind, Path, description = "orgs | systems | roster"), ImportQuery),
    request_body(description = "The CSV (UTF-8) or XLSX file", content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses(
        (status = 200, body = ImportReport, description = "Every row good; written unless a dry run"),
        (status = 422, body = ImportReport, description = "Some rows bad, every one listed; nothing written"),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
    ))]
pub async fn import(
    State(st): State<AppState>,
    c: Caller,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    req: Request,
) -> ApiResult {
    let kind = kind_of(&kind)?;
    let given = format_of(q.format.as_deref())?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = Bytes::from_request(req, &st).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "import.err.too_large")
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "import.err.unreadable")
        }
    })?;
    let format = given
        .or_else(|| content_type.as_deref().and_then(Format::from_content_type))
        .unwrap_or_else(|| Format::sniff(&bytes));
    let report = st
        .app
        .import(
            &c.actor,
            kind,
            format,
            bytes.to_vec(),
            q.dry_run,
            c.lang,
            &Quiet,
        )
        .await?;
    let status = if report.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// Every row of the list the caller may see, in the template's columns (so the file imports
/// again): active organisations, information systems in service, or the roster in force.
#[utoipa::path(get, path = "/api/v1/export/{kind}", tag = "registry",
    params(("kind" = Kind, Path, description = "orgs | systems | roster"), ExportQuery),
    responses(
        (status = 200, description = "The file (CSV with a byte-order mark, or XLSX), as an attachment", content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = ErrorBody),
    ))]
pub async fn export(
    State(st): State<AppState>,
    c: Caller,
    Path(kind): Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult {
    let kind = kind_of(&kind)?;
    let format = format_of(q.format.as_deref())?.unwrap_or(Format::Csv);
    let out = st.app.export(&c.actor, kind, format).await?;
    Ok(download(out.bytes, format, &export_name(kind)))
}
