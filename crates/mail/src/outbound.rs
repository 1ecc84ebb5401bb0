//! Outbound mail (acknowledgements, notices) through the relay of `UNGCUU_SMTP_RELAY`.
//!
//! Relay URLs: `smtp://host[:port]` (plain SMTP, port 25 by default — for a relay on loopback or
//! a trusted network), `smtp://user:pass@host:port`; with the crate's `tls` feature also
//! `smtps://host[:port]` and `smtp://host?tls=required|opportunistic` (rustls, no OpenSSL).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// A plain-text mail to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outgoing {
    /// `addr@x` or `Name <addr@x>`.
    pub from: String,
    /// One or more recipients, each `addr@x` or `Name <addr@x>`.
    pub to: Vec<String>,
    pub subject: String,
    pub text_body: String,
    /// Message-ID of the mail this answers (with or without angle brackets): sets In-Reply-To
    /// and References so the reply threads under the report in the sender's mail client.
    pub in_reply_to: Option<String>,
    /// The Message-ID to send under (with or without angle brackets); a fresh one when None.
    /// A queued mail keeps one id across attempts, so a resend after a crash is recognisable.
    pub message_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("bad relay URL {url:?}: {reason}")]
    RelayUrl { url: String, reason: String },
    #[error("bad address {0:?}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    /// The relay refused or could not be reached. `permanent` when it answered 5xx (retrying
    /// the same mail will not help).
    #[error("relay: {message}")]
    Send { message: String, permanent: bool },
}

/// Sends one plain-text (UTF-8) mail through `relay_url`.
pub async fn send(
    relay_url: &str,
    from: &str,
    to: &str,
    subject: &str,
    text_body: &str,
) -> Result<(), OutboundError> {
    send_message(
        relay_url,
        &Outgoing {
            from: from.to_string(),
            to: vec![to.to_string()],
            subject: subject.to_string(),
            text_body: text_body.to_string(),
            in_reply_to: None,
            message_id: None,
        },
    )
    .await
}

/// Sends `mail` through `relay_url`.
pub async fn send_message(relay_url: &str, mail: &Outgoing) -> Result<(), OutboundError> {
    let message = build(mail)?;
    let transport = transport(relay_url)?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| OutboundError::Send {
            permanent: e.is_permanent(),
            message: e.to_string(),
        })
}

/// A transport for `relay_url`. Plain `smtp://` is handled here (lettre's own URL parser only
/// exists with a TLS feature); TLS URLs need this crate's `tls` feature.
fn transport(relay_url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, OutboundError> {
    let bad = |reason: &str| OutboundError::RelayUrl {
        url: redact(relay_url),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(relay_url).map_err(|e| bad(&e.to_string()))?;
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    match (url.scheme(), tls.as_deref()) {
        ("smtp", None | Some("none")) => {
            let host = url
                .host_str()
                .ok_or_else(|| bad("no host"))?
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(url.port().unwrap_or(25))
                .timeout(Some(Duration::from_secs(60)));
            if !url.username().is_empty() {
                builder = builder.credentials(Credentials::new(
                    percent_decode(url.username()),
                    percent_decode(url.password().unwrap_or("")),
                ));
            }
            let name = url.path().trim_matches('/');
            if !name.is_empty() {
                builder = builder.hello_name(ClientId::Domain(name.to_string()));
            }
            Ok(builder.build())
        }
        #[cfg(feature = "tls")]
        _ => Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(relay_url)
            .map_err(|e| bad(&e.to_string()))?
            .timeout(Some(Duration::from_secs(60)))
            .build()),
        #[cfg(not(feature = "tls"))]
        (scheme, tls) => Err(bad(&format!(
            "scheme {scheme:?} with tls={tls:?} needs ungcuu-mail's `tls` feature; use smtp://host:port"
        ))),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds the RFC 5322 message (exposed for tests and for queuing the bytes elsewhere).
pub fn build(mail: &Outgoing) -> Result<Message, OutboundError> {
    let parse = |s: &str| -> Result<Mailbox, OutboundError> {
        s.trim()
            .parse::<Mailbox>()
            .map_err(|_| OutboundError::Address(s.to_string()))
    };
    let mut builder = Message::builder()
        .from(parse(&mail.from)?)
        .subject(mail.subject.replace(['\r', '\n'], " "));
    if mail.to.is_empty() {
        return Err(OutboundError::Address(String::new()));
    }
    for to in &mail.to {
        builder = builder.to(parse(to)?);
    }
    if let Some(id) = mail
        .in_reply_to
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id = format!("<{}>", id.trim_matches(['<', '>']));
        builder = builder.in_reply_to(id.clone()).references(id);
    }
    if let Some(id) = mail
        .message_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        builder = builder.message_id(Some(format!("<{}>", id.trim_matches(['<', '>']))));
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text_body.clone())
        .map_err(|e| OutboundError::Build(e.to_string()))
}

/// The URL without its password, for error messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_passwords_are_not_repeated_in_errors() {
        assert_eq!(redact("smtp://u:secret@relay:25"), "smtp://…@relay:25");
        assert_eq!(redact("smtp://relay:25"), "smtp://relay:25");
    }

    #[test]
    fn a_reply_threads_under_the_original_message() {
        let m = build(&Outgoing {
            from: "Đội ứng cứu <ucsc@bacninh.gov.vn>".into(),
            to: vec!["a@x.vn".into()],
            subject: "Re: [TBSC] Sự cố".into(),
            text_body: "Mã theo dõi: ABC".into(),
            in_reply_to: Some("abc@x.vn".into()),
            message_id: Some("outbox-7@ungcuu".into()),
        })
        .unwrap();
        let text = String::from_utf8(m.formatted()).unwrap();
        assert!(text.contains("Message-ID: <outbox-7@ungcuu>"), "{text}");
        assert!(text.contains("In-Reply-To: <abc@x.vn>"), "{text}");
        assert!(text.contains("References: <abc@x.vn>"), "{text}");
    }

    #[test]
    fn bad_addresses_and_urls_are_named() {
        let e = build(&Outgoing {
            from: "not an address".into(),
            to: vec!["a@x.vn".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(e, OutboundError::Address(a) if a == "not an address"));
    }
}
