//! One contract suite for the object-storage port (`ObjectStore`), run
//! against both adapters: the embedded `MemoryObjects` always (its
//! presigned uploads sent over real HTTP to the API, served on a local
//! port), and `S3Objects` against moto's S3 (`moto_server`, installed by
//! `scripts/aws-tools.sh`), which this test starts itself (see `local`).
//! Each case is a function over a `Fixture`; the `contract!` macro turns it
//! into `memory::<case>` and `s3::<case>`. Every S3 case gets a fresh
//! bucket.
//!
//! moto stores what it is sent but does not check presigned URLs: it
//! verifies neither their signature nor their expiry (moto 5.2.5, S3 query
//! authentication). So the S3 half talks to moto through a small gateway
//! (`local::gateway`) that checks query-string SigV4 as S3 does — the
//! canonical request from the method, path, query, the headers named in
//! `X-Amz-SignedHeaders` as they arrive, `UNSIGNED-PAYLOAD`; the signing
//! key from the secret; the expiry from `X-Amz-Date` + `X-Amz-Expires` —
//! and answers 403 like S3 on a mismatch. A correct upload passing it shows
//! that it agrees with the SDK's signer; an upload of another size or type
//! being refused shows that the adapter signs Content-Length and
//! Content-Type. Requests signed in the Authorization header (the SDK's
//! own calls) pass through unchecked.
//!
//! Without moto (no `moto_server` found) the `s3::` cases print a note and
//! pass; with `SCANLY_REQUIRE_S3=1` they fail instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod local_server;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use scanly_api::AppState;
use scanly_api::config::ApiConfig;
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::objects::{
    LogoId, ObjectKey, ObjectPrefix, ObjectStore, PresignedUpload, StoredObject,
};
use scanly_api::publish::HttpEdgePublisher;
use scanly_api::store::memory::MemoryStore;
use scanly_qr::format::Format;
use scanly_shared::ids::WorkspaceId;

const SECRET: &str = "object-contract-signing-secret-0123456789";
const JWT_SECRET: &str = "object-contract-jwt-secret-0123456789abcdef";
const HOUR_MS: i64 = 3_600_000;

/// One adapter under test, and a plain HTTP client for its upload URLs.
struct Fixture {
    objects: Arc<dyn ObjectStore>,
    http: reqwest::Client,
}

fn ws(id: &str) -> WorkspaceId {
    WorkspaceId::parse(id).unwrap()
}

