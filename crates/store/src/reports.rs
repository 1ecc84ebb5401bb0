//! Incident reports as filed.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub tracking_code: String,
    pub org_id: Option<i64>,
    pub channel: String,
    pub verified: bool,
    pub confidential: bool,
    pub reporter_org_name: String,
    pub system_name: String,
    pub description: String,
    pub security_level: Option<i64>,
    pub handled: bool,
    pub detected_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    #[serde(skip)]
    pub form_json: String,
}

pub struct NewReport<'a> {
    pub tracking_code: &'a str,
    pub org_id: Option<ungcuu_domain::OrgId>,
    pub channel: &'a str,
    pub verified: bool,
    pub confidential: bool,
    pub reporter_org_name: &'a str,
    pub system_name: &'a str,
    pub description: &'a str,
    pub security_level: Option<i64>,
    pub handled: bool,
    pub detected_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub form_json: &'a str,
}

const SELECT: &str = "SELECT id, tracking_code, org_id, channel, verified, confidential, reporter_org_name, system_name, \
     description, security_level, handled, detected_at, reported_at, received_at, form_json FROM reports";

pub async fn insert(tx: &mut Tx, r: &NewReport<'_>) -> StoreResult<Report> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO reports (tracking_code, org_id, channel, verified, confidential, reporter_org_name, system_name, \
         description, security_level, handled, detected_at, reported_at, received_at, form_json) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id")
        .bind(r.tracking_code).bind(r.org_id.map(|o| o.0)).bind(r.channel).bind(r.verified).bind(r.confidential)
        .bind(r.reporter_org_name).bind(r.system_name).bind(r.description).bind(r.security_level).bind(r.handled)
        .bind(r.detected_at).bind(r.reported_at).bind(r.received_at).bind(r.form_json)
        .fetch_one(c).await?);
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Report> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn by_tracking_code(db: &Db, code: &str) -> StoreResult<Option<Report>> {
    let sql = format!("{SELECT} WHERE tracking_code = $1");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(c).await?),
    )
}

/// The newest reports first, optionally only those filed by organisations within a subtree.
pub async fn list(
    db: &Db,
    within: Option<&ungcuu_domain::org::OrgPath>,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Report>> {
    let cols = "r.id, r.tracking_code, r.org_id, r.channel, r.verified, r.confidential, r.reporter_org_name, r.system_name, \
                r.description, r.security_level, r.handled, r.detected_at, r.reported_at, r.received_at, r.form_json";
    Ok(match within {
        Some(p) => {
            let sql = format!(
                "SELECT {cols} FROM reports r JOIN orgs o ON o.id = r.org_id WHERE o.path LIKE $1 || '%' ORDER BY r.received_at DESC, r.id DESC LIMIT $2 OFFSET $3"
            );
            on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(p.as_str()).bind(limit).bind(offset).fetch_all(c).await?)
        }
        None => {
            let sql = format!(
                "SELECT {cols} FROM reports r ORDER BY r.received_at DESC, r.id DESC LIMIT $1 OFFSET $2"
            );
            on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit).bind(offset).fetch_all(c).await?)
        }
    })
}
