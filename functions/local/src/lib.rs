//! The control plane on one local port, for `make dev`: the management API
//! (`/v1/…`), ingest (`/internal/scans`) and a health check, with the
//! outbox drain and the rollup's event source running beside them — the
//! same handlers the Lambdas run, wired the way AWS wires them. Adapters
//! come from the environment as in the Lambdas: embedded by default
//! (persisted under `SCANLY_DATA_DIR`), DynamoDB/S3/SQS-compatible servers
//! when their variables are set (`resources` creates theirs on request).

pub mod resources;

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use scanly_api::AppState;
use scanly_api::objects::ObjectStore;
use scanly_api::objects::s3::S3Objects;
use scanly_api::runtime::Persistence;
use scanly_api::store::Store;
use scanly_ingest::config::IngestConfig;
use scanly_ingest::queue::ScanQueue;
use scanly_ingest::runtime::queue_from_config;
use scanly_ingest::{IngestState, router as ingest_router};
use scanly_rollup::Rollup;
use scanly_rollup::source::{LocalEventSource, SourceSettings};
use serde_json::json;
use tokio::task::JoinHandle;

/// How often the local outbox drain retries publishing to the edge.
const OUTBOX_EVERY: Duration = Duration::from_secs(2);

/// A shorter batching window than Lambda's 10 s: locally, scans should show
/// up in analytics within a couple of seconds.
const LOCAL_WINDOW: Duration = Duration::from_secs(1);

pub struct LocalPlatform {
    pub api: AppState,
    /// Saves the embedded store under `SCANLY_DATA_DIR` (every second in
    /// the background; `save_now` once more on shutdown).
    pub persistence: Persistence,
    pub ingest: IngestState,
    pub queue: Arc<dyn ScanQueue>,
    pub rollup: Arc<Rollup>,
}

impl std::fmt::Debug for LocalPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalPlatform").finish_non_exhaustive()
    }
}

/// A set, non-blank environment variable, trimmed.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl LocalPlatform {
    pub async fn from_env() -> Result<Self, String> {
        let created_queue = if resources::requested() {
            resources::create().await?
        } else {
            None
        };
        let (api, persistence) =
            scanly_api::runtime::state_with_persistence_from_env().map_err(|e| e.to_string())?;
        let ingest_config = IngestConfig::from_env().map_err(|e| e.to_string())?;
        let queue: Arc<dyn ScanQueue> = match created_queue {
            Some(queue) => Arc::new(queue),
            None => queue_from_config(&ingest_config.queue),
        };
        let ingest = IngestState::new(ingest_config.secrets, Arc::clone(&queue));
        // The raw archive: its own bucket when named, else the API's
        // object store (under `events/`).
        let archive: Arc<dyn ObjectStore> = match var("SCANLY_ARCHIVE_BUCKET") {
            Some(bucket) => Arc::new(S3Objects::from_env(bucket)),
            None => Arc::clone(&api.objects),
        };
        let rollup = Arc::new(Rollup::new(
            Arc::clone(&api.store),
            archive,
            Arc::clone(&api.publishing),
        ));
        Ok(Self {
            api,
            persistence,
            ingest,
            queue,
            rollup,
        })
    }

    /// `/v1/…` (the API), `POST /internal/scans` (ingest), `GET /healthz`.
    pub fn router(&self) -> Router {
        let store = Arc::clone(&self.api.store);
        scanly_api::router(self.api.clone())
            // As a service, so the ingest router sees (and verifies the
            // signature over) the full path.
            .route_service(
                "/internal/scans",
                ingest_router(self.ingest.clone()).into_service::<axum::body::Body>(),
            )
            .route("/healthz", get(move || health(Arc::clone(&store))))
    }

    /// The outbox drain and the rollup's event source, for the life of the
    /// process.
    pub fn spawn_background(&self) -> Vec<JoinHandle<()>> {
        let drainer = self.api.clone();
        let outbox = tokio::spawn(async move {
            let mut tick = tokio::time::interval(OUTBOX_EVERY);
            loop {
                tick.tick().await;
                if let Err(error) = drainer.publishing.drain(drainer.now_ms()).await {
                    tracing::warn!(%error, "outbox drain failed");
                }
            }
        });
        let source = LocalEventSource::new(
            Arc::clone(&self.queue),
            Arc::clone(&self.rollup),
            SourceSettings {
                window: LOCAL_WINDOW,
                ..SourceSettings::default()
            },
        );
        vec![outbox, tokio::spawn(source.run())]
    }
}

/// 200 once the store answers; 503 (JSON) otherwise.
async fn health(store: Arc<dyn Store>) -> impl IntoResponse {
    match store.due_jobs(0, 1).await {
        Ok(_) => (StatusCode::OK, Json(json!({"status": "ok"}))),
        Err(error) => {
            tracing::warn!(%error, "health check: the store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({"error": {"code": "unavailable", "message": "the store does not answer"}}),
                ),
            )
        }
    }
}
