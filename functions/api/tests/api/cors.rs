//! Browsers may call the API from the SPA's origin only.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::helpers::{SPA_ORIGIN, spawn_app};

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method("OPTIONS")
        .uri("/v1/links")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn the_spa_origin_is_allowed_and_others_are_not() {
    let app = spawn_app().await;
    let allowed = app.raw(preflight(SPA_ORIGIN)).await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(
        allowed.headers.get("access-control-allow-origin").unwrap(),
        SPA_ORIGIN
    );
    // The allowed origin is fixed: another site gets the SPA's origin back,
    // which its browser refuses to match.
    let other = app.raw(preflight("https://evil.example")).await;
    let echoed = other.headers.get("access-control-allow-origin");
    assert!(echoed.is_none_or(|v| v == SPA_ORIGIN), "{echoed:?}");
}
