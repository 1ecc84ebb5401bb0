//! What an actor may open or start, as plain answers for the pages: menus, "new" buttons,
//! the areas of the registry and administration. Decided here, from the one rule table
//! ([`Actor::scope`], [`Actor::can`]), so the web layer never names an [`Action`]; rights
//! that depend on an object (may this user be disabled, may this document be issued) come
//! with that object's view from the use case that loads it.

use crate::access::Actor;
use crate::error::{AppError, AppResult};
use serde::Serialize;
use ungcuu_domain::Action;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rights {
    pub view_orgs: bool,
    pub create_org: bool,
    pub view_users: bool,
    pub create_user: bool,
    pub view_tokens: bool,
    pub create_token: bool,
    pub view_audit: bool,
    pub view_systems: bool,
    pub create_system: bool,
    pub view_roster: bool,
    /// Re-issue the roster by a new decision (the whole team, no subtree).
    pub issue_roster: bool,
    pub import_registry: bool,
    /// File a report for one's own organisation.
    pub file_report: bool,
    pub view_reports: bool,
    pub review_inbox: bool,
    /// Draft an official document, for any organisation or one's own.
    pub draft_documents: bool,
}

impl Rights {
    /// A page that needs one of these answers refuses with the app's own error.
    pub fn require(allowed: bool) -> AppResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl Actor {
    /// Everything this actor may open or start somewhere in its reach.
    pub fn rights(&self) -> Rights {
        let anywhere = |a: Action| self.scope(a).is_ok();
        Rights {
            view_orgs: anywhere(Action::ViewOrg),
            create_org: anywhere(Action::CreateOrg),
            view_users: anywhere(Action::ViewUser),
            create_user: anywhere(Action::CreateUser),
            view_tokens: anywhere(Action::ViewTokens),
            create_token: anywhere(Action::CreateToken),
            view_audit: anywhere(Action::ViewAudit),
            view_systems: anywhere(Action::ViewSystem),
            create_system: anywhere(Action::EditSystem),
            view_roster: anywhere(Action::ViewRoster),
            issue_roster: self.can(Action::IssueRoster, None),
            import_registry: anywhere(Action::ImportRegistry),
            file_report: self.can(Action::FileReport, self.org_path.as_ref()),
            view_reports: anywhere(Action::ViewReport),
            review_inbox: anywhere(Action::ReviewInbox),
            draft_documents: self.can(Action::DraftDocument, None)
                || self.can(Action::DraftDocument, self.org_path.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ungcuu_domain::Role;

    fn actor(role: Role) -> Actor {
        Actor {
            role,
            ..Actor::cli()
        }
    }

    #[test]
    fn rights_follow_the_rule_table() {
        let admin = actor(Role::Admin).rights();
        assert!(admin.create_user && admin.view_audit && admin.create_org);
        let leadership = actor(Role::LanhDao).rights();
        assert!(!leadership.create_user && !leadership.create_org);
        assert!(!leadership.file_report && !leadership.import_registry);
    }
}
