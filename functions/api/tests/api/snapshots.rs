//! What clients receive, pinned: ids, tokens and times redacted.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_created_link_as_clients_see_it() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let response = app
        .create_link(
            &rosa,
            json!({
                "code": "menu",
                "destination": "https://cafe.example/menu",
                "title": "Lunch menu",
                "tags": ["print"],
                "utm": {"source": "flyer", "campaign": "spring"},
                "rules": [{"when": {"os": ["ios"]}, "destination": "https://apps.apple.com/app/id1"}],
                "variants": [],
                "expires_at": "2027-01-01T00:00:00Z",
                "max_scans": 500,
                "password": "open sesame"
            }),
        )
        .await;
    insta::assert_json_snapshot!(response.body, {
        ".id" => "[link id]",
        ".created_at" => "[time]",
        ".updated_at" => "[time]",
    });
}

#[tokio::test]
async fn a_sign_up_as_clients_see_it() {
    let app = spawn_app().await;
    let response = app
        .call(
            "POST",
            "/v1/auth/signup",
            None,
            Some(json!({"email": "rosa@cafe.example", "password": "correct horse battery", "name": "Rosa"})),
        )
        .await;
    insta::assert_json_snapshot!(response.body, {
        ".access_token" => "[jwt]",
        ".refresh_token" => "[refresh token]",
        ".user.id" => "[user id]",
        ".workspace.id" => "[workspace id]",
    });
}

#[tokio::test]
async fn a_validation_error_as_clients_see_it() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let response = app
        .create_link(&rosa, json!({"destination": "https://a.example/", "rules": [{"when": {"device": ["fridge"]}, "destination": "https://b.example/"}]}))
        .await;
    insta::assert_json_snapshot!(response.body);
}
