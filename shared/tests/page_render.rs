//! Rendered microsites, status pages and vCards: the snapshots are the spec.
// Helpers of integration tests may unwrap and index too (clippy.toml only
// covers `#[test]` functions): a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use scanly_shared::page::{
    Page, RenderedPage, StatusPage, Theme, render, render_page, render_status_page, vcard,
};
use sha2::{Digest as _, Sha256};

mod page_fixtures;
use page_fixtures::full_page;

fn snapshot_text(r: &RenderedPage) -> String {
    format!(
        "Content-Security-Policy: {}\n\n{}",
        r.content_security_policy, r.html
    )
}

fn style_content(html: &str) -> &str {
    let start = html.find("<style>").unwrap() + "<style>".len();
    let end = html.find("</style>").unwrap();
    &html[start..end]
}

fn assert_csp_hash_matches(r: &RenderedPage) {
    let hash = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(style_content(&r.html).as_bytes()));
    assert!(
        r.content_security_policy
            .contains(&format!("style-src 'sha256-{hash}';")),
        "{}",
        r.content_security_policy
    );
    assert_eq!(r.html.matches("<style>").count(), 1);
    assert!(!r.html.contains("style=\""), "no inline style attributes");
    assert!(!r.html.contains("<script"));
}

#[test]
fn full_page_snapshot() {
    let page = full_page();
    assert_eq!(page.blocks.len(), 12);
    let r = render(&page);
    assert_csp_hash_matches(&r);
    // Budget: visitors are on phones on slow networks.
    eprintln!("full page: {} bytes", r.html.len());
    assert!(r.html.len() < 8 * 1024, "{} bytes", r.html.len());
    insta::assert_snapshot!("full_page", snapshot_text(&r));
}

