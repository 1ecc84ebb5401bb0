//! The SMTP listener of mail intake: a small, strict RFC 5321 receiver on tokio.
//!
//! It never relays: every accepted message goes to the [`MailSink`], and the client is told
//! `250 2.0.0 Ok: queued as <id>` only after the sink returned Ok — the app commits the report
//! (or the inbox item) before returning, so an acknowledged message is durable. A sink error or
//! time-out answers `451 4.3.0`, which makes the sending server keep the message and retry.
//!
//! Limits: `SIZE` is advertised and checked on `MAIL FROM` and counted during `DATA` (the data is
//! read to its end before `552 5.3.4 Message too big`, so the client gets the reply), command
//! lines are bounded, every read has a time-out, recipients and connections are capped, and a
//! client that keeps sending bad commands is disconnected.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use smtp_proto::Request;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::timeout;

/// Settings of the SMTP listener. [`SmtpConfig::default`] suits intake.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Name in the greeting, the EHLO answer and the Received header.
    pub hostname: String,
    /// Largest message accepted, in bytes (advertised as `SIZE`).
    pub max_message_bytes: usize,
    /// Recipients per message.
    pub max_recipients: usize,
    /// Longest command line, CRLF included (RFC 5321 asks at least 512).
    pub max_line_bytes: usize,
    /// Waiting for a command.
    pub command_timeout: Duration,
    /// Waiting for more message data during DATA.
    pub data_timeout: Duration,
    /// Waiting for the sink; past it the client gets 451 and retries.
    pub sink_timeout: Duration,
    /// Simultaneous connections; more are answered 421 and closed.
    pub max_connections: usize,
    /// Bad commands tolerated on one connection before it is closed.
    pub max_errors: usize,
    /// After shutdown is asked, how long open sessions may finish their message.
    pub shutdown_grace: Duration,
    /// Recipient domains accepted (lower-case); empty accepts any recipient. This server never
    /// relays, whatever the recipient.
    pub accept_domains: Vec<String>,
    /// Prepend a `Received:` trace header (RFC 5321 §4.4) naming the client's HELO and address.
    pub add_received_header: bool,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            hostname: "ungcuu.localdomain".to_string(),
            max_message_bytes: 25 * 1024 * 1024,
            max_recipients: 100,
            max_line_bytes: 4096,
            command_timeout: Duration::from_secs(300),
            data_timeout: Duration::from_secs(180),
            sink_timeout: Duration::from_secs(120),
            max_connections: 64,
            max_errors: 10,
            shutdown_grace: Duration::from_secs(30),
            accept_domains: Vec::new(),
            add_received_header: true,
        }
    }
}

/// Why the sink could not take a message. The client is answered `451 4.3.0` and retries.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

impl SinkError {
    pub fn new(message: impl Into<String>) -> Self {
        SinkError(message.into())
    }
}

/// Where accepted messages go. `accept` must make the message durable (commit it) before it
/// returns Ok with a queue id; only then is the client told the message is queued.
pub trait MailSink: Send + Sync + 'static {
    fn accept(
        &self,
        envelope_from: String,
        rcpt: Vec<String>,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<String, SinkError>> + Send;
}

