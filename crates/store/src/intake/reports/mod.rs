//! Incident reports as filed, how their senders were verified, and where each stands on its
//! way to an incident.

mod search;

pub(crate) use search::search_schema;
pub use search::{Confidential, ReportFilter, index_pending, list};

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::OrgId;
use ungcuu_domain::intake::{Channel, ReportStatus};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub tracking_code: String,
    pub org_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
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
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    /// Why the desk closed it as not an incident.
    pub status_reason: Option<String>,
    pub incident_id: Option<i64>,
    /// Looked serious when it arrived (level 4–5, critical system, or an outage not handled).
    pub serious: bool,
}

pub struct NewReport<'a> {
    pub tracking_code: &'a str,
    pub org_id: Option<OrgId>,
    pub channel: Channel,
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
    pub serious: bool,
    /// Folded text for search (tracking code, organisation, system, description).
    pub search: &'a str,
}

pub(super) const COLS: &str = "r.id, r.tracking_code, r.org_id, r.channel, r.verified, r.confidential, r.reporter_org_name, \
     r.system_name, r.description, r.security_level, r.handled, r.detected_at, r.reported_at, r.received_at, \
     r.form_json, r.status, r.status_reason, r.incident_id, r.serious";

pub(super) fn select_where(cond: &str) -> String {
    format!("SELECT {COLS} FROM reports r WHERE {cond}")
}

pub async fn insert(tx: &mut Tx, r: &NewReport<'_>) -> StoreResult<Report> {
    // The row comes back from the insert itself: one round trip, not two.
    let sql = format!(
        "INSERT INTO reports (tracking_code, org_id, channel, verified, confidential, reporter_org_name, system_name, \
         description, security_level, handled, detected_at, reported_at, received_at, form_json, status, serious, search) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,'received',$15,$16) RETURNING {}",
        // SQLite's RETURNING names the table's columns bare.
        COLS.replace("r.", "")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(r.tracking_code).bind(r.org_id.map(|o| o.0)).bind(r.channel.code()).bind(r.verified).bind(r.confidential)
        .bind(r.reporter_org_name).bind(r.system_name).bind(r.description).bind(r.security_level).bind(r.handled)
        .bind(r.detected_at).bind(r.reported_at).bind(r.received_at).bind(r.form_json).bind(r.serious).bind(r.search)
        .fetch_one(c).await?))
}

pub async fn get_in(tx: &mut Tx, id: i64) -> StoreResult<Report> {
    let sql = select_where("r.id = $1");
    let row: Option<Report> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, id: i64) -> StoreResult<Report> {
    let sql = select_where("r.id = $1");
    let row: Option<Report> =
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn by_tracking_code(db: &Db, code: &str) -> StoreResult<Option<Report>> {
    let sql = select_where("r.tracking_code = $1");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(c).await?),
    )
}

/// The reports of an incident, oldest first.
pub async fn for_incident(db: &Db, incident_id: i64) -> StoreResult<Vec<Report>> {
    let sql = format!(
        "{} ORDER BY r.received_at, r.id",
        select_where("r.incident_id = $1")
    );
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(incident_id).fetch_all(c).await?),
    )
}

pub async fn for_incident_in(tx: &mut Tx, incident_id: i64) -> StoreResult<Vec<Report>> {
    let sql = format!(
        "{} ORDER BY r.received_at, r.id",
        select_where("r.incident_id = $1")
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(incident_id).fetch_all(c).await?),
    )
}

pub async fn set_verified(tx: &mut Tx, id: i64) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query("UPDATE reports SET verified = true WHERE id = $1")
        .bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// Moves a report from status `from` to `to`, in or out of an incident. `None` when the report
/// was no longer in `from`: two people acting on it at once cannot both succeed.
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    from: ReportStatus,
    to: ReportStatus,
    reason: Option<&str>,
    incident_id: Option<i64>,
) -> StoreResult<Option<Report>> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE reports SET status = $1, status_reason = $2, incident_id = $3 WHERE id = $4 AND status = $5")
        .bind(to.code()).bind(reason).bind(incident_id).bind(id).bind(from.code()).execute(c).await?.rows_affected());
    if n == 0 {
        return Ok(None);
    }
    get_in(tx, id).await.map(Some)
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Verification {
    pub id: i64,
    pub report_id: i64,
    pub method: String,
    pub note: String,
    /// The account that recorded it (email or label).
    pub verified_by: String,
    /// That person's name.
    pub verifier: String,
    pub verified_at: DateTime<Utc>,
}

pub async fn add_verification(
    tx: &mut Tx,
    report_id: i64,
    method: &str,
    note: &str,
    verified_by: &str,
    verifier: &str,
) -> StoreResult<Verification> {
    let now = ungcuu_domain::time::now();
    Ok(on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO report_verifications (report_id, method, note, verified_by, verifier, verified_at) \
         VALUES ($1,$2,$3,$4,$5,$6) RETURNING id, report_id, method, note, verified_by, verifier, verified_at")
        .bind(report_id).bind(method).bind(note).bind(verified_by).bind(verifier).bind(now)
        .fetch_one(c).await?))
}

pub async fn verifications(db: &Db, report_id: i64) -> StoreResult<Vec<Verification>> {
    Ok(on_db!(db, c => sqlx::query_as(
        "SELECT id, report_id, method, note, verified_by, verifier, verified_at FROM report_verifications \
         WHERE report_id = $1 ORDER BY verified_at, id")
        .bind(report_id).fetch_all(c).await?))
}
