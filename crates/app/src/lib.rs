//! Use cases of ungcuu. The pages, the JSON API, the mail gateway and the CLI all call this
//! layer, so each rule (authorisation, validation, auditing) lives in one place.

pub mod access;
pub mod account;
pub mod audit;
pub mod contacts;
pub mod demo;
mod demo_registry;
mod error;
pub mod import;
pub mod orgs;
pub mod reports;
pub mod roster;
mod secrets;
pub mod signin;
pub mod systems;
pub mod tokens;
pub mod users;

pub use access::Actor;
pub use error::{AppError, AppResult};
use ungcuu_store::Db;

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// A session ends after this long without use.
    pub session_idle: chrono::Duration,
    /// Issuer name shown in authenticator apps.
    pub totp_issuer: String,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            session_idle: chrono::Duration::hours(12),
            totp_issuer: "ungcuu".into(),
        }
    }
}

/// The application: a database and its configuration. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    pub db: Db,
    pub cfg: AppConfig,
}

impl App {
    pub fn new(db: Db, cfg: AppConfig) -> App {
        App { db, cfg }
    }
}
