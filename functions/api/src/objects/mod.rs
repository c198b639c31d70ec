//! Object storage: one narrow port (`ObjectStore`) for bytes by key —
//! uploaded logos, and later cached QR images. Like the store ports, every
//! tenant-owned key is built from the `WorkspaceId` it belongs to, here and
//! only here (`ObjectKey`'s constructors), so isolation holds in the data
//! layer: another workspace's object is simply not under the caller's
//! prefix. Two adapters, one contract suite (`tests/object_contract.rs`):
//!
//! - `memory`: a map, the local default and fast tests. Its presigned
//!   uploads point back at the API itself (`PUT /v1/uploads/{key}`, signed
//!   with an HMAC of the API's signing secret), so the upload flow works
//!   locally exactly as against S3: no bearer token, the URL is the
//!   authority, and the Content-Type and Content-Length are bound to it.
//! - `s3`: `aws-sdk-s3` on the bucket `SCANLY_BUCKET`; presigned `PUT`s
//!   sign Content-Type and Content-Length, so S3 refuses another type or
//!   size.
//!
//! # Keys
//!
//! | object                 | key                                          |
//! |------------------------|----------------------------------------------|
//! | logo image             | `workspaces/{ws}/logos/{logo id}`            |
//! | logo record (pending)  | `workspaces/{ws}/logo-records/{logo id}.json`|
//! | cached QR image        | `qr-cache/workspaces/{ws}/{sha-256 hex}.{ext}` |
//!
//! Every segment is validated (`WorkspaceId`, `LogoId`, a digest, an
//! extension from a fixed list), so a key never holds `..`, `%` or
//! anything a URL or S3 would reinterpret.
//!
//! # Choosing the adapter (`runtime::objects_from_env`)
//!
//! `SCANLY_OBJECTS=memory|s3`. Unset: `s3` when `SCANLY_BUCKET` is set,
//! otherwise `memory` (with a warning when `SCANLY_STORE=dynamodb`, where
//! uploads would not survive a restart). The default follows the bucket
//! rather than `SCANLY_STORE` so that a deployment or `SCANLY_STORE=dynamodb
//! make api` without a bucket still starts. `SCANLY_OBJECTS=s3` without
//! `SCANLY_BUCKET` is a configuration error. The S3 client comes from the
//! standard AWS environment; `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`)
//! points it at a local server such as moto, and then path-style addressing
//! is used. The memory adapter's upload URLs start with
//! `SCANLY_API_BASE_URL` (default `http://{SCANLY_API_ADDR}`, i.e.
//! `http://127.0.0.1:8788`).

pub mod memory;
pub mod s3;

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use scanly_qr::format::Format;
use scanly_shared::ids::WorkspaceId;

/// What the adapters can fail with; `error.rs` maps it to HTTP once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    /// A presigned upload that does not match what was signed (another
    /// Content-Type or Content-Length, a forged or expired URL).
    #[error("the upload was refused: {0}")]
    UploadRefused(String),
    #[error("the object store is unavailable: {0}")]
    Unavailable(String),
}

/// A logo's identity: `logo_` and 32 lowercase hex digits (a UUIDv7, as
/// `ids::new_id` makes them). Anything else is refused before it can
/// become part of a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogoId(String);

const LOGO_PREFIX: &str = "logo_";

impl LogoId {
    pub fn generate() -> Self {
        Self(crate::ids::new_id("logo"))
    }

