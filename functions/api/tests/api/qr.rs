//! A link's QR code: decodes to its short URL with the `?qr` marker, in
//! every format and style, cached by ETag, refused with clear errors.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{Account, TestApp, spawn_app};

async fn link(app: &TestApp, account: &Account) -> String {
    let created = app
        .create_link(
            account,
            json!({"code": "menu", "destination": "https://cafe.example/menu"}),
        )
        .await;
    created.body["id"].as_str().unwrap().to_owned()
}

/// The QR content an image carries, read back as a phone would.
fn decode_png(png: &[u8]) -> String {
    let image = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one code in the image");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn a_links_qr_code_decodes_to_its_short_url_with_the_qr_marker() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = link(&app, &rosa).await;
    for query in [
        "",
        "?style=rounded&eyes=rounded&fg=1a1a2e&size=1024",
        "?style=dots&ec=H&margin=2",
        "?transparent=true&bg=ffffff",
    ] {
        let response = app
            .raw_bytes(
                "GET",
                &format!("/v1/links/{id}/qr{query}"),
                &rosa.access_token,
                &[],
                None,
            )
            .await;
        assert_eq!(response.0, StatusCode::OK, "{query}");
        assert_eq!(response.1.get("content-type").unwrap(), "image/png");
        assert_eq!(
            decode_png(&response.2),
            "https://scn.test/menu?qr",
            "{query}"
        );
    }
    let svg = app
        .raw_bytes(
            "GET",
            &format!("/v1/links/{id}/qr?format=svg"),
            &rosa.access_token,
            &[],
            None,
        )
        .await;
    assert_eq!(svg.1.get("content-type").unwrap(), "image/svg+xml");
    assert!(String::from_utf8(svg.2).unwrap().starts_with("<svg"));
}

#[tokio::test]
async fn the_same_request_revalidates_with_304() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = link(&app, &rosa).await;
    let path = format!("/v1/links/{id}/qr?size=256");
    let first = app
        .raw_bytes("GET", &path, &rosa.access_token, &[], None)
        .await;
    let etag = first.1.get("etag").unwrap().to_str().unwrap().to_owned();
    let again = app
        .raw_bytes(
            "GET",
            &path,
            &rosa.access_token,
            &[("if-none-match", etag.as_str())],
            None,
        )
        .await;
    assert_eq!(again.0, StatusCode::NOT_MODIFIED);
    assert!(again.2.is_empty());
    let other = app
        .raw_bytes(
            "GET",
            &format!("/v1/links/{id}/qr?size=300"),
            &rosa.access_token,
            &[("if-none-match", etag.as_str())],
            None,
        )
        .await;
    assert_eq!(other.0, StatusCode::OK, "other options, other image");
}

#[tokio::test]
async fn bad_qr_options_are_refused_by_field_and_other_workspaces_get_404() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = link(&app, &rosa).await;
    for (query, field) in [
        ("format=gif", "format"),
        ("size=0", "size"),
        ("size=100000", "size"),
        ("fg=red;", "fg"),
        ("fg=dddddd", "fg"),
        ("fg=ffffff&bg=000000", "fg"),
        ("margin=1", "margin"),
        ("ec=Z", "ec"),
        ("eyes=circle", "eye"),
    ] {
        let response = app
            .call(
                "GET",
                &format!("/v1/links/{id}/qr?{query}"),
                Some(&rosa.access_token),
                None,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            response.body
        );
        assert!(
            response.error_message().contains(field),
            "{query}: {}",
            response.error_message()
        );
    }
    let eve = app.sign_up("eve@elsewhere.example").await;
    let foreign = app
        .call(
            "GET",
            &format!("/v1/links/{id}/qr"),
            Some(&eve.access_token),
            None,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn static_codes_carry_wifi_contacts_and_more_exactly() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let cases = [
        (
            json!({"type": "wifi", "ssid": "Café;Guest", "password": "s3cret:pass", "security": "WPA"}),
            "WIFI:T:WPA;S:Café\\;Guest;P:s3cret\\:pass;;",
        ),
        (
            json!({"type": "phone", "number": "+44 20 7946 0000"}),
            "tel:+442079460000",
        ),
        (
            json!({"type": "geo", "latitude": 52.52, "longitude": 13.405}),
            "geo:52.52,13.405",
        ),
        (
            json!({"type": "url", "url": "https://cafe.example/"}),
            "https://cafe.example/",
        ),
    ];
    for (payload, expected) in cases {
        let response = app
            .raw_bytes(
                "POST",
                "/v1/qr",
                &rosa.access_token,
                &[],
                Some(payload.clone()),
            )
            .await;
        assert_eq!(response.0, StatusCode::OK, "{payload}");
        assert_eq!(decode_png(&response.2), expected);
    }
    let bad = app
        .call(
            "POST",
            "/v1/qr",
            Some(&rosa.access_token),
            Some(json!({"type": "wifi", "ssid": "x", "security": "WPA"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.error_message().contains("password"),
        "{}",
        bad.error_message()
    );
    let unknown = app
        .call(
            "POST",
            "/v1/qr",
            Some(&rosa.access_token),
            Some(json!({"type": "fax"})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}
