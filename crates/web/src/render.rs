//! What every page shares (the chrome: language, navigation, CSRF token) and rendering
//! templates into responses. Render errors are logged, never shown.

use crate::context::{Ctx, urlencode};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use ungcuu_domain::i18n::{self, Lang};
use ungcuu_domain::{FieldError, Role};

/// The navigation areas, in order: (key of the label, path, id).
pub const NAV: &[(&str, &str, &str)] = &[
    ("nav.incidents", "/incidents", "incidents"),
    ("nav.intake", "/intake", "intake"),
    ("nav.coordination", "/coordination", "coordination"),
    ("nav.warnings", "/warnings", "warnings"),
    ("nav.reports", "/reports", "reports"),
    ("nav.registry", "/registry", "registry"),
    ("nav.admin", "/admin", "admin"),
];

pub struct Chrome {
    pub lang: Lang,
    pub csrf: String,
    pub user_name: Option<String>,
    pub user_role: Option<Role>,
    pub active: &'static str,
    pub path: String,
    pub notice: Option<&'static str>,
}

impl Chrome {
    pub fn new(ctx: &Ctx, active: &'static str) -> Chrome {
        let actor = ctx.actor();
        Chrome {
            lang: ctx.lang,
            csrf: ctx.csrf().to_string(),
            user_name: actor.map(|a| a.display_name.clone()),
            user_role: actor.map(|a| a.role),
            active,
            path: ctx.path.clone(),
            notice: None,
        }
    }

    /// Shows a confirmation carried in `?ok=<catalogue key>` after a redirect; only keys of
    /// the catalogue are shown, so the query string cannot put text on the page.
    pub fn with_notice(mut self, key: Option<&str>) -> Chrome {
        self.notice = key
            .filter(|k| {
                k.ends_with(".created")
                    || k.ends_with(".saved")
                    || k.ends_with(".disabled")
                    || k.ends_with(".revoked")
            })
            .and_then(|k| i18n::lookup(self.lang, k));
        self
    }

    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn switch_href(&self) -> String {
        let other = match self.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        format!("/lang/{other}?next={}", urlencode(&self.path))
    }

    pub fn switch_lang_code(&self) -> &'static str {
        match self.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        }
    }

    pub fn nav(&self) -> Vec<(&'static str, &'static str, bool)> {
        NAV.iter()
            .map(|(k, href, id)| (self.t(k), *href, *id == self.active))
            .collect()
    }

    pub fn role_label(&self) -> &'static str {
        self.user_role.map(|r| self.t(r.label_key())).unwrap_or("")
    }
}

/// Field errors ready for a form: the summary list and a per-field lookup.
#[derive(Default)]
pub struct FormErrors {
    pub list: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new(errs: &[FieldError], lang: Lang) -> FormErrors {
        FormErrors {
            list: errs
                .iter()
                .map(|e| (e.field.clone(), e.message(lang)))
                .collect(),
        }
    }

    pub fn any(&self) -> bool {
        !self.list.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.list.iter().any(|(f, _)| f == field)
    }

    /// Errors of a list field's items (`system.ips[2]`) count for the field.
    pub fn has_prefix(&self, field: &str) -> bool {
        self.list
            .iter()
            .any(|(f, _)| f == field || f.starts_with(&format!("{field}[")))
    }

    pub fn get_prefix(&self, field: &str) -> String {
        self.list
            .iter()
            .filter(|(f, _)| f == field || f.starts_with(&format!("{field}[")))
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn get(&self, field: &str) -> &str {
        self.list
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .unwrap_or("")
    }

    /// The id of the input a field belongs to (for labels and the summary's links).
    pub fn id(&self, field: &str) -> String {
        // An item of a list (`system.ips[2]`) points at the list's input; a field of a row
        // (`members[2].role`) has an input of its own.
        let base = match field.strip_suffix(']').and_then(|f| f.rsplit_once('[')) {
            Some((list, _)) => list,
            None => field,
        };
        format!("f-{}", base.replace('.', "-"))
    }
}

pub fn page(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template render failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "500").into_response()
        }
    }
}

/// Date and time in Vietnam time for templates.
pub fn when(ts: &chrono::DateTime<chrono::Utc>) -> String {
    ungcuu_domain::time::datetime_vn(*ts)
}
