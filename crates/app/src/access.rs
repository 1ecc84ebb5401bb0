//! Who is acting, and the one gate every use case passes: [`Actor::authorize`], which asks the
//! domain's rule table. The gate is crate-private: other layers learn what an actor may do from
//! [`crate::Rights`] and the `may_*` answers of the views the use cases return, never by
//! asking the rule table themselves.

use crate::error::{AppError, AppResult};
use ungcuu_domain::authz::{self, Action, Reach};
use ungcuu_domain::org::OrgPath;
use ungcuu_domain::{OrgId, Role, UserId};
use ungcuu_store::audit::NewAudit;

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// Readable name for the audit trail: an email, `token:<id>`, `cli`.
    pub label: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub org_path: Option<OrgPath>,
}

impl Actor {
    /// The operator at the server's command line: full authority, recorded as `cli`.
    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            label: "cli".into(),
            display_name: "cli".into(),
            role: Role::Admin,
            org_id: None,
            org_path: None,
        }
    }

    pub fn from_user(u: &ungcuu_store::accounts::users::User) -> Actor {
        Actor {
            user_id: Some(u.id),
            label: u.email.clone(),
            display_name: u.name.clone(),
            role: u.role,
            org_id: Some(u.org_id),
            org_path: Some(u.org_path.clone()),
        }
    }

    /// A machine client acts as the focal point of the token's organisation.
    pub fn from_token(t: &ungcuu_store::accounts::tokens::ApiToken) -> Actor {
        Actor {
            user_id: None,
            label: format!("token:{}", t.id),
            display_name: t.name.clone(),
            role: Role::DauMoi,
            org_id: Some(t.org_id),
            org_path: Some(t.org_path.clone()),
        }
    }

    fn reach(&self, target: Option<&OrgPath>) -> Reach {
        match (&self.org_path, target) {
            (Some(own), Some(t)) => Reach::between(own, t),
            _ => Reach::Other,
        }
    }

    /// Allows or refuses `action` on an object of the organisation at `target` (None for
    /// objects that belong to no organisation).
    pub(crate) fn authorize(&self, action: Action, target: Option<&OrgPath>) -> AppResult<()> {
        let reach = self.reach(target);
        if authz::allowed(self.role, action, reach) {
            Ok(())
        } else {
            tracing::info!(actor = %self.label, action = action.code(), ?reach, "denied");
            Err(AppError::Forbidden)
        }
    }

    /// Whether the actor may open a report filed by the organisation at `filer` (None for a
    /// public report): the rule table, narrowed for confidential reports (002 Đ5.3).
    pub fn may_view_report(&self, filer: Option<&OrgPath>, confidential: bool) -> bool {
        authz::may_view_report(self.role, self.reach(filer), confidential)
    }

    /// Which confidential reports a list may show this actor.
    pub fn confidential_scope(&self) -> ungcuu_store::intake::reports::Confidential {
        if authz::sees_confidential(self.role) {
            ungcuu_store::intake::reports::Confidential::All
        } else {
            ungcuu_store::intake::reports::Confidential::OnlyOf(self.org_id)
        }
    }

    pub(crate) fn can(&self, action: Action, target: Option<&OrgPath>) -> bool {
        authz::allowed(self.role, action, self.reach(target))
    }

    /// The part of the hierarchy where `action` is allowed: `Ok(None)` for everywhere,
    /// `Ok(Some(path))` for one subtree. Derived from the same rule table.
    pub(crate) fn scope(&self, action: Action) -> AppResult<Option<OrgPath>> {
        if authz::allowed(self.role, action, Reach::Other) {
            Ok(None)
        } else if authz::allowed(self.role, action, Reach::Own) && self.org_path.is_some() {
            Ok(self.org_path.clone())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub(crate) fn audit(
        &self,
        action: &str,
        object_type: &str,
        object_id: impl ToString,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> NewAudit {
        NewAudit {
            actor_user_id: self.user_id.map(|u| u.0),
            actor: self.label.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.to_string(),
            before,
            after,
        }
    }
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}
