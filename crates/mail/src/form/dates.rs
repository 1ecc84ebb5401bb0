//! Dates and times as senders write them, read as Vietnam time.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::text::fold_keeping_spaces;

/// Every run of one to four digits in `s`: (start, end, value), byte offsets.
pub(super) fn numbers(s: &str) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - st <= 4
                && let Ok(n) = s[st..i].parse()
            {
                out.push((st, i, n));
            }
        } else {
            i += 1;
        }
    }
    out
}

fn year(y: u32, digits: usize) -> i32 {
    if digits <= 2 {
        2000 + y as i32
    } else {
        y as i32
    }
}

/// The first date in `s`: dd/mm/yyyy, dd-mm-yy, dd.mm.yyyy, yyyy-mm-dd, "ngày 4 tháng 5 năm 2026".
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    let folded = fold_keeping_spaces(s);
    let nums = numbers(&folded);
    for w in nums.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        let sep1 = &folded[a.1..b.0];
        let sep2 = &folded[b.1..c.0];
        let date_sep = |sep: &str| matches!(sep.trim(), "/" | "-" | ".");
        let words = sep1.trim() == "thang" && (sep2.trim() == "nam" || sep2.trim() == ",");
        if (date_sep(sep1) && date_sep(sep2) && sep1.trim() == sep2.trim()) || words {
            let date = if a.1 - a.0 == 4 {
                NaiveDate::from_ymd_opt(a.2 as i32, b.2, c.2)
            } else {
                NaiveDate::from_ymd_opt(year(c.2, c.1 - c.0), b.2, a.2)
            };
            if date.is_some() {
                return date;
            }
        }
    }
    None
}

/// The first time of day in `s`: "08:30", "8h30", "8 giờ 30 phút", "8 giờ".
pub(super) fn parse_time(s: &str) -> Option<NaiveTime> {
    let folded = fold_keeping_spaces(s);
    let nums = numbers(&folded);
    for (k, &(_, end, h)) in nums.iter().enumerate() {
        let after = &folded[end..];
        let after_t = after.trim_start();
        let minute = |sep_len: usize| -> Option<u32> {
            let next = nums.get(k + 1)?;
            let gap = &folded[end + (after.len() - after_t.len()) + sep_len..next.0];
            gap.trim().is_empty().then_some(next.2)
        };
        let m = if after.starts_with(':') {
            match minute(1) {
                Some(m) => Some(m),
                None => continue,
            }
        } else if after_t.starts_with("gio") {
            Some(minute(3).unwrap_or(0))
        } else if after.starts_with('h') && !after[1..].starts_with(char::is_alphabetic) {
            Some(minute(1).unwrap_or(0))
        } else {
            None
        };
        if let Some(m) = m
            && let Some(t) = NaiveTime::from_hms_opt(h, m, 0)
        {
            return Some(t);
        }
    }
    None
}

/// "dd/mm/yyyy/HH/MM" (the form's "…/…/…/…/…"), or a date and a time in any order.
pub(super) fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let nums = numbers(s);
    for w in nums.windows(5) {
        let seps_ok = w.windows(2).all(|p| s[p[0].1..p[1].0].trim() == "/");
        if seps_ok
            && let Some(d) = NaiveDate::from_ymd_opt(year(w[2].2, w[2].1 - w[2].0), w[1].2, w[0].2)
            && let Some(t) = NaiveTime::from_hms_opt(w[3].2, w[4].2, 0)
        {
            return Some(d.and_time(t));
        }
    }
    let d = parse_date(s)?;
    // Look for the time outside the date itself.
    let t = parse_time(&strip_date(s)).unwrap_or(NaiveTime::MIN);
    Some(d.and_time(t))
}

/// `s` with date-shaped number groups removed, so "04/05/2026 08:30" finds 08:30, not 04.
pub(super) fn strip_date(s: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    let nums = numbers(s);
    let mut k = 0;
    while k + 2 < nums.len() {
        let (a, b, c) = (nums[k], nums[k + 1], nums[k + 2]);
        let s1 = s[a.1..b.0].trim();
        let s2 = s[b.1..c.0].trim();
        if matches!(s1, "/" | "-" | ".") && s1 == s2 {
            out.push_str(&s[last..a.0]);
            out.push(' ');
            last = c.1;
            k += 3;
        } else {
            k += 1;
        }
    }
    out.push_str(&s[last..]);
    out
}

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

pub(super) fn rfc3339_vn(dt: NaiveDateTime) -> Option<String> {
    vn().from_local_datetime(&dt)
        .single()
        .map(|d| d.to_rfc3339())
}
