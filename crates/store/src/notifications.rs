//! In-app notices: one row per person told. The text is rendered from `kind` and `params` in
//! the reader's language when shown, so a notice reads right in Vietnamese and in English.

use crate::db::{Db, Tx, TxInner, on_db, on_tx, on_write};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::{Role, UserId};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub report_id: Option<i64>,
    pub params: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Someone to tell: an active account with one of the roles asked for.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Recipient {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
}

/// Active (not disabled) users holding any of `roles`. Read once per transaction: the
/// reports of one group commit are told to the same people.
pub async fn recipients(tx: &mut Tx, roles: &[Role]) -> StoreResult<Vec<Recipient>> {
    let list = roles
        .iter()
        .map(|r| format!("'{}'", r.code()))
        .collect::<Vec<_>>()
        .join(",");
    if let Some((asked, found)) = &tx.recipients
        && *asked == list
    {
        return Ok(found.clone());
    }
    let sql = format!(
        "SELECT id, email, name, role FROM users WHERE disabled_at IS NULL AND role IN ({list}) ORDER BY id"
    );
    let found: Vec<Recipient> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?);
    tx.recipients = Some((list, found.clone()));
    Ok(found)
}

/// Tells each of `users` the same thing. The rows are written when the transaction ends, with
/// every other notice of it in one statement (a group commit carries many reports).
pub async fn insert(
    tx: &mut Tx,
    users: &[i64],
    kind: &str,
    report_id: Option<i64>,
    params: &serde_json::Value,
) -> StoreResult<u64> {
    let created_at = ungcuu_domain::time::now();
    let params = params.to_string();
    tx.notices
        .extend(users.iter().map(|&user_id| PendingNotice {
            user_id,
            kind: kind.to_string(),
            report_id,
            params: params.clone(),
            created_at,
        }));
    Ok(users.len() as u64)
}

/// A notice buffered in its transaction (see [`insert`]).
#[derive(Debug, Clone)]
pub(crate) struct PendingNotice {
    user_id: i64,
    kind: String,
    report_id: Option<i64>,
    params: String,
    created_at: DateTime<Utc>,
}

/// Rows per INSERT on SQLite: 5 bound values each, well under its limit.
const ROWS_PER_INSERT: usize = 1000;

/// Writes buffered notices. PostgreSQL takes them as arrays, so one prepared statement serves
/// every batch size (a text per row count would crowd the connection's statement cache).
pub(crate) async fn write_pending(tx: &mut Tx, rows: &[PendingNotice]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match &mut tx.inner {
        TxInner::Postgres(c) => {
            sqlx::query(
                "INSERT INTO notifications (user_id, kind, report_id, params, created_at) \
                 SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[], $5::TIMESTAMPTZ[])",
            )
            .bind(rows.iter().map(|n| n.user_id).collect::<Vec<_>>())
            .bind(rows.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|n| n.report_id).collect::<Vec<_>>())
            .bind(rows.iter().map(|n| n.params.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|n| n.created_at).collect::<Vec<_>>())
            .execute(&mut **c)
            .await?;
        }
        TxInner::Sqlite(c) => {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let sql = format!(
                    "INSERT INTO notifications (user_id, kind, report_id, params, created_at) VALUES {}",
                    crate::sql::values(chunk.len(), 1, "(?,?,?,?,?)")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for n in chunk {
                    q = q
                        .bind(n.user_id)
                        .bind(&n.kind)
                        .bind(n.report_id)
                        .bind(&n.params)
                        .bind(n.created_at);
                }
                q.execute(&mut **c).await?;
            }
        }
    }
    Ok(())
}

/// A person's newest notices.
pub async fn for_user(db: &Db, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
    Ok(on_db!(db, c => sqlx::query_as(
        "SELECT id, user_id, kind, report_id, params, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
        .bind(user.0).bind(limit).fetch_all(c).await?))
}

pub async fn unread(db: &Db, user: UserId) -> StoreResult<i64> {
    Ok(on_db!(db, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user.0).fetch_one(c).await?))
}

/// Marks a person's notices read. Reading is bookkeeping, not a change to the record, so it
/// is not audited (like a session's last use).
pub async fn mark_read(db: &Db, user: UserId, id: Option<i64>) -> StoreResult<u64> {
    let now = ungcuu_domain::time::now();
    Ok(match id {
        Some(id) => on_write!(db, c => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
            .bind(now).bind(user.0).bind(id).execute(c).await?.rows_affected()),
        None => on_write!(db, c => sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now).bind(user.0).execute(c).await?.rows_affected()),
    })
}
