//! `outbound::send` delivers through a relay: here our own SMTP listener with a capturing sink
//! plays the relay on a loopback port.

mod common;

use common::{Server, test_config};
use ungcuu_mail::outbound::{OutboundError, Outgoing, send, send_message};
use ungcuu_mail::parse_mail;

#[tokio::test]
async fn an_acknowledgement_reaches_the_relay_with_its_vietnamese_text_intact() {
    let server = Server::start(test_config()).await;
    send(
        &server.relay_url(),
        "Đội ứng cứu sự cố tỉnh <ucsc@bacninh.gov.vn>",
        "an.nv@bacninh.gov.vn",
        "Đã nhận báo cáo sự cố — mã theo dõi BN-2026-0001",
        "Kính gửi anh/chị,\n\nĐội đã nhận báo cáo. Mã theo dõi: BN-2026-0001.\n.\nTrân trọng.",
    )
    .await
    .unwrap();

    let got = server.sink.mails();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, "ucsc@bacninh.gov.vn");
    assert_eq!(got[0].rcpt, vec!["an.nv@bacninh.gov.vn".to_string()]);
    let m = parse_mail(&got[0].raw, 1 << 20);
    assert_eq!(
        m.subject,
        "Đã nhận báo cáo sự cố — mã theo dõi BN-2026-0001"
    );
    assert_eq!(
        m.from.unwrap().name.as_deref(),
        Some("Đội ứng cứu sự cố tỉnh")
    );
    assert_eq!(
        m.body,
        "Kính gửi anh/chị,\n\nĐội đã nhận báo cáo. Mã theo dõi: BN-2026-0001.\n.\nTrân trọng."
    );
}

#[tokio::test]
async fn a_reply_carries_in_reply_to_and_goes_to_every_recipient() {
    let server = Server::start(test_config()).await;
    send_message(
        &format!(
            "smtp://127.0.0.1:{}/ucsc.bacninh.gov.vn",
            server.addr.port()
        ),
        &Outgoing {
            from: "ucsc@bacninh.gov.vn".into(),
            to: vec![
                "a@bacninh.gov.vn".into(),
                "Lãnh đạo <b@bacninh.gov.vn>".into(),
            ],
            subject: "Re: [TBSC] Sự cố".into(),
            text_body: "Đã nhận.".into(),
            in_reply_to: Some("<orig-1@bacninh.gov.vn>".into()),
            message_id: None,
        },
    )
    .await
    .unwrap();
    let got = server.sink.mails();
    assert_eq!(got[0].rcpt, vec!["a@bacninh.gov.vn", "b@bacninh.gov.vn"]);
    let raw = String::from_utf8_lossy(&got[0].raw);
    assert!(
        raw.contains("In-Reply-To: <orig-1@bacninh.gov.vn>"),
        "{raw}"
    );
    assert!(
        raw.contains("from ucsc.bacninh.gov.vn"),
        "the URL path is the EHLO name: {raw}"
    );
}

#[tokio::test]
async fn a_relay_that_fails_temporarily_is_reported_as_retryable() {
    let server = Server::start(test_config()).await;
    server
        .sink
        .fail
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let err = send(
        &server.relay_url(),
        "ucsc@bacninh.gov.vn",
        "a@b.vn",
        "x",
        "y",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            OutboundError::Send {
                permanent: false,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn unusable_relay_urls_are_refused_before_connecting() {
    for url in ["not a url", "http://relay:25", "smtp://"] {
        let err = send(url, "a@b.vn", "c@d.vn", "s", "t").await.unwrap_err();
        assert!(
            matches!(err, OutboundError::RelayUrl { .. }),
            "{url}: {err}"
        );
    }
    let err = send("smtp://127.0.0.1:1", "a@b.vn", "c@d.vn", "s", "t")
        .await
        .unwrap_err();
    assert!(matches!(err, OutboundError::Send { .. }), "{err}");
}
