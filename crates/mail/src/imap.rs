//! IMAP polling of a mailbox, for sites whose mail arrives at a mail server ungcuu cannot
//! replace: every round logs in, takes the UNSEEN messages of one mailbox and hands each to the
//! same [`MailSink`] the SMTP listener uses.
//!
//! A message is marked `\Seen` only after the sink returned Ok (it committed what the mail
//! became); a sink error leaves it unseen, so the next round tries again. A crash between the
//! commit and the `STORE` makes the next round hand the message over again, which the app
//! recognises by its Message-ID. Bodies are fetched with `BODY.PEEK[]` so that fetching alone
//! never marks a message read. Mail larger than the limit stays unseen (a person should look at
//! it) and is reported once in the log.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::smtp::MailSink;

/// Why a poll round failed; the poller logs it and tries again later.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("bad IMAP URL: {0}")]
    Url(String),
    #[error("cannot connect to {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("login refused: {0}")]
    Login(async_imap::error::Error),
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error("the IMAP server closed the connection")]
    Closed,
    #[error("the IMAP server did not answer within {0:?}")]
    Timeout(Duration),
}

/// Where the mailbox is: `imap://user:password@host:port/MAILBOX` (or `imaps://`).
#[derive(Clone, PartialEq, Eq)]
pub struct ImapUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub mailbox: String,
}

impl ImapUrl {
    pub fn parse(s: &str) -> Result<ImapUrl, ImapError> {
        let u = url::Url::parse(s).map_err(|e| ImapError::Url(e.to_string()))?;
        let tls = match u.scheme() {
            "imap" => false,
            "imaps" => true,
            other => return Err(ImapError::Url(format!("scheme {other}: use imap or imaps"))),
        };
        if tls && !cfg!(feature = "tls") {
            return Err(ImapError::Url(
                "imaps:// needs ungcuu-mail built with the `tls` feature".into(),
            ));
        }
        let host = u
            .host_str()
            .ok_or_else(|| ImapError::Url("no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |p: &str| {
            url::form_urlencoded::parse(format!("x={}", p.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let user = decode(u.username());
        if user.is_empty() {
            return Err(ImapError::Url("no user name".into()));
        }
        let password = decode(u.password().unwrap_or(""));
        let mailbox = decode(u.path().trim_start_matches('/'));
        Ok(ImapUrl {
            tls,
            port: u.port().unwrap_or(if tls { 993 } else { 143 }),
            host,
            user,
            password,
            mailbox: if mailbox.is_empty() {
                "INBOX".into()
            } else {
                mailbox
            },
        })
    }
}

/// Shows the URL with the password left out: it goes into logs.
impl fmt::Display for ImapUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "imaps" } else { "imap" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "{scheme}://{}@{host}:{}/{}",
            self.user, self.port, self.mailbox
        )
    }
}

/// Never prints the password (the derived Debug would).
impl fmt::Debug for ImapUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImapUrl({self})")
    }
}

/// Settings of the poller.
#[derive(Debug, Clone)]
pub struct ImapConfig {
    pub url: ImapUrl,
    /// Wait between rounds (`UNGCUU_IMAP_POLL_SECS`).
    pub poll: Duration,
    /// Larger messages are left unseen and reported in the log.
    pub max_message_bytes: usize,
    /// Waiting for any one answer of the server, and for the sink.
    pub timeout: Duration,
    /// Longest wait after failed rounds (the wait doubles from `poll` up to this).
    pub max_backoff: Duration,
    /// After shutdown is asked, how long the message being handed over may take.
    pub shutdown_grace: Duration,
}

