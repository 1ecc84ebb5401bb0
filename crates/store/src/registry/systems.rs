//! Information systems (hệ thống thông tin).

use crate::db::{Backend, Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ungcuu_domain::OrgId;
use ungcuu_domain::org::OrgPath;
use ungcuu_domain::system::SystemStatus;
use ungcuu_domain::text::fold;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct System {
    pub id: i64,
    pub owner_org_id: OrgId,
    pub owner_name: String,
    #[serde(skip)]
    pub owner_path: OrgPath,
    pub operator_name: String,
    pub name: String,
    pub domains: Vec<String>,
    pub public_ip_ranges: Vec<String>,
    pub ips: Vec<String>,
    pub security_level: Option<i64>,
    /// `proposed`, `appraised` or `approved`.
    pub level_state: Option<String>,
    pub level_doc_number: Option<String>,
    pub level_doc_date: Option<NaiveDate>,
    /// On the list of important information systems (001 Đ5).
    pub critical: bool,
    pub security_provider: Option<String>,
    pub connectivity_provider: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    /// `web`, `mail`, `database`, `other:…`
    pub services: Vec<String>,
    /// `antivirus`, `firewall`, `ids`, `other:…`
    pub measures: Vec<String>,
    pub purpose: Option<String>,
    pub status: SystemStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    owner_org_id: i64,
    owner_name: String,
    owner_path: String,
    operator_name: String,
    name: String,
    domains: String,
    public_ip_ranges: String,
    ips: String,
    security_level: Option<i64>,
    level_state: Option<String>,
    level_doc_number: Option<String>,
    level_doc_date: Option<NaiveDate>,
    critical: bool,
    security_provider: Option<String>,
    connectivity_provider: Option<String>,
    os: Option<String>,
    os_version: Option<String>,
    services: String,
    measures: String,
    purpose: Option<String>,
    #[sqlx(try_from = "String")]
    status: SystemStatus,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn split(s: String) -> Vec<String> {
    s.lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl From<Row> for System {
    fn from(r: Row) -> System {
        System {
            id: r.id,
            owner_org_id: OrgId(r.owner_org_id),
            owner_name: r.owner_name,
            owner_path: OrgPath::from_db(r.owner_path),
            operator_name: r.operator_name,
            name: r.name,
            domains: split(r.domains),
            public_ip_ranges: split(r.public_ip_ranges),
            ips: split(r.ips),
            security_level: r.security_level,
            level_state: r.level_state,
            level_doc_number: r.level_doc_number,
            level_doc_date: r.level_doc_date,
            critical: r.critical,
            security_provider: r.security_provider,
            connectivity_provider: r.connectivity_provider,
            os: r.os,
            os_version: r.os_version,
            services: split(r.services),
            measures: split(r.measures),
            purpose: r.purpose,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Checked values, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemFields {
    pub owner_org_id: OrgId,
    pub operator_name: String,
    pub name: String,
    pub domains: Vec<String>,
    pub public_ip_ranges: Vec<String>,
    pub ips: Vec<String>,
    pub security_level: Option<i64>,
    pub level_state: Option<String>,
    pub level_doc_number: Option<String>,
    pub level_doc_date: Option<NaiveDate>,
    pub critical: bool,
    pub security_provider: Option<String>,
    pub connectivity_provider: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub services: Vec<String>,
    pub measures: Vec<String>,
    pub purpose: Option<String>,
}

impl SystemFields {
    /// What search matches: name, owner, operator, domains and addresses, folded.
    fn search_text(&self, owner_name: &str) -> String {
        fold(
            &[
                self.name.as_str(),
                owner_name,
                &self.operator_name,
                &self.domains.join(" "),
                &self.ips.join(" "),
                &self.public_ip_ranges.join(" "),
            ]
            .join(" "),
        )
    }
}

const SELECT: &str = "SELECT s.id, s.owner_org_id, o.name AS owner_name, o.path AS owner_path, s.operator_name, s.name, \
     s.domains, s.public_ip_ranges, s.ips, s.security_level, s.level_state, s.level_doc_number, s.level_doc_date, \
     s.critical, s.security_provider, s.connectivity_provider, s.os, s.os_version, s.services, s.measures, \
     s.purpose, s.status, s.created_at, s.updated_at FROM systems s JOIN orgs o ON o.id = s.owner_org_id";

pub async fn get(db: &Db, id: i64) -> StoreResult<System> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    let row: Option<Row> =
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.map(Into::into).ok_or(StoreError::NotFound)
}

pub async fn get_in(tx: &mut Tx, id: i64) -> StoreResult<System> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.map(Into::into).ok_or(StoreError::NotFound)
}

async fn owner_name(tx: &mut Tx, org: OrgId) -> StoreResult<String> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT name FROM orgs WHERE id = $1").bind(org.0).fetch_one(c).await?),
    )
}

pub async fn insert(tx: &mut Tx, f: &SystemFields) -> StoreResult<System> {
    let owner = owner_name(tx, f.owner_org_id).await?;
    let now = ungcuu_domain::time::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO systems (owner_org_id, operator_name, name, domains, public_ip_ranges, ips, security_level, level_state, \
         level_doc_number, level_doc_date, critical, security_provider, connectivity_provider, os, os_version, services, \
         measures, purpose, status, search, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,'in_service',$19,$20,$20) RETURNING id")
        .bind(f.owner_org_id.0).bind(&f.operator_name).bind(&f.name).bind(f.domains.join("\n"))
        .bind(f.public_ip_ranges.join("\n")).bind(f.ips.join("\n")).bind(f.security_level).bind(&f.level_state)
        .bind(&f.level_doc_number).bind(f.level_doc_date).bind(f.critical).bind(&f.security_provider)
        .bind(&f.connectivity_provider).bind(&f.os).bind(&f.os_version).bind(f.services.join("\n"))
        .bind(f.measures.join("\n")).bind(&f.purpose).bind(f.search_text(&owner)).bind(now)
        .fetch_one(c).await?);
    get_in(tx, id).await
}

pub async fn update(tx: &mut Tx, id: i64, f: &SystemFields) -> StoreResult<System> {
    let owner = owner_name(tx, f.owner_org_id).await?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE systems SET owner_org_id=$1, operator_name=$2, name=$3, domains=$4, public_ip_ranges=$5, ips=$6, \
         security_level=$7, level_state=$8, level_doc_number=$9, level_doc_date=$10, critical=$11, security_provider=$12, \
         connectivity_provider=$13, os=$14, os_version=$15, services=$16, measures=$17, purpose=$18, search=$19, \
         updated_at=$20 WHERE id=$21")
        .bind(f.owner_org_id.0).bind(&f.operator_name).bind(&f.name).bind(f.domains.join("\n"))
        .bind(f.public_ip_ranges.join("\n")).bind(f.ips.join("\n")).bind(f.security_level).bind(&f.level_state)
        .bind(&f.level_doc_number).bind(f.level_doc_date).bind(f.critical).bind(&f.security_provider)
        .bind(&f.connectivity_provider).bind(&f.os).bind(&f.os_version).bind(f.services.join("\n"))
        .bind(f.measures.join("\n")).bind(&f.purpose).bind(f.search_text(&owner)).bind(ungcuu_domain::time::now()).bind(id)
        .execute(c).await?.rows_affected());
    get_in(tx, id).await
}

