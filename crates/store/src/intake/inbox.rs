//! The intake mailbox: every message accepted over SMTP, kept with its raw bytes whatever it
//! became — a report (`[TBSC]` mail), or an item waiting for the standing desk (`pending`)
//! until a person files it as a report or dismisses it.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::intake::MailStatus;

/// A received mail, without its raw bytes (those are read on their own, see [`raw_base64`]).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct InboundMail {
    pub id: i64,
    /// The Message-ID, or `sha256:<hash of the raw bytes>` for mail without one.
    pub message_key: String,
    pub message_id: Option<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub size_bytes: i64,
    pub raw_sha256: String,
    pub body_text: String,
    pub tbsc: bool,
    pub extracted_json: String,
    pub attachments_json: String,
    pub truncated: bool,
    pub malformed: bool,
    pub problems_json: String,
    #[sqlx(try_from = "String")]
    pub status: MailStatus,
    pub sender_org_id: Option<i64>,
    pub report_id: Option<i64>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
}

pub struct NewInboundMail<'a> {
    pub message_key: &'a str,
    pub message_id: Option<&'a str>,
    pub from_address: Option<&'a str>,
    pub from_name: Option<&'a str>,
    pub subject: &'a str,
    pub sent_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub size_bytes: i64,
    pub raw_sha256: &'a str,
    pub raw_base64: &'a str,
    pub body_text: &'a str,
    pub tbsc: bool,
    pub extracted_json: &'a str,
    pub attachments_json: &'a str,
    pub truncated: bool,
    pub malformed: bool,
    pub problems_json: &'a str,
    pub status: MailStatus,
    pub sender_org_id: Option<i64>,
    pub report_id: Option<i64>,
}

const SELECT: &str = "SELECT id, message_key, message_id, from_address, from_name, subject, sent_at, \
     received_at, size_bytes, raw_sha256, body_text, tbsc, extracted_json, attachments_json, truncated, \
     malformed, problems_json, status, sender_org_id, report_id, reviewed_by, reviewed_at, review_note \
     FROM inbound_mail";

/// Stores a received mail. A second mail with the same key is refused with
/// [`StoreError::Unique`], which the caller answers with the first one's outcome.
pub async fn insert(tx: &mut Tx, m: &NewInboundMail<'_>) -> StoreResult<InboundMail> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO inbound_mail (message_key, message_id, from_address, from_name, subject, sent_at, \
         received_at, size_bytes, raw_sha256, raw_base64, body_text, tbsc, extracted_json, attachments_json, \
         truncated, malformed, problems_json, status, sender_org_id, report_id) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20) RETURNING id")
        .bind(m.message_key).bind(m.message_id).bind(m.from_address).bind(m.from_name).bind(m.subject)
        .bind(m.sent_at).bind(m.received_at).bind(m.size_bytes).bind(m.raw_sha256).bind(m.raw_base64)
        .bind(m.body_text).bind(m.tbsc).bind(m.extracted_json).bind(m.attachments_json).bind(m.truncated)
        .bind(m.malformed).bind(m.problems_json).bind(m.status.code()).bind(m.sender_org_id).bind(m.report_id)
        .fetch_one(c).await?);
    get_in(tx, id).await
}

pub async fn get(db: &Db, id: i64) -> StoreResult<InboundMail> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<InboundMail> =
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn get_in(tx: &mut Tx, id: i64) -> StoreResult<InboundMail> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<InboundMail> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn by_key(db: &Db, key: &str) -> StoreResult<Option<InboundMail>> {
    let sql = format!("{SELECT} WHERE message_key = $1");
    Ok(on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_optional(c).await?))
}

/// The mail a report was made from, if it came by mail.
pub async fn by_report(db: &Db, report_id: i64) -> StoreResult<Option<InboundMail>> {
    let sql = format!("{SELECT} WHERE report_id = $1 ORDER BY id LIMIT 1");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(report_id).fetch_optional(c).await?),
    )
}

