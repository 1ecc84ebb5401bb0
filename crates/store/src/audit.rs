//! The audit log: appended in the same transaction as the change it records.

use crate::db::{Backend, Db, Tx, TxInner, on_db, on_tx};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use ungcuu_domain::audit::{AuditRow, ChainBreak, ChainWalker};

/// What the caller says about a change; the store numbers and chains it.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: DateTime<Utc>,
    actor_user_id: Option<i64>,
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<Row> for AuditRow {
    fn from(r: Row) -> Self {
        AuditRow {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor: r.actor,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const SELECT: &str = "SELECT seq, at, actor_user_id, actor, action, object_type, object_id, \
                      before_json, after_json, prev_hash, hash FROM audit_log";

/// Appends one row to the chain. The row is kept with the transaction and chained when it
/// commits: the chain head, which every writer must take its turn at (locked on PostgreSQL,
/// where several server instances may write), is then held only for the commit itself, not
/// for the whole of the change, and a transaction with many rows writes them in one go.
pub async fn append(tx: &mut Tx, entry: NewAudit) -> StoreResult<()> {
    tx.audit.push(AuditRow {
        seq: 0,
        at: ungcuu_domain::time::now(),
        actor_user_id: entry.actor_user_id,
        actor: entry.actor,
        action: entry.action,
        object_type: entry.object_type,
        object_id: entry.object_id,
        before: entry.before.map(|v| v.to_string()),
        after: entry.after.map(|v| v.to_string()),
        prev_hash: String::new(),
        hash: String::new(),
    });
    tx.audited = true;
    Ok(())
}

/// Rows per INSERT on SQLite: 11 bound values each, well under its limit.
const ROWS_PER_INSERT: usize = 500;

/// Numbers and chains `rows` after the head, writes them and moves the head on: the last
/// thing a transaction does before it commits.
pub(crate) async fn write_chained(tx: &mut Tx, mut rows: Vec<AuditRow>) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let head_sql = match tx.backend() {
        Backend::Sqlite => "SELECT last_seq, last_hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let (mut seq, mut hash): (i64, String) =
        on_tx!(tx, c => sqlx::query_as(head_sql).fetch_one(c).await?);
    for row in &mut rows {
        seq += 1;
        row.seq = seq;
        row.prev_hash = std::mem::take(&mut hash);
        row.hash = row.compute_hash();
        hash = row.hash.clone();
    }
    match &mut tx.inner {
        TxInner::Postgres(c) => {
            // As arrays, and with the head moved in the same statement: one prepared text for
            // any number of rows, one round trip while the head is locked.
            let col = |f: fn(&AuditRow) -> Option<&str>| rows.iter().map(f).collect::<Vec<_>>();
            sqlx::query(
                "WITH written AS (INSERT INTO audit_log (seq, at, actor_user_id, actor, action, \
                 object_type, object_id, before_json, after_json, prev_hash, hash) SELECT * FROM \
                 UNNEST($1::BIGINT[], $2::TIMESTAMPTZ[], $3::BIGINT[], $4::TEXT[], $5::TEXT[], \
                 $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[])) \
                 UPDATE audit_head SET last_seq = $12, last_hash = $13 WHERE id = 1",
            )
            .bind(rows.iter().map(|r| r.seq).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.at).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.actor_user_id).collect::<Vec<_>>())
            .bind(col(|r| Some(&r.actor)))
            .bind(col(|r| Some(&r.action)))
            .bind(col(|r| Some(&r.object_type)))
            .bind(col(|r| Some(&r.object_id)))
            .bind(col(|r| r.before.as_deref()))
            .bind(col(|r| r.after.as_deref()))
            .bind(col(|r| Some(&r.prev_hash)))
            .bind(col(|r| Some(&r.hash)))
            .bind(seq)
            .bind(&hash)
            .execute(&mut **c)
            .await?;
        }
        TxInner::Sqlite(c) => {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let sql = format!(
                    "INSERT INTO audit_log (seq, at, actor_user_id, actor, action, object_type, \
                     object_id, before_json, after_json, prev_hash, hash) VALUES {}",
                    crate::sql::values(chunk.len(), 1, "(?,?,?,?,?,?,?,?,?,?,?)")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(r.seq)
                        .bind(r.at)
                        .bind(r.actor_user_id)
                        .bind(&r.actor)
                        .bind(&r.action)
                        .bind(&r.object_type)
                        .bind(&r.object_id)
                        .bind(&r.before)
                        .bind(&r.after)
                        .bind(&r.prev_hash)
                        .bind(&r.hash);
                }
                q.execute(&mut **c).await?;
            }
            sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(&hash)
                .execute(&mut **c)
                .await?;
        }
    }
    Ok(())
}

/// Walks the whole chain in order, streaming rows. `Ok(n)` is the number of rows checked.
pub async fn verify(db: &Db) -> StoreResult<Result<u64, ChainBreak>> {
    let mut walker = ChainWalker::default();
    let sql = format!("{SELECT} ORDER BY seq");
    let broken = on_db!(db, c => {
        let mut rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).fetch(c);
        let mut broken = None;
        while let Some(r) = rows.try_next().await? {
            if let Err(b) = walker.step(&r.into()) {
                broken = Some(b);
                break;
            }
        }
        broken
    });
    if let Some(b) = broken {
        return Ok(Err(b));
    }
    let (head_seq, head_hash): (i64, String) = on_db!(db, c =>
        sqlx::query_as("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetch_one(c).await?);
    Ok(walker.finish(head_seq, &head_hash).map(|()| walker.checked))
}

/// The newest rows first, optionally for one object.
pub async fn list(
    db: &Db,
    object: Option<(&str, &str)>,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<AuditRow>> {
    let rows: Vec<Row> = match object {
        Some((ty, id)) => {
            let sql = format!(
                "{SELECT} WHERE object_type = $1 AND object_id = $2 ORDER BY seq DESC LIMIT $3 OFFSET $4"
            );
            on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(ty).bind(id).bind(limit).bind(offset).fetch_all(c).await?)
        }
        None => {
            let sql = format!("{SELECT} ORDER BY seq DESC LIMIT $1 OFFSET $2");
            on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit).bind(offset).fetch_all(c).await?)
        }
    };
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn count(db: &Db) -> StoreResult<i64> {
    Ok(
        on_db!(db, c => sqlx::query_scalar("SELECT last_seq FROM audit_head WHERE id = 1").fetch_one(c).await?),
    )
}
