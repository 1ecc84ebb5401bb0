//! Parsing raw input into valid values. Every failure names its field and a reason from the
//! catalogue, so the same error reads well in a form, in the JSON API and on the command line.

use crate::i18n::{Lang, t};
use serde::Serialize;

/// Why a field was refused. Rendered through the catalogue as "<field label> <reason>".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    InvalidEmail,
    InvalidChars,
    NotAllowed,
    Unknown,
    Taken,
    InvalidNumber,
    InvalidCode,
    InvalidPhone,
    InvalidUrl,
    Cycle,
    Archived,
    WrongType,
    InvalidJson,
    InvalidLevel,
    InvalidDomain,
    InvalidIp,
    InvalidCidr,
    CidrHostBits,
    OverlappingLead,
    NoLead,
    InvalidDate,
    EndBeforeStart,
    InFuture,
    /// A report's time before the detection it reports.
    BeforeDetection,
    /// A date or time outside [`YEARS`] (year 0000 or 9999 is a typing slip).
    DateOutOfRange,
    /// The same as the value it is meant to replace (a new password equal to the old).
    Unchanged,
    /// The lead of the roster in force is not linked to a user of the system.
    LeadNotUser,
    /// Not a Đội phó or standing member (with an account) on the roster in force.
    NotDeputy,
    /// Already ended or withdrawn.
    Ended,
    /// The report's sender has not been verified yet, so it cannot go to triage.
    NotVerified,
    /// The report is no longer waiting for this step (already accepted or closed).
    WrongState,
    /// Names something that does not exist (or that the actor cannot see).
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Machine name of the field, e.g. `contact.phone` (API.md).
    pub field: String,
    pub reason: Reason,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: Reason) -> Self {
        FieldError {
            field: field.into(),
            reason,
        }
    }

    /// The message shown to a person: the field's label and what is wrong with it.
    pub fn message(&self, lang: Lang) -> String {
        let label_key = format!("field.{}", self.field);
        let label = match crate::i18n::lookup(lang, &label_key) {
            Some(l) => l.to_string(),
            // A row of a list (`members[2].role`): the column's label and the row, counted
            // from 1 as the person sees it.
            None => match without_index(&self.field) {
                Some((plain, row)) => match crate::i18n::lookup(lang, &format!("field.{plain}")) {
                    Some(l) => format!(
                        "{l} ({})",
                        t(lang, "field.row").replace("{n}", &(row + 1).to_string())
                    ),
                    None => self.field.clone(),
                },
                None => self.field.clone(),
            },
        };
        let reason = match &self.reason {
            Reason::Required => t(lang, "err.required").to_string(),
            Reason::TooLong { max } => t(lang, "err.too_long").replace("{max}", &max.to_string()),
            Reason::TooShort { min } => t(lang, "err.too_short").replace("{min}", &min.to_string()),
            Reason::InvalidEmail => t(lang, "err.invalid_email").to_string(),
            Reason::InvalidChars => t(lang, "err.invalid_chars").to_string(),
            Reason::NotAllowed => t(lang, "err.not_allowed").to_string(),
            Reason::Unknown => t(lang, "err.unknown_value").to_string(),
            Reason::Taken => t(lang, "err.taken").to_string(),
            Reason::InvalidNumber => t(lang, "err.invalid_number").to_string(),
            Reason::InvalidCode => t(lang, "err.invalid_code").to_string(),
            Reason::InvalidPhone => t(lang, "err.invalid_phone").to_string(),
            Reason::InvalidUrl => t(lang, "err.invalid_url").to_string(),
            Reason::Cycle => t(lang, "err.cycle").to_string(),
            Reason::Archived => t(lang, "err.archived").to_string(),
            Reason::WrongType => t(lang, "err.wrong_type").to_string(),
            Reason::InvalidJson => t(lang, "err.bad_json").to_string(),
            Reason::InvalidLevel => t(lang, "err.invalid_level").to_string(),
            Reason::InvalidDomain => t(lang, "err.invalid_domain").to_string(),
            Reason::InvalidIp => t(lang, "err.invalid_ip").to_string(),
            Reason::InvalidCidr => t(lang, "err.invalid_cidr").to_string(),
            Reason::CidrHostBits => t(lang, "err.cidr_host_bits").to_string(),
            Reason::OverlappingLead => t(lang, "err.two_leads").to_string(),
            Reason::NoLead => t(lang, "err.no_lead").to_string(),
            Reason::InvalidDate => t(lang, "err.invalid_date").to_string(),
            Reason::EndBeforeStart => t(lang, "err.end_before_start").to_string(),
            Reason::InFuture => t(lang, "err.in_future").to_string(),
            Reason::BeforeDetection => t(lang, "err.before_detection").to_string(),
            Reason::Unchanged => t(lang, "err.unchanged").to_string(),
            Reason::DateOutOfRange => t(lang, "err.date_out_of_range")
                .replace("{from}", &YEARS.start().to_string())
                .replace("{to}", &YEARS.end().to_string()),
            Reason::LeadNotUser => t(lang, "err.lead_not_user").to_string(),
            Reason::NotDeputy => t(lang, "err.not_deputy").to_string(),
            Reason::Ended => t(lang, "err.ended").to_string(),
            Reason::NotVerified => t(lang, "err.not_verified").to_string(),
            Reason::WrongState => t(lang, "err.wrong_state").to_string(),
            Reason::NotFound => t(lang, "err.no_such").to_string(),
        };
        format!("{label}: {reason}")
    }
}

