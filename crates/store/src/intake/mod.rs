//! Intake: incident reports as filed (web, API, mail), verification, triage into incidents, attachments, notices.

pub mod attachments;
pub mod inbox;
pub mod reports;
