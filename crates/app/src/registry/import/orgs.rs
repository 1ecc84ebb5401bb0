//! Organisations from and to a file: names unique among active ones, a parent named by id,
//! exact name or an earlier line of the same file.

use super::table::{KnownOrgs, Table, breathe, coded, reason_text, tr};
use super::{ImportReport, Kind, MAX_ROWS, ORG_COLUMNS, Progress, RowError, Stage, file_problem};
use crate::App;
use crate::access::{Actor, json};
use crate::error::AppResult;
use crate::registry::orgs::OrgInput;
use std::collections::HashMap;
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{Action, FieldError, OrgId, OrgKind};
use ungcuu_sheets::{FileProblem, Format, Sheet};
use ungcuu_store::registry::orgs::{self, OrgFields};
use ungcuu_store::{StoreError, audit};

pub(super) struct OrgRow {
    pub(super) line: usize,
    pub(super) fields: OrgFields,
    /// The index (among these rows) of a parent that appears earlier in the same file.
    pub(super) parent_in_file: Option<usize>,
}

impl App {
    pub(super) async fn check_orgs(
        &self,
        actor: &Actor,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<Vec<OrgRow>> {
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
        let Some(table) = Table::new(ORG_COLUMNS, header, &mut report.errors, lang) else {
            return Ok(vec![]);
        };
        let known = KnownOrgs::load(self).await?;
        // Every name the file defines, with its line, for parents given by name.
        let mut file_names: HashMap<String, usize> = HashMap::new();
        for row in data {
            file_names
                .entry(table.get(row, "name").trim().to_string())
                .or_insert(row.line);
        }
        // Names defined so far: the line and, when the row was good, its index in `out`.
        let mut seen: HashMap<String, (usize, Option<usize>)> = HashMap::new();
        let mut out = Vec::new();
        progress.stage(Stage::Checking, data.len() as u64);
        for (i, row) in data.iter().enumerate() {
            breathe(i).await;
            progress.advance(1);
            let mut errs = table.cell_problems(row, lang);
            let name = table.get(row, "name").trim().to_string();
            let parent_raw = table.get(row, "parent").trim();
            let parent_col = table.title_of("parent");
            // The parent: registered, or defined on an earlier line of this file.
            let mut parent_id = String::new();
            let mut parent_in_file = None;
            let mut parent_known = true;
            if !parent_raw.is_empty() {
                match (known.resolve(parent_raw), seen.get(parent_raw)) {
                    (Ok(Some(id)), _) => parent_id = id.to_string(),
                    (_, Some((_, idx))) => {
                        parent_in_file = Some(*idx);
                        parent_known = false;
                    }
                    _ => {
                        parent_known = false;
                        let msg = match file_names.get(parent_raw) {
                            Some(l) => tr(
                                lang,
                                "import.err.parent_later",
                                &[("value", parent_raw), ("line", &l.to_string())],
                            ),
                            None => tr(lang, "import.err.org_not_found", &[("value", parent_raw)]),
                        };
                        errs.push(RowError::new(row.line, parent_col.clone(), msg));
                    }
                }
            }
            let input = OrgInput {
                name: name.clone(),
                kind: coded(
                    table.get(row, "kind"),
                    &OrgKind::ALL.map(OrgKind::code),
                    "org_kind",
                ),
                parent_id,
                address: table.get(row, "address").to_string(),
                phone: table.get(row, "phone").to_string(),
                email: table.get(row, "email").to_string(),
                website: table.get(row, "website").to_string(),
            };
            let parsed = input.parse();
            if let Err(inv) = &parsed {
                errs.extend(inv.0.iter().map(|e| table.place(row, e, lang)));
            }
            // The name is free: among active organisations, and in the file.
            if !name.is_empty() {
                if known.by_name.contains_key(&name) {
                    errs.push(table.place(row, &FieldError::new("org.name", Reason::Taken), lang));
                } else if let Some((l, _)) = seen.get(&name) {
                    errs.push(RowError::new(
                        row.line,
                        table.title_of("name"),
                        tr(lang, "import.err.same_as_line", &[("line", &l.to_string())]),
                    ));
                }
            }
            // The actor may create there.
            if let Ok(fields) = &parsed
                && parent_known
            {
                let reason = match fields.parent_id {
                    None => (!actor.can(Action::CreateOrg, None)).then_some(Reason::NotAllowed),
                    Some(pid) => match known.by_id.get(&pid.0) {
                        None => Some(Reason::Unknown),
                        Some(p) if p.archived_at.is_some() => Some(Reason::Archived),
                        Some(p) if !actor.can(Action::CreateOrg, Some(&p.path)) => {
                            Some(Reason::NotAllowed)
                        }
                        Some(_) => None,
                    },
                };
                if let Some(r) = reason {
                    errs.push(table.place(row, &FieldError::new("org.parent", r), lang));
                }
            }
            let good = errs.is_empty();
            let idx = match parsed {
                Ok(fields) if good => {
                    out.push(OrgRow {
                        line: row.line,
                        fields,
                        parent_in_file: parent_in_file.flatten(),
                    });
                    Some(out.len() - 1)
                }
                _ => None,
            };
            if !name.is_empty() {
                seen.entry(name).or_insert((row.line, idx));
            }
            report.errors.extend(errs);
        }
        Ok(out)
    }

    pub(super) async fn write_orgs(
        &self,
        actor: &Actor,
        rows: Vec<OrgRow>,
        format: Format,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<()> {
        progress.stage(Stage::Writing, rows.len() as u64);
        let mut tx = self.db.begin().await?;
        let mut ids: Vec<OrgId> = Vec::with_capacity(rows.len());
        for (i, mut r) in rows.into_iter().enumerate() {
            breathe(i).await;
            if let Some(p) = r.parent_in_file {
                r.fields.parent_id = Some(ids[p]);
            }
            let org = match orgs::insert(&mut tx, &r.fields).await {
                Ok(o) => o,
                // Someone registered the same name since the check: nothing is kept.
                Err(StoreError::Unique(_)) => {
                    tx.rollback().await?;
                    let title = ORG_COLUMNS[0].title;
                    report.errors.push(RowError::new(
                        r.line,
                        title,
                        reason_text("org.name", &Reason::Taken, lang),
                    ));
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            };
            audit::append(
                &mut tx,
                actor.audit("org.import", "org", org.id, None, json(&org)),
            )
            .await?;
            ids.push(org.id);
            progress.advance(1);
        }
        self.finish_import(tx, actor, Kind::Orgs, format, ids.len())
            .await?;
        report.created = ids.len();
        Ok(())
    }

    pub(super) async fn export_orgs(&self, actor: &Actor) -> AppResult<Vec<Vec<String>>> {
        let list = self.list_orgs(actor, None, false).await?;
        let names: HashMap<OrgId, String> = list.iter().map(|o| (o.id, o.name.clone())).collect();
        Ok(list
            .iter()
            .map(|o| {
                let parent = o
                    .parent_id
                    .map(|p| names.get(&p).cloned().unwrap_or_else(|| p.to_string()))
                    .unwrap_or_default();
                vec![
                    o.name.clone(),
                    t(Lang::Vi, o.kind.label_key()).to_string(),
                    parent,
                    o.address.clone().unwrap_or_default(),
                    o.phone.clone().unwrap_or_default(),
                    o.email.clone().unwrap_or_default(),
                    o.website.clone().unwrap_or_default(),
                ]
            })
            .collect())
    }
}
