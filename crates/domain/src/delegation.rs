//! Ủy quyền: the team lead, when absent, delegates authority to a deputy or a standing member
//! for a period (seed 002 Đ6.4). This answers "who holds the lead's authority at instant T,
//! for action A".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DelegationScope {
    /// Toàn bộ thẩm quyền của Đội trưởng.
    All,
    /// Chỉ điều phối (coordination notices and summons), not signing other documents.
    CoordinationOnly,
}

/// What the lead's authority is needed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadAction {
    /// Issue a coordination notice or summon members (002 Đ12.1).
    Coordinate,
    /// Sign a team document other than a coordination notice (002 Đ6.5).
    Sign,
    /// Any other decision reserved to the lead (classification, closing an incident).
    Decide,
}

impl DelegationScope {
    pub fn covers(self, action: LeadAction) -> bool {
        match self {
            DelegationScope::All => true,
            DelegationScope::CoordinationOnly => action == LeadAction::Coordinate,
        }
    }
}

/// One delegation. The period is half-open, `[from, until)`, so back-to-back delegations
/// hand over at one instant with no gap and no overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation<P> {
    pub delegate: P,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub scope: DelegationScope,
    /// Order of issue: among overlapping delegations the one issued last applies.
    pub issued_seq: i64,
    /// A delegation withdrawn early stops at this instant.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl<P> Delegation<P> {
    pub fn active_at(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.until && self.revoked_at.is_none_or(|r| t < r)
    }
}

/// Who holds the lead's authority for `action` at `t`: the delegate of the latest-issued
/// delegation active then and covering the action, otherwise the lead.
pub fn holder_at<P: Copy>(
    lead: P,
    delegations: &[Delegation<P>],
    t: DateTime<Utc>,
    action: LeadAction,
) -> P {
    delegations
        .iter()
        .filter(|d| d.active_at(t) && d.scope.covers(action))
        .max_by_key(|d| d.issued_seq)
        .map(|d| d.delegate)
        .unwrap_or(lead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    const LEAD: u32 = 0;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn d(
        delegate: u32,
        from: i64,
        until: i64,
        scope: DelegationScope,
        seq: i64,
    ) -> Delegation<u32> {
        Delegation {
            delegate,
            from: at(from),
            until: at(until),
            scope,
            issued_seq: seq,
            revoked_at: None,
        }
    }

    #[test]
    fn back_to_back_periods_hand_over_at_the_boundary() {
        let ds = [
            d(1, 0, 10, DelegationScope::All, 1),
            d(2, 10, 20, DelegationScope::All, 2),
        ];
        assert_eq!(
            holder_at(
                LEAD,
                &ds,
                at(10) - Duration::microseconds(1),
                LeadAction::Sign
            ),
            1
        );
        assert_eq!(holder_at(LEAD, &ds, at(10), LeadAction::Sign), 2);
        assert_eq!(holder_at(LEAD, &ds, at(20), LeadAction::Sign), LEAD);
        assert_eq!(holder_at(LEAD, &ds, at(-1), LeadAction::Sign), LEAD);
    }

    #[test]
    fn coordination_only_leaves_signing_with_the_lead() {
        let ds = [d(3, 0, 10, DelegationScope::CoordinationOnly, 1)];
        assert_eq!(holder_at(LEAD, &ds, at(5), LeadAction::Coordinate), 3);
        assert_eq!(holder_at(LEAD, &ds, at(5), LeadAction::Sign), LEAD);
        assert_eq!(holder_at(LEAD, &ds, at(5), LeadAction::Decide), LEAD);
    }

    #[test]
    fn the_later_issued_of_overlapping_delegations_applies_and_revocation_ends_one() {
        let mut ds = vec![
            d(1, 0, 10, DelegationScope::All, 1),
            d(2, 5, 8, DelegationScope::All, 2),
        ];
        assert_eq!(holder_at(LEAD, &ds, at(6), LeadAction::Sign), 2);
        assert_eq!(holder_at(LEAD, &ds, at(9), LeadAction::Sign), 1);
        ds[1].revoked_at = Some(at(6));
        assert_eq!(holder_at(LEAD, &ds, at(6), LeadAction::Sign), 1);
        assert_eq!(holder_at(LEAD, &ds, at(5), LeadAction::Sign), 2);
    }

    fn scope() -> impl Strategy<Value = DelegationScope> {
        prop_oneof![
            Just(DelegationScope::All),
            Just(DelegationScope::CoordinationOnly)
        ]
    }

    fn action() -> impl Strategy<Value = LeadAction> {
        prop_oneof![
            Just(LeadAction::Coordinate),
            Just(LeadAction::Sign),
            Just(LeadAction::Decide)
        ]
    }

    fn delegations() -> impl Strategy<Value = Vec<Delegation<u32>>> {
        prop::collection::vec(
            (
                1u32..5,
                -20i64..40,
                0i64..30,
                scope(),
                prop::option::of(-20i64..60),
            ),
            0..8,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (who, from, len, scope, revoked))| Delegation {
                    delegate: who,
                    from: at(from),
                    until: at(from + len),
                    scope,
                    issued_seq: i as i64,
                    revoked_at: revoked.map(at),
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn the_holder_is_the_lead_or_a_delegate_active_then_for_that_action(ds in delegations(), t in -30i64..80, a in action()) {
            let h = holder_at(LEAD, &ds, at(t), a);
            if h == LEAD {
                prop_assert!(ds.iter().all(|d| !(d.active_at(at(t)) && d.scope.covers(a))));
            } else {
                let winner = ds.iter().filter(|d| d.active_at(at(t)) && d.scope.covers(a)).max_by_key(|d| d.issued_seq).unwrap();
                prop_assert_eq!(winner.delegate, h);
            }
        }

        #[test]
        fn outside_every_period_the_lead_holds_authority(ds in delegations(), a in action()) {
            let after_all = at(200);
            prop_assert_eq!(holder_at(LEAD, &ds, after_all, a), LEAD);
        }

        #[test]
        fn back_to_back_chains_never_leave_a_gap(lens in prop::collection::vec(1i64..10, 1..6), probe in 0i64..60) {
            let mut start = 0;
            let mut ds = Vec::new();
            for (i, len) in lens.iter().enumerate() {
                ds.push(d(i as u32 + 1, start, start + len, DelegationScope::All, i as i64));
                start += len;
            }
            let h = holder_at(LEAD, &ds, at(probe), LeadAction::Sign);
            prop_assert_eq!(h == LEAD, probe >= start);
        }

        #[test]
        fn coordination_only_never_passes_signing(ds in delegations(), t in -30i64..80) {
            let only: Vec<_> = ds.into_iter().map(|mut d| { d.scope = DelegationScope::CoordinationOnly; d }).collect();
            prop_assert_eq!(holder_at(LEAD, &only, at(t), LeadAction::Sign), LEAD);
        }
    }
}