/// `members[2].role` → (`members.role`, 2): the first `[n]` taken out of a field name.
fn without_index(field: &str) -> Option<(String, usize)> {
    let open = field.find('[')?;
    let close = open + field[open..].find(']')?;
    let row = field[open + 1..close].parse().ok()?;
    Some((format!("{}{}", &field[..open], &field[close + 1..]), row))
}

/// A set of field errors: input is refused whole when this is non-empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, reason: Reason) -> Self {
        Invalid(vec![FieldError::new(field, reason)])
    }

    pub fn push(&mut self, field: impl Into<String>, reason: Reason) {
        self.0.push(FieldError::new(field, reason));
    }

    /// Collects the error of a parse, returning the value when it succeeded.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let msgs: Vec<String> = self.0.iter().map(|e| e.message(Lang::Vi)).collect();
        f.write_str(&msgs.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// A single-line name (of a person or an organisation): trimmed, 1..=max characters, no
/// control characters and no angle brackets (nothing that could pass for markup).
pub fn line(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, Reason::TooLong { max }));
    }
    if v.chars()
        .any(|c| c.is_control() || c == '<' || c == '>' || c == '\u{FFFD}')
    {
        return Err(FieldError::new(field, Reason::InvalidChars));
    }
    Ok(v.to_string())
}

/// Like [`line`], but an empty value is allowed and gives `None`.
pub fn optional_line(field: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        line(field, raw, max).map(Some)
    }
}

/// An email address, lower-cased. Deliberately simple: one `@`, a dotted domain, no spaces.
pub fn email(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = line(field, raw, 254)?.to_lowercase();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !v.contains(char::is_whitespace)
                && !v.contains([',', ';', '"', '(', ')', '[', ']', '\\'])
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(FieldError::new(field, Reason::InvalidEmail))
    }
}

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

/// A new password: long enough to resist guessing; any characters are allowed.
pub fn new_password(field: &str, raw: &str) -> Result<String, FieldError> {
    let n = raw.chars().count();
    if raw.is_empty() {
        Err(FieldError::new(field, Reason::Required))
    } else if n < PASSWORD_MIN {
        Err(FieldError::new(
            field,
            Reason::TooShort { min: PASSWORD_MIN },
        ))
    } else if n > PASSWORD_MAX {
        Err(FieldError::new(
            field,
            Reason::TooLong { max: PASSWORD_MAX },
        ))
    } else {
        Ok(raw.to_string())
    }
}

/// A value that must be one of a closed list (a role, a kind), parsed by `parse`.
pub fn choice<T>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    parse(v).ok_or_else(|| FieldError::new(field, Reason::Unknown))
}

/// An optional phone number: digits with the usual separators, 8–15 digits in all.
pub fn optional_phone(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let Some(v) = optional_line(field, raw, 40)? else {
        return Ok(None);
    };
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let shape = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    if shape && (8..=15).contains(&digits) {
        Ok(Some(v))
    } else {
        Err(FieldError::new(field, Reason::InvalidPhone))
    }
}

/// An optional email address.
pub fn optional_email(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        email(field, raw).map(Some)
    }
}

/// An optional web address: `http(s)://` and a dotted host.
pub fn optional_url(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let Some(v) = optional_line(field, raw, 300)? else {
        return Ok(None);
    };
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(r)
            if r.split('/')
                .next()
                .is_some_and(|h| h.contains('.') && !h.contains(char::is_whitespace)) =>
        {
            Ok(Some(v))
        }
        _ => Err(FieldError::new(field, Reason::InvalidUrl)),
    }
}

/// The years any date or time given to the system may fall in: every record it keeps is of
/// this era, and a year such as 0000 or 9999 is a slip of the keyboard (which some databases
/// and spreadsheets would also store or sort differently).
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

/// Refuses a date or time outside [`YEARS`], naming the field.
pub fn in_years(field: &str, year: i32) -> Result<(), FieldError> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(FieldError::new(field, Reason::DateOutOfRange))
    }
}

/// An instant as an API client gives it (RFC 3339, any offset), within [`YEARS`]; in UTC.
pub fn rfc3339(field: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    let t = chrono::DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| FieldError::new(field, Reason::InvalidDate))?;
    in_years(field, chrono::Datelike::year(&t))?;
    Ok(t)
}

