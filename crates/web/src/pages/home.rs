//! The overview and the areas still to come.

use crate::AppState;
use crate::context::Signed;
use crate::error::PageResult;
use crate::render::{Chrome, page};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    let mut r = Router::new().route("/", get(dashboard));
    for (key, path, id) in crate::render::NAV
        .iter()
        .filter(|(_, _, id)| !["admin", "registry", "intake", "incidents"].contains(id))
    {
        let (key, id) = (*key, *id);
        r = r.route(path, get(move |s: Signed| area(s, key, id)));
    }
    r
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    c: Chrome,
    welcome: String,
    org: String,
    orgs: i64,
    users: i64,
    audit: Option<i64>,
    /// Unread notices of the person.
    unread: i64,
    /// Reports waiting for the desk (shown as "50+" past a page), for those who read reports.
    awaiting: Option<String>,
}

async fn dashboard(State(st): State<AppState>, Signed(ctx, actor): Signed) -> PageResult {
    let (orgs, users, audit) = st.app.dashboard_counts(&actor).await?;
    let org = match actor.org_id {
        Some(id) => st
            .app
            .get_org(&actor, id)
            .await
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let unread = st.app.unread_notifications(&actor).await.unwrap_or(0);
    let waiting = ungcuu_app::intake::reports::ReportQuery {
        status: Some("received".into()),
        ..Default::default()
    };
    let awaiting = st
        .app
        .list_reports(&actor, &waiting)
        .await
        .ok()
        .map(|l| match l.len() {
            50.. => "50+".to_string(),
            n => n.to_string(),
        });
    let c = Chrome::new(&ctx, "dashboard");
    let welcome = c.t("dash.welcome").replace("{name}", &actor.display_name);
    Ok(page(
        &Dashboard {
            c,
            welcome,
            org,
            orgs,
            users,
            audit,
            unread,
            awaiting,
        },
        StatusCode::OK,
    ))
}

#[derive(Template)]
#[template(path = "area.html")]
struct Area {
    c: Chrome,
    title: &'static str,
    about: &'static str,
}

async fn area(Signed(ctx, _): Signed, key: &'static str, id: &'static str) -> Response {
    let c = Chrome::new(&ctx, id);
    let about = c.t(&format!("area.{id}"));
    let title = c.t(key);
    page(&Area { c, title, about }, StatusCode::OK)
}
