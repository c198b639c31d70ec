//! The router and the state every handler shares.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::{delete, get, post, put};
use std::time::Duration;
use tower_http::cors::CorsLayer;

use crate::config::ApiConfig;
use crate::extract::MAX_BODY_BYTES;
use crate::objects::ObjectStore;
use crate::objects::memory::MemoryObjects;
use crate::publish::{EdgePublisher, Publishing};
use crate::routes::{analytics, api_keys, auth, bulk, links, logos, qr, workspaces};
use crate::store::Store;

/// Milliseconds since the epoch; injected so tests can move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<ApiConfig>,
    pub store: Arc<dyn Store>,
    /// Uploaded logos (and cached QR images); see `objects`.
    pub objects: Arc<dyn ObjectStore>,
    pub publishing: Arc<Publishing>,
    pub clock: Clock,
}

/// Where the embedded object store's upload URLs point unless told
/// otherwise (`with_objects`): the local server's default address.
pub const DEFAULT_LOCAL_API_BASE: &str = "http://127.0.0.1:8788";

impl AppState {
    /// With the embedded object store, its uploads signed with the
    /// config's signing secret and addressed to [`DEFAULT_LOCAL_API_BASE`];
    /// `with_objects` replaces it.
    pub fn new(config: ApiConfig, store: Arc<dyn Store>, edge: Arc<dyn EdgePublisher>) -> Self {
        let objects = Arc::new(MemoryObjects::new(
            DEFAULT_LOCAL_API_BASE,
            config.signing_secret.clone(),
        ));
        Self {
            config: Arc::new(config),
            publishing: Arc::new(Publishing::new(Arc::clone(&store), edge)),
            store,
            objects,
            clock: Arc::new(|| chrono::Utc::now().timestamp_millis()),
        }
    }

    pub fn with_objects(self, objects: Arc<dyn ObjectStore>) -> Self {
        Self { objects, ..self }
    }

    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("edge_base_url", &self.config.edge_base_url)
            .finish_non_exhaustive()
    }
}

pub fn router(state: AppState) -> Router {
    let router = Router::new()
        .route("/v1/auth/signup", post(auth::signup))
        .route("/v1/auth/login", post(auth::login))
        .route("/v1/auth/refresh", post(auth::refresh))
        .route("/v1/auth/logout", post(auth::logout))
        .route("/v1/me", get(auth::me))
        .route("/v1/openapi.json", get(crate::openapi::document))
        .route(
            "/v1/workspaces",
            get(workspaces::list).post(workspaces::create),
        )
        .route(
            "/v1/workspaces/{id}/members",
            get(workspaces::members).post(workspaces::add_member),
        )
        .route(
            "/v1/workspaces/{id}/members/{user_id}",
            delete(workspaces::remove_member),
        )
        .route("/v1/api-keys", post(api_keys::create).get(api_keys::list))
        .route("/v1/api-keys/{id}", delete(api_keys::delete))
        .route("/v1/links", post(links::create).get(links::list))
        .route("/v1/links/bulk", post(bulk::bulk_create))
        .route(
            "/v1/links/{id}",
            get(links::get).patch(links::update).delete(links::delete),
        )
        .route("/v1/links/{id}/page", put(links::replace_page))
        .route("/v1/links/{id}/qr", get(qr::link_qr))
        .route("/v1/links/{id}/analytics", get(analytics::link))
        .route("/v1/links/{id}/analytics.csv", get(analytics::link_csv))
        .route("/v1/analytics", get(analytics::overview))
        .route("/v1/analytics.csv", get(analytics::overview_csv))
        .route("/v1/qr", post(qr::static_qr))
        .route("/v1/qr/batch", post(qr::batch_qr))
        .route("/v1/logos", post(logos::create).get(logos::list))
        .route("/v1/logos/{id}", get(logos::get).delete(logos::delete))
        .route("/v1/uploads/{*key}", put(logos::receive_upload))
        .fallback(|| async { crate::error::ApiError::not_found("endpoint") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let cors = state.config.spa_origin.as_deref().and_then(cors_for);
    let router = router.with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// Only the SPA's origin may call the API from a browser.
fn cors_for(origin: &str) -> Option<CorsLayer> {
    let origin = HeaderValue::from_str(origin).ok()?;
    Some(
        CorsLayer::new()
            .allow_origin(origin)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                HeaderName::from_static("x-workspace-id"),
            ])
            .expose_headers([header::RETRY_AFTER, header::CONTENT_DISPOSITION])
            .max_age(Duration::from_secs(600)),
    )
}
