//! The HTTP surface in process (no socket), on both backends: the API's contract, CSRF, rate
//! limits, body limits, languages, cookies, and bad input through forms and JSON.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use ungcuu_store::testing::TestDb;
use ungcuu_web::Limits;

#[tokio::test]
async fn the_api_wants_a_valid_bearer_token() {
    for e in envs().await {
        let r = send(&e.router, get("/api/v1/me").body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", e.t.name);
        assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
        assert!(r.json()["error"].as_str().unwrap().contains("đăng nhập"));
        let r = send(
            &e.router,
            get("/api/v1/me")
                .header("authorization", "Bearer ucu_nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let tok = token(&e.app).await;
        let r = send(
            &e.router,
            get("/api/v1/me")
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["role"], "dau_moi");
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_api_input_gets_422_naming_every_field_in_the_callers_language_and_changes_nothing() {
    for e in envs().await {
        let tok = token(&e.app).await;
        let before = audit_rows(&e.app).await;
        let cases: Vec<(serde_json::Value, Vec<&str>)> = vec![
            (serde_json::json!({}), vec!["org.name", "org.kind"]),
            (
                serde_json::json!({"name": "<script>alert(1)</script>", "kind": "department"}),
                vec!["org.name"],
            ),
            (
                serde_json::json!({"name": "x".repeat(201), "kind": "department"}),
                vec!["org.name"],
            ),
            (
                serde_json::json!({"name": "Sở A", "kind": "bakery", "email": "nope", "phone": "gọi tôi", "website": "ftp://x"}),
                vec!["org.kind", "org.phone", "org.email", "org.website"],
            ),
            (
                serde_json::json!({"name": 5, "kind": "department"}),
                vec!["name"],
            ),
            (
                serde_json::json!({"name": "Sở A", "kind": "department", "parent_id": "999999"}),
                vec!["org.parent"],
            ),
        ];
        for (body, fields) in cases {
            for (lang, word) in [("vi", "Tên tổ chức"), ("en", "Organisation name")] {
                let r = send(
                    &e.router,
                    Request::post("/api/v1/orgs")
                        .header("authorization", format!("Bearer {tok}"))
                        .header("accept-language", lang)
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(body.to_string()))
                        .unwrap(),
                )
                .await;
                assert_eq!(
                    r.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{}: {body} {}",
                    e.t.name,
                    r.body
                );
                let got: Vec<String> = r.json()["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["field"].as_str().unwrap().to_string())
                    .collect();
                assert_eq!(got, fields, "{body}");
                if fields[0] == "org.name" {
                    assert!(
                        r.json()["errors"][0]["message"]
                            .as_str()
                            .unwrap()
                            .starts_with(word),
                        "{lang}: {}",
                        r.body
                    );
                }
            }
        }
        // Not JSON at all.
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header("authorization", format!("Bearer {tok}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "body");
        // Invalid UTF-8 inside a JSON string.
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header("authorization", format!("Bearer {tok}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    &b"{\"name\":\"S\xff\xfe\",\"kind\":\"other\"}"[..],
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing stored",
            e.t.name
        );
        // And a good one is created, answering 201.
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header("authorization", format!("Bearer {tok}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"name":"Phòng Tham mưu","kind":"police","parent_id":"1"}"#,
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["name"], "Phòng Tham mưu");
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_body_past_the_limit_is_refused_with_413() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let tok = token(&e.app).await;
    let big = format!(
        "{{\"name\":\"{}\"}}",
        "a".repeat(ungcuu_web::BODY_LIMIT + 10)
    );
    let r = send(
        &e.router,
        Request::post("/api/v1/orgs")
            .header("authorization", format!("Bearer {tok}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.json()["error"].is_string());
    e.t.cleanup().await;
}

#[tokio::test]
async fn the_api_and_sign_in_are_rate_limited_per_client() {
    let e = env_with(
        TestDb::sqlite().await,
        Limits {
            signin_per_minute: 2,
            api_per_minute: 3,
        },
    )
    .await;
    let tok = token(&e.app).await;
    for _ in 0..3 {
        let r = send(
            &e.router,
            get("/api/v1/me")
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = send(
        &e.router,
        get("/api/v1/me")
            .header("authorization", format!("Bearer {tok}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    // Sign-in: two tries, then 429 even with the right password.
    let page = send(&e.router, get("/login").body(Body::empty()).unwrap()).await;
    let pre = cookie_pair(&page.cookie("ucu_csrf").unwrap());
    let csrf = hidden_csrf(&page.body);
    let mut statuses = Vec::new();
    for pw in ["sai", "sai", PW] {
        let r = send(
            &e.router,
            Request::post("/login")
                .header(header::COOKIE, &pre)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form(&[
                    ("_csrf", &csrf),
                    ("email", "admin@bn.gov.vn"),
                    ("password", pw),
                ])))
                .unwrap(),
        )
        .await;
        statuses.push(r.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    e.t.cleanup().await;
}

#[tokio::test]
async fn every_state_changing_page_refuses_a_request_without_the_csrf_token() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let before = audit_rows(&e.app).await;
        let routes = [
            "/admin/orgs",
            "/admin/orgs/1",
            "/admin/orgs/1/archive",
            "/admin/orgs/1/unarchive",
            "/admin/users",
            "/admin/users/1",
            "/admin/users/2/disable",
            "/admin/users/2/enable",
            "/admin/tokens",
            "/admin/tokens/1/revoke",
            "/account/totp/start",
            "/account/totp/confirm",
            "/account/totp/disable",
            "/account/password",
            "/logout",
            "/login",
            "/login/totp",
        ];
        for path in routes {
            for token in [None, Some("wrong-token-wrong-token")] {
                let mut pairs = vec![("name", "Sở Giả mạo"), ("kind", "department")];
                if let Some(t) = token {
                    pairs.push(("_csrf", t));
                }
                let r = send(
                    &e.router,
                    Request::post(path)
                        .header(header::COOKIE, &b.cookies)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(form(&pairs)))
                        .unwrap(),
                )
                .await;
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{}: POST {path} with {token:?}",
                    e.t.name
                );
                assert!(r.body.contains("Biểu mẫu đã hết hạn"), "{path}");
            }
        }
        // JSON from a browser session needs the header too.
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header(header::COOKIE, &b.cookies)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"name":"Sở X","kind":"other"}"#))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing changed",
            e.t.name
        );
        // With the token it goes through.
        let r = send(
            &e.router,
            post_form(
                &b,
                "/admin/orgs",
                &[("name", "Sở Thật"), ("kind", "department")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header(header::COOKIE, &b.cookies)
                .header("x-csrf-token", &b.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"name":"Sở Y","kind":"other"}"#))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_form_input_is_shown_next_to_its_field_and_changes_nothing() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let before = audit_rows(&e.app).await;
        let long = "x".repeat(201);
        type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
        let cases: Vec<Case> = vec![
            (
                "/admin/orgs",
                vec![("name", ""), ("kind", "department")],
                "Tên tổ chức: không được để trống",
            ),
            (
                "/admin/orgs",
                vec![("name", &long), ("kind", "department")],
                "Tên tổ chức: dài quá 200 ký tự",
            ),
            (
                "/admin/orgs",
                vec![
                    ("name", "<script>alert(1)</script>"),
                    ("kind", "department"),
                ],
                "Tên tổ chức: chứa ký tự không hợp lệ",
            ),
            (
                "/admin/orgs",
                vec![("name", "Sở A"), ("kind", "bakery")],
                "Loại: giá trị không có trong danh sách",
            ),
            (
                "/admin/orgs",
                vec![
                    ("name", "Sở A"),
                    ("kind", "department"),
                    ("parent_id", "abc"),
                ],
                "Tổ chức cấp trên: không phải số hợp lệ",
            ),
            (
                "/admin/orgs",
                vec![
                    ("name", "Sở A"),
                    ("kind", "department"),
                    ("phone", "gọi tôi"),
                ],
                "Điện thoại: không phải số điện thoại hợp lệ",
            ),
            (
                "/admin/users",
                vec![
                    ("name", "An"),
                    ("email", "an@"),
                    ("org_id", "1"),
                    ("role", "dau_moi"),
                    ("password", PW),
                ],
                "Email: không phải địa chỉ email hợp lệ",
            ),
            (
                "/admin/users",
                vec![
                    ("name", "An"),
                    ("email", "an@bn.gov.vn"),
                    ("org_id", "1"),
                    ("role", "root"),
                    ("password", PW),
                ],
                "Vai trò: giá trị không có trong danh sách",
            ),
            (
                "/admin/users",
                vec![
                    ("name", "An"),
                    ("email", "an@bn.gov.vn"),
                    ("org_id", "1"),
                    ("role", "dau_moi"),
                    ("password", "ngắn"),
                ],
                "Mật khẩu: cần ít nhất 12 ký tự",
            ),
            (
                "/admin/users",
                vec![
                    ("name", "An"),
                    ("email", "admin@bn.gov.vn"),
                    ("org_id", "1"),
                    ("role", "dau_moi"),
                    ("password", PW),
                ],
                "Email: đã được sử dụng",
            ),
            (
                "/admin/users",
                vec![
                    ("name", "An"),
                    ("email", "an@bn.gov.vn"),
                    ("org_id", ""),
                    ("role", "dau_moi"),
                    ("password", PW),
                ],
                "Tổ chức: không được để trống",
            ),
            (
                "/admin/tokens",
                vec![("name", ""), ("org_id", "1")],
                "Tên khóa: không được để trống",
            ),
        ];
        for (path, pairs, message) in cases {
            let r = send(&e.router, post_form(&b, path, &pairs)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {path} {pairs:?}",
                e.t.name
            );
            assert!(r.body.contains("role=\"alert\""), "{path}");
            assert!(
                r.body.contains(message),
                "{}: {path} {pairs:?} should say {message:?}",
                e.t.name
            );
            assert!(
                r.body.contains("aria-invalid=\"true\""),
                "the field is marked"
            );
            assert!(
                !r.body.contains("<script>alert"),
                "input is escaped when shown again"
            );
            assert!(!r.body.contains(PW), "a password is never sent back");
        }
        // Undecodable bytes in a form field.
        let raw = format!("_csrf={}&name=S%FF%FE&kind=department", b.csrf);
        let r = send(
            &e.router,
            Request::post("/admin/orgs")
                .header(header::COOKIE, &b.cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(raw))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("Tên tổ chức"));
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing changed",
            e.t.name
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn pages_speak_vietnamese_by_default_and_english_when_asked() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let vi = send(&e.router, get("/login").body(Body::empty()).unwrap()).await;
    assert!(vi.body.contains("<html lang=\"vi\">") && vi.body.contains("Đăng nhập"));
    let en = send(
        &e.router,
        get("/login")
            .header("accept-language", "en-GB,en;q=0.9")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Sign in"));
    let r = send(
        &e.router,
        get("/lang/en?next=/admin").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get("location").unwrap(), "/admin");
    assert!(r.cookie("ucu_lang").unwrap().starts_with("ucu_lang=en"));
    let r = send(
        &e.router,
        get("/lang/en?next=//evil.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.headers.get("location").unwrap(), "/", "no open redirect");
    let en = send(
        &e.router,
        get("/login")
            .header(header::COOKIE, "ucu_lang=en")
            .header("accept-language", "vi")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        en.body.contains("Sign in"),
        "the switch wins over the browser"
    );
    e.t.cleanup().await;
}

#[tokio::test]
async fn pages_load_nothing_from_elsewhere_and_send_security_headers() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let b = sign_in(&e.router, "admin@bn.gov.vn").await;
    for path in [
        "/",
        "/admin",
        "/admin/orgs",
        "/admin/orgs/new",
        "/admin/users",
        "/admin/users/new",
        "/admin/tokens",
        "/admin/audit?verify=1",
        "/account/security",
        "/incidents",
        "/intake",
        "/coordination",
        "/warnings",
        "/reports",
        "/registry",
    ] {
        let r = send(
            &e.router,
            get(path)
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        for attr in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "url(http",
        ] {
            assert!(
                !r.body.contains(attr),
                "{path} loads from elsewhere: {attr}"
            );
        }
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert!(
            r.body.contains("<label")
                || path == "/"
                || path.starts_with("/admin")
                || !r.body.contains("<input type=\"text\"")
        );
    }
    for asset in [
        "/assets/app.css",
        "/assets/htmx.min.js",
        "/assets/app.js",
        "/assets/favicon.svg",
    ] {
        let r = send(&e.router, get(asset).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{asset}");
        assert!(!r.body.is_empty());
    }
    e.t.cleanup().await;
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_brought_back() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let r = send(
        &e.router,
        get("/admin/orgs?q=bac").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers.get("location").unwrap(),
        "/login?next=%2Fadmin%2Forgs%3Fq%3Dbac"
    );
    e.t.cleanup().await;
}

#[tokio::test]
async fn an_expired_or_signed_out_session_no_longer_opens_pages() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        write_sql(
            &e.app.db,
            "UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'",
        )
        .await;
        let r = send(
            &e.router,
            get("/admin")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", e.t.name);
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let r = send(&e.router, post_form(&b, "/logout", &[])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.cookie("ucu_session").unwrap().contains("Max-Age=0"));
        let r = send(
            &e.router,
            get("/admin")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "the old cookie is dead server-side"
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn cookies_are_secure_behind_a_tls_proxy() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let r = send(
        &e.router,
        get("/login")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    // Over TLS the cookie carries the __Host- prefix (Secure, Path=/, no Domain).
    let pre = r.cookie("__Host-ucu_csrf").unwrap();
    assert!(
        pre.contains("; Secure") && pre.contains("Path=/") && !pre.contains("Domain"),
        "{pre}"
    );
    assert!(r.cookie("ucu_csrf").is_none());
    let r = send(&e.router, get("/login").body(Body::empty()).unwrap()).await;
    assert!(!r.cookie("ucu_csrf").unwrap().contains("Secure"));
    e.t.cleanup().await;
}

#[tokio::test]
async fn leadership_reads_but_is_refused_every_change() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let b = sign_in(&e.router, "ld@bn.gov.vn").await;
    let r = send(
        &e.router,
        get("/admin/orgs")
            .header(header::COOKIE, &b.cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains("/admin/orgs/new"),
        "no link to what cannot be done"
    );
    for (path, pairs) in [
        ("/admin/orgs", vec![("name", "Sở Z"), ("kind", "other")]),
        ("/admin/orgs/1/archive", vec![]),
        ("/admin/users/1/disable", vec![]),
    ] {
        let r = send(&e.router, post_form(&b, path, &pairs)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("Bạn không có quyền"));
    }
    let r = send(
        &e.router,
        get("/admin/audit")
            .header(header::COOKIE, &b.cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    e.t.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let r = send(
        &e.router,
        get("/api/v1/openapi.json").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/me",
        "/api/v1/orgs",
        "/api/v1/orgs/{id}",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/audit",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    assert!(doc["components"]["schemas"]["OrgInput"].is_object());
    assert!(doc["components"]["schemas"]["ValidationErrors"].is_object());
    // Stored codes are enums in the code: the document names their values, and every schema
    // it points to is in it.
    for (name, values) in [
        (
            "ReportStatus",
            &["received", "accepted", "not_incident"][..],
        ),
        ("Channel", &["web", "api", "email", "public"]),
        ("ContactKind", &["leader", "focal"]),
        ("SystemStatus", &["in_service", "retired"]),
    ] {
        assert_eq!(
            doc["components"]["schemas"][name]["enum"],
            serde_json::json!(values),
            "{name}"
        );
    }
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r.to_string());
                }
                m.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} dangles"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let r = send(
        &e.router,
        get("/api/v1/nothing").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].is_string());
    e.t.cleanup().await;
}

#[tokio::test]
async fn health_and_readiness_answer_on_every_backend() {
    for e in envs().await {
        assert_eq!(
            send(&e.router, get("/healthz").body(Body::empty()).unwrap())
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            send(&e.router, get("/readyz").body(Body::empty()).unwrap())
                .await
                .status,
            StatusCode::OK,
            "{}",
            e.t.name
        );
        e.app.db.close().await;
        assert_eq!(
            send(&e.router, get("/readyz").body(Body::empty()).unwrap())
                .await
                .status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            e.t.name
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn no_next_address_leads_off_the_site_before_or_after_a_real_sign_in() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let evil = [
        "/%09/evil.example/",
        "/%0A/evil.example",
        "%2F%09%2Fevil.example",
        "/%5Cevil.example",
        "/%0D%0ALocation:%20https://evil.example",
        "/%252F/evil.example",
    ];
    for next in evil {
        // The language switch.
        let r = send(
            &e.router,
            get(&format!("/lang/en?next={next}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.body);
        assert_eq!(r.headers.get("location").unwrap(), "/", "{next}");
        // A real sign-in posting the same `next`.
        let (r, _) = post_sign_in(&e.router, "admin@bn.gov.vn", next).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.body);
        assert_eq!(r.headers.get("location").unwrap(), "/", "{next}");
    }
    // A local path is still followed.
    let r = send(
        &e.router,
        get("/lang/en?next=/intake%3Fquery%3Dma%2520doc")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.headers.get("location").unwrap(), "/intake?query=ma%20doc");
    e.t.cleanup().await;
}

#[tokio::test]
async fn page_numbers_and_dates_at_the_edges_are_answered_not_crashed_on() {
    for e in envs().await {
        let admin = sign_in(&e.router, "admin@bn.gov.vn").await;
        let tok = token(&e.app).await;
        for huge in ["9223372036854775807", "-9223372036854775808", "0"] {
            for path in [
                "/intake",
                "/incidents",
                "/inbox",
                "/registry/systems",
                "/admin/audit",
            ] {
                let r = page(&e.router, &admin, &format!("{path}?page={huge}")).await;
                assert_eq!(r.status, StatusCode::OK, "{} {path}?page={huge}", e.t.name);
            }
            for path in ["/api/v1/reports", "/api/v1/incidents", "/api/v1/systems"] {
                let r = send(
                    &e.router,
                    get(&format!("{path}?page={huge}"))
                        .header("authorization", format!("Bearer {tok}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{} {path}?page={huge}", e.t.name);
            }
        }
        // Year 0000 and 9999 are refused, naming the field and the range.
        let before = audit_rows(&e.app).await;
        for at in ["0000-05-04T08:30:00+07:00", "9999-05-04T08:30:00+07:00"] {
            let r = send(
                &e.router,
                bearer_post(&tok, "/api/v1/reports", &report_detected(at)),
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{at}: {}",
                r.body
            );
            assert!(
                r.body.contains("detected_at") && r.body.contains("1970"),
                "{at}: {}",
                r.body
            );
        }
        // A detection in the future is that one mistake, named as such.
        let future = report_detected("2099-05-04T08:30:00+07:00");
        let r = send(&e.router, bearer_post(&tok, "/api/v1/reports", &future)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("tương lai"), "{}", r.body);
        assert!(
            !r.body.contains("kết thúc") && !r.body.contains("reported_at"),
            "{}",
            r.body
        );
        assert_eq!(audit_rows(&e.app).await, before, "{}", e.t.name);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_people_and_tokens_of_an_archived_organisation_no_longer_act() {
    for e in envs().await {
        let cli = ungcuu_app::Actor::cli();
        let org = e
            .app
            .create_org(
                &cli,
                &ungcuu_app::registry::orgs::OrgInput {
                    name: "Sở Xây dựng tỉnh Bắc Ninh".into(),
                    kind: "department".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        e.app
            .create_user(
                &cli,
                &ungcuu_app::accounts::users::UserInput {
                    name: "Lý Văn Xây".into(),
                    email: "xd@bn.gov.vn".into(),
                    org_id: org.id.to_string(),
                    role: "dau_moi".into(),
                    password: PW.into(),
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
        let b = sign_in(&e.router, "xd@bn.gov.vn").await;
        e.app.set_org_archived(&cli, org.id, true).await.unwrap();
        // The open session ends...
        let r = send(
            &e.router,
            get("/intake")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", e.t.name);
        // ...a new sign-in is refused...
        let (r, _) = post_sign_in(&e.router, "xd@bn.gov.vn", "%2F").await;
        assert_ne!(r.status, StatusCode::SEE_OTHER, "{}", e.t.name);
        assert!(r.cookie("ucu_session").is_none(), "{}", e.t.name);
        // ...and its API token no longer files.
        let r = send(
            &e.router,
            get("/api/v1/me")
                .header("authorization", format!("Bearer {tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", e.t.name);
        // Brought back, the account works again.
        e.app.set_org_archived(&cli, org.id, false).await.unwrap();
        sign_in(&e.router, "xd@bn.gov.vn").await;
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn parallel_wrong_passwords_each_count_and_lock_the_account() {
    for e in envs().await {
        let guesses = (0..19).map(|i| {
            let app = e.app.clone();
            async move {
                let ip = format!("10.0.0.{i}");
                app.sign_in("admin@bn.gov.vn", "sai mật khẩu", Some(&ip), None)
                    .await
            }
        });
        let outcomes = futures::future::join_all(guesses).await;
        assert!(outcomes.iter().all(|o| o.is_err()), "{}", e.t.name);
        let u = ungcuu_store::accounts::users::find_by_email(&e.app.db, "admin@bn.gov.vn")
            .await
            .unwrap()
            .unwrap();
        // Every guess that reached the password check counted; a guess that arrived after the
        // lock was refused by it. Either way the account is locked now.
        assert!(
            u.failed_logins >= ungcuu_domain::signin::FREE_FAILURES,
            "{}: {} failures counted",
            e.t.name,
            u.failed_logins
        );
        assert!(
            u.locked_until
                .is_some_and(|t| t > ungcuu_domain::time::now()),
            "{}",
            e.t.name
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_changed_password_ends_the_other_sessions_and_every_session_has_an_end() {
    for e in envs().await {
        let a = sign_in(&e.router, "admin@bn.gov.vn").await;
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let opens = |br: &Browser| {
            let req = get("/admin")
                .header(header::COOKIE, &br.cookies)
                .body(Body::empty())
                .unwrap();
            let router = e.router.clone();
            async move { send(&router, req).await.status == StatusCode::OK }
        };
        // The same password again is refused, naming the field; nothing ends.
        let r = send(
            &e.router,
            post_form(
                &a,
                "/account/password",
                &[("password", PW), ("new_password", PW)],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.t.name);
        assert!(r.body.contains("phải khác"), "{}", r.body);
        assert!(opens(&b).await, "{}", e.t.name);
        // A new one ends the other session and keeps this one.
        let fresh = "một mật khẩu mới đủ dài 2027";
        let r = send(
            &e.router,
            post_form(
                &a,
                "/account/password",
                &[("password", PW), ("new_password", fresh)],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", e.t.name, r.body);
        assert!(
            opens(&a).await,
            "{}: the session that changed it stays",
            e.t.name
        );
        assert!(!opens(&b).await, "{}: the other session ended", e.t.name);
        // However busy, a session ends seven days after sign-in.
        write_sql(
            &e.app.db,
            "UPDATE sessions SET created_at = '2000-01-01T00:00:00Z'",
        )
        .await;
        assert!(!opens(&a).await, "{}: past its absolute end", e.t.name);
        e.t.cleanup().await;
    }
}

/// A small valid report, detected at `detected_at`.
fn report_detected(detected_at: &str) -> serde_json::Value {
    serde_json::json!({
        "reporter": {"org_name": "Công an tỉnh Bắc Ninh", "address": "Bắc Ninh", "phone": "0222 3822 111", "email": "pa05@bacninh.gov.vn"},
        "contact": {"name": "Nguyễn Văn An", "phone": "0912 000 111", "email": "an@bacninh.gov.vn"},
        "system": {"operator_name": "Phòng Tham mưu", "name": "Cổng thông tin"},
        "description": "Mã độc",
        "detected_at": detected_at,
        "handled": false,
        "detection_methods": ["ids"],
        "already_notified": [],
        "confidential": false,
        "reported_at": "2026-05-04T09:00:00+07:00"
    })
}

fn bearer_post(tok: &str, path: &str, body: &serde_json::Value) -> Request<Body> {
    Request::post(path)
        .header("authorization", format!("Bearer {tok}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Changes rows behind the app's back, on whichever backend the test runs.
async fn write_sql(db: &ungcuu_store::Db, sql: &'static str) {
    match db {
        ungcuu_store::Db::Sqlite { write, .. } => {
            sqlx::query(sql).execute(write).await.unwrap();
        }
        ungcuu_store::Db::Postgres { pool, .. } => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

#[tokio::test]
async fn only_a_trusted_proxy_says_who_the_client_is() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let limits = Limits {
        signin_per_minute: 3,
        api_per_minute: 600,
    };
    let proxy = ungcuu_domain::system::IpNet::parse("proxy", "10.0.0.0/30").unwrap();
    let router = ungcuu_web::router(
        ungcuu_web::AppState::new(e.app.clone(), ungcuu_web::SecureCookies::Auto, limits)
            .with_trusted_proxies(vec![proxy]),
    );
    let track = |peer: &str, forwarded: &str| {
        let mut req = get("/track?code=SC-2026-XXXXXX")
            .header("x-forwarded-for", forwarded)
            .body(Body::empty())
            .unwrap();
        let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        let router = router.clone();
        async move { send(&router, req).await.status }
    };
    // An unknown code is a 404; a spent bucket a 429. Behind the trusted proxy each client
    // has its own bucket...
    for _ in 0..3 {
        assert_eq!(
            track("10.0.0.1", "203.0.113.5").await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        track("10.0.0.1", "203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...so another client behind the same proxy is not locked out with the first (today's
    // one shared bucket per proxy), and the other proxy of the pool says the same,
    assert_eq!(
        track("10.0.0.1", "203.0.113.6").await,
        StatusCode::NOT_FOUND
    );
    // and a client cannot pick a bucket by naming one itself to the proxy's left.
    assert_eq!(
        track("10.0.0.1", "203.0.113.5, 203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // From anyone else the header is ignored: the peer is the client.
    for i in 0..3 {
        assert_eq!(
            track("198.51.100.7", &format!("192.0.2.{i}")).await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        track("198.51.100.7", "192.0.2.99").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    e.t.cleanup().await;
}

#[tokio::test]
async fn every_kind_of_text_box_is_styled_not_left_at_the_browser_default() {
    let e = env_with(TestDb::sqlite().await, Limits::default()).await;
    let css = send(
        &e.router,
        get("/assets/app.css").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(css.status, StatusCode::OK);
    // Inputs written without a type (the /track box, the verification note, the merge code,
    // the reject reason) and the time and number inputs.
    for selector in [
        "input:not([type])",
        "input[type=number]",
        "input[type=time]",
    ] {
        assert!(css.body.contains(selector), "{selector}");
    }
    e.t.cleanup().await;
}
