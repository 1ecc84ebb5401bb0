//! Test helpers: a capturing sink, a server on an OS-assigned loopback port, a raw SMTP client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, Tokio1Executor};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use ungcuu_mail::smtp::{MailSink, SinkError, SmtpConfig, serve_with_shutdown};

#[derive(Debug, Clone)]
pub struct Captured {
    pub from: String,
    pub rcpt: Vec<String>,
    pub raw: Vec<u8>,
}

/// Keeps every accepted message in a Vec; can be told to fail.
#[derive(Clone, Default)]
pub struct VecSink {
    pub mails: Arc<Mutex<Vec<Captured>>>,
    pub fail: Arc<AtomicBool>,
    pub attempts: Arc<AtomicUsize>,
}

impl VecSink {
    pub fn mails(&self) -> Vec<Captured> {
        self.mails.lock().unwrap().clone()
    }
}

impl MailSink for VecSink {
    async fn accept(
        &self,
        envelope_from: String,
        rcpt: Vec<String>,
        raw: Vec<u8>,
    ) -> Result<String, SinkError> {
        let n = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        if self.fail.load(Ordering::SeqCst) {
            return Err(SinkError::new("database is locked"));
        }
        self.mails.lock().unwrap().push(Captured {
            from: envelope_from,
            rcpt,
            raw,
        });
        Ok(format!("Q{n:06}"))
    }
}

pub struct Server {
    pub addr: SocketAddr,
    pub sink: VecSink,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(cfg: SmtpConfig) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let sink = VecSink::default();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_with_shutdown(listener, cfg, sink.clone(), async {
            let _ = rx.await;
        }));
        Server {
            addr,
            sink,
            stop: Some(tx),
            task,
        }
    }

    pub fn relay_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.addr.port())
    }

    /// A lettre client for this server (plain SMTP, as a relay on loopback would be).
    pub fn lettre(&self) -> AsyncSmtpTransport<Tokio1Executor> {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(self.addr.port())
            .timeout(Some(Duration::from_secs(20)))
            .build()
    }

    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

pub fn test_config() -> SmtpConfig {
    SmtpConfig {
        hostname: "intake.test".into(),
        max_message_bytes: 1024 * 1024,
        shutdown_grace: Duration::from_secs(5),
        ..SmtpConfig::default()
    }
}

/// A line-by-line SMTP client for what lettre will not send.
pub struct RawClient {
    r: BufReader<OwnedReadHalf>,
    pub w: OwnedWriteHalf,
}

impl RawClient {
    pub async fn connect(addr: SocketAddr) -> (RawClient, String) {
        let s = TcpStream::connect(addr).await.unwrap();
        let (r, w) = s.into_split();
        let mut c = RawClient {
            r: BufReader::new(r),
            w,
        };
        let greeting = c.reply().await;
        (c, greeting)
    }

    /// Reads one reply, joining the lines of a multi-line one with '\n'. Empty at EOF.
    pub async fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(Duration::from_secs(20), self.r.read_line(&mut line))
                .await
                .expect("reply in time")
                .unwrap();
            if n == 0 {
                return all;
            }
            let line = line.trim_end().to_string();
            let more = line.as_bytes().get(3) == Some(&b'-');
            if !all.is_empty() {
                all.push('\n');
            }
            all.push_str(&line);
            if !more {
                return all;
            }
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.w.write_all(bytes).await.unwrap();
    }

    pub async fn cmd(&mut self, line: &str) -> String {
        self.send(format!("{line}\r\n").as_bytes()).await;
        self.reply().await
    }
}

/// The message as the sender wrote it: what follows the listener's Received header.
pub fn without_received(raw: &[u8]) -> &[u8] {
    assert!(
        raw.starts_with(b"Received: "),
        "a Received header comes first"
    );
    let mut i = 0;
    loop {
        let le = raw[i..].iter().position(|&b| b == b'\n').unwrap() + i;
        i = le + 1;
        if !matches!(raw.get(i), Some(b' ' | b'\t')) {
            return &raw[i..];
        }
    }
}
