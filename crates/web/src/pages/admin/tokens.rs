use super::{OrgOption, org_options};
use crate::context::Signed;
use crate::error::PageResult;
use crate::pages::Posted;
use crate::render::{Chrome, FormErrors, page, when};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use ungcuu_app::accounts::tokens::TokenInput;
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::TokenId;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/tokens", get(list).post(create))
        .route("/admin/tokens/{id}/revoke", post(revoke))
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct List {
    c: Chrome,
    rows: Vec<TokenRow>,
    orgs: Vec<OrgOption>,
    v: TokenInput,
    errors: FormErrors,
    secret: Option<String>,
    can_create: bool,
}

async fn render(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    v: TokenInput,
    errors: FormErrors,
    secret: Option<String>,
    status: StatusCode,
) -> PageResult {
    let tokens = st.app.list_tokens(actor).await?;
    let can_create = actor.rights().create_token;
    let orgs = org_options(st.app.token_org_choices(actor).await?);
    let rows = tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.0,
            created: when(&t.created_at),
            last_used: t
                .last_used_at
                .as_ref()
                .map(when)
                .unwrap_or_else(|| "—".into()),
            revoked: t.revoked_at.is_some(),
            name: t.name,
            org: t.org_name,
            prefix: t.prefix,
        })
        .collect();
    Ok(page(
        &List {
            c: Chrome::new(ctx, "admin"),
            rows,
            orgs,
            v,
            errors,
            secret,
            can_create,
        },
        status,
    ))
}

async fn list(State(st): State<AppState>, Signed(ctx, actor): Signed) -> PageResult {
    render(
        &st,
        &ctx,
        &actor,
        TokenInput::default(),
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn create(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(v): Posted<TokenInput>,
) -> PageResult {
    match st.app.create_token(&actor, &v).await {
        // The secret is shown in this response only; it is not stored and cannot be shown again.
        Ok((_, secret)) => {
            render(
                &st,
                &ctx,
                &actor,
                TokenInput::default(),
                FormErrors::default(),
                Some(secret),
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Invalid(i)) => {
            render(
                &st,
                &ctx,
                &actor,
                v,
                FormErrors::new(&i.0, ctx.lang),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    st.app.revoke_token(&actor, TokenId(id)).await?;
    Ok(Redirect::to("/admin/tokens").into_response())
}
