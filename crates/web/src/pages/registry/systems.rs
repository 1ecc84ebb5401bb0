//! Information systems: list with search and filters, register, edit, retire.

use crate::context::Signed;
use crate::error::{PageError, PageResult};
use crate::pages::Posted;
use crate::pages::admin::{OrgOption, org_options};
use crate::render::{Chrome, FormErrors, page};
use crate::{AppState, Ctx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use ungcuu_app::registry::systems::{PAGE_SIZE, SystemInput, SystemQuery};
use ungcuu_app::{Actor, AppError};
use ungcuu_store::registry::systems::System;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/registry/systems", get(list).post(create))
        .route("/registry/systems/new", get(new))
        .route("/registry/systems/{id}", get(edit).post(update))
        .route("/registry/systems/{id}/{verb}", post(set_retired))
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub domains: String,
    pub level: String,
    pub critical: bool,
    pub retired: bool,
}

#[derive(Template)]
#[template(path = "registry/systems.html")]
struct List {
    c: Chrome,
    rows: Vec<Row>,
    q: SystemQuery,
    level: String,
    count: String,
    page_label: String,
    prev: Option<String>,
    next: Option<String>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    owner: Option<String>,
    level: Option<String>,
    critical: Option<String>,
    retired: Option<String>,
    page: Option<i64>,
    ok: Option<String>,
}

