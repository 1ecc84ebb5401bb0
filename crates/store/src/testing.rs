//! Fresh databases for tests, on both backends: a temporary SQLite file, and a new
//! PostgreSQL database created on `UNGCUU_TEST_PG_URL` (default: the local server). Both are
//! removed when the [`TestDb`] is dropped, so a test that panics leaves nothing behind.

use crate::Db;
use crate::audit::NewAudit;
use crate::intake::reports::NewReport;
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
    /// What is left to remove: `None` once [`TestDb::cleanup`] removed it.
    leftover: Option<Leftover>,
}

enum Leftover {
    Dir(PathBuf),
    Pg { admin_url: String, db_name: String },
}

impl Leftover {
    async fn remove(self) {
        match self {
            Leftover::Dir(d) => {
                std::fs::remove_dir_all(d).ok();
            }
            Leftover::Pg { admin_url, db_name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    // FORCE: the test's own pool (or a server it started) may still be
                    // connected.
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await
                    .ok();
                    admin.close().await.ok();
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            name_the_backend(self.name);
        }
        match self.leftover.take() {
            None => {}
            Some(Leftover::Dir(d)) => {
                std::fs::remove_dir_all(d).ok();
            }
            Some(pg) => {
                // Drop cannot await, and blocking on a future inside the test's runtime
                // panics: a thread with a small runtime of its own drops the database.
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        rt.block_on(pg.remove());
                    }
                })
                .join();
            }
        }
    }
}

/// Says which backend a failing test was on, for the loops over [`TestDb::both`] whose
/// assertions do not name it: in `for t in TestDb::both().await`, the database in use lives in
/// the loop body and is the first the panic drops, before the ones not reached yet. (A test
/// that keeps several side by side, such as a restore into another backend, gets the innermost
/// one named; those tests name both in their messages.) Each test runs on a thread of its own,
/// so one flag per thread means once per failing test.
fn name_the_backend(name: &str) {
    thread_local! {
        static NAMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !NAMED.replace(true) {
        eprintln!(
            "note: this test failed on its {name} database (the first one the panic dropped)"
        );
    }
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
            leftover: Some(Leftover::Dir(dir)),
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
            leftover: Some(Leftover::Pg { admin_url, db_name }),
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
        match self.db.backend() {
            crate::Backend::Sqlite => Self::sqlite_empty().await,
            crate::Backend::Postgres => Self::postgres_empty().await,
        }
    }

    /// Closes the pools and removes the database now, without the thread that dropping it
    /// takes (dropping it is enough).
    pub async fn cleanup(mut self) {
        self.db.close().await;
        if let Some(l) = self.leftover.take() {
            l.remove().await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_test_that_panics_leaves_no_database_behind() {
        let (sent, got) = std::sync::mpsc::channel();
        let failed = tokio::spawn(async move {
            let (s, p) = (TestDb::sqlite().await, TestDb::postgres().await);
            sent.send((s.url.clone(), p.url.clone())).unwrap();
            panic!("a failing test");
        })
        .await;
        assert!(failed.is_err());
        let (sqlite, postgres) = got.recv().unwrap();
        let file = sqlite.trim_start_matches("sqlite://");
        let dir = std::path::Path::new(file).parent().unwrap();
        assert!(!dir.exists(), "{} is still there", dir.display());
        let name = postgres.rsplit('/').next().unwrap();
        let mut admin = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_one(&mut admin)
            .await
            .unwrap();
        assert_eq!(left, 0, "{name} is still there");
    }

    #[tokio::test]
    async fn cleanup_removes_the_database_at_once() {
        let t = TestDb::postgres_empty().await;
        let name = t.url.rsplit('/').next().unwrap().to_string();
        t.cleanup().await;
        let mut admin = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .unwrap();
        assert_eq!(left, 0, "{name} is still there");
    }
}
