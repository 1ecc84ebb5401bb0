//! Raw RFC 5322 mail → [`InboundMail`]: sender, subject, ids, the readable body, attachments.
//!
//! Never panics and never fails: a message whose MIME structure is broken (a boundary that never
//! appears, no header block at all, garbage) is kept whole as its body, so a person can read it
//! and nothing the sender wrote is lost.

use chrono::{DateTime, FixedOffset};
use mail_parser::{Encoding, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use crate::text::{html_to_text, nfc};

/// One address from a header: `Nguyễn Văn A <a@x.gov.vn>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAddress {
    /// The address as written (`a@x.gov.vn`), possibly empty for a bare display name.
    pub address: String,
    /// The decoded display name, if any.
    pub name: Option<String>,
}

/// Where [`InboundMail::body`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// A text/plain part (or a message with no Content-Type).
    Plain,
    /// No plain part: an HTML part converted to readable text.
    Html,
    /// The MIME structure could not be followed: the raw body (or the whole message) as text.
    Raw,
    /// The message has no body text at all (for instance attachments only).
    Empty,
}

/// An attachment, decoded from its transfer encoding. `bytes` are exactly what the sender
/// attached (text attachments are not re-encoded), so `sha256` matches the sender's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Decoded file name (RFC 2047 / RFC 2231), NFC; `None` when the part names none.
    pub filename: Option<String>,
    /// `type/subtype`, lower-case; `application/octet-stream` when the part declares none.
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, lower-case hex.
    pub sha256: String,
    pub size: u64,
    /// The message was cut at `max_bytes` inside this attachment: `bytes` are a prefix.
    pub truncated: bool,
}

/// A parsed inbound mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMail {
    /// The first `From:` address.
    pub from: Option<MailAddress>,
    /// `To:` and `Cc:` addresses.
    pub to: Vec<MailAddress>,
    /// Decoded subject (RFC 2047, any supported charset), NFC, empty when missing.
    pub subject: String,
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// `Date:` with the sender's offset, when present and valid.
    pub date: Option<DateTime<FixedOffset>>,
    /// The readable body: plain text preferred, else HTML as text, else the raw body. NFC.
    pub body: String,
    pub body_kind: BodyKind,
    pub attachments: Vec<Attachment>,
    /// The message was larger than `max_bytes` and only its first `max_bytes` were parsed.
    pub truncated: bool,
    /// The MIME structure was broken; the body is the raw text (see [`BodyKind::Raw`]).
    pub malformed: bool,
    /// Size of the raw message as received, in bytes (before any truncation).
    pub raw_size: usize,
}

/// `[TBSC]` at the start of the subject (after trimming, any case) marks an incident report
/// (Phụ lục I, chú thích 2).
pub fn is_tbsc_subject(subject: &str) -> bool {
    let s = subject.trim_start().as_bytes();
    s.len() >= 6 && s[..6].eq_ignore_ascii_case(b"[TBSC]")
}

impl InboundMail {
    /// Whether the subject starts with `[TBSC]` (case-insensitive, after trimming).
    pub fn is_tbsc(&self) -> bool {
        is_tbsc_subject(&self.subject)
    }

    /// The sender's address, lower-cased, when there is one.
    pub fn from_address(&self) -> Option<String> {
        self.from
            .as_ref()
            .map(|a| a.address.trim().to_lowercase())
            .filter(|a| !a.is_empty())
    }
}

