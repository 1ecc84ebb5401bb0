//! The standing desk's intake mailbox over HTTP, on both backends: the list (pending first),
//! one mail with its body escaped and its problems named, dismissing with a reason, and filing a
//! report from a mail on the prefilled form; only the desk may open it.

mod common;

use axum::http::StatusCode;
use common::*;
use ungcuu_app::Actor;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::intake::mail_intake::MailIn;
use ungcuu_domain::intake::MailStatus;

async fn desk(e: &Env) {
    let org = e.app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
    e.app
        .create_user(
            &Actor::cli(),
            &UserInput {
                name: "Đỗ Thị Thường Trực".into(),
                email: "tt@bn.gov.vn".into(),
                org_id: org.id.to_string(),
                role: "thuong_truc".into(),
                password: PW.into(),
            },
        )
        .await
        .unwrap();
}

fn mail(id: &str, from: &str, subject: &str, body: &str) -> MailIn {
    let tbsc = subject.starts_with("[TBSC]");
    MailIn {
        message_id: Some(id.into()),
        from_address: Some(from.into()),
        subject: subject.into(),
        body_text: body.into(),
        tbsc,
        extracted: serde_json::json!({"description": body, "reporter": {"org_name": "Trường THPT Tiên Du"}}),
        description: body.into(),
        raw: format!("Subject: {subject}\r\n\r\n{body}\r\n").into_bytes(),
        ..Default::default()
    }
}

const FILLED: &[(&str, &str)] = &[
    ("reporter.org_name", "Trường THPT Tiên Du"),
    ("reporter.address", "Thị trấn Lim, Tiên Du"),
    ("reporter.phone", "0222 3838 111"),
    ("reporter.email", "c3tiendu@bacninh.edu.vn"),
    ("contact.name", "Vũ Văn Bình"),
    ("contact.phone", "0912 111 222"),
    ("contact.email", "binh@bacninh.edu.vn"),
    ("system.operator_name", "Trường THPT Tiên Du"),
    (
        "description",
        "Trang web của trường bị chèn quảng cáo cờ bạc",
    ),
    ("detected_date", "2026-05-04"),
    ("detected_time", "08:30"),
    ("handled", "false"),
    ("detection_methods", "log_review"),
    ("reported_at", "2026-05-04T09:00"),
    ("confidential", "false"),
];

#[tokio::test]
async fn the_desk_reads_dismisses_and_files_mail_from_the_mailbox_and_no_one_else_opens_it() {
    for e in envs().await {
        desk(&e).await;
        let ask = e
            .app
            .receive_mail(mail(
                "q-1@x.vn",
                "hoi@x.vn",
                "Hỏi thủ tục",
                "<script>alert(1)</script> xin hỏi cách báo cáo",
            ))
            .await
            .unwrap();
        let web = e
            .app
            .receive_mail(mail(
                "w-2@x.vn",
                "binh@bacninh.edu.vn",
                "Trang web bị chèn quảng cáo",
                "Trang web của trường bị chèn quảng cáo cờ bạc",
            ))
            .await
            .unwrap();
        let tbsc = e
            .app
            .receive_mail(mail(
                "t-3@x.vn",
                "x@x.vn",
                "[TBSC] Sự cố",
                "Máy chủ bị mã độc",
            ))
            .await
            .unwrap();
        assert_eq!(ask.status, MailStatus::Pending);
        assert_eq!(tbsc.status, MailStatus::Report);
        assert!(!tbsc.problems.is_empty(), "{tbsc:?}");

        let tt = sign_in(&e.router, "tt@bn.gov.vn").await;
        let list = page(&e.router, &tt, "/inbox").await;
        assert_eq!(list.status, StatusCode::OK, "{}", e.t.name);
        assert!(list.body.contains("Hỏi thủ tục"));
        assert!(list.body.contains("2 thư chờ xem xét"), "{}", list.body);
        // Pending mail comes before mail that already became a report.
        assert!(list.body.find("Hỏi thủ tục").unwrap() < list.body.find("[TBSC] Sự cố").unwrap());
        let intake = page(&e.router, &tt, "/intake").await;
        assert!(intake.body.contains("data-inbox-link"));

        // The body is text: markup in a mail is shown, never run.
        let one = page(&e.router, &tt, &format!("/inbox/{}", ask.inbox_id)).await;
        assert_eq!(one.status, StatusCode::OK);
        assert!(
            one.body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{}",
            one.body
        );
        assert!(!one.body.contains("<script>alert"));
        assert!(one.body.contains("chưa xác minh"));

        // The [TBSC] mail's problems are named with the fields' labels.
        let t = page(&e.router, &tt, &format!("/inbox/{}", tbsc.inbox_id)).await;
        assert!(
            t.body.contains("data-field=\"reporter.phone\""),
            "{}",
            t.body
        );
        assert!(t.body.contains(tbsc.tracking_code.as_deref().unwrap()));

        // Dismissing needs a reason, named; nothing changes without one.
        let before = audit_rows(&e.app).await;
        let r = send(
            &e.router,
            post_form(
                &tt,
                &format!("/inbox/{}/dismiss", ask.inbox_id),
                &[("reason", " ")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Lý do"), "{}", r.body);
        assert_eq!(audit_rows(&e.app).await, before);
        let r = send(
            &e.router,
            post_form(
                &tt,
                &format!("/inbox/{}/dismiss", ask.inbox_id),
                &[(
                    "reason",
                    "Câu hỏi, không phải sự cố; đã trả lời qua điện thoại",
                )],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let done = page(&e.router, &tt, &format!("/inbox/{}", ask.inbox_id)).await;
        assert!(done.body.contains("data-status=\"dismissed\""));
        assert!(done.body.contains("đã trả lời qua điện thoại"));
        assert_eq!(audit_rows(&e.app).await, before + 1);

        // Filing: the form comes prefilled from the mail; an incomplete one names each field.
        let form = page(&e.router, &tt, &format!("/inbox/{}/file", web.inbox_id)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Trường THPT Tiên Du"));
        assert!(
            form.body
                .contains("Trang web của trường bị chèn quảng cáo cờ bạc")
        );
        let path = format!("/inbox/{}/file", web.inbox_id);
        let r = send(&e.router, post_form(&tt, &path, &FILLED[..3])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("f-contact-phone") || r.body.contains("contact.phone"));
        let r = send(&e.router, post_form(&tt, &path, FILLED)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", e.t.name, r.body);
        assert!(r.location().starts_with("/intake/SC-"), "{}", r.location());
        let item = e.app.inbox_item(&Actor::cli(), web.inbox_id).await.unwrap();
        assert_eq!(item.mail.status, MailStatus::Report);
        assert_eq!(
            format!("/intake/{}", item.report_code.unwrap()),
            r.location()
        );
        // Filed once: the form again is refused.
        let again = send(&e.router, post_form(&tt, &path, FILLED)).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The lead and a leader do not open the mailbox (the desk's work).
        for who in ["dt@bn.gov.vn", "ld@bn.gov.vn"] {
            let b = sign_in(&e.router, who).await;
            let r = page(&e.router, &b, "/inbox").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = page(&e.router, &b, &format!("/inbox/{}/raw", ask.inbox_id)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            assert!(
                !page(&e.router, &b, "/intake")
                    .await
                    .body
                    .contains("data-inbox-link")
            );
        }
        let raw = page(&e.router, &tt, &format!("/inbox/{}/raw", ask.inbox_id)).await;
        assert_eq!(raw.status, StatusCode::OK);
        assert!(raw.body.starts_with("Subject: Hỏi thủ tục"));
        e.t.cleanup().await;
    }
}
