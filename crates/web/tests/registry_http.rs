//! The registry's pages and API on both backends: systems and organisations' contacts.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

fn system_form<'a>(owner: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("owner_org_id", owner),
        ("operator_name", "Trung tâm Chuyển đổi số"),
        ("name", name),
        ("domains", "dichvucong.bacninh.gov.vn"),
        ("public_ip_ranges", "203.113.0.0/24"),
        ("ips", "203.113.0.10"),
        ("security_level", "4"),
        ("level_state", "approved"),
        ("level_doc_date", "05/03/2026"),
        ("critical", "true"),
        ("services", "web"),
        ("services", "database"),
        ("services_other", "VPN"),
        ("measures", "firewall"),
    ]
}

#[tokio::test]
async fn a_system_is_registered_from_the_form_and_found_without_diacritics() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let page = send(
            &e.router,
            get("/registry/systems/new")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        for label in [
            "Tên cơ quan chủ quản",
            "Tên đơn vị vận hành hệ thống thông tin",
            "Các dải địa chỉ IP công cộng",
            "Cấp độ an toàn của hệ thống thông tin",
            "Các biện pháp bảo đảm an toàn thông tin",
        ] {
            assert!(page.body.contains(label), "{label}");
        }
        let r = send(
            &e.router,
            post_form(
                &b,
                "/registry/systems",
                &system_form("1", "Hệ thống phòng chống mã độc"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", e.t.name, r.body);
        let list = send(
            &e.router,
            get("/registry/systems?q=ma+doc")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(
            list.body.contains("Hệ thống phòng chống mã độc"),
            "{}",
            e.t.name
        );
        let s = e
            .app
            .list_systems(&ungcuu_app::Actor::cli(), &Default::default())
            .await
            .unwrap()
            .0
            .remove(0);
        assert_eq!(s.services, ["web", "database", "other:VPN"]);
        assert!(s.critical);
        let view = send(
            &e.router,
            get(&format!("/registry/systems/{}", s.id))
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(
            view.body.contains("value=\"web\" checked") && view.body.contains("value=\"VPN\""),
            "the form shows what is stored"
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_system_input_names_each_field_in_the_form_and_the_api_and_stores_nothing() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let tok = token(&e.app).await;
        let before = ungcuu_store::audit::count(&e.app.db).await.unwrap();
        let mut bad = system_form("1", "Cổng thông tin");
        bad.retain(|(k, _)| !["domains", "public_ip_ranges", "security_level"].contains(k));
        bad.extend([
            ("domains", "ok.bacninh.gov.vn\nkhông hợp lệ"),
            ("public_ip_ranges", "203.113.0.5/24"),
            ("security_level", "9"),
        ]);
        let r = send(&e.router, post_form(&b, "/registry/systems", &bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.t.name);
        for msg in [
            "Tên miền (dòng 2): không phải tên miền hợp lệ",
            "Các dải địa chỉ IP công cộng (dòng 1): phần địa chỉ máy phải bằng 0",
            "Cấp độ an toàn của hệ thống thông tin: phải là cấp độ từ 1 đến 5",
        ] {
            assert!(r.body.contains(msg), "{}: missing {msg:?}", e.t.name);
        }
        assert!(
            r.body.contains("không hợp lệ</textarea>"),
            "what was typed is kept"
        );
        let r = send(
            &e.router,
            Request::post("/api/v1/systems")
                .header("authorization", format!("Bearer {tok}"))
                .header("accept-language", "en")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"owner_org_id": 1, "name": "", "operator_name": "X", "ips": ["10.0.0.1", "10.0.0.999"], "services": ["web", "ftp"]}"#))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let fields: Vec<String> = r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            fields,
            ["system.name", "system.ips[1]", "system.services[1]"]
        );
        assert_eq!(
            r.json()["errors"][1]["message"],
            "IP addresses of the system (row 2): is not a valid IP address (IPv4 or IPv6)"
        );
        assert_eq!(
            ungcuu_store::audit::count(&e.app.db).await.unwrap(),
            before,
            "{}: nothing stored",
            e.t.name
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_api_lists_pages_of_systems_a_token_may_see() {
    for e in envs().await {
        let tok = token(&e.app).await;
        for i in 0..3 {
            let body = serde_json::json!({"owner_org_id": 1, "operator_name": "Phòng Tham mưu", "name": format!("Hệ thống số {i}"), "domains": [format!("a{i}.bacninh.gov.vn")], "security_level": 2});
            let r = send(
                &e.router,
                Request::post("/api/v1/systems")
                    .header("authorization", format!("Bearer {tok}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let r = send(
            &e.router,
            get("/api/v1/systems?q=he+thong+so")
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["total"], 3, "{}", e.t.name);
        assert_eq!(r.json()["items"][0]["domains"][0], "a0.bacninh.gov.vn");
        let id = r.json()["items"][0]["id"].as_i64().unwrap();
        let r = send(
            &e.router,
            Request::post(format!("/api/v1/systems/{id}/retire"))
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.json()["status"], "retired");
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn an_organisation_page_shows_its_contacts_history_and_systems() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        for (name, since) in [
            ("Đỗ Quang Huy", "01/01/2026"),
            ("Nguyễn Thị Lan", "01/06/2026"),
        ] {
            let r = send(
                &e.router,
                post_form(
                    &b,
                    "/registry/orgs/1/contacts",
                    &[
                        ("kind", "focal"),
                        ("name", name),
                        ("phone", "0912 345 678"),
                        ("since", since),
                    ],
                ),
            )
            .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", e.t.name, r.body);
        }
        let r = send(
            &e.router,
            post_form(
                &b,
                "/registry/orgs/1/contacts",
                &[("kind", "focal"), ("name", ""), ("email", "x@")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Họ và tên: không được để trống")
                && r.body.contains("Email: không phải địa chỉ email hợp lệ")
        );
        send(
            &e.router,
            post_form(
                &b,
                "/registry/systems",
                &system_form("1", "Cổng thông tin Công an tỉnh"),
            ),
        )
        .await;
        let page = send(
            &e.router,
            get("/registry/orgs/1")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Nguyễn Thị Lan")
                && page.body.contains("Lịch sử thay đổi")
                && page.body.contains("Đỗ Quang Huy"),
            "{}",
            e.t.name
        );
        assert!(page.body.contains("01/06/2026"), "dates as dd/mm/yyyy");
        assert!(page.body.contains("Cổng thông tin Công an tỉnh"));
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn leadership_reads_the_registry_but_cannot_change_it() {
    let e = env_with(
        ungcuu_store::testing::TestDb::sqlite().await,
        ungcuu_web::Limits::default(),
    )
    .await;
    let b = sign_in(&e.router, "ld@bn.gov.vn").await;
    for path in ["/registry", "/registry/systems", "/registry/orgs/1"] {
        let r = send(
            &e.router,
            get(path)
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            !r.body.contains("/registry/systems/new"),
            "{path} offers what cannot be done"
        );
    }
    let r = send(
        &e.router,
        post_form(&b, "/registry/systems", &system_form("1", "Không được")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &e.router,
        post_form(
            &b,
            "/registry/orgs/1/contacts",
            &[("kind", "focal"), ("name", "X")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    e.t.cleanup().await;
}

#[tokio::test]
async fn roster_members_are_found_without_diacritics_on_the_page_and_in_the_api() {
    // The demo province's roster, with the test's administrator added to it.
    let t = ungcuu_store::testing::TestDb::sqlite().await;
    let app = ungcuu_app::App::new(t.db.clone(), ungcuu_app::AppConfig::default());
    app.load_demo()
        .await
        .unwrap()
        .expect("an empty database takes the demo");
    let org = app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
    let input = ungcuu_app::accounts::users::UserInput {
        name: "An".into(),
        email: "admin@bn.gov.vn".into(),
        org_id: org.id.to_string(),
        role: "admin".into(),
        password: PW.into(),
    };
    app.create_user(&ungcuu_app::Actor::cli(), &input)
        .await
        .unwrap();
    let router = ungcuu_web::router(ungcuu_web::AppState::new(
        app.clone(),
        ungcuu_web::SecureCookies::Never,
        ungcuu_web::Limits::default(),
    ));
    let e = Env {
        app,
        router,
        t,
        lead: 0,
        deputy: 0,
    };
    let b = sign_in(&e.router, "admin@bn.gov.vn").await;
    let all = send(
        &e.router,
        get("/registry/roster")
            .header(header::COOKIE, &b.cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(all.body.contains("Đội phó"));
    let r = send(
        &e.router,
        get("/registry/roster?q=doi+pho")
            .header(header::COOKIE, &b.cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = |html: &str| html.matches("<th scope=\"row\">").count();
    assert!(
        rows(&r.body) >= 1 && rows(&r.body) < rows(&all.body),
        "{} of {}",
        rows(&r.body),
        rows(&all.body)
    );
    let tok = token(&e.app).await;
    let api = send(
        &e.router,
        get("/api/v1/roster?q=doi+truong")
            .header("authorization", format!("Bearer {tok}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let members = api.json()["members"].as_array().unwrap().clone();
    assert_eq!(members.len(), 1, "exactly one lead");
    assert_eq!(members[0]["role"], "doi_truong");
    e.t.cleanup().await;
}
