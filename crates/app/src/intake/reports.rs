//! Incident reports (báo cáo ban đầu sự cố mạng, Phụ lục I of seed 002): filed by the web form,
//! the API (API.md) or mail; acknowledged with a tracking code only after commit.

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ungcuu_domain::intake::{Channel, ReportStatus};
use ungcuu_domain::system::{self as sys, Measure, Service};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, FieldError, Invalid, OrgId};
use ungcuu_store::audit;
use ungcuu_store::intake::reports::{self, NewReport, Report};
use ungcuu_store::registry::systems::SystemSigns;

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReporterInput {
    pub org_name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportContactInput {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportSystemInput {
    pub operator_name: String,
    pub owner_name: String,
    pub name: String,
    pub domains: Vec<String>,
    pub ips: Vec<String>,
    pub public_ip_ranges: Vec<String>,
    /// 1–5
    pub security_level: Option<serde_json::Value>,
    pub security_provider: String,
    pub connectivity_provider: String,
    pub os: String,
    pub os_version: String,
    /// web, mail, database, other:…
    pub services: Vec<String>,
    /// antivirus, firewall, ids, other:…
    pub measures: Vec<String>,
    pub purpose: String,
}

/// The initial report as API.md defines it (the form Phụ lục I, field for field).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportInput {
    pub reporter: ReporterInput,
    pub contact: ReportContactInput,
    pub system: ReportSystemInput,
    pub description: String,
    /// RFC 3339, e.g. `2026-05-04T08:30:00+07:00`.
    pub detected_at: String,
    /// Hiện trạng sự cố: true = đã được xử lý, false = chưa được xử lý.
    pub handled: Option<bool>,
    /// ids, log_review, notified_by:…, other:…
    pub detection_methods: Vec<String>,
    /// network_member, isp, coordinator
    pub already_notified: Vec<String>,
    pub attachments_note: String,
    pub confidential: bool,
    pub support_requested: String,
    /// RFC 3339: thời gian thực hiện báo cáo.
    pub reported_at: String,
}

/// A checked report, stored as it was filed (every field kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportForm {
    pub reporter: Reporter,
    pub contact: Contact,
    pub system: ReportSystem,
    pub description: String,
    pub detected_at: DateTime<Utc>,
    pub handled: bool,
    pub detection_methods: Vec<String>,
    pub already_notified: Vec<String>,
    pub attachments_note: Option<String>,
    pub confidential: bool,
    pub support_requested: Option<String>,
    pub reported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reporter {
    pub org_name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportSystem {
    pub operator_name: String,
    pub owner_name: Option<String>,
    pub name: Option<String>,
    pub domains: Vec<String>,
    pub ips: Vec<String>,
    pub public_ip_ranges: Vec<String>,
    pub security_level: Option<u8>,
    pub security_provider: Option<String>,
    pub connectivity_provider: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub services: Vec<String>,
    pub measures: Vec<String>,
    pub purpose: Option<String>,
}

const DESCRIPTION_MAX: usize = 20_000;

fn phone(field: &str, raw: &str) -> Result<String, FieldError> {
    validate::optional_phone(field, raw)?.ok_or_else(|| FieldError::new(field, Reason::Required))
}

fn items<T>(
    field: &str,
    raw: &[String],
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
    bad: &mut Invalid,
) -> Vec<T> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, v)| bad.check(parse(&format!("{field}[{i}]"), v)))
        .collect()
}

fn detection(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    match v {
        "ids" | "log_review" => Ok(v.to_string()),
        _ => match v.split_once(':') {
            Some((kind @ ("notified_by" | "other"), text)) => {
                Ok(format!("{kind}:{}", validate::line(field, text, 300)?))
            }
            _ => Err(FieldError::new(field, Reason::Unknown)),
        },
    }
}

fn notified(field: &str, raw: &str) -> Result<String, FieldError> {
    match raw.trim() {
        v @ ("network_member" | "isp" | "coordinator") => Ok(v.to_string()),
        _ => Err(FieldError::new(field, Reason::Unknown)),
    }
}

