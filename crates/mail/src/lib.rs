//! Inbound mail for ungcuu's intake, and outbound notifications.
//!
//! - [`parse::parse_mail`]: raw RFC 5322 bytes → [`InboundMail`] (sender, subject, readable
//!   body, attachments with SHA-256); never fails, never panics.
//! - [`form::extract`]: the labels of the initial report form (Phụ lục I) in a body → the
//!   intake body of API.md, plus every line not recognised.
//! - [`smtp::serve`]: an SMTP listener that hands each message to a [`MailSink`] and answers
//!   250 only after the sink committed it.
//! - [`imap::poll_with_shutdown`]: polls an IMAP mailbox (`UNGCUU_IMAP_URL`) and hands each
//!   unseen message to the same [`MailSink`], marking it seen only after the sink committed it.
//! - [`outbound::send`]: plain-text mail through the relay (`UNGCUU_SMTP_RELAY`).
//!
//! No SQL here: the app decides what a mail becomes.

pub mod form;
pub mod imap;
pub mod outbound;
pub mod parse;
pub mod smtp;
pub mod text;

pub use form::{Extracted, extract};
pub use imap::{ImapConfig, ImapUrl, poll_with_shutdown};
pub use outbound::{OutboundError, Outgoing, send, send_message};
pub use parse::{Attachment, BodyKind, InboundMail, MailAddress, is_tbsc_subject, parse_mail};
pub use smtp::{MailSink, SinkError, SmtpConfig, serve, serve_with_shutdown};
