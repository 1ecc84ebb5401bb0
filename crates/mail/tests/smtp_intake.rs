//! Mail intake end to end over real SMTP on loopback: a client (lettre, or a raw TCP stream
//! where lettre cannot produce the case) sends to `smtp::serve`, a capturing sink receives the
//! raw message, and `parse_mail` + `form::extract` turn it into an intake body.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine;
use common::{RawClient, Server, test_config, without_received};
use lettre::address::Envelope;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, Message, MultiPart, SinglePart};
use lettre::{Address, AsyncTransport};
use serde_json::json;
use sha2::{Digest, Sha256};
use ungcuu_mail::{BodyKind, extract, parse_mail};

const FORM: &str = include_str!("fixtures/form_filled.txt");
const MAX: usize = 1024 * 1024;

fn mailbox(s: &str) -> Mailbox {
    s.parse().unwrap()
}

fn envelope(from: &str, to: &str) -> Envelope {
    Envelope::new(
        Some(from.parse::<Address>().unwrap()),
        vec![to.parse::<Address>().unwrap()],
    )
    .unwrap()
}

/// Encodes text as Windows-1258 the way legacy Vietnamese software does: base letters with
/// circumflex, breve or horn precomposed (â ê ô ơ ư ă đ), tone marks as combining characters.
fn to_cp1258(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::compose;
    let enc = encoding_rs::WINDOWS_1258;
    let encodable = |c: char| {
        let mut b = [0u8; 4];
        !enc.encode(c.encode_utf8(&mut b)).2
    };
    let mut out = String::new();
    for c in s.nfc() {
        if encodable(c) {
            out.push(c);
            continue;
        }
        let mut parts = std::iter::once(c).nfd();
        let mut base = parts.next().unwrap();
        let mut marks = Vec::new();
        for m in parts {
            match compose(base, m) {
                Some(b) if encodable(b) => base = b,
                _ => marks.push(m),
            }
        }
        out.push(base);
        out.extend(marks);
    }
    let (bytes, _, unmappable) = enc.encode(&out);
    assert!(
        !unmappable,
        "{s:?} has characters Windows-1258 cannot carry"
    );
    bytes.into_owned()
}

