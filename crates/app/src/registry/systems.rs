//! Information systems: register, edit, retire; list and search. Nothing is deleted.

use crate::App;
use crate::access::{Actor, json};
use crate::error::{AppError, AppResult};
use serde::{Deserialize, Deserializer};
use ungcuu_domain::system::{self as sys, Measure, Service, SystemStatus};
use ungcuu_domain::validate::{self, Reason};
use ungcuu_domain::{Action, FieldError, Invalid, OrgId};
use ungcuu_store::registry::systems::{self, System, SystemFields, SystemFilter};
use ungcuu_store::{audit, registry::orgs};

/// A list given either as a JSON array or as text (one item per line, or comma-separated):
/// the API sends arrays, forms and spreadsheets send text.
fn text_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        List(Vec<String>),
        Number(i64),
        Bool(bool),
        Null(()),
    }
    Ok(match Either::deserialize(d)? {
        Either::Text(s) => s,
        Either::List(v) => v.join("\n"),
        Either::Number(n) => n.to_string(),
        Either::Bool(b) => b.to_string(),
        Either::Null(()) => String::new(),
    })
}

/// An information system as typed into a form, sent by the API, or read from a spreadsheet
/// row: raw text, checked here. Field names follow the report form (API.md `system`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SystemInput {
    /// Id of the owning organisation (cơ quan chủ quản).
    #[serde(deserialize_with = "text_or_list")]
    pub owner_org_id: String,
    pub operator_name: String,
    pub name: String,
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = Vec<String>)]
    pub domains: String,
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = Vec<String>)]
    pub public_ip_ranges: String,
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = Vec<String>)]
    pub ips: String,
    /// 1–5, or empty.
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = Option<u8>)]
    pub security_level: String,
    /// proposed | appraised | approved
    pub level_state: String,
    pub level_doc_number: String,
    /// dd/mm/yyyy or yyyy-mm-dd
    pub level_doc_date: String,
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = bool)]
    pub critical: String,
    pub security_provider: String,
    pub connectivity_provider: String,
    pub os: String,
    pub os_version: String,
    /// web, mail, database, other:…
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = Vec<String>)]
    pub services: String,
    /// antivirus, firewall, ids, other:…
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = Vec<String>)]
    pub measures: String,
    pub purpose: String,
}

const LEVEL_STATES: [&str; 3] = ["proposed", "appraised", "approved"];

fn flag(field: &str, raw: &str) -> Result<bool, FieldError> {
    match raw.trim().to_lowercase().as_str() {
        "" | "false" | "0" | "no" | "không" | "off" => Ok(false),
        "true" | "1" | "yes" | "có" | "on" | "x" => Ok(true),
        _ => Err(FieldError::new(field, Reason::Unknown)),
    }
}

impl SystemInput {
    pub fn parse(&self) -> Result<SystemFields, Invalid> {
        let mut bad = Invalid::default();
        let owner = bad.check(
            validate::optional_id("system.owner", &self.owner_org_id)
                .and_then(|o| o.ok_or_else(|| FieldError::new("system.owner", Reason::Required))),
        );
        let operator = bad.check(validate::line(
            "system.operator_name",
            &self.operator_name,
            300,
        ));
        let name = bad.check(validate::line("system.name", &self.name, 300));
        let domains = bad.check(sys::list("system.domains", &self.domains, sys::domain_name));
        let ranges = bad.check(sys::list(
            "system.public_ip_ranges",
            &self.public_ip_ranges,
            sys::ip_range,
        ));
        let ips = bad.check(sys::list("system.ips", &self.ips, sys::ip_address));
        let level = bad.check(sys::optional_level(
            "system.security_level",
            &self.security_level,
        ));
        let level_state = bad.check(if self.level_state.trim().is_empty() {
            Ok(None)
        } else {
            validate::choice("system.level_state", &self.level_state, |s| {
                LEVEL_STATES.contains(&s).then(|| s.to_string())
            })
            .map(Some)
        });
        let doc_number = bad.check(validate::optional_line(
            "system.level_doc_number",
            &self.level_doc_number,
            100,
        ));
        let doc_date = bad.check(validate::optional_date(
            "system.level_doc_date",
            &self.level_doc_date,
        ));
        let critical = bad.check(flag("system.critical", &self.critical));
        let sec = bad.check(validate::optional_line(
            "system.security_provider",
            &self.security_provider,
            300,
        ));
        let conn = bad.check(validate::optional_line(
            "system.connectivity_provider",
            &self.connectivity_provider,
            300,
        ));
        let os = bad.check(validate::optional_line("system.os", &self.os, 120));
        let os_version = bad.check(validate::optional_line(
            "system.os_version",
            &self.os_version,
            120,
        ));
        let services = bad.check(sys::list("system.services", &self.services, Service::parse));
        let measures = bad.check(sys::list("system.measures", &self.measures, Measure::parse));
        let purpose = bad.check(validate::optional_line(
            "system.purpose",
            &self.purpose,
            1000,
        ));
        // A level's approval state and document only make sense with a level.
        if level.as_ref().is_some_and(Option::is_none)
            && level_state.as_ref().is_some_and(Option::is_some)
        {
            bad.push("system.security_level", Reason::Required);
        }
        if !bad.0.is_empty() {
            return Err(bad);
        }
        fn some<T>(v: Option<T>) -> T {
            v.expect("every field was checked above")
        }
        Ok(SystemFields {
            owner_org_id: OrgId(some(owner)),
            operator_name: some(operator),
            name: some(name),
            domains: some(domains),
            public_ip_ranges: some(ranges),
            ips: some(ips),
            security_level: some(level).map(|l| l.get() as i64),
            level_state: some(level_state),
            level_doc_number: some(doc_number),
            level_doc_date: some(doc_date),
            critical: some(critical),
            security_provider: some(sec),
            connectivity_provider: some(conn),
            os: some(os),
            os_version: some(os_version),
            services: some(services).iter().map(Service::code).collect(),
            measures: some(measures).iter().map(Measure::code).collect(),
            purpose: some(purpose),
        })
    }