fn logo_key(workspace: &str) -> ObjectKey {
    ObjectKey::logo(&ws(workspace), &LogoId::generate())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The bytes of a fake image of `len` bytes.
fn image(len: usize, fill: u8) -> Vec<u8> {
    vec![fill; len]
}

impl Fixture {
    /// `PUT`s `body` to the presigned URL with `content_type` (and the
    /// Content-Length of `body`, which the HTTP client sets).
    async fn upload(&self, upload: &PresignedUpload, content_type: &str, body: Vec<u8>) -> u16 {
        assert_eq!(upload.method, "PUT");
        let mut request = self.http.put(&upload.url).body(body);
        for (name, value) in &upload.headers {
            if !name.eq_ignore_ascii_case("content-type")
                && !name.eq_ignore_ascii_case("content-length")
            {
                request = request.header(name, value);
            }
        }
        let response = request
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .send()
            .await
            .unwrap_or_else(|e| panic!("PUT {}: {e}", upload.url));
        response.status().as_u16()
    }

    async fn presign(&self, key: &ObjectKey, content_type: &str, len: u64) -> PresignedUpload {
        self.objects
            .presign_put(key, content_type, len, Duration::from_secs(300), now_ms())
            .await
            .unwrap()
    }
}

// --- the cases -------------------------------------------------------------

async fn put_get_head_delete_round_trip(fx: &Fixture) {
    let objects = fx.objects.as_ref();
    let key = logo_key("ws_a");
    objects.put(&key, image(3, 1), "image/png").await.unwrap();
    assert_eq!(
        objects.get(&key).await.unwrap(),
        Some(StoredObject {
            bytes: image(3, 1),
            content_type: "image/png".into()
        })
    );
    let info = objects.head(&key).await.unwrap().unwrap();
    assert_eq!((info.len, info.content_type.as_str()), (3, "image/png"));

    // A put replaces the object, its type included.
    objects
        .put(&key, b"<svg/>".to_vec(), "image/svg+xml")
        .await
        .unwrap();
    let replaced = objects.get(&key).await.unwrap().unwrap();
    assert_eq!(replaced.bytes, b"<svg/>");
    assert_eq!(replaced.content_type, "image/svg+xml");
    assert_eq!(objects.head(&key).await.unwrap().unwrap().len, 6);

    // Binary content survives untouched.
    let cache = ObjectKey::qr_cache(&ws("ws_a"), &[7; 32], Format::Png);
    let bytes: Vec<u8> = (0..=255).collect();
    objects
        .put(&cache, bytes.clone(), "image/png")
        .await
        .unwrap();
    assert_eq!(objects.get(&cache).await.unwrap().unwrap().bytes, bytes);

    objects.delete(&key).await.unwrap();
    assert_eq!(objects.get(&key).await.unwrap(), None);
    assert_eq!(objects.head(&key).await.unwrap(), None);
    objects.delete(&key).await.unwrap();
    assert!(objects.head(&cache).await.unwrap().is_some());
}

async fn missing_keys_are_none(fx: &Fixture) {
    let key = logo_key("ws_a");
    assert_eq!(fx.objects.get(&key).await.unwrap(), None);
    assert_eq!(fx.objects.head(&key).await.unwrap(), None);
    let listed = fx
        .objects
        .list(&ObjectPrefix::logos(&ws("ws_a")), None, 10)
        .await
        .unwrap();
    assert!(listed.is_empty());
}

async fn listing_is_by_prefix_in_key_order(fx: &Fixture) {
    let objects = fx.objects.as_ref();
    let mut logos: Vec<ObjectKey> = (0..3).map(|_| logo_key("ws_a")).collect();
    logos.sort();
    for (n, key) in logos.iter().enumerate().rev() {
        objects
            .put(key, image(n + 1, 0), "image/png")
            .await
            .unwrap();
    }
    // Neighbours that must not show up: a record beside the images, and a
    // workspace whose id extends this one's.
    let id = LogoId::generate();
    objects
        .put(
            &ObjectKey::logo_record(&ws("ws_a"), &id),
            b"{}".to_vec(),
            "application/json",
        )
        .await
        .unwrap();
    objects
        .put(
            &ObjectKey::logo(&ws("ws_ab"), &id),
            image(1, 0),
            "image/png",
        )
        .await
        .unwrap();

    let prefix = ObjectPrefix::logos(&ws("ws_a"));
    let all = objects.list(&prefix, None, 10).await.unwrap();
    assert_eq!(all.iter().map(|o| o.key.clone()).collect::<Vec<_>>(), logos);
    assert_eq!(
        all.iter().map(|o| o.len).collect::<Vec<_>>(),
        [1, 2, 3],
        "lengths come with the keys"
    );
    let first = objects.list(&prefix, None, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let rest = objects.list(&prefix, Some(&first[1].key), 2).await.unwrap();
    assert_eq!(rest.iter().map(|o| &o.key).collect::<Vec<_>>(), [&logos[2]]);
    assert!(
        objects
            .list(&prefix, Some(&logos[2]), 2)
            .await
            .unwrap()
            .is_empty()
    );
    let everything = objects
        .list(&ObjectPrefix::workspace(&ws("ws_a")), None, 10)
        .await
        .unwrap();
    assert_eq!(everything.len(), 4, "three images and the record");
}

async fn a_presigned_put_with_its_headers_uploads(fx: &Fixture) {
    let key = logo_key("ws_a");
    let now = now_ms();
    let upload = fx
        .objects
        .presign_put(&key, "image/jpeg", 1000, Duration::from_secs(600), now)
        .await
        .unwrap();
    assert_eq!(upload.method, "PUT");
    assert_eq!(upload.headers["Content-Type"], "image/jpeg");
    assert_eq!(upload.headers["Content-Length"], "1000");
    assert!(
        (upload.expires_at - (now + 600_000)).abs() < 1000,
        "{} vs {}",
        upload.expires_at,
        now + 600_000
    );
    assert!(fx.objects.head(&key).await.unwrap().is_none());

    let status = fx.upload(&upload, "image/jpeg", image(1000, 9)).await;
    assert_eq!(status, 200);
    assert_eq!(
        fx.objects.get(&key).await.unwrap(),
        Some(StoredObject {
            bytes: image(1000, 9),
            content_type: "image/jpeg".into()
        })
    );
    // The URL may be used again until it expires (same type and size).
    assert_eq!(fx.upload(&upload, "image/jpeg", image(1000, 8)).await, 200);
    assert_eq!(
        fx.objects.get(&key).await.unwrap().unwrap().bytes,
        image(1000, 8)
    );
}

async fn a_presigned_put_of_another_length_is_refused(fx: &Fixture) {
    let key = logo_key("ws_a");
    let upload = fx.presign(&key, "image/png", 100).await;
    for len in [99, 101, 0, 100_000] {
        let status = fx.upload(&upload, "image/png", image(len, 1)).await;
        assert_eq!(status, 403, "{len} bytes against a URL signed for 100");
    }
    assert!(
        fx.objects.head(&key).await.unwrap().is_none(),
        "nothing stored"
    );
}

async fn a_presigned_put_of_another_type_is_refused(fx: &Fixture) {
    let key = logo_key("ws_a");
    let upload = fx.presign(&key, "image/png", 100).await;
    for content_type in [
        "image/jpeg",
        "text/html",
        "image/png; charset=x",
        "IMAGE/PNG",
    ] {
        let status = fx.upload(&upload, content_type, image(100, 1)).await;
        assert_eq!(
            status, 403,
            "{content_type} against a URL signed for image/png"
        );
    }
    assert!(
        fx.objects.head(&key).await.unwrap().is_none(),
        "nothing stored"
    );
}

async fn an_expired_presigned_put_is_refused(fx: &Fixture) {
    let key = logo_key("ws_a");
    // Signed two hours ago for one minute.
    let upload = fx
        .objects
        .presign_put(
            &key,
            "image/png",
            10,
            Duration::from_secs(60),
            now_ms() - 2 * HOUR_MS,
        )
        .await
        .unwrap();
    assert!(upload.expires_at < now_ms());
    assert_eq!(fx.upload(&upload, "image/png", image(10, 1)).await, 403);
    assert!(
        fx.objects.head(&key).await.unwrap().is_none(),
        "nothing stored"
    );
}

async fn a_tampered_url_is_refused(fx: &Fixture) {
    let key = logo_key("ws_a");
    let mut upload = fx.presign(&key, "image/png", 10).await;
    // Aim the signed URL at another workspace's key.
    upload.url = upload.url.replace("/ws_a/", "/ws_b/");
    assert_eq!(fx.upload(&upload, "image/png", image(10, 1)).await, 403);
    let moved = ObjectKey::logo(&ws("ws_b"), &LogoId::parse(key.name()).unwrap());
    assert!(fx.objects.head(&moved).await.unwrap().is_none());
    assert!(fx.objects.head(&key).await.unwrap().is_none());
}

async fn workspaces_never_see_each_others_objects(fx: &Fixture) {
    let objects = fx.objects.as_ref();
    let id = LogoId::generate();
    let (a, b) = (ws("ws_a"), ws("ws_b"));
    objects
        .put(&ObjectKey::logo(&a, &id), image(5, 1), "image/png")
        .await
        .unwrap();
    let upload = fx
        .presign(&ObjectKey::logo_record(&a, &id), "application/json", 2)
        .await;
    assert_eq!(
        fx.upload(&upload, "application/json", b"{}".to_vec()).await,
        200
    );
    let cache = ObjectKey::qr_cache(&a, &[1; 32], Format::Svg);
    objects
        .put(&cache, b"<svg/>".to_vec(), "image/svg+xml")
        .await
        .unwrap();

    // B's constructors, with the same logo id and digest, reach nothing.
    for key in [
        ObjectKey::logo(&b, &id),
        ObjectKey::logo_record(&b, &id),
        ObjectKey::qr_cache(&b, &[1; 32], Format::Svg),
    ] {
        assert_eq!(objects.get(&key).await.unwrap(), None, "{key}");
        assert_eq!(objects.head(&key).await.unwrap(), None, "{key}");
        objects.delete(&key).await.unwrap();
    }
    for prefix in [
        ObjectPrefix::workspace(&b),
        ObjectPrefix::logos(&b),
        ObjectPrefix::logo_records(&b),
    ] {
        assert!(objects.list(&prefix, None, 100).await.unwrap().is_empty());
    }
    // B's deletes removed nothing of A's: the logo and its record under
    // A's prefix, and A's cached image under the cache's own prefix.
    assert_eq!(
        objects
            .list(&ObjectPrefix::workspace(&a), None, 100)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(objects.get(&cache).await.unwrap().is_some());
}

// --- the two adapters ------------------------------------------------------

/// The embedded adapter behind the real API on a local port, so its upload
/// URLs are answered over HTTP as a client would send them.
async fn memory_fixture() -> Fixture {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let vars: HashMap<&str, String> = HashMap::from([
        ("SCANLY_EDGE_BASE_URL", "https://scn.test".to_owned()),
        ("SCANLY_EDGE_PUBLISH_URL", "http://127.0.0.1:9".to_owned()),
        ("SCANLY_SIGNING_SECRET", SECRET.to_owned()),
        ("SCANLY_JWT_SECRET", JWT_SECRET.to_owned()),
    ]);
    let config = ApiConfig::from_vars(|name| vars.get(name).cloned()).unwrap();
    let objects: Arc<dyn ObjectStore> =
        Arc::new(MemoryObjects::new(base, SECRET.as_bytes().to_vec()));
    let edge = Arc::new(HttpEdgePublisher::new(
        "http://127.0.0.1:9",
        SECRET.as_bytes().to_vec(),
    ));
    let state = AppState::new(config, Arc::new(MemoryStore::new()), edge)
        .with_objects(Arc::clone(&objects));
    tokio::spawn(async move {
        axum::serve(listener, scanly_api::router(state))
            .await
            .unwrap();
    });
    Fixture {
        objects,
        http: reqwest::Client::new(),
    }
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(&super::memory_fixture().await).await;
                }
            )*
        }

        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(fixture) = super::local::fixture(stringify!($case)).await {
                        super::$case(&fixture).await;
                    }
                }
            )*
        }
    };
}

