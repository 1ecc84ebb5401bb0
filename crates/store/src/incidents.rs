//! Incidents: what accepted reports open or join. Later phases (response, closing) extend the
//! row; for now an incident gathers its reports and carries the flags they give it.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use crate::reports::Confidential;
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::OrgId;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Incident {
    pub id: i64,
    /// `SCM-2026-000042`: readable, unique, never reused.
    pub code: String,
    pub title: String,
    pub org_id: Option<i64>,
    pub confidential: bool,
    pub serious: bool,
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub updated_at: DateTime<Utc>,
    /// How many reports it holds.
    pub reports: i64,
}

const SELECT: &str = "SELECT i.id, i.code, i.title, i.org_id, i.confidential, i.serious, i.state, i.opened_at, \
     i.opened_by, i.updated_at, (SELECT COUNT(*) FROM reports r WHERE r.incident_id = i.id) AS reports \
     FROM incidents i";

pub struct NewIncident<'a> {
    pub title: &'a str,
    pub org_id: Option<i64>,
    pub confidential: bool,
    pub serious: bool,
    pub opened_by: &'a str,
    /// The year of the code, in Vietnam time.
    pub year: i32,
}

pub async fn insert(tx: &mut Tx, n: &NewIncident<'_>) -> StoreResult<Incident> {
    let now = ungcuu_domain::time::now();
    // The code comes from the row's own id, so it is unique without a counter to lock; a
    // placeholder keeps the column NOT NULL UNIQUE until the id is known.
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO incidents (code, title, org_id, confidential, serious, state, opened_at, opened_by, updated_at) \
         VALUES ($1,$2,$3,$4,$5,'open',$6,$7,$6) RETURNING id")
        .bind(format!("pending-{}", placeholder())).bind(n.title).bind(n.org_id).bind(n.confidential).bind(n.serious)
        .bind(now).bind(n.opened_by).fetch_one(c).await?);
    let code = format!("SCM-{}-{:06}", n.year, id);
    on_tx!(tx, c => sqlx::query("UPDATE incidents SET code = $1 WHERE id = $2")
        .bind(&code).bind(id).execute(c).await?.rows_affected());
    get_in(tx, id).await
}

fn placeholder() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        ungcuu_domain::time::now()
            .timestamp_nanos_opt()
            .unwrap_or(0),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn get_in(tx: &mut Tx, id: i64) -> StoreResult<Incident> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    let row: Option<Incident> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, id: i64) -> StoreResult<Incident> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    let row: Option<Incident> =
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn by_code(db: &Db, code: &str) -> StoreResult<Option<Incident>> {
    let sql = format!("{SELECT} WHERE i.code = $1");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(c).await?),
    )
}

/// Recomputes what an incident takes from its reports: confidential while any of them is,
/// serious when any looked serious. Called after a report joins or leaves.
pub async fn refresh(tx: &mut Tx, id: i64) -> StoreResult<Incident> {
    let now = ungcuu_domain::time::now();
    on_tx!(tx, c => sqlx::query(
        "UPDATE incidents SET \
           confidential = COALESCE((SELECT MAX(CASE WHEN r.confidential THEN 1 ELSE 0 END) FROM reports r WHERE r.incident_id = $1), 0) = 1, \
           serious = serious OR COALESCE((SELECT MAX(CASE WHEN r.serious THEN 1 ELSE 0 END) FROM reports r WHERE r.incident_id = $1), 0) = 1, \
           updated_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(c).await?.rows_affected());
    get_in(tx, id).await
}

/// The newest incidents first. A reader outside the confidential circle sees a confidential
/// incident only when its organisation filed one of the incident's reports.
pub async fn list(
    db: &Db,
    within: Option<&ungcuu_domain::org::OrgPath>,
    confidential: Confidential,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Incident>> {
    let mut conds = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut org_bind: Option<i64> = None;
    if let Some(p) = within {
        texts.push(p.as_str().to_string());
        // From the subtree's organisations (a handful) to their reports' incidents through
        // the (org_id, incident_id) index, rather than a join per incident.
        conds.push(format!(
            "i.id IN (SELECT r.incident_id FROM reports r WHERE r.org_id IN \
             (SELECT o.id FROM orgs o WHERE o.path LIKE ${} || '%'))",
            texts.len()
        ));
    }
    match confidential {
        Confidential::All => {}
        Confidential::OnlyOf(None) => conds.push("i.confidential = false".into()),
        Confidential::OnlyOf(Some(OrgId(o))) => {
            org_bind = Some(o);
            conds.push(format!(
                "(i.confidential = false OR EXISTS (SELECT 1 FROM reports r WHERE r.incident_id = i.id AND r.org_id = ${}))",
                texts.len() + 1
            ));
        }
    }
    let base = texts.len() + usize::from(org_bind.is_some());
    let cond = if conds.is_empty() {
        "true".into()
    } else {
        conds.join(" AND ")
    };
    // The page's ids first, then its rows with their report counts: counted for 50
    // incidents, not for every candidate the sort looked at.
    let sql = format!(
        "{SELECT} WHERE i.id IN (SELECT i.id FROM incidents i WHERE {cond} \
         ORDER BY i.opened_at DESC, i.id DESC LIMIT ${} OFFSET ${}) ORDER BY i.opened_at DESC, i.id DESC",
        base + 1,
        base + 2
    );
    Ok(on_db!(db, c => {
        let mut q = sqlx::query_as::<_, Incident>(sqlx::AssertSqlSafe(sql));
        for t in &texts {
            q = q.bind(t.as_str());
        }
        if let Some(o) = org_bind {
            q = q.bind(o);
        }
        q.bind(limit).bind(offset).fetch_all(c).await?
    }))
}

/// Every incident's code by id (exports name the incident of each report).
pub async fn codes(db: &Db) -> StoreResult<std::collections::HashMap<i64, String>> {
    let rows: Vec<(i64, String)> =
        on_db!(db, c => sqlx::query_as("SELECT id, code FROM incidents").fetch_all(c).await?);
    Ok(rows.into_iter().collect())
}