    pub fn from_system(s: &System) -> SystemInput {
        SystemInput {
            owner_org_id: s.owner_org_id.to_string(),
            operator_name: s.operator_name.clone(),
            name: s.name.clone(),
            domains: s.domains.join("\n"),
            public_ip_ranges: s.public_ip_ranges.join("\n"),
            ips: s.ips.join("\n"),
            security_level: s.security_level.map(|l| l.to_string()).unwrap_or_default(),
            level_state: s.level_state.clone().unwrap_or_default(),
            level_doc_number: s.level_doc_number.clone().unwrap_or_default(),
            level_doc_date: s
                .level_doc_date
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            critical: s.critical.to_string(),
            security_provider: s.security_provider.clone().unwrap_or_default(),
            connectivity_provider: s.connectivity_provider.clone().unwrap_or_default(),
            os: s.os.clone().unwrap_or_default(),
            os_version: s.os_version.clone().unwrap_or_default(),
            services: s.services.join("\n"),
            measures: s.measures.join("\n"),
            purpose: s.purpose.clone().unwrap_or_default(),
        }
    }
}

/// Filters for the list, as typed in a search form or a query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct SystemQuery {
    /// Part of the name, owner, operator, a domain or an address; diacritics and case ignored.
    pub q: String,
    pub owner: Option<i64>,
    /// 1–5
    pub level: Option<i64>,
    pub critical: Option<bool>,
    pub retired: bool,
    /// 1-based page of 50.
    pub page: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

/// The system form's choices and buttons, decided for its reader.
#[derive(Debug, Clone)]
pub struct SystemForm {
    pub system: Option<System>,
    pub owners: Vec<ungcuu_store::registry::orgs::Org>,
    pub may_edit: bool,
}

impl App {
    pub async fn list_systems(
        &self,
        actor: &Actor,
        q: &SystemQuery,
    ) -> AppResult<(Vec<System>, i64)> {
        let within = actor.scope(Action::ViewSystem)?;
        let f = SystemFilter {
            within,
            owner: q.owner.map(OrgId),
            query: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
            level: q.level,
            critical: q.critical,
            include_retired: q.retired,
            limit: PAGE_SIZE,
            offset: ungcuu_domain::paging::offset(q.page.unwrap_or(1), PAGE_SIZE),
        };
        Ok(systems::list(&self.db, &f).await?)
    }

    pub async fn get_system(&self, actor: &Actor, id: i64) -> AppResult<System> {
        let s = systems::get(&self.db, id).await?;
        actor
            .authorize(Action::ViewSystem, Some(&s.owner_path))
            .map_err(|_| AppError::NotFound)?;
        Ok(s)
    }

    /// What the system form offers the actor: the system (None for a new one), the owners it
    /// may be registered under, and whether this actor may change it (a reader of another
    /// organisation's system sees it read-only). A new one needs the right to edit somewhere.
    pub async fn system_form(&self, actor: &Actor, id: Option<i64>) -> AppResult<SystemForm> {
        let system = match id {
            None => {
                actor.scope(Action::EditSystem)?;
                None
            }
            Some(id) => Some(self.get_system(actor, id).await?),
        };
        let owners = self.org_choices(actor, Action::EditSystem).await?;
        let may_edit = system
            .as_ref()
            .is_none_or(|s| actor.can(Action::EditSystem, Some(&s.owner_path)));
        Ok(SystemForm {
            system,
            owners,
            may_edit,
        })
    }

