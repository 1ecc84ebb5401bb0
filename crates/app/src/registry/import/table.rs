//! A file's header matched against a kind's columns, cells read by column, the app's
//! validation errors placed at their line and column, and coded cells (labels in either
//! language, `Khác: …`) read back as codes.

use super::RowError;
use super::columns::{Column, header_key};
use crate::App;
use crate::error::AppResult;
use std::collections::{HashMap, HashSet};
use ungcuu_domain::i18n::{self, Lang, t};
use ungcuu_domain::text::fold;
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{FieldError, OrgId};
use ungcuu_sheets::{SheetRow, column_letter};
use ungcuu_store::registry::orgs::{self, Org, OrgFilter};

pub(super) fn tr(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A header row matched against a kind's columns.
pub(super) struct Table {
    pub(super) spec: &'static [Column],
    pub(super) line: usize,
    /// For each column of the spec, where it is in the file.
    pub(super) pos: Vec<Option<usize>>,
    /// The file's titles, as written.
    pub(super) titles: Vec<String>,
    /// Columns of the file with no title.
    pub(super) untitled: HashSet<usize>,
}

impl Table {
    /// Matches the header; `None` when a required column is missing (every row would fail).
    pub(super) fn new(
        spec: &'static [Column],
        header: &SheetRow,
        errors: &mut Vec<RowError>,
        lang: Lang,
    ) -> Option<Table> {
        let mut pos = vec![None; spec.len()];
        let mut untitled = HashSet::new();
        for (k, title) in header.cells.iter().enumerate() {
            let key = header_key(title);
            if key.is_empty() {
                untitled.insert(k);
                continue;
            }
            match spec.iter().position(|c| c.matches(&key)) {
                None => errors.push(RowError::new(
                    header.line,
                    title.trim(),
                    t(lang, "import.err.unknown_column"),
                )),
                Some(j) if pos[j].is_some() => errors.push(RowError::new(
                    header.line,
                    title.trim(),
                    t(lang, "import.err.duplicate_column"),
                )),
                Some(j) => pos[j] = Some(k),
            }
        }
        let mut complete = true;
        for (j, c) in spec.iter().enumerate() {
            if c.required && pos[j].is_none() {
                complete = false;
                errors.push(RowError::new(
                    header.line,
                    c.title,
                    t(lang, "import.err.missing_column"),
                ));
            }
        }
        complete.then(|| Table {
            spec,
            line: header.line,
            pos,
            titles: header.cells.iter().map(|s| s.trim().to_string()).collect(),
            untitled,
        })
    }

    pub(super) fn get<'r>(&self, row: &'r SheetRow, name: &str) -> &'r str {
        self.spec
            .iter()
            .position(|c| c.name == name)
            .and_then(|j| self.pos[j])
            .map(|k| row.cell(k))
            .unwrap_or("")
    }

    /// The title of a spec column as the file writes it.
    pub(super) fn title(&self, j: usize) -> String {
        self.pos[j]
            .and_then(|k| self.titles.get(k).cloned())
            .unwrap_or_else(|| self.spec[j].title.to_string())
    }

    pub(super) fn title_of_field(&self, field: &str) -> String {
        self.spec
            .iter()
            .position(|c| c.field == field)
            .map(|j| self.title(j))
            .unwrap_or_default()
    }

    pub(super) fn title_of(&self, name: &str) -> String {
        self.spec
            .iter()
            .position(|c| c.name == name)
            .map(|j| self.title(j))
            .unwrap_or_default()
    }

    /// Problems a row has whatever its values: data under no title (once a row), formula
    /// errors.
    pub(super) fn cell_problems(&self, row: &SheetRow, lang: Lang) -> Vec<RowError> {
        let mut out = Vec::new();
        if let Some(k) = row.cells.iter().enumerate().position(|(k, v)| {
            (k >= self.titles.len() || self.untitled.contains(&k)) && !v.trim().is_empty()
        }) {
            out.push(RowError::new(
                row.line,
                format!("({})", column_letter(k)),
                t(lang, "import.err.untitled_column"),
            ));
        }
        for &k in &row.bad_cells {
            let title = self
                .titles
                .get(k)
                .filter(|t| !t.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("({})", column_letter(k)));
            out.push(RowError::new(
                row.line,
                title,
                t(lang, "import.err.cell_error"),
            ));
        }
        out
    }

    /// A validation error of the app, placed at its row and column.
    pub(super) fn place(&self, row: &SheetRow, e: &FieldError, lang: Lang) -> RowError {
        let (plain, item) = split_index(&e.field);
        let column = self.title_of_field(&plain);
        let mut message = reason_text(&plain, &e.reason, lang);
        if let Some(i) = item {
            let raw = self
                .spec
                .iter()
                .position(|c| c.field == plain)
                .and_then(|j| self.pos[j])
                .map(|k| row.cell(k))
                .unwrap_or("");
            let value = list_items(raw).get(i).copied().unwrap_or("").to_string();
            message = format!(
                "{}: {message}",
                tr(
                    lang,
                    "import.item",
                    &[("n", &(i + 1).to_string()), ("value", &value)]
                )
            );
        }
        RowError::new(row.line, column, message)
    }
}