#[test]
fn minimal_page_snapshot() {
    let page = Page::from_json(r#"{"title":"  Hello  "}"#).unwrap();
    let r = render(&page);
    assert_csp_hash_matches(&r);
    insta::assert_snapshot!("minimal_page", snapshot_text(&r));
}

#[test]
fn status_page_snapshots() {
    let theme = full_page().theme;
    let not_found = render_status_page(&StatusPage::NotFound, None);
    let expired = render_status_page(&StatusPage::Expired, Some(&theme));
    let password = render_status_page(
        &StatusPage::PasswordRequired {
            wrong_password: true,
        },
        Some(&theme),
    );
    for r in [&not_found, &expired, &password] {
        assert_csp_hash_matches(r);
        assert!(!r.content_security_policy.contains("frame-src"));
    }
    insta::assert_snapshot!("status_not_found", snapshot_text(&not_found));
    insta::assert_snapshot!("status_expired", snapshot_text(&expired));
    insta::assert_snapshot!("status_password_wrong", snapshot_text(&password));
}

#[test]
fn password_page_shows_the_error_only_after_a_wrong_password() {
    let first = render_status_page(
        &StatusPage::PasswordRequired {
            wrong_password: false,
        },
        None,
    )
    .html;
    assert!(first.contains("<form method=\"post\">"));
    assert!(first.contains("<label for=\"password\">Password</label>"));
    assert!(first.contains(
        "<input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
    ));
    assert!(first.contains("<button class=\"btn\" type=\"submit\">"));
    assert!(!first.contains("class=\"err\""));
    assert!(!first.contains("role=\"alert\""));
    assert!(!first.contains("aria-invalid"));
}

#[test]
fn vcard_snapshot() {
    let page = full_page();
    let card = vcard(&page, 10).unwrap();
    assert!(card.ends_with("\r\n"));
    assert!(!card.replace("\r\n", "").contains('\n'));
    insta::assert_snapshot!("vcard", card.replace("\r\n", "␍␊\n"));
}

#[test]
fn vcard_only_for_contact_blocks() {
    let page = full_page();
    assert!(vcard(&page, 0).is_none());
    assert!(vcard(&page, 99).is_none());
    assert!(render_page(&page).contains("href=\"?vcard=10\""));
}

#[test]
fn vcard_escapes_and_folds() {
    let json = r#"{"title":"t","blocks":[{"type":"contact","name":"Smith, Jones; Partners \\ Co","address":"Unit 4; Block B, Harbour Road\nPort Ellen, Islay PA42 7DU, Scotland, United Kingdom of Great Britain"}]}"#;
    let page = Page::from_json(json).unwrap();
    let card = vcard(&page, 0).unwrap();
    assert!(card.contains("FN:Smith\\, Jones\\; Partners \\\\ Co\r\n"));
    assert!(card.contains("N:Smith\\, Jones\\; Partners \\\\ Co;;;;\r\n"));
    for line in card.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
    let unfolded = card.replace("\r\n ", "");
    assert!(unfolded.contains(
        "ADR;TYPE=WORK:;;Unit 4\\; Block B\\, Harbour Road\\nPort Ellen\\, Islay PA42 7DU\\, Scotland\\, United Kingdom of Great Britain;;;;\r\n"
    ));
}

#[test]
fn csp_allows_frames_only_with_a_video() {
    let with_video = render(&full_page());
    assert!(
        with_video
            .content_security_policy
            .contains("frame-src https://www.youtube-nocookie.com https://player.vimeo.com;")
    );
    let page = Page::from_json(r#"{"title":"t","blocks":[{"type":"divider"}]}"#).unwrap();
    let plain = render(&page);
    assert!(!plain.content_security_policy.contains("frame-src"));
    assert!(
        plain
            .content_security_policy
            .starts_with("default-src 'none'; style-src 'sha256-")
    );
    assert!(plain.content_security_policy.ends_with(
        "img-src https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ));
}

#[test]
fn rendering_is_deterministic() {
    let page = full_page();
    assert_eq!(render(&page), render(&page));
    assert_eq!(
        render(&Page::from_json(&page.to_json()).unwrap()),
        render(&page)
    );
}

#[test]
fn headings_are_in_order_and_landmarks_present() {
    let html = render_page(&full_page());
    assert_eq!(html.matches("<h1>").count(), 1);
    assert!(html.find("<h1>").unwrap() < html.find("<h2>").unwrap());
    assert!(!html.contains("<h3"));
    assert_eq!(html.matches("<main>").count(), 1);
    assert!(html.starts_with("<!doctype html>\n<html lang=\"de-AT\">"));
}

#[test]
fn first_image_is_eager_and_others_lazy() {
    let json = r#"{"title":"t","blocks":[
        {"type":"image","url":"https://a.example/1.jpg","alt":"one"},
        {"type":"image","url":"https://a.example/2.jpg","alt":"two"}]}"#;
    let html = render_page(&Page::from_json(json).unwrap());
    assert!(html.contains("<img src=\"https://a.example/1.jpg\" alt=\"one\" decoding=\"async\">"));
    assert!(html.contains(
        "<img src=\"https://a.example/2.jpg\" alt=\"two\" loading=\"lazy\" decoding=\"async\">"
    ));
    assert!(html.contains("<meta property=\"og:image\" content=\"https://a.example/1.jpg\">"));
}

#[test]
fn description_falls_back_to_the_first_text_block() {
    let json = r#"{"title":"t","blocks":[{"type":"text","text":"Fresh   bread\n\ndaily."}]}"#;
    let html = render_page(&Page::from_json(json).unwrap());
    assert!(html.contains("<meta name=\"description\" content=\"Fresh bread daily.\">"));
    assert!(html.contains("<meta property=\"og:description\" content=\"Fresh bread daily.\">"));
    assert!(!html.contains("class=\"lead\""));
}

#[test]
fn link_colour_and_button_label_follow_the_theme() {
    // Yellow accent on white: too light for links (text colour instead) and
    // for white labels (black instead).
    let json = r##"{"title":"t","theme":{"background":"#ffffff","text":"#222222","accent":"#ffd400"},
        "blocks":[{"type":"link","label":"Go","url":"https://a.example"}]}"##;
    let html = render_page(&Page::from_json(json).unwrap());
    assert!(html.contains("a{color:#222222;"));
    assert!(html.contains("background:#ffd400;color:#000000;"));
    // Default theme: accent passes on white, white labels.
    let p = Theme::default().palette();
    assert_eq!(p.link, Theme::default().accent);
}