#[tokio::test]
async fn a_plain_utf8_tbsc_mail_with_form_labels_becomes_a_filled_report() {
    let server = Server::start(test_config()).await;
    let mail = Message::builder()
        .from(mailbox("Nguyễn Văn An <an.nv@bacninh.gov.vn>"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .subject("[TBSC] Cổng thông tin Sở Tư pháp bị thay đổi giao diện")
        .message_id(None)
        .header(ContentType::TEXT_PLAIN)
        .body(FORM.to_string())
        .unwrap();
    let response = server.lettre().send(mail).await.unwrap();
    assert_eq!(response.code().to_string(), "250");
    assert!(
        response.message().any(|l| l.contains("queued as Q000001")),
        "{response:?}"
    );

    let got = server.sink.mails();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, "an.nv@bacninh.gov.vn");
    assert_eq!(
        got[0].rcpt,
        vec!["tiepnhan@ucsc.bacninh.gov.vn".to_string()]
    );

    let m = parse_mail(&got[0].raw, MAX);
    assert!(m.is_tbsc());
    assert_eq!(
        m.subject,
        "[TBSC] Cổng thông tin Sở Tư pháp bị thay đổi giao diện"
    );
    let from = m.from.clone().unwrap();
    assert_eq!(from.address, "an.nv@bacninh.gov.vn");
    assert_eq!(from.name.as_deref(), Some("Nguyễn Văn An"));
    assert!(m.message_id.is_some());
    assert!(m.date.is_some());
    assert_eq!(m.body_kind, BodyKind::Plain);
    assert!(!m.malformed && !m.truncated);

    let e = extract(&m.body);
    let r = &e.report;
    assert_eq!(r["reporter"]["org_name"], "Sở Tư pháp tỉnh Bắc Ninh");
    assert_eq!(r["reporter"]["email"], "vanphong.stp@bacninh.gov.vn");
    assert_eq!(r["contact"]["name"], "Nguyễn Văn An");
    assert_eq!(r["contact"]["phone"], "0912 345 678");
    assert_eq!(r["contact"]["email"], "an.nv@bacninh.gov.vn");
    assert_eq!(r["system"]["operator_name"], "Trung tâm Chuyển đổi số");
    assert_eq!(r["system"]["name"], "Cổng thông tin điện tử Sở Tư pháp");
    assert_eq!(
        r["system"]["domains"],
        json!(["stp.bacninh.gov.vn", "www.stp.bacninh.gov.vn"])
    );
    assert!(
        r["description"]
            .as_str()
            .unwrap()
            .starts_with("Trang chủ cổng thông tin bị thay đổi giao diện")
    );
    assert_eq!(r["detected_at"], "2026-05-04T08:30:00+07:00");
    assert_eq!(r["handled"], false);
    assert_eq!(
        e.unrecognised,
        "Kính gửi Đội ứng cứu sự cố tỉnh,\n\nTrân trọng,\nNguyễn Văn An"
    );
}

#[tokio::test]
async fn an_html_only_body_is_read_as_text_and_its_labels_recognised() {
    let server = Server::start(test_config()).await;
    let html = r#"<html><head><style>td{padding:2px}</style><script>var x = "<p>no</p>";</script></head>
<body><p>Kính gửi Đội ứng cứu,</p>
<table>
<tr><td><b>Tên tổ chức/cá nhân báo cáo sự cố (*):</b></td><td>UBND xã Tân Chi</td></tr>
<tr><td>Điện thoại (*)</td><td>0222&nbsp;3811&nbsp;222</td></tr>
<tr><td>Tên hệ thống bị sự cố</td><td>Trang thông tin điện tử xã</td></tr>
<tr><td>Ngày phát hiện sự cố (*):</td><td>03/05/2026</td></tr>
</table>
<div>Mô tả sơ bộ sự cố: Trang bị chèn liên kết cờ bạc &amp; quảng cáo.<br>Đã tạm dừng trang.</div>
</body></html>"#;
    let mail = Message::builder()
        .from(mailbox("xa.tanchi@bacninh.gov.vn"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .subject("[tbsc] Trang xã bị chèn mã")
        .header(ContentType::TEXT_HTML)
        .body(html.to_string())
        .unwrap();
    server.lettre().send(mail).await.unwrap();

    let m = parse_mail(&server.sink.mails()[0].raw, MAX);
    assert!(m.is_tbsc());
    assert_eq!(m.body_kind, BodyKind::Html);
    assert!(!m.body.contains('<'), "{}", m.body);
    assert!(!m.body.contains("padding"), "{}", m.body);
    let e = extract(&m.body);
    assert_eq!(e.report["reporter"]["org_name"], "UBND xã Tân Chi");
    assert_eq!(e.report["reporter"]["phone"], "0222 3811 222");
    assert_eq!(e.report["system"]["name"], "Trang thông tin điện tử xã");
    assert_eq!(e.report["detected_at"], "2026-05-03T00:00:00+07:00");
    assert_eq!(
        e.report["description"],
        "Trang bị chèn liên kết cờ bạc & quảng cáo.\nĐã tạm dừng trang."
    );
    assert_eq!(e.unrecognised, "Kính gửi Đội ứng cứu,");
}

async fn send_with_encoding(encoding: ContentTransferEncoding, marker: &str) {
    let server = Server::start(test_config()).await;
    let text =
        format!("Tên tổ chức/cá nhân báo cáo sự cố: Sở Nội vụ\nMô tả sơ bộ sự cố: {marker}\n");
    let body = Body::new_with_encoding(text, encoding).unwrap();
    let mail = Message::builder()
        .from(mailbox("snv@bacninh.gov.vn"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .subject("[TBSC] Thư rác phát tán từ hộp thư công vụ")
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(body),
        )
        .unwrap();
    server.lettre().send(mail).await.unwrap();

    let raw = &server.sink.mails()[0].raw;
    let raw_text = String::from_utf8_lossy(raw);
    match encoding {
        ContentTransferEncoding::QuotedPrintable => {
            assert!(raw_text.contains("Content-Transfer-Encoding: quoted-printable"));
            assert!(
                raw_text.contains("=E1=BB"),
                "the body really is quoted-printable"
            );
        }
        ContentTransferEncoding::Base64 => {
            assert!(raw_text.contains("Content-Transfer-Encoding: base64"));
            assert!(!raw_text.contains("Sở Nội vụ"), "the body really is base64");
        }
        _ => unreachable!(),
    }
    let m = parse_mail(raw, MAX);
    let e = extract(&m.body);
    assert_eq!(e.report["reporter"]["org_name"], "Sở Nội vụ");
    assert_eq!(e.report["description"], marker);
}

#[tokio::test]
async fn a_quoted_printable_body_is_decoded() {
    send_with_encoding(
        ContentTransferEncoding::QuotedPrintable,
        "Hộp thư công vụ gửi hàng nghìn thư rác mỗi giờ, nội dung có dấu “ngoặc kép” và dòng rất dài để buộc ngắt dòng mềm trong quoted-printable.",
    )
    .await;
}

#[tokio::test]
async fn a_base64_body_is_decoded() {
    send_with_encoding(
        ContentTransferEncoding::Base64,
        "Tài khoản bị chiếm quyền, mật khẩu đã được đổi.",
    )
    .await;
}

#[tokio::test]
async fn a_windows_1258_body_and_subject_are_decoded_and_normalised() {
    let server = Server::start(test_config()).await;
    let subject = "[TBSC] Sự cố mã độc tại Sở Nội vụ";
    let body = "Tên tổ chức/cá nhân báo cáo sự cố: Sở Nội vụ tỉnh Bắc Ninh\r\n\
                Địa chỉ: Đường Lý Thái Tổ, Việt Nam\r\n\
                Mô tả sơ bộ sự cố: Máy trạm nhiễm mã độc tống tiền, dữ liệu bị mã hoá.\r\n";
    let body_bytes = to_cp1258(body);
    assert!(
        std::str::from_utf8(&body_bytes).is_err(),
        "a real legacy encoding"
    );
    assert!(
        !body_bytes.windows(2).any(|w| w == b"&#"),
        "no character references"
    );
    let subject_word = format!(
        "=?windows-1258?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(to_cp1258(subject))
    );
    let mut raw = format!(
        "From: =?windows-1258?Q?S=F5=DE_N=F4=F2i_v=F1?= <snv@bacninh.gov.vn>\r\n\
         To: tiepnhan@ucsc.bacninh.gov.vn\r\n\
         Subject: {subject_word}\r\n\
         Message-ID: <cp1258-1@bacninh.gov.vn>\r\n\
         Date: Mon, 4 May 2026 09:00:00 +0700\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=windows-1258\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(&body_bytes);
    server
        .lettre()
        .send_raw(
            &envelope("snv@bacninh.gov.vn", "tiepnhan@ucsc.bacninh.gov.vn"),
            &raw,
        )
        .await
        .unwrap();

    let m = parse_mail(&server.sink.mails()[0].raw, MAX);
    assert_eq!(m.subject, subject, "NFC, equal to the UTF-8 text");
    assert!(m.is_tbsc());
    assert_eq!(m.message_id.as_deref(), Some("cp1258-1@bacninh.gov.vn"));
    assert_eq!(m.date.unwrap().to_rfc3339(), "2026-05-04T09:00:00+07:00");
    assert!(m.body.contains("Việt Nam"), "{}", m.body);
    assert_eq!(m.body, body.trim_end().replace("\r\n", "\n"));
    let e = extract(&m.body);
    assert_eq!(e.report["reporter"]["org_name"], "Sở Nội vụ tỉnh Bắc Ninh");
    assert_eq!(
        e.report["reporter"]["address"],
        "Đường Lý Thái Tổ, Việt Nam"
    );
    assert_eq!(
        e.report["description"],
        "Máy trạm nhiễm mã độc tống tiền, dữ liệu bị mã hoá."
    );
}

#[tokio::test]
async fn attachments_are_kept_with_their_name_type_size_and_sha256() {
    let server = Server::start(test_config()).await;
    let log: Vec<u8> = (0..5000u32)
        .flat_map(|i| format!("{i} GET /wp-login.php 401\n").into_bytes())
        .collect();
    let sample: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let mail = Message::builder()
        .from(mailbox("an.nv@bacninh.gov.vn"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .subject("[TBSC] Gửi kèm nhật ký và mẫu mã độc")
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain("Xem tệp đính kèm.".to_string()))
                .singlepart(
                    Attachment::new("nhật ký truy cập.log".to_string())
                        .body(log.clone(), "text/plain".parse().unwrap()),
                )
                .singlepart(
                    Attachment::new("mẫu.bin".to_string())
                        .body(sample.clone(), "application/octet-stream".parse().unwrap()),
                ),
        )
        .unwrap();
    server.lettre().send(mail).await.unwrap();

    let m = parse_mail(&server.sink.mails()[0].raw, MAX);
    assert_eq!(m.body, "Xem tệp đính kèm.");
    assert_eq!(m.attachments.len(), 2);
    let a = &m.attachments[0];
    assert_eq!(a.filename.as_deref(), Some("nhật ký truy cập.log"));
    assert_eq!(a.content_type, "text/plain");
    assert_eq!(a.size, log.len() as u64);
    assert_eq!(a.bytes, log);
    assert_eq!(a.sha256, hex::encode(Sha256::digest(&log)));
    let b = &m.attachments[1];
    assert_eq!(b.filename.as_deref(), Some("mẫu.bin"));
    assert_eq!(b.content_type, "application/octet-stream");
    assert_eq!(b.size, 70_000);
    assert_eq!(b.sha256, hex::encode(Sha256::digest(&sample)));
    assert!(!a.truncated && !b.truncated);
}

#[tokio::test]
async fn a_very_large_mail_is_refused_at_smtp_with_552_and_the_sink_is_untouched() {
    let cfg = ungcuu_mail::SmtpConfig {
        max_message_bytes: 64 * 1024,
        ..test_config()
    };
    let server = Server::start(cfg).await;

    // lettre announces no SIZE: the data is counted, read to the end, then refused.
    let big = "Nhật ký rất dài.\n".repeat(20_000);
    let mail = Message::builder()
        .from(mailbox("an.nv@bacninh.gov.vn"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .subject("[TBSC] Rất lớn")
        .body(big.clone())
        .unwrap();
    let err = server.lettre().send(mail).await.unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert_eq!(err.status().unwrap().to_string(), "552");

    // A client announcing SIZE is refused at MAIL FROM; one that sends anyway gets 552 after
    // its data, on a connection that still works.
    let (mut c, greeting) = RawClient::connect(server.addr).await;
    assert!(greeting.starts_with("220 "));
    let ehlo = c.cmd("EHLO client.test").await;
    assert!(ehlo.contains("250-SIZE 65536"), "{ehlo}");
    assert_eq!(
        c.cmd("MAIL FROM:<a@b.vn> SIZE=9999999").await,
        "552 5.3.4 Message too big"
    );
    assert_eq!(c.cmd("MAIL FROM:<a@b.vn>").await, "250 2.1.0 Ok");
    assert_eq!(
        c.cmd("RCPT TO:<tiepnhan@ucsc.bacninh.gov.vn>").await,
        "250 2.1.5 Ok"
    );
    assert!(c.cmd("DATA").await.starts_with("354 "));
    c.send(b"Subject: [TBSC] big\r\n\r\n").await;
    for _ in 0..2000 {
        c.send(&[b'x'; 98]).await;
        c.send(b"\r\n").await;
    }
    c.send(b".\r\n").await;
    assert_eq!(c.reply().await, "552 5.3.4 Message too big");
    assert_eq!(c.cmd("NOOP").await, "250 2.0.0 Ok");
    assert_eq!(c.cmd("QUIT").await, "221 2.0.0 Bye");

    assert!(server.sink.mails().is_empty());
    assert_eq!(server.sink.attempts.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_malformed_mime_message_is_accepted_and_kept_whole_as_the_description() {
    let server = Server::start(test_config()).await;
    // The boundary announced is never used; there is no From, Date or Message-ID.
    let raw = "Subject: [TBSC] =?utf-8?B?U+G7sSBj4buR?=\r\n\
               Content-Type: multipart/mixed; boundary=\"KHONG-CO\"\r\n\r\n\
               --ranh-gioi-khac\r\n\
               Content-Type: text/plain; charset=utf-8\r\n\r\n\
               Tên tổ chức/cá nhân báo cáo sự cố: Sở Xây dựng\r\n\
               Máy chủ thư bị dò mật khẩu.\r\n\
               --ranh-gioi-khac--\r\n";
    let mut c = RawClient::connect(server.addr).await.0;
    c.cmd("HELO client.test").await;
    assert_eq!(
        c.cmd("MAIL FROM:<sxd@bacninh.gov.vn>").await,
        "250 2.1.0 Ok"
    );
    c.cmd("RCPT TO:<tiepnhan@ucsc.bacninh.gov.vn>").await;
    c.cmd("DATA").await;
    c.send(raw.as_bytes()).await;
    c.send(b".\r\n").await;
    assert!(c.reply().await.starts_with("250 2.0.0 Ok: queued as "));

    // Plain text with no header at all, not even a blank line.
    c.cmd("MAIL FROM:<sxd@bacninh.gov.vn>").await;
    c.cmd("RCPT TO:<tiepnhan@ucsc.bacninh.gov.vn>").await;
    c.cmd("DATA").await;
    c.send(
        "Tên tổ chức/cá nhân báo cáo sự cố: Sở Xây dựng\r\nMáy chủ thư bị dò mật khẩu.\r\n.\r\n"
            .as_bytes(),
    )
    .await;
    assert!(c.reply().await.starts_with("250 "));
    c.cmd("QUIT").await;

    let got = server.sink.mails();
    assert_eq!(got.len(), 2);

    let m = parse_mail(&got[0].raw, MAX);
    assert!(m.malformed);
    assert_eq!(m.subject, "[TBSC] Sự cố");
    assert!(m.from.is_none() && m.date.is_none() && m.message_id.is_none());
    assert_eq!(
        m.body,
        "--ranh-gioi-khac\nContent-Type: text/plain; charset=utf-8\n\n\
         Tên tổ chức/cá nhân báo cáo sự cố: Sở Xây dựng\nMáy chủ thư bị dò mật khẩu.\n--ranh-gioi-khac--"
    );
    let e = extract(&m.body);
    assert_eq!(e.report["reporter"]["org_name"], "Sở Xây dựng");
    assert!(
        e.description_with_unrecognised()
            .contains("Máy chủ thư bị dò mật khẩu.")
    );

    let m = parse_mail(&got[1].raw, MAX);
    assert!(m.malformed);
    assert!(!m.is_tbsc(), "no subject: the caller files it in the inbox");
    assert_eq!(
        m.body,
        "Tên tổ chức/cá nhân báo cáo sự cố: Sở Xây dựng\nMáy chủ thư bị dò mật khẩu."
    );
}

#[tokio::test]
async fn a_sink_failure_answers_451_and_the_message_is_not_lost_for_a_retry() {
    let server = Server::start(test_config()).await;
    let mail = Message::builder()
        .from(mailbox("an.nv@bacninh.gov.vn"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .message_id(Some("<retry-1@bacninh.gov.vn>".into()))
        .subject("[TBSC] Thử lại")
        .body("Mô tả sơ bộ sự cố: thử lại sau lỗi tạm thời".to_string())
        .unwrap();

    server.sink.fail.store(true, Ordering::SeqCst);
    let err = server.lettre().send(mail.clone()).await.unwrap_err();
    assert!(
        err.is_transient(),
        "the client keeps the message and retries: {err}"
    );
    assert_eq!(err.status().unwrap().to_string(), "451");
    assert!(server.sink.mails().is_empty());
    assert_eq!(server.sink.attempts.load(Ordering::SeqCst), 1);

    // The sending server retries later; this time the commit succeeds.
    server.sink.fail.store(false, Ordering::SeqCst);
    server.lettre().send(mail).await.unwrap();
    let got = server.sink.mails();
    assert_eq!(got.len(), 1);
    let m = parse_mail(&got[0].raw, MAX);
    assert_eq!(m.message_id.as_deref(), Some("retry-1@bacninh.gov.vn"));
    assert_eq!(m.body, "Mô tả sơ bộ sự cố: thử lại sau lỗi tạm thời");
}

#[tokio::test]
async fn lines_starting_with_dots_survive_the_round_trip() {
    let server = Server::start(test_config()).await;
    let original = b"From: a@b.vn\r\nSubject: [TBSC] dots\r\n\r\n.\r\n..\r\n.hidden\r\n...three\r\nend .\r\n. \r\n".to_vec();
    // lettre stuffs the dots…
    server
        .lettre()
        .send_raw(
            &envelope("a@b.vn", "tiepnhan@ucsc.bacninh.gov.vn"),
            &original,
        )
        .await
        .unwrap();
    // …and so does a hand-written client.
    let mut c = RawClient::connect(server.addr).await.0;
    c.cmd("EHLO client.test").await;
    c.cmd("MAIL FROM:<a@b.vn>").await;
    c.cmd("RCPT TO:<tiepnhan@ucsc.bacninh.gov.vn>").await;
    c.cmd("DATA").await;
    c.send(b"From: a@b.vn\r\nSubject: [TBSC] dots\r\n\r\n..\r\n...\r\n..hidden\r\n....three\r\nend .\r\n.. \r\n.\r\n")
        .await;
    assert!(c.reply().await.starts_with("250 "));

    let got = server.sink.mails();
    assert_eq!(got.len(), 2);
    // lettre always ends the data with CRLF "." CRLF, adding a line end of its own.
    let mut from_lettre = original.clone();
    from_lettre.extend_from_slice(b"\r\n");
    assert_eq!(without_received(&got[0].raw), &from_lettre[..]);
    assert_eq!(without_received(&got[1].raw), &original[..]);
    let m = parse_mail(&got[0].raw, MAX);
    assert_eq!(m.body, ".\n..\n.hidden\n...three\nend .\n. ");
}

#[tokio::test]
async fn a_mail_without_tbsc_is_still_accepted_for_the_inbox() {
    let server = Server::start(test_config()).await;
    let mail = Message::builder()
        .from(mailbox("nguoidan@example.com"))
        .to(mailbox("tiepnhan@ucsc.bacninh.gov.vn"))
        .subject("Hỏi về thủ tục báo cáo sự cố")
        .body("Cho tôi hỏi cách gửi báo cáo?".to_string())
        .unwrap();
    let response = server.lettre().send(mail).await.unwrap();
    assert_eq!(response.code().to_string(), "250");
    let m = parse_mail(&server.sink.mails()[0].raw, MAX);
    assert!(!m.is_tbsc());
    assert_eq!(m.body, "Cho tôi hỏi cách gửi báo cáo?");
}

#[tokio::test]
async fn the_protocol_answers_out_of_order_and_unknown_commands_clearly() {
    let server = Server::start(test_config()).await;
    let (mut c, greeting) = RawClient::connect(server.addr).await;
    assert_eq!(greeting, "220 intake.test ESMTP ungcuu");
    assert_eq!(c.cmd("DATA").await, "503 5.5.1 Error: need MAIL command");
    assert_eq!(
        c.cmd("RCPT TO:<x@y.vn>").await,
        "503 5.5.1 Error: need MAIL command"
    );
    assert_eq!(
        c.cmd("FOO bar").await,
        "500 5.5.2 Error: command not recognized"
    );
    assert_eq!(
        c.cmd("STARTTLS").await,
        "502 5.5.1 Error: command not implemented"
    );
    assert_eq!(
        c.cmd("MAIL FROM:<>").await,
        "250 2.1.0 Ok",
        "bounces are accepted"
    );
    assert_eq!(
        c.cmd("MAIL FROM:<a@b.vn>").await,
        "503 5.5.1 Error: nested MAIL command"
    );
    assert_eq!(c.cmd("DATA").await, "503 5.5.1 Error: need RCPT command");
    assert_eq!(c.cmd("RSET").await, "250 2.0.0 Ok");
    assert_eq!(
        c.cmd(&format!("NOOP {}", "x".repeat(5000))).await,
        "500 5.5.2 Line too long"
    );
    assert_eq!(c.cmd("NOOP").await, "250 2.0.0 Ok");
    assert_eq!(c.cmd("QUIT").await, "221 2.0.0 Bye");
    assert_eq!(c.reply().await, "", "closed after QUIT");
}

#[tokio::test]
async fn recipients_outside_the_accepted_domains_are_refused() {
    let cfg = ungcuu_mail::SmtpConfig {
        accept_domains: vec!["ucsc.bacninh.gov.vn".into()],
        max_recipients: 2,
        ..test_config()
    };
    let server = Server::start(cfg).await;
    let mut c = RawClient::connect(server.addr).await.0;
    c.cmd("EHLO client.test").await;
    c.cmd("MAIL FROM:<a@b.vn>").await;
    assert!(
        c.cmd("RCPT TO:<someone@elsewhere.vn>")
            .await
            .starts_with("550 5.1.1")
    );
    assert_eq!(
        c.cmd("RCPT TO:<a@UCSC.bacninh.gov.vn>").await,
        "250 2.1.5 Ok"
    );
    assert_eq!(
        c.cmd("RCPT TO:<b@ucsc.bacninh.gov.vn>").await,
        "250 2.1.5 Ok"
    );
    assert!(
        c.cmd("RCPT TO:<c@ucsc.bacninh.gov.vn>")
            .await
            .starts_with("452 4.5.3")
    );
}

#[tokio::test]
async fn an_idle_client_is_disconnected_after_the_command_timeout() {
    let cfg = ungcuu_mail::SmtpConfig {
        command_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let server = Server::start(cfg).await;
    let mut c = RawClient::connect(server.addr).await.0;
    assert_eq!(c.reply().await, "421 4.4.2 Timeout, closing connection");
    assert_eq!(c.reply().await, "");
}

#[tokio::test]
async fn shutdown_tells_idle_clients_421_and_lets_a_message_in_flight_finish() {
    let mut server = Server::start(test_config()).await;
    let (mut idle, _) = RawClient::connect(server.addr).await;
    idle.cmd("EHLO idle.test").await;

    let (mut busy, _) = RawClient::connect(server.addr).await;
    busy.cmd("EHLO busy.test").await;
    busy.cmd("MAIL FROM:<a@b.vn>").await;
    busy.cmd("RCPT TO:<tiepnhan@ucsc.bacninh.gov.vn>").await;
    assert!(busy.cmd("DATA").await.starts_with("354"));
    busy.send(b"Subject: [TBSC] in flight\r\n\r\nhalf").await;

    server.stop();
    assert_eq!(
        idle.reply().await,
        "421 4.3.2 Service shutting down, try again later"
    );

    // The message being sent is finished and acknowledged, then the session ends.
    tokio::time::sleep(Duration::from_millis(100)).await;
    busy.send(b" and the rest\r\n.\r\n").await;
    assert!(busy.reply().await.starts_with("250 2.0.0 Ok: queued as"));
    assert_eq!(
        busy.reply().await,
        "421 4.3.2 Service shutting down, try again later"
    );

    let result = tokio::time::timeout(Duration::from_secs(10), &mut server.task)
        .await
        .expect("serve returns after shutdown")
        .unwrap();
    assert!(result.is_ok());
    assert!(
        tokio::net::TcpStream::connect(server.addr).await.is_err(),
        "no longer listening"
    );
    let m = parse_mail(&server.sink.mails()[0].raw, MAX);
    assert_eq!(m.body, "half and the rest");
}
