//! Registry API: information systems and organisations' contacts.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use ungcuu_app::contacts::ContactInput;
use ungcuu_app::systems::{SystemInput, SystemQuery};
use ungcuu_domain::OrgId;
use ungcuu_store::contacts::Contact;
use ungcuu_store::systems::System;
use utoipa::ToSchema;

type ApiResult<T> = Result<T, ApiError>;

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
) -> ApiResult<Response> {
    let (items, total) = st
        .app
        .list_systems(&c.actor, &q)
        .await
        .map_err(|e| ApiError::from_app(e, c.lang))?;
    Ok(Json(SystemPage {
        items,
        total,
        page: q.page.unwrap_or(1).max(1),
        page_size: ungcuu_app::systems::PAGE_SIZE,
    })
    .into_response())
}

#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = System), (status = 404, body = ErrorBody)))]
pub async fn get_system(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    st.app
        .get_system(&c.actor, id)
        .await
        .map(|s| Json(s).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}

#[utoipa::path(post, path = "/api/v1/systems", tag = "registry", request_body = SystemInput,
    responses((status = 201, body = System), (status = 422, body = ValidationErrors)))]
pub async fn create_system(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<SystemInput>,
) -> ApiResult<Response> {
    st.app
        .create_system(&c.actor, &input)
        .await
        .map(|s| (StatusCode::CREATED, Json(s)).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}

#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "registry", params(("id" = i64, Path)), request_body = SystemInput,
    responses((status = 200, body = System), (status = 422, body = ValidationErrors)))]
pub async fn update_system(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<SystemInput>,
) -> ApiResult<Response> {
    st.app
        .update_system(&c.actor, id, &input)
        .await
        .map(|s| Json(s).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}

#[utoipa::path(post, path = "/api/v1/systems/{id}/retire", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = System)))]
pub async fn retire_system(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    st.app
        .set_system_retired(&c.actor, id, true)
        .await
        .map(|s| Json(s).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/contacts", tag = "orgs", params(("id" = i64, Path)), responses((status = 200, body = [Contact])))]
pub async fn list_contacts(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    st.app
        .list_contacts(&c.actor, OrgId(id))
        .await
        .map(|v| Json(v).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/contacts", tag = "orgs", params(("id" = i64, Path)), request_body = ContactInput,
    responses((status = 201, body = Contact), (status = 422, body = ValidationErrors)))]
pub async fn set_contact(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ContactInput>,
) -> ApiResult<Response> {
    st.app
        .set_contact(&c.actor, OrgId(id), &input)
        .await
        .map(|x| (StatusCode::CREATED, Json(x)).into_response())
        .map_err(|e| ApiError::from_app(e, c.lang))
}
