//! Mail as a reporter's client writes it, and a raw SMTP client that sends it.

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The intake mailbox every test mail is addressed to.
pub const INTAKE: &str = "tiepnhan@ucsc.bacninh.gov.vn";

/// Sends one message over SMTP; returns the final reply ("250 …", "552 …").
pub async fn smtp_send(addr: &str, from: &str, data: &[u8]) -> String {
    let stream = TcpStream::connect(addr).await.expect("connect to SMTP");
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    async fn reply(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all.trim_end().to_string();
            }
        }
    }
    assert!(reply(&mut r).await.starts_with("220"));
    for (cmd, want) in [
        ("EHLO test.local\r\n".to_string(), "250"),
        (format!("MAIL FROM:<{from}>\r\n"), "250"),
        (format!("RCPT TO:<{INTAKE}>\r\n"), "250"),
        ("DATA\r\n".to_string(), "354"),
    ] {
        w.write_all(cmd.as_bytes()).await.unwrap();
        let got = reply(&mut r).await;
        assert!(got.starts_with(want), "{cmd:?} → {got}");
    }
    // Dot-stuffing: a line starting with '.' gets another.
    let mut body = Vec::with_capacity(data.len() + 16);
    let mut at_line_start = true;
    for &b in data {
        if at_line_start && b == b'.' {
            body.push(b'.');
        }
        body.push(b);
        at_line_start = b == b'\n';
    }
    if !body.ends_with(b"\r\n") {
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b".\r\n");
    w.write_all(&body).await.unwrap();
    let done = reply(&mut r).await;
    w.write_all(b"QUIT\r\n").await.ok();
    done
}

/// A subject as an RFC 2047 encoded word (UTF-8, base64).
pub fn subject(s: &str) -> String {
    format!(
        "=?UTF-8?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(s)
    )
}

/// The headers of a mail to the intake mailbox, up to the content headers.
pub fn headers(from: &str, subj: &str, id: Option<&str>) -> String {
    let mut h = format!(
        "From: {from}\r\nTo: {INTAKE}\r\nSubject: {}\r\nDate: Mon, 04 May 2026 09:20:00 +0700\r\nMIME-Version: 1.0\r\n",
        subject(subj)
    );
    if let Some(id) = id {
        h.push_str(&format!("Message-ID: <{id}>\r\n"));
    }
    h
}

/// A plain UTF-8 text mail with Message-ID `id`.
pub fn plain(from: &str, subj: &str, id: &str, body: &str) -> String {
    format!(
        "{}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
        headers(from, subj, Some(id)),
        crlf(body)
    )
}

/// Line ends as mail has them.
pub fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}
