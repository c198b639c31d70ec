//! The rollup's adapters from the environment, built once per cold start:
//! the store (`SCANLY_STORE`, `SCANLY_TABLE`, as the API), the raw archive
//! (`SCANLY_ARCHIVE_BUCKET`: S3; unset: in memory, for local runs) and the
//! edge publisher for scan limits (`SCANLY_EDGE_PUBLISH_URL`,
//! `SCANLY_SIGNING_SECRET`).

use std::sync::Arc;

use scanly_api::config::ConfigError;
use scanly_api::objects::ObjectStore;
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::objects::s3::S3Objects;
use scanly_api::publish::{HttpEdgePublisher, Publishing};
use scanly_api::runtime::store_from_env;

use crate::process::Rollup;

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn rollup_from_env() -> Result<Rollup, ConfigError> {
    let secret = var("SCANLY_SIGNING_SECRET")
        .ok_or_else(|| ConfigError("SCANLY_SIGNING_SECRET is required".into()))?;
    let edge = var("SCANLY_EDGE_PUBLISH_URL")
        .ok_or_else(|| ConfigError("SCANLY_EDGE_PUBLISH_URL is required".into()))?;
    let store = store_from_env()?;
    let archive: Arc<dyn ObjectStore> = match var("SCANLY_ARCHIVE_BUCKET") {
        Some(bucket) => Arc::new(S3Objects::from_env(bucket)),
        None => {
            tracing::warn!("SCANLY_ARCHIVE_BUCKET is not set: raw events are archived in memory");
            Arc::new(MemoryObjects::new(
                "http://127.0.0.1:0",
                secret.clone().into_bytes(),
            ))
        }
    };
    let publisher = Arc::new(HttpEdgePublisher::new(&edge, secret.into_bytes()));
    let publishing = Arc::new(Publishing::new(Arc::clone(&store), publisher));
    Ok(Rollup::new(store, archive, publishing))
}
