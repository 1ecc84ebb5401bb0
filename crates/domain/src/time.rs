//! Vietnam time. Stored times are UTC; people see Vietnam time (UTC+7, without daylight
//! saving since 1975, so a fixed offset is exact for every date the system handles).

use chrono::{DateTime, FixedOffset, Utc};

pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// Now, truncated to whole microseconds: what both databases keep, so a value reads back
/// exactly as it was written (the audit hash depends on it).
pub fn now() -> DateTime<Utc> {
    let n = Utc::now();
    DateTime::from_timestamp_micros(n.timestamp_micros()).expect("in range")
}

/// `21/11/2026 12:05` in Vietnam time.
pub fn datetime_vn(ts: DateTime<Utc>) -> String {
    ts.with_timezone(&vietnam())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// `21/11/2026` in Vietnam time.
pub fn date_vn(ts: DateTime<Utc>) -> String {
    ts.with_timezone(&vietnam()).format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_utc_evening_is_the_next_day_in_vietnam() {
        let ts = Utc.with_ymd_and_hms(2026, 3, 4, 18, 30, 0).unwrap();
        assert_eq!(date_vn(ts), "05/03/2026");
        assert_eq!(datetime_vn(ts), "05/03/2026 01:30");
    }
}
