//! Who may do what: the one place where authorisation is decided.
//!
//! The app layer works out the actor's [`Reach`] to the object (own organisation, one below
//! it, or elsewhere) and asks [`allowed`]. Handlers never decide; they call the app layer.

use crate::org::OrgPath;
use crate::role::Role;
use serde::Serialize;

/// Every action the product offers that needs a permission. Later capabilities add theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewDashboard,
    ViewOrg,
    /// Create an organisation; the reach is to the new organisation's parent.
    CreateOrg,
    EditOrg,
    ArchiveOrg,
    ViewUser,
    CreateUser,
    EditUser,
    DisableUser,
    ViewTokens,
    CreateToken,
    RevokeToken,
    ViewAudit,
    /// Read an information system; the reach is to its owner (chủ quản).
    ViewSystem,
    /// Register, edit or retire an information system.
    EditSystem,
    /// Read the response team roster and its delegations.
    ViewRoster,
    /// Re-issue the roster (kiện toàn) by a dated decision.
    IssueRoster,
    /// Delegate the lead's authority (ủy quyền) or withdraw a delegation.
    Delegate,
    /// Bulk import of organisations, systems and the roster.
    ImportRegistry,
    /// File an incident report (Phụ lục I) for the organisation; the reach is to it.
    FileReport,
    /// Read an incident report; the reach is to the organisation that filed it.
    ViewReport,
    /// Record how a report's sender was verified (the standing desk).
    VerifyReport,
    /// Accept a verified report into an incident, merge, split, or close it as not an
    /// incident.
    TriageReport,
    /// Read the intake mailbox (mail that did not become a report by itself), file an item as
    /// a report or dismiss it (the standing desk).
    ReviewInbox,
    /// Draft an official document (NĐ30) from a report; the reach is to the report's
    /// organisation.
    DraftDocument,
    /// Issue (sign and number) a document, or attach its signed copy; the roster and the
    /// lead's delegations further decide who signs (002 Đ6.5).
    IssueDocument,
}

impl Action {
    pub const ALL: [Action; 26] = [
        Action::ViewDashboard,
        Action::ViewOrg,
        Action::CreateOrg,
        Action::EditOrg,
        Action::ArchiveOrg,
        Action::ViewUser,
        Action::CreateUser,
        Action::EditUser,
        Action::DisableUser,
        Action::ViewTokens,
        Action::CreateToken,
        Action::RevokeToken,
        Action::ViewAudit,
        Action::ViewSystem,
        Action::EditSystem,
        Action::ViewRoster,
        Action::IssueRoster,
        Action::Delegate,
        Action::ImportRegistry,
        Action::FileReport,
        Action::ViewReport,
        Action::VerifyReport,
        Action::TriageReport,
        Action::ReviewInbox,
        Action::DraftDocument,
        Action::IssueDocument,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::ViewDashboard => "view_dashboard",
            Action::ViewOrg => "view_org",
            Action::CreateOrg => "create_org",
            Action::EditOrg => "edit_org",
            Action::ArchiveOrg => "archive_org",
            Action::ViewUser => "view_user",
            Action::CreateUser => "create_user",
            Action::EditUser => "edit_user",
            Action::DisableUser => "disable_user",
            Action::ViewTokens => "view_tokens",
            Action::CreateToken => "create_token",
            Action::RevokeToken => "revoke_token",
            Action::ViewAudit => "view_audit",
            Action::ViewSystem => "view_system",
            Action::EditSystem => "edit_system",
            Action::ViewRoster => "view_roster",
            Action::IssueRoster => "issue_roster",
            Action::Delegate => "delegate",
            Action::ImportRegistry => "import_registry",
            Action::FileReport => "file_report",
            Action::ViewReport => "view_report",
            Action::VerifyReport => "verify_report",
            Action::TriageReport => "triage_report",
            Action::ReviewInbox => "review_inbox",
            Action::DraftDocument => "draft_document",
            Action::IssueDocument => "issue_document",
        }
    }
}

/// Where the object sits relative to the actor's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// The actor's own organisation.
    Own,
    /// An organisation below the actor's own.
    Below,
    /// Any other organisation (above, sibling, unrelated), or an object with no organisation.
    Other,
}

impl Reach {
    pub const ALL: [Reach; 3] = [Reach::Own, Reach::Below, Reach::Other];

    pub fn between(actor_org: &OrgPath, target_org: &OrgPath) -> Reach {
        if actor_org == target_org {
            Reach::Own
        } else if target_org.is_within(actor_org) {
            Reach::Below
        } else {
            Reach::Other
        }
    }
}

