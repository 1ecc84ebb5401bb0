//! Per-request context: language, session, CSRF token, client address. Loaded once by
//! [`load`]; [`csrf`] then refuses any state-changing request without the right token.

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::{IpAddr, SocketAddr};
use ungcuu_app::Actor;
use ungcuu_app::accounts::signin::SessionInfo;
use ungcuu_domain::Lang;
use ungcuu_domain::system::IpNet;

pub const SESSION_COOKIE: &str = "ucu_session";
/// Over TLS the session and pre-sign-in cookies carry the `__Host-` prefix: a browser then
/// accepts them only when Secure, for the whole site and from this host alone, so a sibling
/// subdomain cannot plant or overwrite them.
const SECURE_SESSION_COOKIE: &str = "__Host-ucu_session";
const SECURE_PRE_CSRF_COOKIE: &str = "__Host-ucu_csrf";
pub const LANG_COOKIE: &str = "ucu_lang";
/// Before sign-in there is no session to hold the CSRF token, so it rides in a cookie of its
/// own and the form echoes it (double submit).
pub const PRE_CSRF_COOKIE: &str = "ucu_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    Always,
    Never,
    /// Secure when the request came over TLS through a proxy (`X-Forwarded-Proto: https`).
    Auto,
}

impl std::str::FromStr for SecureCookies {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "always" | "true" | "1" => Ok(SecureCookies::Always),
            "never" | "false" | "0" => Ok(SecureCookies::Never),
            "auto" => Ok(SecureCookies::Auto),
            _ => Err(format!("expected always, never or auto, got {s:?}")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<SessionInfo>,
    pre_csrf: String,
    pub ip: String,
    pub secure: bool,
    pub path: String,
}

impl Ctx {
    /// The session cookie's name on this request (prefixed over TLS).
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    /// The CSRF token forms on this page must carry.
    pub fn csrf(&self) -> &str {
        match &self.session {
            Some(s) => &s.csrf,
            None => &self.pre_csrf,
        }
    }

    /// The signed-in actor; a session still owing its second factor does not count.
    pub fn actor(&self) -> Option<&Actor> {
        self.session
            .as_ref()
            .filter(|s| !s.mfa_pending)
            .map(|s| &s.actor)
    }