/// Parses a raw message. Mail larger than `max_bytes` is cut (at a line end when one is near)
/// and parsed as far as it goes, with `truncated: true`.
pub fn parse_mail(raw: &[u8], max_bytes: usize) -> InboundMail {
    let raw_size = raw.len();
    let (data, truncated) = if raw.len() > max_bytes {
        (&raw[..cut_point(raw, max_bytes)], true)
    } else {
        (raw, false)
    };

    let mut mail = InboundMail {
        from: None,
        to: Vec::new(),
        subject: String::new(),
        message_id: None,
        date: None,
        body: String::new(),
        body_kind: BodyKind::Empty,
        attachments: Vec::new(),
        truncated,
        malformed: false,
        raw_size,
    };

    // Text that does not start with a header field is not a message: all of it is the body.
    if !starts_with_header(data) {
        return raw_fallback(mail, data, data);
    }
    // A header block that runs into text without the blank line ("Received: …" added by our
    // listener, then a body typed without headers): the text starts the body. Otherwise a
    // parser would take "Tên tổ chức: …" for a header and the sender's words would be lost.
    let repaired;
    let data = match header_block_break(data) {
        Some(p) => {
            mail.malformed = true;
            let mut v = Vec::with_capacity(data.len() + 2);
            v.extend_from_slice(&data[..p]);
            v.extend_from_slice(b"\r\n");
            v.extend_from_slice(&data[p..]);
            repaired = v;
            &repaired[..]
        }
        None => data,
    };

    // mail-parser is robust, but the contract is "never panics": a bug there must not take
    // the SMTP connection (or the app's worker) down with it.
    let parsed = std::panic::catch_unwind(|| parse_structured(data, truncated));
    match parsed {
        Ok(Some(p)) => {
            mail.from = p.from;
            mail.to = p.to;
            mail.subject = p.subject;
            mail.message_id = p.message_id;
            mail.date = p.date;
            mail.attachments = p.attachments;
            mail.body = p.body;
            mail.body_kind = p.body_kind;
            if !p.broken.is_empty() {
                // Parts whose boundary could not be followed: their raw text joins the body.
                mail.malformed = true;
                let declared = declared_charset(data);
                let mut body = std::mem::take(&mut mail.body);
                for raw_part in &p.broken {
                    let text = decode_unlabelled(raw_part, declared).replace("\r\n", "\n");
                    let text = nfc(text.trim_matches(['\r', '\n']));
                    if text.trim().is_empty() {
                        continue;
                    }
                    if !body.is_empty() {
                        body.push_str("\n\n");
                    }
                    body.push_str(&text);
                }
                if mail.body_kind == BodyKind::Empty && !body.is_empty() {
                    mail.body_kind = BodyKind::Raw;
                }
                mail.body = body;
            }
            let rest = body_after_headers(data);
            if mail.body.is_empty()
                && mail.attachments.is_empty()
                && !p.root_is_multipart
                && !rest.iter().all(u8::is_ascii_whitespace)
            {
                // A single part that decoded to nothing (say, broken base64): keep its raw text.
                return raw_fallback(mail, data, rest);
            }
            mail
        }
        _ => raw_fallback(mail, data, body_after_headers(data)),
    }
}

struct Structured {
    from: Option<MailAddress>,
    to: Vec<MailAddress>,
    subject: String,
    message_id: Option<String>,
    date: Option<DateTime<FixedOffset>>,
    body: String,
    body_kind: BodyKind,
    attachments: Vec<Attachment>,
    /// Parts that claim to be multipart but whose boundary was never found, as raw bytes.
    broken: Vec<Vec<u8>>,
    root_is_multipart: bool,
}

