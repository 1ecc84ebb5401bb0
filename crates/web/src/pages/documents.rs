//! Official documents of a report: Phụ lục I and II to download (PDF, DOCX), drafts, issuing
//! (numbered and signed), signed copies, and the final report form (Phụ lục II).

use crate::AppState;
use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::pages::Posted;
use crate::pages::intake::attachments::{content_disposition, small_text};
use crate::render::{Chrome, FormErrors, page, when};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::documents::{DraftInput, FinalReportInput, Format, RenderedFile};
use ungcuu_app::intake::reports::ReporterInput;
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::documents::{DocKind, DocState};
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Invalid, Lang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/{code}/documents", get(list).post(draft))
        .route("/reports/{code}/forms/{kind}/{format}", get(form_file))
        .route(
            "/reports/{code}/final-report",
            get(final_form).post(final_save),
        )
        .route("/documents/{id}", get(detail))
        .route("/documents/{id}/issue", post(issue))
        .route("/documents/{id}/file/{format}", get(file))
        .route(
            "/documents/{id}/signed-copies",
            post(attach).layer(DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route("/documents/{id}/signed-copies/{copy}", get(copy_file))
}

/// A file sent to be saved.
pub fn file_response(f: RenderedFile, sha256: Option<&str>) -> Response {
    let mut res = Response::new(Body::from(f.bytes));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(f.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&f.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Some(v) = sha256.and_then(|s| HeaderValue::from_str(s).ok()) {
        h.insert("x-content-sha256", v);
    }
    res
}

pub struct DocRow {
    pub id: i64,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub state: &'static str,
    pub issued: bool,
    pub number: String,
    pub signer: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "documents/list.html")]
struct ListPage {
    c: Chrome,
    code: String,
    rows: Vec<DocRow>,
    has_final: bool,
    can_draft: bool,
    kinds: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OkQuery {
    ok: Option<String>,
}

fn doc_row(d: &ungcuu_store::documents::DocumentRow, lang: Lang) -> DocRow {
    let t = |k: &str| ungcuu_domain::i18n::t(lang, k);
    DocRow {
        id: d.id,
        kind: t(d.kind.label_key()),
        kind_code: d.kind.code(),
        state: t(&format!("doc.state.{}", d.state.code())),
        issued: d.state == DocState::Issued,
        number: d
            .number
            .map(|n| format!("{n}/{}-{}", d.type_code, d.issuing_body))
            .unwrap_or_default(),
        signer: d.signer_name.clone().unwrap_or_default(),
        at: d.issued_at.as_ref().map(when).unwrap_or_default(),
    }
}

async fn render_list(
    st: &AppState,
    ctx: &crate::Ctx,
    actor: &Actor,
    code: &str,
    notice: Option<&str>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let (report, _, fin) = st.app.final_report(actor, code).await?;
    let docs = st.app.documents_for_report(actor, code).await?;
    let c = Chrome::new(ctx, "intake").with_notice(notice);
    let kinds = DocKind::ALL
        .into_iter()
        .map(|k| (k.code(), c.t(k.label_key())))
        .collect();
    Ok(page(
        &ListPage {
            code: report.tracking_code,
            rows: docs.iter().map(|d| doc_row(d, ctx.lang)).collect(),
            has_final: fin.is_some(),
            can_draft: actor.rights().draft_documents,
            kinds,
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
    Query(q): Query<OkQuery>,
) -> PageResult {
    render_list(
        &st,
        &ctx,
        &actor,
        &code,
        q.ok.as_deref(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DraftForm {
    kind: String,
    recipients: String,
    upper_coordination: Option<String>,
    corrects_document_id: Option<i64>,
}

async fn draft(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Posted(f): Posted<DraftForm>,
) -> PageResult {
    let input = DraftInput {
        kind: f.kind,
        recipients: f.recipients.lines().map(str::to_string).collect(),
        upper_coordination: f.upper_coordination.is_some(),
        corrects_document_id: f.corrects_document_id,
    };
    match st.app.draft_document(&actor, &code, &input).await {
        Ok(d) => {
            Ok(Redirect::to(&format!("/documents/{}?ok=doc.drafted.saved", d.id)).into_response())
        }
        Err(AppError::Invalid(i)) => {
            render_list(
                &st,
                &ctx,
                &actor,
                &code,
                None,
                FormErrors::new(&i.0, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn form_file(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path((code, kind, format)): Path<(String, String, String)>,
) -> PageResult {
    let (Some(kind), Some(format)) = (DocKind::parse(&kind), Format::parse(&format)) else {
        return Err(PageError::NotFound);
    };
    let f = st.app.report_form_file(&actor, &code, kind, format).await?;
    Ok(file_response(f, None))
}

#[derive(Template)]
#[template(path = "documents/final.html")]
struct FinalPage {
    c: Chrome,
    code: String,
    v: FinalReportInput,
    level: String,
    /// (field name, label, value, required) of the one-line inputs, by section.
    reporter_fields: Vec<(&'static str, &'static str, String, bool)>,
    system_fields: Vec<(&'static str, &'static str, String, bool)>,
    errors: FormErrors,
}

async fn final_form(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    let (report, form, fin) = st.app.final_report(&actor, &code).await?;
    let mut v = FinalReportInput::from_initial(&form);
    if let Some((_, f)) = fin {
        v = FinalReportInput {
            reporter: ReporterInput {
                org_name: f.reporter.org_name,
                address: f.reporter.address,
                phone: f.reporter.phone,
                email: f.reporter.email,
            },
            system: ungcuu_app::documents::FinalSystemInput {
                operator_name: f.operator_name,
                owner_name: f.owner_name.unwrap_or_default(),
                name: f.system_name.unwrap_or_default(),
                security_level: f.security_level.map(Into::into),
            },
            incident_name: f.incident_name.unwrap_or_default(),
            detected_at: f
                .detected_at
                .with_timezone(&ungcuu_domain::time::vietnam())
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
            result: f.result.unwrap_or_default(),
            attachments: f.attachments.unwrap_or_default(),
        };
    }
    Ok(final_page(
        &ctx,
        report.tracking_code,
        v,
        q.ok.as_deref(),
        FormErrors::default(),
        StatusCode::OK,
    ))
}

fn final_page(
    ctx: &crate::Ctx,
    code: String,
    v: FinalReportInput,
    notice: Option<&str>,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let level = match &v.system.security_level {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let t = |k: &str| ungcuu_domain::i18n::t(ctx.lang, k);
    let reporter_fields = vec![
        (
            "reporter.org_name",
            t("field.reporter.org_name"),
            v.reporter.org_name.clone(),
            true,
        ),
        (
            "reporter.address",
            t("field.reporter.address"),
            v.reporter.address.clone(),
            true,
        ),
        (
            "reporter.phone",
            t("field.reporter.phone"),
            v.reporter.phone.clone(),
            true,
        ),
        (
            "reporter.email",
            t("field.reporter.email"),
            v.reporter.email.clone(),
            true,
        ),
    ];
    let system_fields = vec![
        (
            "system.operator_name",
            t("field.system.operator_name"),
            v.system.operator_name.clone(),
            true,
        ),
        (
            "system.owner_name",
            t("field.system.owner_name"),
            v.system.owner_name.clone(),
            false,
        ),
        (
            "system.name",
            t("field.system.name"),
            v.system.name.clone(),
            false,
        ),
    ];
    page(
        &FinalPage {
            c: Chrome::new(ctx, "intake").with_notice(notice),
            code,
            v,
            level,
            reporter_fields,
            system_fields,
            errors,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FinalFormBody {
    #[serde(rename = "reporter.org_name")]
    org_name: String,
    #[serde(rename = "reporter.address")]
    address: String,
    #[serde(rename = "reporter.phone")]
    phone: String,
    #[serde(rename = "reporter.email")]
    email: String,
    #[serde(rename = "system.operator_name")]
    operator_name: String,
    #[serde(rename = "system.owner_name")]
    owner_name: String,
    #[serde(rename = "system.name")]
    name: String,
    #[serde(rename = "system.security_level")]
    security_level: String,
    incident_name: String,
    detected_at: String,
    result: String,
    attachments: String,
}

async fn final_save(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(code): Path<String>,
    Posted(f): Posted<FinalFormBody>,
) -> PageResult {
    let input = FinalReportInput {
        reporter: ReporterInput {
            org_name: f.org_name,
            address: f.address,
            phone: f.phone,
            email: f.email,
        },
        system: ungcuu_app::documents::FinalSystemInput {
            operator_name: f.operator_name,
            owner_name: f.owner_name,
            name: f.name,
            security_level: Some(f.security_level.trim().to_string())
                .filter(|s| !s.is_empty())
                .map(serde_json::Value::String),
        },
        incident_name: f.incident_name,
        detected_at: f.detected_at,
        result: f.result,
        attachments: f.attachments,
    };
    match st.app.save_final_report(&actor, &code, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reports/{}/documents?ok=doc.final_report.saved",
            code.trim()
        ))
        .into_response()),
        Err(AppError::Invalid(i)) => Ok(final_page(
            &ctx,
            code.trim().to_string(),
            input,
            None,
            FormErrors::new(&i.0, ctx.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

pub struct CopyRow {
    pub id: i64,
    pub name: String,
    pub sha256: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "documents/detail.html")]
struct DetailPage {
    c: Chrome,
    d: DocRow,
    code: String,
    number_line: String,
    sha256: String,
    recipients: Vec<String>,
    corrects: Option<i64>,
    copies: Vec<CopyRow>,
    can_issue: bool,
    can_attach: bool,
    errors: FormErrors,
}

impl DetailPage {
    fn upload_action(&self) -> String {
        format!(
            "/documents/{}/signed-copies?{}",
            self.d.id,
            serde_urlencoded::to_string([("_csrf", self.c.csrf.as_str())]).unwrap_or_default()
        )
    }
}

async fn render_detail(
    st: &AppState,
    ctx: &crate::Ctx,
    actor: &Actor,
    id: i64,
    notice: Option<&str>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let v = st.app.document(actor, id).await?;
    let c = Chrome::new(ctx, "intake").with_notice(notice);
    Ok(page(
        &DetailPage {
            d: doc_row(&v.document, ctx.lang),
            code: v.report_code.clone(),
            number_line: v.number_line.clone().unwrap_or_default(),
            sha256: v.document.pdf_sha256.clone().unwrap_or_default(),
            recipients: v.recipients.clone(),
            corrects: v.document.corrects_document_id,
            copies: v
                .signed_copies
                .iter()
                .map(|s| CopyRow {
                    id: s.id,
                    name: s.file_name.clone(),
                    sha256: s.sha256.clone(),
                    by: s.uploaded_by.clone(),
                    at: when(&s.uploaded_at),
                })
                .collect(),
            can_issue: v.may_issue,
            can_attach: v.may_attach,
            errors,
            c,
        },
        status,
    ))
}

async fn detail(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    render_detail(
        &st,
        &ctx,
        &actor,
        id,
        q.ok.as_deref(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
struct Empty {}

async fn issue(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(_): Posted<Empty>,
) -> PageResult {
    match st.app.issue_document(&actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/documents/{id}?ok=doc.issued.saved")).into_response()),
        Err(AppError::Invalid(i)) => {
            render_detail(
                &st,
                &ctx,
                &actor,
                id,
                None,
                FormErrors::new(&i.0, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn file(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path((id, format)): Path<(i64, String)>,
) -> PageResult {
    let Some(format) = Format::parse(&format) else {
        return Err(PageError::NotFound);
    };
    let sha = match (format, st.app.document(&actor, id).await) {
        (Format::Pdf, Ok(v)) => v.document.pdf_sha256,
        _ => None,
    };
    let f = st.app.document_file(&actor, id, format).await?;
    Ok(file_response(f, sha.as_deref()))
}

async fn attach(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> PageResult {
    let mut got: Option<(String, String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let ct = field.content_type().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(b) => got = Some((name, ct, b.to_vec())),
                    Err(_) => break,
                }
            }
            Ok(Some(field)) => {
                small_text(field).await.ok();
            }
            Ok(None) | Err(_) => break,
        }
    }
    let result = match got {
        Some((name, ct, bytes)) => {
            st.app
                .attach_signed_copy(&actor, id, &name, &ct, &bytes)
                .await
        }
        None => Err(Invalid::one("signed_copy", Reason::Required).into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/documents/{id}?ok=doc.copy.saved")).into_response()),
        Err(AppError::Invalid(i)) => {
            render_detail(
                &st,
                &ctx,
                &actor,
                id,
                None,
                FormErrors::new(&i.0, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn copy_file(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path((id, copy)): Path<(i64, i64)>,
) -> PageResult {
    let (meta, bytes) = st.app.signed_copy_file(&actor, id, copy).await?;
    Ok(file_response(
        RenderedFile {
            file_name: meta.file_name,
            content_type: "application/octet-stream",
            bytes,
        },
        Some(&meta.sha256),
    ))
}
