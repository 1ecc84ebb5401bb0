//! The outbox: side effects written in the transaction of the change that causes them and
//! delivered after commit, so a crash neither loses nor doubles them.
//!
//! Delivery: an instance claims due rows for a lease (`claimed_until`); while the lease runs no
//! other instance takes them (PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite has one writer). A
//! crash after the relay accepted a mail but before [`mark_delivered`] sends it again when the
//! lease ends — with the same Message-ID ([`message_id`]), so the receiver can tell.
//!
//! Delivery bookkeeping is not a change a person made and is not audited (like session
//! bookkeeping); the row itself keeps attempts, the last error and when it was delivered.

use crate::db::{Backend, Db, Tx, TxInner, on_db, on_write};
use crate::error::StoreResult;
use chrono::{DateTime, Utc};

/// Queues `payloads` for delivery after commit. The rows are written when the transaction
/// ends, with every other row of it in one statement.
pub async fn enqueue(tx: &mut Tx, kind: &str, payloads: &[serde_json::Value]) -> StoreResult<u64> {
    let now = ungcuu_domain::time::now();
    tx.mails.extend(payloads.iter().map(|p| PendingRow {
        kind: kind.to_string(),
        payload: p.to_string(),
        created_at: now,
    }));
    Ok(payloads.len() as u64)
}

/// An outbox row buffered in its transaction (see [`enqueue`]).
#[derive(Debug, Clone)]
pub(crate) struct PendingRow {
    kind: String,
    payload: String,
    created_at: DateTime<Utc>,
}

/// Rows per INSERT on SQLite: 4 bound values each, well under its limit.
const ROWS_PER_INSERT: usize = 1000;

/// Writes buffered rows; on PostgreSQL as arrays, one prepared statement for any number.
pub(crate) async fn write_pending(tx: &mut Tx, rows: &[PendingRow]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match &mut tx.inner {
        TxInner::Postgres(c) => {
            sqlx::query(
                "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) \
                 SELECT k, p, t, t FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TIMESTAMPTZ[]) AS r (k, p, t)",
            )
            .bind(rows.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.payload.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.created_at).collect::<Vec<_>>())
            .execute(&mut **c)
            .await?;
        }
        TxInner::Sqlite(c) => {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let sql = format!(
                    "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES {}",
                    crate::sql::values(chunk.len(), 1, "(?,?,?,?)")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(&r.kind)
                        .bind(&r.payload)
                        .bind(r.created_at)
                        .bind(r.created_at);
                }
                q.execute(&mut **c).await?;
            }
        }
    }
    Ok(())
}

/// An outbox row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    /// Attempts so far, the one just claimed included.
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub gave_up_at: Option<DateTime<Utc>>,
}

const COLS: &str = "id, kind, payload, created_at, attempts, next_attempt_at, delivered_at, last_error, \
                    claimed_until, gave_up_at";

/// The Message-ID a row's mail always carries, so a resend after a crash is recognisable.
pub fn message_id(id: i64) -> String {
    format!("<outbox-{id}@ungcuu>")
}

/// Claims up to `limit` due rows of `kind` until `now + lease`, counting the attempt. Rows
/// another instance holds (lease running), delivered rows and given-up rows are skipped.
pub async fn claim_due(
    db: &Db,
    kind: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> StoreResult<Vec<OutboxRow>> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        // One writer at a time: the UPDATE below is the whole claim.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 WHERE id IN (\
         SELECT id FROM outbox WHERE kind = $2 AND delivered_at IS NULL AND gave_up_at IS NULL \
         AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until <= $3) \
         ORDER BY next_attempt_at, id LIMIT $4 {lock}) RETURNING {COLS}"
    );
    let mut rows: Vec<OutboxRow> = on_write!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now + lease).bind(kind).bind(now).bind(limit).fetch_all(c).await?);
    rows.sort_by_key(|r| (r.next_attempt_at, r.id));
    Ok(rows)
}

