//! Danh mục: the registry's index and an organisation's page (details, leader and focal
//! point with their history, systems, units below).

pub(crate) mod import;
pub(crate) mod roster;
pub(crate) mod systems;

use super::Posted;
use crate::AppState;
use crate::context::Signed;
use crate::error::PageResult;
use crate::render::{Chrome, FormErrors, page};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::registry::contacts::ContactInput;
use ungcuu_app::registry::systems::SystemQuery;
use ungcuu_app::{Actor, AppError};
use ungcuu_domain::OrgId;
use ungcuu_domain::org::ContactKind;
use ungcuu_store::registry::orgs::Org;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registry", get(index))
        .route("/registry/orgs/{id}", get(org_page))
        .route("/registry/orgs/{id}/contacts", post(set_contact))
}

#[derive(Template)]
#[template(path = "registry/index.html")]
struct Index {
    c: Chrome,
    links: Vec<(&'static str, &'static str)>,
}

async fn index(Signed(ctx, actor): Signed) -> Response {
    let c = Chrome::new(&ctx, "registry");
    let r = actor.rights();
    let links = [
        (r.view_orgs, "/admin/orgs", "registry.orgs"),
        (r.view_systems, "/registry/systems", "registry.systems"),
        (r.view_roster, "/registry/roster", "registry.roster"),
        (
            r.view_roster,
            "/registry/delegations",
            "registry.delegations",
        ),
        (r.import_registry, "/registry/import", "registry.import"),
    ]
    .into_iter()
    .filter(|(may, _, _)| *may)
    .map(|(_, href, key)| (href, c.t(key)))
    .collect();
    page(&Index { c, links }, StatusCode::OK)
}

pub struct ContactRow {
    pub kind: &'static str,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub since: String,
    pub until: Option<String>,
}

pub struct SystemRow {
    pub id: i64,
    pub name: String,
    pub level: String,
    pub critical: bool,
    pub retired: bool,
}

#[derive(Template)]
#[template(path = "registry/org.html")]
struct OrgPage {
    c: Chrome,
    org: Org,
    kind: &'static str,
    parent: Option<(i64, String)>,
    children: Vec<(i64, String)>,
    current: Vec<ContactRow>,
    history: Vec<ContactRow>,
    systems: Vec<SystemRow>,
    systems_total: i64,
    can_edit: bool,
    can_add_system: bool,
    v: ContactInput,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OkQuery {
    ok: Option<String>,
}

// The page's inputs are all different things; a struct for them would only rename them.
#[allow(clippy::too_many_arguments)]
async fn render_org(
    st: &AppState,
    ctx: &crate::Ctx,
    actor: &Actor,
    id: OrgId,
    v: ContactInput,
    errors: FormErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> PageResult {
    let run = async {
        let org = st.app.get_org(actor, id).await?;
        let contacts = st.app.list_contacts(actor, id).await?;
        let (systems, systems_total) = st
            .app
            .list_systems(
                actor,
                &SystemQuery {
                    owner: Some(id.0),
                    retired: true,
                    ..Default::default()
                },
            )
            .await?;
        let parent = match org.parent_id {
            Some(p) => st
                .app
                .get_org(actor, p)
                .await
                .ok()
                .map(|p| (p.id.0, p.name)),
            None => None,
        };
        let children = st
            .app
            .list_orgs(actor, None, false)
            .await?
            .into_iter()
            .filter(|o| o.parent_id == Some(id))
            .map(|o| (o.id.0, o.name))
            .collect();
        Ok::<_, AppError>((org, contacts, systems, systems_total, parent, children))
    };
    let (org, contacts, systems, systems_total, parent, children) = run.await?;
    let c = Chrome::new(ctx, "registry").with_notice(notice);
    let row = |x: &ungcuu_store::registry::contacts::Contact| ContactRow {
        kind: c.t(x.kind.label_key()),
        name: x.name.clone(),
        title: x.title.clone().unwrap_or_default(),
        phone: x.phone.clone().unwrap_or_default(),
        email: x.email.clone().unwrap_or_default(),
        since: x.since.format("%d/%m/%Y").to_string(),
        until: x.until.map(|d| d.format("%d/%m/%Y").to_string()),
    };
    let current = contacts
        .iter()
        .filter(|x| x.until.is_none())
        .map(row)
        .collect();
    let history = contacts
        .iter()
        .filter(|x| x.until.is_some())
        .map(row)
        .collect();
    let systems = systems
        .into_iter()
        .map(|s| SystemRow {
            id: s.id,
            level: s
                .security_level
                .map(|l| l.to_string())
                .unwrap_or_else(|| "—".into()),
            critical: s.critical,
            retired: s.status.is_retired(),
            name: s.name,
        })
        .collect();
    let may = st.app.org_actions(actor, &org);
    let (can_edit, can_add_system) = (may.may_edit, may.may_add_system);
    let kind = c.t(org.kind.label_key());
    Ok(page(
        &OrgPage {
            c,
            org,
            kind,
            parent,
            children,
            current,
            history,
            systems,
            systems_total,
            can_edit,
            can_add_system,
            v,
            errors,
        },
        status,
    ))
}

async fn org_page(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    let v = ContactInput {
        kind: "focal".into(),
        ..Default::default()
    };
    render_org(
        &st,
        &ctx,
        &actor,
        OrgId(id),
        v,
        FormErrors::default(),
        q.ok.as_deref(),
        StatusCode::OK,
    )
    .await
}

async fn set_contact(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(v): Posted<ContactInput>,
) -> PageResult {
    match st.app.set_contact(&actor, OrgId(id), &v).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registry/orgs/{id}?ok=org.contact_saved")).into_response())
        }
        Err(AppError::Invalid(i)) => {
            render_org(
                &st,
                &ctx,
                &actor,
                OrgId(id),
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
