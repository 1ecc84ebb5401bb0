//! The response team's roster (re-issued by dated decisions, kept whole in history) and the
//! lead's delegations (ủy quyền). Rows are only ever added; a delegation is withdrawn by
//! setting `revoked_at`.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ungcuu_domain::delegation::DelegationScope;
use ungcuu_domain::ids::{DelegationId, RosterId};
use ungcuu_domain::roster::MemberRole;
use ungcuu_domain::{OrgId, UserId};

/// One decision (quyết định kiện toàn) and the members it names.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Roster {
    pub id: RosterId,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub signer_name: String,
    pub signer_title: String,
    /// In force from this date until a roster with a later date takes over.
    pub effective_from: NaiveDate,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
    /// In the decision's order.
    pub members: Vec<Member>,
}

impl Roster {
    /// The Đội trưởng (every stored roster has exactly one).
    pub fn lead(&self) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.role == MemberRole::DoiTruong)
    }

    pub fn member_for_user(&self, user: UserId) -> Option<&Member> {
        self.members.iter().find(|m| m.user_id == Some(user))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Member {
    pub id: i64,
    /// 1, 2, 3… in the decision.
    pub position: i64,
    pub name: String,
    pub role: MemberRole,
    /// Cơ quan, đơn vị as written in the decision.
    pub agency: String,
    /// The agency in the registry, when it is there.
    pub org_id: Option<OrgId>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Set when the member is a user of the system.
    pub user_id: Option<UserId>,
    /// The linked account's email.
    pub user_email: Option<String>,
}

/// A roster to record, already checked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewRoster {
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub signer_name: String,
    pub signer_title: String,
    pub effective_from: NaiveDate,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub members: Vec<NewMember>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewMember {
    pub name: String,
    pub role: MemberRole,
    pub agency: String,
    pub org_id: Option<OrgId>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub user_id: Option<UserId>,
}

#[derive(sqlx::FromRow)]
struct RosterRow {
    id: i64,
    decision_number: String,
    decision_date: NaiveDate,
    signer_name: String,
    signer_title: String,
    effective_from: NaiveDate,
    note: Option<String>,
    created_at: DateTime<Utc>,
    created_by: Option<i64>,
}

impl RosterRow {
    fn into_roster(self, members: Vec<Member>) -> Roster {
        Roster {
            id: RosterId(self.id),
            decision_number: self.decision_number,
            decision_date: self.decision_date,
            signer_name: self.signer_name,
            signer_title: self.signer_title,
            effective_from: self.effective_from,
            note: self.note,
            created_at: self.created_at,
            created_by: self.created_by.map(UserId),
            members,
        }
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    roster_id: i64,
    position: i64,
    name: String,
    role: String,
    agency: String,
    org_id: Option<i64>,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    user_id: Option<i64>,
    user_email: Option<String>,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> StoreResult<Member> {
        // The schema allows only the five roles; anything else is a corrupt row, never
        // quietly another role (a wrong lead would hand over authority).
        let role = r.role.parse().map_err(|()| {
            StoreError::Db(sqlx::Error::Decode(
                format!("unknown roster role {}", r.role).into(),
            ))
        })?;
        Ok(Member {
            id: r.id,
            position: r.position,
            name: r.name,
            role,
            agency: r.agency,
            org_id: r.org_id.map(OrgId),
            title: r.title,
            phone: r.phone,
            email: r.email,
            user_id: r.user_id.map(UserId),
            user_email: r.user_email,
        })
    }
}

const SELECT_ROSTER: &str = "SELECT id, decision_number, decision_date, signer_name, signer_title, \
     effective_from, note, created_at, created_by FROM rosters";

const SELECT_MEMBER: &str = "SELECT m.id, m.roster_id, m.position, m.name, m.role, m.agency, \
     m.org_id, m.title, m.phone, m.email, m.user_id, u.email AS user_email \
     FROM roster_members m LEFT JOIN users u ON u.id = m.user_id";

/// Attaches each roster's members (one query for all of them).
fn assemble(rows: Vec<RosterRow>, members: Vec<MemberRow>) -> StoreResult<Vec<Roster>> {
    let mut by_roster: std::collections::HashMap<i64, Vec<Member>> = Default::default();
    for m in members {
        let rid = m.roster_id;
        by_roster.entry(rid).or_default().push(m.try_into()?);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let ms = by_roster.remove(&r.id).unwrap_or_default();
            r.into_roster(ms)
        })
        .collect())
}

