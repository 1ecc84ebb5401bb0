//! Server-rendered pages.

mod account;
mod admin;
mod auth;
mod home;
pub(crate) mod import;
mod intake;
mod registry;
mod roster;
mod systems;

use crate::AppState;
use crate::error::PageError;
use axum::Router;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(home::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(registry::routes())
        .merge(intake::routes())
        .merge(roster::routes())
        .merge(systems::routes())
        .merge(import::routes())
}

/// A submitted form. Undecodable bytes become U+FFFD, which validation then refuses with the
/// field named, so nothing is silently altered.
pub struct Posted<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Posted<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = req
            .extensions()
            .get::<crate::Ctx>()
            .map(|c| c.lang)
            .unwrap_or_default();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::TooLarge(lang))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Posted)
            .map_err(|_| {
                PageError::App(
                    ungcuu_app::AppError::Invalid(ungcuu_domain::Invalid::one(
                        "body",
                        ungcuu_domain::validate::Reason::InvalidChars,
                    )),
                    lang,
                )
            })
    }
}
