//! Sign-in rules: when repeated failures lock an account, and for how long.

use chrono::Duration;

/// Failures allowed before the account locks.
pub const FREE_FAILURES: i64 = 5;
/// The longest lock-out.
pub const MAX_LOCK_MINUTES: i64 = 60;

/// How long to lock the account after its `failures`-th consecutive failure: nothing for
/// the first few, then one minute, doubling with each further failure up to an hour.
pub fn lockout_after(failures: i64) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10) as u32;
    Some(Duration::minutes((1i64 << doublings).min(MAX_LOCK_MINUTES)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_first_failures_are_free_then_the_lock_doubles() {
        assert_eq!(lockout_after(1), None);
        assert_eq!(lockout_after(4), None);
        assert_eq!(lockout_after(5), Some(Duration::minutes(1)));
        assert_eq!(lockout_after(6), Some(Duration::minutes(2)));
        assert_eq!(lockout_after(8), Some(Duration::minutes(8)));
        assert_eq!(lockout_after(12), Some(Duration::minutes(60)));
    }

    proptest! {
        #[test]
        fn the_lock_never_shrinks_and_never_exceeds_an_hour(n in 0i64..10_000) {
            let a = lockout_after(n).unwrap_or_default();
            let b = lockout_after(n + 1).unwrap_or_default();
            prop_assert!(b >= a);
            prop_assert!(b <= Duration::minutes(MAX_LOCK_MINUTES));
        }
    }
}
