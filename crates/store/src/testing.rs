//! Fresh databases for tests, on both backends: a temporary SQLite file, and a new
//! PostgreSQL database created on `UNGCUU_TEST_PG_URL` (default: the local server) and
//! dropped afterwards.

use crate::Db;
use crate::audit::NewAudit;
use crate::reports::NewReport;
use chrono::{DateTime, Utc};
use sqlx::Connection;
use std::path::PathBuf;
use ungcuu_domain::OrgId;

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The audit row a test's change needs before it may commit: `action` on `object_type`.
pub fn note(action: &str, object_type: &str) -> NewAudit {
    NewAudit {
        actor_user_id: None,
        actor: "test".into(),
        action: action.into(),
        object_type: object_type.into(),
        object_id: "-".into(),
        before: None,
        after: None,
    }
}

/// A verified report filed through the API at `at`, neither confidential nor serious; a test
/// sets what it varies with `..report(...)`.
pub fn report<'a>(
    code: &'a str,
    org_id: Option<OrgId>,
    at: DateTime<Utc>,
    description: &'a str,
    search: &'a str,
) -> NewReport<'a> {
    NewReport {
        tracking_code: code,
        org_id,
        channel: ungcuu_domain::intake::Channel::Api,
        verified: true,
        confidential: false,
        reporter_org_name: "Sở Y tế",
        system_name: "Cổng",
        description,
        security_level: None,
        handled: false,
        detected_at: at,
        reported_at: at,
        received_at: at,
        form_json: "{}",
        serious: false,
        search,
    }
}

pub struct TestDb {
    pub db: Db,
    /// The URL the database can be reached at (for starting a server or the CLI on it).
    pub url: String,
    pub name: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Pg { admin_url: String, db_name: String },
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn pg_admin_url() -> String {
    std::env::var("UNGCUU_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

impl TestDb {
    /// An empty (unmigrated) SQLite database in a fresh directory.
    pub async fn sqlite_empty() -> TestDb {
        let dir = std::env::temp_dir().join(unique("ungcuu_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/ungcuu.db", dir.display());
        let db = Db::connect(&url).await.expect("open sqlite");
        TestDb {
            db,
            url,
            name: "sqlite",
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// An empty (unmigrated) PostgreSQL database of its own.
    pub async fn postgres_empty() -> TestDb {
        let admin_url = pg_admin_url();
        let db_name = unique("ungcuu_test");
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is needed for the store tests at {admin_url} (set UNGCUU_TEST_PG_URL): {e}")
        });
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}")))
            .execute(&mut admin)
            .await
            .expect("create database");
        admin.close().await.ok();
        let url = replace_db_name(&admin_url, &db_name);
        let db = Db::connect(&url).await.expect("open postgres");
        TestDb {
            db,
            url,
            name: "postgres",
            cleanup: Cleanup::Pg { admin_url, db_name },
        }
    }

    pub async fn sqlite() -> TestDb {
        let t = Self::sqlite_empty().await;
        t.db.migrate().await.expect("migrate sqlite");
        t
    }

    pub async fn postgres() -> TestDb {
        let t = Self::postgres_empty().await;
        t.db.migrate().await.expect("migrate postgres");
        t
    }

    /// One migrated database per backend.
    pub async fn both() -> Vec<TestDb> {
        vec![Self::sqlite().await, Self::postgres().await]
    }

    /// A second, empty database on the same backend (a restore target).
    pub async fn sibling_empty(&self) -> TestDb {
        match self.cleanup {
            Cleanup::Dir(_) => Self::sqlite_empty().await,
            Cleanup::Pg { .. } => Self::postgres_empty().await,
        }
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::Dir(d) => {
                std::fs::remove_dir_all(d).ok();
            }
            Cleanup::Pg { admin_url, db_name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await
                    .ok();
                }
            }
        }
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}
