//! Organisations and their hierarchy.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::org::OrgPath;
use ungcuu_domain::text::fold;
use ungcuu_domain::{OrgId, OrgKind};

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Org {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    #[serde(skip)]
    pub path: OrgPath,
    pub name: String,
    pub kind: OrgKind,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    parent_id: Option<i64>,
    path: String,
    name: String,
    kind: String,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    archived_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Row> for Org {
    fn from(r: Row) -> Org {
        Org {
            id: OrgId(r.id),
            parent_id: r.parent_id.map(OrgId),
            path: OrgPath::from_db(r.path),
            name: r.name,
            // Only the app writes kinds, always from the closed list; an unknown code in the
            // database reads as "other" rather than making the whole list unreadable.
            kind: r.kind.parse().unwrap_or(OrgKind::Other),
            address: r.address,
            phone: r.phone,
            email: r.email,
            website: r.website,
            archived_at: r.archived_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The fields a person sets on an organisation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrgFields {
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<OrgId>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

const SELECT: &str = "SELECT id, parent_id, path, name, kind, address, phone, email, website, \
                      archived_at, created_at, updated_at FROM orgs";

pub async fn get(db: &Db, id: OrgId) -> StoreResult<Org> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Into::into).ok_or(StoreError::NotFound)
}

pub async fn get_in(tx: &mut Tx, id: OrgId) -> StoreResult<Org> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.map(Into::into).ok_or(StoreError::NotFound)
}

/// An active organisation by its exact name (the CLI accepts names).
pub async fn find_by_name(db: &Db, name: &str) -> StoreResult<Option<Org>> {
    let sql = format!("{SELECT} WHERE name = $1 AND archived_at IS NULL");
    let row: Option<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(c).await?);
    Ok(row.map(Into::into))
}

/// Filters for listing organisations.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Only this subtree (a focal point's reach).
    pub within: Option<OrgPath>,
    /// Diacritics- and case-insensitive substring of the name.
    pub query: Option<String>,
    pub include_archived: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Organisations in hierarchy order (a parent before its children).
pub async fn list(db: &Db, f: &OrgFilter) -> StoreResult<Vec<Org>> {
    let q = f.query.as_deref().map(fold).filter(|q| !q.is_empty());
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR path LIKE $1 || '%') \
         AND ($2 IS NULL OR name_fold LIKE '%' || $2 || '%') \
         AND ($3 OR archived_at IS NULL) ORDER BY path LIMIT $4 OFFSET $5"
    );
    let within = f.within.as_ref().map(|p| p.as_str().to_string());
    let limit = if f.limit <= 0 { 1000 } else { f.limit };
    let rows: Vec<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(within).bind(q).bind(f.include_archived).bind(limit).bind(f.offset)
        .fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn count(db: &Db) -> StoreResult<i64> {
    Ok(
        on_db!(db, c => sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE archived_at IS NULL").fetch_one(c).await?),
    )
}

pub async fn insert(tx: &mut Tx, f: &OrgFields) -> StoreResult<Org> {
    let parent_path = match f.parent_id {
        Some(p) => Some(get_in(tx, p).await?.path),
        None => None,
    };
    let now = ungcuu_domain::time::now();
    // The path needs the new id, so insert with a placeholder and set it in the same
    // transaction.
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO orgs (parent_id, path, name, name_fold, kind, address, phone, email, website, created_at, updated_at) \
         VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
        .bind(f.parent_id.map(|p| p.0)).bind(&f.name).bind(fold(&f.name)).bind(f.kind.code())
        .bind(&f.address).bind(&f.phone).bind(&f.email).bind(&f.website).bind(now)
        .fetch_one(c).await?);
    let id = OrgId(id);
    let path = match parent_path {
        Some(p) => p.child(id),
        None => OrgPath::root(id),
    };
    on_tx!(tx, c => sqlx::query("UPDATE orgs SET path = $1 WHERE id = $2").bind(path.as_str()).bind(id.0).execute(c).await?.rows_affected());
    get_in(tx, id).await
}

/// The ids of the organisations at or below `path`, at most `limit` of them.
pub async fn ids_within(db: &Db, path: &OrgPath, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(
        on_db!(db, c => sqlx::query_scalar("SELECT id FROM orgs WHERE path LIKE $1 || '%' ORDER BY id LIMIT $2")
        .bind(path.as_str()).bind(limit).fetch_all(c).await?),
    )
}

/// Updates the fields. Moving under a new parent rewrites the paths of the whole subtree;
/// the caller must make sure the new parent is not inside the subtree.
pub async fn update(tx: &mut Tx, id: OrgId, f: &OrgFields) -> StoreResult<Org> {
    let old = get_in(tx, id).await?;
    let now = ungcuu_domain::time::now();
    on_tx!(tx, c => sqlx::query(
        "UPDATE orgs SET parent_id = $1, name = $2, name_fold = $3, kind = $4, address = $5, phone = $6, \
         email = $7, website = $8, updated_at = $9 WHERE id = $10")
        .bind(f.parent_id.map(|p| p.0)).bind(&f.name).bind(fold(&f.name)).bind(f.kind.code())
        .bind(&f.address).bind(&f.phone).bind(&f.email).bind(&f.website).bind(now).bind(id.0)
        .execute(c).await?.rows_affected());
    if old.parent_id != f.parent_id {
        let new_path = match f.parent_id {
            Some(p) => get_in(tx, p).await?.path.child(id),
            None => OrgPath::root(id),
        };
        let old_len = old.path.as_str().chars().count() as i64;
        on_tx!(tx, c => sqlx::query(
            "UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path LIKE $3 || '%'")
            .bind(new_path.as_str()).bind(old_len + 1).bind(old.path.as_str())
            .execute(c).await?.rows_affected());
        crate::response::incidents::rescope_subtree(tx, &new_path).await?;
    }
    get_in(tx, id).await
}

pub async fn set_archived(tx: &mut Tx, id: OrgId, archived: bool) -> StoreResult<Org> {
    let at = archived.then(ungcuu_domain::time::now);
    on_tx!(tx, c => sqlx::query("UPDATE orgs SET archived_at = $1, updated_at = $2 WHERE id = $3")
        .bind(at).bind(ungcuu_domain::time::now()).bind(id.0).execute(c).await?.rows_affected());
    get_in(tx, id).await
}
