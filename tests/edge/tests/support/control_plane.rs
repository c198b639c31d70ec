//! The control plane's HTTP side for edge tests: the API (and ingest) on
//! loopback ports, over the embedded store, publishing to the Worker under
//! test; and a small JSON client for it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use scanly_api::AppState;
use scanly_api::config::ApiConfig;
use scanly_api::publish::HttpEdgePublisher;
use scanly_api::store::Store;
use scanly_api::store::memory::MemoryStore;
use scanly_edge_tests::{Request, SECRET};
use serde_json::Value;

/// The API's state over `store`, publishing to the Worker at `edge_url`,
/// whose canonical default host in the harness is `scanly.test`.
pub fn api_state(edge_url: &str, store: Arc<dyn Store>) -> AppState {
    let vars: HashMap<&str, String> = HashMap::from([
        ("SCANLY_EDGE_BASE_URL", "http://scanly.test".to_owned()),
        ("SCANLY_EDGE_PUBLISH_URL", edge_url.to_owned()),
        ("SCANLY_SIGNING_SECRET", SECRET.to_owned()),
        (
            "SCANLY_JWT_SECRET",
            "edge-tests-jwt-secret-0123456789abcdefgh".to_owned(),
        ),
    ]);
    let config = ApiConfig::from_vars(|name| vars.get(name).cloned()).unwrap();
    let publisher = Arc::new(HttpEdgePublisher::new(edge_url, SECRET.as_bytes().to_vec()));
    AppState::new(config, store, publisher)
}

/// The API alone on the embedded store.
pub fn start_api(edge_url: &str) -> SocketAddr {
    serve(scanly_api::router(api_state(
        edge_url,
        Arc::new(MemoryStore::new()),
    )))
}

/// `router` on a loopback port, on its own runtime thread.
pub fn serve(router: axum::Router) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    addr
}

/// A JSON call to the API: the status and the body (`Null` when empty).
pub fn api_call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut request = Request::new(method, path)
        .host(&addr.to_string())
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send(addr);
    let json = if response.body.is_empty() {
        Value::Null
    } else {
        response.json()
    };
    (response.status, json)
}
