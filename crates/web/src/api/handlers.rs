//! API handlers: parse, call the app layer, answer JSON.

use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use ungcuu_app::accounts::tokens::TokenInput;
use ungcuu_app::accounts::users::{UserInput, UserView};
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_domain::{OrgId, Role, TokenId, UserId};
use ungcuu_store::accounts::tokens::ApiToken;
use ungcuu_store::registry::orgs::Org;
use utoipa::{IntoParams, ToSchema};

fn ok<T: Serialize>(v: T) -> Response {
    Json(v).into_response()
}

fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// Who the caller is.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub label: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(c: Caller) -> Response {
    ok(Me {
        label: c.actor.label.clone(),
        name: c.actor.display_name.clone(),
        role: c.actor.role,
        org_id: c.actor.org_id,
    })
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct OrgQuery {
    /// Part of the name; diacritics and case are ignored ("dong nai" finds "Đồng Nai").
    q: Option<String>,
    /// Include archived organisations.
    archived: bool,
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgQuery), responses((status = 200, body = [Org])))]
pub async fn list_orgs(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<OrgQuery>,
) -> ApiResult {
    Ok(ok(st.app.list_orgs(&c.actor, q.q, q.archived).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), responses((status = 200, body = Org), (status = 404, body = ErrorBody)))]
pub async fn get_org(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    Ok(ok(st.app.get_org(&c.actor, OrgId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = Org), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody)))]
pub async fn create_org(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<OrgInput>,
) -> ApiResult {
    Ok(created(st.app.create_org(&c.actor, &input).await?))
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), request_body = OrgInput,
    responses((status = 200, body = Org), (status = 422, body = ValidationErrors)))]
pub async fn update_org(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<OrgInput>,
) -> ApiResult {
    Ok(ok(st.app.update_org(&c.actor, OrgId(id), &input).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/archive", tag = "orgs", params(("id" = i64, Path)), responses((status = 200, body = Org)))]
pub async fn archive_org(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    Ok(ok(st
        .app
        .set_org_archived(&c.actor, OrgId(id), true)
        .await?))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = [UserView])))]
pub async fn list_users(State(st): State<AppState>, c: Caller) -> ApiResult {
    let users = st.app.list_users(&c.actor).await?;
    Ok(ok(users.iter().map(UserView::from).collect::<Vec<_>>()))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = UserView)))]
pub async fn get_user(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    Ok(ok(UserView::from(
        &st.app.get_user(&c.actor, UserId(id)).await?,
    )))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = UserView), (status = 422, body = ValidationErrors)))]
pub async fn create_user(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<UserInput>,
) -> ApiResult {
    Ok(created(UserView::from(
        &st.app.create_user(&c.actor, &input).await?,
    )))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserInput,
    responses((status = 200, body = UserView), (status = 422, body = ValidationErrors)))]
pub async fn update_user(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<UserInput>,
) -> ApiResult {
    Ok(ok(UserView::from(
        &st.app.update_user(&c.actor, UserId(id), &input).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, body = [ApiToken])))]
pub async fn list_tokens(State(st): State<AppState>, c: Caller) -> ApiResult {
    Ok(ok(st.app.list_tokens(&c.actor).await?))
}

/// A new token with its secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = NewToken), (status = 422, body = ValidationErrors)))]
pub async fn create_token(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<TokenInput>,
) -> ApiResult {
    let (token, secret) = st.app.create_token(&c.actor, &input).await?;
    Ok(created(NewToken { token, secret }))
}

#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "tokens", params(("id" = i64, Path)), responses((status = 200, body = ApiToken)))]
pub async fn revoke_token(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    Ok(ok(st.app.revoke_token(&c.actor, TokenId(id)).await?))
}

/// One row of the audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct AuditQuery {
    /// At most 500.
    limit: Option<i64>,
    offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = [AuditEntry])))]
pub async fn audit(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult {
    let rows = st
        .app
        .audit_page(&c.actor, q.limit.unwrap_or(100), q.offset.unwrap_or(0))
        .await?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            before: parse(r.before),
            after: parse(r.after),
            hash: r.hash,
        })
        .collect::<Vec<_>>()))
}

/// `{"error": "..."}`
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// `{"errors": [{"field": "contact.phone", "message": "..."}]}`: every bad field, named.
#[derive(Serialize, ToSchema)]
pub struct ValidationErrors {
    pub errors: Vec<FieldMessage>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}