impl<S: MailSink> MailSink for Arc<S> {
    fn accept(
        &self,
        envelope_from: String,
        rcpt: Vec<String>,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<String, SinkError>> + Send {
        (**self).accept(envelope_from, rcpt, raw)
    }
}

/// Serves SMTP on `listener` until the process ends. See [`serve_with_shutdown`].
pub async fn serve(
    listener: TcpListener,
    cfg: SmtpConfig,
    sink: impl MailSink,
) -> std::io::Result<()> {
    serve_with_shutdown(listener, cfg, sink, std::future::pending()).await
}

/// Serves SMTP on `listener` until `shutdown` completes. Then it stops accepting connections,
/// tells idle sessions `421 4.3.2` and lets a session that is receiving or handing over a
/// message finish it, for up to `cfg.shutdown_grace`; what is left after that is cut (its
/// client was not answered 250, so it retries: nothing is lost).
pub async fn serve_with_shutdown(
    listener: TcpListener,
    cfg: SmtpConfig,
    sink: impl MailSink,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let cfg = Arc::new(cfg);
    let sink = Arc::new(sink);
    let (stop_tx, stop_rx) = watch::channel(false);
    let slots = Arc::new(Semaphore::new(cfg.max_connections.max(1)));
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    match slots.clone().try_acquire_owned() {
                        Ok(permit) => {
                            let (cfg, sink, stop) = (cfg.clone(), sink.clone(), stop_rx.clone());
                            tasks.spawn(async move {
                                let _permit = permit;
                                if let Err(e) = session(stream, peer, cfg, sink, stop).await {
                                    tracing::debug!(%peer, error = %e, "smtp session ended");
                                }
                            });
                        }
                        Err(_) => {
                            tracing::warn!(%peer, "smtp: too many connections");
                            tasks.spawn(async move {
                                let mut stream = stream;
                                let _ = timeout(
                                    Duration::from_secs(5),
                                    stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n"),
                                )
                                .await;
                            });
                        }
                    }
                }
                Err(e) => {
                    // EMFILE and friends: wait a little instead of spinning.
                    tracing::warn!(error = %e, "smtp accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = timeout(cfg.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = tasks.len(),
            "smtp shutdown: cutting sessions still open"
        );
        tasks.shutdown().await;
    }
    Ok(())
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            // The server is gone without asking to stop: never.
            std::future::pending::<()>().await;
        }
    }
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    Eof,
}

/// Reads one line (through LF) of at most `max` bytes. A longer line is read to its end and
/// discarded (up to 1 MiB; beyond that the connection is treated as gone).
async fn read_line<R: AsyncBufRead + Unpin>(r: &mut R, max: usize) -> std::io::Result<Line> {
    let mut buf = Vec::new();
    let mut discarded = 0usize;
    loop {
        let avail = r.fill_buf().await?;
        if avail.is_empty() {
            return Ok(Line::Eof);
        }
        let (chunk, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(p) => (&avail[..=p], true),
            None => (avail, false),
        };
        let n = chunk.len();
        if discarded == 0 && buf.len() + n <= max {
            buf.extend_from_slice(chunk);
        } else {
            discarded += buf.len() + n;
            buf.clear();
        }
        r.consume(n);
        if done {
            return Ok(if discarded > 0 {
                Line::TooLong
            } else {
                Line::Text(buf)
            });
        }
        if discarded > 1024 * 1024 {
            return Ok(Line::Eof);
        }
    }
}

enum Data {
    Complete(Vec<u8>),
    /// Read to the end, but larger than allowed.
    TooBig,
    /// Far larger than allowed: stopped reading.
    Abusive,
    Eof,
    Timeout,
}

