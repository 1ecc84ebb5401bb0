//! The standing desk's work on a report (seed 000 II.2, 002 Đ5.4, Đ9): verify who sent it,
//! then open an incident or join an existing one, split a wrongly merged report off, or close
//! it as not an incident. Plus what the reporter may see with the tracking code alone.

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use crate::intake::reports::ReportForm;
use serde::{Deserialize, Serialize};
use ungcuu_domain::intake::{ReportStatus, VerificationMethod};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, FieldError, Invalid, OrgId};
use ungcuu_store::intake::reports::{self, Report, Verification};
use ungcuu_store::response::incidents::{self, Incident, NewIncident};
use ungcuu_store::{Tx, audit, notifications};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VerifyInput {
    /// registered_contact | callback | signed_document | other
    pub method: String,
    pub note: String,
}

/// Where a verified report goes: a new incident, or the incident it duplicates.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AcceptInput {
    /// Empty: open a new incident. Else the code of the incident to merge into.
    pub incident: String,
    /// Only for a report filed without a registered organisation (public form, mail from an
    /// unknown sender): the organisation the incident concerns. Left out, the incident keeps
    /// the reporter's own free-text name until someone names one.
    pub org_id: Option<i64>,
}

impl AcceptInput {
    pub fn open() -> AcceptInput {
        AcceptInput::default()
    }

    pub fn merge(into: &str) -> AcceptInput {
        AcceptInput {
            incident: into.to_string(),
            org_id: None,
        }
    }
}

/// A report with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub report: Report,
    pub form: ReportForm,
    pub verifications: Vec<Verification>,
    pub incident: Option<Incident>,
    /// Days from detection to report past the allowed days, if late.
    pub late_by_days: Option<i64>,
    /// Whether the reader may record a verification, and triage the report (decided here, by
    /// the rule table, so pages only show what the app would allow).
    pub may_verify: bool,
    pub may_triage: bool,
    /// Whether the reader may take this report out of its incident into one of its own: an
    /// accepted report in an incident that holds others.
    pub may_split: bool,
    /// For a triager of a report without an organisation: the organisations the incident may
    /// be said to concern (empty otherwise).
    pub org_choices: Vec<(i64, String)>,
}

/// An incident with the reports the actor may open, and how many others it holds.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub incident: Incident,
    /// The name of the organisation it concerns, when one is named.
    pub org_name: Option<String>,
    pub reports: Vec<Report>,
    pub hidden: usize,
}

/// What anyone holding a tracking code may learn: where the report stands, nothing of what it
/// says.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackStatus {
    pub tracking_code: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub status: ReportStatus,
    pub verified: bool,
    pub incident_code: Option<String>,
    pub incident_state: Option<String>,
}

const NOTE_MAX: usize = 1000;

fn one(field: &str, reason: Reason) -> AppError {
    AppError::Invalid(Invalid(vec![FieldError::new(field, reason)]))
}

/// The incident's title: the system and the first line of what happened, short enough for a
/// list.
fn title_of(r: &Report) -> String {
    let first = r.description.lines().next().unwrap_or("").trim();
    let mut t = format!("{}: {first}", r.system_name);
    if t.chars().count() > 160 {
        t = t.chars().take(157).collect::<String>() + "…";
    }
    t
}

fn year_vn(at: chrono::DateTime<chrono::Utc>) -> i32 {
    use chrono::Datelike;
    at.with_timezone(&ungcuu_domain::time::vietnam()).year()
}

impl App {
    /// The hierarchy path of a report's organisation (None for a public report).
    pub(crate) async fn org_path(
        &self,
        org: Option<i64>,
    ) -> AppResult<Option<ungcuu_domain::org::OrgPath>> {
        Ok(match org {
            Some(o) => Some(
                ungcuu_store::registry::orgs::get(&self.db, OrgId(o))
                    .await?
                    .path,
            ),
            None => None,
        })
    }

    /// A report the actor may open and act on with `action`.
    async fn report_for(&self, actor: &Actor, code: &str, action: Action) -> AppResult<Report> {
        let report = self.visible_report(actor, code).await?;
        let path = self.org_path(report.org_id).await?;
        actor.authorize(action, path.as_ref())?;
        Ok(report)
    }

