//! The OpenAPI document, generated from the handlers' annotations so it cannot drift.

use super::documents;
use super::{attachments, handlers, import, registry, reports, roster, triage};
use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "ungcuu API", description = "API của hệ thống ứng cứu sự cố an toàn thông tin mạng. Errors: 401 without a valid token, 413 past the body limit, 422 naming every bad field (Vietnamese, or English with Accept-Language: en), 429 past the rate limit."),
    paths(
        handlers::me,
        handlers::list_orgs, handlers::get_org, handlers::create_org, handlers::update_org, handlers::archive_org,
        handlers::list_users, handlers::get_user, handlers::create_user, handlers::update_user,
        handlers::list_tokens, handlers::create_token, handlers::revoke_token,
        handlers::audit,
        reports::file, reports::get,
        triage::list, triage::export, triage::verify, triage::triage, triage::incidents, triage::incident,
        attachments::upload, attachments::list, attachments::download,
        registry::list_systems, registry::get_system, registry::create_system, registry::update_system, registry::retire_system,
        registry::list_contacts, registry::set_contact,
        import::import, import::export,
        roster::roster, roster::rosters, roster::issue_roster,
        roster::delegations, roster::create_delegation, roster::revoke_delegation, roster::authority,
        documents::form_file, documents::initial_document, documents::final_report, documents::save_final_report, documents::list, documents::draft, documents::document, documents::issue, documents::file, documents::attach, documents::copy_file,
    ),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
pub struct ApiDoc;

pub async fn document() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
