//! The management API and the edge Worker together: a link created through
//! the API is published over the real signed channel and scanned in workerd.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::sync::Arc;

use scanly_api::config::ApiConfig;
use scanly_api::publish::HttpEdgePublisher;
use scanly_api::store::memory::MemoryStore;
use scanly_api::{AppState, router};
use scanly_edge_tests::agents::IPHONE;
use scanly_edge_tests::{Request, SECRET, shared_edge};
use serde_json::{Value, json};

/// The API on a loopback port, publishing to the Worker under test.
fn start_api(edge_url: &str) -> std::net::SocketAddr {
    let vars: HashMap<&str, String> = HashMap::from([
        // The edge's canonical default host in the harness.
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
    let state = AppState::new(config, Arc::new(MemoryStore::new()), publisher);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router(state)).await.unwrap();
        });
    });
    addr
}

fn api_call(
    addr: std::net::SocketAddr,
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

#[test]
fn a_link_created_through_the_api_is_scanned_at_the_edge_and_edits_follow() {
    let edge = shared_edge();
    let api = start_api(&format!("http://{}", edge.worker.addr()));
    let (status, account) = api_call(
        api,
        "POST",
        "/v1/auth/signup",
        None,
        json!({"email": "rosa@cafe.example", "password": "correct horse battery", "name": "Rosa"}),
    );
    assert_eq!(status, 201, "{account}");
    let token = account["access_token"].as_str().unwrap().to_owned();

    let (status, link) = api_call(
        api,
        "POST",
        "/v1/links",
        Some(&token),
        json!({"destination": "https://cafe.example/menu", "utm": {"source": "qr"},
               "rules": [{"when": {"os": ["android"]}, "destination": "https://play.example/app"}]}),
    );
    assert_eq!(status, 201, "{link}");
    assert_eq!(
        link["published_version"], 1,
        "published before the short URL is returned"
    );
    let code = link["code"].as_str().unwrap();
    assert_eq!(link["short_url"], format!("http://scanly.test/{code}"));

    let scan = |ua: &str| {
        edge.worker
            .send(&Request::get(&format!("/{code}")).user_agent(ua))
    };
    let first = scan(IPHONE);
    assert_eq!(first.status, 302);
    assert_eq!(first.location(), "https://cafe.example/menu?utm_source=qr");

    let (status, edited) = api_call(
        api,
        "PATCH",
        &format!("/v1/links/{}", link["id"].as_str().unwrap()),
        Some(&token),
        json!({"destination": "https://cafe.example/dinner", "version": 1}),
    );
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["published_version"], 2);
    assert_eq!(
        scan(IPHONE).location(),
        "https://cafe.example/dinner?utm_source=qr"
    );

    let (status, _) = api_call(
        api,
        "DELETE",
        &format!("/v1/links/{}", link["id"].as_str().unwrap()),
        Some(&token),
        Value::Null,
    );
    assert_eq!(status, 204);
    assert_eq!(
        scan(IPHONE).status,
        404,
        "a deleted link stops answering at once"
    );
}
