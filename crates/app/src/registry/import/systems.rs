//! Information systems from and to a file: the owner named by id or exact name, lists and
//! coded cells as the forms take them.

use super::table::{
    KnownOrgs, LEVEL_STATES, MEASURES, SERVICES, Table, breathe, coded, coded_list, labelled_list,
    tr,
};
use super::{
    ImportReport, Kind, MAX_ROWS, Progress, RowError, SYSTEM_COLUMNS, Stage, file_problem,
};
use crate::App;
use crate::access::{Actor, json};
use crate::error::{AppError, AppResult};
use crate::registry::systems::SystemInput;
use std::collections::{HashMap, HashSet};
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Action, FieldError};
use ungcuu_sheets::{FileProblem, Format, Sheet};
use ungcuu_store::audit;
use ungcuu_store::registry::systems::{self, SystemFields};

pub(super) struct SystemRow {
    pub(super) line: usize,
    pub(super) fields: SystemFields,
}

impl App {
    pub(super) async fn check_systems(
        &self,
        actor: &Actor,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<Vec<SystemRow>> {
        let Some((header, data)) = sheet.rows.split_first() else {
            return Ok(vec![]);
        };
        report.rows_total = data.len();
        if data.len() > MAX_ROWS {
            report
                .errors
                .push(file_problem(&FileProblem::TooManyRows, lang));
            return Ok(vec![]);
        }
        let Some(table) = Table::new(SYSTEM_COLUMNS, header, &mut report.errors, lang) else {
            return Ok(vec![]);
        };
        let known = KnownOrgs::load(self).await?;
        // A system already registered under the same owner and name is not registered twice
        // (importing the same file again is refused rather than doubling the registry).
        let existing: HashSet<(i64, String)> = systems::list_all(&self.db, None, true)
            .await?
            .into_iter()
            .map(|s| (s.owner_org_id.0, s.name))
            .collect();
        let mut seen: HashMap<(i64, String), usize> = HashMap::new();
        let mut out = Vec::new();
        let owner_col = table.title_of("owner");
        progress.stage(Stage::Checking, data.len() as u64);
        for (i, row) in data.iter().enumerate() {
            breathe(i).await;
            progress.advance(1);
            let mut errs = table.cell_problems(row, lang);
            let owner_raw = table.get(row, "owner").trim();
            let owner = match known.resolve(owner_raw) {
                Ok(o) => o,
                Err(()) => {
                    errs.push(RowError::new(
                        row.line,
                        owner_col.clone(),
                        tr(lang, "import.err.org_not_found", &[("value", owner_raw)]),
                    ));
                    None
                }
            };
            let owner_reported = !errs.is_empty() && !owner_raw.is_empty() && owner.is_none();
            let input = SystemInput {
                owner_org_id: owner.map(|o| o.to_string()).unwrap_or_default(),
                operator_name: table.get(row, "operator_name").to_string(),
                name: table.get(row, "name").to_string(),
                domains: table.get(row, "domains").to_string(),
                public_ip_ranges: table.get(row, "public_ip_ranges").to_string(),
                ips: table.get(row, "ips").to_string(),
                security_level: table.get(row, "security_level").to_string(),
                level_state: coded(table.get(row, "level_state"), &LEVEL_STATES, "level.state"),
                level_doc_number: table.get(row, "level_doc_number").to_string(),
                level_doc_date: table.get(row, "level_doc_date").to_string(),
                critical: table.get(row, "critical").to_string(),
                security_provider: table.get(row, "security_provider").to_string(),
                connectivity_provider: table.get(row, "connectivity_provider").to_string(),
                os: table.get(row, "os").to_string(),
                os_version: table.get(row, "os_version").to_string(),
                services: coded_list(table.get(row, "services"), &SERVICES, "service"),
                measures: coded_list(table.get(row, "measures"), &MEASURES, "measure"),
                purpose: table.get(row, "purpose").to_string(),
            };
            match input.parse() {
                Err(inv) => errs.extend(
                    inv.0
                        .iter()
                        .filter(|e| !(owner_reported && e.field == "system.owner"))
                        .map(|e| table.place(row, e, lang)),
                ),
                Ok(fields) => {
                    let owner = fields.owner_org_id;
                    let reason = match known.by_id.get(&owner.0) {
                        None => Some(Reason::Unknown),
                        Some(o) if o.archived_at.is_some() => Some(Reason::Archived),
                        Some(o) if !actor.can(Action::EditSystem, Some(&o.path)) => {
                            Some(Reason::NotAllowed)
                        }
                        Some(_) => None,
                    };
                    if let Some(r) = reason {
                        errs.push(table.place(row, &FieldError::new("system.owner", r), lang));
                    }
                    let key = (owner.0, fields.name.clone());
                    if existing.contains(&key) {
                        errs.push(RowError::new(
                            row.line,
                            table.title_of("name"),
                            t(lang, "import.err.system_exists"),
                        ));
                    } else if let Some(l) = seen.get(&key) {
                        errs.push(RowError::new(
                            row.line,
                            table.title_of("name"),
                            tr(lang, "import.err.same_as_line", &[("line", &l.to_string())]),
                        ));
                    } else {
                        seen.insert(key, row.line);
                    }
                    if errs.is_empty() {
                        out.push(SystemRow {
                            line: row.line,
                            fields,
                        });
                    }
                }
            }
            report.errors.extend(errs);
        }
        Ok(out)
    }

    pub(super) async fn write_systems(
        &self,
        actor: &Actor,
        rows: Vec<SystemRow>,
        format: Format,
        report: &mut ImportReport,
        _lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<()> {
        progress.stage(Stage::Writing, rows.len() as u64);
        let mut tx = self.db.begin().await?;
        let n = rows.len();
        for (i, r) in rows.into_iter().enumerate() {
            breathe(i).await;
            let s = systems::insert(&mut tx, &r.fields).await.map_err(|e| {
                tracing::warn!(line = r.line, error = %e, "import: a checked system did not insert");
                AppError::from(e)
            })?;
            audit::append(
                &mut tx,
                actor.audit("system.import", "system", s.id, None, json(&s)),
            )
            .await?;
            progress.advance(1);
        }
        self.finish_import(tx, actor, Kind::Systems, format, n)
            .await?;
        report.created = n;
        Ok(())
    }

    pub(super) async fn export_systems(&self, actor: &Actor) -> AppResult<Vec<Vec<String>>> {
        let within = actor.scope(Action::ViewSystem)?;
        let list = systems::list_all(&self.db, within.as_ref(), false).await?;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(list
            .into_iter()
            .map(|s| {
                vec![
                    s.owner_name.clone(),
                    s.operator_name.clone(),
                    s.name.clone(),
                    s.domains.join(", "),
                    s.public_ip_ranges.join(", "),
                    s.ips.join(", "),
                    s.security_level.map(|l| l.to_string()).unwrap_or_default(),
                    s.level_state
                        .as_deref()
                        .map(|st| t(Lang::Vi, &format!("level.state.{st}")).to_string())
                        .unwrap_or_default(),
                    opt(&s.level_doc_number),
                    s.level_doc_date
                        .map(|d| d.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    if s.critical { "Có" } else { "Không" }.to_string(),
                    opt(&s.security_provider),
                    opt(&s.connectivity_provider),
                    opt(&s.os),
                    opt(&s.os_version),
                    labelled_list(&s.services, "service"),
                    labelled_list(&s.measures, "measure"),
                    opt(&s.purpose),
                ]
            })
            .collect())
    }
}
