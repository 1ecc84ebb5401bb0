//! Tệp đính kèm of a report: the list with an upload form, and downloads. A malware sample is
//! never served for the browser to show: a warning page comes first, then the file is sent
//! as a download (raw, or in a zip with the password `infected`).
//!
//! The upload is `multipart/form-data` with its CSRF token in the action URL (`?_csrf=`, see
//! [`crate::context::csrf`]). The global body limit does not apply to it: each file is
//! measured against the configured attachment limit while it streams to the file store.

use crate::AppState;
use crate::context::Signed;
use crate::error::PageResult;
use crate::render::{Chrome, FormErrors, page, when};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use ungcuu_app::intake::attachments::{
    AttachmentKind, AttachmentView, Download, MAX_FILES_PER_UPLOAD, Staged, UploadError, human_size,
};
use ungcuu_app::{Actor, App, AppError};
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Invalid, Lang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/{code}/attachments",
            get(list).post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/reports/{code}/attachments/{id}", get(download))
}

/// A row of the list, ready to show.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub malware: bool,
    pub size: String,
    pub sha256: String,
    pub uploaded_by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "attachments/list.html")]
struct ListPage {
    c: Chrome,
    code: String,
    confidential: bool,
    rows: Vec<Row>,
    can_attach: bool,
    kinds: Vec<(&'static str, &'static str, bool)>,
    limit: String,
    errors: FormErrors,
}

impl ListPage {
    /// The upload's target, carrying the CSRF token (a multipart form cannot send it in a
    /// header, and the middleware does not read a file's body).
    fn upload_action(&self) -> String {
        format!(
            "/reports/{}/attachments?{}",
            self.code,
            serde_urlencoded::to_string([("_csrf", self.c.csrf.as_str())]).unwrap_or_default()
        )
    }
}

#[derive(Template)]
#[template(path = "attachments/warning.html")]
struct WarningPage {
    c: Chrome,
    code: String,
    a: Row,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    ok: Option<String>,
}

pub fn row(a: &AttachmentView, lang: Lang) -> Row {
    Row {
        id: a.id,
        name: a.file_name.clone(),
        kind: ungcuu_domain::i18n::t(lang, a.kind.label_key()),
        malware: a.kind == AttachmentKind::Malware,
        size: human_size(a.size_bytes.max(0) as u64),
        sha256: a.sha256.clone(),
        uploaded_by: a.uploaded_by.clone(),
        at: when(&a.created_at),
    }
}

