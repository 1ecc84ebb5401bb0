//! The roster from and to a file: one decision (kiện toàn) on top, its members below,
//! recorded through the roster use case.

use super::columns::header_key;
use super::table::{KnownOrgs, Table, coded, reason_text, tr};
use super::{DECISION_ROWS, ImportReport, MEMBER_COLUMNS, Progress, RowError, Stage};
use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};
use crate::registry::roster::{MemberInput, RosterInput};
use std::collections::HashMap;
use ungcuu_domain::FieldError;
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_domain::roster::MemberRole;
use ungcuu_sheets::Sheet;
use ungcuu_store::{accounts::users, registry::roster};

/// A roster file read into the app's input, with where each part came from.
pub(super) struct RosterDraft {
    pub(super) input: RosterInput,
    /// The line of each decision row given, by field (`roster.decision_number`).
    pub(super) decision_lines: HashMap<&'static str, (usize, String)>,
    /// The line of each member row, by index in `input.members`.
    pub(super) member_lines: Vec<usize>,
    pub(super) table: Table,
}

impl App {
    /// Reads a roster file into the roster use case's input.
    pub(super) async fn read_roster(
        &self,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
    ) -> AppResult<Option<RosterDraft>> {
        let name_col = &MEMBER_COLUMNS[0];
        let Some(h) = sheet
            .rows
            .iter()
            .position(|r| r.cells.iter().any(|c| name_col.matches(&header_key(c))))
        else {
            report
                .errors
                .push(RowError::new(0, "", t(lang, "import.err.no_header")));
            return Ok(None);
        };
        let (decision, rest) = sheet.rows.split_at(h);
        let (header, data) = rest.split_first().expect("the header row is there");
        report.rows_total = data.len();
        let mut input = RosterInput::default();
        let mut decision_lines = HashMap::new();
        for row in decision {
            let Some(k) = row.cells.iter().position(|c| !c.trim().is_empty()) else {
                continue;
            };
            let label = row.cells[k].trim();
            let value = row.cell(k + 1).to_string();
            let key = header_key(label);
            let Some(d) = DECISION_ROWS.iter().find(|d| d.matches(&key)) else {
                report.errors.push(RowError::new(
                    row.line,
                    label,
                    t(lang, "import.err.unknown_row"),
                ));
                continue;
            };
            if decision_lines.contains_key(d.field) {
                report.errors.push(RowError::new(
                    row.line,
                    label,
                    t(lang, "import.err.duplicate_column"),
                ));
                continue;
            }
            decision_lines.insert(d.field, (row.line, label.to_string()));
            let slot = match d.name {
                "decision_number" => &mut input.decision_number,
                "decision_date" => &mut input.decision_date,
                "signer_name" => &mut input.signer_name,
                "signer_title" => &mut input.signer_title,
                "effective_from" => &mut input.effective_from,
                _ => &mut input.note,
            };
            *slot = value;
        }
        let Some(table) = Table::new(MEMBER_COLUMNS, header, &mut report.errors, lang) else {
            return Ok(None);
        };
        let known = KnownOrgs::load(self).await?;
        let mut member_lines = Vec::new();
        for row in data {
            report.errors.extend(table.cell_problems(row, lang));
            let org_raw = table.get(row, "org").trim();
            let org_id = match known.resolve(org_raw) {
                Ok(o) => o.map(|o| o.to_string()).unwrap_or_default(),
                Err(()) => {
                    report.errors.push(RowError::new(
                        row.line,
                        table.title_of("org"),
                        tr(lang, "import.err.org_not_found", &[("value", org_raw)]),
                    ));
                    String::new()
                }
            };
            let user_raw = table.get(row, "user").trim();
            let user_id = if user_raw.contains('@') {
                match users::find_by_email(&self.db, user_raw).await? {
                    Some(u) => u.id.to_string(),
                    None => {
                        report.errors.push(RowError::new(
                            row.line,
                            table.title_of("user"),
                            tr(lang, "import.err.user_not_found", &[("value", user_raw)]),
                        ));
                        String::new()
                    }
                }
            } else {
                user_raw.to_string()
            };
            input.members.push(MemberInput {
                name: table.get(row, "name").to_string(),
                role: coded(
                    table.get(row, "role"),
                    &MemberRole::ALL.map(MemberRole::code),
                    "roster.role",
                ),
                title: table.get(row, "title").to_string(),
                agency: table.get(row, "agency").to_string(),
                org_id,
                phone: table.get(row, "phone").to_string(),
                email: table.get(row, "email").to_string(),
                user_id,
            });
            member_lines.push(row.line);
        }
        Ok(Some(RosterDraft {
            input,
            decision_lines,
            member_lines,
            table,
        }))
    }

