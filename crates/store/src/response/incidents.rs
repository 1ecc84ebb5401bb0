//! Incidents: what accepted reports open or join. Later phases (response, closing) extend the
//! row; for now an incident gathers its reports and carries the flags they give it.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use crate::intake::reports::Confidential;
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
    rescope(tx, Scope::Id(id)).await?;
    get_in(tx, id).await
}

/// Names the organisation an incident concerns, when the desk chooses it for an incident
/// opened from a report that came without one.
pub async fn set_org(tx: &mut Tx, id: i64, org: OrgId) -> StoreResult<Incident> {
    let now = ungcuu_domain::time::now();
    on_tx!(tx, c => sqlx::query("UPDATE incidents SET org_id = $1, updated_at = $2 WHERE id = $3")
        .bind(org.0).bind(now).bind(id).execute(c).await?.rows_affected());
    get_in(tx, id).await
}

/// Which incidents a rescope rewrites.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Id(i64),
    Range(i64, i64),
    /// Those the reports of the subtree at this path joined.
    Subtree(&'a str),
}

impl Scope<'_> {
    /// What an incident id must satisfy, with this scope's binds.
    fn cond(self) -> &'static str {
        match self {
            Scope::Id(_) => "= $1",
            Scope::Range(..) => "BETWEEN $1 AND $2",
            Scope::Subtree(_) => {
                "IN (SELECT r2.incident_id FROM reports r2 JOIN orgs o2 ON o2.id = r2.org_id \
                 WHERE o2.path LIKE $1 || '%' AND r2.incident_id IS NOT NULL)"
            }
        }
    }
}

/// Rewrites the `incident_scope` rows of the incidents `scope` names: each incident is seen by
/// every organisation that filed one of its reports and by every organisation above those.
/// A report without an organisation (public form, mail from an unknown sender) adds no row:
/// only the desk sees what such a report says.
/// The one place that rule is written (the migration seeds the table with the same statement).
async fn rescope(tx: &mut Tx, scope: Scope<'_>) -> StoreResult<()> {
    let cond = scope.cond();
    let delete = format!("DELETE FROM incident_scope WHERE incident_id {cond}");
    let insert = format!(
        "WITH RECURSIVE up (incident_id, org_id) AS ( \
           SELECT r.incident_id, r.org_id FROM reports r \
           WHERE r.incident_id {cond} AND r.org_id IS NOT NULL \
           UNION \
           SELECT up.incident_id, o.parent_id FROM up JOIN orgs o ON o.id = up.org_id WHERE o.parent_id IS NOT NULL) \
         INSERT INTO incident_scope (org_id, incident_id, opened_at, confidential) \
         SELECT up.org_id, i.id, i.opened_at, i.confidential FROM up JOIN incidents i ON i.id = up.incident_id"
    );
    for sql in [delete, insert] {
        on_tx!(tx, c => {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql));
            match scope {
                Scope::Id(id) => q.bind(id),
                Scope::Range(from, to) => q.bind(from).bind(to),
                Scope::Subtree(path) => q.bind(path),
            }
            .execute(c)
            .await?
            .rows_affected()
        });
    }
    Ok(())
}

/// After a unit moved (its subtree's paths rewritten): the incidents its reports joined are
/// now seen from its new ancestors instead of the old.
pub async fn rescope_subtree(tx: &mut Tx, path: &ungcuu_domain::org::OrgPath) -> StoreResult<()> {
    rescope(tx, Scope::Subtree(path.as_str())).await
}