impl ImapConfig {
    pub fn new(url: ImapUrl) -> ImapConfig {
        ImapConfig {
            url,
            poll: Duration::from_secs(60),
            max_message_bytes: 25 * 1024 * 1024,
            timeout: Duration::from_secs(120),
            max_backoff: Duration::from_secs(3600),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RoundStats {
    /// Handed to the sink and marked seen.
    pub accepted: usize,
    /// The sink refused them; they stay unseen for the next round.
    pub failed: usize,
    /// Over the size limit; left unseen.
    pub oversize: usize,
}

/// Any stream the client can talk over: plain TCP or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}
type Session = async_imap::Session<Box<dyn Io>>;

async fn within<T, E>(
    limit: Duration,
    f: impl Future<Output = Result<T, E>>,
) -> Result<T, ImapError>
where
    ImapError: From<E>,
{
    match timeout(limit, f).await {
        Ok(r) => r.map_err(ImapError::from),
        Err(_) => Err(ImapError::Timeout(limit)),
    }
}

impl From<std::io::Error> for ImapError {
    fn from(e: std::io::Error) -> Self {
        ImapError::Imap(async_imap::error::Error::Io(e))
    }
}

async fn connect(cfg: &ImapConfig) -> Result<Session, ImapError> {
    let u = &cfg.url;
    let addr = format!("{}:{}", u.host, u.port);
    let tcp = match timeout(cfg.timeout, TcpStream::connect((u.host.as_str(), u.port))).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(ImapError::Connect(addr, e)),
        Err(_) => return Err(ImapError::Timeout(cfg.timeout)),
    };
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Io> = if u.tls {
        tls(cfg, tcp).await?
    } else {
        Box::new(tcp)
    };
    let mut client = async_imap::Client::new(stream);
    // The server speaks first (RFC 3501 §7.1): read its greeting before any command.
    if within(cfg.timeout, client.read_response()).await?.is_none() {
        return Err(ImapError::Closed);
    }
    match timeout(cfg.timeout, client.login(&u.user, &u.password)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err((e, _))) => Err(ImapError::Login(e)),
        Err(_) => Err(ImapError::Timeout(cfg.timeout)),
    }
}

#[cfg(feature = "tls")]
async fn tls(cfg: &ImapConfig, tcp: TcpStream) -> Result<Box<dyn Io>, ImapError> {
    use std::sync::Arc;
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // ring explicitly: the process may hold more than one provider, and no OpenSSL.
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Tls(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(cfg.url.host.clone())
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match timeout(cfg.timeout, connector.connect(name, tcp)).await {
        Ok(Ok(s)) => Ok(Box::new(s)),
        Ok(Err(e)) => Err(ImapError::Tls(e.to_string())),
        Err(_) => Err(ImapError::Timeout(cfg.timeout)),
    }
}

#[cfg(not(feature = "tls"))]
async fn tls(_cfg: &ImapConfig, _tcp: TcpStream) -> Result<Box<dyn Io>, ImapError> {
    // ImapUrl::parse already refuses imaps:// in this build.
    Err(ImapError::Tls("built without the `tls` feature".into()))
}

/// A mailbox name as IMAP writes it on the wire (RFC 3501 §5.1.3, modified UTF-7): a
/// Vietnamese folder name such as "Báo cáo" must be sent as "B&AOE-o c&AOE-o".
fn utf7_imap(name: &str) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    fn flush(run: &mut Vec<u16>, out: &mut String) {
        if run.is_empty() {
            return;
        }
        let bytes: Vec<u8> = run.drain(..).flat_map(u16::to_be_bytes).collect();
        out.push('&');
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out.push('-');
    }
    let mut out = String::new();
    let mut run = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut run, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            run.extend(c.encode_utf16(&mut [0; 2]).iter());
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The envelope sender the delivering server recorded (`Return-Path: <a@b>`), or "".
fn return_path(raw: &[u8]) -> String {
    for line in raw.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.len() > 12 && line[..12].eq_ignore_ascii_case(b"return-path:") {
            let v = String::from_utf8_lossy(&line[12..]);
            return v
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
        }
    }
    String::new()
}

/// Remembers oversize messages already reported, so each is logged once, not every round.
#[derive(Default)]
pub struct Poller {
    reported: HashSet<(u32, u32)>,
}

impl Poller {
    /// One round: log in, take every unseen message of the mailbox, log out. `stopping` is
    /// looked at between messages: a shutdown lets the message in hand finish and no more.
    pub async fn round(
        &mut self,
        cfg: &ImapConfig,
        sink: &impl MailSink,
        stopping: &AtomicBool,
    ) -> Result<RoundStats, ImapError> {
        let mut s = connect(cfg).await?;
        let r = self.take_unseen(&mut s, cfg, sink, stopping).await;
        // A failed LOGOUT changes nothing: every message was already settled.
        let _ = timeout(cfg.timeout, s.logout()).await;
        r
    }

