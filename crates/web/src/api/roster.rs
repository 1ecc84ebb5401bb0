//! API of the response team: the roster (in force, at a date, history, issuing), delegations
//! (ủy quyền) and who holds the lead's authority.

use super::handlers::{ErrorBody, ValidationErrors};
use super::{Caller, JsonBody};
use crate::AppState;
use crate::error::{ApiError, ApiResult, Text};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use ungcuu_app::registry::roster::{AuthorityHolder, DelegationInput, RevokeInput, RosterInput};
use ungcuu_domain::i18n::t;
use ungcuu_domain::ids::DelegationId;
use ungcuu_store::registry::roster::{Delegation, Roster};
use utoipa::IntoParams;

fn nothing_in_force(date: chrono::NaiveDate) -> ApiError {
    let date = date.format("%d/%m/%Y").to_string();
    ApiError::text(
        StatusCode::NOT_FOUND,
        Text::composed(move |lang| t(lang, "roster.none_at").replace("{date}", &date)),
    )
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct RosterQuery {
    /// A date (`yyyy-mm-dd` or `dd/mm/yyyy`); empty for today in Vietnam.
    at: String,
    /// Only members matching this (name, role, title, agency, phone, email; diacritics and
    /// case ignored).
    q: String,
}

/// The roster in force today, or on `at`.
#[utoipa::path(get, path = "/api/v1/roster", tag = "roster", params(RosterQuery),
    responses((status = 200, body = Roster), (status = 404, description = "No roster was in force that day", body = ErrorBody),
        (status = 422, body = ValidationErrors)))]
pub async fn roster(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<RosterQuery>,
) -> ApiResult {
    match st.app.search_roster(&c.actor, &q.at, &q.q).await {
        Ok((_, Some(r))) => Ok(Json(r).into_response()),
        Ok((date, None)) => Err(nothing_in_force(date)),
        Err(e) => Err(e.into()),
    }
}

/// Every roster decision (the history), the latest in force first.
#[utoipa::path(get, path = "/api/v1/rosters", tag = "roster", responses((status = 200, body = [Roster])))]
pub async fn rosters(State(st): State<AppState>, c: Caller) -> ApiResult {
    let r = st.app.rosters(&c.actor).await?;
    Ok(Json(r).into_response())
}

/// Records a roster decision (kiện toàn). Exactly one member has the role `doi_truong`;
/// errors name a member row by its index (`members[2].role`).
#[utoipa::path(post, path = "/api/v1/rosters", tag = "roster", request_body = RosterInput,
    responses((status = 201, body = Roster), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody)))]
pub async fn issue_roster(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<RosterInput>,
) -> ApiResult {
    let r = st.app.issue_roster(&c.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// Every delegation (ủy quyền), the latest issued first; withdrawn ones included.
#[utoipa::path(get, path = "/api/v1/delegations", tag = "roster", responses((status = 200, body = [Delegation])))]
pub async fn delegations(State(st): State<AppState>, c: Caller) -> ApiResult {
    let d = st.app.delegations(&c.actor).await?;
    Ok(Json(d).into_response())
}

/// The lead delegates their authority to a Đội phó or standing member of the roster in force
/// for a period (an administrator may record it for the lead).
#[utoipa::path(post, path = "/api/v1/delegations", tag = "roster", request_body = DelegationInput,
    responses((status = 201, body = Delegation), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody)))]
pub async fn create_delegation(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(input): JsonBody<DelegationInput>,
) -> ApiResult {
    let d = st.app.create_delegation(&c.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// Withdraws a delegation early, with a reason; the authority returns to the lead at once.
#[utoipa::path(post, path = "/api/v1/delegations/{id}/revoke", tag = "roster", params(("id" = i64, Path)),
    request_body = RevokeInput,
    responses((status = 200, body = Delegation), (status = 422, body = ValidationErrors), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn revoke_delegation(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<RevokeInput>,
) -> ApiResult {
    let d = st
        .app
        .revoke_delegation(&c.actor, DelegationId(id), &input)
        .await?;
    Ok(Json(d).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct AuthorityQuery {
    /// `coordinate` (điều phối), `sign` (ký văn bản) or `decide`.
    action: String,
    /// An RFC 3339 instant; empty for now.
    at: String,
}

/// Who holds the lead's authority for `action` at `at`: the lead, or the delegate of the
/// latest-issued delegation active then and covering the action.
#[utoipa::path(get, path = "/api/v1/authority", tag = "roster", params(AuthorityQuery),
    responses((status = 200, body = AuthorityHolder), (status = 404, description = "No roster was in force then", body = ErrorBody),
        (status = 422, body = ValidationErrors)))]
pub async fn authority(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<AuthorityQuery>,
) -> ApiResult {
    match st.app.authority(&c.actor, &q.action, &q.at).await {
        Ok(Some(h)) => Ok(Json(h).into_response()),
        Ok(None) => {
            let date = chrono::DateTime::parse_from_rfc3339(q.at.trim())
                .map(|t| ungcuu_app::registry::roster::date_vn(t.with_timezone(&chrono::Utc)))
                .unwrap_or_else(|_| ungcuu_app::registry::roster::today_vn());
            Err(nothing_in_force(date))
        }
        Err(e) => Err(e.into()),
    }
}
