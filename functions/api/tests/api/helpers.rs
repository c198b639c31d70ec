//! `spawn_app()` and intent-revealing helpers (after zero2prod's).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::routing::put;
use http_body_util::BodyExt;
use scanly_api::config::ApiConfig;
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::publish::HttpEdgePublisher;
use scanly_api::store::memory::MemoryStore;
use scanly_api::{AppState, router};
use scanly_shared::LinkRecord;
use scanly_shared::signing;
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use tower::ServiceExt;

use crate::schema;

pub const SECRET: &str = "api-tests-signing-secret-0123456789abcdef";
pub const JWT_SECRET: &str = "api-tests-jwt-secret-0123456789abcdefghij";
pub const EDGE_BASE: &str = "https://scn.test";
pub const SPA_ORIGIN: &str = "https://app.scn.test";
/// Where the embedded object store's upload URLs point (this API).
pub const API_BASE: &str = "https://api.scn.test";
/// 2026-11-20T12:00:00Z.
pub const START_MS: i64 = 1_795_176_000_000;

/// The edge's publish channel as a local HTTP server: checks each request's
/// signature like the Worker, keeps the records, and can be taken down.
#[derive(Clone, Default)]
pub struct FakeEdge {
    pub records: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    pub down: Arc<AtomicBool>,
    pub bad_signatures: Arc<AtomicI64>,
}