    async fn take_unseen(
        &mut self,
        s: &mut Session,
        cfg: &ImapConfig,
        sink: &impl MailSink,
        stopping: &AtomicBool,
    ) -> Result<RoundStats, ImapError> {
        let t = cfg.timeout;
        let mailbox = within(t, s.select(utf7_imap(&cfg.url.mailbox))).await?;
        let validity = mailbox.uid_validity.unwrap_or(0);
        let mut uids: Vec<u32> = within(t, s.uid_search("UNSEEN"))
            .await?
            .into_iter()
            .collect();
        uids.sort_unstable();
        let mut stats = RoundStats::default();
        if uids.is_empty() {
            return Ok(stats);
        }
        // Sizes first, so oversize mail is never downloaded.
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sizes: Vec<(u32, u32)> = within(t, async {
            let fetches: Vec<_> = s
                .uid_fetch(&set, "(UID RFC822.SIZE)")
                .await?
                .try_collect()
                .await?;
            Ok::<_, async_imap::error::Error>(
                fetches
                    .iter()
                    .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
                    .collect(),
            )
        })
        .await?;
        for (uid, size) in sizes {
            if stopping.load(Ordering::Relaxed) {
                break;
            }
            if size as usize > cfg.max_message_bytes {
                stats.oversize += 1;
                if self.reported.insert((validity, uid)) {
                    tracing::warn!(mailbox = %cfg.url, uid, size, max = cfg.max_message_bytes,
                        "mail over the size limit left unread in the mailbox: read it there");
                }
                continue;
            }
            let raw = within(t, async {
                let fetches: Vec<_> = s
                    .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                    .await?
                    .try_collect()
                    .await?;
                Ok::<_, async_imap::error::Error>(
                    fetches.iter().find_map(|f| f.body().map(<[u8]>::to_vec)),
                )
            })
            .await?;
            // Expunged by someone else since the search: nothing to take.
            let Some(raw) = raw else { continue };
            let from = return_path(&raw);
            let rcpt = vec![cfg.url.user.clone()];
            match timeout(t, sink.accept(from, rcpt, raw)).await {
                Ok(Ok(id)) => {
                    within(t, async {
                        let _: Vec<_> = s
                            .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")
                            .await?
                            .try_collect()
                            .await?;
                        Ok::<_, async_imap::error::Error>(())
                    })
                    .await?;
                    tracing::info!(mailbox = %cfg.url, uid, queued = %id, "mail taken from IMAP");
                    stats.accepted += 1;
                }
                Ok(Err(e)) => {
                    tracing::warn!(mailbox = %cfg.url, uid, error = %e, "mail not taken; next round retries");
                    stats.failed += 1;
                }
                Err(_) => {
                    tracing::warn!(mailbox = %cfg.url, uid, "mail not taken in time; next round retries");
                    stats.failed += 1;
                }
            }
        }
        Ok(stats)
    }
}

/// Polls the mailbox every `cfg.poll` until `shutdown` completes. Errors (refused connection,
/// refused login, a dropped link) are logged and the wait doubles, up to `cfg.max_backoff`;
/// this never returns early. On shutdown the message being handed over may finish, for up to
/// `cfg.shutdown_grace`.
pub async fn poll_with_shutdown(
    cfg: ImapConfig,
    sink: impl MailSink,
    shutdown: impl Future<Output = ()> + Send,
) {
    tokio::pin!(shutdown);
    let stopping = AtomicBool::new(false);
    let mut poller = Poller::default();
    let mut failures: u32 = 0;
    loop {
        let round = poller.round(&cfg, &sink, &stopping);
        tokio::pin!(round);
        let result = tokio::select! {
            r = &mut round => r,
            _ = &mut shutdown => {
                stopping.store(true, Ordering::Relaxed);
                let _ = timeout(cfg.shutdown_grace, round).await;
                return;
            }
        };
        let wait = match result {
            Ok(stats) => {
                failures = 0;
                if stats != RoundStats::default() {
                    tracing::debug!(mailbox = %cfg.url, ?stats, "IMAP round");
                }
                cfg.poll
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let wait = cfg
                    .poll
                    .saturating_mul(1 << (failures - 1).min(16))
                    .min(cfg.max_backoff.max(cfg.poll));
                tracing::warn!(mailbox = %cfg.url, error = %e, failures, retry_in_secs = wait.as_secs(), "IMAP poll failed");
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = &mut shutdown => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_gives_every_part_and_the_display_leaves_out_the_password() {
        let u = ImapUrl::parse("imap://tbsc%40so.vn:p%40ss+w@mail.so.vn:1143/H%E1%BB%99p").unwrap();
        assert_eq!(u.user, "tbsc@so.vn");
        assert_eq!(u.password, "p@ss+w");
        assert_eq!(u.host, "mail.so.vn");
        assert_eq!(u.port, 1143);
        assert_eq!(u.mailbox, "Hộp");
        assert!(!u.to_string().contains("ss"));
        assert!(!format!("{u:?}").contains("p@ss"));
        let d = ImapUrl::parse("imap://u:p@h").unwrap();
        assert_eq!((d.port, d.mailbox.as_str()), (143, "INBOX"));
        assert!(ImapUrl::parse("http://u:p@h/").is_err());
        assert!(ImapUrl::parse("imap://h/INBOX").is_err());
    }

    #[test]
    fn mailbox_names_go_out_in_modified_utf7() {
        assert_eq!(utf7_imap("INBOX"), "INBOX");
        assert_eq!(utf7_imap("Báo cáo"), "B&AOE-o c&AOE-o");
        assert_eq!(utf7_imap("A&B"), "A&-B");
        // RFC 3501's own example.
        assert_eq!(
            utf7_imap("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
    }

    #[test]
    fn the_envelope_sender_comes_from_return_path_in_the_header_only() {
        assert_eq!(
            return_path(b"Return-Path: <a@b.vn>\r\nFrom: x\r\n\r\nbody"),
            "a@b.vn"
        );
        assert_eq!(return_path(b"From: x\r\n\r\nReturn-Path: <a@b.vn>\r\n"), "");
    }
}
