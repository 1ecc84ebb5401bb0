//! Signing in and out, the second factor, the language switch.

use super::Posted;
use crate::context::{LANG_COOKIE, safe_next};
use crate::error::{PageError, PageResult};
use crate::render::{Chrome, page};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::accounts::signin::{SignIn, SignInError};
use ungcuu_domain::Lang;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/login/totp", get(totp_page).post(totp))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "login_totp.html")]
struct TotpPage {
    c: Chrome,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
    expired: Option<String>,
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.actor().is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let error = q
        .expired
        .map(|_| ungcuu_domain::i18n::t(ctx.lang, "login.expired").to_string());
    page(
        &LoginPage {
            c: Chrome::new(&ctx, "login"),
            email: String::new(),
            next: safe_next(q.next.as_deref()),
            error,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: String,
}

fn session_cookie(ctx: &Ctx, token: &str) -> (axum::http::HeaderName, axum::http::HeaderValue) {
    (
        SET_COOKIE,
        ctx.cookie(ctx.session_cookie_name(), token, None),
    )
}

async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Posted(f): Posted<LoginForm>,
) -> PageResult {
    if let Err(secs) = st.limits.signin.check(&ctx.ip) {
        return Err(PageError::RateLimited(secs));
    }
    let ua = headers.get("user-agent").and_then(|v| v.to_str().ok());
    let next = safe_next(Some(&f.next));
    let failed = |key: &str, minutes: Option<i64>| {
        let msg = ungcuu_domain::i18n::t(ctx.lang, key)
            .replace("{minutes}", &minutes.unwrap_or(0).to_string());
        let p = LoginPage {
            c: Chrome::new(&ctx, "login"),
            email: f.email.clone(),
            next: next.clone(),
            error: Some(msg),
        };
        page(&p, StatusCode::UNAUTHORIZED)
    };
    Ok(
        match st
            .app
            .sign_in(&f.email, &f.password, Some(&ctx.ip), ua)
            .await
        {
            Ok(SignIn::Done(s)) => {
                ([session_cookie(&ctx, &s.token)], Redirect::to(&next)).into_response()
            }
            Ok(SignIn::NeedSecondFactor(s)) => {
                let to = format!("/login/totp?next={}", crate::context::urlencode(&next));
                ([session_cookie(&ctx, &s.token)], Redirect::to(&to)).into_response()
            }
            Err(SignInError::Failed) => failed("login.failed", None),
            Err(SignInError::Locked { minutes }) => failed("login.locked", Some(minutes)),
            Err(SignInError::Internal(e)) => PageError::from(e).into_response(),
        },
    )
}

fn pending(ctx: &Ctx) -> bool {
    ctx.session.as_ref().is_some_and(|s| s.mfa_pending)
}

async fn totp_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if !pending(&ctx) {
        return Redirect::to("/login").into_response();
    }
    page(
        &TotpPage {
            c: Chrome::new(&ctx, "login"),
            next: safe_next(q.next.as_deref()),
            error: None,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TotpForm {
    code: String,
    next: String,
}

async fn totp(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Posted(f): Posted<TotpForm>,
) -> PageResult {
    if let Err(secs) = st.limits.signin.check(&ctx.ip) {
        return Err(PageError::RateLimited(secs));
    }
    let token = crate::context::cookie_value(&headers, ctx.session_cookie_name())
        .unwrap_or_default()
        .to_string();
    if !pending(&ctx) {
        return Ok(Redirect::to("/login?expired=1").into_response());
    }
    let next = safe_next(Some(&f.next));
    let failed = |key: &str, minutes: i64| {
        let msg = ungcuu_domain::i18n::t(ctx.lang, key).replace("{minutes}", &minutes.to_string());
        page(
            &TotpPage {
                c: Chrome::new(&ctx, "login"),
                next: next.clone(),
                error: Some(msg),
            },
            StatusCode::UNAUTHORIZED,
        )
    };
    Ok(match st.app.second_factor(&token, &f.code).await {
        Ok(s) => ([session_cookie(&ctx, &s.token)], Redirect::to(&next)).into_response(),
        Err(SignInError::Failed) => failed("login.totp_failed", 0),
        Err(SignInError::Locked { minutes }) => failed("login.locked", minutes),
        Err(SignInError::Internal(e)) => PageError::from(e).into_response(),
    })
}

async fn logout(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    if let Some(s) = &ctx.session
        && let Err(e) = st.app.sign_out(s).await
    {
        return Err(e.into());
    }
    Ok((
        [(
            SET_COOKIE,
            ctx.cookie(ctx.session_cookie_name(), "", Some(0)),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}

async fn switch_lang(ctx: Ctx, Path(code): Path<String>, Query(q): Query<NextQuery>) -> PageResult {
    let Some(lang) = Lang::parse(&code) else {
        return Err(PageError::NotFound);
    };
    let year = 365 * 24 * 3600;
    Ok((
        [(SET_COOKIE, ctx.cookie(LANG_COOKIE, lang.code(), Some(year)))],
        Redirect::to(&safe_next(q.next.as_deref())),
    )
        .into_response())
}
