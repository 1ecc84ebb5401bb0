//! Intake rules: the reporting deadline (TT20 Đ9: notify within 5 days of detection), the
//! states of a report on its way to an incident, how a sender was verified, and when a report
//! looks serious enough to flag at once.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

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

/// Where a report stands. It goes to triage only once its sender is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Waiting for the desk: to verify, then accept or refuse.
    Received,
    /// Joined an incident (opened it, or merged into an existing one).
    Accepted,
    /// Closed by the desk as not an incident, with a reason.
    NotIncident,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Received => "received",
            ReportStatus::Accepted => "accepted",
            ReportStatus::NotIncident => "not_incident",
        }
    }

    pub fn parse(code: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Received,
            ReportStatus::Accepted,
            ReportStatus::NotIncident,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ReportStatus::Received => "report.status.received",
            ReportStatus::Accepted => "report.status.accepted",
            ReportStatus::NotIncident => "report.status.not_incident",
        }
    }
}

/// How the desk confirmed who sent a report (000 II.2, 002 Đ5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// The sender is a contact registered for the organisation.
    RegisteredContact,
    /// Called back on the organisation's registered phone number.
    Callback,
    /// A signed (or digitally signed) document came with it.
    SignedDocument,
    /// Anything else; the note says what.
    Other,
}

impl VerificationMethod {
    pub const ALL: [VerificationMethod; 4] = [
        VerificationMethod::RegisteredContact,
        VerificationMethod::Callback,
        VerificationMethod::SignedDocument,
        VerificationMethod::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VerificationMethod::RegisteredContact => "registered_contact",
            VerificationMethod::Callback => "callback",
            VerificationMethod::SignedDocument => "signed_document",
            VerificationMethod::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<VerificationMethod> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            VerificationMethod::RegisteredContact => "verify.method.registered_contact",
            VerificationMethod::Callback => "verify.method.callback",
            VerificationMethod::SignedDocument => "verify.method.signed_document",
            VerificationMethod::Other => "verify.method.other",
        }
    }

    /// "Other" says nothing by itself: the note must.
    pub fn needs_note(self) -> bool {
        self == VerificationMethod::Other
    }
}

/// Words (folded) that say a service is down: "gián đoạn", "ngừng hoạt động", "không truy cập
/// được", "tê liệt", and their English counterparts.
const INTERRUPTION_WORDS: &[&str] = &[
    "gian doan",
    "ngung hoat dong",
    "ngung dich vu",
    "khong truy cap duoc",
    "khong the truy cap",
    "te liet",
    "bi sap",
    "outage",
    "down",
    "unavailable",
    "interrupt",
];

/// The facts a report gives about how grave it may be.
#[derive(Debug, Clone, Copy)]
pub struct SeriousSigns<'a> {
    pub security_level: Option<u8>,
    /// The system is on the critical list of the registry.
    pub critical_system: bool,
    pub handled: bool,
    pub description: &'a str,
}

/// Whether a new report looks serious and must be flagged at once (002 Đ9.3, QĐ05): the system
/// is cấp độ 4–5 or on the critical list, or the incident is not handled and a service is
/// interrupted. A flag for people to look at, not the final classification, which a person
/// confirms with the incident.
pub fn looks_serious(s: SeriousSigns<'_>) -> bool {
    if s.security_level.is_some_and(|l| l >= 4) || s.critical_system {
        return true;
    }
    if s.handled {
        return false;
    }
    let text = crate::text::fold(s.description);
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    INTERRUPTION_WORDS.iter().any(|w| {
        let needle: Vec<&str> = w.split(' ').collect();
        words
            .windows(needle.len())
            .any(|win| win == needle.as_slice())
    })
}

crate::code::try_from_code!(ReportStatus, "report status");

/// How a report arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Api,
    Email,
    Public,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Web, Channel::Api, Channel::Email, Channel::Public];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Email => "email",
            Channel::Public => "public",
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Web => "report.channel.web",
            Channel::Api => "report.channel.api",
            Channel::Email => "report.channel.email",
            Channel::Public => "report.channel.public",
        }
    }
}

crate::code::try_from_code!(Channel, "report channel");

/// What became of a mail received at the intake mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Filed as a report, on arrival (`[TBSC]` mail) or by the desk.
    Report,
    /// Waiting for the standing desk.
    Pending,
    /// Dismissed by the desk, with a note.
    Dismissed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 3] = [
        MailStatus::Report,
        MailStatus::Pending,
        MailStatus::Dismissed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MailStatus::Report => "report",
            MailStatus::Pending => "pending",
            MailStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(code: &str) -> Option<MailStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            MailStatus::Report => "inbox.status.report",
            MailStatus::Pending => "inbox.status.pending",
            MailStatus::Dismissed => "inbox.status.dismissed",
        }
    }

    pub fn is_pending(self) -> bool {
        self == MailStatus::Pending
    }
}

crate::code::try_from_code!(MailStatus, "mail status");

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn report_statuses_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for v in [
            ReportStatus::Received,
            ReportStatus::Accepted,
            ReportStatus::NotIncident,
        ] {
            assert_eq!(ReportStatus::try_from(v.code().to_string()), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.code());
        }
        assert!(ReportStatus::try_from("closed".to_string()).is_err());
    }

    #[test]
    fn channels_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for v in Channel::ALL {
            assert_eq!(Channel::try_from(v.code().to_string()), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.code());
        }
        assert!(Channel::try_from("fax".to_string()).is_err());
    }

    #[test]
    fn mail_statuses_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for v in MailStatus::ALL {
            assert_eq!(MailStatus::try_from(v.code().to_string()), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.code());
        }
        assert!(MailStatus::try_from("spam".to_string()).is_err());
    }

    fn signs(level: Option<u8>, critical: bool, handled: bool, text: &str) -> bool {
        looks_serious(SeriousSigns {
            security_level: level,
            critical_system: critical,
            handled,
            description: text,
        })
    }

    #[test]
    fn level_four_or_five_or_a_critical_system_is_serious() {
        assert!(signs(Some(4), false, true, "nothing"));
        assert!(signs(Some(5), false, true, "nothing"));
        assert!(signs(None, true, true, "nothing"));
        assert!(!signs(Some(3), false, true, "Cổng thông tin bị gián đoạn"));
    }

    #[test]
    fn not_handled_with_a_service_interrupted_is_serious() {
        assert!(signs(
            Some(2),
            false,
            false,
            "Cổng thông tin bị GIÁN ĐOẠN từ 8 giờ"
        ));
        assert!(signs(
            None,
            false,
            false,
            "Hệ thống thư điện tử ngừng hoạt động."
        ));
        assert!(signs(None, false, false, "The portal is down"));
        assert!(!signs(
            None,
            false,
            false,
            "Phát hiện mã độc trên một máy trạm"
        ));
        assert!(signs(None, false, false, "Máy chủ bị sập"));
        // Whole words only: "sáp nhập" folds to "sap nhap", which is no outage.
        assert!(!signs(None, false, false, "Sau khi sáp nhập đơn vị"));
        assert!(!signs(None, false, false, "downloaded a file"));
    }

    #[test]
    fn statuses_and_methods_read_back_from_their_codes() {
        for s in [
            ReportStatus::Received,
            ReportStatus::Accepted,
            ReportStatus::NotIncident,
        ] {
            assert_eq!(ReportStatus::parse(s.code()), Some(s));
        }
        for m in VerificationMethod::ALL {
            assert_eq!(VerificationMethod::parse(m.code()), Some(m));
        }
        assert_eq!(VerificationMethod::parse("guess"), None);
    }

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