fn page_link(q: &SystemQuery, page: i64) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("q", q.q.clone())];
    if let Some(l) = q.level {
        pairs.push(("level", l.to_string()));
    }
    if q.critical == Some(true) {
        pairs.push(("critical", "true".into()));
    }
    if q.retired {
        pairs.push(("retired", "1".into()));
    }
    if let Some(o) = q.owner {
        pairs.push(("owner", o.to_string()));
    }
    pairs.push(("page", page.to_string()));
    format!(
        "/registry/systems?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

async fn list(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(lq): Query<ListQuery>,
) -> PageResult {
    // Query-string filters that do not parse are ignored rather than refused: a list should
    // always show, and the form shows what was applied.
    let q = SystemQuery {
        q: lq.q.clone(),
        owner: lq.owner.as_deref().and_then(|s| s.parse().ok()),
        level: lq
            .level
            .as_deref()
            .and_then(|s| s.parse().ok())
            .filter(|l| (1..=5).contains(l)),
        critical: lq
            .critical
            .as_deref()
            .map(|v| v == "true" || v == "on" || v == "1")
            .filter(|v| *v),
        retired: lq.retired.is_some(),
        page: lq.page,
    };
    let (systems, total) = st.app.list_systems(&actor, &q).await?;
    let c = Chrome::new(&ctx, "registry").with_notice(lq.ok.as_deref());
    let page_no = ungcuu_domain::paging::clamp(q.page.unwrap_or(1));
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let rows = systems.into_iter().map(row).collect();
    let count = c.t("system.count").replace("{n}", &total.to_string());
    let page_label = c
        .t("system.page")
        .replace("{page}", &page_no.to_string())
        .replace("{pages}", &pages.to_string());
    let prev = (page_no > 1).then(|| page_link(&q, page_no - 1));
    let next = (page_no < pages).then(|| page_link(&q, page_no + 1));
    let level = q.level.map(|l| l.to_string()).unwrap_or_default();
    let can_create = actor.rights().create_system;
    Ok(page(
        &List {
            c,
            rows,
            q,
            level,
            count,
            page_label,
            prev,
            next,
            can_create,
        },
        StatusCode::OK,
    ))
}

fn row(s: System) -> Row {
    Row {
        id: s.id,
        level: s
            .security_level
            .map(|l| l.to_string())
            .unwrap_or_else(|| "—".into()),
        critical: s.critical,
        retired: s.status.is_retired(),
        domains: s.domains.join(", "),
        owner: s.owner_name,
        name: s.name,
    }
}

#[derive(Template)]
#[template(path = "registry/system_form.html")]
struct Form {
    c: Chrome,
    system: Option<System>,
    v: SystemInput,
    errors: FormErrors,
    owners: Vec<OrgOption>,
    services: Vec<(&'static str, &'static str, bool)>,
    services_other: String,
    measures: Vec<(&'static str, &'static str, bool)>,
    measures_other: String,
    critical: bool,
    can_edit: bool,
}

/// The checkbox group of a list field: (code, label, ticked), and the "other" text.
fn ticks(
    c: &Chrome,
    raw: &str,
    codes: &[&'static str],
    prefix: &str,
) -> (Vec<(&'static str, &'static str, bool)>, String) {
    let items: Vec<&str> = raw.lines().map(str::trim).collect();
    let boxes = codes
        .iter()
        .map(|code| {
            (
                *code,
                c.t(&format!("{prefix}.{code}")),
                items.contains(code),
            )
        })
        .collect();
    let other = items
        .iter()
        .filter_map(|i| i.strip_prefix("other:"))
        .collect::<Vec<_>>()
        .join(", ");
    (boxes, other)
}

#[allow(clippy::too_many_arguments)]
async fn form(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Option<i64>,
    v: SystemInput,
    errors: FormErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> PageResult {
    let f = st.app.system_form(actor, id).await?;
    let (system, owners, can_edit) = (f.system, org_options(f.owners), f.may_edit);
    let c = Chrome::new(ctx, "registry").with_notice(notice);
    let (services, services_other) =
        ticks(&c, &v.services, &["web", "mail", "database"], "service");
    let (measures, measures_other) = ticks(
        &c,
        &v.measures,
        &["antivirus", "firewall", "ids"],
        "measure",
    );
    let critical = matches!(v.critical.as_str(), "true" | "on" | "1");
    Ok(page(
        &Form {
            c,
            system,
            v,
            errors,
            owners,
            services,
            services_other,
            measures,
            measures_other,
            critical,
            can_edit,
        },
        status,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    owner: Option<String>,
}

async fn new(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let v = SystemInput {
        owner_org_id: q.owner.unwrap_or_default(),
        ..Default::default()
    };
    form(
        &st,
        &ctx,
        &actor,
        None,
        v,
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Reads the form: checkbox groups send repeated keys, and "other" boxes add `other:…`.
fn read_form(pairs: Vec<(String, String)>) -> SystemInput {
    let mut v = SystemInput::default();
    let mut services = Vec::new();
    let mut measures = Vec::new();
    for (k, val) in pairs {
        match k.as_str() {
            "owner_org_id" => v.owner_org_id = val,
            "operator_name" => v.operator_name = val,
            "name" => v.name = val,
            "domains" => v.domains = val,
            "public_ip_ranges" => v.public_ip_ranges = val,
            "ips" => v.ips = val,
            "security_level" => v.security_level = val,
            "level_state" => v.level_state = val,
            "level_doc_number" => v.level_doc_number = val,
            "level_doc_date" => v.level_doc_date = val,
            "critical" => v.critical = val,
            "security_provider" => v.security_provider = val,
            "connectivity_provider" => v.connectivity_provider = val,
            "os" => v.os = val,
            "os_version" => v.os_version = val,
            "purpose" => v.purpose = val,
            "services" => services.push(val),
            "measures" => measures.push(val),
            "services_other" if !val.trim().is_empty() => {
                services.push(format!("other:{}", val.trim()))
            }
            "measures_other" if !val.trim().is_empty() => {
                measures.push(format!("other:{}", val.trim()))
            }
            _ => {}
        }
    }
    v.services = services.join("\n");
    v.measures = measures.join("\n");
    v
}

async fn on_error(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    system: Option<i64>,
    v: SystemInput,
    e: AppError,
) -> PageResult {
    match e {
        AppError::Invalid(i) => {
            form(
                st,
                ctx,
                actor,
                system,
                v,
                FormErrors::new(&i.0, ctx.lang),
                None,
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
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> PageResult {
    let v = read_form(pairs);
    match st.app.create_system(&actor, &v).await {
        Ok(s) => Ok(
            Redirect::to(&format!("/registry/systems/{}?ok=system.created", s.id)).into_response(),
        ),
        Err(e) => on_error(&st, &ctx, &actor, None, v, e).await,
    }
}

async fn edit(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    let s = st.app.get_system(&actor, id).await?;
    let v = SystemInput::from_system(&s);
    form(
        &st,
        &ctx,
        &actor,
        Some(s.id),
        v,
        FormErrors::default(),
        q.ok.as_deref(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OkQuery {
    ok: Option<String>,
}

async fn update(
    State(st): State<AppState>,
    Signed(ctx, actor): Signed,
    Path(id): Path<i64>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> PageResult {
    let v = read_form(pairs);
    match st.app.update_system(&actor, id, &v).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/registry/systems/{id}?ok=system.saved")).into_response())
        }
        Err(e) => on_error(&st, &ctx, &actor, Some(id), v, e).await,
    }
}

/// `retire` or `reinstate`.
async fn set_retired(
    State(st): State<AppState>,
    Signed(_, actor): Signed,
    Path((id, verb)): Path<(i64, String)>,
) -> PageResult {
    let Some(retired) = crate::pages::verb_flag(&verb, "retire", "reinstate") else {
        return Err(PageError::NotFound);
    };
    crate::pages::done(
        st.app.set_system_retired(&actor, id, retired).await,
        &format!("/registry/systems/{id}"),
    )
}