impl FakeEdge {
    pub fn record(&self, host: &str, code: &str) -> Option<LinkRecord> {
        let records = self.records.lock().unwrap();
        records
            .get(&format!("{host}/{code}"))
            .map(|bytes| LinkRecord::decode(bytes).unwrap())
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

async fn edge_write(
    State(edge): State<FakeEdge>,
    Path((host, code)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if edge.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let path = format!("/_scanly/records/{host}/{code}");
    let verified = signing::parse_timestamp(&header(signing::TIMESTAMP_HEADER)).and_then(|ts| {
        let now = chrono::Utc::now().timestamp();
        signing::verify(
            &[SECRET.as_bytes()],
            method.as_str(),
            &path,
            ts,
            &body,
            &header(signing::SIGNATURE_HEADER),
            now,
        )
    });
    if verified.is_err() {
        edge.bad_signatures.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    let key = format!("{host}/{code}");
    let mut records = edge.records.lock().unwrap();
    if method == Method::DELETE {
        records.remove(&key);
    } else {
        records.insert(key, body.to_vec());
    }
    StatusCode::OK
}

async fn start_edge() -> (FakeEdge, String) {
    let edge = FakeEdge::default();
    let app = Router::new()
        .route(
            "/_scanly/records/{host}/{code}",
            put(edge_write).delete(edge_write),
        )
        .with_state(edge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (edge, url)
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub struct TestApp {
    router: Router,
    pub state: AppState,
    pub edge: FakeEdge,
    now: Arc<AtomicI64>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestResponse {
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error: {}", self.body))
    }
    pub fn error_message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

/// A signed-up user, as the tests hold them.
pub struct Account {
    pub access_token: String,
    pub refresh_token: String,
    pub workspace_id: String,
}

pub async fn spawn_app() -> TestApp {
    let (edge, edge_url) = start_edge().await;
    let vars: HashMap<&str, String> = HashMap::from([
        ("SCANLY_EDGE_BASE_URL", EDGE_BASE.to_owned()),
        ("SCANLY_EDGE_PUBLISH_URL", edge_url.clone()),
        ("SCANLY_SIGNING_SECRET", SECRET.to_owned()),
        ("SCANLY_JWT_SECRET", JWT_SECRET.to_owned()),
        ("SCANLY_SPA_ORIGIN", SPA_ORIGIN.to_owned()),
    ]);
    let config = ApiConfig::from_vars(|name| vars.get(name).cloned()).unwrap();
    let publisher = Arc::new(HttpEdgePublisher::new(
        &edge_url,
        SECRET.as_bytes().to_vec(),
    ));
    let now = Arc::new(AtomicI64::new(START_MS));
    let clock_now = Arc::clone(&now);
    let objects = Arc::new(MemoryObjects::new(API_BASE, SECRET.as_bytes().to_vec()));
    let state = AppState::new(config, Arc::new(MemoryStore::new()), publisher)
        .with_objects(objects)
        .with_clock(Arc::new(move || clock_now.load(Ordering::SeqCst)));
    TestApp {
        router: router(state.clone()),
        state,
        edge,
        now,
    }
}

impl TestApp {
    pub fn advance_ms(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    /// Sends `request` through the router and checks the exchange against
    /// the OpenAPI document (see `schema`): status, headers, bytes.
    async fn exchange(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
        let contract = self.contract().await;
        let (parts, body) = request.into_parts();
        let sent = body.collect().await.unwrap().to_bytes();
        let method = parts.method.clone();
        let uri = parts.uri.clone();
        let sent_type = content_type(&parts.headers);
        let request = Request::from_parts(parts, Body::from(sent.clone()));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        contract.check(&schema::Exchange {
            method,
            path,
            request: schema::Body::classify(sent_type.as_deref(), &sent),
            status,
            response: schema::Body::classify(content_type(&headers).as_deref(), &bytes),
        });
        (status, headers, bytes)
    }

    /// The OpenAPI document as served, fetched and compiled once per test
    /// binary.
    pub async fn contract(&self) -> &'static schema::Contract {
        static CONTRACT: OnceCell<schema::Contract> = OnceCell::const_new();
        CONTRACT
            .get_or_init(|| async {
                let request = Request::get("/v1/openapi.json")
                    .body(Body::empty())
                    .unwrap();
                let response = self.router.clone().oneshot(request).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                schema::Contract::new(serde_json::from_slice(&bytes).unwrap())
            })
            .await
    }

    pub async fn raw(&self, request: Request<Body>) -> TestResponse {
        let (status, headers, bytes) = self.exchange(request).await;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
        };
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        self.call_with(method, path, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match body {
            Some(json) => {
                builder = builder.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.raw(builder.body(body).unwrap()).await
    }

    /// A request whose answer is not JSON (images): status, headers, bytes.
    pub async fn raw_bytes(
        &self,
        method: &str,
        path: &str,
        token: &str,
        headers: &[(&str, &str)],
        json_body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match json_body {
            Some(json) => {
                builder = builder.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let (status, headers, bytes) = self.exchange(builder.body(body).unwrap()).await;
        (status, headers, bytes.to_vec())
    }

    pub async fn sign_up(&self, email: &str) -> Account {
        let response = self
            .call(
                "POST",
                "/v1/auth/signup",
                None,
                Some(json!({"email": email, "password": "correct horse battery", "name": "Rosa"})),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        Account {
            access_token: response.body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: response.body["refresh_token"].as_str().unwrap().to_owned(),
            workspace_id: response.body["workspace"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        }
    }

    /// `owner` adds the account registered as `email` to their workspace
    /// with `role`; insists on 201.
    pub async fn add_member(&self, owner: &Account, email: &str, role: &str) {
        let added = self
            .call(
                "POST",
                &format!("/v1/workspaces/{}/members", owner.workspace_id),
                Some(&owner.access_token),
                Some(json!({"email": email, "role": role})),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    }

    pub async fn create_link(&self, account: &Account, body: Value) -> TestResponse {
        self.call("POST", "/v1/links", Some(&account.access_token), Some(body))
            .await
    }

    /// Creates a logo and uploads `bytes` to its presigned URL the way a
    /// browser would (no bearer token); returns the logo id.
    pub async fn upload_logo(
        &self,
        account: &Account,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> String {
        let created = self
            .call(
                "POST",
                "/v1/logos",
                Some(&account.access_token),
                Some(json!({"content_type": content_type, "size_bytes": bytes.len()})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let upload = &created.body["upload"];
        let path = upload["url"]
            .as_str()
            .unwrap()
            .strip_prefix(API_BASE)
            .unwrap();
        let mut request = Request::builder().method("PUT").uri(path);
        for (name, value) in upload["headers"].as_object().unwrap() {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
        let stored = self.raw(request.body(Body::from(bytes)).unwrap()).await;
        assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
        created.body["id"].as_str().unwrap().to_owned()
    }
}
