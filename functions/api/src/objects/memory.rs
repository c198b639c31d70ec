//! The embedded adapter: objects in a map. Presigned uploads point back at
//! the API (`PUT {public_base}/v1/uploads/{key}?expires=<unix s>&signature=<hex>`),
//! where `UploadReceiver::receive` checks them as S3 checks its own: an
//! HMAC-SHA256 (key: the API's signing secret) over the method, key,
//! expiry, Content-Type and Content-Length, compared in constant time, so
//! a request with another type or size, or after the expiry, is refused
//! and stores nothing.
//!
//! In memory only (`MemoryObjects::new`), or written through to a
//! directory (`MemoryObjects::open`, see `disk`): the map stays the cache
//! every read is answered from, and each put or delete reaches the files
//! before it returns, so a restart finds every object that was stored.
//! The file I/O is blocking, under the map's lock (fine for the local
//! server's small objects); one process per directory (its cache would not
//! see another's writes).

mod disk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{
    ListedObject, MAX_LIST, ObjectError, ObjectInfo, ObjectKey, ObjectPrefix, ObjectStore,
    PresignedUpload, SignedUpload, StoredObject, UploadReceiver, check_content_type, expiry,
};

/// Where the API receives the embedded adapter's uploads.
pub const UPLOAD_PATH: &str = "/v1/uploads/";

#[derive(Debug)]
pub struct MemoryObjects {
    objects: Mutex<BTreeMap<ObjectKey, StoredObject>>,
    /// The API's public origin, e.g. `http://127.0.0.1:8788`.
    public_base: String,
    secret: Vec<u8>,
    /// Where the objects are written through to, if anywhere.
    dir: Option<PathBuf>,
}

impl MemoryObjects {
    /// Upload URLs start with `public_base`; they are signed with `secret`
    /// (the API's signing secret).
    pub fn new(public_base: impl Into<String>, secret: Vec<u8>) -> Self {
        Self {
            objects: Mutex::new(BTreeMap::new()),
            public_base: public_base.into().trim_end_matches('/').to_owned(),
            secret,
            dir: None,
        }
    }

    /// As [`MemoryObjects::new`], kept in `dir` (created if missing): what
    /// is there is loaded now, and every put and delete is written through.
    /// A file that cannot be read is an error naming it; files that are no
    /// object's are skipped with a warning.
    pub fn open(
        dir: &Path,
        public_base: impl Into<String>,
        secret: Vec<u8>,
    ) -> Result<Self, ObjectError> {
        let objects = disk::load(dir)?;
        Ok(Self {
            objects: Mutex::new(objects),
            dir: Some(dir.to_owned()),
            ..Self::new(public_base, secret)
        })
    }

    /// The directory the objects are kept in, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Stores `object` under `key`: on disk first (if kept there), then in
    /// the map, under the map's lock so both agree.
    fn store(&self, key: ObjectKey, object: StoredObject) -> Result<(), ObjectError> {
        let mut objects = self.objects()?;
        if let Some(dir) = &self.dir {
            disk::put(dir, &key, &object, objects.get(&key))?;
        }
        objects.insert(key, object);
        Ok(())
    }

    fn objects(&self) -> Result<MutexGuard<'_, BTreeMap<ObjectKey, StoredObject>>, ObjectError> {
        self.objects
            .lock()
            .map_err(|_| ObjectError::Unavailable("the embedded object store was poisoned".into()))
    }

    fn mac(
        &self,
        key: &str,
        expires: i64,
        content_type: &str,
        content_length: u64,
    ) -> Result<Hmac<Sha256>, ObjectError> {
        if self.secret.is_empty() {
            return Err(ObjectError::Unavailable(
                "no signing secret for uploads".into(),
            ));
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret)
            .map_err(|_| ObjectError::Unavailable("no signing secret for uploads".into()))?;
        // Domain-separated from the edge signatures (`scanly-v1`).
        mac.update(
            format!("scanly-upload-v1\nPUT\n{key}\n{expires}\n{content_type}\n{content_length}")
                .as_bytes(),
        );
        Ok(mac)
    }
}

fn refused(message: &str) -> ObjectError {
    ObjectError::UploadRefused(message.to_owned())
}