/// A calendar date as people write it: `dd/mm/yyyy` (also `d/m/yyyy`), or ISO `yyyy-mm-dd`
/// as an HTML date input sends it.
pub fn date(field: &str, raw: &str) -> Result<chrono::NaiveDate, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    let d = chrono::NaiveDate::parse_from_str(v, "%d/%m/%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d"))
        .map_err(|_| FieldError::new(field, Reason::InvalidDate))?;
    in_years(field, chrono::Datelike::year(&d))?;
    Ok(d)
}

pub fn optional_date(field: &str, raw: &str) -> Result<Option<chrono::NaiveDate>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        date(field, raw).map(Some)
    }
}

/// A date and time in Vietnam time as an HTML `datetime-local` input sends it
/// (`2026-11-21T08:30`), or `dd/mm/yyyy HH:MM`; returned in UTC.
pub fn datetime_vn(field: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, Reason::Required));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(v, f).ok())
        .and_then(|n| n.and_local_timezone(crate::time::vietnam()).single())
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| FieldError::new(field, Reason::InvalidDate))
        .and_then(|t| in_years(field, chrono::Datelike::year(&t)).map(|_| t))
}

/// An optional positive id given as text (a select box's value).
pub fn optional_id(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<i64>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(FieldError::new(field, Reason::InvalidNumber)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_names_are_refused_with_the_field_named() {
        let long = "a".repeat(201);
        let cases: &[(&str, Reason)] = &[
            ("", Reason::Required),
            ("   ", Reason::Required),
            (&long, Reason::TooLong { max: 200 }),
            ("<script>alert(1)</script>", Reason::InvalidChars),
            ("Sở\u{0007}Tin", Reason::InvalidChars),
            ("a\nb", Reason::InvalidChars),
        ];
        for (raw, want) in cases {
            let e = line("name", raw, 200).unwrap_err();
            assert_eq!(e.field, "name");
            assert_eq!(&e.reason, want, "{raw:?}");
        }
        assert_eq!(
            line("name", "  Sở Khoa học và Công nghệ ", 200).unwrap(),
            "Sở Khoa học và Công nghệ"
        );
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            email("email", " An.Nguyen@BacNinh.gov.vn ").unwrap(),
            "an.nguyen@bacninh.gov.vn"
        );
        for bad in [
            "", "no-at", "a@b", "a@@b.vn", "a b@c.vn", "@c.vn", "a@.vn", "a@c..vn", "<a>@c.vn",
        ] {
            assert!(email("email", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phones_and_urls_are_checked() {
        assert_eq!(
            optional_phone("phone", " 0222 3822 345 ")
                .unwrap()
                .as_deref(),
            Some("0222 3822 345")
        );
        assert_eq!(optional_phone("phone", "").unwrap(), None);
        for bad in ["12", "phone me", "0222<script>", "+84 1234567890123456"] {
            assert!(optional_phone("phone", bad).is_err(), "{bad:?}");
        }
        assert!(
            optional_url("website", "https://bacninh.gov.vn/")
                .unwrap()
                .is_some()
        );
        for bad in [
            "bacninh.gov.vn",
            "javascript:alert(1)",
            "https://",
            "ftp://x.vn",
        ] {
            assert!(optional_url("website", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_read_the_vietnamese_way_and_times_are_vietnam_time() {
        let d = date("d", "05/03/2026").unwrap();
        assert_eq!(d, chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
        assert_eq!(date("d", "2026-03-05").unwrap(), d);
        for bad in ["", "31/02/2026", "2026/03/05", "05-03-2026", "hôm nay"] {
            assert!(date("d", bad).is_err(), "{bad:?}");
        }
        let t = datetime_vn("t", "2026-03-05T08:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-05T01:30:00+00:00");
        assert_eq!(datetime_vn("t", "05/03/2026 08:30").unwrap(), t);
    }

    #[test]
    fn passwords_must_be_long_enough() {
        assert_eq!(
            new_password("password", "short").unwrap_err().reason,
            Reason::TooShort { min: 12 }
        );
        assert!(new_password("password", "một mật khẩu dài").is_ok());
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let e = FieldError::new("name", Reason::Required);
        assert_eq!(e.message(Lang::Vi), "Tên: không được để trống");
        assert_eq!(e.message(Lang::En), "Name: must not be empty");
        let e = FieldError::new("org.name", Reason::TooLong { max: 200 });
        assert_eq!(e.message(Lang::Vi), "Tên tổ chức: dài quá 200 ký tự");
    }

    #[test]
    fn a_row_of_a_list_is_named_by_its_column_and_its_row_counted_from_one() {
        let e = FieldError::new("members[2].role", Reason::Required);
        assert_eq!(e.message(Lang::Vi), "Vai trò (dòng 3): không được để trống");
        assert_eq!(e.message(Lang::En), "Role (row 3): must not be empty");
        let e = FieldError::new("nothing[0].x", Reason::Required);
        assert_eq!(e.message(Lang::En), "nothing[0].x: must not be empty");
    }
}
