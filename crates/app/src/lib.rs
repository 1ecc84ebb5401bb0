//! Use cases of ungcuu. The pages, the JSON API, the mail gateway and the CLI all call this
//! layer, so each rule (authorisation, validation, auditing) lives in one place.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod coordination;
pub mod demo;
mod demo_intake;
mod demo_registry;
pub mod documents;
mod error;
pub mod intake;
pub mod outbox;
pub mod prevention;
pub mod registry;
pub mod reporting;
pub mod response;
pub mod rights;

pub use access::Actor;
pub use error::{AppError, AppResult};
pub use rights::Rights;
use ungcuu_store::Db;

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// A session ends after this long without use.
    pub session_idle: chrono::Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub session_absolute: chrono::Duration,
    /// Issuer name shown in authenticator apps.
    pub totp_issuer: String,
    /// The address people open the app at, for links in mails (`UNGCUU_PUBLIC_URL`).
    pub public_url: String,
    /// Days allowed from detection to report (TT20 Đ9: 5).
    pub report_days: i64,
    /// Rung after a commit that queued mail, so the outbox worker sends it at once instead of
    /// at its next poll (002 Đ9.5: the lead is told at once).
    pub outbox_wake: std::sync::Arc<tokio::sync::Notify>,
    /// Where attachments are kept (a local directory, or S3 when configured).
    pub files: ungcuu_files::FileStore,
    /// The largest attachment accepted, in bytes (`UNGCUU_ATTACHMENT_MAX_BYTES`).
    pub attachment_max_bytes: u64,
    /// Who issues the team's documents (`UNGCUU_ISSUING_*`; the default is the Bắc Ninh team).
    pub issuing_body: documents::IssuingBody,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            session_idle: chrono::Duration::hours(12),
            session_absolute: chrono::Duration::days(7),
            totp_issuer: "ungcuu".into(),
            public_url: "http://127.0.0.1:8080".into(),
            report_days: ungcuu_domain::intake::DEFAULT_REPORT_DAYS,
            outbox_wake: std::sync::Arc::new(tokio::sync::Notify::new()),
            // The documented default data directory; the server passes its own.
            files: ungcuu_files::FileStore::local("./ungcuu-data/files"),
            attachment_max_bytes: intake::attachments::DEFAULT_MAX_BYTES,
            issuing_body: documents::IssuingBody::default(),
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
