//! Files attached to reports: the row that ties a stored object (its key in the file store)
//! to its report, with the size and SHA-256 measured while it was stored.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Where the bytes are in the file store; never shown outside.
    #[serde(skip)]
    pub storage_key: String,
    /// log | malware | document | other
    pub kind: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewAttachment<'a> {
    pub report_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub kind: &'a str,
    pub uploaded_by: &'a str,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, report_id, file_name, content_type, size_bytes, sha256, storage_key, kind, \
                      uploaded_by, created_at FROM attachments";

pub async fn insert(tx: &mut Tx, a: &NewAttachment<'_>) -> StoreResult<Attachment> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO attachments (report_id, file_name, content_type, size_bytes, sha256, storage_key, kind, \
         uploaded_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id")
        .bind(a.report_id).bind(a.file_name).bind(a.content_type).bind(a.size_bytes).bind(a.sha256)
        .bind(a.storage_key).bind(a.kind).bind(a.uploaded_by).bind(a.created_at)
        .fetch_one(c).await?);
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Attachment> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

/// A report's attachments, oldest first (the order they were given in).
pub async fn list_for_report(db: &Db, report_id: i64) -> StoreResult<Vec<Attachment>> {
    let sql = format!("{SELECT} WHERE report_id = $1 ORDER BY id");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(report_id).fetch_all(c).await?),
    )
}

/// One attachment of one report: an id from another report's page finds nothing.
pub async fn get(db: &Db, report_id: i64, id: i64) -> StoreResult<Option<Attachment>> {
    let sql = format!("{SELECT} WHERE report_id = $1 AND id = $2");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(report_id).bind(id).fetch_optional(c).await?),
    )
}

/// Every storage key in use, for checking the file store against the database.
pub async fn storage_keys(db: &Db) -> StoreResult<Vec<String>> {
    Ok(
        on_db!(db, c => sqlx::query_scalar("SELECT storage_key FROM attachments ORDER BY id").fetch_all(c).await?),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, NewAudit};
    use crate::testing::TestDb;

    fn note(id: i64) -> NewAudit {
        NewAudit {
            actor_user_id: None,
            actor: "test".into(),
            action: "report.attach".into(),
            object_type: "attachment".into(),
            object_id: id.to_string(),
            before: None,
            after: None,
        }
    }

    /// A bare report row, with only the columns every version of the reports table has.
    async fn report(t: &TestDb, code: &str) -> i64 {
        let now = Utc::now();
        let mut tx = t.db.begin().await.unwrap();
        let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO reports (tracking_code, org_id, channel, verified, confidential, reporter_org_name, \
             system_name, description, security_level, handled, detected_at, reported_at, received_at, form_json) \
             VALUES ($1, NULL, 'public', FALSE, FALSE, 'UBND xã Tiên Du', 'Cổng thông tin', 'Trang chủ bị thay đổi', \
             NULL, FALSE, $2, $2, $2, '{}') RETURNING id")
            .bind(code).bind(now).fetch_one(c).await.unwrap());
        audit::append(&mut tx, note(id)).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    fn new<'a>(report_id: i64, key: &'a str, name: &'a str, kind: &'a str) -> NewAttachment<'a> {
        NewAttachment {
            report_id,
            file_name: name,
            content_type: "application/octet-stream",
            size_bytes: 1234,
            sha256: "ab".repeat(32).leak(),
            storage_key: key,
            kind,
            uploaded_by: "dm@tiendu.gov.vn",
            created_at: Utc::now(),
        }
    }

    #[tokio::test]
    async fn attachments_are_kept_per_report_on_both_backends() {
        for t in TestDb::both().await {
            let a = report(&t, "SC-2026-AAAA2222").await;
            let b = report(&t, "SC-2026-BBBB3333").await;
            let mut tx = t.db.begin().await.unwrap();
            let x = insert(&mut tx, &new(a, &"1".repeat(32), "access.log", "log"))
                .await
                .unwrap();
            let y = insert(
                &mut tx,
                &new(a, &"2".repeat(32), "mẫu mã độc.exe", "malware"),
            )
            .await
            .unwrap();
            let z = insert(
                &mut tx,
                &new(b, &"3".repeat(32), "công văn.pdf", "document"),
            )
            .await
            .unwrap();
            audit::append(&mut tx, note(x.id)).await.unwrap();
            tx.commit().await.unwrap();

            let list = list_for_report(&t.db, a).await.unwrap();
            assert_eq!(list, vec![x.clone(), y.clone()], "{}", t.name);
            assert_eq!(list[1].file_name, "mẫu mã độc.exe");
            assert_eq!(list[1].size_bytes, 1234);
            assert_eq!(get(&t.db, a, y.id).await.unwrap(), Some(y), "{}", t.name);
            // Another report's attachment is not found through this report.
            assert_eq!(get(&t.db, a, z.id).await.unwrap(), None, "{}", t.name);
            assert_eq!(storage_keys(&t.db).await.unwrap().len(), 3);
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn an_unknown_kind_or_an_unaudited_insert_is_refused() {
        for t in TestDb::both().await {
            let a = report(&t, "SC-2026-CCCC4444").await;
            let mut tx = t.db.begin().await.unwrap();
            assert!(
                insert(&mut tx, &new(a, &"4".repeat(32), "x", "video"))
                    .await
                    .is_err(),
                "{}",
                t.name
            );
            tx.rollback().await.unwrap();
            let mut tx = t.db.begin().await.unwrap();
            insert(&mut tx, &new(a, &"5".repeat(32), "x", "other"))
                .await
                .unwrap();
            assert!(matches!(tx.commit().await, Err(StoreError::Unaudited)));
            assert!(list_for_report(&t.db, a).await.unwrap().is_empty());
            t.cleanup().await;
        }
    }
}
