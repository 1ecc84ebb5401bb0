//! The leader in charge (lãnh đạo phụ trách) and the focal point (cán bộ đầu mối) of each
//! organisation. A change closes the current row and opens a new one, so the history of who
//! held the role, and since when, stays (000 V.2 and 002 Đ19 require changes to be notified).

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::StoreResult;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ungcuu_domain::OrgId;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub org_id: i64,
    /// `leader` or `focal`.
    pub kind: String,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

pub struct NewContact<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub since: NaiveDate,
}

const SELECT: &str = "SELECT id, org_id, kind, name, title, phone, email, since, until, created_at FROM org_contacts";

/// Every contact of an organisation, current ones first, then the history newest first.
pub async fn list(db: &Db, org: OrgId) -> StoreResult<Vec<Contact>> {
    let sql =
        format!("{SELECT} WHERE org_id = $1 ORDER BY until IS NOT NULL, kind, since DESC, id DESC");
    Ok(on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.0).fetch_all(c).await?))
}

pub async fn current(tx: &mut Tx, org: OrgId, kind: &str) -> StoreResult<Option<Contact>> {
    let sql = format!(
        "{SELECT} WHERE org_id = $1 AND kind = $2 AND until IS NULL ORDER BY id DESC LIMIT 1"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.0).bind(kind).fetch_optional(c).await?),
    )
}

/// Puts a new person in the role from `since`, closing the current holder's row at that date.
pub async fn replace(tx: &mut Tx, org: OrgId, new: &NewContact<'_>) -> StoreResult<Contact> {
    on_tx!(tx, c => sqlx::query("UPDATE org_contacts SET until = $1 WHERE org_id = $2 AND kind = $3 AND until IS NULL")
        .bind(new.since).bind(org.0).bind(new.kind).execute(c).await?.rows_affected());
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO org_contacts (org_id, kind, name, title, phone, email, since, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(org.0).bind(new.kind).bind(new.name).bind(new.title).bind(new.phone).bind(new.email)
        .bind(new.since).bind(ungcuu_domain::time::now()).fetch_one(c).await?);
    let sql = format!("{SELECT} WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await?))
}