async fn with_members(db: &Db, rows: Vec<RosterRow>) -> StoreResult<Vec<Roster>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let members: Vec<MemberRow> = if rows.len() == 1 {
        let sql = format!("{SELECT_MEMBER} WHERE m.roster_id = $1 ORDER BY m.position");
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(rows[0].id).fetch_all(c).await?)
    } else {
        let sql = format!("{SELECT_MEMBER} ORDER BY m.roster_id, m.position");
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?)
    };
    assemble(rows, members)
}

pub async fn get(db: &Db, id: RosterId) -> StoreResult<Roster> {
    let sql = format!("{SELECT_ROSTER} WHERE id = $1");
    let row: Option<RosterRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    let row = row.ok_or(StoreError::NotFound)?;
    with_members(db, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn get_in(tx: &mut Tx, id: RosterId) -> StoreResult<Roster> {
    let sql = format!("{SELECT_ROSTER} WHERE id = $1");
    let row: Option<RosterRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    let row = row.ok_or(StoreError::NotFound)?;
    let sql = format!("{SELECT_MEMBER} WHERE m.roster_id = $1 ORDER BY m.position");
    let members: Vec<MemberRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_all(c).await?);
    assemble(vec![row], members)?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The roster in force on `date`: the latest `effective_from` on or before it, on a tie the
/// one recorded last.
pub async fn in_force(db: &Db, date: NaiveDate) -> StoreResult<Option<Roster>> {
    let sql = format!(
        "{SELECT_ROSTER} WHERE effective_from <= $1 ORDER BY effective_from DESC, id DESC LIMIT 1"
    );
    let row: Option<RosterRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(date).fetch_optional(c).await?);
    match row {
        Some(r) => Ok(with_members(db, vec![r]).await?.pop()),
        None => Ok(None),
    }
}

/// Every roster ever recorded, the latest in force first (the history of decisions).
pub async fn list(db: &Db) -> StoreResult<Vec<Roster>> {
    let sql = format!("{SELECT_ROSTER} ORDER BY effective_from DESC, id DESC");
    let rows: Vec<RosterRow> =
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?);
    with_members(db, rows).await
}

pub async fn insert(tx: &mut Tx, r: &NewRoster) -> StoreResult<Roster> {
    let now = ungcuu_domain::time::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO rosters (decision_number, decision_date, signer_name, signer_title, effective_from, \
         note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(&r.decision_number).bind(r.decision_date).bind(&r.signer_name).bind(&r.signer_title)
        .bind(r.effective_from).bind(&r.note).bind(now).bind(r.created_by.map(|u| u.0))
        .fetch_one(c).await?);
    for (i, m) in r.members.iter().enumerate() {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO roster_members (roster_id, position, name, role, agency, org_id, title, phone, \
             email, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(id).bind(i as i64 + 1).bind(&m.name).bind(m.role.code()).bind(&m.agency)
            .bind(m.org_id.map(|o| o.0)).bind(&m.title).bind(&m.phone).bind(&m.email)
            .bind(m.user_id.map(|u| u.0))
            .execute(c).await?.rows_affected());
    }
    get_in(tx, RosterId(id)).await
}

/// A delegation of the lead's authority, with the names of both people.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Delegation {
    pub id: DelegationId,
    pub lead_user_id: UserId,
    pub lead_name: String,
    pub delegate_user_id: UserId,
    pub delegate_name: String,
    /// The period is half-open: from `starts_at` up to, not including, `ends_at`.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub scope: DelegationScope,
    pub reason: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
}

impl Delegation {
    /// The domain's view, for [`ungcuu_domain::delegation::holder_at`]; `delegate` is whatever
    /// the caller wants back for the holder.
    pub fn rule<P>(&self, delegate: P) -> ungcuu_domain::delegation::Delegation<P> {
        ungcuu_domain::delegation::Delegation {
            delegate,
            from: self.starts_at,
            until: self.ends_at,
            scope: self.scope,
            issued_seq: self.id.0,
            revoked_at: self.revoked_at,
        }
    }

