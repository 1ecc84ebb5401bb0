//! The mail gateway: the SMTP listener's sink. Each accepted message is parsed (MIME, charsets,
//! the form's labels) and handed to the app, which commits what it becomes before the listener
//! answers 250; a failure answers 451 and the sending server retries (the app recognises the
//! retry by its Message-ID).

use std::sync::Arc;
use tokio::sync::Notify;
use ungcuu_app::App;
use ungcuu_app::intake::mail_intake::{MailAttachment, MailIn};
use ungcuu_mail::{MailSink, SinkError};

pub struct Gateway {
    pub app: App,
    /// Largest message parsed, in bytes (the listener refuses larger ones with 552 anyway).
    pub max_bytes: usize,
    /// Wakes the outbox worker when a report queued mail.
    pub wake: Arc<Notify>,
}

/// The raw message without the trace header our listener put in front of it: the message as
/// the sender sent it, whose hash stays the same when the sender retries.
fn without_our_trace(raw: &[u8]) -> &[u8] {
    if !raw.starts_with(b"Received: from ") {
        return raw;
    }
    let mut i = 0;
    while let Some(pos) = raw[i..].windows(2).position(|w| w == b"\r\n") {
        let end = i + pos + 2;
        match raw.get(end) {
            Some(b' ' | b'\t') => i = end,
            _ => {
                let header = &raw[..end];
                return if header.windows(8).any(|w| w == b"(ungcuu)") {
                    &raw[end..]
                } else {
                    raw
                };
            }
        }
    }
    raw
}

/// Reads a raw message into what the app takes. CPU work on up to the size limit: the caller
/// runs it off the async threads.
pub fn read_mail(raw: Vec<u8>, envelope_from: String, max_bytes: usize) -> MailIn {
    use sha2::{Digest, Sha256};
    let parsed = ungcuu_mail::parse_mail(&raw, max_bytes);
    let form = ungcuu_mail::extract(&parsed.body);
    let content_sha256 = hex::encode(Sha256::digest(without_our_trace(&raw)));
    MailIn {
        message_id: parsed.message_id.clone(),
        envelope_from: Some(envelope_from).filter(|e| !e.trim().is_empty()),
        from_address: parsed.from_address(),
        from_name: parsed.from.as_ref().and_then(|a| a.name.clone()),
        subject: parsed.subject.clone(),
        sent_at: parsed.date.map(|d| d.with_timezone(&chrono::Utc)),
        tbsc: parsed.is_tbsc(),
        extracted: form.report.clone(),
        description: form.description_with_unrecognised(),
        truncated: parsed.truncated || parsed.attachments.iter().any(|a| a.truncated),
        malformed: parsed.malformed,
        attachments: parsed
            .attachments
            .into_iter()
            .map(|a| MailAttachment {
                file_name: a.filename,
                content_type: a.content_type,
                bytes: a.bytes,
            })
            .collect(),
        body_text: parsed.body,
        raw,
        content_sha256,
    }
}

impl MailSink for Gateway {
    fn accept(
        &self,
        envelope_from: String,
        _rcpt: Vec<String>,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<String, SinkError>> + Send {
        let (app, max, wake) = (self.app.clone(), self.max_bytes, self.wake.clone());
        async move {
            let size = raw.len();
            let mail = tokio::task::spawn_blocking(move || read_mail(raw, envelope_from, max))
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, size, "mail could not be read");
                    SinkError::new("mail could not be read")
                })?;
            match app.receive_mail(mail).await {
                Ok(o) => {
                    if !o.duplicate {
                        wake.notify_one();
                    }
                    // The client's 250 names what the mail became.
                    Ok(o.tracking_code
                        .unwrap_or_else(|| format!("inbox-{}", o.inbox_id)))
                }
                Err(e) => {
                    tracing::error!(error = %e, size, "mail not stored; the client is told to retry");
                    Err(SinkError::new("not stored, try again later"))
                }
            }
        }
    }
}

/// Mail settings of `serve`.
pub struct MailSettings {
    /// `UNGCUU_SMTP_LISTEN`: accept mail here; off when None.
    pub listen: Option<String>,
    /// `UNGCUU_SMTP_RELAY`: send queued mail through it; queued mail waits when None.
    pub relay: Option<String>,
    /// `UNGCUU_SMTP_MAX_BYTES`: larger mail is refused at SMTP with 552.
    pub max_bytes: usize,
    /// `UNGCUU_SMTP_FROM`: sender of outgoing mail.
    pub from: String,
    /// `UNGCUU_SMTP_RETRY_SECS`: first wait before a retry; it doubles up to an hour.
    pub retry_secs: u64,
    /// `UNGCUU_IMAP_URL`: poll this mailbox too (`imap://user:password@host:port/INBOX`).
    pub imap_url: Option<String>,
    /// `UNGCUU_IMAP_POLL_SECS`: wait between IMAP rounds.
    pub imap_poll_secs: u64,
}

