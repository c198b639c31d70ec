//! Hostile input in every text field must come out as text: the rendered
//! document is tokenised and every tag, attribute and URL checked against
//! what the renderer is allowed to emit. Hostile URLs must not validate.
// Helpers of integration tests may unwrap and index too (clippy.toml only
// covers `#[test]` functions): a panic here is a failing test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use scanly_shared::page::{Page, StatusPage, render, render_status_page};
use serde_json::{Value, json};

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "\" onfocus=\"alert(1)\" autofocus=\"",
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><svg onload=alert(1)>",
    "<!--",
    "-->",
    "<svg onload=alert(1)>",
    "<svg/onload=alert`1`>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=javascript:alert(1)>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "＜script＞alert(1)＜/script＞",
    "«'\"»<\u{202e}>",
    "https://a.example/\"><script>alert(1)</script>",
    "https://a.example/'onmouseover='alert(1)'",
    "see https://a.example/x?q=<b>&y=\"z\" now",
    "<<script>script>alert(1)<</script>/script>",
    "${alert(1)}{{constructor.constructor('alert(1)')()}}",
    "]]><![CDATA[<script>",
];

/// Tags the renderer may emit (status pages included).
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "p", "br", "a",
    "img", "ul", "li", "svg", "path", "div", "span", "address", "table", "caption", "tbody", "tr",
    "th", "td", "iframe", "hr", "form", "label", "input", "button",
];

const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "property",
    "class",
    "href",
    "rel",
    "aria-label",
    "aria-hidden",
    "viewbox",
    "d",
    "src",
    "alt",
    "loading",
    "decoding",
    "title",
    "allow",
    "allowfullscreen",
    "scope",
    "method",
    "for",
    "id",
    "type",
    "autocomplete",
    "required",
    "aria-invalid",
    "aria-describedby",
    "role",
];

fn decode(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Walks the document like an HTML tokenizer (for the subset we emit) and
/// fails on anything outside the allow-lists.
fn assert_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script tag");
    assert!(!html.contains("<!--"), "comment");
    assert!(html.starts_with("<!doctype html>\n"));
    let bytes = html.as_bytes();
    let mut i = "<!doctype html>".len();
    while let Some(offset) = html[i..].find('<') {
        let start = i + offset + 1;
        let closing = bytes.get(start) == Some(&b'/');
        let name_start = if closing { start + 1 } else { start };
        let name_end = html[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |n| name_start + n);
        let name = html[name_start..name_end].to_ascii_lowercase();
        assert!(
            TAGS.contains(&name.as_str()),
            "tag <{name}> in …{}…",
            context(html, start)
        );
        // Attributes.
        let mut j = name_end;
        loop {
            while bytes[j] == b' ' {
                j += 1;
            }
            if bytes[j] == b'>' {
                j += 1;
                break;
            }
            if html[j..].starts_with("/>") {
                j += 2;
                break;
            }
            assert!(
                !closing,
                "attributes on a closing tag …{}…",
                context(html, j)
            );
            let attr_end = html[j..].find(['=', ' ', '>', '/']).map(|n| j + n).unwrap();
            let attr = html[j..attr_end].to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "event handler {attr}");
            assert!(
                ATTRIBUTES.contains(&attr.as_str()),
                "attribute {attr} …{}…",
                context(html, j)
            );
            j = attr_end;
            if bytes[j] == b'=' {
                assert_eq!(bytes[j + 1], b'"', "unquoted value …{}…", context(html, j));
                let value_end = j + 2 + html[j + 2..].find('"').unwrap();
                let raw = &html[j + 2..value_end];
                assert!(!raw.contains(['<', '>', '\'']), "unescaped value {raw:?}");
                if attr == "href" || attr == "src" {
                    let url = decode(raw);
                    assert!(
                        ["https://", "http://", "mailto:", "tel:", "?vcard="]
                            .iter()
                            .any(|p| url.starts_with(p)),
                        "{attr}={url:?}"
                    );
                    assert!(!url.contains(char::is_whitespace), "{attr}={url:?}");
                    // The scheme is fixed above; "javascript:" may only
                    // appear later as inert path or query text.
                    assert!(
                        !url.to_ascii_lowercase().starts_with("javascript:"),
                        "{url}"
                    );
                }
                j = value_end + 1;
            }
        }
        // Raw text elements: nothing but our CSS / escaped title inside.
        if !closing && (name == "style" || name == "title") {
            let end = j + html[j..].find(&format!("</{name}>")).unwrap();
            assert!(!html[j..end].contains('<'), "markup inside <{name}>");
            j = end;
        }
        i = j;
    }
}

fn context(html: &str, at: usize) -> String {
    let start = at.saturating_sub(40);
    html.char_indices()
        .filter(|(i, _)| (start..at + 40).contains(i))
        .map(|(_, c)| c)
        .collect()
}

