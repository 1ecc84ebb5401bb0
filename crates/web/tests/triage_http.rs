//! The desk's work on reports, on both backends: notices at once to the desk and the lead (in
//! the app and queued as mail in the report's transaction), verification before triage, open /
//! merge / split / not an incident, the reporter's tracking page, and confidentiality across
//! pages, the API, search and notice mails.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use ungcuu_app::Actor;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::intake::triage::AcceptInput;

fn report(system: &str, description: &str, confidential: bool, level: u8) -> serde_json::Value {
    serde_json::json!({
        "reporter": {"org_name": "Sở Y tế tỉnh Bắc Ninh", "address": "Số 5 Lý Thái Tổ, Bắc Ninh", "phone": "0222 3822 222", "email": "soyte@bacninh.gov.vn"},
        "contact": {"name": "Đỗ Thị Hoa", "title": "Chuyên viên", "phone": "0912 000 222", "email": "hoa@bacninh.gov.vn"},
        "system": {"operator_name": "Văn phòng Sở", "name": system, "security_level": level, "services": ["web"], "measures": ["antivirus"]},
        "description": description,
        "detected_at": "2026-05-04T08:30:00+07:00",
        "handled": true,
        "detection_methods": ["ids"],
        "already_notified": [],
        "confidential": confidential,
        "reported_at": "2026-05-04T09:00:00+07:00"
    })
}