    /// The owner must exist, be active, and be within the actor's reach for editing.
    async fn check_owner(&self, actor: &Actor, owner: OrgId) -> AppResult<()> {
        let org = match orgs::get(&self.db, owner).await {
            Ok(o) => o,
            Err(ungcuu_store::StoreError::NotFound) => {
                return Err(Invalid::one("system.owner", Reason::Unknown).into());
            }
            Err(e) => return Err(e.into()),
        };
        if org.archived_at.is_some() {
            return Err(Invalid::one("system.owner", Reason::Archived).into());
        }
        actor
            .authorize(Action::EditSystem, Some(&org.path))
            .map_err(|_| Invalid::one("system.owner", Reason::NotAllowed).into())
    }

    pub async fn create_system(&self, actor: &Actor, input: &SystemInput) -> AppResult<System> {
        actor.scope(Action::EditSystem)?;
        let fields = input.parse()?;
        self.check_owner(actor, fields.owner_org_id).await?;
        let mut tx = self.db.begin().await?;
        let s = systems::insert(&mut tx, &fields).await?;
        audit::append(
            &mut tx,
            actor.audit("system.create", "system", s.id, None, json(&s)),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    pub async fn update_system(
        &self,
        actor: &Actor,
        id: i64,
        input: &SystemInput,
    ) -> AppResult<System> {
        let before = self.get_system(actor, id).await?;
        actor.authorize(Action::EditSystem, Some(&before.owner_path))?;
        let fields = input.parse()?;
        if fields.owner_org_id != before.owner_org_id {
            self.check_owner(actor, fields.owner_org_id).await?;
        }
        let mut tx = self.db.begin().await?;
        let after = systems::update(&mut tx, id, &fields).await?;
        audit::append(
            &mut tx,
            actor.audit("system.update", "system", id, json(&before), json(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Retires a system (ngừng sử dụng) or puts it back in service; its history stays.
    pub async fn set_system_retired(
        &self,
        actor: &Actor,
        id: i64,
        retired: bool,
    ) -> AppResult<System> {
        let before = self.get_system(actor, id).await?;
        actor.authorize(Action::EditSystem, Some(&before.owner_path))?;
        let mut tx = self.db.begin().await?;
        let status = if retired {
            SystemStatus::Retired
        } else {
            SystemStatus::InService
        };
        let after = systems::set_status(&mut tx, id, status).await?;
        let action = if retired {
            "system.retire"
        } else {
            "system.reinstate"
        };
        audit::append(
            &mut tx,
            actor.audit(action, "system", id, json(&before), json(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SystemInput {
        SystemInput {
            owner_org_id: "3".into(),
            operator_name: "Trung tâm Chuyển đổi số".into(),
            name: "Cổng dịch vụ công tỉnh".into(),
            domains: "dichvucong.bacninh.gov.vn, sởkhcn.bacninh.gov.vn".into(),
            public_ip_ranges: "203.113.0.0/24".into(),
            ips: "203.113.0.10\n2001:db8::10".into(),
            security_level: "3".into(),
            level_state: "approved".into(),
            level_doc_number: "123/QĐ-UBND".into(),
            level_doc_date: "05/03/2026".into(),
            critical: "true".into(),
            services: "web\nother:VPN".into(),
            measures: "firewall\nids".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_system_parses() {
        let f = good().parse().unwrap();
        assert_eq!(
            f.domains,
            ["dichvucong.bacninh.gov.vn", "sởkhcn.bacninh.gov.vn"]
        );
        assert_eq!(f.ips, ["203.113.0.10", "2001:db8::10"]);
        assert_eq!(f.security_level, Some(3));
        assert!(f.critical);
        assert_eq!(f.services, ["web", "other:VPN"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = SystemInput {
            owner_org_id: "".into(),
            operator_name: "".into(),
            name: "<b>x</b>".into(),
            domains: "ok.vn, bad domain".into(),
            public_ip_ranges: "203.113.0.5/24".into(),
            ips: "999.1.1.1".into(),
            security_level: "7".into(),
            level_state: "signed".into(),
            level_doc_date: "31/02/2026".into(),
            critical: "maybe".into(),
            services: "ftp".into(),
            measures: "other:".into(),
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .parse()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "system.owner",
                "system.operator_name",
                "system.name",
                "system.domains[1]",
                "system.public_ip_ranges[0]",
                "system.ips[0]",
                "system.security_level",
                "system.level_state",
                "system.level_doc_date",
                "system.critical",
                "system.services[0]",
                "system.measures[0]"
            ]
        );
    }

    #[test]
    fn the_api_may_send_arrays_numbers_and_booleans() {
        let v: SystemInput = serde_json::from_value(serde_json::json!({
            "owner_org_id": 3, "operator_name": "X", "name": "Y", "domains": ["a.vn", "b.vn"],
            "security_level": 4, "critical": true, "services": ["web", "mail"]
        }))
        .unwrap();
        let f = v.parse().unwrap();
        assert_eq!(f.domains, ["a.vn", "b.vn"]);
        assert_eq!(f.security_level, Some(4));
        assert!(f.critical);
    }
}