pub async fn set_status(tx: &mut Tx, id: i64, status: SystemStatus) -> StoreResult<System> {
    on_tx!(tx, c => sqlx::query("UPDATE systems SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.code()).bind(ungcuu_domain::time::now()).bind(id).execute(c).await?.rows_affected());
    get_in(tx, id).await
}

#[derive(Debug, Clone, Default)]
pub struct SystemFilter {
    pub within: Option<OrgPath>,
    pub owner: Option<OrgId>,
    /// Diacritics- and case-insensitive substring of name, owner, operator, domains, addresses.
    pub query: Option<String>,
    pub level: Option<i64>,
    pub critical: Option<bool>,
    pub include_retired: bool,
    pub limit: i64,
    pub offset: i64,
}

/// A value bound to a placeholder of a query built at run time.
enum Param {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// The conditions of a list, with only the filters in use, so each backend's planner sees a
/// plain query it can answer from an index (`($1 IS NULL OR …)` hides the indexes).
fn conditions(backend: Backend, f: &SystemFilter, q: Option<String>) -> (String, Vec<Param>) {
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("${}", params.len())
    };
    if !f.include_retired {
        conds.push("s.status = 'in_service'".into());
    }
    if let Some(w) = &f.within {
        let n = next(Param::Text(w.as_str().to_string()), &mut params);
        conds.push(format!(
            "s.owner_org_id IN (SELECT id FROM orgs WHERE path LIKE {n} || '%')"
        ));
    }
    if let Some(o) = f.owner {
        let n = next(Param::Int(o.0), &mut params);
        conds.push(format!("s.owner_org_id = {n}"));
    }
    if let Some(q) = q {
        // Trigram indexes need three characters; shorter queries scan the folded column.
        if backend == Backend::Sqlite && q.chars().count() >= 3 {
            let phrase = format!("\"{}\"", q.replace('"', "\"\""));
            let n = next(Param::Text(phrase), &mut params);
            conds.push(format!(
                "s.id IN (SELECT rowid FROM systems_fts WHERE systems_fts MATCH {n})"
            ));
        } else {
            let n = next(Param::Text(q), &mut params);
            conds.push(format!("s.search LIKE '%' || {n} || '%'"));
        }
    }
    if let Some(l) = f.level {
        let n = next(Param::Int(l), &mut params);
        conds.push(format!("s.security_level = {n}"));
    }
    if let Some(c) = f.critical {
        let n = next(Param::Bool(c), &mut params);
        conds.push(format!("s.critical = {n}"));
    }
    let where_ = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    (where_, params)
}

macro_rules! bind_all {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                Param::Text(v) => q.bind(v.clone()),
                Param::Int(v) => q.bind(*v),
                Param::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// One page of systems, by name, and the number of all that match. The page's ids are found
/// on the systems table alone (an index walk, even deep into the list); only those 50 rows
/// are then joined to their owners.
pub async fn list(db: &Db, f: &SystemFilter) -> StoreResult<(Vec<System>, i64)> {
    let q = f.query.as_deref().map(fold).filter(|q| !q.is_empty());
    let (where_, params) = conditions(db.backend(), f, q);
    let limit = if f.limit <= 0 { 50 } else { f.limit.min(1000) };
    let offset = f.offset.max(0);
    let sql = format!(
        "{SELECT} WHERE s.id IN (SELECT s.id FROM systems s{where_} ORDER BY s.name, s.id LIMIT {limit} OFFSET {offset}) \
         ORDER BY s.name, s.id"
    );
    let count_sql = format!("SELECT COUNT(*) FROM systems s{where_}");
    let rows: Vec<Row> = on_db!(db, c => bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &params).fetch_all(c).await?);
    let total: i64 = on_db!(db, c => bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql)), &params).fetch_one(c).await?);
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