impl ReportInput {
    /// Checks every field; all errors at once, each named as in API.md (`contact.phone`).
    pub fn parse(&self, now: DateTime<Utc>) -> Result<ReportForm, Invalid> {
        let mut bad = Invalid::default();
        let r = &self.reporter;
        let reporter = (
            bad.check(validate::line("reporter.org_name", &r.org_name, 300)),
            bad.check(validate::line("reporter.address", &r.address, 500)),
            bad.check(phone("reporter.phone", &r.phone)),
            bad.check(validate::email("reporter.email", &r.email)),
        );
        let c = &self.contact;
        let contact = (
            bad.check(validate::line("contact.name", &c.name, 120)),
            bad.check(validate::optional_line("contact.title", &c.title, 120)),
            bad.check(phone("contact.phone", &c.phone)),
            bad.check(validate::email("contact.email", &c.email)),
        );
        let s = &self.system;
        let operator = bad.check(validate::line(
            "system.operator_name",
            &s.operator_name,
            300,
        ));
        let owner = bad.check(validate::optional_line(
            "system.owner_name",
            &s.owner_name,
            300,
        ));
        let sys_name = bad.check(validate::optional_line("system.name", &s.name, 300));
        let domains = items("system.domains", &s.domains, sys::domain_name, &mut bad);
        let ips = items("system.ips", &s.ips, sys::ip_address, &mut bad);
        let ranges = items(
            "system.public_ip_ranges",
            &s.public_ip_ranges,
            sys::ip_range,
            &mut bad,
        );
        let level = match &s.security_level {
            None | Some(serde_json::Value::Null) => Some(None),
            Some(v) => {
                let text = match v {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                bad.check(sys::optional_level("system.security_level", &text))
                    .map(|l| l.map(|l| l.get()))
            }
        };
        let texts = (
            bad.check(validate::optional_line(
                "system.security_provider",
                &s.security_provider,
                300,
            )),
            bad.check(validate::optional_line(
                "system.connectivity_provider",
                &s.connectivity_provider,
                300,
            )),
            bad.check(validate::optional_line("system.os", &s.os, 120)),
            bad.check(validate::optional_line(
                "system.os_version",
                &s.os_version,
                120,
            )),
            bad.check(validate::optional_line("system.purpose", &s.purpose, 1000)),
        );
        let services: Vec<String> = items("system.services", &s.services, Service::parse, &mut bad)
            .iter()
            .map(Service::code)
            .collect();
        let measures: Vec<String> = items("system.measures", &s.measures, Measure::parse, &mut bad)
            .iter()
            .map(Measure::code)
            .collect();
        // The description is free text over several lines: only control characters other
        // than line breaks and tabs are refused, and it is escaped wherever it is shown.
        let description = self.description.trim();
        if description.is_empty() {
            bad.push("description", Reason::Required);
        } else if description.chars().count() > DESCRIPTION_MAX {
            bad.push(
                "description",
                Reason::TooLong {
                    max: DESCRIPTION_MAX,
                },
            );
        } else if description.chars().any(|ch| {
            (ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') || ch == '\u{FFFD}'
        }) {
            bad.push("description", Reason::InvalidChars);
        }
        let detected_at = bad.check(validate::rfc3339("detected_at", &self.detected_at));
        let reported_at = bad.check(validate::rfc3339("reported_at", &self.reported_at));
        // Clocks differ a little; a time far in the future is a typing error. A detection in
        // the future is that one mistake, not also a report made before it.
        let skew = chrono::Duration::minutes(10);
        if detected_at.is_some_and(|d| d > now + skew) {
            bad.push("detected_at", Reason::InFuture);
        } else if let (Some(d), Some(r)) = (detected_at, reported_at)
            && r < d
        {
            bad.push("reported_at", Reason::BeforeDetection);
        }
        if self.handled.is_none() {
            bad.push("handled", Reason::Required);
        }
        let methods = items(
            "detection_methods",
            &self.detection_methods,
            detection,
            &mut bad,
        );
        if self.detection_methods.is_empty() {
            bad.push("detection_methods", Reason::Required);
        }
        let notified_to = items(
            "already_notified",
            &self.already_notified,
            notified,
            &mut bad,
        );
        let attachments_note = bad.check(validate::optional_line(
            "attachments_note",
            &self.attachments_note,
            500,
        ));
        let support = self.support_requested.trim();
        if support.chars().count() > DESCRIPTION_MAX {
            bad.push(
                "support_requested",
                Reason::TooLong {
                    max: DESCRIPTION_MAX,
                },
            );
        }
        if !bad.0.is_empty() {
            return Err(bad);
        }
        fn some<T>(v: Option<T>) -> T {
            v.expect("every field was checked above")
        }
        Ok(ReportForm {
            reporter: Reporter {
                org_name: some(reporter.0),
                address: some(reporter.1),
                phone: some(reporter.2),
                email: some(reporter.3),
            },
            contact: Contact {
                name: some(contact.0),
                title: some(contact.1),
                phone: some(contact.2),
                email: some(contact.3),
            },
            system: ReportSystem {
                operator_name: some(operator),
                owner_name: some(owner),
                name: some(sys_name),
                domains,
                ips,
                public_ip_ranges: ranges,
                security_level: some(level),
                security_provider: some(texts.0),
                connectivity_provider: some(texts.1),
                os: some(texts.2),
                os_version: some(texts.3),
                services,
                measures,
                purpose: some(texts.4),
            },
            description: description.to_string(),
            detected_at: some(detected_at),
            handled: self.handled.unwrap_or(false),
            detection_methods: methods,
            already_notified: notified_to,
            attachments_note: some(attachments_note),
            confidential: self.confidential,
            support_requested: Some(support.to_string()).filter(|s| !s.is_empty()),
            reported_at: some(reported_at),
        })
    }
}

/// What the filer gets back: only after the report is committed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: i64,
    pub tracking_code: String,
    pub received_at: DateTime<Utc>,
}

/// A tracking code people can read out on the phone: no 0/O or 1/I.
fn tracking_code(at: DateTime<Utc>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let raw: String = crate::accounts::secrets::random_bytes::<8>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!(
        "SC-{}-{raw}",
        at.with_timezone(&ungcuu_domain::time::vietnam())
            .format("%Y")
    )
}

/// A checked report on its way into the database, from any channel.
pub(crate) struct Filing<'a> {
    pub actor: &'a Actor,
    pub channel: Channel,
    pub form: &'a ReportForm,
    /// The reporting organisation's name as listed (a mail may give none: its sender then).
    pub reporter_name: &'a str,
    pub received_at: DateTime<Utc>,
    pub ack_to: Option<&'a str>,
    /// The organisation's systems in service, read before the transaction ([`registry`]).
    pub registry: &'a [SystemSigns],
}

