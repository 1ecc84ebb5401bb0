//! The intake API of API.md on both backends: 201 with a tracking code only after commit,
//! 422 naming every bad field (Vietnamese or English), 401, and the filer reading it back.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use ungcuu_domain::intake::Channel;

fn report() -> serde_json::Value {
    serde_json::json!({
        "reporter": {"org_name": "Công an tỉnh Bắc Ninh", "address": "Đường Lý Thái Tổ, Bắc Ninh", "phone": "0222 3822 111", "email": "pa05@bacninh.gov.vn"},
        "contact": {"name": "Nguyễn Văn An", "title": "Cán bộ", "phone": "0912 000 111", "email": "an@bacninh.gov.vn"},
        "system": {"operator_name": "Phòng Tham mưu", "name": "Cổng thông tin", "domains": ["congan.bacninh.gov.vn"], "ips": ["203.113.0.10"], "security_level": 2, "services": ["web"], "measures": ["antivirus"]},
        "description": "Trang chủ bị thay đổi giao diện (deface).\nĐã chụp lại màn hình.",
        "detected_at": "2026-05-04T08:30:00+07:00",
        "handled": true,
        "detection_methods": ["log_review"],
        "already_notified": [],
        "confidential": false,
        "reported_at": "2026-05-04T09:00:00+07:00"
    })
}

