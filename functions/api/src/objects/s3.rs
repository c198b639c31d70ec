//! The S3 adapter (`aws-sdk-s3`) on one bucket (`SCANLY_BUCKET`).
//!
//! - Presigned uploads (`PresigningConfig`, SigV4 query-string auth) sign
//!   `Content-Type` and `Content-Length` as headers, so S3 answers
//!   `403 SignatureDoesNotMatch` to another type or size, and refuses the
//!   URL after its expiry (or when the signing credentials expire, which
//!   for a Lambda role's session can come first).
//! - Request checksums are computed only when an operation requires them
//!   (`RequestChecksumCalculation::WhenRequired`): otherwise the SDK would
//!   sign the CRC32 of an empty body into presigned `PUT`s, and every real
//!   upload would fail its checksum.
//! - The client comes from the standard AWS environment on first use;
//!   `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` points it at a local
//!   server (moto), and then path-style addressing (`{endpoint}/{bucket}/
//!   {key}`) is forced, since such servers have no per-bucket host names.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::{BehaviorVersion, RequestChecksumCalculation};
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use tokio::sync::OnceCell;

use super::{
    ListedObject, MAX_LIST, ObjectError, ObjectInfo, ObjectKey, ObjectPrefix, ObjectStore,
    PresignedUpload, StoredObject, check_content_type, expiry,
};

/// The objects of one S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Objects {
    client: ClientSource,
    bucket: String,
}

#[derive(Debug, Clone)]
enum ClientSource {
    Ready(Client),
    /// Built from the environment on first use (the SDK's loader is async,
    /// start-up is not), once, shared by clones.
    FromEnv(Arc<OnceCell<Client>>),
}

/// The endpoint override the SDK will use, if any (`AWS_ENDPOINT_URL_S3`
/// wins over `AWS_ENDPOINT_URL`, as in aws-config).
fn endpoint_override() -> Option<String> {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
}

