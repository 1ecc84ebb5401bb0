//! Mail intake end to end (API.md "Email intake"): the real `ungcuu serve` with
//! `UNGCUU_SMTP_LISTEN` on loopback, mail sent to it over SMTP by a raw client, and
//! `UNGCUU_SMTP_RELAY` pointing at a capturing SMTP sink that is down at first and comes up
//! later, so the acknowledgement and the desk's notices arrive through retries — each exactly
//! once. On SQLite and PostgreSQL.

mod support;

use base64::Engine;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::mail::{headers, plain, smtp_send};
use support::seed::{DESK, FOCAL, FORM, LEAD, Seed, seed};
use support::server::{Serve, Ungcuu, free_port};
use ungcuu_domain::intake::{Channel, MailStatus};
use ungcuu_store::testing::TestDb;
use ungcuu_store::{Db, intake::inbox, intake::reports};

const WITHIN: Duration = Duration::from_secs(60);
const MAX_BYTES: usize = 300_000;

/// What the capturing relay received: (envelope recipients, raw message).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

/// Envelope recipients and the raw message.
type Captured = (Vec<String>, String);

impl ungcuu_mail::MailSink for Capture {
    fn accept(
        &self,
        _from: String,
        rcpt: Vec<String>,
        raw: Vec<u8>,
    ) -> impl Future<Output = Result<String, ungcuu_mail::SinkError>> + Send {
        self.0
            .lock()
            .unwrap()
            .push((rcpt, String::from_utf8_lossy(&raw).into_owned()));
        async { Ok("captured".to_string()) }
    }
}

fn header_of<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines()
        .find(|l| {
            l.len() > name.len()
                && l[..name.len()].eq_ignore_ascii_case(name)
                && l.as_bytes()[name.len()] == b':'
        })
        .map(|l| l[name.len() + 1..].trim())
}

/// The body of a captured mail, decoded (lettre sends UTF-8 as quoted-printable or base64).
fn body_of(raw: &str) -> String {
    let parsed = ungcuu_mail::parse_mail(raw.as_bytes(), 1 << 20);
    format!("{}\n{}", parsed.subject, parsed.body)
}

fn queued(reply: &str) -> String {
    assert!(reply.starts_with("250"), "{reply}");
    reply.rsplit(' ').next().unwrap().to_string()
}