/// The rule table. Province-wide roles reach every organisation; a focal point (đầu mối)
/// reaches its own organisation and those below it; leadership only reads.
pub fn allowed(role: Role, action: Action, reach: Reach) -> bool {
    use Action::*;
    let subtree = matches!(reach, Reach::Own | Reach::Below);
    match role {
        Role::Admin => true,
        Role::LanhDao => matches!(
            action,
            ViewDashboard | ViewOrg | ViewUser | ViewSystem | ViewRoster | ViewReport
        ),
        Role::ThuongTruc => matches!(
            action,
            ViewDashboard
                | ViewOrg
                | CreateOrg
                | EditOrg
                | ArchiveOrg
                | ViewUser
                | ViewTokens
                | CreateToken
                | RevokeToken
                | ViewSystem
                | EditSystem
                | ViewRoster
                | IssueRoster
                | ImportRegistry
                | FileReport
                | ViewReport
                | VerifyReport
                | TriageReport
                | ReviewInbox
                | DraftDocument
                | IssueDocument
        ),
        Role::DoiTruong => {
            matches!(
                action,
                ViewDashboard
                    | ViewOrg
                    | ViewUser
                    | ViewAudit
                    | ViewSystem
                    | ViewRoster
                    | IssueRoster
                    | Delegate
                    | ViewReport
                    | TriageReport
                    | DraftDocument
                    | IssueDocument
            )
        }
        // Team members see the reports they are assigned to (with the incident issue); until
        // then, reports are read by the desk, the lead and the deputy.
        Role::DoiPho => matches!(
            action,
            ViewDashboard
                | ViewOrg
                | ViewUser
                | ViewSystem
                | ViewRoster
                | ViewReport
                | TriageReport
                | DraftDocument
                | IssueDocument
        ),
        Role::ThanhVien => matches!(
            action,
            ViewDashboard | ViewOrg | ViewUser | ViewSystem | ViewRoster
        ),
        Role::DauMoi => match action {
            ViewDashboard | ViewRoster => true,
            ViewOrg | EditOrg | ViewUser | ViewTokens | CreateToken | RevokeToken | ViewSystem
            | EditSystem | FileReport | ViewReport => subtree,
            // A focal point may open a unit under its organisation, and archive one below it,
            // but never archive its own organisation.
            CreateOrg => subtree,
            ArchiveOrg => reach == Reach::Below,
            CreateUser | EditUser | DisableUser | ViewAudit | IssueRoster | Delegate
            | ImportRegistry | VerifyReport | TriageReport | ReviewInbox | DraftDocument
            | IssueDocument => false,
        },
    }
}

/// Who may read a confidential report of another organisation (002 Đ5.3, DESIGN): the standing
/// desk, the lead and the deputy (and the administrator). The filing organisation always may;
/// assigned responders will be added with the incident issue.
pub fn sees_confidential(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::ThuongTruc | Role::DoiTruong | Role::DoiPho
    )
}

/// Whether an actor may open a report: the rule table decides by reach, and a confidential
/// report is further kept to its own organisation and the confidential circle (002 Đ5.3),
/// so a focal point of a parent organisation or leadership does not see it.
pub fn may_view_report(role: Role, reach: Reach, confidential: bool) -> bool {
    allowed(role, Action::ViewReport, reach)
        && (!confidential || reach == Reach::Own || sees_confidential(role))
}

