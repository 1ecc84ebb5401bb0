use crate::error::{StoreError, StoreResult};
use crate::group::CommitQueue;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database handle, chosen once from the URL at start-up. Its clones share the pools and
/// the group-commit queue.
#[derive(Clone)]
pub enum Db {
    /// SQLite allows one writer at a time; a single-connection write pool queues writers in
    /// the process instead of letting them collide on the file lock, while reads run in
    /// parallel on their own pool (WAL).
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// The search index's own writer (see [`crate::intake::reports::index_pending`]). The index
        /// lives in a file of its own, attached as `search` here and on every reader, so
        /// indexing takes that file's write lock and filing never waits for it.
        search: SqlitePool,
        group: CommitQueue,
    },
    Postgres {
        pool: PgPool,
        group: CommitQueue,
    },
}

impl std::fmt::Debug for Db {
    // Never print a URL or options: they can hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({:?})", self.backend())
    }
}

/// A write transaction. Every change must append an audit row before it commits.
pub struct Tx {
    pub(crate) inner: TxInner,
    pub(crate) audited: bool,
    /// Audit rows appended so far, chained and written at commit (see [`crate::audit::append`]).
    pub(crate) audit: Vec<ungcuu_domain::audit::AuditRow>,
    /// Who was found to tell, by the roles asked for: read once per transaction, however many
    /// reports a group commit carries (see [`crate::notifications::recipients`]).
    pub(crate) recipients: Option<(String, Vec<crate::notifications::Recipient>)>,
    /// Notices and outbox rows waiting for [`Tx::write_deferred`]: one statement per table for
    /// a whole group commit instead of one per report.
    pub(crate) notices: Vec<crate::notifications::PendingNotice>,
    pub(crate) mails: Vec<crate::outbox::PendingRow>,
}

/// How much a transaction had buffered at one point, so a job rolled back to its savepoint
/// takes its buffered rows with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    audit: usize,
    notices: usize,
    mails: usize,
}