fn post(tok: &str, body: &serde_json::Value, lang: &str) -> Request<Body> {
    Request::post("/api/v1/reports")
        .header("authorization", format!("Bearer {tok}"))
        .header("accept-language", lang)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_report_is_filed_and_read_back_by_its_tracking_code_only_by_its_filer() {
    for e in envs().await {
        let tok = token(&e.app).await;
        let r = send(&e.router, post(&tok, &report(), "vi")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", e.t.name, r.body);
        let code = r.json()["tracking_code"].as_str().unwrap().to_string();
        let r = send(
            &e.router,
            get(&format!("/api/v1/reports/{code}"))
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.json()["form"]["description"],
            report()["description"],
            "line breaks kept"
        );
        assert_eq!(r.json()["channel"], "api");
        assert_eq!(
            r.json()["verified"],
            false,
            "{}: a report starts unverified",
            e.t.name
        );
        // Another organisation's token is told it does not exist.
        let other = e
            .app
            .create_org(
                &ungcuu_app::Actor::cli(),
                &ungcuu_app::registry::orgs::OrgInput {
                    name: "Sở Y tế".into(),
                    kind: "department".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (_, other_tok) = e
            .app
            .create_token(
                &ungcuu_app::Actor::cli(),
                &ungcuu_app::accounts::tokens::TokenInput {
                    name: "x".into(),
                    org_id: other.id.to_string(),
                },
            )
            .await
            .unwrap();
        let r = send(
            &e.router,
            get(&format!("/api/v1/reports/{code}"))
                .header("authorization", format!("Bearer {other_tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", e.t.name);
        let r = send(&e.router, post("ucu_wrong", &report(), "vi")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_reports_get_422_naming_every_field_and_nothing_is_stored() {
    for e in envs().await {
        let tok = token(&e.app).await;
        let before = audit_rows(&e.app).await;
        let mut cases: Vec<(serde_json::Value, Vec<&str>)> = Vec::new();
        cases.push((
            serde_json::json!({}),
            vec![
                "reporter.org_name",
                "reporter.address",
                "reporter.phone",
                "reporter.email",
                "contact.name",
                "contact.phone",
                "contact.email",
                "system.operator_name",
                "description",
                "detected_at",
                "reported_at",
                "handled",
                "detection_methods",
            ],
        ));
        let mut bad = report();
        bad["contact"]["phone"] = "gọi tôi".into();
        bad["reporter"]["email"] = "<script>@x".into();
        bad["system"]["ips"] = serde_json::json!(["203.113.0.10", "999.0.0.1"]);
        bad["system"]["security_level"] = 9.into();
        bad["detection_methods"] = serde_json::json!(["camera"]);
        bad["already_notified"] = serde_json::json!(["police"]);
        bad["detected_at"] = "2099-01-01T00:00:00+07:00".into();
        cases.push((
            bad,
            vec![
                "reporter.email",
                "contact.phone",
                "system.ips[1]",
                "system.security_level",
                // A detection in the future is one mistake: the report time is not also blamed.
                "detected_at",
                "detection_methods[0]",
                "already_notified[0]",
            ],
        ));
        let mut wrong_type = report();
        wrong_type["handled"] = "có".into();
        cases.push((wrong_type, vec!["handled"]));
        for (body, want) in cases {
            let r = send(&e.router, post(&tok, &body, "vi")).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {}",
                e.t.name,
                r.body
            );
            let got: Vec<String> = r.json()["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["field"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, want, "{}", e.t.name);
        }
        let mut bad = report();
        bad["contact"]["phone"] = "".into();
        let en = send(&e.router, post(&tok, &bad, "en")).await;
        assert_eq!(
            en.json()["errors"][0]["message"],
            "Contact's phone: must not be empty"
        );
        let vi = send(&e.router, post(&tok, &bad, "vi")).await;
        assert_eq!(
            vi.json()["errors"][0]["message"],
            "Điện thoại người liên hệ: không được để trống"
        );
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing stored",
            e.t.name
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn leadership_cannot_file_a_report() {
    let e = env_with(
        ungcuu_store::testing::TestDb::sqlite().await,
        ungcuu_web::Limits::default(),
    )
    .await;
    let b = sign_in(&e.router, "ld@bn.gov.vn").await;
    let r = send(&e.router, post_json(&b, "/api/v1/reports", report(), "vi")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    e.t.cleanup().await;
}

fn form_fields<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("reporter.org_name", "Công an tỉnh Bắc Ninh"),
        ("reporter.address", "Đường Lý Thái Tổ, Bắc Ninh"),
        ("reporter.phone", "0222 3822 111"),
        ("reporter.email", "pa05@bacninh.gov.vn"),
        ("contact.name", "Nguyễn Văn An"),
        ("contact.phone", "0912 000 111"),
        ("contact.email", "an@bacninh.gov.vn"),
        ("system.operator_name", "Phòng Tham mưu"),
        ("system.security_level", "4"),
        ("system.domains", "congan.bacninh.gov.vn"),
        ("system.services", "web"),
        ("system.services", "database"),
        (
            "description",
            "Máy chủ bị nhiễm mã độc đào tiền ảo.\nĐã cách ly.",
        ),
        ("detected_date", "2026-05-04"),
        ("detected_time", "08:30"),
        ("handled", "false"),
        ("detection_methods", "ids"),
        ("detection_methods", "notified_by"),
        ("notified_by_text", "VNCERT/CC"),
        ("already_notified", "isp"),
        ("attachments", "Nhật ký hệ thống"),
        ("confidential", "true"),
        ("reported_at", "2026-05-04T09:00"),
    ]
}

#[tokio::test]
async fn the_web_form_files_a_report_and_names_the_bad_fields_on_both_backends() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let blank = page(&e.router, &b, "/intake/new").await;
        assert_eq!(blank.status, StatusCode::OK);
        assert!(
            blank.body.contains("value=\"Công an tỉnh Bắc Ninh\""),
            "prefilled from the organisation"
        );
        for label in [
            "Tên tổ chức/cá nhân báo cáo sự cố",
            "Mô tả sơ bộ sự cố",
            "HIỆN TRẠNG SỰ CỐ",
            "Cách thức phát hiện",
            "Đã gửi thông báo sự cố cho",
            "Thông tin gửi kèm",
            "Kiến nghị, đề xuất hỗ trợ",
            "[TBSC]",
        ] {
            assert!(
                blank.body.to_lowercase().contains(&label.to_lowercase()),
                "{label}"
            );
        }
        let before = audit_rows(&e.app).await;
        let mut bad = form_fields();
        bad.retain(|(k, _)| !["contact.phone", "handled", "detection_methods"].contains(k));
        bad.push(("system.ips", "999.1.1.1"));
        let r = send(&e.router, post_form(&b, "/intake/new", &bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.t.name);
        for msg in [
            "Điện thoại người liên hệ: không được để trống",
            "Hiện trạng sự cố: không được để trống",
            "Cách thức phát hiện: không được để trống",
            "Địa chỉ IP của hệ thống (dòng 1)",
        ] {
            assert!(r.body.contains(msg), "{}: {msg}", e.t.name);
        }
        assert!(
            r.body.contains("Máy chủ bị nhiễm mã độc đào tiền ảo."),
            "the description typed is kept"
        );
        assert_eq!(audit_rows(&e.app).await, before);
        let r = send(&e.router, post_form(&b, "/intake/new", &form_fields())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", e.t.name, r.body);
        let i = r.body.find("data-tracking-code>").unwrap() + 19;
        let code = r.body[i..].split('<').next().unwrap().to_string();
        let (report, form) = e
            .app
            .report_by_code(&ungcuu_app::Actor::cli(), &code)
            .await
            .unwrap();
        assert_eq!(report.channel, Channel::Web);
        assert_eq!(
            form.detected_at.to_rfc3339(),
            "2026-05-04T01:30:00+00:00",
            "Vietnam time to UTC"
        );
        assert_eq!(form.detection_methods, ["ids", "notified_by:VNCERT/CC"]);
        assert_eq!(form.system.services, ["web", "database"]);
        assert!(form.confidential);
        assert_eq!(form.attachments_note.as_deref(), Some("Nhật ký hệ thống"));
        let list = page(&e.router, &b, "/intake").await;
        assert!(
            list.body.contains(&code) && list.body.contains("Chưa xác minh"),
            "{}",
            e.t.name
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_public_form_keeps_a_report_marked_unverified_and_confidential_reports_stay_in_their_circle()
 {
    let e = env_with(
        ungcuu_store::testing::TestDb::sqlite().await,
        ungcuu_web::Limits::default(),
    )
    .await;
    // The sign-in page shows the way in for someone without an account.
    let login = send(&e.router, get("/login").body(Body::empty()).unwrap()).await;
    assert!(
        login.body.contains("href=\"/report\"") && login.body.contains("href=\"/track\""),
        "{}",
        login.body
    );
    let page0 = send(&e.router, get("/report").body(Body::empty()).unwrap()).await;
    assert_eq!(page0.status, StatusCode::OK);
    let pre = cookie_pair(&page0.cookie("ucu_csrf").unwrap());
    let csrf = hidden_csrf(&page0.body);
    let mut fields = form_fields();
    fields.push(("_csrf", &csrf));
    let r = send(
        &e.router,
        Request::post("/report")
            .header(header::COOKIE, &pre)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&fields)))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let reports = e
        .app
        .list_reports(&ungcuu_app::Actor::cli(), &Default::default())
        .await
        .unwrap();
    assert_eq!(reports[0].channel, Channel::Public);
    // The confirmation tells the public reporter where to follow the report.
    assert!(
        r.body
            .contains(&format!("/track?code={}", reports[0].tracking_code)),
        "{}",
        r.body
    );
    assert!(!reports[0].verified && reports[0].org_id.is_none());
    // The report is confidential: leadership does not see it, the desk does.
    let ld = sign_in(&e.router, "ld@bn.gov.vn").await;
    let list = page(&e.router, &ld, "/intake").await;
    assert!(
        !list.body.contains(&reports[0].tracking_code),
        "leadership sees no confidential report"
    );
    let admin = sign_in(&e.router, "admin@bn.gov.vn").await;
    assert!(
        page(&e.router, &admin, "/intake")
            .await
            .body
            .contains(&reports[0].tracking_code)
    );
    e.t.cleanup().await;
}
