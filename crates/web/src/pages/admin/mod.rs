//! Administration: organisations, users, API tokens, the audit trail.

mod audit;
mod orgs;
mod tokens;
mod users;

use crate::AppState;
use crate::context::Signed;
use crate::render::{Chrome, page};
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .merge(orgs::routes())
        .merge(users::routes())
        .merge(tokens::routes())
        .merge(audit::routes())
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct Index {
    c: Chrome,
    links: Vec<(&'static str, &'static str)>,
}

async fn index(Signed(ctx, actor): Signed) -> Response {
    let c = Chrome::new(&ctx, "admin");
    let r = actor.rights();
    let links = [
        (r.view_orgs, "/admin/orgs", "admin.orgs"),
        (r.view_users, "/admin/users", "admin.users"),
        (r.view_tokens, "/admin/tokens", "admin.tokens"),
        (r.view_audit, "/admin/audit", "admin.audit"),
    ]
    .into_iter()
    .filter(|(may, _, _)| *may)
    .map(|(_, href, key)| (href, c.t(key)))
    .collect();
    page(&Index { c, links }, StatusCode::OK)
}

/// An organisation offered in a select box.
pub struct OrgOption {
    pub id: String,
    pub name: String,
}

pub fn org_options(orgs: Vec<ungcuu_store::registry::orgs::Org>) -> Vec<OrgOption> {
    orgs.into_iter()
        .filter(|o| o.archived_at.is_none())
        .map(|o| OrgOption {
            id: o.id.to_string(),
            name: o.name,
        })
        .collect()
}
