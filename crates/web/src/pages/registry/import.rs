//! Nhập, xuất dữ liệu danh mục: the import page (templates to download, a file to upload, a
//! dry run), its report, and the downloads of templates and exports.
//!
//! The upload is `multipart/form-data`, whose CSRF token rides in the form's action URL
//! (`?_csrf=`, see [`crate::context::csrf`]); its body may be as large as an import file.

use crate::AppState;
use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::render::{Chrome, page};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use ungcuu_app::registry::import::{self, Format, ImportReport, Kind, Quiet};
use ungcuu_app::{AppError, Rights};
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Invalid, Lang};

/// An upload: the file and the form's few fields around it.
pub const UPLOAD_LIMIT: usize = import::MAX_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/registry/import",
            get(show)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/registry/templates/{file}", get(template))
        .route("/registry/export/{file}", get(export))
}

/// `systems.csv` → (systems, CSV).
pub fn parse_file_name(file: &str) -> Option<(Kind, Format)> {
    let (kind, ext) = file.rsplit_once('.')?;
    Some((kind.parse().ok()?, Format::from_file_name(ext)?))
}

/// A file to download: its type, and `attachment` so the browser saves it.
pub fn download(bytes: Vec<u8>, format: Format, name: &str) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{name}.{}\"",
        format.extension()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The name of an exported file: the list and the day, `he-thong-thong-tin-2026-11-21`.
pub fn export_name(kind: Kind) -> String {
    format!(
        "{}-{}",
        kind.file_stem(),
        ungcuu_app::registry::roster::today_vn().format("%Y-%m-%d")
    )
}

pub struct KindChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct ErrorRow {
    pub line: String,
    pub column: String,
    pub message: String,
}

/// The report as the page shows it.
pub struct ReportView {
    pub ok: bool,
    pub summary: String,
    pub rows: Vec<ErrorRow>,
}

impl ReportView {
    fn new(r: &ImportReport, lang: Lang) -> ReportView {
        let t = |k: &str| ungcuu_domain::i18n::t(lang, k);
        let summary = if !r.ok() {
            t("import.result.refused").replace("{n}", &r.errors.len().to_string())
        } else if r.rows_total == 0 {
            t("import.result.nothing").to_string()
        } else if r.dry_run {
            t("import.result.dry_ok").replace("{n}", &r.rows_total.to_string())
        } else {
            t("import.result.created").replace("{n}", &r.created.to_string())
        };
        ReportView {
            ok: r.ok() && r.rows_total > 0,
            summary,
            rows: r
                .errors
                .iter()
                .map(|e| ErrorRow {
                    line: if e.line == 0 {
                        t("import.whole_file").to_string()
                    } else {
                        e.line.to_string()
                    },
                    column: e.column.clone(),
                    message: e.message.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "registry/import.html")]
struct ImportPage {
    c: Chrome,
    kinds: Vec<KindChoice>,
    dry_run: bool,
    report: Option<ReportView>,
}

impl ImportPage {
    /// The upload's target, carrying the CSRF token (a multipart form cannot send it in a
    /// header, and the middleware does not read a file's body).
    fn upload_action(&self) -> String {
        format!(
            "/registry/import?{}",
            serde_urlencoded::to_string([("_csrf", self.c.csrf.as_str())]).unwrap_or_default()
        )
    }
}

fn render(
    ctx: &crate::Ctx,
    kind: Kind,
    dry_run: bool,
    report: Option<ReportView>,
    status: StatusCode,
) -> Response {
    let c = Chrome::new(ctx, "registry");
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| KindChoice {
            code: k.code(),
            label: c.t(k.label_key()),
            selected: k == kind,
        })
        .collect();
    page(
        &ImportPage {
            c,
            kinds,
            dry_run,
            report,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    kind: Option<String>,
}

async fn show(Signed(ctx, actor): Signed, Query(q): Query<ShowQuery>) -> PageResult {
    Rights::require(actor.rights().import_registry)?;
    let kind = q
        .kind
        .as_deref()
        .and_then(|k| k.parse().ok())
        .unwrap_or(Kind::Systems);
    Ok(render(&ctx, kind, false, None, StatusCode::OK))
}

/// The upload's fields.
struct Upload {
    kind: Option<Kind>,
    dry_run: bool,
    file: Option<(String, Vec<u8>)>,
}

async fn read_upload(
    mut form: Multipart,
) -> Result<Upload, axum::extract::multipart::MultipartError> {
    let mut up = Upload {
        kind: None,
        dry_run: false,
        file: None,
    };
    while let Some(field) = form.next_field().await? {
        match field.name().unwrap_or("") {
            "kind" => up.kind = field.text().await?.parse().ok(),
            "dry_run" => up.dry_run = !field.text().await?.is_empty(),
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await?.to_vec();
                up.file = Some((name, bytes));
            }
            _ => {}
        }
    }
    Ok(up)
}

async fn upload(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    form: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    Rights::require(actor.rights().import_registry)?;
    let up = match read_upload(form).await {
        Ok(u) => u,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(PageError::TooLarge);
        }
        Err(_) => {
            return Err(Invalid::one("body", Reason::InvalidChars).into());
        }
    };
    let kind = up.kind.unwrap_or(Kind::Systems);
    let (name, bytes) = up.file.unwrap_or_default();
    if bytes.is_empty() {
        let report = ReportView {
            ok: false,
            summary: format!(
                "{}: {}",
                ungcuu_domain::i18n::t(lang, "import.file"),
                ungcuu_domain::i18n::t(lang, "err.required")
            ),
            rows: vec![],
        };
        return Ok(render(
            &ctx,
            kind,
            up.dry_run,
            Some(report),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let format = Format::from_file_name(&name).unwrap_or_else(|| Format::sniff(&bytes));
    let r = st
        .app
        .import(&actor, kind, format, bytes, up.dry_run, lang, &Quiet)
        .await?;
    let status = if r.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // After a good dry run the next step is the import itself.
    let dry_run = up.dry_run && !r.ok();
    Ok(render(
        &ctx,
        kind,
        dry_run,
        Some(ReportView::new(&r, lang)),
        status,
    ))
}

async fn template(Signed(_, _actor): Signed, Path(file): Path<String>) -> PageResult {
    let Some((kind, format)) = parse_file_name(&file) else {
        return Err(PageError::NotFound);
    };
    let bytes = tokio::task::spawn_blocking(move || import::template(kind, format))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))??;
    Ok(download(
        bytes,
        format,
        &format!("mau-{}", kind.file_stem()),
    ))
}

async fn export(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path(file): Path<String>,
) -> PageResult {
    let Some((kind, format)) = parse_file_name(&file) else {
        return Err(PageError::NotFound);
    };
    let out = st.app.export(&actor, kind, format).await?;
    Ok(download(out.bytes, format, &export_name(kind)))
}