pub async fn count(db: &Db) -> StoreResult<i64> {
    Ok(
        on_db!(db, c => sqlx::query_scalar("SELECT COUNT(*) FROM systems WHERE status = 'in_service'").fetch_one(c).await?),
    )
}

/// Every system within `within` (all when `None`), by owner's place in the hierarchy then
/// name, without paging: for exports and bulk checks. Retired systems only when asked.
pub async fn list_all(
    db: &Db,
    within: Option<&OrgPath>,
    include_retired: bool,
) -> StoreResult<Vec<System>> {
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR o.path LIKE $1 || '%') AND ($2 OR s.status = 'in_service') \
         ORDER BY o.path, s.name, s.id"
    );
    let within = within.map(|p| p.as_str().to_string());
    let rows: Vec<Row> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(within).bind(include_retired).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// What intake needs to know of an organisation's systems in service: name, level and whether
/// it is on the critical list.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SystemSigns {
    pub name: String,
    pub security_level: Option<i64>,
    pub critical: bool,
}

/// Read before a report's transaction, on the read pool: the serious flag is a filing-time
/// hint, and one round trip less on the (single, on SQLite) writer per report.
pub async fn signs_for_org(db: &Db, org: OrgId) -> StoreResult<Vec<SystemSigns>> {
    Ok(on_db!(db, c => sqlx::query_as(
        "SELECT name, security_level, critical FROM systems WHERE owner_org_id = $1 AND status = 'in_service'")
        .bind(org.0).fetch_all(c).await?))
}
