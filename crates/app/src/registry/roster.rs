//! The response team: issuing the roster by decision (kiện toàn), reading the roster in force
//! at any date and the history of decisions, delegating the lead's authority (ủy quyền) and
//! withdrawing it, and answering who holds that authority at an instant.
//!
//! Nothing is deleted: a new roster supersedes the one before it from its effective date, and a
//! delegation is withdrawn with a reason.

use crate::App;
use crate::access::{Actor, json};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ungcuu_domain::delegation::{DelegationScope, LeadAction, holder_at};
use ungcuu_domain::ids::{DelegationId, RosterId};
use ungcuu_domain::roster::{MemberRole, check_one_lead, instant, member_field};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, FieldError, Invalid, OrgId, Role, UserId};
use ungcuu_store::registry::roster::{
    self, Delegation, NewDelegation, NewMember, NewRoster, Roster,
};
use ungcuu_store::{StoreError, accounts::users, audit, registry::orgs};

/// The most member rows one decision may carry.
pub const MEMBERS_MAX: usize = 200;

/// A roster decision as typed into the form, the API or an import: raw text, checked here.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RosterInput {
    /// Số quyết định, e.g. `1008/QĐ-UBND`.
    pub decision_number: String,
    /// Ngày ký: `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub decision_date: String,
    pub signer_name: String,
    pub signer_title: String,
    /// Ngày hiệu lực; empty when the decision takes effect on the day it is signed.
    pub effective_from: String,
    pub note: String,
    /// In the decision's order. Rows left entirely blank are ignored; errors name a row by
    /// its index here (`members[2].role`).
    pub members: Vec<MemberInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberInput {
    pub name: String,
    /// `doi_truong`, `doi_pho`, `thuong_truc`, `thu_ky` or `thanh_vien`.
    pub role: String,
    pub title: String,
    /// Cơ quan, đơn vị; may be left empty when `org_id` names it.
    pub agency: String,
    /// The agency's id in the registry, or empty: then an agency written exactly as a
    /// registered organisation's name is linked to it.
    pub org_id: String,
    pub phone: String,
    pub email: String,
    /// The member's account when they are a user of the system, or empty.
    pub user_id: String,
}

impl MemberInput {
    pub fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.role,
            &self.title,
            &self.agency,
            &self.org_id,
            &self.phone,
            &self.email,
            &self.user_id,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    pub fn from_member(m: &roster::Member) -> MemberInput {
        MemberInput {
            name: m.name.clone(),
            role: m.role.code().into(),
            title: m.title.clone().unwrap_or_default(),
            agency: m.agency.clone(),
            org_id: m.org_id.map(|o| o.to_string()).unwrap_or_default(),
            phone: m.phone.clone().unwrap_or_default(),
            email: m.email.clone().unwrap_or_default(),
            user_id: m.user_id.map(|u| u.to_string()).unwrap_or_default(),
        }
    }

    fn set(&mut self, field: &str, value: String) -> bool {
        let slot = match field {
            "name" => &mut self.name,
            "role" => &mut self.role,
            "title" => &mut self.title,
            "agency" => &mut self.agency,
            "org_id" => &mut self.org_id,
            "phone" => &mut self.phone,
            "email" => &mut self.email,
            "user_id" => &mut self.user_id,
            _ => return false,
        };
        *slot = value;
        true
    }
}

impl RosterInput {
    /// The form for re-issuing the roster: a new decision, the members of `current` (when
    /// there is one) and `blank_rows` empty rows to add people.
    pub fn reissue(current: Option<&Roster>, blank_rows: usize) -> RosterInput {
        let mut members: Vec<MemberInput> = current
            .map(|r| r.members.iter().map(MemberInput::from_member).collect())
            .unwrap_or_default();
        members.extend((0..blank_rows).map(|_| MemberInput::default()));
        RosterInput {
            members,
            ..Default::default()
        }
    }