    pub fn active_at(&self, t: DateTime<Utc>) -> bool {
        self.rule(()).active_at(t)
    }
}

#[derive(sqlx::FromRow)]
struct DelegationRow {
    id: i64,
    lead_user_id: i64,
    lead_name: String,
    delegate_user_id: i64,
    delegate_name: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    scope: String,
    reason: String,
    revoked_at: Option<DateTime<Utc>>,
    revoked_reason: Option<String>,
    created_at: DateTime<Utc>,
    created_by: Option<i64>,
}

impl TryFrom<DelegationRow> for Delegation {
    type Error = StoreError;
    fn try_from(r: DelegationRow) -> StoreResult<Delegation> {
        let scope = r.scope.parse().map_err(|()| {
            StoreError::Db(sqlx::Error::Decode(
                format!("unknown delegation scope {}", r.scope).into(),
            ))
        })?;
        Ok(Delegation {
            id: DelegationId(r.id),
            lead_user_id: UserId(r.lead_user_id),
            lead_name: r.lead_name,
            delegate_user_id: UserId(r.delegate_user_id),
            delegate_name: r.delegate_name,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            scope,
            reason: r.reason,
            revoked_at: r.revoked_at,
            revoked_reason: r.revoked_reason,
            created_at: r.created_at,
            created_by: r.created_by.map(UserId),
        })
    }
}

const SELECT_DELEGATION: &str = "SELECT d.id, d.lead_user_id, l.name AS lead_name, d.delegate_user_id, \
     g.name AS delegate_name, d.starts_at, d.ends_at, d.scope, d.reason, d.revoked_at, d.revoked_reason, \
     d.created_at, d.created_by FROM delegations d JOIN users l ON l.id = d.lead_user_id \
     JOIN users g ON g.id = d.delegate_user_id";

fn many(rows: Vec<DelegationRow>) -> StoreResult<Vec<Delegation>> {
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn get_delegation(db: &Db, id: DelegationId) -> StoreResult<Delegation> {
    let sql = format!("{SELECT_DELEGATION} WHERE d.id = $1");
    let row: Option<DelegationRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn get_delegation_in(tx: &mut Tx, id: DelegationId) -> StoreResult<Delegation> {
    let sql = format!("{SELECT_DELEGATION} WHERE d.id = $1");
    let row: Option<DelegationRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Every delegation, the latest issued first.
pub async fn list_delegations(db: &Db) -> StoreResult<Vec<Delegation>> {
    let sql = format!("{SELECT_DELEGATION} ORDER BY d.id DESC");
    many(on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?))
}

/// The delegations one lead has issued (the few that can decide who holds their authority).
pub async fn delegations_of(db: &Db, lead: UserId) -> StoreResult<Vec<Delegation>> {
    let sql = format!("{SELECT_DELEGATION} WHERE d.lead_user_id = $1 ORDER BY d.id");
    many(on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(lead.0).fetch_all(c).await?))
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NewDelegation {
    pub lead_user_id: UserId,
    pub delegate_user_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub scope: DelegationScope,
    pub reason: String,
    pub created_by: Option<UserId>,
}

pub async fn insert_delegation(tx: &mut Tx, d: &NewDelegation) -> StoreResult<Delegation> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO delegations (lead_user_id, delegate_user_id, starts_at, ends_at, scope, reason, \
         created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(d.lead_user_id.0).bind(d.delegate_user_id.0).bind(d.starts_at).bind(d.ends_at)
        .bind(d.scope.code()).bind(&d.reason).bind(ungcuu_domain::time::now()).bind(d.created_by.map(|u| u.0))
        .fetch_one(c).await?);
    get_delegation_in(tx, DelegationId(id)).await
}

/// Withdraws a delegation from `at` on; a delegation already withdrawn keeps its first
/// withdrawal.
pub async fn revoke_delegation(
    tx: &mut Tx,
    id: DelegationId,
    at: DateTime<Utc>,
    reason: &str,
) -> StoreResult<Delegation> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE delegations SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(at).bind(reason).bind(id.0).execute(c).await?.rows_affected());
    get_delegation_in(tx, id).await
}
