//! The print studio through the API: vector formats and print sizes,
//! frames with captions, uploaded logos (the workspace's own only), the
//! rendered-image cache, and batch ZIP downloads with a manifest.

use std::io::Read;

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{Account, TestApp, spawn_app};

async fn link(app: &TestApp, account: &Account, code: &str) -> String {
    let created = app
        .create_link(
            account,
            json!({"code": code, "destination": "https://cafe.example/menu", "title": format!("Table {code}")}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

fn decode(png: &[u8]) -> String {
    let image = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one code in the image");
    grids[0].decode().unwrap().1
}

fn red_disc_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(96, 96, |x, y| {
        if (x as i32 - 48).pow(2) + (y as i32 - 48).pow(2) < 1600 {
            image::Rgba([210, 30, 40, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn get(
    app: &TestApp,
    account: &Account,
    path: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    app.raw_bytes("GET", path, &account.access_token, &[], None)
        .await
}

fn error_field(body: &[u8]) -> (String, String) {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    (
        json["error"]["code"].as_str().unwrap().to_owned(),
        json["error"]["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn pdf_and_eps_are_served_for_print_with_their_media_types() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = link(&app, &rosa, "menu").await;
    let pdf = get(&app, &rosa, &format!("/v1/links/{id}/qr?format=pdf&mm=50")).await;
    assert_eq!(pdf.0, StatusCode::OK);
    assert_eq!(pdf.1.get("content-type").unwrap(), "application/pdf");
    assert!(pdf.2.starts_with(b"%PDF-1.4"));
    // 50 mm = 141.732 pt wide.
    assert!(String::from_utf8_lossy(&pdf.2).contains("/MediaBox [0 0 141.732 141.732]"));
    let eps = get(&app, &rosa, &format!("/v1/links/{id}/qr?format=eps&mm=30")).await;
    assert_eq!(eps.1.get("content-type").unwrap(), "application/postscript");
    assert!(eps.2.starts_with(b"%!PS-Adobe-3.0 EPSF-3.0"));
    // mm + dpi size a PNG for print: 25.4 mm at 600 dpi = 600 px.
    let png = get(&app, &rosa, &format!("/v1/links/{id}/qr?mm=25.4&dpi=600")).await;
    let img = image::load_from_memory(&png.2).unwrap();
    assert_eq!(img.width(), 600);
    assert_eq!(decode(&png.2), "https://scn.test/menu?qr");
}

#[tokio::test]
async fn a_framed_code_with_a_caption_and_the_workspaces_logo_still_decodes() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = link(&app, &rosa, "menu").await;
    let logo = app.upload_logo(&rosa, "image/png", red_disc_png()).await;
    let path = format!(
        "/v1/links/{id}/qr?frame=banner&caption=Scan%20for%20the%20menu&logo={logo}&logo_size=0.25&style=rounded&eyes=rounded&fg=14213d"
    );
    let (status, headers, body) = get(&app, &rosa, &path).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers.get("x-scanly-cache").unwrap(), "miss");
    let img = image::load_from_memory(&body).unwrap();
    assert!(
        img.height() > img.width(),
        "the caption bar makes it taller"
    );
    let centre = img.to_rgb8().get_pixel(img.width() / 2, img.width() / 2).0;
    assert_eq!(centre, [210, 30, 40], "the logo sits in the centre");
    assert_eq!(decode(&body), "https://scn.test/menu?qr");
    // The same image again comes from the cache, byte for byte.
    let (_, again_headers, again) = get(&app, &rosa, &path).await;
    assert_eq!(again_headers.get("x-scanly-cache").unwrap(), "hit");
    assert_eq!(again, body);
}

#[tokio::test]
async fn logos_of_other_workspaces_and_files_that_are_not_images_are_refused() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let mallory = app.sign_up("mallory@evil.example").await;
    let id = link(&app, &rosa, "menu").await;
    let mallorys_logo = app.upload_logo(&mallory, "image/png", red_disc_png()).await;
    let (status, _, body) = get(
        &app,
        &rosa,
        &format!("/v1/links/{id}/qr?logo={mallorys_logo}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_field(&body).0, "logo_not_found");

    // Declared as a PNG, but the bytes are text: refused when used.
    let fake = app
        .upload_logo(&rosa, "image/png", b"<html>not an image</html>".to_vec())
        .await;
    let (status, _, body) = get(&app, &rosa, &format!("/v1/links/{id}/qr?logo={fake}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, message) = error_field(&body);
    assert_eq!(code, "validation_failed", "{message}");
    assert!(message.contains("logo"), "{message}");

    for junk in ["../../etc/passwd", "logo_xyz", ""] {
        let (status, _, _) = get(&app, &rosa, &format!("/v1/links/{id}/qr?logo={junk}")).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::NOT_FOUND,
            "{junk}: {status}"
        );
    }
}

#[tokio::test]
async fn print_studio_mistakes_are_422s_naming_the_parameter() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let id = link(&app, &rosa, "menu").await;
    for (query, field) in [
        ("format=gif", "format"),
        ("mm=5", "mm"),
        ("mm=50&dpi=5000", "dpi"),
        ("mm=800&dpi=1200", "dpi"),
        ("dpi=300", "dpi"),
        ("frame=balloon", "frame"),
        ("caption=", "caption"),
        (
            "caption=This%20caption%20is%20far%20too%20long%20to%20print",
            "caption",
        ),
        ("logo_size=0.2", "logo_size"),
    ] {
        let (status, _, body) = get(&app, &rosa, &format!("/v1/links/{id}/qr?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let (_, message) = error_field(&body);
        assert!(message.contains(field), "{query}: {message}");
    }
}

#[tokio::test]
async fn a_batch_streams_a_zip_of_every_links_code_with_a_manifest() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let mut ids = Vec::new();
    for code in ["t01", "t02", "t03"] {
        ids.push(link(&app, &rosa, code).await);
    }
    let (status, headers, body) = app
        .raw_bytes(
            "POST",
            "/v1/qr/batch?size=256&style=rounded",
            &rosa.access_token,
            &[],
            Some(json!({"links": ids})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers.get("content-type").unwrap(), "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    assert_eq!(zip.len(), 4);
    for code in ["t01", "t02", "t03"] {
        let mut png = Vec::new();
        zip.by_name(&format!("{code}.png"))
            .unwrap()
            .read_to_end(&mut png)
            .unwrap();
        assert_eq!(decode(&png), format!("https://scn.test/{code}?qr"));
    }
    let mut manifest = String::new();
    zip.by_name("manifest.csv")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(lines[0], "file,link_id,code,short_url,encoded,title");
    assert_eq!(
        lines[1],
        format!(
            "t01.png,{},t01,https://scn.test/t01,https://scn.test/t01?qr,Table t01",
            ids[0]
        )
    );
    assert_eq!(lines.len(), 4);
}

#[tokio::test]
async fn a_batch_is_checked_whole_before_anything_is_sent() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let mallory = app.sign_up("mallory@evil.example").await;
    let mine = link(&app, &rosa, "mine").await;
    let theirs = link(&app, &mallory, "theirs").await;
    let batch = |links: serde_json::Value| {
        let app = &app;
        let token = rosa.access_token.clone();
        async move {
            app.raw_bytes(
                "POST",
                "/v1/qr/batch",
                &token,
                &[],
                Some(json!({"links": links})),
            )
            .await
        }
    };
    let (status, _, _) = batch(json!([mine, theirs])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another workspace's link");
    let (status, _, body) = batch(json!([])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_field(&body).1.contains("links"));
    let (status, _, _) = batch(json!([mine, mine])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "duplicates");
    let too_many: Vec<String> = (0..501).map(|i| format!("lnk_{i}")).collect();
    let (status, _, _) = batch(json!(too_many)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "over 500");
}