/// The message exactly as received, base64.
pub async fn raw_base64(db: &Db, id: i64) -> StoreResult<String> {
    let row: Option<String> = on_db!(db, c => sqlx::query_scalar("SELECT raw_base64 FROM inbound_mail WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, Default)]
pub struct InboxFilter<'a> {
    /// report | pending | dismissed; every status when None.
    pub status: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// Mail for the desk: pending first (oldest first, so nothing waits forever at the bottom),
/// then the rest newest first.
pub async fn list(db: &Db, f: &InboxFilter<'_>) -> StoreResult<Vec<InboundMail>> {
    let cond = if f.status.is_some() {
        "WHERE status = $3"
    } else {
        ""
    };
    let sql = format!(
        "{SELECT} {cond} ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, \
         CASE WHEN status = 'pending' THEN received_at END ASC, received_at DESC, id DESC LIMIT $1 OFFSET $2"
    );
    Ok(match f.status {
        Some(s) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(f.limit).bind(f.offset).bind(s).fetch_all(c).await?),
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(f.limit).bind(f.offset).fetch_all(c).await?),
    })
}

pub async fn count_pending(db: &Db) -> StoreResult<i64> {
    Ok(on_db!(db, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM inbound_mail WHERE status = 'pending'").fetch_one(c).await?))
}

/// A pending item became a report. Refused (NotFound) when it is no longer pending, so two
/// people filing the same mail at once make one report.
pub async fn set_report(
    tx: &mut Tx,
    id: i64,
    report_id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE inbound_mail SET status = 'report', report_id = $1, reviewed_by = $2, reviewed_at = $3 \
         WHERE id = $4 AND status = 'pending'")
        .bind(report_id).bind(by).bind(at).bind(id).execute(c).await?.rows_affected());
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A pending item set aside by a person, with the reason. NotFound when no longer pending.
pub async fn dismiss(
    tx: &mut Tx,
    id: i64,
    by: &str,
    at: DateTime<Utc>,
    note: &str,
) -> StoreResult<()> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE inbound_mail SET status = 'dismissed', reviewed_by = $1, reviewed_at = $2, review_note = $3 \
         WHERE id = $4 AND status = 'pending'")
        .bind(by).bind(at).bind(note).bind(id).execute(c).await?.rows_affected());
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// The organisations a sender's address is registered to: a current leader or focal point
/// (org_contacts), an active user, or the organisation's own address. Compared without case.
pub async fn sender_orgs(tx: &mut Tx, address: &str) -> StoreResult<Vec<i64>> {
    let a = address.trim().to_lowercase();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT org_id FROM org_contacts WHERE until IS NULL AND LOWER(email) = $1 \
         UNION SELECT org_id FROM users WHERE disabled_at IS NULL AND LOWER(email) = $1 \
         UNION SELECT id FROM orgs WHERE archived_at IS NULL AND LOWER(email) = $1 \
         ORDER BY 1")
        .bind(a).fetch_all(c).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, NewAudit};
    use crate::testing::TestDb;

    fn note(id: i64) -> NewAudit {
        NewAudit {
            actor_user_id: None,
            actor: "mail:a@x.vn".into(),
            action: "mail.receive".into(),
            object_type: "inbound_mail".into(),
            object_id: id.to_string(),
            before: None,
            after: None,
        }
    }

    fn new<'a>(key: &'a str, status: MailStatus, at: DateTime<Utc>) -> NewInboundMail<'a> {
        NewInboundMail {
            message_key: key,
            message_id: Some(key),
            from_address: Some("dm@tiendu.gov.vn"),
            from_name: Some("Nguyễn Văn A"),
            subject: "[TBSC] Trang chủ bị thay đổi",
            sent_at: None,
            received_at: at,
            size_bytes: 1234,
            raw_sha256: "ab",
            raw_base64: "U3ViamVjdDogeA0KDQpib2R5",
            body_text: "Mô tả sơ bộ sự cố: trang chủ bị thay đổi",
            tbsc: true,
            extracted_json: "{}",
            attachments_json: "[]",
            truncated: false,
            malformed: false,
            problems_json: "[]",
            status,
            sender_org_id: None,
            report_id: None,
        }
    }

    #[tokio::test]
    async fn a_message_is_kept_once_and_pending_items_come_first_on_both_backends() {
        for t in TestDb::both().await {
            let t0 = Utc::now() - chrono::Duration::minutes(10);
            let mut tx = t.db.begin().await.unwrap();
            let a = insert(&mut tx, &new("a@x.vn", MailStatus::Dismissed, t0))
                .await
                .unwrap();
            let b = insert(
                &mut tx,
                &new(
                    "b@x.vn",
                    MailStatus::Pending,
                    t0 + chrono::Duration::minutes(1),
                ),
            )
            .await
            .unwrap();
            let c = insert(&mut tx, &new("c@x.vn", MailStatus::Pending, t0))
                .await
                .unwrap();
            audit::append(&mut tx, note(a.id)).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(a.subject, "[TBSC] Trang chủ bị thay đổi", "{}", t.name);
            assert!(a.tbsc && !a.truncated);
            assert_eq!(
                raw_base64(&t.db, a.id).await.unwrap(),
                "U3ViamVjdDogeA0KDQpib2R5"
            );

            // The same key again is a unique violation: the caller answers with the first.
            let mut tx = t.db.begin().await.unwrap();
            let again = insert(&mut tx, &new("a@x.vn", MailStatus::Pending, t0)).await;
            assert!(
                matches!(again, Err(StoreError::Unique(_))),
                "{}: {again:?}",
                t.name
            );
            tx.rollback().await.unwrap();
            assert_eq!(by_key(&t.db, "a@x.vn").await.unwrap().unwrap().id, a.id);

            let all = list(
                &t.db,
                &InboxFilter {
                    status: None,
                    limit: 50,
                    offset: 0,
                },
            )
            .await
            .unwrap();
            let ids: Vec<i64> = all.iter().map(|m| m.id).collect();
            assert_eq!(ids, vec![c.id, b.id, a.id], "{}", t.name);
            let pending = InboxFilter {
                status: Some("pending"),
                limit: 50,
                offset: 0,
            };
            assert_eq!(list(&t.db, &pending).await.unwrap().len(), 2);
            assert_eq!(count_pending(&t.db).await.unwrap(), 2);

            // Dismissing works once; a dismissed item cannot be dismissed or filed again.
            let mut tx = t.db.begin().await.unwrap();
            dismiss(&mut tx, b.id, "tt@x.vn", Utc::now(), "thư quảng cáo")
                .await
                .unwrap();
            assert!(matches!(
                dismiss(&mut tx, b.id, "tt@x.vn", Utc::now(), "x").await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                set_report(&mut tx, a.id, 1, "tt@x.vn", Utc::now()).await,
                Err(StoreError::NotFound)
            ));
            audit::append(&mut tx, note(b.id)).await.unwrap();
            tx.commit().await.unwrap();
            let b = get(&t.db, b.id).await.unwrap();
            assert_eq!(b.status, MailStatus::Dismissed);
            assert_eq!(b.review_note.as_deref(), Some("thư quảng cáo"));
            assert_eq!(count_pending(&t.db).await.unwrap(), 1);
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_sender_is_matched_to_registered_addresses_without_case() {
        for t in TestDb::both().await {
            let now = Utc::now();
            let mut tx = t.db.begin().await.unwrap();
            let org: i64 = on_tx!(tx, c => sqlx::query_scalar(
                "INSERT INTO orgs (parent_id, path, name, name_fold, kind, email, created_at, updated_at) \
                 VALUES (NULL, '', 'UBND xã Tiên Du', 'ubnd xa tien du', 'commune', 'VanThu@TienDu.gov.vn', $1, $1) RETURNING id")
                .bind(now).fetch_one(c).await.unwrap());
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO org_contacts (org_id, kind, name, email, since, created_at) VALUES ($1, 'focal', 'Lê Thị B', 'dm@tiendu.gov.vn', $2, $3)")
                .bind(org).bind(now.date_naive()).bind(now).execute(c).await.unwrap().rows_affected());
            assert_eq!(
                sender_orgs(&mut tx, "DM@TienDu.gov.vn").await.unwrap(),
                vec![org],
                "{}",
                t.name
            );
            assert_eq!(
                sender_orgs(&mut tx, "vanthu@tiendu.gov.vn").await.unwrap(),
                vec![org]
            );
            assert!(
                sender_orgs(&mut tx, "x@gmail.com")
                    .await
                    .unwrap()
                    .is_empty()
            );
            tx.rollback().await.unwrap();
            t.cleanup().await;
        }
    }
}