    pub fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(a) = max_age {
            c.push_str(&format!("; Max-Age={a}"));
        }
        if self.secure {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address, for rate limits and lockouts: the connection's peer, unless the
/// peer is a proxy the configuration trusts, in which case `X-Forwarded-For` is read from the
/// right (the entries the trusted proxies themselves appended) to the first address that is
/// not a trusted proxy. A header from anyone else is ignored: a client cannot pick its own
/// bucket by sending one.
fn client_ip(req: &Request, trusted: &[IpNet]) -> String {
    let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "local".into();
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !is_trusted(**ip))
        .or(forwarded.first())
        .unwrap_or(&peer)
        .to_string()
}

/// The request's language: the person's choice (cookie), else their browser's.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie_value(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_else(|| {
            Lang::from_accept_language(
                headers
                    .get("accept-language")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// Resolves language, session and CSRF token, and hands them to the handlers.
pub async fn load(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let lang = lang_of(headers);
    let secure = match st.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes() == b"https"),
    };
    let (session_name, pre_name) = if secure {
        (SECURE_SESSION_COOKIE, SECURE_PRE_CSRF_COOKIE)
    } else {
        (SESSION_COOKIE, PRE_CSRF_COOKIE)
    };
    let session = match cookie_value(headers, session_name) {
        Some(token) if !token.is_empty() => match st.app.session(token).await {
            Ok(s) => s,
            Err(e) => return PageError::from(e).into_response(),
        },
        _ => None,
    };
    let existing_pre = cookie_value(headers, pre_name)
        .filter(|v| v.len() >= 20)
        .map(str::to_string);
    let new_pre = existing_pre.is_none().then(|| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>())
    });
    let ctx = Ctx {
        lang,
        session,
        pre_csrf: existing_pre.or_else(|| new_pre.clone()).unwrap_or_default(),
        ip: client_ip(&req, &st.trusted_proxies),
        secure,
        path: req.uri().path().to_string(),
    };
    let set_pre = new_pre.map(|v| ctx.cookie(pre_name, &v, None));
    req.extensions_mut().insert(ctx);
    let mut res = next.run(req).await;
    if let Some(c) = set_pre {
        res.headers_mut().append(SET_COOKIE, c);
    }
    res
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Every request that can change state (anything but GET/HEAD/OPTIONS) must carry the CSRF
/// token, in the `X-CSRF-Token` header or the form's `_csrf` field. Forgery rides on the
/// cookies a browser adds by itself, so an API request is checked only when its session
/// cookie is what signs it in: one with a bearer token, or with no session at all, goes on
/// to the API, which answers it (a 401 when it carries no valid credentials).
pub async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let api = req.uri().path().starts_with("/api/");
    if api && (bearer(req.headers()) || ctx.session.is_none()) {
        return next.run(req).await;
    }
    let refuse = || {
        if api {
            ApiError::new(StatusCode::FORBIDDEN, "login.csrf").into_response()
        } else {
            PageError::Csrf.into_response()
        }
    };
    let expected = ctx.csrf().to_string();
    if let Some(h) = req.headers().get(CSRF_HEADER) {
        return if constant_time_eq(h.as_bytes(), expected.as_bytes()) {
            next.run(req).await
        } else {
            refuse()
        };
    }
    if let Some(token) = multipart_query_token(req.headers(), req.uri()) {
        return if constant_time_eq(token.as_bytes(), expected.as_bytes()) {
            next.run(req).await
        } else {
            refuse()
        };
    }
    let is_form = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse();
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return PageError::TooLarge.into_response(),
    };
    let token = form_urlencoded_field(&bytes, CSRF_FIELD);
    if !token.is_some_and(|t| constant_time_eq(t.as_bytes(), expected.as_bytes())) {
        return refuse();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether the request signs in with `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> bool {
    bearer_token(headers).is_some()
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The token of a file upload. A `multipart/form-data` body is not read here (it may be a
/// 20 MB file) and an HTML form cannot set a header, so the form's action URL carries the
/// token (`?_csrf=…`): it is the session's, shown on its every page anyway. Only multipart
/// requests may do this.
fn multipart_query_token(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    let multipart = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        return None;
    }
    form_urlencoded_field(uri.query()?.as_bytes(), CSRF_FIELD)
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A signed-in person; anyone else is sent to the sign-in page and brought back after.
pub struct Signed(pub Ctx, pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ctx = parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        match ctx.actor().cloned() {
            Some(a) => Ok(Signed(ctx, a)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = if next == "/" {
                    "/login".to_string()
                } else {
                    format!("/login?next={}", urlencode(next))
                };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}

/// Only local paths are followed after sign-in or a language switch (no open redirect): one
/// `/` and then a path character, judged on the text as given and once more percent-decoded,
/// with no control characters (browsers drop a tab or newline, so `/\t/evil.example` would
/// become `//evil.example`) and no backslash (some browsers read it as `/`). Anything else
/// goes to `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if local_path(n) && local_path(&percent_decoded(n)) => n.to_string(),
        _ => "/".to_string(),
    }
}

fn local_path(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !n.chars().any(|c| c.is_control() || c == '\\')
}

/// `%XX` sequences as the bytes they stand for (invalid ones kept as written).
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_multipart_upload_may_carry_its_csrf_token_in_the_query() {
        let uri: axum::http::Uri = "/registry/import?kind=orgs&_csrf=abc%2B1".parse().unwrap();
        let with = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert("content-type", HeaderValue::from_str(ct).unwrap());
            h
        };
        assert_eq!(
            multipart_query_token(&with("multipart/form-data; boundary=x"), &uri).as_deref(),
            Some("abc+1")
        );
        assert_eq!(
            multipart_query_token(&with("application/x-www-form-urlencoded"), &uri),
            None
        );
        assert_eq!(multipart_query_token(&with("application/json"), &uri), None);
        assert_eq!(multipart_query_token(&HeaderMap::new(), &uri), None);
        let bare: axum::http::Uri = "/registry/import".parse().unwrap();
        assert_eq!(
            multipart_query_token(&with("multipart/form-data; boundary=x"), &bare),
            None
        );
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/admin/orgs?q=x")), "/admin/orgs?q=x");
        assert_eq!(safe_next(Some("/")), "/");
        assert_eq!(safe_next(Some("/intake/SC-1?x=%2F")), "/intake/SC-1?x=%2F");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "",
            // A tab, CR or LF is dropped by browsers: `/\t/evil.example/` is `//evil.example/`.
            "/\t/evil.example/",
            "/\r\nSet-Cookie: x=1",
            "/\n/evil.example",
            // The same, still percent-encoded once more.
            "/%09/evil.example/",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%0d%0aLocation:%20//evil",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
    }
}
