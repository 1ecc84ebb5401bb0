//! Attachments API (API.md): add a file to a report (multipart, answered with its SHA-256),
//! list a report's files, download one. Who may see them is who may read the report.

use super::Caller;
use super::handlers::{ErrorBody, ValidationErrors};
use crate::AppState;
use crate::error::{ApiError, ApiResult, Text};
use crate::pages::intake::attachments::{DownloadQuery, download_response, read_upload};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use ungcuu_app::intake::attachments::{AttachmentView, UploadError};

/// The multipart form of an upload, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file (one per request).
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
    /// log | malware | document | other (default other)
    kind: Option<String>,
}

fn upload_error(e: UploadError) -> ApiError {
    match e {
        UploadError::App(e) => e.into(),
        UploadError::TooLarge { max } => ApiError::fields(
            StatusCode::PAYLOAD_TOO_LARGE,
            vec![(
                "file".into(),
                Text::composed(move |lang| UploadError::too_large_message(lang, max)),
            )],
        ),
        UploadError::Broken(e) => {
            tracing::info!(error = %e, "upload broke off");
            ApiError::new(StatusCode::BAD_REQUEST, "attachments.broken")
        }
    }
}

/// `201` once the file is stored and recorded, with its SHA-256 as computed on receipt.
#[utoipa::path(post, path = "/api/v1/reports/{tracking_code}/attachments", tag = "intake",
    params(("tracking_code" = String, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentView), (status = 422, body = ValidationErrors),
        (status = 413, body = ValidationErrors, description = "Past the attachment limit; nothing is kept"),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn upload(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    form: Multipart,
) -> ApiResult {
    let (staged, kind) = read_upload(&st.app, &c.actor, &code, form, 1)
        .await
        .map_err(upload_error)?;
    let mut made = st
        .app
        .commit_attachments(&c.actor, &code, &kind, staged)
        .await?;
    let a = made.remove(0);
    let mut res = (StatusCode::CREATED, Json(&a)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "/api/v1/reports/{}/attachments/{}",
        code.trim(),
        a.id
    )) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}/attachments", tag = "intake",
    params(("tracking_code" = String, Path)),
    responses((status = 200, body = Vec<AttachmentView>), (status = 404, body = ErrorBody)))]
pub async fn list(State(st): State<AppState>, c: Caller, Path(code): Path<String>) -> ApiResult {
    let (_, list) = st.app.list_attachments(&c.actor, &code).await?;
    Ok(Json(list).into_response())
}

/// The file as an attachment (`application/octet-stream` for a malware sample); `?as=zip`
/// wraps it in a zip with the password `infected`.
#[utoipa::path(get, path = "/api/v1/reports/{tracking_code}/attachments/{id}", tag = "intake",
    params(("tracking_code" = String, Path), ("id" = i64, Path),
        ("as" = Option<String>, Query, description = "zip: in a zip with the password `infected`")),
    responses((status = 200, description = "The file, as an attachment", content((String = "application/octet-stream"), (String = "application/zip"))),
        (status = 404, body = ErrorBody)))]
pub async fn download(
    State(st): State<AppState>,
    c: Caller,
    Path((code, id)): Path<(String, i64)>,
    Query(q): Query<DownloadQuery>,
) -> ApiResult {
    let zipped = match q.as_.as_deref() {
        None | Some("raw") => false,
        Some("zip") => true,
        Some(_) => {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "err.not_found"));
        }
    };
    let d = if zipped {
        st.app.open_attachment_zipped(&c.actor, &code, id).await
    } else {
        st.app.open_attachment(&c.actor, &code, id).await
    }?;
    Ok(download_response(d, zipped))
}
