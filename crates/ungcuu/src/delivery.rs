//! The outbox worker: sends the mails the app queued (notices to the desk and the lead,
//! acknowledgements) through `UNGCUU_SMTP_RELAY`, after their transaction committed. Every few
//! seconds, and at once when a report queued something; failures wait as the app's backoff
//! says. On shutdown the mail being handed over is finished, the rest waits for the next start
//! (or another instance: rows are leased, not owned).

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use ungcuu_app::App;
use ungcuu_app::outbox::{Backoff, OutboxMail};
use ungcuu_mail::{OutboundError, Outgoing};

pub struct Delivery {
    pub app: App,
    pub relay: String,
    /// The sender of every mail (`UNGCUU_SMTP_FROM`).
    pub from: String,
    pub backoff: Backoff,
    /// How often due rows are looked for when nothing wakes the worker.
    pub poll: Duration,
    pub wake: Arc<Notify>,
}

/// At most this many rows per claim, so one instance does not lease the whole queue.
const BATCH: i64 = 20;

impl Delivery {
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(relay = %redact(&self.relay), "outbox delivery started");
        loop {
            self.deliver_due(&stop).await;
            if *stop.borrow() {
                break;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!("outbox delivery stopped");
    }

    async fn deliver_due(&self, stop: &watch::Receiver<bool>) {
        loop {
            let batch = match self.app.claim_mail(BATCH).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox not read; trying again later");
                    return;
                }
            };
            if batch.is_empty() {
                return;
            }
            let mut left = batch.into_iter();
            for mail in left.by_ref() {
                self.send(&mail).await;
                if *stop.borrow() {
                    break;
                }
            }
            // Claimed but not tried (shutting down): their lease runs out and they are sent
            // after the next start, by this instance or another.
            if left.len() > 0 {
                tracing::info!(left = left.len(), "shutting down with mail still queued");
                return;
            }
        }
    }

    async fn send(&self, mail: &OutboxMail) {
        let out = Outgoing {
            from: self.from.clone(),
            to: vec![mail.to.clone()],
            subject: mail.subject.clone(),
            text_body: mail.body.clone(),
            in_reply_to: None,
            message_id: Some(mail.message_id.clone()),
        };
        let result = ungcuu_mail::send_message(&self.relay, &out).await;
        let recorded = match result {
            Ok(()) => {
                tracing::info!(
                    outbox = mail.id,
                    attempts = mail.attempts,
                    "mail delivered to the relay"
                );
                self.app.mail_delivered(mail.id).await
            }
            Err(e) => {
                // A bad recipient or a message that cannot be built will not get better; a
                // relay that is down or a bad relay setting may.
                let permanent = match &e {
                    OutboundError::Send { permanent, .. } => *permanent,
                    OutboundError::Address(_) | OutboundError::Build(_) => true,
                    OutboundError::RelayUrl { .. } => false,
                };
                let r = self
                    .app
                    .mail_failed(mail, &e.to_string(), permanent, &self.backoff)
                    .await;
                match &r {
                    Ok(Some(at)) => {
                        tracing::warn!(outbox = mail.id, attempts = mail.attempts, error = %e, retry_at = %at, "mail not delivered; will retry")
                    }
                    Ok(None) => {
                        tracing::error!(outbox = mail.id, attempts = mail.attempts, error = %e, "mail not delivered; given up")
                    }
                    Err(_) => {}
                }
                r.map(|_| ())
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the row is tried again; its Message-ID stays the same.
            tracing::error!(outbox = mail.id, error = %e, "delivery not recorded");
        }
    }
}

/// The relay URL without its password, for the log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}
