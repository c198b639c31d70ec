//! Sign-up, login, refresh rotation, logout and token checks.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn signing_up_creates_an_account_a_personal_workspace_and_tokens() {
    let app = spawn_app().await;
    let response = app
        .call(
            "POST",
            "/v1/auth/signup",
            None,
            Some(json!({"email": "Rosa@Cafe.example", "password": "correct horse battery", "name": " Rosa "})),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    let body = &response.body;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("srt_"));
    assert_eq!(body["user"]["name"], "Rosa");
    assert_eq!(body["workspace"]["role"], "owner");
    assert!(body["user"].get("password_hash").is_none());

    let me = app
        .call("GET", "/v1/me", body["access_token"].as_str(), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["workspaces"][0]["id"], body["workspace"]["id"]);
}

#[tokio::test]
async fn an_email_signs_up_once() {
    let app = spawn_app().await;
    app.sign_up("rosa@cafe.example").await;
    let again = app
        .call(
            "POST",
            "/v1/auth/signup",
            None,
            Some(
                json!({"email": "ROSA@cafe.example", "password": "another long one", "name": "R"}),
            ),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "email_taken");
}

#[tokio::test]
async fn bad_sign_ups_name_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"email": "not-an-email", "password": "correct horse battery", "name": "R"}),
            "email",
        ),
        (
            json!({"email": "a@b.example", "password": "short", "name": "R"}),
            "password",
        ),
        (
            json!({"email": "a@b.example", "password": "correct horse battery", "name": ""}),
            "name",
        ),
        (
            json!({"email": "a@b.example", "password": "correct horse battery", "name": "R", "admin": true}),
            "admin",
        ),
    ];
    for (body, field) in cases {
        let response = app.call("POST", "/v1/auth/signup", None, Some(body)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.body
        );
        assert_eq!(response.error_code(), "validation_failed");
        assert!(
            response.error_message().contains(field),
            "{field}: {}",
            response.error_message()
        );
    }
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/v1/auth/signup")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"email\": "))
        .unwrap();
    let response = app.raw(request).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.error_code(), "bad_request");
    assert_eq!(
        response.headers.get("content-type").unwrap(),
        "application/json",
        "errors are JSON"
    );
}

#[tokio::test]
async fn login_accepts_the_right_password_and_refuses_others_alike() {
    let app = spawn_app().await;
    app.sign_up("rosa@cafe.example").await;
    let login = |email: &'static str, password: &'static str| {
        app.call(
            "POST",
            "/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
    };
    let ok = login("rosa@cafe.example", "correct horse battery").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body["access_token"].is_string());
    let wrong = login("rosa@cafe.example", "wrong horse battery").await;
    let unknown = login("nobody@cafe.example", "correct horse battery").await;
    assert_eq!(
        (wrong.status, unknown.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong.body, unknown.body, "no hint which emails exist");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    let app = spawn_app().await;
    let account = app.sign_up("rosa@cafe.example").await;
    let refresh = |token: &str| {
        app.call(
            "POST",
            "/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
    };
    let first = refresh(&account.refresh_token).await;
    assert_eq!(first.status, StatusCode::OK);
    let rotated = first.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rotated, account.refresh_token);

    let replayed = refresh(&account.refresh_token).await;
    assert_eq!(
        replayed.status,
        StatusCode::UNAUTHORIZED,
        "an old token is refused"
    );
    let after_theft = refresh(&rotated).await;
    assert_eq!(
        after_theft.status,
        StatusCode::UNAUTHORIZED,
        "and its whole family with it"
    );
}

#[tokio::test]
async fn logout_ends_the_refresh_family() {
    let app = spawn_app().await;
    let account = app.sign_up("rosa@cafe.example").await;
    let out = app
        .call(
            "POST",
            "/v1/auth/logout",
            None,
            Some(json!({"refresh_token": account.refresh_token})),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let refresh = app
        .call(
            "POST",
            "/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": account.refresh_token})),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn access_tokens_expire_and_tampered_ones_are_refused() {
    let app = spawn_app().await;
    let account = app.sign_up("rosa@cafe.example").await;
    let app = &app;
    let me =
        |token: String| async move { app.call("GET", "/v1/me", Some(&token), None).await.status };
    assert_eq!(me(account.access_token.clone()).await, StatusCode::OK);
    let mut tampered = account.access_token.clone();
    tampered.pop();
    tampered.push(if account.access_token.ends_with('A') {
        'B'
    } else {
        'A'
    });
    assert_eq!(me(tampered).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me("not.a.jwt".to_owned()).await, StatusCode::UNAUTHORIZED);
    app.advance_ms(16 * 60 * 1000);
    assert_eq!(
        me(account.access_token.clone()).await,
        StatusCode::UNAUTHORIZED,
        "15-minute tokens"
    );
    let no_token = app.call("GET", "/v1/me", None, None).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.error_code(), "unauthorized");
}