/// The relay took the row's mail.
pub async fn mark_delivered(db: &Db, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
    on_write!(db, c => sqlx::query(
        "UPDATE outbox SET delivered_at = $1, claimed_until = NULL, last_error = NULL WHERE id = $2")
        .bind(at).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// The attempt failed: try again at `retry_at`, or never (`None`: given up, left visible with
/// its error).
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    // Errors can quote a relay's long answer; the start says what went wrong.
    let error: String = error.chars().take(2000).collect();
    match retry_at {
        Some(at) => on_write!(db, c => sqlx::query(
            "UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = NULL WHERE id = $3")
            .bind(&error).bind(at).bind(id).execute(c).await?.rows_affected()),
        None => on_write!(db, c => sqlx::query(
            "UPDATE outbox SET last_error = $1, gave_up_at = $2, claimed_until = NULL WHERE id = $3")
            .bind(&error).bind(now).bind(id).execute(c).await?.rows_affected()),
    };
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> StoreResult<OutboxRow> {
    let sql = format!("SELECT {COLS} FROM outbox WHERE id = $1");
    Ok(on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await?))
}

/// Rows not delivered yet (waiting, leased or given up), oldest first: for operators and tests.
pub async fn undelivered(db: &Db, limit: i64) -> StoreResult<Vec<OutboxRow>> {
    let sql = format!("SELECT {COLS} FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1");
    Ok(on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(c).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit;
    use crate::testing::TestDb;
    use crate::testing::note;

    async fn queue(t: &TestDb, n: usize) -> Vec<i64> {
        let mut tx = t.db.begin().await.unwrap();
        let mails: Vec<_> = (0..n)
            .map(|i| serde_json::json!({"to": format!("u{i}@x.vn"), "subject": "s", "body": "b"}))
            .collect();
        assert_eq!(enqueue(&mut tx, "mail", &mails).await.unwrap(), n as u64);
        audit::append(&mut tx, note("test.queue", "outbox"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let ids: Vec<i64> = on_db!(&t.db, c => sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
            .fetch_all(c).await.unwrap());
        assert_eq!(ids.len(), n);
        ids
    }

    #[tokio::test]
    async fn a_claimed_row_is_not_claimed_again_until_its_lease_ends_on_both_backends() {
        for t in TestDb::both().await {
            let ids = queue(&t, 3).await;
            let now = Utc::now() + chrono::Duration::seconds(1);
            let lease = chrono::Duration::minutes(5);
            let first = claim_due(&t.db, "mail", now, lease, 2).await.unwrap();
            assert_eq!(
                first.iter().map(|r| r.id).collect::<Vec<_>>(),
                ids[..2],
                "{}",
                t.name
            );
            assert!(first.iter().all(|r| r.attempts == 1));
            // A second instance gets only what is left.
            let second = claim_due(&t.db, "mail", now, lease, 10).await.unwrap();
            assert_eq!(second.iter().map(|r| r.id).collect::<Vec<_>>(), ids[2..]);
            assert!(
                claim_due(&t.db, "mail", now, lease, 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
            // Other kinds are not touched.
            assert!(
                claim_due(&t.db, "webhook", now, lease, 10)
                    .await
                    .unwrap()
                    .is_empty()
            );

            mark_delivered(&t.db, ids[0], now).await.unwrap();
            mark_failed(
                &t.db,
                ids[1],
                "relay: connection refused",
                now,
                Some(now + chrono::Duration::minutes(1)),
            )
            .await
            .unwrap();
            mark_failed(&t.db, ids[2], "relay: 550 no such user", now, None)
                .await
                .unwrap();
            // Nothing is due before the retry time; a lease that ended frees nothing delivered.
            let later = now + lease + chrono::Duration::seconds(1);
            let again = claim_due(&t.db, "mail", later, lease, 10).await.unwrap();
            assert_eq!(again.len(), 1, "{}", t.name);
            assert_eq!(again[0].id, ids[1]);
            assert_eq!(again[0].attempts, 2);
            assert_eq!(
                again[0].last_error.as_deref(),
                Some("relay: connection refused")
            );

            let given_up = get(&t.db, ids[2]).await.unwrap();
            assert!(given_up.gave_up_at.is_some() && given_up.delivered_at.is_none());
            let open: Vec<i64> = undelivered(&t.db, 10)
                .await
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(open, ids[1..], "{}", t.name);
            assert!(get(&t.db, ids[0]).await.unwrap().delivered_at.is_some());
            assert_eq!(message_id(ids[0]), format!("<outbox-{}@ungcuu>", ids[0]));
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_lease_that_ran_out_lets_another_instance_take_the_row() {
        for t in TestDb::both().await {
            let ids = queue(&t, 1).await;
            let now = Utc::now() + chrono::Duration::seconds(1);
            let lease = chrono::Duration::seconds(30);
            assert_eq!(
                claim_due(&t.db, "mail", now, lease, 10)
                    .await
                    .unwrap()
                    .len(),
                1
            );
            // The first instance died without a word; after the lease the row is due again.
            let after = now + chrono::Duration::seconds(31);
            let again = claim_due(&t.db, "mail", after, lease, 10).await.unwrap();
            assert_eq!(
                again.iter().map(|r| r.id).collect::<Vec<_>>(),
                ids,
                "{}",
                t.name
            );
            assert_eq!(again[0].attempts, 2);
            t.cleanup().await;
        }
    }
}
