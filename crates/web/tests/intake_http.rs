//! The intake API of API.md on both backends: 201 with a tracking code only after commit,
//! 422 naming every bad field (Vietnamese or English), 401, and the filer reading it back.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

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
                &ungcuu_app::orgs::OrgInput {
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
                &ungcuu_app::tokens::TokenInput {
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
                "detected_at",
                "reported_at",
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