/// `system.domains[1]` → (`system.domains`, Some(1)).
pub(super) fn split_index(field: &str) -> (String, Option<usize>) {
    if let Some(open) = field.find('[')
        && let Some(close) = field[open..].find(']').map(|c| open + c)
        && let Ok(i) = field[open + 1..close].parse::<usize>()
    {
        return (
            format!("{}{}", &field[..open], &field[close + 1..]),
            Some(i),
        );
    }
    (field.to_string(), None)
}

/// The reason alone, without the field's label (the column names it).
pub(super) fn reason_text(field: &str, reason: &Reason, lang: Lang) -> String {
    let m = FieldError::new(field, reason.clone()).message(lang);
    match m.split_once(": ") {
        Some((_, r)) => r.to_string(),
        None => m,
    }
}

/// The items of a list cell, as the app's list fields split them.
pub(super) fn list_items(raw: &str) -> Vec<&str> {
    raw.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The label of a catalogue key in both languages, folded.
pub(super) fn labels(key: &str) -> [String; 2] {
    [
        fold(i18n::lookup(Lang::Vi, key).unwrap_or("")),
        fold(i18n::lookup(Lang::En, key).unwrap_or("")),
    ]
}

/// A code from the code itself or the label of `prefix.code` in either language.
pub(super) fn coded(raw: &str, codes: &[&str], prefix: &str) -> String {
    let f = fold(raw);
    if f.is_empty() {
        return String::new();
    }
    for code in codes {
        if f == *code || labels(&format!("{prefix}.{code}")).contains(&f) {
            return code.to_string();
        }
    }
    raw.trim().to_string()
}

/// A list of codes (services, measures) from codes or labels; `Khác: …` for `other:…`.
pub(super) fn coded_list(raw: &str, codes: &[&str], prefix: &str) -> String {
    list_items(raw)
        .into_iter()
        .map(|item| {
            if let Some((head, rest)) = item.split_once(':') {
                let h = fold(head);
                if h == "other" || labels("common.other").contains(&h) {
                    return format!("other:{}", rest.trim());
                }
            }
            coded(item, codes, prefix)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a list of codes is written in a file: labels, comma-separated.
pub(super) fn labelled_list(items: &[String], prefix: &str) -> String {
    items
        .iter()
        .map(|i| match i.strip_prefix("other:") {
            Some(o) => format!("{}: {o}", t(Lang::Vi, "common.other")),
            None => i18n::lookup(Lang::Vi, &format!("{prefix}.{i}"))
                .map(str::to_string)
                .unwrap_or_else(|| i.clone()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) const LEVEL_STATES: [&str; 3] = ["proposed", "appraised", "approved"];
pub(super) const SERVICES: [&str; 3] = ["web", "mail", "database"];
pub(super) const MEASURES: [&str; 3] = ["antivirus", "firewall", "ids"];

/// The registry's organisations, to resolve references by id or exact name.
pub(super) struct KnownOrgs {
    pub(super) by_id: HashMap<i64, Org>,
    /// Active organisations (names are unique among them).
    pub(super) by_name: HashMap<String, OrgId>,
}

impl KnownOrgs {
    pub(super) async fn load(app: &App) -> AppResult<KnownOrgs> {
        let all = orgs::list(
            &app.db,
            &OrgFilter {
                include_archived: true,
                limit: i64::from(i32::MAX),
                ..Default::default()
            },
        )
        .await?;
        let by_name = all
            .iter()
            .filter(|o| o.archived_at.is_none())
            .map(|o| (o.name.clone(), o.id))
            .collect();
        Ok(KnownOrgs {
            by_id: all.into_iter().map(|o| (o.id.0, o)).collect(),
            by_name,
        })
    }

    /// An id or an exact name: `Ok(None)` for an empty cell, `Err(())` when nothing matches.
    pub(super) fn resolve(&self, raw: &str) -> Result<Option<OrgId>, ()> {
        let v = raw.trim();
        if v.is_empty() {
            return Ok(None);
        }
        if let Ok(id) = v.parse::<i64>() {
            return if self.by_id.contains_key(&id) {
                Ok(Some(OrgId(id)))
            } else {
                Err(())
            };
        }
        self.by_name.get(v).copied().map(Some).ok_or(())
    }
}

/// Gives the runtime a turn now and then during long loops.
pub(super) async fn breathe(i: usize) {
    if i % 512 == 511 {
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ungcuu_domain::OrgKind;

    #[test]
    fn labels_and_codes_both_read_as_codes() {
        assert_eq!(
            coded(
                "Sở, ban, ngành",
                &OrgKind::ALL.map(OrgKind::code),
                "org_kind"
            ),
            "department"
        );
        assert_eq!(
            coded("commune", &OrgKind::ALL.map(OrgKind::code), "org_kind"),
            "commune"
        );
        assert_eq!(
            coded("đã phê duyệt", &LEVEL_STATES, "level.state"),
            "approved"
        );
        assert_eq!(
            coded_list(
                "Web, Thư điện tử; Khác: VPN\nother:SSH",
                &SERVICES,
                "service"
            ),
            "web\nmail\nother:VPN\nother:SSH"
        );
        assert_eq!(
            labelled_list(&["web".into(), "other:VPN".into()], "service"),
            "Web, Khác: VPN"
        );
    }
}
