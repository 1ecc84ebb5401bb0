//! The audit log: appended in the same transaction as the change it records.

use crate::db::{Backend, Db, Tx, on_db, on_tx};
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

/// Appends one row to the chain. Locks the chain head for the rest of the transaction, so
/// concurrent writers (several server instances on PostgreSQL) take numbers one at a time.
pub async fn append(tx: &mut Tx, entry: NewAudit) -> StoreResult<AuditRow> {
    let head_sql = match tx.backend() {
        Backend::Sqlite => "SELECT last_seq, last_hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let (last_seq, last_hash): (i64, String) =
        on_tx!(tx, c => sqlx::query_as(head_sql).fetch_one(c).await?);
    let mut row = AuditRow {
        seq: last_seq + 1,
        at: ungcuu_domain::time::now(),
        actor_user_id: entry.actor_user_id,
        actor: entry.actor,
        action: entry.action,
        object_type: entry.object_type,
        object_id: entry.object_id,
        before: entry.before.map(|v| v.to_string()),
        after: entry.after.map(|v| v.to_string()),
        prev_hash: last_hash,
        hash: String::new(),
    };
    row.hash = row.compute_hash();
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_user_id, actor, action, object_type, object_id, \
             before_json, after_json, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(row.seq)
        .bind(row.at)
        .bind(row.actor_user_id)
        .bind(&row.actor)
        .bind(&row.action)
        .bind(&row.object_type)
        .bind(&row.object_id)
        .bind(&row.before)
        .bind(&row.after)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(&mut *c)
        .await?;
        sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
            .bind(row.seq)
            .bind(&row.hash)
            .execute(&mut *c)
            .await?;
    });
    tx.audited = true;
    Ok(row)
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