fn parse_structured(data: &[u8], truncated: bool) -> Option<Structured> {
    let msg = MessageParser::default().parse(data)?;

    let addr = |a: &mail_parser::Addr<'_>| MailAddress {
        address: a.address().unwrap_or("").trim().to_string(),
        name: a.name().map(|n| nfc(n.trim())).filter(|n| !n.is_empty()),
    };
    let from = msg.from().and_then(|f| f.first()).map(addr);
    let mut to: Vec<MailAddress> = Vec::new();
    for list in [msg.to(), msg.cc()].into_iter().flatten() {
        to.extend(list.iter().map(addr));
    }
    let subject = msg.subject().map(|s| nfc(s.trim())).unwrap_or_default();
    let message_id = msg
        .message_id()
        .map(|m| m.trim().trim_matches(['<', '>']).to_string())
        .filter(|m| !m.is_empty());
    let date = msg
        .date()
        .filter(|d| d.is_valid())
        .and_then(|d| DateTime::parse_from_rfc3339(&d.to_rfc3339()).ok());

    // Body: the parts mail-parser chose as the text body, in order.
    let mut texts: Vec<String> = Vec::new();
    let mut kind = BodyKind::Empty;
    for id in &msg.text_body {
        let Some(part) = msg.part(*id) else { continue };
        match &part.body {
            PartType::Text(t) => {
                texts.push(unlabelled_legacy(data, part).unwrap_or_else(|| t.to_string()));
                kind = BodyKind::Plain;
            }
            PartType::Html(h) => {
                let h = unlabelled_legacy(data, part).unwrap_or_else(|| h.to_string());
                texts.push(html_to_text(&h));
                if kind == BodyKind::Empty {
                    kind = BodyKind::Html;
                }
            }
            _ => {}
        }
    }
    if texts.iter().all(|t| t.trim().is_empty()) {
        texts.clear();
        kind = BodyKind::Empty;
        for id in &msg.html_body {
            if let Some(PartType::Html(h)) = msg.part(*id).map(|p| &p.body) {
                texts.push(html_to_text(h));
                kind = BodyKind::Html;
            }
        }
    }
    let body = nfc(texts
        .join("\n\n")
        .replace("\r\n", "\n")
        .trim_matches(['\r', '\n']));
    let body = if body.trim().is_empty() {
        kind = BodyKind::Empty;
        String::new()
    } else {
        body
    };

    // Attachments.
    let mut attachments = Vec::new();
    let mut broken = Vec::new();
    for id in &msg.attachments {
        let Some(part) = msg.part(*id) else { continue };
        let bytes: Vec<u8> = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
            PartType::Text(_) | PartType::Html(_) => {
                original_bytes(data, part).unwrap_or_else(|| part.contents().to_vec())
            }
            PartType::Message(m) => m.raw_message.to_vec(),
            PartType::Multipart(_) => continue,
        };
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| match &part.body {
                PartType::Message(_) => "message/rfc822".to_string(),
                _ => "application/octet-stream".to_string(),
            })
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/") {
            // mail-parser hands back a multipart whose boundary is missing as one opaque part.
            broken.push(bytes);
            continue;
        }
        let filename = part
            .attachment_name()
            .map(|n| nfc(n.trim()))
            .filter(|n| !n.is_empty())
            .or_else(|| match &part.body {
                PartType::Message(m) => {
                    Some(format!("{}.eml", m.subject().unwrap_or("message").trim()))
                }
                _ => None,
            });
        let cut_inside = truncated && part.offset_end as usize + 2 >= data.len();
        attachments.push(Attachment {
            filename,
            content_type,
            sha256: hex::encode(Sha256::digest(&bytes)),
            size: bytes.len() as u64,
            bytes,
            truncated: cut_inside,
        });
    }

    Some(Structured {
        from,
        to,
        subject,
        message_id,
        date,
        body,
        body_kind: kind,
        attachments,
        broken,
        root_is_multipart: matches!(msg.root_part().body, PartType::Multipart(_)),
    })
}

/// A text part that names no charset but is not UTF-8 (old Vietnamese mail software sends
/// Windows-1258 unlabelled): decoded as Windows-1258 instead of with replacement characters.
fn unlabelled_legacy(data: &[u8], part: &mail_parser::MessagePart<'_>) -> Option<String> {
    let labelled = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .is_some();
    if labelled {
        return None;
    }
    let bytes = original_bytes(data, part)?;
    if std::str::from_utf8(&bytes).is_ok() {
        return None;
    }
    Some(decode_unlabelled(&bytes, None))
}

/// The bytes of a text part as sent (transfer encoding removed, charset untouched).
fn original_bytes(data: &[u8], part: &mail_parser::MessagePart<'_>) -> Option<Vec<u8>> {
    let body = data.get(part.offset_body as usize..part.offset_end as usize)?;
    match part.encoding {
        Encoding::Base64 => mail_parser::decoders::base64::base64_decode(body),
        Encoding::QuotedPrintable => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(body)
        }
        Encoding::None => {
            // The part ends before the CRLF that precedes the next boundary.
            Some(body.to_vec())
        }
    }
}

