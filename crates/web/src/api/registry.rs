//! Registry API: information systems and organisations' contacts.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use ungcuu_app::registry::contacts::ContactInput;
use ungcuu_app::registry::systems::{SystemInput, SystemQuery};
use ungcuu_domain::OrgId;
use ungcuu_store::registry::contacts::Contact;
use ungcuu_store::registry::systems::System;
use utoipa::ToSchema;

/// One page of systems and how many match in all.
#[derive(Serialize, ToSchema)]
pub struct SystemPage {
    pub items: Vec<System>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

#[utoipa::path(get, path = "/api/v1/systems", tag = "registry", params(SystemQuery), responses((status = 200, body = SystemPage)))]
pub async fn list_systems(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<SystemQuery>,
) -> ApiResult {
    let (items, total) = st.app.list_systems(&c.actor, &q).await?;
    Ok(Json(SystemPage {
        items,
        total,
        page: ungcuu_domain::paging::clamp(q.page.unwrap_or(1)),
        page_size: ungcuu_app::registry::systems::PAGE_SIZE,
    })
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = System), (status = 404, body = ErrorBody)))]
pub async fn get_system(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult {
    let s = st.app.get_system(&c.actor, id).await?;
    Ok(Json(s).into_response())
}

#[utoipa::path(post, path = "/api/v1/systems", tag = "registry", request_body = SystemInput,
    responses((status = 201, body = System), (status = 422, body = ValidationErrors)))]
pub async fn create_system(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<SystemInput>,
) -> ApiResult {
    let s = st.app.create_system(&c.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "registry", params(("id" = i64, Path)), request_body = SystemInput,
    responses((status = 200, body = System), (status = 422, body = ValidationErrors)))]
pub async fn update_system(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<SystemInput>,
) -> ApiResult {
    let s = st.app.update_system(&c.actor, id, &input).await?;
    Ok(Json(s).into_response())
}

#[utoipa::path(post, path = "/api/v1/systems/{id}/retire", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = System)))]
pub async fn retire_system(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult {
    let s = st.app.set_system_retired(&c.actor, id, true).await?;
    Ok(Json(s).into_response())
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/contacts", tag = "orgs", params(("id" = i64, Path)), responses((status = 200, body = [Contact])))]
pub async fn list_contacts(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult {
    let v = st.app.list_contacts(&c.actor, OrgId(id)).await?;
    Ok(Json(v).into_response())
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/contacts", tag = "orgs", params(("id" = i64, Path)), request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 422, body = ValidationErrors)))]
pub async fn set_contact(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ContactInput>,
) -> ApiResult {
    let x = st.app.set_contact(&c.actor, OrgId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(x)).into_response())
}
