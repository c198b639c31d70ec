//! Start-up shared by the Lambda main and the local server: logs, typed
//! config and adapters, built once.

use std::sync::Arc;

use crate::app::AppState;
use crate::config::{ApiConfig, ConfigError};
use crate::objects::ObjectStore;
use crate::objects::memory::MemoryObjects;
use crate::objects::s3::S3Objects;
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

/// `SCANLY_OBJECTS`: `memory` or `s3` (the bucket `SCANLY_BUCKET`; region
/// and credentials from the standard AWS environment, `AWS_ENDPOINT_URL_S3`
/// or `AWS_ENDPOINT_URL` for a local server). Unset: `s3` when
/// `SCANLY_BUCKET` is set, else `memory`, whose upload URLs start with
/// `SCANLY_API_BASE_URL` (default `http://{SCANLY_API_ADDR}`, itself
/// defaulting to `127.0.0.1:8788`). See `objects` for why the default
/// follows the bucket and not `SCANLY_STORE`.
pub fn objects_from_env(config: &ApiConfig) -> Result<Arc<dyn ObjectStore>, ConfigError> {
    objects_from_vars(config, |name| std::env::var(name).ok())
}

pub fn objects_from_vars(
    config: &ApiConfig,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Arc<dyn ObjectStore>, ConfigError> {
    let set = |name: &str| {
        var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let bucket = set("SCANLY_BUCKET");
    let kind = set("SCANLY_OBJECTS")
        .unwrap_or_else(|| if bucket.is_some() { "s3" } else { "memory" }.to_owned());
    match kind.as_str() {
        "memory" => {
            if set("SCANLY_STORE").as_deref() == Some("dynamodb") {
                tracing::warn!(
                    "objects (uploaded logos) are kept in memory: set SCANLY_BUCKET \
                     (or SCANLY_OBJECTS=s3) to keep them in S3"
                );
            }
            let base = set("SCANLY_API_BASE_URL").unwrap_or_else(|| {
                let addr = set("SCANLY_API_ADDR").unwrap_or_else(|| "127.0.0.1:8788".to_owned());
                format!("http://{addr}")
            });
            Ok(Arc::new(MemoryObjects::new(
                base,
                config.signing_secret.clone(),
            )))
        }
        "s3" => {
            let bucket = bucket
                .ok_or_else(|| ConfigError("SCANLY_OBJECTS=s3 needs SCANLY_BUCKET".into()))?;
            Ok(Arc::new(S3Objects::from_env(bucket)))
        }
        other => Err(ConfigError(format!(
            "SCANLY_OBJECTS={other} is not available (use memory or s3)"
        ))),
    }
}

pub fn state_from_env() -> Result<AppState, ConfigError> {
    let config = ApiConfig::from_env()?;
    let edge = Arc::new(HttpEdgePublisher::new(
        &config.edge_publish_url,
        config.signing_secret.clone(),
    ));
    let objects = objects_from_env(&config)?;
    Ok(AppState::new(config, store_from_env()?, edge).with_objects(objects))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::time::Duration;

    use super::*;
    use crate::objects::{LogoId, ObjectKey};

    fn config() -> ApiConfig {
        let vars = HashMap::from([
            ("SCANLY_EDGE_BASE_URL", "https://scn.test"),
            (
                "SCANLY_SIGNING_SECRET",
                "runtime-tests-signing-secret-0123456789",
            ),
            (
                "SCANLY_JWT_SECRET",
                "runtime-tests-jwt-secret-0123456789abcdef",
            ),
        ]);
        ApiConfig::from_vars(|name| vars.get(name).map(|v| (*v).to_owned())).unwrap()
    }

    fn objects(vars: &[(&str, &str)]) -> Result<Arc<dyn ObjectStore>, ConfigError> {
        let vars: HashMap<&str, &str> = vars.iter().copied().collect();
        objects_from_vars(&config(), |name| vars.get(name).map(|v| (*v).to_owned()))
    }

    async fn upload_url(objects: &dyn ObjectStore) -> String {
        let key = ObjectKey::logo(
            &scanly_shared::ids::WorkspaceId::parse("ws_a").unwrap(),
            &LogoId::generate(),
        );
        objects
            .presign_put(&key, "image/png", 1, Duration::from_secs(60), 0)
            .await
            .unwrap()
            .url
    }

    #[tokio::test]
    async fn the_object_store_follows_the_bucket_unless_named() {
        let local = objects(&[]).unwrap();
        assert!(local.upload_receiver().is_some(), "memory by default");
        assert!(
            upload_url(local.as_ref())
                .await
                .starts_with("http://127.0.0.1:8788/v1/uploads/workspaces/ws_a/logos/")
        );
        let addressed = objects(&[("SCANLY_API_ADDR", "0.0.0.0:9000")]).unwrap();
        assert!(
            upload_url(addressed.as_ref())
                .await
                .starts_with("http://0.0.0.0:9000/v1/uploads/")
        );
        let public = objects(&[("SCANLY_API_BASE_URL", "https://api.example/")]).unwrap();
        assert!(
            upload_url(public.as_ref())
                .await
                .starts_with("https://api.example/v1/uploads/")
        );

        let bucket = objects(&[("SCANLY_BUCKET", "scanly-assets")]).unwrap();
        assert!(
            bucket.upload_receiver().is_none(),
            "S3 when a bucket is set"
        );
        let forced = objects(&[
            ("SCANLY_BUCKET", "scanly-assets"),
            ("SCANLY_OBJECTS", "memory"),
        ])
        .unwrap();
        assert!(forced.upload_receiver().is_some());
        let dynamo = objects(&[("SCANLY_STORE", "dynamodb")]).unwrap();
        assert!(dynamo.upload_receiver().is_some(), "no bucket, no S3");

        let no_bucket = objects(&[("SCANLY_OBJECTS", "s3")]).err().unwrap();
        assert!(no_bucket.0.contains("SCANLY_BUCKET"), "{no_bucket}");
        let unknown = objects(&[("SCANLY_OBJECTS", "gcs")]).err().unwrap();
        assert!(unknown.0.contains("memory or s3"), "{unknown}");
    }
}
