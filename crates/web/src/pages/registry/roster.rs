//! Đội ứng cứu sự cố: the roster in force (or at a past date) with who holds the lead's
//! authority now and the history of decisions; re-issuing the roster (kiện toàn); delegating
//! the lead's authority (ủy quyền) and withdrawing it.

use crate::context::Signed;
use crate::error::PageResult;
use crate::pages::Posted;
use crate::render::{Chrome, FormErrors, page, when};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use ungcuu_app::registry::roster::{
    AuthorityHolder, DelegationInput, MemberInput, RevokeInput, RosterInput, today_vn,
};
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::delegation::DelegationScope;
use ungcuu_domain::ids::{DelegationId, RosterId};
use ungcuu_domain::roster::{MemberRole, member_field};
use ungcuu_store::registry::roster::{Delegation, Roster};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registry/roster", get(show))
        .route("/registry/roster/new", get(new).post(issue))
        .route("/registry/roster/{id}", get(show_one))
        .route("/registry/delegations", get(delegations).post(delegate))
        .route("/registry/delegations/{id}/revoke", post(revoke))
}

/// Blank rows offered under the current members when re-issuing.
const BLANK_ROWS: usize = 5;

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `2026-11-21T08:30` in Vietnam time, as a `datetime-local` input shows it.
fn local_input(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&ungcuu_domain::time::vietnam())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// The roster

pub struct MemberView {
    pub n: i64,
    pub name: String,
    pub role: &'static str,
    pub lead: bool,
    pub title: String,
    pub agency: String,
    pub phone: String,
    pub email: String,
    /// The linked account's email when the member is a user of the system.
    pub user: Option<String>,
}

pub struct RosterView {
    pub id: i64,
    pub decision: String,
    pub signer: String,
    pub effective: String,
    pub note: Option<String>,
    pub members: Vec<MemberView>,
}

fn roster_view(c: &Chrome, r: &Roster) -> RosterView {
    RosterView {
        id: r.id.0,
        decision: c
            .t("roster.decision_line")
            .replace("{number}", &r.decision_number)
            .replace("{date}", &day(r.decision_date)),
        signer: format!("{} — {}", r.signer_name, r.signer_title),
        effective: day(r.effective_from),
        note: r.note.clone(),
        members: r
            .members
            .iter()
            .map(|m| MemberView {
                n: m.position,
                name: m.name.clone(),
                role: c.t(m.role.label_key()),
                lead: m.role == MemberRole::DoiTruong,
                title: m.title.clone().unwrap_or_default(),
                agency: m.agency.clone(),
                phone: m.phone.clone().unwrap_or_default(),
                email: m.email.clone().unwrap_or_default(),
                user: m.user_email.clone(),
            })
            .collect(),
    }
}

pub struct HolderView {
    pub action: &'static str,
    pub name: String,
    pub role: &'static str,
    pub delegated: bool,
    /// "theo ủy quyền, đến …" when held by delegation.
    pub how: String,
}

fn holder_views(c: &Chrome, hs: &[AuthorityHolder]) -> Vec<HolderView> {
    hs.iter()
        .map(|h| HolderView {
            action: c.t(h.action.label_key()),
            name: h.name.clone(),
            role: c.t(h.role.label_key()),
            delegated: h.delegation.is_some(),
            how: h
                .delegation
                .as_ref()
                .map(|d| {
                    c.t("roster.by_delegation")
                        .replace("{until}", &when(&d.ends_at))
                })
                .unwrap_or_default(),
        })
        .collect()
}

pub struct HistoryRow {
    pub id: i64,
    pub number: String,
    pub date: String,
    pub signer: String,
    pub effective: String,
    pub members: usize,
    pub status: &'static str,
    pub shown: bool,
}