/// Reads message data up to the lone "." line, undoing dot-stuffing (RFC 5321 §4.5.2). Counts
/// bytes; past `max` keeps reading but drops the data.
async fn read_data<R: AsyncBufRead + Unpin>(
    r: &mut R,
    max: usize,
    idle: Duration,
) -> std::io::Result<Data> {
    #[derive(Clone, Copy)]
    enum St {
        LineStart,
        Mid,
        Dot,
        DotCr,
    }
    let hard_cap = max.saturating_mul(2).saturating_add(16 * 1024 * 1024);
    let mut st = St::LineStart;
    let mut out: Vec<u8> = Vec::with_capacity(max.min(256 * 1024));
    let mut size = 0usize;
    let mut too_big = false;
    let mut seen = 0usize;
    loop {
        let avail = match timeout(idle, r.fill_buf()).await {
            Ok(res) => res?,
            Err(_) => return Ok(Data::Timeout),
        };
        if avail.is_empty() {
            return Ok(Data::Eof);
        }
        let mut end: Option<usize> = None;
        let mut push = |bytes: &[u8], out: &mut Vec<u8>| {
            size += bytes.len();
            if size > max {
                if !too_big {
                    too_big = true;
                    *out = Vec::new();
                }
            } else {
                out.extend_from_slice(bytes);
            }
        };
        for (i, &b) in avail.iter().enumerate() {
            st = match st {
                St::LineStart if b == b'.' => St::Dot,
                St::LineStart | St::Mid => {
                    push(&[b], &mut out);
                    if b == b'\n' { St::LineStart } else { St::Mid }
                }
                St::Dot => match b {
                    b'\r' => St::DotCr,
                    b'\n' => {
                        end = Some(i + 1);
                        break;
                    }
                    // A stuffed dot: drop the first one.
                    _ => {
                        push(&[b], &mut out);
                        St::Mid
                    }
                },
                St::DotCr => {
                    if b == b'\n' {
                        end = Some(i + 1);
                        break;
                    }
                    // ".\r" then something else: keep the CR and the byte.
                    push(&[b'\r', b], &mut out);
                    St::Mid
                }
            };
        }
        let consumed = end.unwrap_or(avail.len());
        r.consume(consumed);
        seen += consumed;
        if end.is_some() {
            return Ok(if too_big {
                Data::TooBig
            } else {
                Data::Complete(out)
            });
        }
        if seen > hard_cap {
            return Ok(Data::Abusive);
        }
    }
}

struct Transaction {
    from: Option<String>,
    rcpts: Vec<String>,
}

async fn reply<W: AsyncWrite + Unpin>(w: &mut W, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// Printable ASCII only (a HELO name, a queue id) for headers and replies.
fn printable(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max)
        .collect()
}

fn domain_of(addr: &str) -> String {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default()
}