    pub async fn report_view(&self, actor: &Actor, code: &str) -> AppResult<ReportView> {
        let (report, form) = self.report_by_code(actor, code).await?;
        let verifications = reports::verifications(&self.db, report.id).await?;
        let incident = match report.incident_id {
            Some(i) => Some(incidents::get(&self.db, i).await?),
            None => None,
        };
        let late_by_days = ungcuu_domain::intake::lateness(
            report.detected_at,
            report.received_at,
            self.cfg.report_days,
        )
        .map(|d| (d.num_hours() + 23) / 24);
        let path = self.org_path(report.org_id).await?;
        let may_triage = actor.can(Action::TriageReport, path.as_ref());
        let org_choices = if may_triage && report.org_id.is_none() && report.incident_id.is_none() {
            self.org_choices(actor, Action::ViewOrg)
                .await?
                .into_iter()
                .filter(|o| o.archived_at.is_none())
                .map(|o| (o.id.0, o.name))
                .collect()
        } else {
            Vec::new()
        };
        let may_split = may_triage
            && report.status == ReportStatus::Accepted
            && incident.as_ref().is_some_and(|i| i.reports > 1);
        Ok(ReportView {
            may_verify: actor.can(Action::VerifyReport, path.as_ref()),
            may_triage,
            may_split,
            org_choices,
            report,
            form,
            verifications,
            incident,
            late_by_days,
        })
    }

    /// Records how the sender was verified, and by whom. A report may be verified more than
    /// once (a call-back after a matched address); each is kept.
    pub async fn verify_report(
        &self,
        actor: &Actor,
        code: &str,
        input: &VerifyInput,
    ) -> AppResult<Verification> {
        let report = self.report_for(actor, code, Action::VerifyReport).await?;
        let mut bad = Invalid::default();
        let method = match VerificationMethod::parse(&input.method) {
            Some(m) => Some(m),
            None if input.method.trim().is_empty() => {
                bad.push("method", Reason::Required);
                None
            }
            None => {
                bad.push("method", Reason::Unknown);
                None
            }
        };
        let note = bad.check(validate::optional_line("note", &input.note, NOTE_MAX));
        if method.is_some_and(|m| m.needs_note()) && note.as_ref().is_some_and(|n| n.is_none()) {
            bad.push("note", Reason::Required);
        }
        if !bad.0.is_empty() {
            return Err(bad.into());
        }
        let (method, note) = (method.expect("checked"), note.flatten().unwrap_or_default());
        let mut tx = self.db.begin().await?;
        let v = self
            .record_verification(&mut tx, actor, &report, method, &note, &actor.display_name)
            .await?;
        tx.commit().await?;
        Ok(v)
    }

    pub(crate) async fn record_verification(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        report: &Report,
        method: VerificationMethod,
        note: &str,
        verifier: &str,
    ) -> AppResult<Verification> {
        let v =
            reports::add_verification(tx, report.id, method.code(), note, &actor.label, verifier)
                .await?;
        reports::set_verified(tx, report.id).await?;
        audit::append(
            tx,
            actor.audit(
                "report.verify",
                "report",
                report.id,
                Some(serde_json::json!({"verified": report.verified})),
                Some(serde_json::json!({"verified": true, "method": method.code()})),
            ),
        )
        .await?;
        Ok(v)
    }

