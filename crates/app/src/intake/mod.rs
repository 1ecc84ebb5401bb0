//! Intake: incident reports as filed (web, API, mail), verification, triage into incidents, attachments, notices.

pub mod attachments;
pub mod mail_intake;
pub(crate) mod notices;
pub mod reports;
pub mod triage;