async fn session<S: MailSink>(
    stream: TcpStream,
    peer: SocketAddr,
    cfg: Arc<SmtpConfig>,
    sink: Arc<S>,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::with_capacity(64 * 1024, r);
    let host = printable(&cfg.hostname, 255);
    reply(&mut w, &format!("220 {host} ESMTP ungcuu")).await?;

    let mut helo: Option<String> = None;
    let mut esmtp = false;
    let mut tx = Transaction {
        from: None,
        rcpts: Vec::new(),
    };
    let mut errors = 0usize;

    loop {
        let line = tokio::select! {
            biased;
            _ = stopped(stop.clone()) => {
                reply(&mut w, "421 4.3.2 Service shutting down, try again later").await?;
                return Ok(());
            }
            res = timeout(cfg.command_timeout, read_line(&mut r, cfg.max_line_bytes)) => res,
        };
        let line = match line {
            Err(_) => {
                reply(&mut w, "421 4.4.2 Timeout, closing connection").await?;
                return Ok(());
            }
            Ok(Err(e)) => return Err(e),
            Ok(Ok(Line::Eof)) => return Ok(()),
            Ok(Ok(Line::TooLong)) => {
                errors += 1;
                if errors >= cfg.max_errors {
                    reply(&mut w, "421 4.7.0 Too many errors, closing connection").await?;
                    return Ok(());
                }
                reply(&mut w, "500 5.5.2 Line too long").await?;
                continue;
            }
            Ok(Ok(Line::Text(l))) => l,
        };

        let request = Request::parse(&mut line.iter()).map(Request::into_owned);
        let answer: String = match request {
            Ok(Request::Ehlo { host: client }) => {
                helo = Some(printable(&client, 255));
                esmtp = true;
                tx = Transaction {
                    from: None,
                    rcpts: Vec::new(),
                };
                format!(
                    "250-{host} Hello {}\r\n250-SIZE {}\r\n250-8BITMIME\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8",
                    printable(&client, 255),
                    cfg.max_message_bytes
                )
            }
            Ok(Request::Helo { host: client }) => {
                helo = Some(printable(&client, 255));
                esmtp = false;
                tx = Transaction {
                    from: None,
                    rcpts: Vec::new(),
                };
                format!("250 {host}")
            }
            Ok(Request::Mail { from }) => {
                if tx.from.is_some() {
                    errors += 1;
                    "503 5.5.1 Error: nested MAIL command".into()
                } else if from.size > cfg.max_message_bytes {
                    "552 5.3.4 Message too big".into()
                } else {
                    tx.from = Some(from.address);
                    "250 2.1.0 Ok".into()
                }
            }
            Ok(Request::Rcpt { to }) => {
                if tx.from.is_none() {
                    errors += 1;
                    "503 5.5.1 Error: need MAIL command".into()
                } else if to.address.is_empty() {
                    errors += 1;
                    "501 5.1.3 Bad recipient address syntax".into()
                } else if tx.rcpts.len() >= cfg.max_recipients {
                    "452 4.5.3 Error: too many recipients".into()
                } else if !cfg.accept_domains.is_empty()
                    && !cfg.accept_domains.contains(&domain_of(&to.address))
                {
                    "550 5.1.1 Recipient address rejected: not handled here".into()
                } else {
                    tx.rcpts.push(to.address);
                    "250 2.1.5 Ok".into()
                }
            }
            Ok(Request::Data) => {
                if tx.from.is_none() {
                    errors += 1;
                    "503 5.5.1 Error: need MAIL command".into()
                } else if tx.rcpts.is_empty() {
                    errors += 1;
                    "503 5.5.1 Error: need RCPT command".into()
                } else {
                    reply(&mut w, "354 End data with <CR><LF>.<CR><LF>").await?;
                    let data = read_data(&mut r, cfg.max_message_bytes, cfg.data_timeout).await?;
                    let from = tx.from.take().unwrap_or_default();
                    let rcpts = std::mem::take(&mut tx.rcpts);
                    match data {
                        Data::Eof => return Ok(()),
                        Data::Timeout => {
                            reply(&mut w, "421 4.4.2 Timeout, closing connection").await?;
                            return Ok(());
                        }
                        Data::Abusive => {
                            reply(&mut w, "552 5.3.4 Message too big").await?;
                            return Ok(());
                        }
                        Data::TooBig => "552 5.3.4 Message too big".into(),
                        Data::Complete(body) => {
                            let raw = if cfg.add_received_header {
                                let mut raw =
                                    received_header(&host, helo.as_deref(), peer, esmtp, &rcpts)
                                        .into_bytes();
                                raw.extend_from_slice(&body);
                                raw
                            } else {
                                body
                            };
                            let accepted = timeout(
                                cfg.sink_timeout,
                                sink.accept(from.clone(), rcpts.clone(), raw),
                            )
                            .await;
                            match accepted {
                                Ok(Ok(id)) => {
                                    tracing::info!(%peer, %from, queue_id = %id, "smtp: message accepted");
                                    format!("250 2.0.0 Ok: queued as {}", printable(&id, 128))
                                }
                                Ok(Err(e)) => {
                                    tracing::warn!(%peer, %from, error = %e, "smtp: sink refused the message");
                                    "451 4.3.0 Error: temporary failure, please try again later"
                                        .into()
                                }
                                Err(_) => {
                                    tracing::warn!(%peer, %from, "smtp: sink timed out");
                                    "451 4.3.0 Error: temporary failure, please try again later"
                                        .into()
                                }
                            }
                        }
                    }
                }
            }
            Ok(Request::Rset) => {
                tx = Transaction {
                    from: None,
                    rcpts: Vec::new(),
                };
                "250 2.0.0 Ok".into()
            }
            Ok(Request::Noop { .. }) => "250 2.0.0 Ok".into(),
            Ok(Request::Quit) => {
                reply(&mut w, "221 2.0.0 Bye").await?;
                let _ = w.shutdown().await;
                return Ok(());
            }
            Ok(Request::Vrfy { .. }) => "252 2.5.2 Cannot VRFY user".into(),
            Ok(Request::Help { .. }) => {
                "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT".into()
            }
            Ok(_) => {
                errors += 1;
                "502 5.5.1 Error: command not implemented".into()
            }
            Err(e) => {
                errors += 1;
                use smtp_proto::Error as E;
                match e {
                    E::UnknownCommand => "500 5.5.2 Error: command not recognized".into(),
                    E::InvalidSenderAddress => "501 5.1.7 Bad sender address syntax".into(),
                    E::InvalidRecipientAddress => "501 5.1.3 Bad recipient address syntax".into(),
                    E::SyntaxError { syntax } => format!("501 5.5.4 Syntax: {syntax}"),
                    E::InvalidParameter { param } => format!("501 5.5.4 Invalid parameter {param}"),
                    E::UnsupportedParameter { param } => {
                        format!("555 5.5.4 Unsupported parameter {}", printable(&param, 64))
                    }
                    _ => "500 5.5.2 Error: bad syntax".into(),
                }
            }
        };
        if errors >= cfg.max_errors {
            reply(&mut w, "421 4.7.0 Too many errors, closing connection").await?;
            return Ok(());
        }
        reply(&mut w, &answer).await?;
    }
}

