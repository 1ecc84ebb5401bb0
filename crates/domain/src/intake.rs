//! Intake rules: the reporting deadline (TT20 Đ9: notify within 5 days of detection).

use chrono::{DateTime, Duration, Utc};

/// Days allowed between detection and the report; configuration, with the law's default.
pub const DEFAULT_REPORT_DAYS: i64 = 5;

/// How late a report is: `None` when on time, else by how much past the deadline.
pub fn lateness(
    detected_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
    days: i64,
) -> Option<Duration> {
    let deadline = detected_at + Duration::days(days);
    (received_at > deadline).then(|| received_at - deadline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_report_within_five_days_is_on_time_and_after_is_late_by_the_excess() {
        let d = Utc.with_ymd_and_hms(2026, 5, 4, 1, 30, 0).unwrap();
        assert_eq!(lateness(d, d + Duration::days(5), 5), None);
        assert_eq!(
            lateness(d, d + Duration::days(6), 5),
            Some(Duration::days(1))
        );
        assert_eq!(lateness(d, d + Duration::hours(1), 5), None);
    }
}
