//! `GET /v1/openapi.json`: the OpenAPI 3.1 document, generated from the
//! handlers' and types' annotations, so it cannot drift from the code.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorDetail};
use crate::routes::{analytics, api_keys, auth, bulk, links, logos, qr, workspaces};

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Scanly API", version = "1", description = "Dynamic QR codes, short links and pages."),
    paths(
        auth::signup, auth::login, auth::refresh, auth::logout, auth::me,
        links::create, links::list, links::get, links::update, links::delete, links::replace_page,
        bulk::bulk_create,
        workspaces::list, workspaces::create, workspaces::members, workspaces::add_member, workspaces::remove_member,
        api_keys::create, api_keys::list, api_keys::delete,
        qr::link_qr, qr::static_qr, qr::batch::batch_qr,
        logos::create, logos::list, logos::get, logos::delete, logos::receive_upload,
        analytics::link, analytics::link_csv, analytics::overview, analytics::overview_csv,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