/// Whether a role's reach is the whole province (true) or its own subtree only.
pub fn sees_everything(role: Role) -> bool {
    role != Role::DauMoi
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrgId;

    /// The expected decision for every action × role × reach, written out in full so that a
    /// change to [`allowed`] shows up here as a changed line. Columns: admin, thuong_truc,
    /// doi_truong, doi_pho, thanh_vien, dau_moi, lanh_dao; each cell is three letters for
    /// own / below / other organisation.
    #[rustfmt::skip]
    const TABLE: &[(Action, [&str; 7])] = &[
        (Action::ViewDashboard,  ["YYY", "YYY", "YYY", "YYY", "YYY", "YYY", "YYY"]),
        (Action::ViewOrg,        ["YYY", "YYY", "YYY", "YYY", "YYY", "YYN", "YYY"]),
        (Action::CreateOrg,      ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::EditOrg,        ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::ArchiveOrg,     ["YYY", "YYY", "NNN", "NNN", "NNN", "NYN", "NNN"]),
        (Action::ViewUser,       ["YYY", "YYY", "YYY", "YYY", "YYY", "YYN", "YYY"]),
        (Action::CreateUser,     ["YYY", "NNN", "NNN", "NNN", "NNN", "NNN", "NNN"]),
        (Action::EditUser,       ["YYY", "NNN", "NNN", "NNN", "NNN", "NNN", "NNN"]),
        (Action::DisableUser,    ["YYY", "NNN", "NNN", "NNN", "NNN", "NNN", "NNN"]),
        (Action::ViewTokens,     ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::CreateToken,    ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::RevokeToken,    ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::ViewAudit,      ["YYY", "NNN", "YYY", "NNN", "NNN", "NNN", "NNN"]),
        (Action::ViewSystem,     ["YYY", "YYY", "YYY", "YYY", "YYY", "YYN", "YYY"]),
        (Action::EditSystem,     ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::ViewRoster,     ["YYY", "YYY", "YYY", "YYY", "YYY", "YYY", "YYY"]),
        (Action::IssueRoster,    ["YYY", "YYY", "YYY", "NNN", "NNN", "NNN", "NNN"]),
        (Action::Delegate,       ["YYY", "NNN", "YYY", "NNN", "NNN", "NNN", "NNN"]),
        (Action::ImportRegistry, ["YYY", "YYY", "NNN", "NNN", "NNN", "NNN", "NNN"]),
        (Action::FileReport,     ["YYY", "YYY", "NNN", "NNN", "NNN", "YYN", "NNN"]),
        (Action::ViewReport,     ["YYY", "YYY", "YYY", "YYY", "NNN", "YYN", "YYY"]),
        (Action::VerifyReport,   ["YYY", "YYY", "NNN", "NNN", "NNN", "NNN", "NNN"]),
        (Action::TriageReport,   ["YYY", "YYY", "YYY", "YYY", "NNN", "NNN", "NNN"]),
        (Action::ReviewInbox,    ["YYY", "YYY", "NNN", "NNN", "NNN", "NNN", "NNN"]),
        (Action::DraftDocument,  ["YYY", "YYY", "YYY", "YYY", "NNN", "NNN", "NNN"]),
        (Action::IssueDocument,  ["YYY", "YYY", "YYY", "YYY", "NNN", "NNN", "NNN"]),
    ];

    #[test]
    fn every_action_role_and_reach_is_decided_as_the_table_says() {
        assert_eq!(TABLE.len(), Action::ALL.len(), "every action has a row");
        let mut checked = 0;
        for action in Action::ALL {
            let (_, row) = TABLE
                .iter()
                .find(|(a, _)| *a == action)
                .unwrap_or_else(|| panic!("no row for {action:?}"));
            for (role, cell) in Role::ALL.into_iter().zip(row.iter()) {
                for (reach, want) in Reach::ALL.into_iter().zip(cell.chars()) {
                    assert_eq!(
                        allowed(role, action, reach),
                        want == 'Y',
                        "{action:?} by {role:?} on {reach:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(
            checked,
            Action::ALL.len() * Role::ALL.len() * Reach::ALL.len()
        );
    }

    #[test]
    fn leadership_never_changes_anything() {
        for action in Action::ALL {
            let read = matches!(
                action,
                Action::ViewDashboard
                    | Action::ViewOrg
                    | Action::ViewUser
                    | Action::ViewSystem
                    | Action::ViewRoster
                    | Action::ViewReport
            );
            for reach in Reach::ALL {
                assert_eq!(allowed(Role::LanhDao, action, reach), read, "{action:?}");
            }
        }
    }

    #[test]
    fn a_confidential_report_stays_with_its_organisation_and_the_circle() {
        use Reach::*;
        // The filing organisation's own focal point, yes; its parent's focal point, no.
        assert!(may_view_report(Role::DauMoi, Own, true));
        assert!(!may_view_report(Role::DauMoi, Below, true));
        assert!(may_view_report(Role::DauMoi, Below, false));
        assert!(!may_view_report(Role::DauMoi, Other, false));
        // Leadership reads reports, but not confidential ones; the desk, lead, deputy do.
        assert!(may_view_report(Role::LanhDao, Other, false));
        assert!(!may_view_report(Role::LanhDao, Other, true));
        for r in [Role::ThuongTruc, Role::DoiTruong, Role::DoiPho, Role::Admin] {
            assert!(may_view_report(r, Other, true), "{r:?}");
        }
        // A team member is not in the circle until assigned (the incident issue).
        assert!(!may_view_report(Role::ThanhVien, Other, false));
    }

    #[test]
    fn reach_is_own_below_or_other() {
        let own = OrgPath::root(OrgId(3));
        let child = own.child(OrgId(9));
        let parent_sibling = OrgPath::root(OrgId(30));
        assert_eq!(Reach::between(&own, &own), Reach::Own);
        assert_eq!(Reach::between(&own, &child), Reach::Below);
        assert_eq!(Reach::between(&child, &own), Reach::Other);
        assert_eq!(Reach::between(&own, &parent_sibling), Reach::Other);
    }
}