/// Whether `data` starts with something shaped like a header field (`Name: value`, name in
/// printable ASCII without spaces), or a `From ` mbox line.
fn starts_with_header(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"From ").map_or(data, |_| {
        // mbox separator line: look at the line after it.
        data.iter()
            .position(|&b| b == b'\n')
            .map_or(&data[data.len()..], |p| &data[p + 1..])
    });
    let name_len = data
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() && b != b':')
        .count();
    name_len > 0 && data.get(name_len) == Some(&b':')
}

/// Where the header block stops being headers before any blank line: the offset of the first
/// line that is neither `Name: value` nor a folded continuation. None when the block is sound.
fn header_block_break(data: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut first = true;
    while i < data.len() {
        let le = data[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| i + p);
        let line = &data[i..le];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return None;
        }
        let is_mbox = first && line.starts_with(b"From ");
        let is_continuation = !first && (line[0] == b' ' || line[0] == b'\t');
        let name_len = line
            .iter()
            .take_while(|&&b| b.is_ascii_graphic() && b != b':')
            .count();
        let is_field = name_len > 0 && line.get(name_len) == Some(&b':');
        if !(is_mbox || is_continuation || is_field) {
            return Some(i);
        }
        first = false;
        i = le + 1;
    }
    None
}

/// Everything after the first empty line (the end of the header block); the whole message when
/// there is none.
fn body_after_headers(data: &[u8]) -> &[u8] {
    let mut i = 0;
    while i < data.len() {
        let line_end = data[i..].iter().position(|&b| b == b'\n').map(|p| i + p);
        let Some(le) = line_end else { break };
        let line = &data[i..le];
        if line.is_empty() || line == b"\r" {
            return &data[le + 1..];
        }
        i = le + 1;
    }
    data
}

/// The body is the raw text: headers already taken are kept, the body is `body` decoded.
fn raw_fallback(mut mail: InboundMail, whole: &[u8], body: &[u8]) -> InboundMail {
    mail.malformed = true;
    let text = decode_unlabelled(body, declared_charset(whole));
    let text = nfc(text.trim_matches(['\r', '\n']));
    if text.trim().is_empty() {
        mail.body_kind = BodyKind::Empty;
        mail.body = String::new();
    } else {
        mail.body_kind = BodyKind::Raw;
        mail.body = text.replace("\r\n", "\n");
    }
    mail
}