#[derive(Template)]
#[template(path = "roster/roster.html")]
struct RosterPage {
    c: Chrome,
    errors: FormErrors,
    roster: Option<RosterView>,
    /// The date the roster was read for, for the date input.
    at: String,
    /// The members' search, as typed.
    q: String,
    /// "Danh sách có hiệu lực vào ngày …" when not today's, or the decision page's heading.
    heading: Option<String>,
    none: String,
    holders: Vec<HolderView>,
    history: Vec<HistoryRow>,
    can_issue: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RosterQuery {
    at: String,
    q: String,
    ok: Option<String>,
}

async fn show(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<RosterQuery>,
) -> PageResult {
    let (status, errors, read) = match st.app.search_roster(&actor, &q.at, &q.q).await {
        Ok(r) => (StatusCode::OK, FormErrors::default(), r),
        // A date that is not a date: say so, and show today's roster.
        Err(AppError::Invalid(i)) => match st.app.search_roster(&actor, "", &q.q).await {
            Ok(r) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::new(&i.0, ctx.lang),
                r,
            ),
            Err(e) => return Err(e.into()),
        },
        Err(e) => return Err(e.into()),
    };
    let (date, roster) = read;
    let c = Chrome::new(&ctx, "registry").with_notice(q.ok.as_deref());
    let heading =
        (date != today_vn()).then(|| c.t("roster.showing_at").replace("{date}", &day(date)));
    render_roster(&st, &actor, c, errors, date, roster, heading, q.q, status).await
}

