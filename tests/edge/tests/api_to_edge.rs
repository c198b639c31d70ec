//! The management API and the edge Worker together: a link created through
//! the API is published over the real signed channel and scanned in workerd.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use scanly_edge_tests::agents::IPHONE;
use scanly_edge_tests::{Request, shared_edge};
use serde_json::{Value, json};
use support::control_plane::{api_call, start_api};

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