    /// A roster file: checked as the roster form is, recorded through the roster use case
    /// (which writes the roster and its `roster.issue` audit row in one transaction).
    pub(super) async fn import_roster(
        &self,
        actor: &Actor,
        sheet: &Sheet,
        report: &mut ImportReport,
        lang: Lang,
        progress: &dyn Progress,
    ) -> AppResult<()> {
        let Some(draft) = self.read_roster(sheet, report, lang).await? else {
            return Ok(());
        };
        progress.stage(Stage::Checking, draft.member_lines.len() as u64);
        // A decision already recorded is named before the rest is judged.
        if let Ok(date) =
            ungcuu_domain::validate::date("roster.decision_date", &draft.input.decision_date)
            && roster::list(&self.db).await?.iter().any(|r| {
                r.decision_number == draft.input.decision_number.trim() && r.decision_date == date
            })
        {
            let (line, label) = draft.place_decision("roster.decision_number");
            report.errors.push(RowError::new(
                line,
                label,
                t(lang, "import.err.decision_taken"),
            ));
        }
        let checked = self.check_roster(actor, &draft.input).await;
        progress.advance(draft.member_lines.len() as u64);
        match checked {
            Ok(()) => {}
            Err(AppError::Invalid(inv)) => report
                .errors
                .extend(inv.0.iter().map(|e| draft.place(e, lang))),
            Err(e) => return Err(e),
        }
        if !report.ok() || report.dry_run {
            return Ok(());
        }
        progress.stage(Stage::Writing, 1);
        match self.issue_roster(actor, &draft.input).await {
            Ok(_) => report.created = 1,
            Err(AppError::Invalid(inv)) => report
                .errors
                .extend(inv.0.iter().map(|e| draft.place(e, lang))),
            Err(e) => return Err(e),
        }
        progress.advance(1);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Export

    pub(super) async fn export_roster(
        &self,
        actor: &Actor,
    ) -> AppResult<(Vec<(String, String)>, Vec<Vec<String>>)> {
        let (_, current) = self.roster_at(actor, "").await?;
        let Some(r) = current else {
            return Ok((vec![], vec![]));
        };
        let orgs = KnownOrgs::load(self).await?;
        let date = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        let decision = vec![
            ("Số quyết định".to_string(), r.decision_number.clone()),
            ("Ngày ký".to_string(), date(r.decision_date)),
            ("Người ký".to_string(), r.signer_name.clone()),
            ("Chức vụ người ký".to_string(), r.signer_title.clone()),
            ("Ngày hiệu lực".to_string(), date(r.effective_from)),
            ("Ghi chú".to_string(), r.note.clone().unwrap_or_default()),
        ];
        let rows = r
            .members
            .iter()
            .map(|m| {
                let org = m
                    .org_id
                    .and_then(|o| orgs.by_id.get(&o.0))
                    .map(|o| {
                        if o.archived_at.is_none() {
                            o.name.clone()
                        } else {
                            o.id.to_string()
                        }
                    })
                    .unwrap_or_default();
                vec![
                    m.name.clone(),
                    t(Lang::Vi, m.role.label_key()).to_string(),
                    m.title.clone().unwrap_or_default(),
                    m.agency.clone(),
                    org,
                    m.phone.clone().unwrap_or_default(),
                    m.email.clone().unwrap_or_default(),
                    m.user_email
                        .clone()
                        .or_else(|| m.user_id.map(|u| u.to_string()))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        Ok((decision, rows))
    }
}

impl RosterDraft {
    pub(super) fn place_decision(&self, field: &str) -> (usize, String) {
        match self.decision_lines.get(field) {
            Some((line, label)) => (*line, label.clone()),
            None => (
                // Not given at all: named by its label, on the first line.
                1,
                DECISION_ROWS
                    .iter()
                    .find(|d| d.field == field)
                    .map(|d| d.title.to_string())
                    .unwrap_or_default(),
            ),
        }
    }

    /// A roster error placed at its line: `members[3].phone` on the fourth member's row,
    /// `roster.decision_date` on the decision's row, `roster.members` on the table's header.
    pub(super) fn place(&self, e: &FieldError, lang: Lang) -> RowError {
        if let Some(rest) = e.field.strip_prefix("members[")
            && let Some((i, name)) = rest.split_once("].")
            && let Ok(i) = i.parse::<usize>()
        {
            let field = format!("members.{name}");
            let line = self.member_lines.get(i).copied().unwrap_or(self.table.line);
            return RowError::new(
                line,
                self.table.title_of_field(&field),
                reason_text(&field, &e.reason, lang),
            );
        }
        if e.field == "roster.members" {
            return RowError::new(self.table.line, "", e.message(lang));
        }
        if e.field.starts_with("roster.") {
            let (line, label) = self.place_decision(&e.field);
            return RowError::new(line, label, reason_text(&e.field, &e.reason, lang));
        }
        RowError::new(0, "", e.message(lang))
    }
}
