//! Delivering the outbox's mails (notices to the desk and the lead, acknowledgements): which
//! rows are due, and what a failure means — retried with a growing wait, given up after too
//! many attempts and left visible with its last error. Sending itself is the binary's (the
//! mail crate), so this layer stays free of SMTP.

use crate::App;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use ungcuu_store::outbox;

/// A mail ready to hand to the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The same on every attempt, so a resend after a crash is recognisable.
    pub message_id: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// How long to wait after each failure: `first`, doubling, at most `max`; after `give_up_after`
/// attempts the row is left undelivered with its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub give_up_after: i64,
}

impl Default for Backoff {
    /// One minute, doubling to an hour; twelve attempts span about seven hours, long enough to
    /// ride out a relay's maintenance night.
    fn default() -> Self {
        Backoff {
            first: Duration::minutes(1),
            max: Duration::hours(1),
            give_up_after: 12,
        }
    }
}

impl Backoff {
    /// The wait after the `attempts`-th failure, or None to give up.
    pub fn after(&self, attempts: i64) -> Option<Duration> {
        if attempts >= self.give_up_after {
            return None;
        }
        let doublings = (attempts - 1).clamp(0, 30) as u32;
        let wait = self
            .first
            .checked_mul(1i32.checked_shl(doublings).unwrap_or(i32::MAX))
            .unwrap_or(self.max);
        Some(wait.min(self.max))
    }
}

/// How long a claimed row is held by one instance: longer than one relay conversation.
pub const LEASE: Duration = Duration::minutes(5);

impl App {
    /// Claims up to `limit` due mails for this instance. A row whose payload is not a mail
    /// (written by a bug) is given up on at once, with the reason, instead of blocking the rest.
    pub async fn claim_mail(&self, limit: i64) -> AppResult<Vec<OutboxMail>> {
        let now = ungcuu_domain::time::now();
        let rows =
            outbox::claim_due(&self.db, crate::intake::notices::MAIL, now, LEASE, limit).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let p: serde_json::Value = serde_json::from_str(&r.payload).unwrap_or_default();
            let field = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_string);
            match (field("to"), field("subject"), field("body")) {
                (Some(to), Some(subject), Some(body)) if !to.trim().is_empty() => {
                    out.push(OutboxMail {
                        id: r.id,
                        to,
                        subject,
                        body,
                        message_id: outbox::message_id(r.id),
                        attempts: r.attempts,
                    })
                }
                _ => {
                    tracing::error!(outbox = r.id, "outbox row is not a mail; given up");
                    outbox::mark_failed(&self.db, r.id, "payload is not a mail", now, None).await?;
                }
            }
        }
        Ok(out)
    }

    pub async fn mail_delivered(&self, id: i64) -> AppResult<()> {
        Ok(outbox::mark_delivered(&self.db, id, ungcuu_domain::time::now()).await?)
    }

    /// Records a failed attempt. A permanent refusal (the relay answered 5xx: a bad address)
    /// is not retried; anything else waits as `backoff` says. Returns when the next attempt
    /// is due, if any.
    pub async fn mail_failed(
        &self,
        mail: &OutboxMail,
        error: &str,
        permanent: bool,
        backoff: &Backoff,
    ) -> AppResult<Option<DateTime<Utc>>> {
        let now = ungcuu_domain::time::now();
        let retry_at = if permanent {
            None
        } else {
            backoff.after(mail.attempts).map(|w| now + w)
        };
        outbox::mark_failed(&self.db, mail.id, error, now, retry_at)
            .await
            .map_err(AppError::from)?;
        Ok(retry_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_a_minute_to_an_hour_then_gives_up() {
        let b = Backoff::default();
        let mins: Vec<i64> = (1..12).map(|a| b.after(a).unwrap().num_minutes()).collect();
        assert_eq!(mins, vec![1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]);
        assert_eq!(b.after(12), None);
        assert_eq!(b.after(40), None);
        let fast = Backoff {
            first: Duration::milliseconds(500),
            max: Duration::seconds(2),
            give_up_after: 100,
        };
        assert_eq!(fast.after(1), Some(Duration::milliseconds(500)));
        assert_eq!(fast.after(90), Some(Duration::seconds(2)));
    }
}