    /// Reads a submitted form: the decision's fields by name, each member row's as
    /// `members[i].name`, `members[i].role`… (a flat form cannot nest). Unknown names are
    /// ignored, as a form's buttons and CSRF token are.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<RosterInput, Invalid> {
        let mut input = RosterInput::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "decision_number" => input.decision_number = v,
                "decision_date" => input.decision_date = v,
                "signer_name" => input.signer_name = v,
                "signer_title" => input.signer_title = v,
                "effective_from" => input.effective_from = v,
                "note" => input.note = v,
                _ => {
                    let Some((i, field)) = k
                        .strip_prefix("members[")
                        .and_then(|r| r.split_once("]."))
                        .and_then(|(i, f)| i.parse::<usize>().ok().map(|i| (i, f)))
                    else {
                        continue;
                    };
                    if i >= MEMBERS_MAX {
                        return Err(Invalid::one(
                            "roster.members",
                            Reason::TooLong { max: MEMBERS_MAX },
                        ));
                    }
                    if input.members.len() <= i {
                        input.members.resize_with(i + 1, MemberInput::default);
                    }
                    input.members[i].set(field, v);
                }
            }
        }
        Ok(input)
    }

    /// Checks everything that needs no database: each filled row, and the roster as a whole
    /// (exactly one Đội trưởng).
    fn parse(&self, bad: &mut Invalid) -> Draft {
        let number = bad.check(validate::line(
            "roster.decision_number",
            &self.decision_number,
            100,
        ));
        let date = bad.check(validate::date("roster.decision_date", &self.decision_date));
        let signer = bad.check(validate::line("roster.signer_name", &self.signer_name, 120));
        let title = bad.check(validate::line(
            "roster.signer_title",
            &self.signer_title,
            200,
        ));
        let effective = bad.check(validate::optional_date(
            "roster.effective_from",
            &self.effective_from,
        ));
        let note = bad.check(validate::optional_line("roster.note", &self.note, 1000));
        if self.members.len() > MEMBERS_MAX {
            bad.push("roster.members", Reason::TooLong { max: MEMBERS_MAX });
            return Draft {
                roster: None,
                rows: vec![],
            };
        }
        let mut roles = Vec::new();
        let mut rows = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            if m.is_blank() {
                continue;
            }
            let f = |name: &str| member_field(i, name);
            let name = bad.check(validate::line(&f("name"), &m.name, 120));
            let role = bad.check(validate::choice(&f("role"), &m.role, |s| {
                s.parse::<MemberRole>().ok()
            }));
            let title = bad.check(validate::optional_line(&f("title"), &m.title, 200));
            let agency = bad.check(validate::optional_line(&f("agency"), &m.agency, 300));
            let org = bad.check(validate::optional_id(&f("org_id"), &m.org_id));
            let phone = bad.check(validate::optional_phone(&f("phone"), &m.phone));
            let email = bad.check(validate::optional_email(&f("email"), &m.email));
            let user = bad.check(validate::optional_id(&f("user_id"), &m.user_id));
            if let Some(r) = role {
                roles.push((i, r));
            }
            // The agency is written out, or taken from the registry's organisation.
            if matches!((&agency, &org), (Some(None), Some(None))) {
                bad.push(f("agency"), Reason::Required);
            }
            if let (Some(name), Some(role), Some(title), Some(agency), Some(org), Some(phone)) =
                (name, role, title, agency, org, phone)
                && let (Some(email), Some(user)) = (email, user)
            {
                rows.push((
                    i,
                    NewMember {
                        name,
                        role,
                        agency: agency.unwrap_or_default(),
                        org_id: org.map(OrgId),
                        title,
                        phone,
                        email,
                        user_id: user.map(UserId),
                    },
                ));
            }
        }
        bad.0.extend(check_one_lead(&roles));
        let roster = match (number, date, signer, title, effective, note) {
            (Some(number), Some(date), Some(signer), Some(title), Some(effective), Some(note)) => {
                Some(NewRoster {
                    decision_number: number,
                    decision_date: date,
                    signer_name: signer,
                    signer_title: title,
                    // "Có hiệu lực kể từ ngày ký" unless the decision says otherwise.
                    effective_from: effective.unwrap_or(date),
                    note,
                    created_by: None,
                    members: vec![],
                })
            }
            _ => None,
        };
        Draft { roster, rows }
    }
}

/// What parsed: the decision (when all its fields did) and every row that did, with its
/// index as submitted.
struct Draft {
    roster: Option<NewRoster>,
    rows: Vec<(usize, NewMember)>,
}

/// A delegation as typed into the form or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DelegationInput {
    /// The delegate's user id: a Đội phó or standing member on the roster in force.
    pub delegate_user_id: String,
    /// RFC 3339 (`2026-11-21T08:30:00+07:00`), or Vietnam time `2026-11-21T08:30`.
    pub starts_at: String,
    /// The first instant the delegation no longer applies; after `starts_at`.
    pub ends_at: String,
    /// `all` (toàn bộ thẩm quyền của Đội trưởng) or `coordination_only` (chỉ điều phối).
    pub scope: String,
    /// Lý do, e.g. "Đội trưởng đi công tác".
    pub reason: String,
}

/// Why a delegation is withdrawn early.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RevokeInput {
    pub reason: String,
}

