//! Đội ứng cứu sự cố: the roles of the team's roster and the rules a roster must satisfy as a
//! whole. The roster is re-issued (kiện toàn) by a dated decision; at any time it has exactly
//! one Đội trưởng (seed 002 Đ6). The lead may delegate (ủy quyền) to a Đội phó or a member of
//! the standing desk (Thường trực) only (002 Đ6.4); [`crate::delegation`] answers who holds the
//! lead's authority at an instant.

use crate::delegation::{DelegationScope, LeadAction};
use crate::validate::{FieldError, Reason};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A member's role on the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    /// Đội trưởng: exactly one per roster.
    DoiTruong,
    /// Đội phó.
    DoiPho,
    /// Thành viên thường trực.
    ThuongTruc,
    /// Thư ký.
    ThuKy,
    /// Thành viên.
    ThanhVien,
}

impl MemberRole {
    pub const ALL: [MemberRole; 5] = [
        MemberRole::DoiTruong,
        MemberRole::DoiPho,
        MemberRole::ThuongTruc,
        MemberRole::ThuKy,
        MemberRole::ThanhVien,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MemberRole::DoiTruong => "doi_truong",
            MemberRole::DoiPho => "doi_pho",
            MemberRole::ThuongTruc => "thuong_truc",
            MemberRole::ThuKy => "thu_ky",
            MemberRole::ThanhVien => "thanh_vien",
        }
    }

    /// Catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            MemberRole::DoiTruong => "roster.role.doi_truong",
            MemberRole::DoiPho => "roster.role.doi_pho",
            MemberRole::ThuongTruc => "roster.role.thuong_truc",
            MemberRole::ThuKy => "roster.role.thu_ky",
            MemberRole::ThanhVien => "roster.role.thanh_vien",
        }
    }

    /// Whether the lead may delegate to a member in this role: a Đội phó or a member of the
    /// standing desk (002 Đ6.4: "ủy quyền cho Đội phó hoặc 01 thành viên thường trực").
    pub fn may_act_for_lead(self) -> bool {
        matches!(self, MemberRole::DoiPho | MemberRole::ThuongTruc)
    }
}

impl fmt::Display for MemberRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for MemberRole {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        MemberRole::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or(())
    }
}

impl DelegationScope {
    pub const ALL: [DelegationScope; 2] = [DelegationScope::All, DelegationScope::CoordinationOnly];

    pub fn code(self) -> &'static str {
        match self {
            DelegationScope::All => "all",
            DelegationScope::CoordinationOnly => "coordination_only",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            DelegationScope::All => "delegation.scope.all",
            DelegationScope::CoordinationOnly => "delegation.scope.coordination_only",
        }
    }
}

impl FromStr for DelegationScope {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        DelegationScope::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or(())
    }
}

impl LeadAction {
    pub const ALL: [LeadAction; 3] = [LeadAction::Coordinate, LeadAction::Sign, LeadAction::Decide];

    pub fn code(self) -> &'static str {
        match self {
            LeadAction::Coordinate => "coordinate",
            LeadAction::Sign => "sign",
            LeadAction::Decide => "decide",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            LeadAction::Coordinate => "authority.coordinate",
            LeadAction::Sign => "authority.sign",
            LeadAction::Decide => "authority.decide",
        }
    }
}

impl FromStr for LeadAction {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        LeadAction::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or(())
    }
}

/// The name of a member row's field in errors: `members[2].role`. The index is the row as
/// submitted (blank rows included), so the error points at the row the person filled.
pub fn member_field(row: usize, field: &str) -> String {
    format!("members[{row}].{field}")
}

