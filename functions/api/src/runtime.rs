//! Start-up shared by the Lambda main and the local server: logs, typed
//! config and adapters, built once.

use std::sync::Arc;

use crate::app::AppState;
use crate::config::{ApiConfig, ConfigError};
use crate::publish::HttpEdgePublisher;
use crate::store::Store;
use crate::store::dynamo::DynamoStore;
use crate::store::memory::MemoryStore;

/// JSON log lines (CloudWatch indexes the fields); `RUST_LOG` filters.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .try_init();
}

/// `SCANLY_STORE`: `memory` (the default, local) or `dynamodb` (the table
/// named by `SCANLY_TABLE`; region and credentials from the standard AWS
/// environment, `AWS_ENDPOINT_URL_DYNAMODB` for a local server).
pub fn store_from_env() -> Result<Arc<dyn Store>, ConfigError> {
    match std::env::var("SCANLY_STORE").as_deref().unwrap_or("memory") {
        "memory" => Ok(Arc::new(MemoryStore::new())),
        "dynamodb" => {
            let table = std::env::var("SCANLY_TABLE")
                .ok()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .ok_or_else(|| ConfigError("SCANLY_STORE=dynamodb needs SCANLY_TABLE".into()))?;
            Ok(Arc::new(DynamoStore::from_env(table)))
        }
        other => Err(ConfigError(format!(
            "SCANLY_STORE={other} is not available (use memory or dynamodb)"
        ))),
    }
}

pub fn state_from_env() -> Result<AppState, ConfigError> {
    let config = ApiConfig::from_env()?;
    let edge = Arc::new(HttpEdgePublisher::new(
        &config.edge_publish_url,
        config.signing_secret.clone(),
    ));
    Ok(AppState::new(config, store_from_env()?, edge))
}