impl S3Objects {
    /// Objects in `bucket` through `client` (build its configuration with
    /// [`S3Objects::configure`]).
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client: ClientSource::Ready(client),
            bucket: bucket.into(),
        }
    }

    /// Objects in `bucket` with a client from the standard AWS environment,
    /// loaded on first use.
    pub fn from_env(bucket: impl Into<String>) -> Self {
        Self {
            client: ClientSource::FromEnv(Arc::new(OnceCell::new())),
            bucket: bucket.into(),
        }
    }

    /// The client settings this adapter relies on, applied to `builder`:
    /// checksums only when required, and, when `endpoint` (a local server)
    /// is given, that endpoint with path-style addressing.
    pub fn configure(
        builder: aws_sdk_s3::config::Builder,
        endpoint: Option<&str>,
    ) -> aws_sdk_s3::config::Builder {
        let builder = builder
            .behavior_version(BehaviorVersion::latest())
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired);
        match endpoint {
            Some(endpoint) => builder.endpoint_url(endpoint).force_path_style(true),
            None => builder,
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn client(&self) -> &Client {
        match &self.client {
            ClientSource::Ready(client) => client,
            ClientSource::FromEnv(cell) => {
                cell.get_or_init(|| async {
                    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
                    let endpoint = endpoint_override();
                    let builder = aws_sdk_s3::config::Builder::from(&sdk);
                    Client::from_conf(Self::configure(builder, endpoint.as_deref()).build())
                })
                .await
            }
        }
    }

    /// Creates the bucket unless it exists. For tests and local servers.
    pub async fn create_bucket(&self) -> Result<(), ObjectError> {
        let client = self.client().await;
        if client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

fn unavailable<E, R>(error: SdkError<E, R>) -> ObjectError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    ObjectError::Unavailable(DisplayErrorContext(error).to_string())
}

/// S3 answers a missing key with 404 (`NoSuchKey`, or no body for HEAD).
fn is_not_found<E>(error: &SdkError<E, HttpResponse>) -> bool {
    error
        .raw_response()
        .is_some_and(|r| r.status().as_u16() == 404)
}

fn len_of(length: Option<i64>) -> u64 {
    length.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

#[async_trait]
impl ObjectStore for S3Objects {
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ObjectError> {
        check_content_type(content_type)?;
        self.client()
            .await
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn get(&self, key: &ObjectKey) -> Result<Option<StoredObject>, ObjectError> {
        let output = match self
            .client()
            .await
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(output) => output,
            Err(error)
                if is_not_found(&error)
                    || error.as_service_error().is_some_and(|e| e.is_no_such_key()) =>
            {
                return Ok(None);
            }
            Err(error) => return Err(unavailable(error)),
        };
        let content_type = output
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| ObjectError::Unavailable(format!("reading {key}: {e}")))?
            .into_bytes()
            .to_vec();
        Ok(Some(StoredObject {
            bytes,
            content_type,
        }))
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectInfo>, ObjectError> {
        match self
            .client()
            .await
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(output) => Ok(Some(ObjectInfo {
                len: len_of(output.content_length()),
                content_type: output
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
            })),
            Err(error)
                if is_not_found(&error)
                    || error.as_service_error().is_some_and(|e| e.is_not_found()) =>
            {
                Ok(None)
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), ObjectError> {
        self.client()
            .await
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn list(
        &self,
        prefix: &ObjectPrefix,
        after: Option<&ObjectKey>,
        limit: usize,
    ) -> Result<Vec<ListedObject>, ObjectError> {
        let limit = limit.min(MAX_LIST);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let output = self
            .client()
            .await
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix.as_str())
            .set_start_after(after.map(|key| key.as_str().to_owned()))
            .max_keys(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output
            .contents()
            .iter()
            .filter_map(|object| {
                let key = object.key()?;
                // A listing is under the caller's prefix; anything else
                // (or a key these constructors would not make) is skipped.
                if !key.starts_with(prefix.as_str()) {
                    return None;
                }
                Some(ListedObject {
                    key: ObjectKey::from_trusted(key)?,
                    len: len_of(object.size()),
                })
            })
            .take(limit)
            .collect())
    }

    async fn presign_put(
        &self,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
        now_ms: i64,
    ) -> Result<PresignedUpload, ObjectError> {
        check_content_type(content_type)?;
        let expires_at = expiry(now_ms, expires_in)?;
        let start = u64::try_from(now_ms)
            .map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
            .map_err(|_| ObjectError::Unavailable("a presign time before 1970".into()))?;
        let config = PresigningConfig::builder()
            .start_time(start)
            .expires_in(expires_in)
            .build()
            .map_err(|e| ObjectError::Unavailable(format!("presigning: {e}")))?;
        let length = i64::try_from(content_length)
            .map_err(|_| ObjectError::Unavailable("content length out of range".into()))?;
        let request = self
            .client()
            .await
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .content_length(length)
            .presigned(config)
            .await
            .map_err(unavailable)?;
        // The headers the signature covers (besides Host), under their
        // usual names.
        let headers = request
            .headers()
            .map(|(name, value)| {
                let name = match name.to_ascii_lowercase().as_str() {
                    "content-type" => "Content-Type".to_owned(),
                    "content-length" => "Content-Length".to_owned(),
                    _ => name.to_owned(),
                };
                (name, value.to_owned())
            })
            .collect::<BTreeMap<_, _>>();
        if headers.get("Content-Type").map(String::as_str) != Some(content_type)
            || headers.get("Content-Length") != Some(&content_length.to_string())
        {
            return Err(ObjectError::Unavailable(
                "the presigned upload does not sign Content-Type and Content-Length".into(),
            ));
        }
        Ok(PresignedUpload {
            url: request.uri().to_owned(),
            method: request.method().to_owned(),
            headers,
            expires_at,
        })
    }
}