/// Who holds the lead's authority for one kind of act at one instant.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AuthorityHolder {
    /// `coordinate`, `sign` or `decide`.
    #[schema(value_type = String)]
    pub action: LeadAction,
    pub at: DateTime<Utc>,
    /// The holder's account; empty when the lead holds it and is not a user of the system.
    pub user_id: Option<UserId>,
    pub name: String,
    /// The holder's role on the roster in force.
    pub role: MemberRole,
    /// The delegation the holder acts by; empty when the lead holds their own authority.
    pub delegation: Option<Delegation>,
    /// The roster in force at that instant.
    pub roster_id: RosterId,
}

/// Whether `actor` may delegate the authority of the lead `lead`, or withdraw their
/// delegations: the lead themself, or an administrator recording it for them.
pub fn may_manage_delegations(actor: &Actor, lead: UserId) -> bool {
    actor.can(Action::Delegate, None) && (actor.role == Role::Admin || actor.user_id == Some(lead))
}

/// Today in Vietnam.
pub fn today_vn() -> NaiveDate {
    date_vn(ungcuu_domain::time::now())
}

/// The calendar date of an instant in Vietnam.
pub fn date_vn(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&ungcuu_domain::time::vietnam())
        .date_naive()
}

impl App {
    /// The roster in force on `at` (`dd/mm/yyyy` or `yyyy-mm-dd`; empty for today), with the
    /// date it was read for.
    pub async fn roster_at(
        &self,
        actor: &Actor,
        at: &str,
    ) -> AppResult<(NaiveDate, Option<Roster>)> {
        actor.authorize(Action::ViewRoster, None)?;
        let date = if at.trim().is_empty() {
            today_vn()
        } else {
            validate::date("at", at).map_err(|e| Invalid(vec![e]))?
        };
        Ok((date, roster::in_force(&self.db, date).await?))
    }

    /// The roster in force today, as the start of a re-issue (kiện toàn); refused unless the
    /// actor may re-issue the roster.
    pub async fn roster_to_reissue(&self, actor: &Actor) -> AppResult<Option<Roster>> {
        actor.authorize(Action::IssueRoster, None)?;
        Ok(self.roster_at(actor, "").await?.1)
    }

    /// The roster in force on `at`, keeping only the members matching `query` (name, role,
    /// title, agency, phone or email; diacritics and case ignored).
    pub async fn search_roster(
        &self,
        actor: &Actor,
        at: &str,
        query: &str,
    ) -> AppResult<(NaiveDate, Option<Roster>)> {
        let (date, mut roster) = self.roster_at(actor, at).await?;
        if let Some(r) = roster.as_mut() {
            r.members.retain(|m| {
                let role_vi = ungcuu_domain::i18n::t(ungcuu_domain::Lang::Vi, m.role.label_key());
                let role_en = ungcuu_domain::i18n::t(ungcuu_domain::Lang::En, m.role.label_key());
                let fields = [
                    m.name.as_str(),
                    role_vi,
                    role_en,
                    m.role.code(),
                    m.title.as_deref().unwrap_or(""),
                    m.agency.as_str(),
                    m.phone.as_deref().unwrap_or(""),
                    m.email.as_deref().unwrap_or(""),
                ];
                ungcuu_domain::text::matches(&fields, query)
            });
        }
        Ok((date, roster))
    }

    /// Every roster decision, the latest in force first.
    pub async fn rosters(&self, actor: &Actor) -> AppResult<Vec<Roster>> {
        actor.authorize(Action::ViewRoster, None)?;
        Ok(roster::list(&self.db).await?)
    }

    pub async fn get_roster(&self, actor: &Actor, id: RosterId) -> AppResult<Roster> {
        actor.authorize(Action::ViewRoster, None)?;
        Ok(roster::get(&self.db, id).await?)
    }

    /// Records a roster decision (kiện toàn). From its effective date it is the roster in
    /// force; the one before it stays in the history.
    pub async fn issue_roster(&self, actor: &Actor, input: &RosterInput) -> AppResult<Roster> {
        let new = self.prepare_roster(actor, input).await?;
        self.record_roster(actor, &new).await
    }

    /// Checks a roster decision as [`App::issue_roster`] does, writing nothing (the dry run
    /// of a roster import).
    pub async fn check_roster(&self, actor: &Actor, input: &RosterInput) -> AppResult<()> {
        self.prepare_roster(actor, input).await.map(|_| ())
    }

