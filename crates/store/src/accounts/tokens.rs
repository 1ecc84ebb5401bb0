//! API tokens for machine clients: stored hashed, tied to an organisation, revocable.

use crate::db::{Db, Tx, on_db, on_tx, on_write};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::org::OrgPath;
use ungcuu_domain::{OrgId, TokenId};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub org_id: OrgId,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    org_id: i64,
    org_name: String,
    org_path: String,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<Row> for ApiToken {
    fn from(r: Row) -> Self {
        ApiToken {
            id: TokenId(r.id),
            org_id: OrgId(r.org_id),
            org_name: r.org_name,
            org_path: OrgPath::from_db(r.org_path),
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

const SELECT: &str = "SELECT t.id, t.org_id, o.name AS org_name, o.path AS org_path, t.name, t.prefix, \
     t.created_at, t.last_used_at, t.revoked_at FROM api_tokens t JOIN orgs o ON o.id = t.org_id";

pub async fn insert(
    tx: &mut Tx,
    org: OrgId,
    name: &str,
    prefix: &str,
    hash: &str,
    created_by: Option<i64>,
) -> StoreResult<ApiToken> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO api_tokens (org_id, name, prefix, token_hash, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id")
        .bind(org.0).bind(name).bind(prefix).bind(hash).bind(created_by).bind(ungcuu_domain::time::now())
        .fetch_one(c).await?);
    get_in(tx, TokenId(id)).await
}

pub async fn get_in(tx: &mut Tx, id: TokenId) -> StoreResult<ApiToken> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Into::into).ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, id: TokenId) -> StoreResult<ApiToken> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Into::into).ok_or(StoreError::NotFound)
}

/// The live token with this hash, if any.
pub async fn find_active(db: &Db, hash: &str) -> StoreResult<Option<ApiToken>> {
    let sql = format!(
        "{SELECT} WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND o.archived_at IS NULL"
    );
    let row: Option<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(hash).fetch_optional(c).await?);
    Ok(row.map(Into::into))
}

pub async fn list(db: &Db, within: Option<&OrgPath>) -> StoreResult<Vec<ApiToken>> {
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR o.path LIKE $1 || '%') ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC"
    );
    let rows: Vec<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(within.map(|p| p.as_str().to_string())).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn revoke(tx: &mut Tx, id: TokenId) -> StoreResult<ApiToken> {
    on_tx!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(ungcuu_domain::time::now()).bind(id.0).execute(c).await?.rows_affected());
    get_in(tx, id).await
}

/// Notes when a token was last used (bookkeeping, unaudited).
pub async fn touch(db: &Db, id: TokenId, now: DateTime<Utc>) -> StoreResult<()> {
    on_write!(db, c => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now).bind(id.0).execute(c).await?.rows_affected());
    Ok(())
}
