//! The JSON API under `/api/v1`, described by the OpenAPI document it serves.

mod attachments;
mod documents;
mod handlers;
mod import;
mod openapi;
mod registry;
mod reports;
mod roster;
mod triage;

use crate::error::ApiError;
use crate::{AppState, Ctx};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use ungcuu_app::Actor;
use ungcuu_domain::Lang;
use ungcuu_domain::validate::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/me", get(handlers::me))
        .route("/orgs", get(handlers::list_orgs).post(handlers::create_org))
        .route(
            "/orgs/{id}",
            get(handlers::get_org).put(handlers::update_org),
        )
        .route("/orgs/{id}/archive", post(handlers::archive_org))
        .route(
            "/users",
            get(handlers::list_users).post(handlers::create_user),
        )
        .route(
            "/users/{id}",
            get(handlers::get_user).put(handlers::update_user),
        )
        .route(
            "/tokens",
            get(handlers::list_tokens).post(handlers::create_token),
        )
        .route("/tokens/{id}/revoke", post(handlers::revoke_token))
        .route("/audit", get(handlers::audit))
        .route("/reports", post(reports::file).get(triage::list))
        .route("/reports/export", get(triage::export))
        .route(
            "/reports/{tracking_code}/verification",
            post(triage::verify),
        )
        .route("/reports/{tracking_code}/triage", post(triage::triage))
        .route("/incidents", get(triage::incidents))
        .route("/incidents/{code}", get(triage::incident))
        .route("/reports/{tracking_code}", get(reports::get))
        .route(
            "/reports/{tracking_code}/attachments",
            get(attachments::list)
                .post(attachments::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/reports/{tracking_code}/attachments/{id}",
            get(attachments::download),
        )
        .route(
            "/systems",
            get(registry::list_systems).post(registry::create_system),
        )
        .route(
            "/systems/{id}",
            get(registry::get_system).put(registry::update_system),
        )
        .route("/systems/{id}/retire", post(registry::retire_system))
        .route(
            "/orgs/{id}/contacts",
            get(registry::list_contacts).post(registry::set_contact),
        )
        .route("/roster", get(roster::roster))
        .route("/rosters", get(roster::rosters).post(roster::issue_roster))
        .route(
            "/delegations",
            get(roster::delegations).post(roster::create_delegation),
        )
        .route("/delegations/{id}/revoke", post(roster::revoke_delegation))
        .route("/authority", get(roster::authority))
        .route(
            "/import/{kind}",
            post(import::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::pages::registry::import::UPLOAD_LIMIT,
            )),
        )
        .route("/export/{kind}", get(import::export))
        .merge(documents::routes())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "err.not_found") })
}

/// The caller of an API route: a bearer token, or a signed-in browser session. Rate-limited
/// per caller.
pub struct Caller {
    pub actor: Actor,
    /// For what an answer itself says (an import's report); errors find it on their own.
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let ctx = parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "err.internal"))?;
        let actor = match crate::context::bearer_token(&parts.headers) {
            Some(token) => st.app.token_actor(token).await?,
            None => ctx.actor().cloned(),
        };
        let key = match &actor {
            Some(a) => a.label.clone(),
            None => format!("ip:{}", ctx.ip),
        };
        if let Err(secs) = st.limits.api.check(&key) {
            return Err(
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "err.rate_limited").retry_after(secs),
            );
        }
        match actor {
            Some(actor) => Ok(Caller {
                actor,
                lang: ctx.lang,
            }),
            None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "err.unauthorized")),
        }
    }
}

/// A JSON body. Past the size limit: 413. Not JSON, or a value of the wrong type: 422
/// naming the field, like any other bad input.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "err.too_large")
                } else {
                    ApiError::new(StatusCode::BAD_REQUEST, "err.bad_json")
                }
            })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(de) {
            Ok(v) => Ok(JsonBody(v)),
            Err(e) => {
                // A value of the wrong type is named by its path; broken JSON by "body".
                let path = e.path().to_string();
                let (field, reason) =
                    if e.inner().is_data() && !matches!(path.as_str(), "" | "." | "?") {
                        (path, Reason::WrongType)
                    } else {
                        ("body".to_string(), Reason::InvalidJson)
                    };
                Err(ungcuu_domain::Invalid::one(field, reason).into())
            }
        }
    }
}
