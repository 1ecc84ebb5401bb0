//! The one catalogue of user-facing strings, Vietnamese first, English second.
//! Every page, API error and mail takes its text from here.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from an `Accept-Language` header: the first of vi/en by quality,
    /// Vietnamese when neither is named.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.trim().split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Vi)
    }
}

mod attachments;
mod core;
mod documents;
mod import;
mod intake;
mod mail;
mod registry;
mod roster;
mod triage;

/// The catalogue, one part per area so that areas grow without touching each other:
/// (key, Vietnamese, English).
pub static CATALOGUE: &[&[(&str, &str, &str)]] = &[
    core::ENTRIES,
    documents::ENTRIES,
    intake::ENTRIES,
    registry::ENTRIES,
    roster::ENTRIES,
    import::ENTRIES,
    attachments::ENTRIES,
    triage::ENTRIES,
    mail::ENTRIES,
];

fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    CATALOGUE.iter().flat_map(|part| part.iter())
}

fn index() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    INDEX.get_or_init(|| entries().map(|(k, vi, en)| (*k, (*vi, *en))).collect())
}

pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    index().get(key).map(|(vi, en)| match lang {
        Lang::Vi => *vi,
        Lang::En => *en,
    })
}

/// The text for `key`; an unknown key shows itself, so a gap is visible rather than blank
/// (and the catalogue test keeps it from shipping).
pub fn t(lang: Lang, key: &str) -> &'static str {
    lookup(lang, key).unwrap_or_else(|| {
        debug_assert!(false, "missing catalogue key {key}");
        "??"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        let mut seen = HashSet::new();
        for (k, vi, en) in entries() {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(
                !vi.trim().is_empty() && !en.trim().is_empty(),
                "{k} has an empty text"
            );
        }
    }

    #[test]
    fn accept_language_picks_english_only_when_asked() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.8"),
            Lang::Vi
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,vi;q=0.7"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
    }

    #[test]
    fn every_role_and_kind_has_a_label() {
        for r in crate::Role::ALL {
            assert!(lookup(Lang::Vi, r.label_key()).is_some(), "{r:?}");
        }
        for k in crate::OrgKind::ALL {
            assert!(lookup(Lang::En, k.label_key()).is_some(), "{k:?}");
        }
    }
}