async fn story(t: TestDb) {
    seed(&t.url, Seed { team: true }).await;
    let relay_port = free_port();
    let u = Ungcuu::on(&t)
        .env(
            "UNGCUU_SMTP_RELAY",
            format!("smtp://127.0.0.1:{relay_port}"),
        )
        .env("UNGCUU_SMTP_MAX_BYTES", MAX_BYTES.to_string())
        .env("UNGCUU_SMTP_FROM", "ucsc@bacninh.gov.vn")
        .env("UNGCUU_SMTP_RETRY_SECS", "1");
    let server = u
        .serve_with(Serve {
            smtp: true,
            ..Serve::default()
        })
        .await;
    let db = Db::connect(&t.url).await.unwrap();
    let smtp = server.smtp().to_string();

    // 1. The form, from the organisation's registered focal point: a verified report for it.
    let m1 = plain(
        &format!("Nguyễn Văn An <{FOCAL}>"),
        "[TBSC] Cổng thông tin Sở Tư pháp bị thay đổi giao diện",
        "form-1@bacninh.gov.vn",
        FORM,
    );
    let code1 = queued(&smtp_send(&smtp, FOCAL, m1.as_bytes()).await);
    assert!(code1.starts_with("SC-"), "{code1}");
    let r1 = reports::by_tracking_code(&db, &code1)
        .await
        .unwrap()
        .unwrap();
    assert!(
        r1.verified,
        "{}: a registered contact's mail is verified",
        t.name
    );
    assert!(r1.org_id.is_some());
    assert_eq!(r1.channel, Channel::Email);
    assert_eq!(r1.reporter_org_name, "Sở Tư pháp tỉnh Bắc Ninh");
    assert!(
        r1.description
            .starts_with("Trang chủ cổng thông tin bị thay đổi giao diện")
    );
    assert!(
        r1.description.contains("Trân trọng"),
        "unrecognised lines are kept"
    );
    let row1 = inbox::by_report(&db, r1.id).await.unwrap().unwrap();
    assert_eq!(row1.status, MailStatus::Report);

    // 2. The same Message-ID again (a retry after a lost 250): the same answer, nothing new.
    let again = queued(&smtp_send(&smtp, FOCAL, m1.as_bytes()).await);
    assert_eq!(again, code1, "{}", t.name);

    // 3. HTML only, from someone not registered: a report, unverified, no organisation.
    let m3 = format!(
        "{}Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>M&ocirc; tả sơ bộ sự cố: <b>Máy chủ thư điện tử</b> gửi thư rác hàng loạt</p></body></html>\r\n",
        headers("la@gmail.com", "[TBSC] Thư rác", Some("html-3@gmail.com"))
    );
    let code3 = queued(&smtp_send(&smtp, "la@gmail.com", m3.as_bytes()).await);
    let r3 = reports::by_tracking_code(&db, &code3)
        .await
        .unwrap()
        .unwrap();
    assert!(!r3.verified && r3.org_id.is_none(), "{}", t.name);
    assert!(
        r3.description
            .contains("Máy chủ thư điện tử gửi thư rác hàng loạt"),
        "{}",
        r3.description
    );

    // 4. Quoted-printable.
    let m4 = format!(
        "{}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nM=C3=B4 t=E1=BA=A3 s=C6=A1 b=E1=BB=99 s=E1=BB=B1 c=E1=BB=91: Trang web b=E1=BB=8B =\r\nch=E1=BA=ADm\r\n",
        headers("qp@x.vn", "[TBSC] QP", Some("qp-4@x.vn"))
    );
    let r4 = reports::by_tracking_code(
        &db,
        &queued(&smtp_send(&smtp, "qp@x.vn", m4.as_bytes()).await),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r4.description, "Trang web bị chậm", "{}", t.name);

    // 5. Base64.
    let b64 = base64::engine::general_purpose::STANDARD
        .encode("Mô tả sơ bộ sự cố: Mất kết nối cơ sở dữ liệu\r\n");
    let m5 = format!(
        "{}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n",
        headers("b64@x.vn", "[TBSC] Base64", Some("b64-5@x.vn"))
    );
    let r5 = reports::by_tracking_code(
        &db,
        &queued(&smtp_send(&smtp, "b64@x.vn", m5.as_bytes()).await),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r5.description, "Mất kết nối cơ sở dữ liệu");

    // 6. Windows-1258: tone marks as combining bytes after the base letter.
    let mut m6 = headers("cp@x.vn", "[TBSC] 1258", Some("cp-6@x.vn")).into_bytes();
    m6.extend_from_slice(b"Content-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
    // "Mô tả sơ bộ sự cố: Máy chủ bị mã độc"
    m6.extend_from_slice(b"M\xf4 ta\xd2 s\xf5 b\xf4\xf2 s\xfd\xf2 c\xf4\xec: M\xe1y chu\xd2 bi\xf2 ma\xde \xf0\xf4\xf2c\r\n");
    let r6 = reports::by_tracking_code(&db, &queued(&smtp_send(&smtp, "cp@x.vn", &m6).await))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r6.description, "Máy chủ bị mã độc", "{}", t.name);

    // 7. Attachments: stored in the file store, recorded with their SHA-256.
    let log = b"2026-05-04 08:29:59 POST /wp-admin/plugin-install.php 200\n".repeat(50);
    let bin: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
    let m7 = format!(
        "{}Content-Type: multipart/mixed; boundary=\"b7\"\r\n\r\n--b7\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMô tả sơ bộ sự cố: Gửi kèm nhật ký và mẫu\r\n--b7\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"access.log\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b7\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"=?UTF-8?B?{}?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b7--\r\n",
        headers(
            &format!("<{FOCAL}>"),
            "[TBSC] Kèm tệp",
            Some("att-7@bacninh.gov.vn")
        ),
        base64::engine::general_purpose::STANDARD.encode(&log),
        base64::engine::general_purpose::STANDARD.encode("mẫu.bin"),
        base64::engine::general_purpose::STANDARD.encode(&bin),
    );
    let r7 = reports::by_tracking_code(&db, &queued(&smtp_send(&smtp, FOCAL, m7.as_bytes()).await))
        .await
        .unwrap()
        .unwrap();
    let files = ungcuu_store::intake::attachments::list_for_report(&db, r7.id)
        .await
        .unwrap();
    let sha = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    assert_eq!(files.len(), 2, "{}", t.name);
    assert_eq!(files[0].file_name, "access.log");
    assert_eq!(files[0].sha256, sha(&log));
    assert_eq!(files[0].size_bytes, log.len() as i64);
    assert_eq!(files[1].file_name, "mẫu.bin");
    assert_eq!(files[1].sha256, sha(&bin));
    let store = ungcuu_files::FileStore::local(u.data_dir().join("files"));
    assert!(
        store.exists(&files[1].storage_key).await.unwrap(),
        "the bytes are in the file store"
    );

    // 8. Not [TBSC]: waits in the mailbox, no report, no reply.
    let m8 = format!(
        "{}Content-Type: text/plain; charset=utf-8\r\n\r\nXin chào, cho hỏi thủ tục báo cáo sự cố?\r\n",
        headers("hoi@x.vn", "Hỏi thủ tục", Some("ask-8@x.vn"))
    );
    let q8 = queued(&smtp_send(&smtp, "hoi@x.vn", m8.as_bytes()).await);
    assert!(q8.starts_with("inbox-"), "{q8}");
    let row8 = inbox::by_key(&db, "ask-8@x.vn").await.unwrap().unwrap();
    assert_eq!((row8.status, row8.report_id), (MailStatus::Pending, None));

    // 9. [TBSC] with a bad phone and most fields missing: still a report, the problems named.
    let m9 = format!(
        "{}Content-Type: text/plain; charset=utf-8\r\n\r\nĐiện thoại: gọi tôi\r\nMô tả sơ bộ sự cố: Bị tấn công từ chối dịch vụ\r\n",
        headers("x9@x.vn", "[TBSC] Thiếu", Some("bad-9@x.vn"))
    );
    let code9 = queued(&smtp_send(&smtp, "x9@x.vn", m9.as_bytes()).await);
    let r9 = reports::by_tracking_code(&db, &code9)
        .await
        .unwrap()
        .unwrap();
    let row9 = inbox::by_report(&db, r9.id).await.unwrap().unwrap();
    let problems: Vec<serde_json::Value> = serde_json::from_str(&row9.problems_json).unwrap();
    let fields: Vec<&str> = problems
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for f in [
        "reporter.phone",
        "reporter.org_name",
        "detected_at",
        "handled",
    ] {
        assert!(fields.contains(&f), "{}: {f} in {fields:?}", t.name);
    }
    assert!(
        r9.description.contains("reporter.phone: gọi tôi"),
        "{}",
        r9.description
    );

    // 10. Too large: refused at SMTP with 552, nothing stored.
    let mailbox_rows = async || {
        inbox::list(
            &db,
            &inbox::InboxFilter {
                status: None,
                limit: 1000,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .len()
    };
    let before = mailbox_rows().await;
    let big = format!(
        "{}Content-Type: text/plain\r\n\r\n{}",
        headers("big@x.vn", "[TBSC] Lớn", Some("big-10@x.vn")),
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n"
            .repeat(MAX_BYTES / 60)
    );
    let refused = smtp_send(&smtp, "big@x.vn", big.as_bytes()).await;
    assert!(refused.starts_with("552"), "{refused}");
    let after = mailbox_rows().await;
    assert_eq!(before, after, "{}", t.name);

    // 11. Broken MIME (a boundary that never comes, stray bytes): kept, no crash.
    let mut m11 = headers("broken@x.vn", "Thư hỏng", Some("broken-11@x.vn")).into_bytes();
    m11.extend_from_slice(b"Content-Type: multipart/mixed; boundary=\"never\"\r\n\r\nno boundary here \xff\xfe\x00 at all\r\n");
    assert!(queued(&smtp_send(&smtp, "broken@x.vn", &m11).await).starts_with("inbox-"));
    let row11 = inbox::by_key(&db, "broken-11@x.vn").await.unwrap().unwrap();
    assert!(
        row11.body_text.contains("no boundary here"),
        "{}",
        row11.body_text
    );

    // 12. No Message-ID, sent twice: one mailbox row (keyed by its content).
    let m12 = "From: noid@x.vn\r\nSubject: hello\r\n\r\nno id\r\n";
    let a = queued(&smtp_send(&smtp, "noid@x.vn", m12.as_bytes()).await);
    let b = queued(&smtp_send(&smtp, "noid@x.vn", m12.as_bytes()).await);
    assert_eq!(a, b, "{}", t.name);

    // The relay has been down: the worker tried and is waiting to retry.
    let deadline = Instant::now() + WITHIN;
    loop {
        let rows = ungcuu_store::outbox::undelivered(&db, 1000).await.unwrap();
        if rows.iter().any(|r| r.last_error.is_some()) {
            assert!(rows.iter().all(|r| r.gave_up_at.is_none()));
            break;
        }
        assert!(Instant::now() < deadline, "no delivery attempt was made");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Now the relay comes up.
    let capture = Capture::default();
    let relay = tokio::net::TcpListener::bind(("127.0.0.1", relay_port))
        .await
        .unwrap();
    let (stop_relay, stopped) = tokio::sync::oneshot::channel::<()>();
    let relay_task = tokio::spawn(ungcuu_mail::serve_with_shutdown(
        relay,
        ungcuu_mail::SmtpConfig::default(),
        capture.clone(),
        async {
            stopped.await.ok();
        },
    ));
    let deadline = Instant::now() + WITHIN;
    while !ungcuu_store::outbox::undelivered(&db, 1000)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "{}: the outbox was not emptied",
            t.name
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.stop().await;
    let _ = stop_relay.send(());
    relay_task.await.unwrap().unwrap();

    let mails = capture.0.lock().unwrap().clone();
    // Exactly once: no Message-ID twice.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (_, raw) in &mails {
        *seen
            .entry(
                header_of(raw, "Message-ID")
                    .expect("a Message-ID")
                    .to_string(),
            )
            .or_default() += 1;
    }
    assert!(seen.values().all(|n| *n == 1), "{}: {seen:?}", t.name);
    assert!(seen.keys().all(|k| k.starts_with("<outbox-")));
    let to = |who: &str, code: &str| {
        mails
            .iter()
            .filter(|(rcpt, raw)| rcpt.iter().any(|r| r == who) && body_of(raw).contains(code))
            .count()
    };
    // The acknowledgement with the tracking code to the sender, once; the desk and the lead
    // told at once; nothing to the sender of mail that is not a report.
    assert_eq!(to(FOCAL, &code1), 1, "{}", t.name);
    assert_eq!(to(DESK, &code1), 1);
    assert_eq!(to(LEAD, &code1), 1);
    assert_eq!(to("x9@x.vn", &code9), 1);
    assert!(
        !mails
            .iter()
            .any(|(rcpt, _)| rcpt.iter().any(|r| r == "hoi@x.vn"))
    );
    db.close().await;
    t.cleanup().await;
}

#[tokio::test]
async fn mail_over_smtp_becomes_reports_and_mailbox_items_with_acknowledgements_delivered_once_on_sqlite()
 {
    story(TestDb::sqlite_empty().await).await;
}

#[tokio::test]
async fn mail_over_smtp_becomes_reports_and_mailbox_items_with_acknowledgements_delivered_once_on_postgres()
 {
    story(TestDb::postgres_empty().await).await;
}