    pub fn parse(input: &str) -> Option<Self> {
        let hex = input.strip_prefix(LOGO_PREFIX)?;
        let ok = hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LogoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where an object lives. Only the constructors below make one, each from
/// the `WorkspaceId` that owns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

fn workspace_root(workspace: &WorkspaceId) -> String {
    format!("workspaces/{workspace}/")
}

impl ObjectKey {
    /// `workspaces/{ws}/logos/{id}`: the uploaded image.
    pub fn logo(workspace: &WorkspaceId, logo: &LogoId) -> Self {
        Self(format!("{}logos/{logo}", workspace_root(workspace)))
    }

    /// `workspaces/{ws}/logo-records/{id}.json`: what the upload was
    /// created for (content type, size), stored before the image arrives.
    pub fn logo_record(workspace: &WorkspaceId, logo: &LogoId) -> Self {
        Self(format!(
            "{}logo-records/{logo}.json",
            workspace_root(workspace)
        ))
    }

    /// `qr-cache/workspaces/{ws}/{digest hex}.{ext}`: a rendered QR image,
    /// by the SHA-256 of everything that determines it. Under its own top
    /// prefix so a bucket lifecycle rule can expire the cache (a rule's
    /// prefix cannot skip the workspace segment); still keyed by workspace.
    pub fn qr_cache(workspace: &WorkspaceId, digest: &[u8; 32], format: Format) -> Self {
        Self(format!(
            "qr-cache/{}{}.{}",
            workspace_root(workspace),
            hex::encode(digest),
            format.extension()
        ))
    }

    /// `events/dt=YYYY-MM-DD/hour=HH/{digest hex}.ndjson.gz`: raw scan
    /// events of one UTC hour (hours since the Unix epoch), by the SHA-256
    /// of their ids, so writing the same events again replaces the object.
    /// Not a tenant's object: the archive is the platform's, read by Athena
    /// through the `dt`/`hour` partitions (docs/analytics.md).
    pub fn event_archive(hour: i64, digest: &[u8; 32]) -> Self {
        let (year, month, day) = scanly_shared::tz::civil::civil_from_days(hour.div_euclid(24));
        Self(format!(
            "events/dt={year:04}-{month:02}-{day:02}/hour={:02}/{}.ndjson.gz",
            hour.rem_euclid(24),
            hex::encode(digest)
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment (a logo key's is the logo id).
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }

    /// Whether `raw` has the shape of a key these constructors make: the
    /// adapters check keys that come back from outside (an upload URL, a
    /// listing) before using them.
    fn is_well_formed(raw: &str) -> bool {
        let mut segments = raw.split('/');
        segments.next() == Some("workspaces")
            && raw.len() <= 512
            && raw.split('/').count() >= 4
            && raw.split('/').all(|segment| {
                !segment.is_empty()
                    && segment != "."
                    && segment != ".."
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            })
    }

    /// For adapters: a key given back by a listing or a signed URL.
    fn from_trusted(raw: &str) -> Option<Self> {
        Self::is_well_formed(raw).then(|| Self(raw.to_owned()))
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The start of a set of keys, for `list`; also built only from a
/// `WorkspaceId`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectPrefix(String);

impl ObjectPrefix {
    /// Every uploaded logo image of the workspace.
    pub fn logos(workspace: &WorkspaceId) -> Self {
        Self(format!("{}logos/", workspace_root(workspace)))
    }

    /// Every logo record of the workspace (uploaded or not).
    pub fn logo_records(workspace: &WorkspaceId) -> Self {
        Self(format!("{}logo-records/", workspace_root(workspace)))
    }

    /// Everything the workspace owns.
    pub fn workspace(workspace: &WorkspaceId) -> Self {
        Self(workspace_root(workspace))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub len: u64,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    pub key: ObjectKey,
    pub len: u64,
}

/// How a client uploads one object without the API in the data path:
/// `method` to `url` with exactly `headers`, before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedUpload {
    pub url: String,
    /// Always `PUT`.
    pub method: String,
    /// `Content-Type` and `Content-Length` (and anything else the adapter
    /// signed); the upload is refused unless they are sent as given.
    pub headers: BTreeMap<String, String>,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
}

/// The longest a presigned upload may be valid (S3's limit).
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// Listings return at most this many keys per call.
pub const MAX_LIST: usize = 1000;

#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Stores (or replaces) the object.
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ObjectError>;
    async fn get(&self, key: &ObjectKey) -> Result<Option<StoredObject>, ObjectError>;
    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectInfo>, ObjectError>;
    /// Removes the object; removing a missing one is not an error.
    async fn delete(&self, key: &ObjectKey) -> Result<(), ObjectError>;
    /// Keys under `prefix` in key order, after `after` (exclusive), at most
    /// `limit` (capped at [`MAX_LIST`]).
    async fn list(
        &self,
        prefix: &ObjectPrefix,
        after: Option<&ObjectKey>,
        limit: usize,
    ) -> Result<Vec<ListedObject>, ObjectError>;
    /// A URL that stores `key` when sent a `PUT` of exactly
    /// `content_length` bytes of `content_type`, until `now_ms +
    /// expires_in` (at most [`MAX_PRESIGN_EXPIRY`]).
    async fn presign_put(
        &self,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
        now_ms: i64,
    ) -> Result<PresignedUpload, ObjectError>;
    /// The adapter's own receiver of presigned uploads, when the API itself
    /// serves them (`PUT /v1/uploads/{key}`); `None` when uploads go
    /// elsewhere (S3), and then that route answers 404.
    fn upload_receiver(&self) -> Option<&dyn UploadReceiver> {
        None
    }
}

/// An upload sent to a URL from `presign_put`, as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedUpload {
    /// The key from the URL's path.
    pub key: String,
    /// The URL's `expires` and `signature` query values.
    pub expires: String,
    pub signature: String,
    /// The request's headers (absent when not sent).
    pub content_type: Option<String>,
    pub content_length: Option<u64>,
    pub body: Vec<u8>,
}

#[async_trait]
pub trait UploadReceiver: Send + Sync {
    /// Stores the body if the URL is genuine, unexpired at `now_ms`, and
    /// the headers are those it was signed for; otherwise `UploadRefused`
    /// and nothing is stored.
    async fn receive(&self, upload: SignedUpload, now_ms: i64) -> Result<(), ObjectError>;
}

/// `now_ms + expires_in`, refusing expiries S3 would refuse.
fn expiry(now_ms: i64, expires_in: Duration) -> Result<i64, ObjectError> {
    if expires_in.is_zero() || expires_in > MAX_PRESIGN_EXPIRY {
        return Err(ObjectError::Unavailable(format!(
            "a presigned upload must expire within 1 s to {} s",
            MAX_PRESIGN_EXPIRY.as_secs()
        )));
    }
    let millis = i64::try_from(expires_in.as_millis()).unwrap_or(i64::MAX);
    Ok(now_ms.saturating_add(millis))
}

/// Content types go into headers and signatures: printable ASCII only.
fn check_content_type(content_type: &str) -> Result<(), ObjectError> {
    let ok = !content_type.is_empty()
        && content_type.len() <= 255
        && content_type.bytes().all(|b| (0x20..0x7f).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ObjectError::Unavailable(format!(
            "{content_type:?} is not a storable content type"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(id: &str) -> WorkspaceId {
        WorkspaceId::parse(id).unwrap()
    }

    #[test]
    fn keys_are_rooted_in_their_workspace() {
        let logo = LogoId::parse("logo_0193c1c2a4b07f6e8d2a9b3c4d5e6f70").unwrap();
        assert_eq!(
            ObjectKey::logo(&ws("ws_a"), &logo).as_str(),
            "workspaces/ws_a/logos/logo_0193c1c2a4b07f6e8d2a9b3c4d5e6f70"
        );
        assert_eq!(
            ObjectKey::logo_record(&ws("ws_a"), &logo).as_str(),
            "workspaces/ws_a/logo-records/logo_0193c1c2a4b07f6e8d2a9b3c4d5e6f70.json"
        );
        assert_eq!(
            ObjectKey::qr_cache(&ws("ws_a"), &[0xab; 32], Format::Svg).as_str(),
            format!("qr-cache/workspaces/ws_a/{}.svg", "ab".repeat(32))
        );
        assert_eq!(ObjectKey::logo(&ws("ws_a"), &logo).name(), logo.as_str());
        assert!(
            ObjectKey::logo(&ws("ws_a"), &logo)
                .as_str()
                .starts_with(ObjectPrefix::logos(&ws("ws_a")).as_str())
        );
        assert!(
            !ObjectKey::logo(&ws("ws_a"), &logo)
                .as_str()
                .starts_with(ObjectPrefix::workspace(&ws("ws_ab")).as_str())
        );
    }

    #[test]
    fn archived_events_are_partitioned_by_utc_day_and_hour() {
        // 2026-11-21T07:00Z.
        let hour = 1_795_244_400 / 3600;
        assert_eq!(
            ObjectKey::event_archive(hour, &[0x0f; 32]).as_str(),
            format!("events/dt=2026-11-21/hour=07/{}.ndjson.gz", "0f".repeat(32))
        );
        assert_eq!(
            ObjectKey::event_archive(0, &[0; 32]).as_str(),
            format!("events/dt=1970-01-01/hour=00/{}.ndjson.gz", "00".repeat(32))
        );
    }

    #[test]
    fn logo_ids_are_generated_or_refused() {
        let id = LogoId::generate();
        assert_eq!(LogoId::parse(id.as_str()), Some(id));
        for bad in [
            "",
            "logo_",
            "logo_../../ws_b/logos/x",
            "lnk_0193c1c2a4b07f6e8d2a9b3c4d5e6f70",
            "logo_0193C1C2A4B07F6E8D2A9B3C4D5E6F70",
            "logo_0193c1c2a4b07f6e8d2a9b3c4d5e6f7",
            "logo_0193c1c2a4b07f6e8d2a9b3c4d5e6f70/",
        ] {
            assert_eq!(LogoId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_well_formed_keys_come_back_in() {
        assert!(ObjectKey::from_trusted("workspaces/ws_a/logos/logo_1").is_some());
        for bad in [
            "workspaces/ws_a/../ws_b/logos/x",
            "workspaces/ws_a//x",
            "other/ws_a/logos/x",
            "workspaces/ws_a/logos/x%2F",
            "workspaces/ws_a",
            "/workspaces/ws_a/logos/x",
        ] {
            assert!(ObjectKey::from_trusted(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn expiries_are_bounded() {
        assert_eq!(expiry(1_000, Duration::from_secs(60)), Ok(61_000));
        assert!(expiry(0, Duration::ZERO).is_err());
        assert!(expiry(0, MAX_PRESIGN_EXPIRY + Duration::from_secs(1)).is_err());
    }
}
