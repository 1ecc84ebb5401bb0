use super::{OrgOption, org_options};
use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::pages::Posted;
use crate::render::{Chrome, FormErrors, page, when};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::{Role, UserId};
use ungcuu_store::accounts::users::User;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new))
        .route("/admin/users/{id}", get(edit).post(update))
        .route("/admin/users/{id}/{verb}", post(set_disabled))
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub org: String,
    pub role: &'static str,
    pub disabled: bool,
    pub totp: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct List {
    c: Chrome,
    rows: Vec<UserRow>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    ok: Option<String>,
}

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let users = st.app.list_users(&actor).await?;
    let c = Chrome::new(&ctx, "admin").with_notice(q.ok.as_deref());
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id.0,
            role: c.t(u.role.label_key()),
            disabled: u.disabled_at.is_some(),
            totp: u.totp_enabled,
            created: when(&u.created_at),
            name: u.name,
            email: u.email,
            org: u.org_name,
        })
        .collect();
    Ok(page(
        &List {
            c,
            rows,
            can_create: actor.rights().create_user,
        },
        StatusCode::OK,
    ))
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct Form {
    c: Chrome,
    user: Option<User>,
    v: UserInput,
    errors: FormErrors,
    orgs: Vec<OrgOption>,
    roles: Vec<(&'static str, &'static str)>,
    can_disable: bool,
}

async fn form(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Option<UserId>,
    v: UserInput,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let f = st.app.user_form(actor, id).await?;
    let c = Chrome::new(ctx, "admin");
    let roles = Role::ALL
        .iter()
        .map(|r| (r.code(), c.t(r.label_key())))
        .collect();
    Ok(page(
        &Form {
            c,
            user: f.user,
            v,
            errors,
            orgs: org_options(f.orgs),
            roles,
            can_disable: f.may_disable,
        },
        status,
    ))
}

async fn new(State(st): State<AppState>, Signed(ctx, actor): Signed) -> PageResult {
    form(
        &st,
        &ctx,
        &actor,
        None,
        UserInput::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn on_error(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    user: Option<UserId>,
    mut v: UserInput,
    e: AppError,
) -> PageResult {
    // A password is never sent back into the page.
    v.password.clear();
    match e {
        AppError::Invalid(i) => {
            form(
                st,
                ctx,
                actor,
                user,
                v,
                FormErrors::new(&i.0, ctx.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        e => Err(e.into()),
    }
}

async fn create(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Posted(v): Posted<UserInput>,
) -> PageResult {
    match st.app.create_user(&actor, &v).await {
        Ok(_) => Ok(Redirect::to("/admin/users?ok=user.created").into_response()),
        Err(e) => on_error(&st, &ctx, &actor, None, v, e).await,
    }
}

async fn edit(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let u = st.app.get_user(&actor, UserId(id)).await?;
    let v = UserInput::from_user(&u);
    form(
        &st,
        &ctx,
        &actor,
        Some(u.id),
        v,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn update(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(v): Posted<UserInput>,
) -> PageResult {
    match st.app.update_user(&actor, UserId(id), &v).await {
        Ok(_) => Ok(Redirect::to("/admin/users?ok=user.saved").into_response()),
        Err(e) => on_error(&st, &ctx, &actor, Some(UserId(id)), v, e).await,
    }
}

/// `disable` or `enable`.
async fn set_disabled(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path((id, verb)): Path<(i64, String)>,
) -> PageResult {
    let Some(disabled) = crate::pages::verb_flag(&verb, "disable", "enable") else {
        return Err(PageError::NotFound);
    };
    crate::pages::done(
        st.app.set_user_disabled(&actor, UserId(id), disabled).await,
        "/admin/users?ok=user.saved",
    )
}
