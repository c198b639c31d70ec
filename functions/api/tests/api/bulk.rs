//! Bulk import: each row succeeds or fails alone, by number.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_json_import_creates_the_good_rows_and_names_the_bad_ones() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let rows = json!([
        {"code": "one", "destination": "https://cafe.example/1"},
        {"code": "two", "destination": "ftp://cafe.example/2"},
        {"code": "one", "destination": "https://cafe.example/dup"},
        {"destination": "https://cafe.example/4", "tags": ["bulk"]},
    ]);
    let response = app
        .call(
            "POST",
            "/v1/links/bulk",
            Some(&rosa.access_token),
            Some(rows),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        (
            response.body["created"].as_u64(),
            response.body["failed"].as_u64()
        ),
        (Some(2), Some(2))
    );
    let results = response.body["results"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["created", "failed", "failed", "created"]);
    assert_eq!(results[1]["error"]["code"], "validation_failed");
    assert!(
        results[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("destination")
    );
    assert_eq!(results[2]["error"]["code"], "code_taken");
    assert!(app.edge.record("scn.test", "one").is_some());
    assert!(
        app.edge.record("scn.test", "two").is_none(),
        "a failed row writes nothing"
    );
    let listed = app
        .call("GET", "/v1/links", Some(&rosa.access_token), None)
        .await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_csv_import_maps_columns_to_fields() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let csv = "code,destination,title,tags,utm_source\n\
               spring,https://cafe.example/spring,Spring menu,print;menu,flyer\n\
               bad code,https://cafe.example/x,,,\n";
    let request = Request::builder()
        .method("POST")
        .uri("/v1/links/bulk")
        .header("authorization", format!("Bearer {}", rosa.access_token))
        .header("content-type", "text/csv")
        .body(Body::from(csv))
        .unwrap();
    let response = app.raw(request).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let results = response.body["results"].as_array().unwrap();
    assert_eq!(results[0]["status"], "created");
    assert_eq!(results[0]["link"]["title"], "Spring menu");
    assert_eq!(results[0]["link"]["tags"], json!(["print", "menu"]));
    assert_eq!(results[0]["link"]["utm"]["source"], "flyer");
    assert_eq!(results[1]["status"], "failed");
    assert!(
        results[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("code")
    );
}

#[tokio::test]
async fn an_import_holds_at_most_1000_rows() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let rows: Vec<_> = (0..1_001)
        .map(|_| json!({"destination": "https://cafe.example/"}))
        .collect();
    let response = app
        .call(
            "POST",
            "/v1/links/bulk",
            Some(&rosa.access_token),
            Some(json!(rows)),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let empty = app
        .call(
            "POST",
            "/v1/links/bulk",
            Some(&rosa.access_token),
            Some(json!([])),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}
