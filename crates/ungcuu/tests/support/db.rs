//! Fresh databases on both backends, and a direct look into them with plain SQL.

use ungcuu_store::Db;
use ungcuu_store::testing::TestDb;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// A fresh, unmigrated database on `b`.
pub async fn fresh(b: Backend) -> TestDb {
    match b {
        Backend::Sqlite => TestDb::sqlite_empty().await,
        Backend::Postgres => TestDb::postgres_empty().await,
    }
}

/// Runs `$body` with `$pool` bound to the pool of `$db` (for SQLite, its `$which` pool).
macro_rules! on_pool {
    ($db:expr, $pool:ident, $which:ident => $body:expr) => {
        match $db {
            Db::Sqlite { $which, .. } => {
                let $pool = $which;
                $body
            }
            Db::Postgres { pool: $pool, .. } => $body,
        }
    };
}

/// Runs a statement; returns the rows it changed.
pub async fn exec(db: &Db, sql: &str) -> u64 {
    let safe = || sqlx::AssertSqlSafe(sql.to_string());
    on_pool!(db, pool, write => sqlx::query(safe()).execute(pool).await.map(|r| r.rows_affected()))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The one integer (or NULL) a query answers.
pub async fn int(db: &Db, sql: &str) -> Option<i64> {
    let safe = || sqlx::AssertSqlSafe(sql.to_string());
    on_pool!(db, pool, read => sqlx::query_scalar::<_, Option<i64>>(safe()).fetch_one(pool).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The one text a query answers.
pub async fn text(db: &Db, sql: &str) -> String {
    let safe = || sqlx::AssertSqlSafe(sql.to_string());
    on_pool!(db, pool, read => sqlx::query_scalar::<_, String>(safe()).fetch_one(pool).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The rows of `table`.
pub async fn count(db: &Db, table: &str) -> i64 {
    int(db, &format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap_or(0)
}