/// Writes a report in the caller's transaction with what must come with it, whatever the
/// channel: the serious flag, the search text, its audit row, and the notices and the
/// acknowledgement (002 Đ9.5) queued in the same transaction.
pub(crate) async fn insert_report(
    tx: &mut ungcuu_store::Tx,
    cfg: &crate::AppConfig,
    f: &Filing<'_>,
) -> AppResult<Report> {
    let form = f.form;
    let body = serde_json::to_string(form).map_err(|e| AppError::Internal(e.into()))?;
    let code = tracking_code(f.received_at);
    let system_name = form
        .system
        .name
        .as_deref()
        .unwrap_or(&form.system.operator_name)
        .to_string();
    let search = ungcuu_domain::text::fold(&format!(
        "{code} {} {} {} {system_name} {}",
        f.reporter_name,
        form.system.operator_name,
        form.system.owner_name.as_deref().unwrap_or(""),
        form.description
    ));
    let serious = looks_serious(f.registry, form, &system_name);
    let report = reports::insert(
        tx,
        &NewReport {
            tracking_code: &code,
            org_id: f.actor.org_id,
            channel: f.channel,
            verified: false,
            confidential: form.confidential,
            reporter_org_name: f.reporter_name,
            system_name: &system_name,
            description: &form.description,
            security_level: form.system.security_level.map(i64::from),
            handled: form.handled,
            detected_at: form.detected_at,
            reported_at: form.reported_at,
            received_at: f.received_at,
            form_json: &body,
            serious,
            search: &search,
        },
    )
    .await?;
    // The audit row names the report, not its content: a confidential report's details stay
    // in its own row, readable only by those allowed.
    let after = serde_json::json!({
        "tracking_code": report.tracking_code,
        "channel": f.channel.code(),
        "confidential": form.confidential,
        "serious": serious,
    });
    audit::append(
        tx,
        f.actor
            .audit("report.file", "report", report.id, None, Some(after)),
    )
    .await?;
    crate::intake::notices::new_report(tx, cfg, &report, f.ack_to).await?;
    Ok(report)
}