/// Two organisations with a focal point's API token each, and a standing-desk user.
async fn setup(e: &Env) -> (String, String) {
    let cli = Actor::cli();
    let mut toks = Vec::new();
    for name in ["Sở Y tế tỉnh Bắc Ninh", "Sở Tài chính tỉnh Bắc Ninh"] {
        let org = e
            .app
            .create_org(
                &cli,
                &ungcuu_app::registry::orgs::OrgInput {
                    name: name.into(),
                    kind: "department".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (_, tok) = e
            .app
            .create_token(
                &cli,
                &ungcuu_app::accounts::tokens::TokenInput {
                    name: "tích hợp".into(),
                    org_id: org.id.to_string(),
                },
            )
            .await
            .unwrap();
        toks.push(tok);
    }
    let police = e.app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
    e.app
        .create_user(
            &cli,
            &UserInput {
                name: "Vũ Thường Trực".into(),
                email: "tt@bn.gov.vn".into(),
                org_id: police.id.to_string(),
                role: "thuong_truc".into(),
                password: PW.into(),
            },
        )
        .await
        .unwrap();
    (toks.remove(0), toks.remove(0))
}

fn api(tok: &str, method: &str, path: &str, body: Option<serde_json::Value>) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {tok}"))
        .header(header::CONTENT_TYPE, "application/json");
    b.body(body.map(|v| Body::from(v.to_string())).unwrap_or_default())
        .unwrap()
}

async fn file(e: &Env, tok: &str, body: serde_json::Value) -> String {
    let r = send(&e.router, api(tok, "POST", "/api/v1/reports", Some(body))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["tracking_code"].as_str().unwrap().to_string()
}

async fn outbox(e: &Env) -> Vec<serde_json::Value> {
    let rows: Vec<String> = match &e.app.db {
        ungcuu_store::Db::Sqlite { read, .. } => {
            sqlx::query_scalar("SELECT payload FROM outbox WHERE kind = 'mail' ORDER BY id")
                .fetch_all(read)
                .await
                .unwrap()
        }
        ungcuu_store::Db::Postgres { pool: p, .. } => {
            sqlx::query_scalar("SELECT payload FROM outbox WHERE kind = 'mail' ORDER BY id")
                .fetch_all(p)
                .await
                .unwrap()
        }
    };
    rows.iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect()
}

#[tokio::test]
async fn a_new_report_notifies_the_desk_and_the_lead_at_once_without_leaking_a_confidential_one() {
    for e in envs().await {
        let (yte, _) = setup(&e).await;
        let open = file(
            &e,
            &yte,
            report(
                "Cổng thông tin",
                "Trang chủ bị thay đổi giao diện",
                false,
                2,
            ),
        )
        .await;
        let secret = file(
            &e,
            &yte,
            report("Hồ sơ bệnh án", "Lộ lọt hồ sơ bệnh án điện tử", true, 4),
        )
        .await;
        let mails = outbox(&e).await;
        // Per report: the desk (1) and the lead (1) are told, and the contact gets the ack.
        assert_eq!(mails.len(), 6, "{}: {mails:#?}", e.t.name);
        let to = |code: &str, addr: &str| {
            mails
                .iter()
                .find(|m| m["to"] == addr && m["subject"].as_str().unwrap().contains(code))
                .unwrap_or_else(|| panic!("no mail to {addr} about {code}"))
                .clone()
        };
        assert!(
            to(&open, "dt@bn.gov.vn")["body"]
                .as_str()
                .unwrap()
                .contains("thay đổi giao diện")
        );
        let lead_secret = to(&secret, "dt@bn.gov.vn");
        let body = lead_secret["body"].as_str().unwrap();
        assert!(
            !body.contains("bệnh án") && !body.contains("Sở Y tế"),
            "{body}"
        );
        // Level 4: serious, said in the subject.
        assert!(lead_secret["subject"].as_str().unwrap().starts_with("[!]"));
        let ack = to(&secret, "hoa@bacninh.gov.vn");
        assert!(
            ack["body"]
                .as_str()
                .unwrap()
                .contains(&format!("/track?code={secret}"))
        );
        // The desk sees both notices in the app, the serious one marked.
        let tt = sign_in(&e.router, "tt@bn.gov.vn").await;
        let n = page(&e.router, &tt, "/notices").await;
        assert_eq!(n.body.matches("data-notice").count(), 2, "{}", n.body);
        assert!(n.body.contains(&open) && n.body.contains(&secret));
        assert!(n.body.contains("có dấu hiệu nghiêm trọng"));
        assert!(!n.body.contains("bệnh án"));
        let home = page(&e.router, &tt, "/").await;
        assert!(home.body.contains("data-unread>2<"), "{}", home.body);
        let r = send(&e.router, post_form(&tt, "/notices/read", &[])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            e.app.unread_notifications(&desk(&e).await).await.unwrap(),
            0
        );
        e.t.cleanup().await;
    }
}

async fn desk(e: &Env) -> Actor {
    let u = ungcuu_store::accounts::users::find_by_email(&e.app.db, "tt@bn.gov.vn")
        .await
        .unwrap()
        .unwrap();
    Actor::from_user(&u)
}

#[tokio::test]
async fn the_desk_verifies_then_opens_merges_splits_and_closes_and_the_reporter_follows_it() {
    for e in envs().await {
        let (yte, _) = setup(&e).await;
        let first = file(
            &e,
            &yte,
            report(
                "Cổng thông tin",
                "Mã độc đòi tiền chuộc trên máy chủ",
                false,
                2,
            ),
        )
        .await;
        let dup = file(
            &e,
            &yte,
            report("Cổng thông tin", "Máy chủ bị mã hóa dữ liệu", false, 2),
        )
        .await;
        let spam = file(&e, &yte, report("Thử nghiệm", "Gửi thử", false, 1)).await;
        let tt = sign_in(&e.router, "tt@bn.gov.vn").await;
        let p = page(&e.router, &tt, &format!("/intake/{first}")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("Chưa xác minh") && p.body.contains("Mã độc đòi tiền chuộc"));
        // Tick-box codes are shown by their labels, not as the machine's codes.
        assert!(
            p.body.contains("<dd>Web</dd>")
                && p.body.contains("<dd>Phòng chống mã độc (Antivirus)</dd>"),
            "{}",
            p.body
        );
        assert!(!p.body.contains("<dd>antivirus</dd>"), "{}", p.body);

        // Triage before verification is refused, naming why, and changes nothing.
        let before = audit_rows(&e.app).await;
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{first}/accept"), &[]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("người gửi chưa được xác minh"),
            "{}",
            r.body
        );
        // A verification needs a known method, and "other" needs a note.
        for (method, note, msg) in [
            ("", "", "Cách xác minh"),
            ("đoán", "", "Cách xác minh"),
            ("other", "", "Ghi chú"),
        ] {
            let r = send(
                &e.router,
                post_form(
                    &tt,
                    &format!("/intake/{first}/verify"),
                    &[("method", method), ("note", note)],
                ),
            )
            .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{method}");
            assert!(r.body.contains(msg), "{method}: {}", r.body);
        }
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "bad input changes nothing"
        );

        let r = send(
            &e.router,
            post_form(
                &tt,
                &format!("/intake/{first}/verify"),
                &[
                    ("method", "callback"),
                    ("note", "Gọi 0222 3822 222, chị Hoa xác nhận"),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let p = page(&e.router, &tt, &format!("/intake/{first}")).await;
        assert!(
            p.body.contains("Gọi lại số điện thoại đã đăng ký")
                && p.body.contains("Vũ Thường Trực")
        );

        // Open an incident from the first report.
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{first}/accept"), &[]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let inc = r.location().trim_start_matches("/incidents/").to_string();
        assert!(inc.starts_with("SCM-2026-"), "{inc}");

        // The duplicate is verified and merged into it through the API (browser session).
        let r = send(
            &e.router,
            post_json(
                &tt,
                &format!("/api/v1/reports/{dup}/verification"),
                serde_json::json!({"method": "registered_contact"}),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = send(
            &e.router,
            post_json(
                &tt,
                &format!("/api/v1/reports/{dup}/triage"),
                serde_json::json!({"action": "merge", "incident": "SCM-0000-999999"}),
                "en",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "incident");
        let r = send(
            &e.router,
            post_json(
                &tt,
                &format!("/api/v1/reports/{dup}/triage"),
                serde_json::json!({"action": "merge", "incident": inc}),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["incident"]["reports"], 2);
        let ip = page(&e.router, &tt, &format!("/incidents/{inc}")).await;
        assert!(
            ip.body.contains(&first) && ip.body.contains(&dup),
            "both reports kept and shown"
        );

        // Merged wrongly: split it off into an incident of its own.
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{dup}/split"), &[]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let other = r.location().trim_start_matches("/incidents/").to_string();
        assert_ne!(other, inc);
        let v = e.app.incident_view(&desk(&e).await, &inc).await.unwrap();
        assert_eq!(v.reports.len(), 1);
        // Splitting the last report of an incident makes no sense and is refused.
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{first}/split"), &[]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Not an incident: a reason is required.
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{spam}/reject"), &[("reason", "")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Lý do"));
        let r = send(
            &e.router,
            post_form(
                &tt,
                &format!("/intake/{spam}/reject"),
                &[("reason", "Thư gửi thử nghiệm")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // Once closed, it cannot also be accepted.
        e.app
            .verify_report(
                &desk(&e).await,
                &spam,
                &ungcuu_app::intake::triage::VerifyInput {
                    method: "callback".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        assert!(
            e.app
                .accept_report(&desk(&e).await, &spam, &AcceptInput::open())
                .await
                .is_err()
        );

        // The reporter follows it with the tracking code alone: status, never the content.
        let t = send(
            &e.router,
            get(&format!("/track?code={first}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(t.status, StatusCode::OK);
        assert!(
            t.body.contains("Đã tiếp nhận thành sự cố") && t.body.contains(&inc),
            "{}",
            t.body
        );
        assert!(!t.body.contains("tiền chuộc"));
        let t = send(
            &e.router,
            get(&format!("/track?code={spam}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(t.body.contains("Không phải sự cố"));
        let t = send(
            &e.router,
            get("/track?code=SC-2026-NOTACODE")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(t.status, StatusCode::NOT_FOUND);
        // The filer's API view carries the incident and the verification record.
        let r = send(
            &e.router,
            api(&yte, "GET", &format!("/api/v1/reports/{first}"), None),
        )
        .await;
        assert_eq!(r.json()["incident_code"], inc.as_str());
        assert_eq!(r.json()["phase"], "open");
        assert_eq!(r.json()["verifications"][0]["method"], "callback");
        // Every step is in the audit trail.
        let trail = ungcuu_store::audit::verify(&e.app.db).await.unwrap();
        assert!(trail.expect("an intact chain") > before as u64);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_confidential_report_is_invisible_outside_its_circle_in_pages_api_search_and_incidents() {
    for e in envs().await {
        let (yte, taichinh) = setup(&e).await;
        let secret = file(
            &e,
            &yte,
            report("Hồ sơ bệnh án", "Lộ lọt hồ sơ bệnh án điện tử", true, 3),
        )
        .await;
        let open = file(
            &e,
            &taichinh,
            report("Kho bạc", "Tấn công từ chối dịch vụ", false, 2),
        )
        .await;
        // Another organisation's focal point: not by code, not in the list, not in search.
        let r = send(
            &e.router,
            api(&taichinh, "GET", &format!("/api/v1/reports/{secret}"), None),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = send(
            &e.router,
            api(&taichinh, "GET", "/api/v1/reports?query=benh%20an", None),
        )
        .await;
        assert_eq!(r.json().as_array().unwrap().len(), 0, "{}", r.body);
        let r = send(&e.router, api(&taichinh, "GET", "/api/v1/reports", None)).await;
        let codes: Vec<_> = r
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["tracking_code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, vec![open.clone()]);
        // Its own organisation finds it, without diacritics.
        let r = send(
            &e.router,
            api(&yte, "GET", "/api/v1/reports?query=lo%20lot", None),
        )
        .await;
        assert_eq!(r.json()[0]["tracking_code"], secret.as_str());
        // Exports follow the same rule.
        let r = send(
            &e.router,
            api(&taichinh, "GET", "/api/v1/reports/export", None),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(r.body.contains(&open) && !r.body.contains(&secret) && !r.body.contains("bệnh án"));
        let r = send(
            &e.router,
            api(&yte, "GET", "/api/v1/reports/export?query=benh%20an", None),
        )
        .await;
        assert!(r.body.starts_with('\u{feff}') && r.body.contains("Mã theo dõi"));
        assert!(r.body.contains(&secret) && r.body.contains("Lộ lọt hồ sơ bệnh án điện tử"));
        // Leadership reads reports, but not confidential ones.
        let ld = sign_in(&e.router, "ld@bn.gov.vn").await;
        assert_eq!(
            page(&e.router, &ld, &format!("/intake/{secret}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert!(
            !page(&e.router, &ld, "/intake?query=benh")
                .await
                .body
                .contains(&secret)
        );
        // Once it opens an incident, the incident is just as hidden.
        let d = desk(&e).await;
        e.app
            .verify_report(
                &d,
                &secret,
                &ungcuu_app::intake::triage::VerifyInput {
                    method: "signed_document".into(),
                    note: "Công văn số 12/SYT".into(),
                },
            )
            .await
            .unwrap();
        let inc = e
            .app
            .accept_report(&d, &secret, &AcceptInput::open())
            .await
            .unwrap();
        assert!(inc.confidential);
        let r = send(
            &e.router,
            api(
                &taichinh,
                "GET",
                &format!("/api/v1/incidents/{}", inc.code),
                None,
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = send(&e.router, api(&taichinh, "GET", "/api/v1/incidents", None)).await;
        assert_eq!(r.json().as_array().unwrap().len(), 0);
        assert!(
            !page(&e.router, &ld, "/incidents")
                .await
                .body
                .contains(&inc.code)
        );
        let r = send(
            &e.router,
            api(
                &yte,
                "GET",
                &format!("/api/v1/incidents/{}", inc.code),
                None,
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        // A focal point cannot verify or triage, even its own report.
        let r = send(
            &e.router,
            api(
                &yte,
                "POST",
                &format!("/api/v1/reports/{open}/verification"),
                Some(serde_json::json!({"method": "callback"})),
            ),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "another organisation's report is not even found"
        );
        let r = send(
            &e.router,
            api(
                &taichinh,
                "POST",
                &format!("/api/v1/reports/{open}/verification"),
                Some(serde_json::json!({"method": "callback"})),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        e.t.cleanup().await;
    }
}

/// A report from the public form, verified by the desk, by tracking code.
async fn public_report(e: &Env, system: &str) -> String {
    let input: ungcuu_app::intake::reports::ReportInput =
        serde_json::from_value(report(system, "Trang chủ bị thay đổi giao diện", false, 2))
            .unwrap();
    let code = e
        .app
        .file_public_report(&input)
        .await
        .unwrap()
        .tracking_code;
    e.app
        .verify_report(
            &desk(e).await,
            &code,
            &ungcuu_app::intake::triage::VerifyInput {
                method: "callback".into(),
                note: "Gọi lại người báo cáo".into(),
            },
        )
        .await
        .unwrap();
    code
}

#[tokio::test]
async fn the_desk_opens_and_merges_reports_that_came_without_an_organisation() {
    for e in envs().await {
        let (yte_tok, _) = setup(&e).await;
        let yte = e.app.resolve_org("Sở Y tế tỉnh Bắc Ninh").await.unwrap();
        let tt = sign_in(&e.router, "tt@bn.gov.vn").await;
        let (a, b, c) = (
            public_report(&e, "Cổng A").await,
            public_report(&e, "Cổng B").await,
            public_report(&e, "Cổng C").await,
        );

        // The page offers the organisations, with an explicit "none named" first.
        let p = page(&e.router, &tt, &format!("/intake/{a}")).await;
        assert!(p.body.contains("name=\"org_id\""), "{}", e.t.name);
        assert!(p.body.contains("<option value=\"\">— chưa xác định"));
        assert!(p.body.contains(&format!("<option value=\"{}\"", yte.id.0)));

        // An organisation that does not exist is named as the field's error; nothing changes.
        let before = audit_rows(&e.app).await;
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{a}/accept"), &[("org_id", "999999")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.t.name);
        assert!(r.body.contains("Đơn vị liên quan"), "{}", r.body);
        assert_eq!(audit_rows(&e.app).await, before, "{}", e.t.name);

        // Opened with no organisation named: the incident keeps the reporter's name.
        let r = send(
            &e.router,
            post_form(&tt, &format!("/intake/{a}/accept"), &[("org_id", "")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", e.t.name, r.body);
        let first = r.location().trim_start_matches("/incidents/").to_string();
        let p = page(&e.router, &tt, &format!("/incidents/{first}")).await;
        assert!(p.body.contains("Chưa xác định"), "{}", p.body);

        // Opened naming the organisation concerned, from the page.
        let r = send(
            &e.router,
            post_form(
                &tt,
                &format!("/intake/{b}/accept"),
                &[("org_id", &yte.id.0.to_string())],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", e.t.name, r.body);
        let second = r.location().trim_start_matches("/incidents/").to_string();
        let p = page(&e.router, &tt, &format!("/incidents/{second}")).await;
        assert!(p.body.contains("Sở Y tế tỉnh Bắc Ninh"), "{}", p.body);

        // Merged through the API into the first, naming the organisation it lacked.
        let r = send(
            &e.router,
            post_json(
                &tt,
                &format!("/api/v1/reports/{c}/triage"),
                serde_json::json!({"action": "merge", "incident": first, "org_id": yte.id.0}),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", e.t.name, r.body);
        let out = r.json();
        assert_eq!(out["incident"]["code"], first.as_str());
        assert_eq!(out["incident"]["org_id"], yte.id.0);
        assert_eq!(out["incident"]["reports"], 2);
        assert_eq!(out["report"]["status"], "accepted");

        // A registered organisation's report joins a public one's incident, and the unit
        // then sees that incident in its list.
        let own = file(&e, &yte_tok, report("Cổng A", "Cùng sự cố", false, 2)).await;
        e.app
            .verify_report(
                &desk(&e).await,
                &own,
                &ungcuu_app::intake::triage::VerifyInput {
                    method: "registered_contact".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        // Naming another organisation than the report's own is refused.
        let r = send(
            &e.router,
            post_json(
                &tt,
                &format!("/api/v1/reports/{own}/triage"),
                serde_json::json!({"action": "merge", "incident": second, "org_id": 1}),
                "en",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let r = send(
            &e.router,
            post_json(
                &tt,
                &format!("/api/v1/reports/{own}/triage"),
                serde_json::json!({"action": "merge", "incident": second}),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", e.t.name, r.body);
        let listed = send(&e.router, api(&yte_tok, "GET", "/api/v1/incidents", None)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let codes: Vec<String> = listed
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, vec![second.clone()], "{}", e.t.name);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn report_exports_write_formula_like_cells_as_text() {
    for e in envs().await {
        let (yte, _) = setup(&e).await;
        let code = file(
            &e,
            &yte,
            report(
                "@Cổng dịch vụ công",
                "=HYPERLINK(\"http://evil.example\",\"Bấm vào\")",
                false,
                2,
            ),
        )
        .await;
        let tt = sign_in(&e.router, "tt@bn.gov.vn").await;
        for r in [
            send(&e.router, api(&yte, "GET", "/api/v1/reports/export", None)).await,
            page(&e.router, &tt, "/intake/export.csv").await,
        ] {
            assert_eq!(r.status, StatusCode::OK, "{}", e.t.name);
            let line = r
                .body
                .lines()
                .find(|l| l.contains(&code))
                .unwrap_or_else(|| panic!("{}: {}", e.t.name, r.body));
            assert!(line.contains(",'@Cổng dịch vụ công,"), "{line}");
            assert!(line.contains("\"'=HYPERLINK("), "{line}");
            assert!(
                !line.contains(",=HYPERLINK") && !line.contains(",\"=HYPERLINK"),
                "{line}"
            );
        }
        e.t.cleanup().await;
    }
}
