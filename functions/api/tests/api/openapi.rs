//! The OpenAPI document covers every route, and real responses have the
//! shape it promises.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// Every route the router serves, as (method, path template).
const ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/auth/signup"),
    ("post", "/v1/auth/login"),
    ("post", "/v1/auth/refresh"),
    ("post", "/v1/auth/logout"),
    ("get", "/v1/me"),
    ("post", "/v1/links"),
    ("get", "/v1/links"),
    ("post", "/v1/links/bulk"),
    ("get", "/v1/links/{id}"),
    ("patch", "/v1/links/{id}"),
    ("delete", "/v1/links/{id}"),
    ("put", "/v1/links/{id}/page"),
    ("get", "/v1/links/{id}/qr"),
    ("post", "/v1/qr"),
    ("get", "/v1/workspaces"),
    ("post", "/v1/workspaces"),
    ("get", "/v1/workspaces/{id}/members"),
    ("post", "/v1/workspaces/{id}/members"),
    ("delete", "/v1/workspaces/{id}/members/{user_id}"),
    ("post", "/v1/api-keys"),
    ("get", "/v1/api-keys"),
    ("delete", "/v1/api-keys/{id}"),
];

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

/// The body has every required property and nothing the schema does not name.
fn assert_matches(doc: &Value, name: &str, body: &Value) {
    let schema = schema(doc, name);
    let properties = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{name} has no properties"));
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("{name}: not an object: {body}"));
    for key in object.keys() {
        assert!(
            properties.contains_key(key),
            "{name}: `{key}` is not in the document"
        );
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        let key = required.as_str().unwrap();
        assert!(
            object.contains_key(key),
            "{name}: required `{key}` missing from {body}"
        );
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_covers_every_route() {
    let app = spawn_app().await;
    let response = app.call("GET", "/v1/openapi.json", None, None).await;
    assert_eq!(response.status, StatusCode::OK);
    let doc = &response.body;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for (method, path) in ROUTES {
        let operation = &doc["paths"][path][method];
        assert!(
            operation.is_object(),
            "{method} {path} is missing from the document"
        );
        assert!(
            operation["responses"].is_object(),
            "{method} {path} has no responses"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn responses_have_the_documented_shape() {
    let app = spawn_app().await;
    let doc = app.call("GET", "/v1/openapi.json", None, None).await.body;
    let signup = app
        .call("POST", "/v1/auth/signup", None, Some(json!({"email": "rosa@cafe.example", "password": "correct horse battery", "name": "Rosa"})))
        .await;
    assert_matches(&doc, "Tokens", &signup.body);
    assert_matches(&doc, "UserView", &signup.body["user"]);
    let token = signup.body["access_token"].as_str().unwrap();
    let link = app
        .call(
            "POST",
            "/v1/links",
            Some(token),
            Some(json!({"destination": "https://cafe.example/", "password": "open sesame"})),
        )
        .await;
    assert_matches(&doc, "LinkView", &link.body);
    let list = app.call("GET", "/v1/links", Some(token), None).await;
    assert_matches(&doc, "LinkList", &list.body);
    let me = app.call("GET", "/v1/me", Some(token), None).await;
    assert_matches(&doc, "Me", &me.body);
    let error = app.call("GET", "/v1/links/nope", Some(token), None).await;
    assert_matches(&doc, "ErrorBody", &error.body);
    assert_matches(&doc, "ErrorDetail", &error.body["error"]);
}
