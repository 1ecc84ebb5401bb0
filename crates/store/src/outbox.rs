//! The outbox: side effects written in the transaction of the change that causes them and
//! delivered after commit, so a crash neither loses nor doubles them.

use crate::db::{Tx, on_tx};
use crate::error::StoreResult;

pub async fn enqueue(tx: &mut Tx, kind: &str, payload: &serde_json::Value) -> StoreResult<i64> {
    let now = ungcuu_domain::time::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $3) RETURNING id")
        .bind(kind).bind(payload.to_string()).bind(now).fetch_one(c).await?))
}