/// Exactly one Đội trưởng: `rows` are the filled rows' (index, role). A roster with no lead
/// is refused on `roster.members`; every lead after the first is refused on its own role
/// field, so the person sees which rows to change.
pub fn check_one_lead(rows: &[(usize, MemberRole)]) -> Vec<FieldError> {
    let leads: Vec<usize> = rows
        .iter()
        .filter(|(_, r)| *r == MemberRole::DoiTruong)
        .map(|(i, _)| *i)
        .collect();
    match leads.as_slice() {
        [] => vec![FieldError::new("roster.members", Reason::NoLead)],
        [_] => vec![],
        [_, extra @ ..] => extra
            .iter()
            .map(|i| FieldError::new(member_field(*i, "role"), Reason::OverlappingLead))
            .collect(),
    }
}

/// An instant as an API client (RFC 3339, any offset) or a form (`datetime-local` in Vietnam
/// time, or `dd/mm/yyyy HH:MM`) gives it; returned in UTC.
pub fn instant(field: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, FieldError> {
    match chrono::DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(_) => crate::validate::rfc3339(field, raw),
        Err(_) => crate::validate::datetime_vn(field, raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_role_round_trips_through_its_code_and_has_a_label() {
        for r in MemberRole::ALL {
            assert_eq!(r.code().parse::<MemberRole>(), Ok(r));
            assert!(crate::i18n::lookup(crate::Lang::Vi, r.label_key()).is_some());
            assert!(crate::i18n::lookup(crate::Lang::En, r.label_key()).is_some());
        }
        for s in DelegationScope::ALL {
            assert_eq!(s.code().parse::<DelegationScope>(), Ok(s));
            assert!(crate::i18n::lookup(crate::Lang::Vi, s.label_key()).is_some());
        }
        for a in LeadAction::ALL {
            assert_eq!(a.code().parse::<LeadAction>(), Ok(a));
            assert!(crate::i18n::lookup(crate::Lang::En, a.label_key()).is_some());
        }
        assert!("doi truong".parse::<MemberRole>().is_err());
    }

    #[test]
    fn only_a_deputy_or_a_standing_member_may_act_for_the_lead() {
        let may: Vec<_> = MemberRole::ALL
            .into_iter()
            .filter(|r| r.may_act_for_lead())
            .collect();
        assert_eq!(may, vec![MemberRole::DoiPho, MemberRole::ThuongTruc]);
    }

    #[test]
    fn a_roster_without_a_lead_is_refused_as_a_whole() {
        let e = check_one_lead(&[(0, MemberRole::DoiPho), (1, MemberRole::ThanhVien)]);
        assert_eq!(e, vec![FieldError::new("roster.members", Reason::NoLead)]);
        assert_eq!(check_one_lead(&[]).len(), 1);
    }

    #[test]
    fn every_extra_lead_is_refused_on_its_own_row() {
        use MemberRole::*;
        let e = check_one_lead(&[(0, DoiTruong), (1, DoiPho), (3, DoiTruong), (7, DoiTruong)]);
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["members[3].role", "members[7].role"]);
        assert!(e.iter().all(|e| e.reason == Reason::OverlappingLead));
    }

    #[test]
    fn instants_read_rfc3339_or_vietnam_time() {
        let a = instant("t", "2026-03-05T08:30:00+07:00").unwrap();
        let b = instant("t", "2026-03-05T08:30").unwrap();
        let c = instant("t", "2026-03-05T01:30:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(instant("t", "").unwrap_err().reason, Reason::Required);
        assert_eq!(instant("t", "mai").unwrap_err().reason, Reason::InvalidDate);
    }

    fn role() -> impl Strategy<Value = MemberRole> {
        prop::sample::select(MemberRole::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn a_roster_passes_exactly_when_it_has_one_lead(roles in prop::collection::vec(role(), 0..12)) {
            let rows: Vec<_> = roles.iter().copied().enumerate().collect();
            let leads = roles.iter().filter(|r| **r == MemberRole::DoiTruong).count();
            let errs = check_one_lead(&rows);
            prop_assert_eq!(errs.is_empty(), leads == 1);
            if leads > 1 {
                prop_assert_eq!(errs.len(), leads - 1);
            }
        }
    }
}