/// Whether the report looks serious: from the form, and from the registry when the named
/// system is one of the organisation's (its recorded level and the critical list count even
/// when the reporter left the level blank).
fn looks_serious(registry: &[SystemSigns], form: &ReportForm, system_name: &str) -> bool {
    let mut level = form.system.security_level;
    let mut critical = false;
    let wanted = ungcuu_domain::text::fold(system_name);
    for s in registry {
        if ungcuu_domain::text::fold(&s.name) == wanted {
            critical |= s.critical;
            level = level.max(s.security_level.and_then(|l| u8::try_from(l).ok()));
        }
    }
    ungcuu_domain::intake::looks_serious(ungcuu_domain::intake::SeriousSigns {
        security_level: level,
        critical_system: critical,
        handled: form.handled,
        description: &form.description,
    })
}

/// The filing organisation's systems in service, for [`looks_serious`]; none for a report
/// from no organisation.
pub(crate) async fn registry(
    db: &ungcuu_store::Db,
    org: Option<OrgId>,
) -> AppResult<Vec<SystemSigns>> {
    Ok(match org {
        Some(org) => ungcuu_store::registry::systems::signs_for_org(db, org).await?,
        None => Vec::new(),
    })
}

impl App {
    /// Files a report for the actor's organisation. The receipt is returned only once the
    /// report and its audit row are committed.
    pub async fn file_report(
        &self,
        actor: &Actor,
        channel: Channel,
        input: &ReportInput,
    ) -> AppResult<Receipt> {
        let org_path = actor.org_path.clone();
        actor.authorize(Action::FileReport, org_path.as_ref())?;
        let ack = input.contact.email.trim();
        self.record_report(actor, channel, input, Some(ack).filter(|a| !a.is_empty()))
            .await
    }

    /// Validates and stores a report with everything that must happen in the same
    /// transaction: its audit row, the in-app notices and notice mails to the standing desk and
    /// the lead (002 Đ9.5), and the acknowledgement to `ack_to`. The mails wait in the outbox
    /// and go out after commit, so a crash neither loses nor doubles them.
    pub(crate) async fn record_report(
        &self,
        actor: &Actor,
        channel: Channel,
        input: &ReportInput,
        ack_to: Option<&str>,
    ) -> AppResult<Receipt> {
        let now = ungcuu_domain::time::now();
        let form = input.parse(now)?;
        let registry = registry(&self.db, actor.org_id).await?;
        // Concurrent reports share one durable commit (group commit): one flush for many
        // reports, and still no receipt before the commit that made its report durable. The job
        // may run twice (see `group`), so it borrows what it files from one shared copy.
        let filing = std::sync::Arc::new((
            actor.clone(),
            self.cfg.clone(),
            ack_to.map(str::to_string),
            form,
            registry,
        ));
        let stored = ungcuu_store::group::run::<Report, AppError, _>(&self.db, move |tx| {
            let filing = filing.clone();
            Box::pin(async move {
                let (actor, cfg, ack_to, form, registry) = &*filing;
                let new = Filing {
                    actor,
                    channel,
                    form,
                    reporter_name: &form.reporter.org_name,
                    received_at: now,
                    ack_to: ack_to.as_deref(),
                    registry,
                };
                insert_report(tx, cfg, &new).await
            })
        });
        let report = stored.await?;
        self.cfg.outbox_wake.notify_one();
        Ok(Receipt {
            id: report.id,
            tracking_code: report.tracking_code,
            received_at: report.received_at,
        })
    }

    /// A report from someone without an account (the public form). It is kept like any other,
    /// marked as from the public and unverified; the web layer rate-limits the form.
    pub async fn file_public_report(&self, input: &ReportInput) -> AppResult<Receipt> {
        let public = Actor {
            user_id: None,
            label: "public".into(),
            display_name: "public".into(),
            role: ungcuu_domain::Role::DauMoi,
            org_id: None,
            org_path: None,
        };
        let ack = input.contact.email.trim();
        self.record_report(
            &public,
            Channel::Public,
            input,
            Some(ack).filter(|a| !a.is_empty()),
        )
        .await
    }

    /// The newest reports the actor may read, as filtered. Confidential reports outside the
    /// actor's circle are left out by the query itself, so pages stay full.
    pub async fn list_reports(&self, actor: &Actor, q: &ReportQuery) -> AppResult<Vec<Report>> {
        let filter = report_filter(actor, q, 50)?;
        Ok(reports::list(&self.db, &filter).await?)
    }