/// The running mail tasks; [`MailTasks::stop`] ends them gracefully.
pub struct MailTasks {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl MailTasks {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Starts the SMTP listener, the IMAP poller and the outbox worker as configured.
pub async fn start(app: &App, s: MailSettings) -> anyhow::Result<MailTasks> {
    use anyhow::Context;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // One bell for every channel: web and API filings ring it too.
    let wake = app.cfg.outbox_wake.clone();
    let mut tasks = Vec::new();
    if let Some(addr) = &s.listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen for SMTP on {addr}"))?;
        let cfg = ungcuu_mail::SmtpConfig {
            max_message_bytes: s.max_bytes,
            ..Default::default()
        };
        let sink = Gateway {
            app: app.clone(),
            max_bytes: s.max_bytes,
            wake: wake.clone(),
        };
        let mut rx = stopped.clone();
        let shutdown = async move {
            let _ = rx.wait_for(|v| *v).await;
        };
        tracing::info!(smtp = %addr, max_bytes = s.max_bytes, "mail intake listening");
        println!("ungcuu: smtp://{addr}");
        tasks.push(tokio::spawn(async move {
            if let Err(e) = ungcuu_mail::serve_with_shutdown(listener, cfg, sink, shutdown).await {
                tracing::error!(error = %e, "SMTP listener stopped");
            }
        }));
    }
    if let Some(url) = &s.imap_url {
        // A bad URL stops start-up (a typo should not go unnoticed); an unreachable server
        // does not: the poller logs it and retries.
        let url = ungcuu_mail::ImapUrl::parse(url).context("UNGCUU_IMAP_URL")?;
        let cfg = ungcuu_mail::ImapConfig {
            poll: std::time::Duration::from_secs(s.imap_poll_secs.max(1)),
            max_message_bytes: s.max_bytes,
            ..ungcuu_mail::ImapConfig::new(url)
        };
        // The same sink as SMTP: the same parsing, the same deduplication on Message-ID.
        let sink = Gateway {
            app: app.clone(),
            max_bytes: s.max_bytes,
            wake: wake.clone(),
        };
        let mut rx = stopped.clone();
        let shutdown = async move {
            let _ = rx.wait_for(|v| *v).await;
        };
        tracing::info!(imap = %cfg.url, poll_secs = cfg.poll.as_secs(), "mail intake polling IMAP");
        println!("ungcuu: {}", cfg.url);
        tasks.push(tokio::spawn(ungcuu_mail::poll_with_shutdown(
            cfg, sink, shutdown,
        )));
    }
    match &s.relay {
        Some(relay) => {
            let first = chrono::Duration::seconds(s.retry_secs.max(1) as i64);
            let backoff = ungcuu_app::outbox::Backoff {
                first,
                ..Default::default()
            };
            let d = crate::delivery::Delivery {
                app: app.clone(),
                relay: relay.clone(),
                from: s.from.clone(),
                backoff,
                // Often enough for the first retry to come on time.
                poll: std::time::Duration::from_secs(s.retry_secs.clamp(1, 5)),
                wake,
            };
            tasks.push(tokio::spawn(d.run(stopped)));
        }
        None => tracing::warn!(
            "UNGCUU_SMTP_RELAY is not set: notices and acknowledgements wait in the outbox until it is"
        ),
    }
    Ok(MailTasks { stop, tasks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_trace_header_is_left_out_of_the_content_hash() {
        let body = b"From: a@x.vn\r\nSubject: s\r\n\r\nx\r\n";
        let mut ours = b"Received: from h ([127.0.0.1])\r\n\tby u (ungcuu) with ESMTP;\r\n\tSat, 21 Nov 2026 08:00:00 +0700\r\n".to_vec();
        ours.extend_from_slice(body);
        assert_eq!(without_our_trace(&ours), body);
        let mut theirs = b"Received: from h\r\n\tby mx.example with ESMTP;\r\n\tdate\r\n".to_vec();
        theirs.extend_from_slice(body);
        assert_eq!(without_our_trace(&theirs), &theirs[..]);
        assert_eq!(without_our_trace(body), body);
    }
}