fn received_header(
    host: &str,
    helo: Option<&str>,
    peer: SocketAddr,
    esmtp: bool,
    rcpts: &[String],
) -> String {
    let now = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("valid offset"));
    let helo = helo.filter(|h| !h.is_empty()).unwrap_or("unknown");
    let proto = if esmtp { "ESMTP" } else { "SMTP" };
    let rcpt = match rcpts {
        [one] => format!("\r\n\tfor <{}>", printable(one, 320)),
        _ => String::new(),
    };
    format!(
        "Received: from {helo} ([{}])\r\n\tby {host} (ungcuu) with {proto}{rcpt};\r\n\t{}\r\n",
        peer.ip(),
        now.to_rfc2822()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn data(input: &[u8], max: usize) -> (Data, Vec<u8>) {
        let mut r = BufReader::with_capacity(7, input);
        let d = read_data(&mut r, max, Duration::from_secs(1))
            .await
            .unwrap();
        let mut rest = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut r, &mut rest)
            .await
            .unwrap();
        (d, rest)
    }

    #[tokio::test]
    async fn data_is_unstuffed_and_ends_at_the_lone_dot() {
        let (d, rest) = data(b"a\r\n..b\r\n..\r\n.\r\nQUIT\r\n", 100).await;
        let Data::Complete(body) = d else { panic!() };
        assert_eq!(body, b"a\r\n.b\r\n.\r\n");
        assert_eq!(rest, b"QUIT\r\n");
    }

    #[tokio::test]
    async fn data_accepts_bare_line_feeds_and_an_empty_message() {
        let (d, _) = data(b"x\n.\n", 100).await;
        assert!(matches!(d, Data::Complete(b) if b == b"x\n"));
        let (d, _) = data(b".\r\n", 100).await;
        assert!(matches!(d, Data::Complete(b) if b.is_empty()));
    }

    #[tokio::test]
    async fn data_past_the_limit_is_read_to_its_end_and_refused() {
        let mut input = vec![b'x'; 1000];
        input.extend_from_slice(b"\r\n.\r\nNOOP\r\n");
        let (d, rest) = data(&input, 100).await;
        assert!(matches!(d, Data::TooBig));
        assert_eq!(rest, b"NOOP\r\n");
    }

    #[tokio::test]
    async fn long_command_lines_are_discarded_whole() {
        let mut input = vec![b'A'; 5000];
        input.extend_from_slice(b"\r\nNOOP\r\n");
        let mut r = BufReader::with_capacity(64, &input[..]);
        assert!(matches!(
            read_line(&mut r, 512).await.unwrap(),
            Line::TooLong
        ));
        assert!(matches!(read_line(&mut r, 512).await.unwrap(), Line::Text(l) if l == b"NOOP\r\n"));
        assert!(matches!(read_line(&mut r, 512).await.unwrap(), Line::Eof));
    }
}