/// Fits a payload into a field: at most `max` characters, never blank.
fn fit(s: &str, max: usize) -> String {
    let cut: String = s.chars().take(max).collect();
    if cut.trim().is_empty() {
        "x".to_owned()
    } else {
        cut
    }
}

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(PAYLOADS).prop_map(str::to_owned),
        1 => "\\PC{1,60}",
        1 => "[<>\"'&/=a-z ]{1,40}",
        2 => (proptest::sample::select(PAYLOADS), "\\PC{0,10}", proptest::sample::select(PAYLOADS))
            .prop_map(|(a, b, c)| format!("{a}{b}\n{c}")),
    ]
}

/// One page with a hostile string in every free-text field of every block.
fn hostile_page(s: &[String]) -> Value {
    let at = |i: usize, max: usize| fit(&s[i % s.len()], max);
    json!({
        "title": at(0, 120),
        "description": at(1, 300),
        "blocks": [
            {"type": "heading", "text": at(2, 120)},
            {"type": "text", "text": at(3, 5000)},
            {"type": "link", "label": at(4, 80), "url": "https://a.example/"},
            {"type": "link", "label": at(5, 80), "url": "mailto:a@b.example"},
            {"type": "image", "url": "https://a.example/i.png", "alt": at(6, 250)},
            {"type": "socials", "links": [{"network": "x", "url": "https://x.com/a"}]},
            {"type": "contact", "name": at(7, 120), "phone": "+1 555 0100", "email": "a@b.example", "address": at(8, 300)},
            {"type": "hours", "days": [{"day": "mon", "open": "09:00", "close": "17:00"}]},
            {"type": "menu", "items": [{"name": at(9, 80), "price": at(10, 20), "description": at(11, 300)}]},
            {"type": "video", "url": "https://vimeo.com/1"},
            {"type": "divider"},
            {"type": "map", "address": at(12, 300)},
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hostile_text_is_always_escaped(strings in proptest::collection::vec(hostile(), 13)) {
        let page = Page::from_json(&hostile_page(&strings).to_string());
        // The payloads fit every rule, so the page must render, not be skipped.
        prop_assert!(page.is_ok(), "{:?}", page.err());
        let rendered = render(&page.unwrap());
        assert_safe(&rendered.html);
    }

    #[test]
    fn urls_that_validate_render_safely(path in "\\PC{0,40}", payload in proptest::sample::select(PAYLOADS)) {
        for url in [format!("https://a.example/{path}"), format!("https://a.example/{payload}"), format!("https://a.example/?q={payload}#{path}")] {
            let value = json!({"title": "t", "blocks": [
                {"type": "link", "label": "l", "url": url},
                {"type": "image", "url": url, "alt": "a"},
                {"type": "socials", "links": [{"network": "website", "url": url}]},
                {"type": "text", "text": url},
            ]});
            if let Ok(page) = Page::from_json(&value.to_string()) {
                assert_safe(&render(&page).html);
            }
        }
    }
}

#[test]
fn every_payload_alone_in_every_field() {
    for payload in PAYLOADS {
        let strings = vec![(*payload).to_owned(); 13];
        let page = Page::from_json(&hostile_page(&strings).to_string()).unwrap();
        let html = render(&page).html;
        assert_safe(&html);
        if payload.contains('<') {
            assert!(!html.contains(payload), "{payload} survived verbatim");
        }
    }
}

#[test]
fn status_pages_are_safe() {
    for status in [
        StatusPage::NotFound,
        StatusPage::Expired,
        StatusPage::TooManyAttempts,
        StatusPage::PasswordRequired {
            wrong_password: false,
        },
        StatusPage::PasswordRequired {
            wrong_password: true,
        },
    ] {
        assert_safe(&render_status_page(&status, None).html);
    }
}

const HOSTILE_URLS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\u{1}javascript:alert(1)",
    "javascript://a.example/%0aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
    "//evil.example/x",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "<script>alert(1)</script>",
    "https://user:pass@evil.example/",
    "https://a.example/ onmouseover=alert(1)",
    "mailto:a@b.example?body=<script>",
    "mailto:\"><script>@x.com",
    "tel:<script>",
    "tel:1;alert(1)",
];

#[test]
fn hostile_urls_are_rejected_in_every_url_field() {
    for url in HOSTILE_URLS {
        let blocks = [
            json!({"type": "link", "label": "l", "url": url}),
            json!({"type": "image", "url": url, "alt": "a"}),
            json!({"type": "socials", "links": [{"network": "email", "url": url}]}),
            json!({"type": "video", "url": url}),
        ];
        for block in blocks {
            let page = json!({"title": "t", "blocks": [block]});
            let err = Page::from_json(&page.to_string()).expect_err(url);
            assert!(err.field.ends_with("url"), "{url:?}: {err}");
        }
    }
}