async fn show_one(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let r = st.app.get_roster(&actor, RosterId(id)).await?;
    let c = Chrome::new(&ctx, "registry");
    let heading = Some(c.t("roster.decision").to_string());
    let date = r.effective_from;
    render_roster(
        &st,
        &actor,
        c,
        FormErrors::default(),
        date,
        Some(r),
        heading,
        String::new(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render_roster(
    st: &AppState,
    actor: &Actor,
    c: Chrome,
    errors: FormErrors,
    date: NaiveDate,
    roster: Option<Roster>,
    heading: Option<String>,
    q: String,
    status: StatusCode,
) -> PageResult {
    let (all, holders, in_force) = tokio::try_join!(
        st.app.rosters(actor),
        st.app.authority_now(actor),
        st.app.roster_at(actor, ""),
    )?;
    let today = today_vn();
    let current_id = in_force.1.map(|r| r.id);
    let shown_id = roster.as_ref().map(|r| r.id);
    let history = all
        .iter()
        .map(|r| HistoryRow {
            id: r.id.0,
            number: r.decision_number.clone(),
            date: day(r.decision_date),
            signer: format!("{} — {}", r.signer_name, r.signer_title),
            effective: day(r.effective_from),
            members: r.members.len(),
            status: if Some(r.id) == current_id {
                c.t("roster.in_force")
            } else if r.effective_from > today {
                c.t("roster.pending")
            } else {
                c.t("roster.superseded")
            },
            shown: Some(r.id) == shown_id,
        })
        .collect();
    let page_data = RosterPage {
        roster: roster.as_ref().map(|r| roster_view(&c, r)),
        at: iso(date),
        q,
        heading,
        none: if all.is_empty() {
            c.t("roster.none").to_string()
        } else {
            c.t("roster.none_at").replace("{date}", &day(date))
        },
        holders: holder_views(&c, &holders),
        history,
        can_issue: actor.rights().issue_roster,
        errors,
        c,
    };
    Ok(page(&page_data, status))
}

// ---------------------------------------------------------------------------------------------
// Re-issuing the roster (kiện toàn)

/// One input of a member row: its form name, its id (as [`FormErrors::id`] makes it, so the
/// error summary links to it), its value, its error and its label ("Họ và tên (dòng 3)").
pub struct Cell {
    pub name: String,
    pub id: String,
    pub value: String,
    pub err: String,
    pub label: String,
}

pub struct RowView {
    pub n: usize,
    pub name: Cell,
    pub role: Cell,
    pub title: Cell,
    pub agency: Cell,
    pub phone: Cell,
    pub email: Cell,
    pub user: Cell,
}

fn row_view(c: &Chrome, errors: &FormErrors, i: usize, m: &MemberInput) -> RowView {
    let row = c.t("field.row").replace("{n}", &(i + 1).to_string());
    let cell = |field: &str, value: &str| {
        let f = member_field(i, field);
        Cell {
            name: f.clone(),
            id: errors.id(&f),
            value: value.to_string(),
            err: errors.get(&f).to_string(),
            label: format!("{} ({row})", c.t(&format!("field.members.{field}"))),
        }
    };
    RowView {
        n: i + 1,
        name: cell("name", &m.name),
        role: cell("role", &m.role),
        title: cell("title", &m.title),
        agency: cell("agency", &m.agency),
        phone: cell("phone", &m.phone),
        email: cell("email", &m.email),
        user: cell("user_id", &m.user_id),
    }
}

pub struct Choice {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "roster/form.html")]
struct Form {
    c: Chrome,
    v: RosterInput,
    rows: Vec<RowView>,
    errors: FormErrors,
    roles: Vec<(&'static str, &'static str)>,
    agencies: Vec<String>,
    users: Vec<Choice>,
    current: Option<String>,
}

async fn form(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    v: RosterInput,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let (orgs, users, current) = tokio::try_join!(
        st.app.list_orgs(actor, None, false),
        st.app.list_users(actor),
        st.app.roster_at(actor, ""),
    )?;
    let c = Chrome::new(ctx, "registry");
    let roles = MemberRole::ALL
        .iter()
        .map(|r| (r.code(), c.t(r.label_key())))
        .collect();
    let agencies = orgs
        .into_iter()
        .filter(|o| o.archived_at.is_none())
        .map(|o| o.name)
        .collect();
    let mut users: Vec<Choice> = users
        .into_iter()
        .filter(|u| u.disabled_at.is_none())
        .map(|u| Choice {
            id: u.id.to_string(),
            label: format!("{} — {}", u.name, u.email),
        })
        .collect();
    users.sort_by(|a, b| a.label.cmp(&b.label));
    let rows = v
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| row_view(&c, &errors, i, m))
        .collect();
    let current = current.1.map(|r| {
        c.t("roster.decision_line")
            .replace("{number}", &r.decision_number)
            .replace("{date}", &day(r.decision_date))
    });
    Ok(page(
        &Form {
            c,
            v,
            rows,
            errors,
            roles,
            agencies,
            users,
            current,
        },
        status,
    ))
}

async fn new(State(st): State<AppState>, Signed(ctx, actor): Signed) -> PageResult {
    let current = st.app.roster_to_reissue(&actor).await?;
    let v = RosterInput::reissue(current.as_ref(), BLANK_ROWS);
    form(&st, &ctx, &actor, v, FormErrors::default(), StatusCode::OK).await
}

async fn issue(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> PageResult {
    let v = RosterInput::from_pairs(&pairs)?;
    match st.app.issue_roster(&actor, &v).await {
        Ok(_) => Ok(Redirect::to("/registry/roster?ok=roster.created").into_response()),
        Err(AppError::Invalid(i)) => {
            form(
                &st,
                &ctx,
                &actor,
                v,
                FormErrors::new(&i.0, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Delegation (ủy quyền)

pub struct DelegationRow {
    pub id: i64,
    pub lead: String,
    pub delegate: String,
    pub from: String,
    pub until: String,
    pub scope: &'static str,
    pub reason: String,
    pub status: &'static str,
    pub revoked: Option<String>,
    pub can_revoke: bool,
}

#[derive(Template)]
#[template(path = "roster/delegations.html")]
struct DelegationsPage {
    c: Chrome,
    lead: Option<String>,
    holders: Vec<HolderView>,
    can_delegate: bool,
    candidates: Vec<Choice>,
    scopes: Vec<(&'static str, &'static str)>,
    v: DelegationInput,
    errors: FormErrors,
    rows: Vec<DelegationRow>,
    /// The delegation whose withdrawal was refused (0: none), and the reason typed for it.
    revoke_id: i64,
    revoke_reason: String,
}

fn delegation_row(c: &Chrome, actor: &Actor, d: &Delegation) -> DelegationRow {
    let now = ungcuu_domain::time::now();
    let status = if d.revoked_at.is_some() {
        "delegation.status.revoked"
    } else if now < d.starts_at {
        "delegation.status.upcoming"
    } else if now < d.ends_at {
        "delegation.status.active"
    } else {
        "delegation.status.ended"
    };
    DelegationRow {
        id: d.id.0,
        lead: d.lead_name.clone(),
        delegate: d.delegate_name.clone(),
        from: when(&d.starts_at),
        until: when(&d.ends_at),
        scope: c.t(d.scope.label_key()),
        reason: d.reason.clone(),
        status: c.t(status),
        revoked: d.revoked_at.map(|at| {
            c.t("delegation.revoked_note")
                .replace("{at}", &when(&at))
                .replace("{reason}", d.revoked_reason.as_deref().unwrap_or(""))
        }),
        can_revoke: d.revoked_at.is_none()
            && now < d.ends_at
            && ungcuu_app::registry::roster::may_manage_delegations(actor, d.lead_user_id),
    }
}

struct Refused {
    errors: FormErrors,
    v: DelegationInput,
    revoke: Option<(i64, String)>,
}

async fn render_delegations(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    notice: Option<&str>,
    refused: Option<Refused>,
) -> PageResult {
    let (list, holders, current) = tokio::try_join!(
        st.app.delegations(actor),
        st.app.authority_now(actor),
        st.app.roster_at(actor, ""),
    )?;
    let c = Chrome::new(ctx, "registry").with_notice(notice);
    let roster = current.1;
    let lead = roster.as_ref().and_then(|r| r.lead());
    let can_delegate = lead
        .and_then(|l| l.user_id)
        .is_some_and(|l| ungcuu_app::registry::roster::may_manage_delegations(actor, l));
    let candidates = roster
        .as_ref()
        .map(|r| {
            r.members
                .iter()
                .filter(|m| m.role.may_act_for_lead() && m.user_id.is_some())
                .map(|m| Choice {
                    id: m.user_id.map(|u| u.to_string()).unwrap_or_default(),
                    label: format!("{} — {}", m.name, c.t(m.role.label_key())),
                })
                .collect()
        })
        .unwrap_or_default();
    let scopes = DelegationScope::ALL
        .iter()
        .map(|s| (s.code(), c.t(s.label_key())))
        .collect();
    let rows = list.iter().map(|d| delegation_row(&c, actor, d)).collect();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let Refused { errors, v, revoke } = refused.unwrap_or_else(|| Refused {
        errors: FormErrors::default(),
        v: DelegationInput {
            starts_at: local_input(ungcuu_domain::time::now()),
            ..Default::default()
        },
        revoke: None,
    });
    let (revoke_id, revoke_reason) = match revoke {
        Some((id, r)) => (id, r),
        None => (0, String::new()),
    };
    Ok(page(
        &DelegationsPage {
            lead: lead.map(|l| c.t("delegation.lead_is").replace("{name}", &l.name)),
            holders: holder_views(&c, &holders),
            can_delegate,
            candidates,
            scopes,
            v,
            errors,
            rows,
            revoke_id,
            revoke_reason,
            c,
        },
        status,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OkQuery {
    ok: Option<String>,
}

async fn delegations(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<OkQuery>,
) -> PageResult {
    render_delegations(&st, &ctx, &actor, q.ok.as_deref(), None).await
}

async fn delegate(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(v): Posted<DelegationInput>,
) -> PageResult {
    match st.app.create_delegation(&actor, &v).await {
        Ok(_) => Ok(Redirect::to("/registry/delegations?ok=delegation.created").into_response()),
        Err(AppError::Invalid(i)) => {
            let refused = Refused {
                errors: FormErrors::new(&i.0, ctx.lang),
                v,
                revoke: None,
            };
            render_delegations(&st, &ctx, &actor, None, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(v): Posted<RevokeInput>,
) -> PageResult {
    match st.app.revoke_delegation(&actor, DelegationId(id), &v).await {
        Ok(_) => Ok(Redirect::to("/registry/delegations?ok=delegation.revoked").into_response()),
        Err(AppError::Invalid(i)) => {
            let refused = Refused {
                errors: FormErrors::new(&i.0, ctx.lang),
                v: DelegationInput {
                    starts_at: local_input(ungcuu_domain::time::now()),
                    ..Default::default()
                },
                revoke: Some((id, v.reason)),
            };
            render_delegations(&st, &ctx, &actor, None, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}
