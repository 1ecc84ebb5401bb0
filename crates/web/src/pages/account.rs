//! A person's own account: the second factor and the password.

use super::Posted;
use crate::AppState;
use crate::context::Signed;
use crate::error::PageResult;
use crate::render::{Chrome, FormErrors, page};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::AppError;
use ungcuu_app::accounts::account::AccountSecurity;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/security", get(security))
        .route("/account/totp/start", post(start))
        .route("/account/totp/confirm", post(confirm))
        .route("/account/totp/disable", post(disable))
        .route("/account/password", post(password))
}

#[derive(Template)]
#[template(path = "account.html")]
struct SecurityPage {
    c: Chrome,
    s: AccountSecurity,
    qr_data_uri: String,
    recovery: Vec<String>,
    errors: FormErrors,
    password_changed: bool,
    recovery_left: String,
}

fn qr_uri(s: &AccountSecurity) -> String {
    use base64::Engine;
    s.pending
        .as_ref()
        .map(|p| {
            format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&p.qr_svg)
            )
        })
        .unwrap_or_default()
}

async fn render(
    st: &AppState,
    ctx: &crate::Ctx,
    actor: &ungcuu_app::Actor,
    recovery: Vec<String>,
    errors: FormErrors,
    changed: bool,
    status: StatusCode,
) -> PageResult {
    let s = st.app.account_security(actor).await?;
    let qr_data_uri = qr_uri(&s);
    let c = Chrome::new(ctx, "");
    let recovery_left = c
        .t("account.recovery_left")
        .replace("{n}", &s.recovery_codes_left.to_string());
    Ok(page(
        &SecurityPage {
            c,
            s,
            qr_data_uri,
            recovery,
            errors,
            password_changed: changed,
            recovery_left,
        },
        status,
    ))
}

async fn security(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    render(
        &st,
        &ctx,
        &actor,
        vec![],
        FormErrors::default(),
        q.contains_key("password_changed"),
        StatusCode::OK,
    )
    .await
}

async fn start(State(st): State<AppState>, Signed(_, actor): Signed) -> PageResult {
    st.app.start_totp(&actor).await?;
    Ok(Redirect::to("/account/security").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
    password: String,
    new_password: String,
}

/// Bad input is shown on the page next to its field; anything else is an error page.
async fn on_error(
    st: &AppState,
    ctx: &crate::Ctx,
    actor: &ungcuu_app::Actor,
    e: AppError,
) -> PageResult {
    match e {
        AppError::Invalid(i) => {
            render(
                st,
                ctx,
                actor,
                vec![],
                FormErrors::new(&i.0, ctx.lang),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        e => Err(e.into()),
    }
}

async fn confirm(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(f): Posted<CodeForm>,
) -> PageResult {
    match st.app.confirm_totp(&actor, &f.code).await {
        Ok(codes) => {
            render(
                &st,
                &ctx,
                &actor,
                codes,
                FormErrors::default(),
                false,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => on_error(&st, &ctx, &actor, e).await,
    }
}

async fn disable(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(f): Posted<CodeForm>,
) -> PageResult {
    match st.app.disable_totp(&actor, &f.password).await {
        Ok(()) => Ok(Redirect::to("/account/security").into_response()),
        Err(e) => on_error(&st, &ctx, &actor, e).await,
    }
}

async fn password(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(f): Posted<CodeForm>,
) -> PageResult {
    match st
        .app
        .change_password(
            &actor,
            &f.password,
            &f.new_password,
            ctx.session.as_ref().map(|s| s.id_hash.as_str()),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account/security?password_changed=1").into_response()),
        Err(e) => on_error(&st, &ctx, &actor, e).await,
    }
}
