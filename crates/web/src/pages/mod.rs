//! Server-rendered pages.

mod account;
mod admin;
mod auth;
pub(crate) mod documents;
mod home;
pub(crate) mod intake;
pub(crate) mod registry;
// Empty until their issues: each capability gets its own folder of pages.
mod coordination;
mod prevention;
mod reporting;
mod response;
pub(crate) use intake::csv_download;

use crate::AppState;
use crate::error::{PageError, PageResult};
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Redirect};
use serde::de::DeserializeOwned;
use ungcuu_domain::Invalid;
use ungcuu_domain::validate::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(home::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(registry::routes())
        .merge(registry::roster::routes())
        .merge(registry::systems::routes())
        .merge(registry::import::routes())
        .merge(intake::routes())
        .merge(intake::inbox::routes())
        .merge(intake::triage::routes())
        .merge(intake::attachments::routes())
        .merge(documents::routes())
}

/// A submitted form. Undecodable bytes become U+FFFD, which validation then refuses with the
/// field named, so nothing is silently altered.
pub struct Posted<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Posted<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::TooLarge)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Posted)
            .map_err(|_| Invalid::one("body", Reason::InvalidChars).into())
    }
}

/// After a change made from a page: on to `to`, or the error page.
pub fn done<T>(result: ungcuu_app::AppResult<T>, to: &str) -> PageResult {
    result?;
    Ok(Redirect::to(to).into_response())
}

/// The state a two-way action sets, from its verb in the path (`archive` / `unarchive`);
/// `None` for any other verb, which is answered as not found.
pub fn verb_flag(verb: &str, on: &str, off: &str) -> Option<bool> {
    if verb == on {
        Some(true)
    } else if verb == off {
        Some(false)
    } else {
        None
    }
}