pub(crate) enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$c` bound to the transaction's connection, once per backend, so one
/// SQL text and one row type serve both.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::db::TxInner::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::TxInner::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Like [`on_tx`] for reads outside a transaction, on the read pool.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite { read, .. } => {
                let $c = read;
                $body
            }
            $crate::Db::Postgres { pool: p, .. } => {
                let $c = p;
                $body
            }
        }
    };
}

/// Like [`on_db`] for small unaudited writes (session bookkeeping) on the write pool.
macro_rules! on_write {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite { write, .. } => {
                let $c = write;
                $body
            }
            $crate::Db::Postgres { pool: p, .. } => {
                let $c = p;
                $body
            }
        }
    };
}

pub(crate) use {on_db, on_tx, on_write};

/// Attaches the search index's file to each new connection as `search`. The indexer's own
/// connection (`writer`) also sets how that file is written: WAL, so readers never wait for
/// it, and without a flush per commit, since a lost commit is only re-indexed.
fn attach_search(
    file: Arc<str>,
    writer: bool,
) -> impl Fn(
    &mut sqlx::SqliteConnection,
    sqlx::pool::PoolConnectionMetadata,
) -> futures::future::BoxFuture<'_, Result<(), sqlx::Error>>
+ Send
+ Sync
+ 'static {
    move |c, _| {
        let file = file.clone();
        Box::pin(async move {
            sqlx::query("ATTACH DATABASE $1 AS search")
                .bind(&*file)
                .execute(&mut *c)
                .await?;
            if writer {
                sqlx::raw_sql(
                    "PRAGMA search.journal_mode = WAL; PRAGMA search.synchronous = NORMAL; \
                     PRAGMA search.cache_size = -8192",
                )
                .execute(&mut *c)
                .await?;
            }
            Ok(())
        })
    }
}

impl Db {
    /// Opens the database named by `url`: `sqlite://path` (created when missing) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts =
                PgConnectOptions::from_str(url)?.log_statements(tracing::log::LevelFilter::Trace);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres {
                pool,
                group: CommitQueue::new(Backend::Postgres),
            })
        } else if url.starts_with("sqlite:") {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            if let Some(dir) = std::path::Path::new(path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)?;
            }
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit survives power loss, which the intake's promise rests on.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .log_statements(tracing::log::LevelFilter::Trace);
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                // 8 MiB of pages (the default is 2): the indexes every report touches stay
                // in memory instead of being read back from the OS on every commit. Savepoint
                // journals (a group commit rerun after a failed job) and sorts stay in memory.
                .connect_with(
                    opts.clone()
                        .pragma("cache_size", "-8192")
                        .pragma("temp_store", "memory"),
                )
                .await?;
            let index = Arc::<str>::from(format!("{path}-search"));
            let search = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(attach_search(index.clone(), true))
                .connect_with(opts.clone())
                .await?;
            crate::intake::reports::search_schema(&search).await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(attach_search(index, false))
                .connect_with(opts.read_only(false))
                .await?;
            Ok(Db::Sqlite {
                read,
                write,
                search,
                group: CommitQueue::new(Backend::Sqlite),
            })
        } else {
            Err(StoreError::Db(sqlx::Error::Configuration(
                "UNGCUU_DATABASE_URL must start with sqlite:// or postgres://".into(),
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The queue that [`crate::group`] batches this database's writes in.
    pub(crate) fn commit_queue(&self) -> &CommitQueue {
        match self {
            Db::Sqlite { group, .. } | Db::Postgres { group, .. } => group,
        }
    }

    /// Creates or upgrades the schema.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Db::Postgres { pool: p, .. } => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a read-then-write never fails half-way on a busy file.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let inner = match self {
            Db::Sqlite { write, .. } => TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres { pool: p, .. } => TxInner::Postgres(p.begin().await?),
        };
        Ok(Tx {
            inner,
            audited: false,
            audit: Vec::new(),
            recipients: None,
            notices: Vec::new(),
            mails: Vec::new(),
        })
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        on_db!(self, c => sqlx::query_scalar::<_, i64>("SELECT CAST(1 AS BIGINT)").fetch_one(c).await.is_ok())
    }

    /// Refreshes the planner's statistics. SQLite has no background job for it, so the server
    /// calls this periodically; PostgreSQL's autovacuum does the same on its own, but a bulk
    /// load should not wait for it.
    pub async fn optimize(&self) -> StoreResult<()> {
        match self {
            Db::Sqlite { write, .. } => {
                // 0x10002: analyse tables that never were, with a bounded effort.
                sqlx::query("PRAGMA optimize=0x10002")
                    .execute(write)
                    .await?;
            }
            Db::Postgres { pool: p, .. } => {
                sqlx::query("ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite {
                read,
                write,
                search,
                ..
            } => {
                read.close().await;
                write.close().await;
                search.close().await;
            }
            Db::Postgres { pool: p, .. } => p.close().await,
        }
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Commits, unless the transaction changed something without auditing it.
    pub async fn commit(self) -> StoreResult<()> {
        if !self.audited {
            self.rollback().await?;
            return Err(StoreError::Unaudited);
        }
        let mut this = self;
        this.write_deferred().await?;
        let rows = std::mem::take(&mut this.audit);
        crate::audit::write_chained(&mut this, rows).await?;
        match this.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Writes the buffered notices and outbox rows, one statement per table. Commit does it
    /// anyway; group commit calls it earlier so that a failure is still one job's.
    pub(crate) async fn write_deferred(&mut self) -> StoreResult<()> {
        let notices = std::mem::take(&mut self.notices);
        crate::notifications::write_pending(self, &notices).await?;
        let mails = std::mem::take(&mut self.mails);
        crate::outbox::write_pending(self, &mails).await
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            audit: self.audit.len(),
            notices: self.notices.len(),
            mails: self.mails.len(),
        }
    }

    /// Drops what was buffered after `mark` (its statements were rolled back).
    pub(crate) fn forget_since(&mut self, mark: Mark) {
        self.audit.truncate(mark.audit);
        self.notices.truncate(mark.notices);
        self.mails.truncate(mark.mails);
    }

    pub async fn rollback(self) -> StoreResult<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}
