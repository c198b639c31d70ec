//! Logos as clients use them: create, upload the file to the presigned URL
//! (here the embedded object store's, served by the API itself), see it
//! uploaded; refusals for other sizes, types, late uploads, other
//! workspaces and roles.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use scanly_api::objects::s3::S3Objects;
use scanly_api::objects::{LogoId, ObjectKey};
use scanly_api::routes::logos::{MAX_LOGO_BYTES, load_logo};
use scanly_shared::ids::WorkspaceId;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{API_BASE, Account, TestApp, TestResponse, spawn_app};

/// Not a real PNG: storage does not look inside (the renderer does).
fn png_bytes(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 0x42);
    bytes
}

async fn create_logo(app: &TestApp, account: &Account, body: Value) -> TestResponse {
    app.call("POST", "/v1/logos", Some(&account.access_token), Some(body))
        .await
}

/// `PUT`s `body` to the upload URL through the in-process app, with these
/// headers and no Authorization, as a browser or curl would.
async fn put_upload(
    app: &TestApp,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> TestResponse {
    let path = url
        .strip_prefix(API_BASE)
        .unwrap_or_else(|| panic!("{url} is not on {API_BASE}"));
    let mut request = Request::builder().method("PUT").uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.raw(request.body(Body::from(body)).unwrap()).await
}

/// The upload as created: its URL and its headers.
fn upload_of(created: &TestResponse) -> (String, String, String) {
    let upload = &created.body["upload"];
    (
        upload["url"].as_str().unwrap().to_owned(),
        upload["headers"]["Content-Type"]
            .as_str()
            .unwrap()
            .to_owned(),
        upload["headers"]["Content-Length"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

fn workspace(account: &Account) -> WorkspaceId {
    WorkspaceId::parse(&account.workspace_id).unwrap()
}

fn assert_error_shape(response: &TestResponse) {
    let error = response.body["error"].as_object().unwrap();
    assert_eq!(error.len(), 2, "{}", response.body);
    assert!(error["code"].is_string() && error["message"].is_string());
    assert_eq!(response.body.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn a_logo_is_created_uploaded_to_its_url_and_then_usable() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = create_logo(
        &app,
        &rosa,
        json!({"content_type": "image/png", "size_bytes": 2048}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(LogoId::parse(&id).is_some(), "{id}");
    assert_eq!(created.body["max_bytes"], MAX_LOGO_BYTES);
    let upload = &created.body["upload"];
    assert_eq!(upload["method"], "PUT");
    assert_eq!(
        upload["headers"],
        json!({"Content-Type": "image/png", "Content-Length": "2048"})
    );
    // 15 minutes from now (the test clock starts at 2026-11-20T12:00:00Z).
    assert_eq!(upload["expires_at"], "2026-11-20T12:15:00.000Z");
    let url = upload["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{API_BASE}/v1/uploads/workspaces/{}/logos/{id}?",
            rosa.workspace_id
        )),
        "{url}"
    );

    let before = app
        .call(
            "GET",
            &format!("/v1/logos/{id}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(
        before.body,
        json!({"id": id, "content_type": "image/png", "size_bytes": 2048, "uploaded": false})
    );
    let not_yet = load_logo(app.state.objects.as_ref(), &workspace(&rosa), &id)
        .await
        .unwrap_err();
    assert_eq!(not_yet.status, StatusCode::NOT_FOUND);
    assert_eq!(not_yet.code, "logo_not_found");

    let (url, content_type, content_length) = upload_of(&created);
    let stored = put_upload(
        &app,
        &url,
        &[
            ("content-type", &content_type),
            ("content-length", &content_length),
        ],
        png_bytes(2048),
    )
    .await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);

    let after = app
        .call(
            "GET",
            &format!("/v1/logos/{id}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(after.body["uploaded"], true, "{}", after.body);
    let logo = load_logo(app.state.objects.as_ref(), &workspace(&rosa), &id)
        .await
        .unwrap();
    assert_eq!(logo.bytes, png_bytes(2048));
    assert_eq!(logo.content_type, "image/png");
    let listed = app
        .call("GET", "/v1/logos", Some(&rosa.access_token), None)
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["items"], json!([after.body]));
    assert_eq!(listed.body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn an_upload_of_another_size_or_type_or_after_its_expiry_is_refused() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = create_logo(
        &app,
        &rosa,
        json!({"content_type": "image/svg+xml", "size_bytes": 100}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let (url, content_type, _) = upload_of(&created);
    let svg = "image/svg+xml";

    let shorter = put_upload(
        &app,
        &url,
        &[("content-type", svg), ("content-length", "99")],
        vec![b'x'; 99],
    )
    .await;
    assert_eq!(shorter.status, StatusCode::FORBIDDEN, "{}", shorter.body);
    assert_eq!(shorter.error_code(), "upload_refused");
    assert!(shorter.error_message().contains("Content-Length"));
    assert_error_shape(&shorter);
    let longer = put_upload(
        &app,
        &url,
        &[("content-type", svg), ("content-length", "101")],
        vec![b'x'; 101],
    )
    .await;
    assert_eq!(longer.status, StatusCode::FORBIDDEN);
    let lying = put_upload(
        &app,
        &url,
        &[("content-type", svg), ("content-length", "100")],
        vec![b'x'; 99],
    )
    .await;
    assert_eq!(lying.status, StatusCode::FORBIDDEN);
    let other_type = put_upload(
        &app,
        &url,
        &[("content-type", "text/html"), ("content-length", "100")],
        vec![b'x'; 100],
    )
    .await;
    assert_eq!(other_type.status, StatusCode::FORBIDDEN);
    let no_type = put_upload(&app, &url, &[("content-length", "100")], vec![b'x'; 100]).await;
    assert_eq!(no_type.status, StatusCode::FORBIDDEN);
    let forged = put_upload(
        &app,
        &url.replace("signature=", "signature=00"),
        &[("content-type", svg), ("content-length", "100")],
        vec![b'x'; 100],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    app.advance_ms(15 * 60 * 1000 + 1);
    let late = put_upload(
        &app,
        &url,
        &[("content-type", &content_type), ("content-length", "100")],
        vec![b'x'; 100],
    )
    .await;
    assert_eq!(late.status, StatusCode::FORBIDDEN, "{}", late.body);
    assert!(late.error_message().contains("expired"), "{}", late.body);

    let shown = app
        .call(
            "GET",
            &format!("/v1/logos/{id}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(shown.body["uploaded"], false, "nothing was stored");
    assert!(
        app.state
            .objects
            .head(&ObjectKey::logo(
                &workspace(&rosa),
                &LogoId::parse(&id).unwrap()
            ))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn another_workspaces_logo_is_not_found_and_cannot_be_written() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let eve = app.sign_up("eve@elsewhere.example").await;
    let created = create_logo(
        &app,
        &rosa,
        json!({"content_type": "image/jpeg", "size_bytes": 10}),
    )
    .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let (url, _, _) = upload_of(&created);
    let headers = [("content-type", "image/jpeg"), ("content-length", "10")];
    assert_eq!(
        put_upload(&app, &url, &headers, vec![1; 10]).await.status,
        StatusCode::OK
    );

    let path = format!("/v1/logos/{id}");
    let peek = app.call("GET", &path, Some(&eve.access_token), None).await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    assert_error_shape(&peek);
    let remove = app
        .call("DELETE", &path, Some(&eve.access_token), None)
        .await;
    assert_eq!(remove.status, StatusCode::NOT_FOUND);
    let listed = app
        .call("GET", "/v1/logos", Some(&eve.access_token), None)
        .await;
    assert_eq!(listed.body["items"], json!([]));
    let borrowed = load_logo(app.state.objects.as_ref(), &workspace(&eve), &id)
        .await
        .unwrap_err();
    assert_eq!(borrowed.status, StatusCode::NOT_FOUND);
    assert_eq!(borrowed.code, "logo_not_found");
    assert!(
        borrowed.message.starts_with("logo:"),
        "{}",
        borrowed.message
    );

    // Rosa's URL moved into Eve's workspace is not a URL the API made.
    let moved = url.replace(&rosa.workspace_id, &eve.workspace_id);
    let planted = put_upload(&app, &moved, &headers, vec![2; 10]).await;
    assert_eq!(planted.status, StatusCode::FORBIDDEN);
    let logo_id = LogoId::parse(&id).unwrap();
    assert!(
        app.state
            .objects
            .head(&ObjectKey::logo(&workspace(&eve), &logo_id))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.call("GET", &path, Some(&rosa.access_token), None)
            .await
            .body["uploaded"],
        true
    );
}

#[tokio::test]
async fn viewers_and_read_only_keys_read_logos_but_cannot_create_or_delete_them() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let ben = app.sign_up("ben@cafe.example").await;
    app.add_member(&rosa, "ben@cafe.example", "viewer").await;
    let created = create_logo(
        &app,
        &rosa,
        json!({"content_type": "image/png", "size_bytes": 10}),
    )
    .await;
    let path = format!("/v1/logos/{}", created.body["id"].as_str().unwrap());
    let body = json!({"content_type": "image/png", "size_bytes": 10});

    let in_rosas = [("x-workspace-id", rosa.workspace_id.as_str())];
    let viewer_create = app
        .call_with(
            "POST",
            "/v1/logos",
            Some(&ben.access_token),
            Some(body.clone()),
            &in_rosas,
        )
        .await;
    assert_eq!(viewer_create.status, StatusCode::FORBIDDEN);
    assert_error_shape(&viewer_create);
    let viewer_delete = app
        .call_with("DELETE", &path, Some(&ben.access_token), None, &in_rosas)
        .await;
    assert_eq!(viewer_delete.status, StatusCode::FORBIDDEN);
    let viewer_read = app
        .call_with("GET", &path, Some(&ben.access_token), None, &in_rosas)
        .await;
    assert_eq!(viewer_read.status, StatusCode::OK);

    let read_key = app
        .call(
            "POST",
            "/v1/api-keys",
            Some(&rosa.access_token),
            Some(json!({"name": "reader", "scopes": ["links:read"]})),
        )
        .await;
    let read_key = read_key.body["key"].as_str().unwrap().to_owned();
    let key_create = app
        .call("POST", "/v1/logos", Some(&read_key), Some(body.clone()))
        .await;
    assert_eq!(key_create.status, StatusCode::FORBIDDEN);
    assert!(key_create.error_message().contains("links:write"));
    assert_eq!(
        app.call("GET", &path, Some(&read_key), None).await.status,
        StatusCode::OK
    );

    let write_key = app
        .call(
            "POST",
            "/v1/api-keys",
            Some(&rosa.access_token),
            Some(json!({"name": "writer", "scopes": ["links:read", "links:write"]})),
        )
        .await;
    let write_key = write_key.body["key"].as_str().unwrap().to_owned();
    let key_created = app
        .call("POST", "/v1/logos", Some(&write_key), Some(body))
        .await;
    assert_eq!(
        key_created.status,
        StatusCode::CREATED,
        "{}",
        key_created.body
    );
    assert_eq!(
        app.call("DELETE", &path, Some(&write_key), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call("POST", "/v1/logos", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn bad_requests_are_422s_naming_the_field() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let cases = [
        (
            json!({"content_type": "image/gif", "size_bytes": 10}),
            "content_type",
        ),
        (
            json!({"content_type": "IMAGE/PNG", "size_bytes": 10}),
            "content_type",
        ),
        (
            json!({"content_type": "image/png", "size_bytes": MAX_LOGO_BYTES + 1}),
            "size_bytes",
        ),
        (
            json!({"content_type": "image/png", "size_bytes": 0}),
            "size_bytes",
        ),
        (
            json!({"content_type": "image/png", "size_bytes": -1}),
            "size_bytes",
        ),
        (json!({"content_type": "image/png"}), "size_bytes"),
        (
            json!({"content_type": "image/png", "size_bytes": 10, "name": "x"}),
            "name",
        ),
    ];
    for (body, field) in cases {
        let refused = create_logo(&app, &rosa, body.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            refused.body
        );
        assert_eq!(refused.error_code(), "validation_failed");
        assert!(
            refused.error_message().contains(field),
            "{body}: {}",
            refused.body
        );
        assert_error_shape(&refused);
    }
    let too_big = create_logo(
        &app,
        &rosa,
        json!({"content_type": "image/png", "size_bytes": 600_000}),
    )
    .await;
    assert!(
        too_big.error_message().contains("524288"),
        "{}",
        too_big.body
    );

    for junk in [
        "..%2F..%2Fws_x%2Flogos%2Fa",
        "logo_123",
        "logo_0193C1C2A4B07F6E8D2A9B3C4D5E6F70",
        "lnk_0193c1c2a4b07f6e8d2a9b3c4d5e6f70",
    ] {
        for method in ["GET", "DELETE"] {
            let refused = app
                .call(
                    method,
                    &format!("/v1/logos/{junk}"),
                    Some(&rosa.access_token),
                    None,
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {junk}"
            );
            assert!(
                refused.error_message().starts_with("id:"),
                "{}",
                refused.body
            );
        }
    }
    let bad_cursor = app
        .call(
            "GET",
            "/v1/logos?cursor=..%2Fx",
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(bad_cursor.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_limit = app
        .call("GET", "/v1/logos?limit=0", Some(&rosa.access_token), None)
        .await;
    assert_eq!(bad_limit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_limit.error_message().starts_with("limit:"));

    let junk_logo = load_logo(app.state.objects.as_ref(), &workspace(&rosa), "../x")
        .await
        .unwrap_err();
    assert_eq!(junk_logo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        junk_logo.message.starts_with("logo:"),
        "{}",
        junk_logo.message
    );
}

#[tokio::test]
async fn a_deleted_logo_is_gone() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = app.upload_logo(&rosa, "image/png", vec![7; 4]).await;
    let path = format!("/v1/logos/{id}");
    let deleted = app
        .call("DELETE", &path, Some(&rosa.access_token), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(deleted.body, Value::Null);
    for method in ["GET", "DELETE"] {
        assert_eq!(
            app.call(method, &path, Some(&rosa.access_token), None)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{method}"
        );
    }
    let gone = load_logo(app.state.objects.as_ref(), &workspace(&rosa), &id)
        .await
        .unwrap_err();
    assert_eq!(gone.code, "logo_not_found");
}

#[tokio::test]
async fn logos_are_listed_oldest_first_in_pages() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let mut ids = Vec::new();
    for size in [1, 2, 3] {
        let created = create_logo(
            &app,
            &rosa,
            json!({"content_type": "image/png", "size_bytes": size}),
        )
        .await;
        ids.push(created.body["id"].as_str().unwrap().to_owned());
        // Ids are time-ordered (UUIDv7, millisecond precision).
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let first = app
        .call("GET", "/v1/logos?limit=2", Some(&rosa.access_token), None)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let listed: Vec<&str> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[0].as_str(), ids[1].as_str()]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .call(
            "GET",
            &format!("/v1/logos?limit=2&cursor={cursor}"),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(second.body["items"][0]["id"], ids[2].as_str());
    assert_eq!(second.body["items"][0]["size_bytes"], 3);
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(second.body["next_cursor"], Value::Null);
}

#[tokio::test]
async fn an_oversized_stored_logo_is_refused_when_loaded() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = LogoId::generate();
    let oversized = usize::try_from(MAX_LOGO_BYTES).unwrap() + 1;
    app.state
        .objects
        .put(
            &ObjectKey::logo(&workspace(&rosa), &id),
            vec![0; oversized],
            "image/png",
        )
        .await
        .unwrap();
    let refused = load_logo(app.state.objects.as_ref(), &workspace(&rosa), id.as_str())
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.code, "logo_too_large");
}

#[tokio::test]
async fn the_upload_route_exists_only_with_the_embedded_object_store() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = create_logo(
        &app,
        &rosa,
        json!({"content_type": "image/png", "size_bytes": 4}),
    )
    .await;
    let (url, _, _) = upload_of(&created);
    let path = url.strip_prefix(API_BASE).unwrap().to_owned();
    // The same API with S3 behind it (never contacted: the route is absent).
    let state = app
        .state
        .clone()
        .with_objects(Arc::new(S3Objects::from_env("scanly-test-bucket")));
    let response = scanly_api::router(state)
        .oneshot(
            Request::builder()
                .method("PUT")
                .uri(path)
                .header("content-type", "image/png")
                .header("content-length", "4")
                .body(Body::from(vec![0; 4]))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_logo_routes_are_documented() {
    let app = spawn_app().await;
    let doc = app.call("GET", "/v1/openapi.json", None, None).await.body;
    for (method, path) in [
        ("post", "/v1/logos"),
        ("get", "/v1/logos"),
        ("get", "/v1/logos/{id}"),
        ("delete", "/v1/logos/{id}"),
        ("put", "/v1/uploads/{key}"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    let created = &doc["components"]["schemas"]["CreatedLogo"];
    assert!(created["properties"]["upload"].is_object(), "{created}");
}
