//! The leader in charge (lãnh đạo phụ trách) and the focal point (cán bộ đầu mối) of each
//! organisation. A change closes the current row and opens a new one, so the history of who
//! held the role, and since when, stays (000 V.2 and 002 Đ19 require changes to be notified).

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::StoreResult;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ungcuu_domain::OrgId;
use ungcuu_domain::org::ContactKind;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub org_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ContactKind,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

pub struct NewContact<'a> {
    pub kind: ContactKind,
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

pub async fn current(tx: &mut Tx, org: OrgId, kind: ContactKind) -> StoreResult<Option<Contact>> {
    let sql = format!(
        "{SELECT} WHERE org_id = $1 AND kind = $2 AND until IS NULL ORDER BY id DESC LIMIT 1"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org.0).bind(kind.code()).fetch_optional(c).await?),
    )
}

/// Puts a new person in the role from `since`, closing the current holder's row at that date.
pub async fn replace(tx: &mut Tx, org: OrgId, new: &NewContact<'_>) -> StoreResult<Contact> {
    on_tx!(tx, c => sqlx::query("UPDATE org_contacts SET until = $1 WHERE org_id = $2 AND kind = $3 AND until IS NULL")
        .bind(new.since).bind(org.0).bind(new.kind.code()).execute(c).await?.rows_affected());
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO org_contacts (org_id, kind, name, title, phone, email, since, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(org.0).bind(new.kind.code()).bind(new.name).bind(new.title).bind(new.phone).bind(new.email)
        .bind(new.since).bind(ungcuu_domain::time::now()).fetch_one(c).await?);
    let sql = format!("{SELECT} WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[tokio::test]
    async fn a_stored_kind_no_variant_knows_fails_to_read_instead_of_becoming_a_default() {
        for t in TestDb::both().await {
            let now = ungcuu_domain::time::now();
            let mut tx = t.db.begin().await.unwrap();
            let org: i64 = on_tx!(tx, c => sqlx::query_scalar(
                "INSERT INTO orgs (parent_id, path, name, name_fold, kind, created_at, updated_at) \
                 VALUES (NULL, '', 'UBND xã Tiên Du', 'ubnd xa tien du', 'commune', $1, $1) RETURNING id")
                .bind(now).fetch_one(c).await.unwrap());
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO org_contacts (org_id, kind, name, since, created_at) VALUES ($1, 'deputy', 'Lê Thị B', $2, $3)")
                .bind(org).bind(now.date_naive()).bind(now).execute(c).await.unwrap().rows_affected());
            let read = current(&mut tx, OrgId(org), ContactKind::Focal).await;
            assert!(matches!(read, Ok(None)), "{}: {read:?}", t.name);
            let sql = format!("{SELECT} WHERE org_id = $1");
            let read: Result<Vec<Contact>, sqlx::Error> = on_tx!(tx, c =>
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org).fetch_all(c).await);
            assert!(
                matches!(read, Err(sqlx::Error::ColumnDecode { .. })),
                "{}: {read:?}",
                t.name
            );
            tx.rollback().await.unwrap();
            t.cleanup().await;
        }
    }
}