    /// Every check of [`App::issue_roster`] short of the database's own (a decision number
    /// already used); the roster ready to record.
    async fn prepare_roster(&self, actor: &Actor, input: &RosterInput) -> AppResult<NewRoster> {
        actor.authorize(Action::IssueRoster, None)?;
        let mut bad = Invalid::default();
        let draft = input.parse(&mut bad);
        // Links to the registry and to accounts must name things that exist; one account
        // is one member.
        let mut rows = Vec::new();
        let mut seen_users: HashMap<UserId, usize> = HashMap::new();
        for (i, mut m) in draft.rows {
            if m.org_id.is_none() && !m.agency.is_empty() {
                m.org_id = orgs::find_by_name(&self.db, &m.agency).await?.map(|o| o.id);
            }
            if let Some(org) = m.org_id {
                match orgs::get(&self.db, org).await {
                    Ok(o) if m.agency.is_empty() => m.agency = o.name,
                    Ok(_) => {}
                    Err(StoreError::NotFound) => {
                        bad.push(member_field(i, "org_id"), Reason::Unknown)
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if let Some(user) = m.user_id {
                match users::get(&self.db, user).await {
                    Ok(_) if seen_users.contains_key(&user) => {
                        bad.push(member_field(i, "user_id"), Reason::Taken)
                    }
                    Ok(_) => {
                        seen_users.insert(user, i);
                    }
                    Err(StoreError::NotFound) => {
                        bad.push(member_field(i, "user_id"), Reason::Unknown)
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            rows.push(m);
        }
        let Some(head) = draft.roster else {
            return Err(bad.into());
        };
        bad.into_result()?;
        Ok(NewRoster {
            created_by: actor.user_id,
            members: rows,
            ..head
        })
    }

    async fn record_roster(&self, actor: &Actor, new: &NewRoster) -> AppResult<Roster> {
        let mut tx = self.db.begin().await?;
        let r = roster::insert(&mut tx, new).await.map_err(|e| match e {
            StoreError::Unique(c) if c.contains("decision") => {
                Invalid::one("roster.decision_number", Reason::Taken).into()
            }
            e => AppError::from(e),
        })?;
        audit::append(
            &mut tx,
            actor.audit("roster.issue", "roster", r.id, None, json(&r)),
        )
        .await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Every delegation, the latest issued first.
    pub async fn delegations(&self, actor: &Actor) -> AppResult<Vec<Delegation>> {
        actor.authorize(Action::ViewRoster, None)?;
        Ok(roster::list_delegations(&self.db).await?)
    }

    /// The lead delegates their authority (ủy quyền) to a Đội phó or a standing member of the
    /// roster in force when the period starts. An administrator may record it for the lead.
    pub async fn create_delegation(
        &self,
        actor: &Actor,
        input: &DelegationInput,
    ) -> AppResult<Delegation> {
        actor.authorize(Action::Delegate, None)?;
        let mut bad = Invalid::default();
        let delegate = bad.check(
            validate::optional_id("delegation.delegate", &input.delegate_user_id).and_then(|d| {
                d.ok_or_else(|| FieldError::new("delegation.delegate", Reason::Required))
            }),
        );
        let starts = bad.check(instant("delegation.starts_at", &input.starts_at));
        let ends = bad.check(instant("delegation.ends_at", &input.ends_at));
        let scope = bad.check(validate::choice("delegation.scope", &input.scope, |s| {
            s.parse::<DelegationScope>().ok()
        }));
        let reason = bad.check(validate::line("delegation.reason", &input.reason, 500));
        if let (Some(s), Some(e)) = (starts, ends)
            && e <= s
        {
            bad.push("delegation.ends_at", Reason::EndBeforeStart);
        }
        let (Some(delegate), Some(starts), Some(ends), Some(scope), Some(reason)) =
            (delegate, starts, ends, scope, reason)
        else {
            return Err(bad.into());
        };
        bad.into_result()?;
        let delegate = UserId(delegate);

        let Some(r) = roster::in_force(&self.db, date_vn(starts)).await? else {
            return Err(Invalid::one("delegation.lead", Reason::NoLead).into());
        };
        let Some(lead) = r.lead().and_then(|l| l.user_id) else {
            return Err(Invalid::one("delegation.lead", Reason::LeadNotUser).into());
        };
        // Only the lead delegates their own authority; an administrator may record it.
        if !may_manage_delegations(actor, lead) {
            return Err(AppError::Forbidden);
        }
        let eligible = r
            .member_for_user(delegate)
            .is_some_and(|m| m.role.may_act_for_lead());
        let active = users::get(&self.db, delegate)
            .await
            .map(|u| u.disabled_at.is_none())
            .or_else(|e| match e {
                StoreError::NotFound => Ok(false),
                e => Err(e),
            })?;
        if !(eligible && active) {
            return Err(Invalid::one("delegation.delegate", Reason::NotDeputy).into());
        }
        let mut tx = self.db.begin().await?;
        let d = roster::insert_delegation(
            &mut tx,
            &NewDelegation {
                lead_user_id: lead,
                delegate_user_id: delegate,
                starts_at: starts,
                ends_at: ends,
                scope,
                reason,
                created_by: actor.user_id,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            actor.audit("delegation.create", "delegation", d.id, None, json(&d)),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Withdraws a delegation before its end, with a reason. The authority returns to the
    /// lead at once.
    pub async fn revoke_delegation(
        &self,
        actor: &Actor,
        id: DelegationId,
        input: &RevokeInput,
    ) -> AppResult<Delegation> {
        actor.authorize(Action::Delegate, None)?;
        let before = roster::get_delegation(&self.db, id).await?;
        if !may_manage_delegations(actor, before.lead_user_id) {
            return Err(AppError::Forbidden);
        }
        let reason = validate::line("delegation.revoked_reason", &input.reason, 500)
            .map_err(|e| Invalid(vec![e]))?;
        let now = ungcuu_domain::time::now();
        if before.revoked_at.is_some() || before.ends_at <= now {
            return Err(Invalid::one("delegation", Reason::Ended).into());
        }
        let mut tx = self.db.begin().await?;
        let after = roster::revoke_delegation(&mut tx, id, now, &reason).await?;
        audit::append(
            &mut tx,
            actor.audit(
                "delegation.revoke",
                "delegation",
                id,
                json(&before),
                json(&after),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Who holds the lead's authority for `action` at `at`: the Đội trưởng of the roster in
    /// force that day, unless a delegation of theirs active then and covering the action names
    /// a Đội phó or standing member of that roster (the latest issued wins). `None` when no
    /// roster was in force.
    pub async fn authority_holder(
        &self,
        at: DateTime<Utc>,
        action: LeadAction,
    ) -> AppResult<Option<AuthorityHolder>> {
        let Some(r) = roster::in_force(&self.db, date_vn(at)).await? else {
            return Ok(None);
        };
        let Some(lead) = r.lead() else {
            return Ok(None);
        };
        let holder = |m: &roster::Member, delegation: Option<Delegation>| AuthorityHolder {
            action,
            at,
            user_id: m.user_id,
            name: m.name.clone(),
            role: m.role,
            delegation,
            roster_id: r.id,
        };
        let Some(lead_user) = lead.user_id else {
            // A lead with no account cannot have delegated through the system.
            return Ok(Some(holder(lead, None)));
        };
        let issued = roster::delegations_of(&self.db, lead_user).await?;
        // A delegation counts only while its delegate may act for the lead on this roster.
        let rules: Vec<_> = issued
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                r.member_for_user(d.delegate_user_id)
                    .is_some_and(|m| m.role.may_act_for_lead())
            })
            .map(|(i, d)| d.rule(Some(i)))
            .collect();
        Ok(Some(match holder_at(None, &rules, at, action) {
            Some(i) => {
                let d = issued[i].clone();
                let m = r
                    .member_for_user(d.delegate_user_id)
                    .expect("filtered above");
                holder(m, Some(d))
            }
            None => holder(lead, None),
        }))
    }

    /// [`App::authority_holder`] for a reader: `action` is `coordinate`, `sign` or `decide`;
    /// `at` an RFC 3339 instant or Vietnam time, empty for now.
    pub async fn authority(
        &self,
        actor: &Actor,
        action: &str,
        at: &str,
    ) -> AppResult<Option<AuthorityHolder>> {
        actor.authorize(Action::ViewRoster, None)?;
        let mut bad = Invalid::default();
        let action = bad.check(validate::choice("action", action, |s| {
            s.parse::<LeadAction>().ok()
        }));
        let at = if at.trim().is_empty() {
            Some(ungcuu_domain::time::now())
        } else {
            bad.check(instant("at", at))
        };
        match (action, at) {
            (Some(action), Some(at)) => self.authority_holder(at, action).await,
            _ => Err(bad.into()),
        }
    }

    /// The holder of each of the lead's powers now, for the roster page.
    pub async fn authority_now(&self, actor: &Actor) -> AppResult<Vec<AuthorityHolder>> {
        actor.authorize(Action::ViewRoster, None)?;
        let now = ungcuu_domain::time::now();
        let mut out = Vec::new();
        for a in LeadAction::ALL {
            if let Some(h) = self.authority_holder(now, a).await? {
                out.push(h);
            }
        }
        Ok(out)
    }
}