contract!(
    put_get_head_delete_round_trip,
    missing_keys_are_none,
    listing_is_by_prefix_in_key_order,
    a_presigned_put_with_its_headers_uploads,
    a_presigned_put_of_another_length_is_refused,
    a_presigned_put_of_another_type_is_refused,
    an_expired_presigned_put_is_refused,
    a_tampered_url_is_refused,
    workspaces_never_see_each_others_objects,
);

// --- S3 only ---------------------------------------------------------------

/// What S3 itself relies on: the URL signs Content-Type, Content-Length and
/// the host, expires as asked, and carries no checksum of an empty body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_presigned_urls_sign_type_length_and_expiry() {
    let Some(fixture) = local::fixture("presign_shape").await else {
        return;
    };
    let key = logo_key("ws_a");
    let upload = fixture.presign(&key, "image/png", 321).await;
    let url = reqwest::Url::parse(&upload.url).unwrap();
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(
        query["X-Amz-SignedHeaders"], "content-length;content-type;host",
        "{}",
        upload.url
    );
    assert_eq!(query["X-Amz-Expires"], "300");
    assert_eq!(query["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
    assert!(
        !upload.url.to_ascii_lowercase().contains("checksum"),
        "{}",
        upload.url
    );
    // Path-style (`/{bucket}/{key}`), the key exactly as built.
    let bucket = url
        .path()
        .strip_suffix(&format!("/{key}"))
        .unwrap_or_else(|| panic!("{} does not end with the key", url.path()));
    assert!(
        bucket.starts_with("/c-") && !bucket[1..].contains('/'),
        "{bucket}"
    );
    assert_eq!(
        upload.headers.keys().collect::<Vec<_>>(),
        ["Content-Length", "Content-Type"]
    );
    // Without the headers at all, S3 (the gateway) refuses too.
    let bare = fixture
        .http
        .put(&upload.url)
        .body(image(321, 0))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
}

/// moto for this test binary, behind the SigV4-checking gateway: started
/// once, on first use, and stopped when the binary exits.
mod local {
    use std::process::Child;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU32, Ordering};

    use crate::local_server::{answers, start_moto};

    use aws_sdk_s3::config::{Credentials, Region};
    use scanly_api::objects::s3::S3Objects;

    use super::Fixture;

    pub const ACCESS_KEY: &str = "objectcontract";
    pub const SECRET_KEY: &str = "object-contract-secret-key";
    const REGION: &str = "us-east-1";

    struct Server {
        /// The gateway every S3 request of the tests goes through.
        gateway: String,
        _launcher: Option<Child>,
    }

    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    static BUCKETS: AtomicU32 = AtomicU32::new(0);

    fn required() -> bool {
        std::env::var("SCANLY_REQUIRE_S3").is_ok_and(|v| v == "1")
    }

    fn gateway() -> Result<String, String> {
        match SERVER.get_or_init(start) {
            Ok(server) => Ok(server.gateway.clone()),
            Err(why) => Err(why.clone()),
        }
    }

    /// An adapter on a new, empty bucket for one test.
    pub async fn fixture(case: &str) -> Option<Fixture> {
        // Starting the server blocks (once): keep it off the runtime's threads.
        let endpoint = match tokio::task::spawn_blocking(gateway).await.unwrap() {
            Ok(endpoint) => endpoint,
            Err(why) if required() => {
                panic!("SCANLY_REQUIRE_S3=1 but moto could not be started:\n{why}")
            }
            Err(why) => {
                eprintln!(
                    "note: skipping the S3 half of {case} \
                     (SCANLY_REQUIRE_S3=1 makes this a failure): {why}"
                );
                return None;
            }
        };
        let builder = aws_sdk_s3::config::Builder::new()
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                None,
                None,
                "object-contract",
            ));
        let client =
            aws_sdk_s3::Client::from_conf(S3Objects::configure(builder, Some(&endpoint)).build());
        let mut bucket = format!(
            "c-{}-{}-{}",
            std::process::id(),
            BUCKETS.fetch_add(1, Ordering::SeqCst),
            case.replace('_', "-")
        );
        bucket.truncate(63);
        let bucket = bucket.trim_end_matches('-').to_owned();
        let objects = S3Objects::new(client, bucket.clone());
        objects
            .create_bucket()
            .await
            .unwrap_or_else(|e| panic!("creating bucket {bucket}: {e}"));
        Some(Fixture {
            objects: std::sync::Arc::new(objects),
            http: reqwest::Client::new(),
        })
    }

    fn start() -> Result<Server, String> {
        // A server someone else runs (e.g. CI) wins.
        let (moto, launcher) = match std::env::var("AWS_ENDPOINT_URL_S3") {
            Ok(endpoint) if answers(&endpoint) => (endpoint, None),
            Ok(endpoint) => {
                return Err(format!(
                    "AWS_ENDPOINT_URL_S3={endpoint} is set but does not answer HTTP"
                ));
            }
            Err(_) => {
                let (endpoint, child) = start_moto("object-contract-moto")?;
                (endpoint, Some(child))
            }
        };
        let gateway = gateway::start(moto.trim_end_matches('/').to_owned(), SECRET_KEY)?;
        Ok(Server {
            gateway,
            _launcher: launcher,
        })
    }

    /// S3's check of presigned (query-string SigV4) requests, in front of
    /// moto, which does not make it.
    pub mod gateway {
        use std::collections::BTreeMap;

        use axum::body::{Body, Bytes};
        use axum::extract::{Request, State};
        use axum::http::{HeaderMap, StatusCode};
        use axum::response::Response;
        use hmac::{Hmac, Mac};
        use sha2::{Digest, Sha256};

        #[derive(Clone)]
        struct Gateway {
            moto: String,
            secret_key: String,
            http: reqwest::Client,
        }

        /// Serves on a free port from its own thread and runtime (the tests'
        /// runtimes end with each test); the gateway's URL.
        pub fn start(moto: String, secret_key: &str) -> Result<String, String> {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")
                .map_err(|e| format!("gateway: no free port: {e}"))?;
            listener
                .set_nonblocking(true)
                .map_err(|e| format!("gateway: {e}"))?;
            let url = format!(
                "http://{}",
                listener.local_addr().map_err(|e| format!("gateway: {e}"))?
            );
            let gateway = Gateway {
                moto,
                secret_key: secret_key.to_owned(),
                http: reqwest::Client::new(),
            };
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    let app = axum::Router::new().fallback(handle).with_state(gateway);
                    axum::serve(listener, app).await.unwrap();
                });
            });
            Ok(url)
        }

        fn s3_error(code: &str, message: &str) -> Response {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>{message}</Message></Error>"
            );
            Response::builder()
                .status(StatusCode::FORBIDDEN)
                .header("content-type", "application/xml")
                .body(Body::from(body))
                .unwrap()
        }

        async fn handle(State(gateway): State<Gateway>, request: Request) -> Response {
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, 64 * 1024 * 1024)
                .await
                .unwrap_or_default();
            let query = parts.uri.query().unwrap_or_default();
            if query.contains("X-Amz-Signature=") {
                let now = chrono::Utc::now().timestamp();
                if let Err((code, message)) = verify(
                    parts.method.as_str(),
                    parts.uri.path(),
                    query,
                    &parts.headers,
                    &gateway.secret_key,
                    now,
                ) {
                    return s3_error(code, &message);
                }
            }
            forward(&gateway, &parts, body).await
        }

        async fn forward(
            gateway: &Gateway,
            parts: &axum::http::request::Parts,
            body: Bytes,
        ) -> Response {
            let path_and_query = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).unwrap();
            let mut request = gateway
                .http
                .request(method, format!("{}{path_and_query}", gateway.moto))
                .body(body);
            for (name, value) in &parts.headers {
                if !matches!(
                    name.as_str(),
                    "host" | "content-length" | "connection" | "transfer-encoding" | "expect"
                ) {
                    request = request.header(name.as_str(), value.as_bytes());
                }
            }
            let answer = match request.send().await {
                Ok(answer) => answer,
                Err(e) => {
                    return Response::builder()
                        .status(StatusCode::BAD_GATEWAY)
                        .body(Body::from(e.to_string()))
                        .unwrap();
                }
            };
            let mut response = Response::builder().status(answer.status().as_u16());
            for (name, value) in answer.headers() {
                if !matches!(name.as_str(), "connection" | "transfer-encoding") {
                    response = response.header(name.as_str(), value.as_bytes());
                }
            }
            let bytes = answer.bytes().await.unwrap_or_default();
            response.body(Body::from(bytes)).unwrap()
        }

        /// RFC 3986 decoding of one query component.
        fn decode(component: &str) -> String {
            let bytes = component.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while let Some(&byte) = bytes.get(i) {
                let escaped = bytes
                    .get(i + 1..i + 3)
                    .filter(|_| byte == b'%')
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                match escaped {
                    Some(decoded) => {
                        out.push(decoded);
                        i += 3;
                    }
                    None => {
                        out.push(byte);
                        i += 1;
                    }
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        }

        /// SigV4's URI encoding: everything but `A-Za-z0-9-_.~` as `%XX`.
        fn encode(value: &str) -> String {
            value
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        }

        fn hmac(key: &[u8], data: &str) -> Vec<u8> {
            let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
            mac.update(data.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }

        /// S3's checks of a presigned request: the signature over what
        /// arrived, then the expiry.
        fn verify(
            method: &str,
            path: &str,
            raw_query: &str,
            headers: &HeaderMap,
            secret_key: &str,
            now: i64,
        ) -> Result<(), (&'static str, String)> {
            let mismatch = |why: &str| ("SignatureDoesNotMatch", why.to_owned());
            let pairs: Vec<(String, String)> = raw_query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(name), decode(value))
                })
                .collect();
            let param = |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| mismatch(&format!("no {name}")))
            };
            let signature = param("X-Amz-Signature")?;
            let amz_date = param("X-Amz-Date")?;
            let credential = param("X-Amz-Credential")?;
            let signed_headers = param("X-Amz-SignedHeaders")?;
            let expires: i64 = param("X-Amz-Expires")?
                .parse()
                .map_err(|_| mismatch("bad X-Amz-Expires"))?;
            let payload =
                param("X-Amz-Content-Sha256").unwrap_or_else(|_| "UNSIGNED-PAYLOAD".into());

            let mut canonical_query: Vec<(String, String)> = pairs
                .iter()
                .filter(|(name, _)| name != "X-Amz-Signature")
                .map(|(name, value)| (encode(name), encode(value)))
                .collect();
            canonical_query.sort();
            let canonical_query = canonical_query
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("&");
            let mut canonical_headers = BTreeMap::new();
            for name in signed_headers.split(';') {
                let values: Vec<String> = headers
                    .get_all(name)
                    .iter()
                    .map(|v| {
                        String::from_utf8_lossy(v.as_bytes())
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                if values.is_empty() {
                    return Err(mismatch(&format!("signed header {name} is missing")));
                }
                canonical_headers.insert(name.to_owned(), values.join(","));
            }
            let canonical_headers: String = canonical_headers
                .iter()
                .map(|(name, value)| format!("{name}:{value}\n"))
                .collect();
            let canonical_request = format!(
                "{method}\n{path}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload}"
            );
            let scope_parts: Vec<&str> = credential.splitn(2, '/').collect();
            let scope = scope_parts
                .get(1)
                .ok_or_else(|| mismatch("bad credential"))?;
            let string_to_sign = format!(
                "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
                hex::encode(Sha256::digest(canonical_request.as_bytes()))
            );
            let mut fields = scope.split('/');
            let (Some(date), Some(region), Some(service)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(mismatch("bad credential scope"));
            };
            let key = hmac(format!("AWS4{secret_key}").as_bytes(), date);
            let key = hmac(&key, region);
            let key = hmac(&key, service);
            let key = hmac(&key, "aws4_request");
            let expected = hex::encode(hmac(&key, &string_to_sign));
            if expected != signature {
                return Err(mismatch(
                    "The request signature we calculated does not match the signature you provided",
                ));
            }
            let signed_at = chrono::NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ")
                .map_err(|_| mismatch("bad X-Amz-Date"))?
                .and_utc()
                .timestamp();
            if now > signed_at + expires {
                return Err(("AccessDenied", "Request has expired".to_owned()));
            }
            Ok(())
        }
    }
}