async fn render_list(
    app: &App,
    ctx: &crate::Ctx,
    actor: &Actor,
    code: &str,
    notice: Option<&str>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let (report, list) = app.list_attachments(actor, code).await?;
    let c = Chrome::new(ctx, "intake").with_notice(notice);
    let kinds = AttachmentKind::ALL
        .into_iter()
        .map(|k| (k.code(), c.t(k.label_key()), k == AttachmentKind::Log))
        .collect();
    Ok(page(
        &ListPage {
            rows: list.iter().map(|a| row(a, ctx.lang)).collect(),
            can_attach: app.may_attach(actor, code).await,
            code: report.tracking_code,
            confidential: report.confidential,
            kinds,
            limit: c
                .t("attachments.limit")
                .replace("{max}", &human_size(app.cfg.attachment_max_bytes)),
            errors,
            c,
        },
        status,
    ))
}

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    render_list(
        &st.app,
        &ctx,
        &actor,
        &code,
        q.ok.as_deref(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Reads a small text field (the kind, the token) without letting it grow past 1 KiB: the
/// request has no overall body limit, so no field may be read whole unchecked.
pub async fn small_text(
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<String, UploadError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| UploadError::Broken(Box::new(e)))?
    {
        buf.extend_from_slice(&chunk);
        if buf.len() > 1024 {
            return Err(Invalid::one("kind", Reason::TooLong { max: 1024 }).into());
        }
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Every file of a multipart upload, staged in the file store, and the kind named.
pub async fn read_upload(
    app: &App,
    actor: &Actor,
    code: &str,
    mut form: Multipart,
    max_files: usize,
) -> Result<(Vec<Staged>, String), UploadError> {
    let mut staged = Vec::new();
    let mut kind = String::new();
    let broken = |e: axum::extract::multipart::MultipartError| UploadError::Broken(Box::new(e));
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name().unwrap_or("") {
            "kind" => kind = small_text(field).await?,
            "file" => {
                // A part without a file name (a form sent with no file chosen) is refused by
                // the app with the field named, before any byte is stored.
                let name = field.file_name().unwrap_or("").to_string();
                if staged.len() >= max_files {
                    return Err(Invalid::one("file", Reason::TooLong { max: max_files }).into());
                }
                let content_type = field.content_type().map(str::to_string);
                staged.push(
                    app.stage_attachment(actor, code, &name, content_type.as_deref(), field)
                        .await?,
                );
            }
            // The token rides in the URL; anything else is ignored, but read bounded.
            _ => {
                small_text(field).await.ok();
            }
        }
    }
    Ok((staged, kind))
}

async fn upload(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    form: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let result = match read_upload(&st.app, &actor, &code, form, MAX_FILES_PER_UPLOAD).await {
        Ok((staged, kind)) => st
            .app
            .commit_attachments(&actor, &code, &kind, staged)
            .await
            .map_err(UploadError::from)
            .map(|_| kind),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reports/{}/attachments?ok=attachments.created",
            code.trim()
        ))
        .into_response()),
        Err(UploadError::App(AppError::Invalid(i))) => {
            render_list(
                &st.app,
                &ctx,
                &actor,
                &code,
                None,
                FormErrors::new(&i.0, lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(UploadError::App(e)) => Err(e.into()),
        Err(UploadError::TooLarge { max }) => {
            let mut res = render_list(
                &st.app,
                &ctx,
                &actor,
                &code,
                None,
                FormErrors {
                    list: vec![("file".into(), UploadError::too_large_message(lang, max))],
                },
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await?;
            // The rest of the body is not read: the browser is told to stop sending it.
            res.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Ok(res)
        }
        Err(UploadError::Broken(e)) => {
            tracing::info!(error = %e, "upload broke off");
            render_list(
                &st.app,
                &ctx,
                &actor,
                &code,
                None,
                FormErrors {
                    list: vec![(
                        "file".into(),
                        ungcuu_domain::i18n::t(lang, "attachments.broken").to_string(),
                    )],
                },
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DownloadQuery {
    /// `zip`: in a zip with the password `infected`; `raw`: the file as received.
    #[serde(rename = "as")]
    pub as_: Option<String>,
}

async fn download(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path((code, id)): Path<(String, i64)>,
    Query(q): Query<DownloadQuery>,
) -> PageResult {
    let lang = ctx.lang;
    let opened = match q.as_.as_deref() {
        Some("zip") => st.app.open_attachment_zipped(&actor, &code, id).await,
        Some("raw") => st.app.open_attachment(&actor, &code, id).await,
        None => {
            // A malware sample gets the warning first; anything else downloads at once.
            match st.app.attachment(&actor, &code, id).await {
                Ok((report, a)) if a.kind == AttachmentKind::Malware => {
                    return Ok(page(
                        &WarningPage {
                            c: Chrome::new(&ctx, "intake"),
                            code: report.tracking_code,
                            a: row(&a, lang),
                        },
                        StatusCode::OK,
                    ));
                }
                Ok(_) => st.app.open_attachment(&actor, &code, id).await,
                Err(e) => Err(e),
            }
        }
        Some(_) => Err(AppError::NotFound),
    };
    Ok(download_response(opened?, q.as_.as_deref() == Some("zip")))
}

/// A file sent to be saved, never shown: `attachment` with the name in UTF-8 (RFC 6266) and
/// an ASCII fallback, `nosniff`, its exact length, and no caching. A malware sample, and
/// anything whose recorded type a browser might render, goes as opaque bytes.
pub fn download_response(d: Download, zipped: bool) -> Response {
    let content_type = if zipped {
        "application/zip".to_string()
    } else if d.attachment.kind == AttachmentKind::Malware {
        "application/octet-stream".to_string()
    } else {
        safe_type(&d.attachment.content_type)
    };
    let mut res = Response::new(Body::from_stream(d.bytes));
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&d.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(d.length));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&d.attachment.sha256) {
        h.insert("x-content-sha256", v);
    }
    res
}

/// Types a browser would run or render (HTML, SVG, XML, scripts) are served as bytes; others
/// keep their recorded type, which the `attachment` disposition keeps from being shown.
fn safe_type(recorded: &str) -> String {
    let t = recorded.to_ascii_lowercase();
    let risky = t.contains("html")
        || t.contains("xml")
        || t.contains("svg")
        || t.contains("javascript")
        || t.contains("ecmascript")
        || t.starts_with("multipart/");
    if risky || t.is_empty() {
        "application/octet-stream".into()
    } else {
        t
    }
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_file_name_is_sent_in_utf8_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("nhật ký \"x\".log"),
            "attachment; filename=\"nh_t k_ _x_.log\"; filename*=UTF-8''nh%E1%BA%ADt%20k%C3%BD%20%22x%22.log"
        );
    }

    #[test]
    fn types_a_browser_would_render_are_sent_as_bytes() {
        assert_eq!(safe_type("text/html"), "application/octet-stream");
        assert_eq!(safe_type("image/svg+xml"), "application/octet-stream");
        assert_eq!(safe_type("application/pdf"), "application/pdf");
        assert_eq!(safe_type("text/plain"), "text/plain");
    }
}
