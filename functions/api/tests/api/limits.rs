//! Rate limits: per workspace on the API, per account on login.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_workspace_gets_100_requests_a_minute_then_429_with_retry_after() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let ben = app.sign_up("ben@shop.example").await;
    // Start on a minute boundary so the window does not roll mid-test.
    app.advance_ms(60_000 - app.now_ms().rem_euclid(60_000));
    for i in 0..100 {
        let ok = app
            .call("GET", "/v1/links", Some(&rosa.access_token), None)
            .await;
        assert_eq!(ok.status, StatusCode::OK, "request {i}");
    }
    app.advance_ms(15_000);
    let limited = app
        .call("GET", "/v1/links", Some(&rosa.access_token), None)
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_code(), "rate_limited");
    assert_eq!(limited.headers.get("retry-after").unwrap(), "45");
    let other = app
        .call("GET", "/v1/links", Some(&ben.access_token), None)
        .await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another workspace has its own budget"
    );
    app.advance_ms(45_000);
    let next_minute = app
        .call("GET", "/v1/links", Some(&rosa.access_token), None)
        .await;
    assert_eq!(next_minute.status, StatusCode::OK);
}

#[tokio::test]
async fn guessing_a_password_is_slowed_after_ten_tries() {
    let app = spawn_app().await;
    app.sign_up("rosa@cafe.example").await;
    let login = |password: &'static str| {
        app.call(
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": "rosa@cafe.example", "password": password})),
        )
    };
    for _ in 0..10 {
        assert_eq!(
            login("wrong guess here").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = login("correct horse battery").await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right one waits"
    );
    assert!(locked.headers.get("retry-after").is_some());
    app.advance_ms(15 * 60 * 1000);
    assert_eq!(login("correct horse battery").await.status, StatusCode::OK);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::Request;
    let app = spawn_app().await;
    let from = |email: String| {
        let mut request = Request::builder()
            .method("POST")
            .uri("/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"email": email, "password": "guess guess guess"}).to_string(),
            ))
            .unwrap();
        let peer: std::net::SocketAddr = "203.0.113.9:50000".parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    };
    for i in 0..50 {
        let response = app.raw(from(format!("user{i}@spray.example"))).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let blocked = app.raw(from("user51@spray.example".into())).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
}
