//! The API's own contract for credentials (API.md): every route under `/api/v1` answers `401`
//! with a JSON error to a caller with no credentials, a bad token or a revoked one, before any
//! other check (CSRF, path, body). The routes come from the OpenAPI document, so a documented
//! route is covered the day it is added.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use ungcuu_app::Actor;
use ungcuu_app::accounts::tokens::TokenInput;

/// Every (method, path) the OpenAPI document lists, path parameters filled with a dummy.
async fn operations(router: &axum::Router) -> Vec<(String, String)> {
    let r = send(
        router,
        get("/api/v1/openapi.json").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let filled = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                ops.push((method.to_uppercase(), filled.clone()));
            }
        }
    }
    ops
}

fn request(method: &str, path: &str, auth: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(a) = auth {
        b = b.header(header::AUTHORIZATION, a);
    }
    if method == "GET" {
        b.body(Body::empty()).unwrap()
    } else {
        b.header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap()
    }
}

#[tokio::test]
async fn every_api_route_answers_401_json_without_valid_credentials() {
    for e in envs().await {
        let ops = operations(&e.router).await;
        assert!(
            ops.len() > 40,
            "{}: only {} operations",
            e.t.name,
            ops.len()
        );
        assert!(ops.contains(&("POST".into(), "/api/v1/reports".into())));

        let org = e.app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
        let (revoked, secret) = e
            .app
            .create_token(
                &Actor::cli(),
                &TokenInput {
                    name: "thu hồi".into(),
                    org_id: org.id.to_string(),
                },
            )
            .await
            .unwrap();
        e.app.revoke_token(&Actor::cli(), revoked.id).await.unwrap();
        let revoked_auth = format!("Bearer {secret}");

        let before = audit_rows(&e.app).await;
        for (method, path) in &ops {
            if path == "/api/v1/openapi.json" {
                continue; // public by design
            }
            for (what, auth) in [
                ("no credentials", None),
                ("a bad token", Some("Bearer ucu_not_a_token")),
                ("a revoked token", Some(revoked_auth.as_str())),
            ] {
                let r = send(&e.router, request(method, path, auth)).await;
                let at = format!("{}: {method} {path} with {what}", e.t.name);
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{at}: {}", r.body);
                assert_eq!(
                    r.headers.get(header::CONTENT_TYPE).unwrap(),
                    "application/json",
                    "{at}"
                );
                assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer", "{at}");
                assert!(r.json()["error"].is_string(), "{at}: {}", r.body);
            }
        }
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
async fn the_401_is_in_the_callers_language() {
    for e in envs().await {
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header(header::ACCEPT_LANGUAGE, "en")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        let en = r.json()["error"].as_str().unwrap().to_string();
        let r = send(&e.router, request("POST", "/api/v1/orgs", None)).await;
        let vi = r.json()["error"].as_str().unwrap().to_string();
        assert_ne!(en, vi, "{}", e.t.name);
        assert!(vi.contains("đăng nhập"), "{vi}");
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_bearer_token_needs_no_csrf_token_but_a_browser_session_does() {
    for e in envs().await {
        let tok = token(&e.app).await;
        let parent = e.app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
        let org = |name: &str| serde_json::json!({"name": name, "kind": "other", "parent_id": parent.id.to_string()});
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header(header::AUTHORIZATION, format!("Bearer {tok}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(org("Phòng Thử 1").to_string()))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", e.t.name, r.body);

        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let r = send(
            &e.router,
            Request::post("/api/v1/orgs")
                .header(header::COOKIE, &b.cookies)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(org("Phòng Thử 2").to_string()))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(
            r.json()["error"].is_string(),
            "the API answers JSON: {}",
            r.body
        );
        let r = send(
            &e.router,
            post_json(&b, "/api/v1/orgs", org("Phòng Thử 2"), "vi"),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        e.t.cleanup().await;
    }
}