/// The first `charset=` anywhere in the message, which is the best guess for a body we could
/// not follow structurally.
fn declared_charset(data: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &data[..data.len().min(64 * 1024)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let pos = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &head[pos..];
    let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Decodes bytes of unknown charset: UTF-8 when valid, else the declared charset, else
/// Windows-1258 (legacy Vietnamese; ASCII and most Latin-1 letters decode the same).
fn decode_unlabelled(bytes: &[u8], declared: Option<&'static encoding_rs::Encoding>) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let enc = declared
        .filter(|e| *e != encoding_rs::UTF_8)
        .unwrap_or(encoding_rs::WINDOWS_1258);
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Where to cut a message that is too large: at the end of a line within the last 4 KiB before
/// `max`, else at `max`.
fn cut_point(raw: &[u8], max: usize) -> usize {
    let window_start = max.saturating_sub(4096);
    raw[window_start..max]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(max, |p| window_start + p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tbsc_is_recognised_after_trimming_in_any_case() {
        for s in ["[TBSC] x", "  [tbsc]x", "[Tbsc]"] {
            assert!(is_tbsc_subject(s), "{s}");
        }
        for s in ["Re: [TBSC] x", "TBSC x", "[TBS", "", "[TBSC"] {
            assert!(!is_tbsc_subject(s), "{s}");
        }
    }

    #[test]
    fn text_typed_into_the_header_block_becomes_the_body() {
        let raw = "Received: from x\r\n\tby y\r\nTên tổ chức: Sở A\r\nĐịa chỉ: B\r\n".as_bytes();
        let m = parse_mail(raw, 1 << 20);
        assert_eq!(m.body, "Tên tổ chức: Sở A\nĐịa chỉ: B");
        assert!(m.malformed);
    }

    #[test]
    fn text_without_any_header_is_the_whole_body() {
        let m = parse_mail("Xin chào\r\nTên tổ chức: Sở A".as_bytes(), 1 << 20);
        assert_eq!(m.body, "Xin chào\nTên tổ chức: Sở A");
        assert_eq!(m.body_kind, BodyKind::Raw);
        assert!(m.malformed);
    }

    #[test]
    fn a_message_past_the_limit_is_cut_at_a_line_end_and_flagged() {
        let mut raw = b"Subject: big\r\n\r\n".to_vec();
        for i in 0..1000 {
            raw.extend_from_slice(format!("line {i}\r\n").as_bytes());
        }
        let m = parse_mail(&raw, 200);
        assert!(m.truncated);
        assert_eq!(m.raw_size, raw.len());
        assert_eq!(m.subject, "big");
        assert!(m.body.starts_with("line 0\nline 1"));
        assert!(
            m.body
                .lines()
                .all(|l| l.starts_with("line ") && l.len() > 5)
        );
    }

    #[test]
    fn windows_1258_combining_marks_are_normalised_to_nfc() {
        // "Việt" in Windows-1258: V i ê (0xEA) + combining dot below (0xF2) t.
        let raw = b"Subject: =?windows-1258?Q?Vi=EA=F2t?=\r\nContent-Type: text/plain; charset=windows-1258\r\n\r\nVi\xea\xf2t Nam\r\n";
        let m = parse_mail(raw, 1 << 20);
        assert_eq!(m.subject, "Việt");
        assert_eq!(m.body, "Việt Nam");
    }

    #[test]
    fn an_unlabelled_legacy_body_is_read_as_windows_1258() {
        let raw = b"Subject: x\r\nContent-Type: text/plain\r\n\r\nVi\xea\xf2t Nam\r\n";
        assert_eq!(parse_mail(raw, 1 << 20).body, "Việt Nam");
        let raw = b"Subject: x\r\n\r\nVi\xea\xf2t Nam\r\n";
        assert_eq!(parse_mail(raw, 1 << 20).body, "Việt Nam");
    }

    #[test]
    fn a_text_attachment_keeps_its_original_bytes_and_hash() {
        let raw = b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n--B\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Disposition: attachment; filename=\"log.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\nVmnq8nQ=\r\n--B--\r\n";
        let m = parse_mail(raw, 1 << 20);
        assert_eq!(m.body, "body");
        assert_eq!(m.attachments.len(), 1);
        let a = &m.attachments[0];
        assert_eq!(a.bytes, b"Vi\xea\xf2t");
        assert_eq!(a.filename.as_deref(), Some("log.txt"));
        assert_eq!(a.content_type, "text/plain");
        assert_eq!(a.sha256, hex::encode(Sha256::digest(b"Vi\xea\xf2t")));
        assert_eq!(a.size, 5);
        assert!(!a.truncated);
    }

    #[test]
    fn a_broken_boundary_keeps_the_whole_body() {
        let raw = b"From: a@b.vn\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n--ABC\r\nContent-Type: text/plain\r\n\r\nHello body\r\n--ABC--\r\n";
        let m = parse_mail(raw, 1 << 20);
        assert!(m.malformed);
        assert_eq!(m.body_kind, BodyKind::Raw);
        assert_eq!(
            m.body,
            "--ABC\nContent-Type: text/plain\n\nHello body\n--ABC--"
        );
        assert!(m.attachments.is_empty());
        assert_eq!(m.from_address().as_deref(), Some("a@b.vn"));
    }

    #[test]
    fn parsing_never_panics_on_garbage() {
        // A deterministic pseudo-random walk over bytes that matter to MIME.
        let alphabet: &[u8] = b"\r\n:-=?;\"<>@ .BQabcXYZ\xea\xf2\xff\x00/\t";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for len in [0usize, 1, 2, 7, 64, 300, 2000] {
            for _ in 0..40 {
                let mut raw = Vec::with_capacity(len + 64);
                raw.extend_from_slice(b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n");
                for _ in 0..len {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    raw.push(alphabet[(x % alphabet.len() as u64) as usize]);
                }
                let _ = parse_mail(&raw, 1 << 20);
                let _ = parse_mail(&raw[raw.len().min(50)..], 100);
            }
        }
    }
}
