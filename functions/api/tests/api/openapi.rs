//! The OpenAPI document covers every route, and real responses have the
//! shape it promises.

use axum::http::{Method, StatusCode};
use serde_json::json;

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
async fn every_component_schema_compiles_as_json_schema_2020_12() {
    let app = spawn_app().await;
    let contract = app.contract().await;
    let schemas = contract.document()["components"]["schemas"]
        .as_object()
        .unwrap();
    assert!(!schemas.is_empty());
    for name in schemas.keys() {
        // Compiling resolves every `$ref` the schema reaches.
        contract.validator(&json!({"$ref": format!("#/components/schemas/{name}")}));
    }
}

#[tokio::test]
async fn responses_have_the_documented_shape() {
    let app = spawn_app().await;
    let contract = app.contract().await;
    let signup = app
        .call("POST", "/v1/auth/signup", None, Some(json!({"email": "rosa@cafe.example", "password": "correct horse battery", "name": "Rosa"})))
        .await;
    contract.assert_component("Tokens", &signup.body);
    contract.assert_component("UserView", &signup.body["user"]);
    let token = signup.body["access_token"].as_str().unwrap();
    let link = app
        .call(
            "POST",
            "/v1/links",
            Some(token),
            Some(json!({"destination": "https://cafe.example/", "password": "open sesame"})),
        )
        .await;
    contract.assert_component("LinkView", &link.body);
    // A property the document does not name is an error too.
    let mut undocumented = link.body.clone();
    undocumented["surprise"] = json!(true);
    let link_view = json!({"$ref": "#/components/schemas/LinkView"});
    assert!(!contract.errors(&link_view, &undocumented).is_empty());
    // And so is a malformed format.
    let mut bad_time = link.body.clone();
    bad_time["created_at"] = json!("yesterday");
    assert!(!contract.errors(&link_view, &bad_time).is_empty());
    let list = app.call("GET", "/v1/links", Some(token), None).await;
    contract.assert_component("LinkList", &list.body);
    let me = app.call("GET", "/v1/me", Some(token), None).await;
    contract.assert_component("Me", &me.body);
    let error = app.call("GET", "/v1/links/nope", Some(token), None).await;
    contract.assert_component("ErrorBody", &error.body);
    contract.assert_component("ErrorDetail", &error.body["error"]);
}

/// The validator is not a rubber stamp: bodies that break the document fail.
#[tokio::test]
async fn the_validator_rejects_what_the_document_rejects() {
    let app = spawn_app().await;
    let contract = app.contract().await;
    let tokens = json!({"$ref": "#/components/schemas/Tokens"});
    assert!(!contract.errors(&tokens, &json!({})).is_empty());
    assert!(!contract.errors(&tokens, &json!([])).is_empty());
    let error = json!({"$ref": "#/components/schemas/ErrorBody"});
    assert!(
        !contract
            .errors(&error, &json!({"error": {"code": 7, "message": "x"}}))
            .is_empty()
    );
    let (_, create) = contract
        .operation(&Method::POST, "/v1/links")
        .expect("POST /v1/links is documented");
    let request = &create["requestBody"]["content"]["application/json"]["schema"];
    assert!(
        contract
            .errors(request, &json!({"destination": "https://cafe.example/"}))
            .is_empty()
    );
    assert!(
        !contract
            .errors(request, &json!({"destination": 42}))
            .is_empty()
    );
    // Path templates: the most literal one wins; the query string is ignored.
    assert_eq!(
        contract
            .operation(&Method::POST, "/v1/links/bulk")
            .unwrap()
            .0,
        "/v1/links/bulk"
    );
    assert_eq!(
        contract
            .operation(&Method::GET, "/v1/links/lnk_123?x=1")
            .unwrap()
            .0,
        "/v1/links/{id}"
    );
    assert!(contract.operation(&Method::GET, "/v1/nowhere").is_none());
}