    /// Every report the list would show the actor (same filters, same confidentiality), as a
    /// CSV file for Excel: UTF-8 with a byte-order mark, times in Vietnam time.
    pub async fn export_reports(&self, actor: &Actor, q: &ReportQuery) -> AppResult<Vec<u8>> {
        use ungcuu_domain::i18n::{Lang, t};
        let mut filter = report_filter(actor, q, 1000)?;
        filter.offset = 0;
        let header = [
            "report.tracking_code",
            "report.received_at",
            "field.reporter.org_name",
            "field.system.name",
            "field.system.security_level",
            "field.detected_at",
            "report.status",
            "report.verified",
            "report.serious",
            "report.confidential",
            "report.late",
            "report.incident",
            "field.description",
        ];
        let header: Vec<&str> = header.iter().map(|k| t(Lang::Vi, k)).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let incidents: std::collections::HashMap<i64, String> =
            ungcuu_store::response::incidents::codes(&self.db).await?;
        loop {
            let page = reports::list(&self.db, &filter).await?;
            for r in &page {
                let yes = |b: bool| t(Lang::Vi, if b { "common.yes" } else { "common.no" });
                let late = ungcuu_domain::intake::lateness(
                    r.detected_at,
                    r.received_at,
                    self.cfg.report_days,
                )
                .map(|d| ((d.num_hours() + 23) / 24).to_string())
                .unwrap_or_default();
                let row = [
                    r.tracking_code.as_str(),
                    &ungcuu_domain::time::datetime_vn(r.received_at),
                    &r.reporter_org_name,
                    &r.system_name,
                    &r.security_level.map(|l| l.to_string()).unwrap_or_default(),
                    &ungcuu_domain::time::datetime_vn(r.detected_at),
                    t(Lang::Vi, r.status.label_key()),
                    yes(r.verified),
                    yes(r.serious),
                    yes(r.confidential),
                    &late,
                    r.incident_id
                        .and_then(|i| incidents.get(&i))
                        .map(String::as_str)
                        .unwrap_or(""),
                    &r.description,
                ];
                rows.push(row.iter().map(|c| c.to_string()).collect());
            }
            if (page.len() as i64) < filter.limit {
                break;
            }
            filter.offset += filter.limit;
        }
        // The one CSV writer: what a reporter typed is guarded against formulas.
        ungcuu_sheets::write_csv(&ungcuu_sheets::Layout {
            sheet_name: "",
            preamble: &[],
            header: &header,
            rows: &rows,
            guide: None,
        })
        .map_err(|e| AppError::Internal(e.into()))
    }

    /// `code` may also be the report's numeric id (API.md names attachments by id).
    pub async fn visible_report(&self, actor: &Actor, code: &str) -> AppResult<Report> {
        let code = code.trim();
        let report = match code.parse::<i64>() {
            Ok(id) => reports::get(&self.db, id).await?,
            Err(_) => reports::by_tracking_code(&self.db, &code.to_uppercase())
                .await?
                .ok_or(AppError::NotFound)?,
        };
        self.check_report_visible(actor, &report).await?;
        Ok(report)
    }

    pub(crate) async fn check_report_visible(
        &self,
        actor: &Actor,
        report: &Report,
    ) -> AppResult<()> {
        let path = self.org_path(report.org_id).await?;
        if actor.may_view_report(path.as_ref(), report.confidential) {
            Ok(())
        } else {
            tracing::info!(actor = %actor.label, report = report.id, "report hidden");
            Err(AppError::NotFound)
        }
    }

    /// A report by its tracking code with the form as filed, for those who may open it.
    pub async fn report_by_code(
        &self,
        actor: &Actor,
        code: &str,
    ) -> AppResult<(Report, ReportForm)> {
        let report = self.visible_report(actor, code).await?;
        let form: ReportForm =
            serde_json::from_str(&report.form_json).map_err(|e| AppError::Internal(e.into()))?;
        Ok((report, form))
    }
}

/// The list filter for what `q` asks, within what the actor may read: the focal point's
/// subtree, and confidential reports only in their circle.
fn report_filter(actor: &Actor, q: &ReportQuery, limit: i64) -> AppResult<reports::ReportFilter> {
    Ok(reports::ReportFilter {
        within: actor.scope(Action::ViewReport)?,
        confidential: actor.confidential_scope(),
        query: Some(ungcuu_domain::text::fold(&q.query)).filter(|s| !s.is_empty()),
        status: q
            .status
            .as_deref()
            .and_then(ReportStatus::parse)
            .map(|s| s.code().to_string()),
        unverified_only: q.unverified_only,
        limit,
        offset: ungcuu_domain::paging::offset(q.page, limit),
    })
}

/// What a report list asks for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    pub query: String,
    pub status: Option<String>,
    pub unverified_only: bool,
    pub page: i64,
}
