//! Server-side sessions. The cookie carries a random token; only its SHA-256 is stored.

use crate::db::{Db, Tx, on_db, on_tx, on_write};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use ungcuu_domain::UserId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub mfa_pending: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: UserId,
    pub csrf_token: &'a str,
    pub mfa_pending: bool,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, s: &NewSession<'_>) -> StoreResult<()> {
    let now = ungcuu_domain::time::now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)")
        .bind(s.id_hash).bind(s.user_id.0).bind(s.csrf_token).bind(s.mfa_pending).bind(now)
        .bind(s.expires_at).bind(s.ip).bind(s.user_agent).execute(c).await?.rows_affected());
    Ok(())
}

/// A live (unexpired) session.
pub async fn get(db: &Db, id_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>> {
    Ok(on_db!(db, c => sqlx::query_as(
        "SELECT id_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at, expires_at \
         FROM sessions WHERE id_hash = $1 AND expires_at > $2")
        .bind(id_hash).bind(now).fetch_optional(c).await?))
}

/// Slides the idle expiry forward. Bookkeeping, not a change of state a person made, so it
/// is not audited.
pub async fn touch(
    db: &Db,
    id_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    on_write!(db, c => sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
        .bind(now).bind(expires_at).bind(id_hash).execute(c).await?.rows_affected());
    Ok(())
}

/// Replaces a half-signed-in session by a full one (new id, so a token seen before the
/// second factor is worthless after it).
pub async fn promote(tx: &mut Tx, old_hash: &str, new_hash: &str, csrf: &str) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query("UPDATE sessions SET id_hash = $1, csrf_token = $2, mfa_pending = FALSE WHERE id_hash = $3")
        .bind(new_hash).bind(csrf).bind(old_hash).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await?.rows_affected());
    Ok(())
}

/// Ends every session of a user but `keep` (the one that changed the password).
pub async fn delete_others(tx: &mut Tx, user: UserId, keep: &str) -> StoreResult<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user.0).bind(keep).execute(c).await?.rows_affected()),
    )
}

/// Ends every session of a user (disabled account, changed second factor).
pub async fn delete_for_user(tx: &mut Tx, user: UserId) -> StoreResult<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(c).await?.rows_affected()),
    )
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &Db, now: DateTime<Utc>) -> StoreResult<u64> {
    Ok(
        on_write!(db, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(c).await?.rows_affected()),
    )
}
