//! Users, their credentials and second factor.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use ungcuu_domain::org::OrgPath;
use ungcuu_domain::{OrgId, Role, UserId};

/// A user's row, credentials and second factor included: never serialised (the API shows
/// `ungcuu_app::accounts::users::UserView`, which leaves them out).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub org_name: String,
    pub org_path: OrgPath,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub totp_enabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// The user's organisation is archived: its people no longer act in the system.
    pub org_archived: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// Whether the account may sign in and keep its sessions: not disabled, and its
    /// organisation not archived.
    pub fn active(&self) -> bool {
        self.disabled_at.is_none() && !self.org_archived
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    org_name: String,
    org_path: String,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    totp_secret: Option<String>,
    totp_pending_secret: Option<String>,
    totp_last_step: Option<i64>,
    failed_logins: i64,
    locked_until: Option<DateTime<Utc>>,
    disabled_at: Option<DateTime<Utc>>,
    org_archived: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for User {
    type Error = StoreError;
    fn try_from(r: Row) -> StoreResult<User> {
        // An unknown role must never quietly become some other role.
        let role = r.role.parse().map_err(|()| {
            StoreError::Db(sqlx::Error::Decode(
                format!("unknown role {}", r.role).into(),
            ))
        })?;
        Ok(User {
            id: UserId(r.id),
            org_id: OrgId(r.org_id),
            org_name: r.org_name,
            org_path: OrgPath::from_db(r.org_path),
            email: r.email,
            name: r.name,
            role,
            password_hash: r.password_hash,
            totp_enabled: r.totp_secret.is_some(),
            totp_secret: r.totp_secret,
            totp_pending_secret: r.totp_pending_secret,
            totp_last_step: r.totp_last_step,
            failed_logins: r.failed_logins,
            locked_until: r.locked_until,
            disabled_at: r.disabled_at,
            org_archived: r.org_archived,
            created_at: r.created_at,
        })
    }
}

const SELECT: &str = "SELECT u.id, u.org_id, o.name AS org_name, o.path AS org_path, u.email, u.name, u.role, \
     u.password_hash, u.totp_secret, u.totp_pending_secret, u.totp_last_step, u.failed_logins, \
     u.locked_until, u.disabled_at, o.archived_at IS NOT NULL AS org_archived, u.created_at FROM users u JOIN orgs o ON o.id = u.org_id";

fn one(row: Option<Row>) -> StoreResult<User> {
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn get(db: &Db, id: UserId) -> StoreResult<User> {
    let sql = format!("{SELECT} WHERE u.id = $1");
    one(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?),
    )
}

pub async fn get_in(tx: &mut Tx, id: UserId) -> StoreResult<User> {
    let sql = format!("{SELECT} WHERE u.id = $1");
    one(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?),
    )
}

pub async fn find_by_email(db: &Db, email: &str) -> StoreResult<Option<User>> {
    let sql = format!("{SELECT} WHERE u.email = $1");
    let row: Option<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email).fetch_optional(c).await?);
    row.map(TryInto::try_into).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub within: Option<OrgPath>,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(db: &Db, f: &UserFilter) -> StoreResult<Vec<User>> {
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR o.path LIKE $1 || '%') ORDER BY o.path, u.name LIMIT $2 OFFSET $3"
    );
    let limit = if f.limit <= 0 { 1000 } else { f.limit };
    let rows: Vec<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(f.within.as_ref().map(|p| p.as_str().to_string())).bind(limit).bind(f.offset).fetch_all(c).await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn count(db: &Db) -> StoreResult<i64> {
    Ok(on_db!(db, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await?))
}

pub struct NewUser<'a> {
    pub org_id: OrgId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>) -> StoreResult<User> {
    let now = ungcuu_domain::time::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (org_id, email, name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id")
        .bind(u.org_id.0).bind(u.email).bind(u.name).bind(u.role.code()).bind(u.password_hash).bind(now)
        .fetch_one(c).await?);
    get_in(tx, UserId(id)).await
}

pub struct UserUpdate<'a> {
    pub org_id: OrgId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
}

pub async fn update(tx: &mut Tx, id: UserId, u: &UserUpdate<'_>) -> StoreResult<User> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE users SET org_id = $1, email = $2, name = $3, role = $4, updated_at = $5 WHERE id = $6")
        .bind(u.org_id.0).bind(u.email).bind(u.name).bind(u.role.code()).bind(ungcuu_domain::time::now()).bind(id.0)
        .execute(c).await?.rows_affected());
    get_in(tx, id).await
}

pub async fn set_password_hash(tx: &mut Tx, id: UserId, hash: &str) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash).bind(ungcuu_domain::time::now()).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn set_disabled(tx: &mut Tx, id: UserId, disabled: bool) -> StoreResult<()> {
    let at = disabled.then(ungcuu_domain::time::now);
    on_tx!(tx, c => sqlx::query("UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3")
        .bind(at).bind(ungcuu_domain::time::now()).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

/// Counts a failed sign-in and returns the count it makes. The increment is the database's
/// (`failed_logins + 1` under the row's write lock), so parallel guesses each count: a count
/// read first and written back as read + 1 let nineteen parallel guesses count once.
pub async fn count_failure(tx: &mut Tx, id: UserId) -> StoreResult<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins")
        .bind(id.0).fetch_one(c).await?))
}

/// Locks the account until `until` (never shortening a longer lock already in place).
pub async fn lock_until(tx: &mut Tx, id: UserId, until: DateTime<Utc>) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE users SET locked_until = $1 WHERE id = $2 AND (locked_until IS NULL OR locked_until < $1)")
        .bind(until).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn clear_failures(tx: &mut Tx, id: UserId) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn set_totp_pending(tx: &mut Tx, id: UserId, secret: Option<&str>) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(secret).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}

/// Turns the second factor on (with its secret) or off (None), replacing recovery codes.
pub async fn set_totp(
    tx: &mut Tx,
    id: UserId,
    secret: Option<&str>,
    recovery_hashes: &[String],
) -> StoreResult<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE users SET totp_secret = $1, totp_pending_secret = NULL, updated_at = $2 WHERE id = $3")
            .bind(secret).bind(ungcuu_domain::time::now()).bind(id.0).execute(&mut *c).await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id.0).execute(&mut *c).await?;
        for h in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(id.0).bind(h).execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// Accepts the TOTP time step if it is newer than the last accepted one (no replay).
pub async fn accept_totp_step(tx: &mut Tx, id: UserId, step: i64) -> StoreResult<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)")
        .bind(step).bind(id.0).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Uses up a recovery code; true when it existed and was unused.
pub async fn use_recovery_code(tx: &mut Tx, id: UserId, code_hash: &str) -> StoreResult<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(ungcuu_domain::time::now()).bind(id.0).bind(code_hash).execute(c).await?.rows_affected());
    Ok(n == 1)
}

pub async fn unused_recovery_codes(db: &Db, id: UserId) -> StoreResult<i64> {
    Ok(
        on_db!(db, c => sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(id.0).fetch_one(c).await?),
    )
}
