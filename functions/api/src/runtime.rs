//! Start-up shared by the Lambda main and the local server: logs, typed
//! config and adapters, built once.
//!
//! `SCANLY_DATA_DIR=<dir>` keeps the embedded adapters on disk: the memory
//! store in `<dir>/store.json` (saved every [`SAVE_EVERY`] when it changed,
//! and on [`Persistence::save_now`]), the memory object store in
//! `<dir>/objects/` (written through). Unset, they live in memory only.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::app::AppState;
use crate::config::{ApiConfig, ConfigError};
use crate::objects::ObjectStore;
use crate::objects::memory::MemoryObjects;
use crate::objects::s3::S3Objects;
use crate::publish::HttpEdgePublisher;
use crate::store::dynamo::DynamoStore;
use crate::store::memory::{MemoryStore, spawn_persistence};
use crate::store::{Store, StoreError};

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

/// How often a persisted memory store is saved (when it changed).
pub const SAVE_EVERY: Duration = Duration::from_secs(1);

/// The snapshot file of the memory store under `SCANLY_DATA_DIR`.
pub const STORE_FILE: &str = "store.json";

/// The directory of the memory object store under `SCANLY_DATA_DIR`.
pub const OBJECTS_DIR: &str = "objects";

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn set_var(var: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    var(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `SCANLY_DATA_DIR`, created if missing.
fn data_dir(var: &impl Fn(&str) -> Option<String>) -> Result<Option<PathBuf>, ConfigError> {
    let Some(dir) = set_var(var, "SCANLY_DATA_DIR").map(PathBuf::from) else {
        return Ok(None);
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        ConfigError(format!(
            "SCANLY_DATA_DIR={} cannot be created: {e}",
            dir.display()
        ))
    })?;
    Ok(Some(dir))
}

/// What keeps the embedded adapters on disk (`SCANLY_DATA_DIR`), for the
/// process that owns them: the store is saved every [`SAVE_EVERY`] by a
/// task started with it; call [`Persistence::save_now`] once more on
/// shutdown. The object store needs nothing (it writes through). Without
/// a data directory (or with DynamoDB) everything here does nothing.
#[derive(Debug, Clone, Default)]
pub struct Persistence {
    data_dir: Option<PathBuf>,
    store: Option<Arc<MemoryStore>>,
}

impl Persistence {
    /// `SCANLY_DATA_DIR`, when set.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// The persisted memory store, if that is the store.
    pub fn store(&self) -> Option<&Arc<MemoryStore>> {
        self.store.as_ref()
    }

    /// Saves the memory store now if it changed since its last save;
    /// whether it wrote. Blocking file I/O: call it after the server
    /// stopped (or from `spawn_blocking`).
    pub fn save_now(&self) -> Result<bool, StoreError> {
        self.store.as_ref().map_or(Ok(false), |store| store.save())
    }
}

/// `SCANLY_STORE`: `memory` (the default, local) or `dynamodb` (the table
/// named by `SCANLY_TABLE`; region and credentials from the standard AWS
/// environment, `AWS_ENDPOINT_URL_DYNAMODB` for a local server). The memory
/// store is kept in `SCANLY_DATA_DIR/store.json` when that is set, and
/// then saved in the background (see [`Persistence`]); its final save is
/// the caller's ([`store_from_vars`] returns the handle for it).
pub fn store_from_env() -> Result<Arc<dyn Store>, ConfigError> {
    Ok(store_from_vars(env_var)?.0)
}

/// [`store_from_env`] over `var`, with the handle that saves the store.
pub fn store_from_vars(
    var: impl Fn(&str) -> Option<String>,
) -> Result<(Arc<dyn Store>, Persistence), ConfigError> {
    let kind = set_var(&var, "SCANLY_STORE").unwrap_or_else(|| "memory".to_owned());
    match kind.as_str() {
        "memory" => {
            let Some(dir) = data_dir(&var)? else {
                return Ok((Arc::new(MemoryStore::new()), Persistence::default()));
            };
            let path = dir.join(STORE_FILE);
            let store = Arc::new(MemoryStore::open(&path).map_err(|e| ConfigError(e.to_string()))?);
            if tokio::runtime::Handle::try_current().is_ok() {
                // Ends by itself once the store is dropped.
                drop(spawn_persistence(&store, SAVE_EVERY));
            } else {
                tracing::warn!(
                    "no async runtime: the embedded store is saved only when asked or dropped"
                );
            }
            tracing::info!(path = %path.display(), "the embedded store is kept on disk");
            Ok((
                Arc::clone(&store) as Arc<dyn Store>,
                Persistence {
                    data_dir: Some(dir),
                    store: Some(store),
                },
            ))
        }
        "dynamodb" => {
            let table = set_var(&var, "SCANLY_TABLE")
                .ok_or_else(|| ConfigError("SCANLY_STORE=dynamodb needs SCANLY_TABLE".into()))?;
            let persistence = Persistence {
                data_dir: data_dir(&var)?,
                store: None,
            };
            Ok((Arc::new(DynamoStore::from_env(table)), persistence))
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
/// defaulting to `127.0.0.1:8788`), and which is kept in
/// `SCANLY_DATA_DIR/objects/` when that is set. See `objects` for why the
/// default follows the bucket and not `SCANLY_STORE`.
pub fn objects_from_env(config: &ApiConfig) -> Result<Arc<dyn ObjectStore>, ConfigError> {
    objects_from_vars(config, env_var)
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
            let dir = data_dir(&var)?;
            if dir.is_none() && set("SCANLY_STORE").as_deref() == Some("dynamodb") {
                tracing::warn!(
                    "objects (uploaded logos) are kept in memory: set SCANLY_BUCKET \
                     (or SCANLY_OBJECTS=s3) to keep them in S3, or SCANLY_DATA_DIR"
                );
            }
            let base = set("SCANLY_API_BASE_URL").unwrap_or_else(|| {
                let addr = set("SCANLY_API_ADDR").unwrap_or_else(|| "127.0.0.1:8788".to_owned());
                format!("http://{addr}")
            });
            let secret = config.signing_secret.clone();
            match dir {
                Some(dir) => {
                    let dir = dir.join(OBJECTS_DIR);
                    let objects = MemoryObjects::open(&dir, base, secret)
                        .map_err(|e| ConfigError(e.to_string()))?;
                    tracing::info!(dir = %dir.display(), "the embedded objects are kept on disk");
                    Ok(Arc::new(objects))
                }
                None => Ok(Arc::new(MemoryObjects::new(base, secret))),
            }
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

/// The API's state from the environment. With `SCANLY_DATA_DIR`, the
/// embedded adapters are kept there and the store is saved in the
/// background; a process that can shut down cleanly should use
/// [`state_with_persistence_from_env`] and save once more on the way out.
pub fn state_from_env() -> Result<AppState, ConfigError> {
    Ok(state_with_persistence_from_env()?.0)
}

/// [`state_from_env`], and the handle whose [`Persistence::save_now`] the
/// server calls after it stopped serving.
pub fn state_with_persistence_from_env() -> Result<(AppState, Persistence), ConfigError> {
    state_from_vars(env_var)
}

/// [`state_with_persistence_from_env`] over `var`.
pub fn state_from_vars(
    var: impl Fn(&str) -> Option<String>,
) -> Result<(AppState, Persistence), ConfigError> {
    let config = ApiConfig::from_vars(&var)?;
    let edge = Arc::new(HttpEdgePublisher::new(
        &config.edge_publish_url,
        config.signing_secret.clone(),
    ));
    let objects = objects_from_vars(&config, &var)?;
    let (store, persistence) = store_from_vars(&var)?;
    Ok((
        AppState::new(config, store, edge).with_objects(objects),
        persistence,
    ))
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
