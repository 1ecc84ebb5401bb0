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

    /// The organisation the path ends at.
    pub fn id(&self) -> OrgId {
        let last = self
            .0
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        OrgId(last.parse().unwrap_or_default())
    }

    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }
}

/// Which of an organisation's two contacts a person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// Lãnh đạo phụ trách.
    Leader,
    /// Cán bộ đầu mối.
    Focal,
}

impl ContactKind {
    pub const ALL: [ContactKind; 2] = [ContactKind::Leader, ContactKind::Focal];

    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Leader => "leader",
            ContactKind::Focal => "focal",
        }
    }

    pub fn parse(code: &str) -> Option<ContactKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ContactKind::Leader => "contact.kind.leader",
            ContactKind::Focal => "contact.kind.focal",
        }
    }

    pub fn is_focal(self) -> bool {
        self == ContactKind::Focal
    }
}

crate::code::try_from_code!(ContactKind, "contact kind");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_kinds_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for k in ContactKind::ALL {
            assert_eq!(ContactKind::try_from(k.code().to_string()), Ok(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
        }
        assert!(ContactKind::try_from("deputy".to_string()).is_err());
    }

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
        assert_eq!(c.id(), OrgId(7));
        assert_eq!(p12.id(), OrgId(12));
    }

    #[test]
    fn every_kind_round_trips_through_its_code() {
        for k in OrgKind::ALL {
            assert_eq!(k.code().parse::<OrgKind>(), Ok(k));
        }
    }
}

/// Orders a set of organisations as a tree: each parent followed by its children, siblings
/// by name as a Vietnamese reader expects (diacritics folded, then exact text). Items whose
/// parent is not in the set are roots, so a subtree or a search result orders as well.
pub fn tree_order<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> OrgId,
    parent: impl Fn(&T) -> Option<OrgId>,
    name: impl Fn(&T) -> &str,
) -> Vec<T> {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<OrgId> = items.iter().map(&id).collect();
    let sort_key = |t: &T| (crate::text::fold(name(t)), name(t).to_string());
    let mut children: HashMap<Option<OrgId>, Vec<T>> = HashMap::new();
    for t in items {
        let p = parent(&t).filter(|p| ids.contains(p));
        children.entry(p).or_default().push(t);
    }
    for list in children.values_mut() {
        list.sort_by_cached_key(|t| sort_key(t));
    }
    let mut out = Vec::with_capacity(ids.len());
    // Depth-first, without recursion: a stack of sibling lists in reverse.
    let mut stack: Vec<std::vec::IntoIter<T>> =
        vec![children.remove(&None).unwrap_or_default().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(t) => {
                let kids = children.remove(&Some(id(&t))).unwrap_or_default();
                out.push(t);
                stack.push(kids.into_iter());
            }
            None => {
                stack.pop();
            }
        }
    }
    out
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    #[test]
    fn parents_come_before_their_children_and_siblings_sort_by_folded_name() {
        let items = vec![
            (OrgId(1), None, "Ủy ban nhân dân tỉnh"),
            (OrgId(10), Some(OrgId(1)), "Sở Y tế"),
            (OrgId(2), Some(OrgId(1)), "Sở Công Thương"),
            (OrgId(3), Some(OrgId(2)), "Phòng Điện lực"),
            (OrgId(4), None, "Công an tỉnh"),
            (OrgId(5), Some(OrgId(1)), "Sở Đầu tư"),
            (OrgId(6), Some(OrgId(99)), "Mồ côi"),
        ];
        let order: Vec<i64> = tree_order(items, |t| t.0, |t| t.1, |t| t.2)
            .iter()
            .map(|t| t.0.0)
            .collect();
        assert_eq!(order, vec![4, 6, 1, 2, 3, 5, 10]);
    }
}