    /// Accepts a verified report: into a new incident when `input.incident` is empty, else
    /// into the incident with that code (merging a duplicate; every report stays and is
    /// shown). A report without an organisation may name the one the incident concerns.
    pub async fn accept_report(
        &self,
        actor: &Actor,
        code: &str,
        input: &AcceptInput,
    ) -> AppResult<Incident> {
        let report = self.report_for(actor, code, Action::TriageReport).await?;
        if !report.verified {
            return Err(one("report", Reason::NotVerified));
        }
        let concerned = self.concerned_org(actor, &report, input.org_id).await?;
        let target = match input.incident.trim() {
            "" => None,
            c => {
                let inc = incidents::by_code(&self.db, &c.to_uppercase())
                    .await?
                    .ok_or_else(|| one("incident", Reason::NotFound))?;
                // Merging into an incident the actor cannot open would leak that it exists.
                self.incident_view(actor, &inc.code)
                    .await
                    .map_err(|_| one("incident", Reason::NotFound))?;
                Some(inc)
            }
        };
        let mut tx = self.db.begin().await?;
        let incident = match &target {
            // A merge names the organisation only where the incident has none yet.
            Some(i) => match concerned {
                Some(o) if i.org_id.is_none() => incidents::set_org(&mut tx, i.id, o).await?,
                _ => i.clone(),
            },
            None => {
                self.open_incident(&mut tx, actor, &report, concerned)
                    .await?
            }
        };
        let moved = reports::transition(
            &mut tx,
            report.id,
            ReportStatus::Received,
            ReportStatus::Accepted,
            None,
            Some(incident.id),
        )
        .await?;
        if moved.is_none() {
            tx.rollback().await?;
            return Err(one("report", Reason::WrongState));
        }
        let incident = incidents::refresh(&mut tx, incident.id).await?;
        let action = if target.is_some() {
            "report.merge"
        } else {
            "report.accept"
        };
        audit::append(
            &mut tx,
            actor.audit(
                action,
                "report",
                report.id,
                Some(serde_json::json!({"status": report.status})),
                Some(serde_json::json!({
                    "status": "accepted",
                    "incident": incident.code,
                    "org_id": incident.org_id,
                })),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(incident)
    }

    /// The organisation an incident opened from `report` concerns: the report's own, or, for
    /// a report that came without one, the one the desk names (an active organisation the
    /// actor may see). Naming another for a registered organisation's report is refused.
    async fn concerned_org(
        &self,
        actor: &Actor,
        report: &Report,
        named: Option<i64>,
    ) -> AppResult<Option<OrgId>> {
        match (report.org_id, named) {
            (Some(own), None) => Ok(Some(OrgId(own))),
            (Some(own), Some(n)) if n == own => Ok(Some(OrgId(own))),
            (Some(_), Some(_)) => Err(one("org_id", Reason::NotAllowed)),
            (None, None) => Ok(None),
            (None, Some(n)) => {
                let org = self
                    .get_org(actor, OrgId(n))
                    .await
                    .map_err(|_| one("org_id", Reason::NotFound))?;
                if org.archived_at.is_some() {
                    return Err(one("org_id", Reason::Archived));
                }
                Ok(Some(org.id))
            }
        }
    }

    async fn open_incident(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        report: &Report,
        org: Option<OrgId>,
    ) -> AppResult<Incident> {
        let incident = incidents::insert(
            tx,
            &NewIncident {
                title: &title_of(report),
                org_id: org.map(|o| o.0),
                confidential: report.confidential,
                serious: report.serious,
                opened_by: &actor.label,
                year: year_vn(ungcuu_domain::time::now()),
            },
        )
        .await?;
        audit::append(
            tx,
            actor.audit(
                "incident.open",
                "incident",
                incident.id,
                None,
                Some(
                    serde_json::json!({"code": incident.code, "from_report": report.tracking_code}),
                ),
            ),
        )
        .await?;
        Ok(incident)
    }

    /// Takes a wrongly merged report out of its incident into an incident of its own.
    pub async fn split_report(&self, actor: &Actor, code: &str) -> AppResult<Incident> {
        let report = self.report_for(actor, code, Action::TriageReport).await?;
        let Some(old) = report.incident_id else {
            return Err(one("report", Reason::WrongState));
        };
        let mut tx = self.db.begin().await?;
        let siblings = reports::for_incident_in(&mut tx, old).await?;
        if siblings.len() < 2 || !siblings.iter().any(|r| r.id == report.id) {
            tx.rollback().await?;
            return Err(one("report", Reason::WrongState));
        }
        let fresh = self
            .open_incident(&mut tx, actor, &report, report.org_id.map(OrgId))
            .await?;
        let moved = reports::transition(
            &mut tx,
            report.id,
            ReportStatus::Accepted,
            ReportStatus::Accepted,
            None,
            Some(fresh.id),
        )
        .await?;
        if moved.is_none() {
            tx.rollback().await?;
            return Err(one("report", Reason::WrongState));
        }
        let old = incidents::refresh(&mut tx, old).await?;
        let fresh = incidents::refresh(&mut tx, fresh.id).await?;
        audit::append(
            &mut tx,
            actor.audit(
                "report.split",
                "report",
                report.id,
                Some(serde_json::json!({"incident": old.code})),
                Some(serde_json::json!({"incident": fresh.code})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(fresh)
    }

    /// Closes a report as not an incident, with the reason. A report need not be verified for
    /// this: spam and mistakes are closed without calling anyone back.
    pub async fn reject_report(
        &self,
        actor: &Actor,
        code: &str,
        reason: &str,
    ) -> AppResult<Report> {
        let report = self.report_for(actor, code, Action::TriageReport).await?;
        let reason = validate::line("reason", reason, NOTE_MAX)
            .map_err(|e| AppError::Invalid(Invalid(vec![e])))?;
        let mut tx = self.db.begin().await?;
        let Some(closed) = reports::transition(
            &mut tx,
            report.id,
            ReportStatus::Received,
            ReportStatus::NotIncident,
            Some(&reason),
            None,
        )
        .await?
        else {
            tx.rollback().await?;
            return Err(one("report", Reason::WrongState));
        };
        audit::append(
            &mut tx,
            actor.audit(
                "report.not_incident",
                "report",
                report.id,
                Some(serde_json::json!({"status": report.status})),
                Some(serde_json::json!({"status": "not_incident", "reason": reason})),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// An incident the actor may open: one of its reports must be visible to them.
    pub async fn incident_view(&self, actor: &Actor, code: &str) -> AppResult<IncidentView> {
        let incident = incidents::by_code(&self.db, &code.trim().to_uppercase())
            .await?
            .ok_or(AppError::NotFound)?;
        actor.scope(Action::ViewReport)?;
        let all = reports::for_incident(&self.db, incident.id).await?;
        let mut visible = Vec::new();
        for r in &all {
            if self.check_report_visible(actor, r).await.is_ok() {
                visible.push(r.clone());
            }
        }
        if visible.is_empty() {
            return Err(AppError::NotFound);
        }
        let org_name = match incident.org_id {
            Some(o) => Some(
                ungcuu_store::registry::orgs::get(&self.db, OrgId(o))
                    .await?
                    .name,
            ),
            None => None,
        };
        Ok(IncidentView {
            hidden: all.len() - visible.len(),
            org_name,
            incident,
            reports: visible,
        })
    }

    pub async fn list_incidents(&self, actor: &Actor, page: i64) -> AppResult<Vec<Incident>> {
        let within = actor.scope(Action::ViewReport)?;
        Ok(incidents::list(
            &self.db,
            within.as_ref(),
            actor.confidential_scope(),
            50,
            ungcuu_domain::paging::offset(page, 50),
        )
        .await?)
    }

    /// Where a report stands, for anyone holding its tracking code (the public reporter has no
    /// account). Nothing of its content.
    pub async fn track(&self, code: &str) -> AppResult<TrackStatus> {
        let report = reports::by_tracking_code(&self.db, &code.trim().to_uppercase())
            .await?
            .ok_or(AppError::NotFound)?;
        let incident = match report.incident_id {
            Some(i) => Some(incidents::get(&self.db, i).await?),
            None => None,
        };
        Ok(TrackStatus {
            tracking_code: report.tracking_code,
            received_at: report.received_at,
            status: report.status,
            verified: report.verified,
            incident_code: incident.as_ref().map(|i| i.code.clone()),
            incident_state: incident.map(|i| i.state),
        })
    }

    /// The actor's newest notices.
    pub async fn notifications(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<notifications::Notification>> {
        let user = actor.user_id.ok_or(AppError::Forbidden)?;
        Ok(notifications::for_user(&self.db, user, 100).await?)
    }

    pub async fn unread_notifications(&self, actor: &Actor) -> AppResult<i64> {
        match actor.user_id {
            Some(u) => Ok(notifications::unread(&self.db, u).await?),
            None => Ok(0),
        }
    }

    pub async fn mark_notifications_read(&self, actor: &Actor, id: Option<i64>) -> AppResult<()> {
        let user = actor.user_id.ok_or(AppError::Forbidden)?;
        notifications::mark_read(&self.db, user, id).await?;
        Ok(())
    }
}