/// For loaders that write incidents and reports in bulk, straight through SQL (the bench):
/// the scope rows of incidents `from..=to`.
pub async fn rescope_range(tx: &mut Tx, from: i64, to: i64) -> StoreResult<()> {
    rescope(tx, Scope::Range(from, to)).await
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
    // A unit reads its own scope rows, newest first, from one index range; the desk reads the
    // incidents themselves.
    let (from, id, opened, conf) = match within {
        Some(_) => (
            "incident_scope s",
            "s.incident_id",
            "s.opened_at",
            "s.confidential",
        ),
        None => ("incidents i", "i.id", "i.opened_at", "i.confidential"),
    };
    let mut conds = Vec::new();
    let mut binds: Vec<i64> = Vec::new();
    if let Some(p) = within {
        binds.push(p.id().0);
        conds.push(format!("s.org_id = ${}", binds.len()));
    }
    match confidential {
        Confidential::All => {}
        Confidential::OnlyOf(None) => conds.push(format!("{conf} = false")),
        Confidential::OnlyOf(Some(OrgId(o))) => {
            binds.push(o);
            conds.push(format!(
                "({conf} = false OR EXISTS (SELECT 1 FROM reports r WHERE r.incident_id = {id} AND r.org_id = ${}))",
                binds.len()
            ));
        }
    }
    let cond = crate::sql::all(&conds);
    // The page's ids first, then its rows with their report counts: counted for 50
    // incidents, not for every candidate the sort looked at.
    let sql = format!(
        "{SELECT} WHERE i.id IN (SELECT {id} FROM {from} WHERE {cond} \
         ORDER BY {opened} DESC, {id} DESC LIMIT ${} OFFSET ${}) ORDER BY i.opened_at DESC, i.id DESC",
        binds.len() + 1,
        binds.len() + 2
    );
    Ok(on_db!(db, c => {
        let mut q = sqlx::query_as::<_, Incident>(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(*b);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit;
    use crate::intake::reports::{self, NewReport};
    use crate::registry::orgs::{self, OrgFields};
    use crate::testing::{TestDb, note, report};
    use ungcuu_domain::intake::ReportStatus;
    use ungcuu_domain::org::OrgKind;

    fn audited(tx: &mut Tx) -> impl std::future::Future<Output = StoreResult<()>> + '_ {
        audit::append(tx, note("test", "incident"))
    }

    async fn org(tx: &mut Tx, name: &str, parent: Option<OrgId>) -> OrgId {
        orgs::insert(tx, &fields(name, parent)).await.unwrap().id
    }

    fn fields(name: &str, parent: Option<OrgId>) -> OrgFields {
        OrgFields {
            name: name.into(),
            kind: OrgKind::Department,
            parent_id: parent,
            address: None,
            phone: None,
            email: None,
            website: None,
        }
    }

    /// A report of `org`, accepted into a new incident (or `into` an existing one).
    async fn file(
        tx: &mut Tx,
        n: i64,
        org: OrgId,
        confidential: bool,
        into: Option<i64>,
    ) -> (i64, i64) {
        file_as(tx, n, Some(org), confidential, into).await
    }

    /// Like `file`, for a report that may have no organisation (public form, unknown sender).
    async fn file_as(
        tx: &mut Tx,
        n: i64,
        org: Option<OrgId>,
        confidential: bool,
        into: Option<i64>,
    ) -> (i64, i64) {
        let at = ungcuu_domain::time::now() + chrono::Duration::seconds(n);
        let code = format!("SC-2026-S{n:04}");
        let r = reports::insert(
            tx,
            &NewReport {
                confidential,
                ..report(&code, org, at, "Mã độc", "ma doc")
            },
        )
        .await
        .unwrap();
        let incident = match into {
            Some(i) => i,
            None => {
                let n = NewIncident {
                    title: &code,
                    org_id: org.map(|o| o.0),
                    confidential,
                    serious: false,
                    opened_by: "test",
                    year: 2026,
                };
                insert(tx, &n).await.unwrap().id
            }
        };
        reports::transition(
            tx,
            r.id,
            r.status,
            ReportStatus::Accepted,
            None,
            Some(incident),
        )
        .await
        .unwrap()
        .unwrap();
        refresh(tx, incident).await.unwrap();
        (r.id, incident)
    }

    async fn seen(db: &Db, org: OrgId, c: Confidential) -> Vec<i64> {
        let path = orgs::get(db, org).await.unwrap().path;
        list(db, Some(&path), c, 50, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect()
    }

    #[tokio::test]
    async fn a_unit_sees_the_incidents_its_subtree_filed_into_and_follows_moves_and_departures() {
        for t in TestDb::both().await {
            let db = &t.db;
            let mut tx = db.begin().await.unwrap();
            let province = org(&mut tx, "Tỉnh", None).await;
            let health = org(&mut tx, "Sở Y tế", Some(province)).await;
            let hospital = org(&mut tx, "Bệnh viện", Some(health)).await;
            let police = org(&mut tx, "Công an", Some(province)).await;
            let (_, a) = file(&mut tx, 1, hospital, false, None).await;
            let (_, b) = file(&mut tx, 2, police, false, None).await;
            // The police file into the hospital's incident too, and one confidential of their own.
            let (joined, _) = file(&mut tx, 3, police, false, Some(a)).await;
            let (_, secret) = file(&mut tx, 4, police, true, None).await;
            audited(&mut tx).await.unwrap();
            tx.commit().await.unwrap();

            let all = Confidential::All;
            assert_eq!(
                seen(db, province, all).await,
                vec![secret, b, a],
                "{}",
                t.name
            );
            assert_eq!(seen(db, health, all).await, vec![a], "{}", t.name);
            assert_eq!(seen(db, hospital, all).await, vec![a], "{}", t.name);
            assert_eq!(
                seen(db, police, all).await,
                vec![secret, b, a],
                "{}",
                t.name
            );
            // Outside the confidential circle: only the confidential incidents one's own
            // organisation filed into.
            let outside = Confidential::OnlyOf(Some(health));
            assert_eq!(seen(db, province, outside).await, vec![b, a], "{}", t.name);
            let own = Confidential::OnlyOf(Some(police));
            assert_eq!(
                seen(db, police, own).await,
                vec![secret, b, a],
                "{}",
                t.name
            );
            let paged: Vec<i64> = list(
                db,
                Some(&orgs::get(db, province).await.unwrap().path),
                all,
                1,
                1,
            )
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect();
            assert_eq!(paged, vec![b], "{}: the second page of one", t.name);

            // The hospital moves under the police: the health department no longer sees its
            // incident, the police still do, and the province throughout.
            let mut tx = db.begin().await.unwrap();
            orgs::update(&mut tx, hospital, &fields("Bệnh viện", Some(police)))
                .await
                .unwrap();
            audited(&mut tx).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(seen(db, health, all).await, Vec::<i64>::new(), "{}", t.name);
            assert_eq!(
                seen(db, police, all).await,
                vec![secret, b, a],
                "{}",
                t.name
            );

            // The police's report leaves the hospital's incident for b.
            let mut tx = db.begin().await.unwrap();
            reports::transition(
                &mut tx,
                joined,
                ReportStatus::Accepted,
                ReportStatus::Accepted,
                None,
                Some(b),
            )
            .await
            .unwrap()
            .unwrap();
            refresh(&mut tx, a).await.unwrap();
            refresh(&mut tx, b).await.unwrap();
            // ...and the hospital moves back.
            orgs::update(&mut tx, hospital, &fields("Bệnh viện", Some(health)))
                .await
                .unwrap();
            audited(&mut tx).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(seen(db, police, all).await, vec![secret, b], "{}", t.name);
            assert_eq!(seen(db, health, all).await, vec![a], "{}", t.name);
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_report_without_an_organisation_opens_and_joins_incidents() {
        for t in TestDb::both().await {
            let db = &t.db;
            let mut tx = db.begin().await.unwrap();
            let province = org(&mut tx, "Tỉnh", None).await;
            let health = org(&mut tx, "Sở Y tế", Some(province)).await;
            // A public report opens an incident; a unit's report joins it.
            let (_, public) = file_as(&mut tx, 1, None, false, None).await;
            file(&mut tx, 2, health, false, Some(public)).await;
            // A unit's incident; a public report joins it.
            let (_, own) = file(&mut tx, 3, health, false, None).await;
            file_as(&mut tx, 4, None, false, Some(own)).await;
            // A public report alone in its incident, then named to the unit by the desk.
            let (_, alone) = file_as(&mut tx, 5, None, false, None).await;
            let named = set_org(&mut tx, alone, health).await.unwrap();
            audited(&mut tx).await.unwrap();
            tx.commit().await.unwrap();

            assert_eq!(named.org_id, Some(health.0), "{}", t.name);
            assert_eq!(get(db, public).await.unwrap().reports, 2, "{}", t.name);
            assert_eq!(get(db, own).await.unwrap().reports, 2, "{}", t.name);
            // The units see the incidents their own reports are in, not the public one alone.
            let all = Confidential::All;
            assert_eq!(seen(db, health, all).await, vec![own, public], "{}", t.name);
            assert_eq!(
                seen(db, province, all).await,
                vec![own, public],
                "{}",
                t.name
            );
            // The desk sees all three.
            let desk: Vec<i64> = list(db, None, all, 50, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|i| i.id)
                .collect();
            assert_eq!(desk, vec![alone, own, public], "{}", t.name);
            t.cleanup().await;
        }
    }
}
