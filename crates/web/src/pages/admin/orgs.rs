use super::{OrgOption, org_options};
use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::pages::Posted;
use crate::render::{Chrome, FormErrors, page};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::{OrgId, OrgKind};
use ungcuu_store::registry::orgs::Org;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/orgs", get(list).post(create))
        .route("/admin/orgs/new", get(new))
        .route("/admin/orgs/{id}", get(edit).post(update))
        .route("/admin/orgs/{id}/{verb}", post(set_archived))
}

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub depth: usize,
    pub archived: bool,
}

#[derive(Template)]
#[template(path = "admin/orgs.html")]
struct List {
    c: Chrome,
    rows: Vec<OrgRow>,
    q: String,
    archived: bool,
    can_create: bool,
    prev: Option<String>,
    next: Option<String>,
    summary: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    archived: Option<String>,
    ok: Option<String>,
    page: Option<usize>,
}

/// Organisations per page of the list.
const PER_PAGE: usize = 100;

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let archived = q.archived.is_some();
    let orgs = st
        .app
        .list_orgs(&actor, Some(q.q.clone()), archived)
        .await?;
    let c = Chrome::new(&ctx, "admin").with_notice(q.ok.as_deref());
    let base = orgs.iter().map(|o| o.path.depth()).min().unwrap_or(1);
    let pages = orgs.len().div_ceil(PER_PAGE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let total = orgs.len();
    let rows = orgs
        .into_iter()
        .skip((page_no - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|o| OrgRow {
            id: o.id.0,
            kind: c.t(o.kind.label_key()),
            depth: o.path.depth() - base,
            archived: o.archived_at.is_some(),
            name: o.name,
        })
        .collect();
    let can_create = actor.rights().create_org;
    let link = |p: usize| {
        let mut pairs = vec![("q", q.q.clone()), ("page", p.to_string())];
        if archived {
            pairs.push(("archived", "1".into()));
        }
        format!(
            "/admin/orgs?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let prev = (page_no > 1).then(|| link(page_no - 1));
    let next = (page_no < pages).then(|| link(page_no + 1));
    let summary = format!(
        "{} · {}",
        c.t("org.count").replace("{n}", &total.to_string()),
        c.t("system.page")
            .replace("{page}", &page_no.to_string())
            .replace("{pages}", &pages.to_string())
    );
    Ok(page(
        &List {
            c,
            rows,
            q: q.q,
            archived,
            can_create,
            prev,
            next,
            summary,
        },
        StatusCode::OK,
    ))
}

#[derive(Template)]
#[template(path = "admin/org_form.html")]
struct Form {
    c: Chrome,
    org: Option<Org>,
    v: OrgInput,
    errors: FormErrors,
    kinds: Vec<(&'static str, &'static str)>,
    parents: Vec<OrgOption>,
    can_archive: bool,
}

async fn form(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Option<OrgId>,
    v: OrgInput,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let f = st.app.org_form(actor, id).await?;
    let c = Chrome::new(ctx, "admin");
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| (k.code(), c.t(k.label_key())))
        .collect();
    Ok(page(
        &Form {
            c,
            org: f.org,
            v,
            errors,
            kinds,
            parents: org_options(f.parents),
            can_archive: f.may_archive,
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
        OrgInput::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Re-renders the form with every error, or shows the error page for anything else.
async fn on_error(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    org: Option<OrgId>,
    v: OrgInput,
    e: AppError,
) -> PageResult {
    match e {
        AppError::Invalid(i) => {
            form(
                st,
                ctx,
                actor,
                org,
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
    Posted(v): Posted<OrgInput>,
) -> PageResult {
    match st.app.create_org(&actor, &v).await {
        Ok(_) => Ok(Redirect::to("/admin/orgs?ok=org.created").into_response()),
        Err(e) => on_error(&st, &ctx, &actor, None, v, e).await,
    }
}

async fn edit(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let o = st.app.get_org(&actor, OrgId(id)).await?;
    let v = OrgInput::from_org(&o);
    form(
        &st,
        &ctx,
        &actor,
        Some(o.id),
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
    Posted(v): Posted<OrgInput>,
) -> PageResult {
    match st.app.update_org(&actor, OrgId(id), &v).await {
        Ok(_) => Ok(Redirect::to("/admin/orgs?ok=org.saved").into_response()),
        Err(e) => on_error(&st, &ctx, &actor, Some(OrgId(id)), v, e).await,
    }
}

/// `archive` or `unarchive`.
async fn set_archived(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path((id, verb)): Path<(i64, String)>,
) -> PageResult {
    let Some(archived) = crate::pages::verb_flag(&verb, "archive", "unarchive") else {
        return Err(PageError::NotFound);
    };
    crate::pages::done(
        st.app.set_org_archived(&actor, OrgId(id), archived).await,
        "/admin/orgs?ok=org.saved",
    )
}
