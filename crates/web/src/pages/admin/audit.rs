use crate::AppState;
use crate::context::Signed;
use crate::error::PageResult;
use crate::render::{Chrome, page, when};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(list))
}

pub struct AuditLine {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct List {
    c: Chrome,
    rows: Vec<AuditLine>,
    verified: Option<Result<String, String>>,
    page_no: i64,
    has_next: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Q {
    page: Option<i64>,
    verify: Option<String>,
}

const PER_PAGE: i64 = 50;

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<Q>,
) -> PageResult {
    let page_no = ungcuu_domain::paging::clamp(q.page.unwrap_or(1));
    let rows = st
        .app
        .audit_page(
            &actor,
            PER_PAGE + 1,
            ungcuu_domain::paging::offset(page_no, PER_PAGE),
        )
        .await?;
    let c = Chrome::new(&ctx, "admin");
    let verified = if q.verify.is_some() {
        match st.app.verify_audit(&actor).await {
            Ok(Ok(n)) => Some(Ok(c.t("audit.verify_ok").replace("{n}", &n.to_string()))),
            Ok(Err(b)) => Some(Err(format!("{} {b}", c.t("audit.verify_bad")))),
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let has_next = rows.len() as i64 > PER_PAGE;
    let rows = rows
        .into_iter()
        .take(PER_PAGE as usize)
        .map(|r| AuditLine {
            seq: r.seq,
            at: when(&r.at),
            actor: r.actor,
            action: r.action,
            object: format!("{} #{}", r.object_type, r.object_id),
        })
        .collect();
    Ok(page(
        &List {
            c,
            rows,
            verified,
            page_no,
            has_next,
        },
        StatusCode::OK,
    ))
}
