//! Helpers shared by the HTTP tests: an app on a fresh database of each backend, requests
//! sent in process, a signed-in browser with its cookies and CSRF token.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::{Actor, App, AppConfig};
use ungcuu_store::testing::TestDb;
use ungcuu_web::{AppState, Limits, SecureCookies};

pub const PW: &str = "mật khẩu rất dài 2026";

pub struct Env {
    pub app: App,
    pub router: Router,
    pub t: TestDb,
    /// User ids of the team lead (doi_truong) and the deputy (doi_pho).
    pub lead: i64,
    pub deputy: i64,
}

pub async fn env_with(t: TestDb, limits: Limits) -> Env {
    let app = App::new(t.db.clone(), AppConfig::default());
    let org = app
        .create_org(
            &Actor::cli(),
            &ungcuu_app::registry::orgs::OrgInput {
                name: "Công an tỉnh Bắc Ninh".into(),
                kind: "police".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (email, name, role) in [
        ("admin@bn.gov.vn", "Trần Quản Trị", "admin"),
        ("dt@bn.gov.vn", "Lê Văn Trưởng", "doi_truong"),
        ("dp@bn.gov.vn", "Phạm Đức Phó", "doi_pho"),
        ("ld@bn.gov.vn", "Ngô Thanh Lãnh", "lanh_dao"),
    ] {
        let u = app
            .create_user(
                &Actor::cli(),
                &UserInput {
                    name: name.into(),
                    email: email.into(),
                    org_id: org.id.to_string(),
                    role: role.into(),
                    password: PW.into(),
                },
            )
            .await
            .unwrap();
        ids.push(u.id.0);
    }
    let router = ungcuu_web::router(AppState::new(app.clone(), SecureCookies::Auto, limits));
    Env {
        app,
        router,
        t,
        lead: ids[1],
        deputy: ids[2],
    }
}

pub async fn envs() -> Vec<Env> {
    let mut v = Vec::new();
    for t in TestDb::both().await {
        v.push(env_with(t, Limits::default()).await);
    }
    v
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

pub async fn send(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Res {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub fn get(path: &str) -> axum::http::request::Builder {
    Request::builder().method("GET").uri(path)
}

pub fn hidden_csrf(html: &str) -> String {
    let i = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[i..].split('"').next().unwrap().to_string()
}

pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// A signed-in browser: its cookies and the CSRF token its pages carry.
pub struct Browser {
    pub cookies: String,
    pub csrf: String,
}

/// Posts the sign-in form as a browser would (its pre-sign-in cookie and CSRF field), with
/// `next` as sent, already URL-encoded; returns the answer and the pre-sign-in cookie.
pub async fn post_sign_in(router: &Router, email: &str, next_encoded: &str) -> (Res, String) {
    let page = send(router, get("/login").body(Body::empty()).unwrap()).await;
    let pre = cookie_pair(&page.cookie("ucu_csrf").unwrap());
    let csrf = hidden_csrf(&page.body);
    let body = format!(
        "{}&next={next_encoded}",
        form(&[("_csrf", &csrf), ("email", email), ("password", PW)])
    );
    let res = send(
        router,
        Request::post("/login")
            .header(header::COOKIE, &pre)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    (res, pre)
}

pub async fn sign_in(router: &Router, email: &str) -> Browser {
    let (res, pre) = post_sign_in(router, email, "%2F").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let session = res.cookie("ucu_session").expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let cookies = format!("{pre}; {}", cookie_pair(&session));
    let home = send(
        router,
        get("/")
            .header(header::COOKIE, &cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(home.status, StatusCode::OK);
    Browser {
        csrf: hidden_csrf(&home.body),
        cookies,
    }
}

pub fn post_form(b: &Browser, path: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    let mut all: Vec<(&str, &str)> = vec![("_csrf", &b.csrf)];
    all.extend_from_slice(pairs);
    Request::post(path)
        .header(header::COOKIE, &b.cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(&all)))
        .unwrap()
}

pub async fn token(app: &App) -> String {
    let org = app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
    app.create_token(
        &Actor::cli(),
        &ungcuu_app::accounts::tokens::TokenInput {
            name: "tích hợp".into(),
            org_id: org.id.to_string(),
        },
    )
    .await
    .unwrap()
    .1
}

pub async fn audit_rows(app: &App) -> i64 {
    ungcuu_store::audit::count(&app.db).await.unwrap()
}

/// A page as the signed-in browser gets it.
pub async fn page(router: &Router, b: &Browser, path: &str) -> Res {
    send(
        router,
        get(path)
            .header(header::COOKIE, &b.cookies)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// JSON sent from the signed-in browser, with its CSRF header.
pub fn post_json(b: &Browser, path: &str, body: serde_json::Value, lang: &str) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, &b.cookies)
        .header("x-csrf-token", &b.csrf)
        .header(header::ACCEPT_LANGUAGE, lang)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}
