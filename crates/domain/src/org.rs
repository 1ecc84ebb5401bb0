//! Organisations: kinds and the hierarchy path.

use crate::ids::OrgId;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Kinds of organisation the team deals with (SPEC §1; registry issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Sở, ban, ngành cấp tỉnh.
    Department,
    /// UBND xã, phường.
    Commune,
    /// Công an.
    Police,
    /// Bộ Chỉ huy quân sự.
    Military,
    /// Doanh nghiệp viễn thông, Internet.
    Isp,
    /// Doanh nghiệp dịch vụ an toàn thông tin.
    SecurityProvider,
    /// Đơn vị xây dựng, cung cấp hệ thống.
    Vendor,
    /// Cơ quan điều phối quốc gia.
    NationalCoordinator,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 9] = [
        OrgKind::Department,
        OrgKind::Commune,
        OrgKind::Police,
        OrgKind::Military,
        OrgKind::Isp,
        OrgKind::SecurityProvider,
        OrgKind::Vendor,
        OrgKind::NationalCoordinator,
        OrgKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Department => "department",
            OrgKind::Commune => "commune",
            OrgKind::Police => "police",
            OrgKind::Military => "military",
            OrgKind::Isp => "isp",
            OrgKind::SecurityProvider => "security_provider",
            OrgKind::Vendor => "vendor",
            OrgKind::NationalCoordinator => "national_coordinator",
            OrgKind::Other => "other",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OrgKind::Department => "org_kind.department",
            OrgKind::Commune => "org_kind.commune",
            OrgKind::Police => "org_kind.police",
            OrgKind::Military => "org_kind.military",
            OrgKind::Isp => "org_kind.isp",
            OrgKind::SecurityProvider => "org_kind.security_provider",
            OrgKind::Vendor => "org_kind.vendor",
            OrgKind::NationalCoordinator => "org_kind.national_coordinator",
            OrgKind::Other => "org_kind.other",
        }
    }
}

impl FromStr for OrgKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        OrgKind::ALL.into_iter().find(|k| k.code() == s).ok_or(())
    }
}

/// The materialised path of an organisation in the hierarchy: `/1/7/12/` for org 12 under 7
/// under 1. A subtree is then a prefix match, which both databases index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: OrgId) -> Self {
        OrgPath(format!("/{id}/"))
    }

    pub fn child(&self, id: OrgId) -> Self {
        OrgPath(format!("{}{id}/", self.0))
    }

    pub fn from_db(s: String) -> Self {
        OrgPath(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `other` or lies below it.
    pub fn is_within(&self, other: &OrgPath) -> bool {
        self.0.starts_with(&other.0)
    }

    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_path_lies_within_its_parent_but_not_a_sibling_with_a_common_prefix() {
        let p1 = OrgPath::root(OrgId(1));
        let p12 = OrgPath::root(OrgId(12));
        let c = p1.child(OrgId(7));
        assert!(c.is_within(&p1));
        assert!(p1.is_within(&p1));
        assert!(!p1.is_within(&c));
        assert!(!p12.is_within(&p1), "/12/ must not count as under /1/");
        assert_eq!(c.depth(), 2);
    }

    #[test]
    fn every_kind_round_trips_through_its_code() {
        for k in OrgKind::ALL {
            assert_eq!(k.code().parse::<OrgKind>(), Ok(k));
        }
    }
}