#[async_trait]
impl ObjectStore for MemoryObjects {
    async fn put(
        &self,
        key: &ObjectKey,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ObjectError> {
        check_content_type(content_type)?;
        self.store(
            key.clone(),
            StoredObject {
                bytes,
                content_type: content_type.to_owned(),
            },
        )
    }

    async fn get(&self, key: &ObjectKey) -> Result<Option<StoredObject>, ObjectError> {
        Ok(self.objects()?.get(key).cloned())
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectInfo>, ObjectError> {
        Ok(self.objects()?.get(key).map(|object| ObjectInfo {
            len: object.bytes.len() as u64,
            content_type: object.content_type.clone(),
        }))
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), ObjectError> {
        let mut objects = self.objects()?;
        if let Some(dir) = &self.dir {
            disk::delete(dir, key)?;
        }
        objects.remove(key);
        Ok(())
    }

    async fn list(
        &self,
        prefix: &ObjectPrefix,
        after: Option<&ObjectKey>,
        limit: usize,
    ) -> Result<Vec<ListedObject>, ObjectError> {
        let objects = self.objects()?;
        Ok(objects
            .iter()
            .filter(|(key, _)| key.as_str().starts_with(prefix.as_str()))
            .filter(|(key, _)| after.is_none_or(|after| *key > after))
            .take(limit.min(MAX_LIST))
            .map(|(key, object)| ListedObject {
                key: key.clone(),
                len: object.bytes.len() as u64,
            })
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
        // Whole seconds in the URL; the upload is valid through that second.
        let expires = expiry(now_ms, expires_in)?.div_euclid(1000);
        let signature = hex::encode(
            self.mac(key.as_str(), expires, content_type, content_length)?
                .finalize()
                .into_bytes(),
        );
        Ok(PresignedUpload {
            url: format!(
                "{}{UPLOAD_PATH}{key}?expires={expires}&signature={signature}",
                self.public_base
            ),
            method: "PUT".to_owned(),
            headers: BTreeMap::from([
                ("Content-Type".to_owned(), content_type.to_owned()),
                ("Content-Length".to_owned(), content_length.to_string()),
            ]),
            expires_at: expires.saturating_mul(1000),
        })
    }

    fn upload_receiver(&self) -> Option<&dyn UploadReceiver> {
        Some(self)
    }
}

#[async_trait]
impl UploadReceiver for MemoryObjects {
    async fn receive(&self, upload: SignedUpload, now_ms: i64) -> Result<(), ObjectError> {
        let key = ObjectKey::from_trusted(&upload.key)
            .ok_or_else(|| refused("the upload URL is not one this API made"))?;
        let expires: i64 = upload
            .expires
            .parse()
            .map_err(|_| refused("the upload URL is not one this API made"))?;
        let signature = hex::decode(&upload.signature)
            .ok()
            .filter(|bytes| bytes.len() == 32)
            .ok_or_else(|| refused("the upload URL is not one this API made"))?;
        let content_type = upload
            .content_type
            .as_deref()
            .ok_or_else(|| refused("send the Content-Type header the upload was created with"))?;
        let content_length = upload
            .content_length
            .ok_or_else(|| refused("send the Content-Length header the upload was created with"))?;
        if upload.body.len() as u64 != content_length {
            return Err(refused("the body is not Content-Length bytes long"));
        }
        self.mac(key.as_str(), expires, content_type.trim(), content_length)?
            .verify_slice(&signature)
            .map_err(|_| {
                refused(
                    "the signature does not match: send exactly the Content-Type and \
                     Content-Length the upload was created with",
                )
            })?;
        if now_ms > expires.saturating_mul(1000) {
            return Err(refused("the upload URL has expired; create a new upload"));
        }
        self.store(
            key,
            StoredObject {
                bytes: upload.body,
                content_type: content_type.trim().to_owned(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scanly_shared::ids::WorkspaceId;

    use crate::objects::LogoId;

    const NOW: i64 = 1_795_176_000_000;

    fn store() -> MemoryObjects {
        MemoryObjects::new(
            "http://api.test/",
            b"test-secret-0123456789abcdef0123".to_vec(),
        )
    }

    fn key() -> ObjectKey {
        ObjectKey::logo(&WorkspaceId::parse("ws_a").unwrap(), &LogoId::generate())
    }

    /// The upload a client sends to `url` with `body` and headers.
    fn upload(url: &str, content_type: &str, body: &[u8]) -> SignedUpload {
        let rest = url.strip_prefix("http://api.test/v1/uploads/").unwrap();
        let (key, query) = rest.split_once('?').unwrap();
        let (expires, signature) = query
            .strip_prefix("expires=")
            .unwrap()
            .split_once("&signature=")
            .unwrap();
        SignedUpload {
            key: key.to_owned(),
            expires: expires.to_owned(),
            signature: signature.to_owned(),
            content_type: Some(content_type.to_owned()),
            content_length: Some(body.len() as u64),
            body: body.to_vec(),
        }
    }

    #[tokio::test]
    async fn a_presigned_upload_stores_exactly_what_was_signed() {
        let store = store();
        let key = key();
        let presigned = store
            .presign_put(&key, "image/png", 3, Duration::from_secs(60), NOW)
            .await
            .unwrap();
        assert_eq!(presigned.expires_at, NOW + 60_000);
        let receiver = store.upload_receiver().unwrap();

        let wrong_type = upload(&presigned.url, "image/jpeg", b"abc");
        let wrong_size = upload(&presigned.url, "image/png", b"abcd");
        let mut lying_length = upload(&presigned.url, "image/png", b"ab");
        lying_length.content_length = Some(3);
        let mut forged = upload(&presigned.url, "image/png", b"abc");
        forged.expires = (NOW / 1000 + 3600).to_string();
        let mut elsewhere = upload(&presigned.url, "image/png", b"abc");
        elsewhere.key = elsewhere.key.replace("ws_a", "ws_b");
        for bad in [wrong_type, wrong_size, lying_length, forged, elsewhere] {
            let refused = receiver.receive(bad, NOW).await.unwrap_err();
            assert!(
                matches!(refused, ObjectError::UploadRefused(_)),
                "{refused}"
            );
        }
        let late = receiver
            .receive(upload(&presigned.url, "image/png", b"abc"), NOW + 61_000)
            .await
            .unwrap_err();
        assert!(late.to_string().contains("expired"), "{late}");
        assert_eq!(store.head(&key).await.unwrap(), None);

        receiver
            .receive(upload(&presigned.url, "image/png", b"abc"), NOW + 60_000)
            .await
            .unwrap();
        assert_eq!(
            store.get(&key).await.unwrap(),
            Some(StoredObject {
                bytes: b"abc".to_vec(),
                content_type: "image/png".into()
            })
        );
    }
}
