//! HTTP for ungcuu: server-rendered pages, the `/api/v1` JSON API, sessions, CSRF, rate
//! limits and operations endpoints. Handlers stay thin: they parse, call the app layer, and
//! render; the app layer decides who may do what.

mod api;
mod assets;
mod context;
mod error;
mod ops;
mod pages;
mod ratelimit;
mod render;

pub use context::{Ctx, SecureCookies};
pub use ratelimit::Limits;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::sync::Arc;
use ungcuu_app::App;

/// The largest request body accepted by pages and the JSON API.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub secure_cookies: SecureCookies,
    pub limits: Arc<ratelimit::Limiters>,
    /// Proxies whose `X-Forwarded-For` names the client (`UNGCUU_TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<Vec<ungcuu_domain::system::IpNet>>,
}

impl AppState {
    pub fn new(app: App, secure_cookies: SecureCookies, limits: Limits) -> AppState {
        AppState {
            app,
            secure_cookies,
            limits: Arc::new(ratelimit::Limiters::new(limits)),
            trusted_proxies: Arc::new(Vec::new()),
        }
    }

    /// Trusts these proxies to say who the client is.
    pub fn with_trusted_proxies(mut self, proxies: Vec<ungcuu_domain::system::IpNet>) -> AppState {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::csrf,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::load,
        ))
        // Outside `load` and `csrf`, so their refusals are written in the language too.
        .layer(axum::middleware::from_fn(error::speak))
        // Assets and probes need no session or language: added after the context layers, they
        // skip the session lookup a page load would otherwise pay three more times.
        .merge(assets::routes())
        .merge(ops::routes())
        .layer(axum::middleware::from_fn(ops::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(ops::make_span))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
