//! `Scan::answer` as a visitor meets it: the record's bytes and the
//! request's facts in, the response (and the scan event, if the visit
//! counts) out. No runtime: the shell only copies these values in and out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use scanly_edge::config::EdgeConfig;
use scanly_edge::http::{Method, RequestFacts};
use scanly_edge::scan::{self, Scan, ScanAnswer};
use scanly_shared::event::{ScanEvent, ScanSource};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::page::Page;
use scanly_shared::password::{LinkPassword, PasswordVerifier, derive_key, is_plausible_attempt};
use scanly_shared::record::RedirectStatus;
use scanly_shared::rules::{Conditions, Rule, Variant};
use scanly_shared::ua::{DeviceType, Os};
use scanly_shared::unlock::UNLOCK_TTL_SECONDS;
use scanly_shared::utm::Utm;
use scanly_shared::{Destination, Hostname, LinkRecord, ShortCode};

/// 2026-11-20T12:00:00Z, a Friday.
const NOW_MS: i64 = 1_795_176_000_000;
const SECRET: &[u8] = b"edge-test-secret-0123456789abcdef";
const PASSWORD: &str = "open sesame";

const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";

// ---------------------------------------------------------------- helpers

fn host(name: &str) -> Hostname {
    Hostname::parse(name).unwrap()
}

fn config() -> EdgeConfig {
    EdgeConfig {
        dev_mode: false,
        default_hosts: vec![host("scn.ly"), host("localhost")],
        ingest_url: None,
        secrets: vec![SECRET.to_vec()],
    }
}

fn dev_config() -> EdgeConfig {
    EdgeConfig {
        dev_mode: true,
        ..config()
    }
}

fn url(destination: &str) -> Destination {
    Destination::parse(destination).unwrap()
}

fn redirect_record(code: &str, destination: &str) -> LinkRecord {
    LinkRecord::redirect(
        LinkId::parse("lnk_menu").unwrap(),
        WorkspaceId::parse("ws_cafe").unwrap(),
        ShortCode::parse(code).unwrap(),
        url(destination),
    )
}

fn page_record(code: &str, page_json: &str) -> LinkRecord {
    LinkRecord::page(
        LinkId::parse("lnk_page").unwrap(),
        WorkspaceId::parse("ws_cafe").unwrap(),
        ShortCode::parse(code).unwrap(),
        Page::from_json(page_json).unwrap(),
    )
}

/// A page whose second block (index 1) is a contact card.
fn cafe_page() -> LinkRecord {
    page_record(
        "cafe",
        r#"{"title":"Café Luna","blocks":[
            {"type":"heading","text":"Welcome"},
            {"type":"contact","name":"Luna Kaffeehaus GmbH","phone":"+43 1 234 56 78","email":"hello@cafeluna.example","address":"Mondgasse 7\n1010 Wien"}
        ]}"#,
    )
}

fn rule(when: &str, destination: &str) -> Rule {
    Rule {
        when: serde_json::from_str::<Conditions>(when).unwrap(),
        destination: url(destination),
    }
}

fn variant(destination: &str, weight: u32) -> Variant {
    Variant {
        destination: url(destination),
        weight,
    }
}

/// Small iteration counts keep the tests fast; the edge reads the count
/// from the record, so this exercises the same code as production.
fn verifier_with_salt(salt: u8) -> PasswordVerifier {
    PasswordVerifier::new(&LinkPassword::parse(PASSWORD).unwrap(), [salt; 16], 10)
}

fn protected_record(code: &str) -> LinkRecord {
    LinkRecord {
        password: Some(verifier_with_salt(1)),
        ..redirect_record(code, "https://secret.shop.test/members")
    }
}

/// A desktop browser in Berlin asking for `url`.
fn browser(url: &str) -> RequestFacts<'_> {
    RequestFacts {
        method: "GET",
        url,
        user_agent: DESKTOP,
        accept_language: "de-DE,en;q=0.5",
        connecting_ip: "203.0.113.7",
        cf_country: "DE",
        cf_region: "Berlin",
        cf_city: "Berlin",
        cf_timezone: "Europe/Berlin",
        cf_colo: "TXL",
        ..Default::default()
    }
}

/// What the shell does for `/{code}`: host → namespace, path → code,
/// method from the request, then `Scan::answer`.
fn answer_with(
    config: &EdgeConfig,
    facts: &RequestFacts<'_>,
    now_ms: i64,
    password: Option<&str>,
    record: Option<&[u8]>,
) -> ScanAnswer {
    let parts = facts.url_parts().expect("an absolute URL");
    let host = Hostname::parse(parts.host).unwrap();
    let namespace = config.namespace(&host);
    let code = ShortCode::parse(parts.path.trim_matches('/')).unwrap();
    Scan {
        config,
        facts,
        method: Method::parse(facts.method),
        namespace,
        code: &code,
        query: parts.query,
        now_ms,
        entropy: [7; 10],
        // What the shell does with Web Crypto: derive with the record's salt
        // and work factor.
        password_key: password
            .filter(|attempt| is_plausible_attempt(attempt))
            .zip(record.and_then(scan::password_parameters))
            .map(|(attempt, (salt, iterations))| derive_key(attempt, &salt, iterations)),
    }
    .answer(record)
}

fn visit(record: &LinkRecord, facts: RequestFacts<'_>) -> ScanAnswer {
    answer_with(&config(), &facts, NOW_MS, None, Some(&record.encode()))
}

fn post_password(record: &LinkRecord, url: &str, password: Option<&str>) -> ScanAnswer {
    post_password_with(&config(), record, url, password)
}

fn post_password_with(
    config: &EdgeConfig,
    record: &LinkRecord,
    url: &str,
    password: Option<&str>,
) -> ScanAnswer {
    let facts = RequestFacts {
        method: "POST",
        ..browser(url)
    };
    answer_with(config, &facts, NOW_MS, password, Some(&record.encode()))
}

fn header<'a>(answer: &'a ScanAnswer, name: &str) -> Option<&'a str> {
    answer.response.header_value(name)
}

fn body(answer: &ScanAnswer) -> String {
    String::from_utf8(answer.response.body.clone()).unwrap()
}

fn location(answer: &ScanAnswer) -> &str {
    header(answer, "location").unwrap_or_else(|| {
        panic!(
            "expected a redirect, got {} with {:?}",
            answer.response.status, answer.response.headers
        )
    })
}

fn event(answer: &ScanAnswer) -> &ScanEvent {
    answer.event.as_ref().expect("the visit should be counted")
}

/// The `scanly_unlock=<value>` pair a right password sets.
fn unlock_cookie(answer: &ScanAnswer) -> String {
    let set_cookie = header(answer, "set-cookie").expect("an unlock cookie");
    set_cookie.split(';').next().unwrap().trim().to_owned()
}

fn assert_html_status_page(answer: &ScanAnswer, status: u16) {
    assert_eq!(answer.response.status, status);
    assert_eq!(
        header(answer, "content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = header(answer, "content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(header(answer, "cache-control"), Some("no-store"));
    assert_eq!(header(answer, "x-robots-tag"), Some("noindex"));
    assert!(answer.event.is_none(), "a status page is not a scan");
}

// ---------------------------------------------------------------- not found

#[test]
fn an_unknown_code_is_a_404_page_with_a_csp_and_no_event() {
    let facts = browser("https://scn.ly/menu");
    let answer = answer_with(&config(), &facts, NOW_MS, None, None);
    assert_html_status_page(&answer, 404);
    assert!(body(&answer).contains("This link doesn't exist"));
    assert_eq!(header(&answer, "location"), None);
}

#[test]
fn corrupt_record_bytes_are_a_404_and_no_event() {
    let valid = redirect_record("menu", "https://shop.test/").encode();
    let truncated = valid[..valid.len() / 2].to_vec();
    let mut future_format = valid.clone();
    future_format[0] = 99;
    let cases: [(&str, Vec<u8>); 4] = [
        ("empty", Vec::new()),
        ("garbage", vec![1, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ("truncated", truncated),
        ("unknown format version", future_format),
    ];
    for (name, bytes) in cases {
        let facts = browser("https://scn.ly/menu");
        let answer = answer_with(&config(), &facts, NOW_MS, None, Some(&bytes));
        assert_eq!(answer.response.status, 404, "{name}");
        assert!(answer.event.is_none(), "{name}");
        assert_eq!(header(&answer, "location"), None, "{name}");
    }
}

#[test]
fn a_record_stored_under_another_code_is_not_served() {
    let answer = visit(
        &redirect_record("other", "https://shop.test/"),
        browser("https://scn.ly/menu"),
    );
    assert_html_status_page(&answer, 404);
}

// ---------------------------------------------------------------- redirects

#[test]
fn a_redirect_sends_the_visitor_on_with_the_links_utm_merged() {
    let record = LinkRecord {
        utm: Utm {
            source: Some("flyer".into()),
            medium: Some("print".into()),
            ..Utm::default()
        },
        ..redirect_record("menu", "https://shop.test/menu?utm_source=old&x=1")
    };
    let answer = visit(&record, browser("https://scn.ly/menu"));
    assert_eq!(answer.response.status, 302);
    assert_eq!(
        location(&answer),
        "https://shop.test/menu?x=1&utm_source=flyer&utm_medium=print"
    );
    assert_eq!(header(&answer, "cache-control"), Some("private, max-age=0"));
    assert_eq!(
        header(&answer, "referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert_eq!(
        header(&answer, "x-robots-tag"),
        Some("noindex"),
        "redirects are never indexable"
    );
    assert!(answer.response.body.is_empty());
}

#[test]
fn the_owners_choice_of_redirect_status_is_kept() {
    for (status, code) in [
        (RedirectStatus::MovedPermanently, 301),
        (RedirectStatus::TemporaryRedirect, 307),
        (RedirectStatus::PermanentRedirect, 308),
    ] {
        let record = LinkRecord {
            redirect_status: status,
            ..redirect_record("menu", "https://shop.test/")
        };
        let answer = visit(&record, browser("https://scn.ly/menu"));
        assert_eq!(answer.response.status, code);
        assert_eq!(location(&answer), "https://shop.test/");
    }
}

#[test]
fn a_redirect_scan_queues_an_event_describing_the_visit() {
    let record = redirect_record("menu", "https://shop.test/");
    let answer = visit(
        &record,
        RequestFacts {
            referer: "https://l.instagram.com/?u=private",
            ..browser("https://scn.ly/menu")
        },
    );
    let event = event(&answer);
    assert_eq!(event.code.as_str(), "menu");
    assert_eq!(event.link_id.as_str(), "lnk_menu");
    assert_eq!(event.workspace_id.as_str(), "ws_cafe");
    assert_eq!(event.timestamp_ms, NOW_MS);
    assert_eq!(event.country.map(|c| c.to_string()).as_deref(), Some("DE"));
    assert_eq!(event.region.as_deref(), Some("Berlin"));
    assert_eq!(event.city.as_deref(), Some("Berlin"));
    assert_eq!(event.colo.as_deref(), Some("TXL"));
    assert_eq!((event.device, event.os), (DeviceType::Desktop, Os::Windows));
    assert_eq!(
        event.language.as_ref().map(|l| l.as_str().to_owned()),
        Some("de-DE".to_owned())
    );
    assert_eq!(
        event.referrer_host.as_deref(),
        Some("l.instagram.com"),
        "only the referrer's host is kept"
    );
    assert_eq!(event.variant, None);
    assert_eq!(event.source, ScanSource::Link);
    assert!(!event.bot);
    assert_eq!(event.validate(NOW_MS), Ok(()));
}

#[test]
fn the_qr_marker_in_the_query_makes_the_source_qr() {
    let record = redirect_record("menu", "https://shop.test/");
    for url in ["https://scn.ly/menu?qr", "https://scn.ly/menu?utm_x=1&qr=1"] {
        let answer = visit(&record, browser(url));
        assert_eq!(event(&answer).source, ScanSource::Qr, "{url}");
    }
    let answer = visit(&record, browser("https://scn.ly/menu?qrx=1"));
    assert_eq!(event(&answer).source, ScanSource::Link);
}

#[test]
fn an_alias_of_the_default_host_serves_the_same_link() {
    let record = redirect_record("menu", "https://shop.test/");
    let answer = visit(&record, browser("http://localhost:8787/menu/"));
    assert_eq!(location(&answer), "https://shop.test/");
    assert!(answer.event.is_some());
}

#[test]
fn a_head_request_gets_the_get_headers_without_a_body_or_an_event() {
    for record in [
        redirect_record("menu", "https://shop.test/"),
        page_record("menu", r#"{"title":"Menu","blocks":[]}"#),
    ] {
        let get = visit(&record, browser("https://scn.ly/menu"));
        let head = visit(
            &record,
            RequestFacts {
                method: "HEAD",
                ..browser("https://scn.ly/menu")
            },
        );
        assert_eq!(head.response.status, get.response.status);
        assert_eq!(head.response.headers, get.response.headers);
        assert!(head.response.body.is_empty());
        assert!(head.event.is_none(), "a HEAD is not a visit");
        assert!(get.event.is_some());
    }
}

#[test]
fn bots_and_link_previews_are_served_but_never_counted() {
    let redirect = redirect_record("menu", "https://shop.test/");
    let page = page_record("menu", r#"{"title":"Menu","blocks":[]}"#);
    for user_agent in [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "",
    ] {
        let facts = RequestFacts {
            user_agent,
            ..browser("https://scn.ly/menu")
        };
        let answer = visit(&redirect, facts);
        assert_eq!(location(&answer), "https://shop.test/", "{user_agent:?}");
        assert!(answer.event.is_none(), "{user_agent:?}");
        let answer = visit(&page, facts);
        assert_eq!(answer.response.status, 200, "{user_agent:?}");
        assert!(answer.event.is_none(), "{user_agent:?}");
    }
}

// ---------------------------------------------------------------- expiry

#[test]
fn a_link_past_its_expiry_answers_410_and_counts_nothing() {
    for expires_at in [NOW_MS - 1, NOW_MS] {
        let record = LinkRecord {
            expires_at: Some(expires_at),
            ..redirect_record("menu", "https://shop.test/")
        };
        let answer = visit(&record, browser("https://scn.ly/menu"));
        assert_html_status_page(&answer, 410);
        assert!(body(&answer).contains("This link has expired"));
        assert_eq!(header(&answer, "location"), None);
    }
    let not_yet = LinkRecord {
        expires_at: Some(NOW_MS + 1),
        ..redirect_record("menu", "https://shop.test/")
    };
    let answer = visit(&not_yet, browser("https://scn.ly/menu"));
    assert_eq!(location(&answer), "https://shop.test/");
}

#[test]
fn a_link_that_reached_its_scan_limit_answers_410() {
    let record = LinkRecord {
        max_scans: Some(100),
        scan_limit_reached: true,
        ..redirect_record("menu", "https://shop.test/")
    };
    let answer = visit(&record, browser("https://scn.ly/menu"));
    assert_html_status_page(&answer, 410);
}

// ---------------------------------------------------------------- pages

#[test]
fn a_page_is_html_with_a_strict_csp_and_no_script() {
    let answer = visit(&cafe_page(), browser("https://scn.ly/cafe"));
    assert_eq!(answer.response.status, 200);
    assert_eq!(
        header(&answer, "content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = header(&answer, "content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header(&answer, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&answer, "x-frame-options"), Some("DENY"));
    assert_eq!(header(&answer, "cache-control"), Some("private, no-cache"));
    let etag = header(&answer, "etag").expect("an etag");
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let html = body(&answer);
    assert!(html.contains("Café Luna"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert_eq!(event(&answer).code.as_str(), "cafe");
}

#[test]
fn a_revalidation_with_the_current_etag_is_a_304_that_still_counts() {
    let record = cafe_page();
    let first = visit(&record, browser("https://scn.ly/cafe"));
    let etag = header(&first, "etag").unwrap().to_owned();
    let again = visit(
        &record,
        RequestFacts {
            if_none_match: &etag,
            ..browser("https://scn.ly/cafe")
        },
    );
    assert_eq!(again.response.status, 304);
    assert!(again.response.body.is_empty());
    assert_eq!(header(&again, "etag"), Some(etag.as_str()));
    assert_eq!(header(&again, "cache-control"), Some("private, no-cache"));
    assert!(again.event.is_some(), "a revalidation is still a visit");
}

#[test]
fn weak_and_listed_etags_also_revalidate() {
    let record = cafe_page();
    let etag = header(&visit(&record, browser("https://scn.ly/cafe")), "etag")
        .unwrap()
        .to_owned();
    for if_none_match in [
        format!("W/{etag}"),
        format!("\"stale\", {etag}"),
        format!("\"a\",W/{etag} , \"b\""),
        "*".to_owned(),
    ] {
        let answer = visit(
            &record,
            RequestFacts {
                if_none_match: &if_none_match,
                ..browser("https://scn.ly/cafe")
            },
        );
        assert_eq!(answer.response.status, 304, "{if_none_match}");
    }
}

#[test]
fn an_edited_page_has_a_new_etag_and_old_copies_get_the_full_page() {
    let record = cafe_page();
    let old_etag = header(&visit(&record, browser("https://scn.ly/cafe")), "etag")
        .unwrap()
        .to_owned();
    let edited = LinkRecord {
        version: record.version + 1,
        ..record
    };
    let answer = visit(
        &edited,
        RequestFacts {
            if_none_match: &old_etag,
            ..browser("https://scn.ly/cafe")
        },
    );
    assert_eq!(answer.response.status, 200);
    assert_ne!(header(&answer, "etag"), Some(old_etag.as_str()));
    assert!(!answer.response.body.is_empty());
    let unrelated = visit(
        &edited,
        RequestFacts {
            if_none_match: "\"0000\", W/\"1111\"",
            ..browser("https://scn.ly/cafe")
        },
    );
    assert_eq!(unrelated.response.status, 200);
}

#[test]
fn only_pages_the_owner_marks_indexable_may_be_indexed() {
    let indexable = cafe_page();
    assert!(indexable.indexable, "pages are indexable by default");
    let answer = visit(&indexable, browser("https://scn.ly/cafe"));
    assert_eq!(header(&answer, "x-robots-tag"), None);

    let hidden = LinkRecord {
        indexable: false,
        ..cafe_page()
    };
    let answer = visit(&hidden, browser("https://scn.ly/cafe"));
    assert_eq!(answer.response.status, 200);
    assert_eq!(header(&answer, "x-robots-tag"), Some("noindex"));
}

#[test]
fn save_contact_serves_a_vcard_and_counts_nothing() {
    let answer = visit(&cafe_page(), browser("https://scn.ly/cafe?vcard=1"));
    assert_eq!(answer.response.status, 200);
    assert_eq!(
        header(&answer, "content-type"),
        Some("text/vcard; charset=utf-8")
    );
    assert_eq!(
        header(&answer, "content-disposition"),
        Some("attachment; filename=\"contact.vcf\"")
    );
    let card = body(&answer);
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{card}");
    assert!(card.contains("FN:Luna Kaffeehaus GmbH\r\n"), "{card}");
    assert!(card.contains("EMAIL;TYPE=INTERNET:hello@cafeluna.example\r\n"));
    assert!(card.ends_with("END:VCARD\r\n"));
    assert!(answer.event.is_none(), "saving a contact is not a scan");
}

#[test]
fn a_vcard_for_a_block_that_is_no_contact_is_a_404() {
    for query in ["vcard=0", "vcard=99", "vcard=abc", "vcard="] {
        let url = format!("https://scn.ly/cafe?{query}");
        let answer = visit(&cafe_page(), browser(&url));
        assert_eq!(answer.response.status, 404, "{query}");
        assert_eq!(
            header(&answer, "content-type"),
            Some("text/html; charset=utf-8"),
            "{query}"
        );
        assert!(answer.event.is_none(), "{query}");
    }
}

#[test]
fn status_pages_answer_head_without_a_body() {
    let expired = LinkRecord {
        expires_at: Some(NOW_MS - 1),
        ..redirect_record("menu", "https://shop.test/")
    };
    for (record, status) in [(expired, 410), (protected_record("menu"), 401)] {
        let answer = visit(
            &record,
            RequestFacts {
                method: "HEAD",
                ..browser("https://scn.ly/menu")
            },
        );
        assert_eq!(answer.response.status, status);
        assert!(header(&answer, "content-security-policy").is_some());
        assert!(answer.response.body.is_empty(), "{status}");
    }
}

#[test]
fn a_head_request_never_carries_a_body() {
    let head = |url| RequestFacts {
        method: "HEAD",
        ..browser(url)
    };
    let unknown = answer_with(&config(), &head("https://scn.ly/menu"), NOW_MS, None, None);
    assert_eq!(unknown.response.status, 404);
    assert!(unknown.response.body.is_empty(), "HEAD of an unknown code");

    let corrupt = answer_with(
        &config(),
        &head("https://scn.ly/menu"),
        NOW_MS,
        None,
        Some(&[1, 0xff, 0xff]),
    );
    assert_eq!(corrupt.response.status, 404);
    assert!(corrupt.response.body.is_empty(), "HEAD of a corrupt record");

    let card = visit(&cafe_page(), head("https://scn.ly/cafe?vcard=1"));
    assert_eq!(card.response.status, 200);
    assert_eq!(
        header(&card, "content-type"),
        Some("text/vcard; charset=utf-8")
    );
    assert!(card.response.body.is_empty(), "HEAD of a vCard");
    assert!(card.event.is_none());

    let no_card = visit(&cafe_page(), head("https://scn.ly/cafe?vcard=0"));
    assert_eq!(no_card.response.status, 404);
    assert!(no_card.response.body.is_empty(), "HEAD of a missing vCard");
}

// ---------------------------------------------------------------- passwords

#[test]
fn a_protected_link_asks_for_its_password_without_leaking_the_destination() {
    let answer = visit(&protected_record("menu"), browser("https://scn.ly/menu"));
    assert_html_status_page(&answer, 401);
    assert_eq!(header(&answer, "location"), None);
    let html = body(&answer);
    assert!(html.contains("<form method=\"post\">"), "{html}");
    assert!(html.contains("name=\"password\""));
    assert!(!html.contains("isn't right"), "no error before a try");
    assert!(!html.contains("secret.shop.test"));
    let csp = header(&answer, "content-security-policy").unwrap();
    assert!(csp.contains("form-action 'self'"), "{csp}");
}

#[test]
fn a_right_password_sets_an_unlock_cookie_scoped_to_the_code() {
    let answer = post_password(
        &protected_record("menu"),
        "https://scn.ly/menu",
        Some(PASSWORD),
    );
    assert_eq!(answer.response.status, 302);
    assert_eq!(location(&answer), "/menu");
    assert_eq!(header(&answer, "cache-control"), Some("no-store"));
    let cookie = header(&answer, "set-cookie").unwrap();
    assert!(cookie.starts_with("scanly_unlock="), "{cookie}");
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).skip(1).collect();
    assert!(attributes.contains(&"Path=/menu"), "{cookie}");
    assert!(attributes.contains(&"HttpOnly"), "{cookie}");
    assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
    assert!(attributes.contains(&"Secure"), "{cookie}");
    assert!(
        attributes.contains(&format!("Max-Age={UNLOCK_TTL_SECONDS}").as_str()),
        "{cookie}"
    );
    assert!(answer.event.is_none(), "the redirect that follows counts");
}

#[test]
fn the_unlock_cookie_is_not_secure_in_dev_mode() {
    let answer = post_password_with(
        &dev_config(),
        &protected_record("menu"),
        "http://localhost:8787/menu",
        Some(PASSWORD),
    );
    assert_eq!(answer.response.status, 302);
    let cookie = header(&answer, "set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[test]
fn the_password_form_returns_to_the_scanned_url_with_its_query() {
    let answer = post_password(
        &protected_record("menu"),
        "https://scn.ly/menu?qr&utm_x=1",
        Some(PASSWORD),
    );
    assert_eq!(location(&answer), "/menu?qr&utm_x=1");
}

#[test]
fn a_wrong_password_shows_the_form_again_saying_so() {
    for attempt in [Some("open sesame "), Some("Open sesame"), Some(""), None] {
        let answer = post_password(&protected_record("menu"), "https://scn.ly/menu", attempt);
        assert_html_status_page(&answer, 401);
        assert_eq!(header(&answer, "set-cookie"), None, "{attempt:?}");
        let html = body(&answer);
        assert!(
            html.contains("That password isn't right. Please try again."),
            "{attempt:?}: {html}"
        );
        assert!(html.contains("aria-invalid=\"true\""), "{attempt:?}");
        assert!(!html.contains("secret.shop.test"));
    }
}

#[test]
fn the_unlock_cookie_opens_the_link_and_the_visit_counts() {
    let record = protected_record("menu");
    let cookie = unlock_cookie(&post_password(
        &record,
        "https://scn.ly/menu",
        Some(PASSWORD),
    ));
    let header_value = format!("theme=dark; {cookie}; other=1");
    let answer = visit(
        &record,
        RequestFacts {
            cookie: &header_value,
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(answer.response.status, 302);
    assert_eq!(location(&answer), "https://secret.shop.test/members");
    assert_eq!(event(&answer).code.as_str(), "menu");
}

#[test]
fn an_unlock_cookie_from_an_alias_host_opens_the_canonical_link() {
    let record = protected_record("menu");
    let cookie = unlock_cookie(&post_password(
        &record,
        "http://localhost/menu",
        Some(PASSWORD),
    ));
    let answer = visit(
        &record,
        RequestFacts {
            cookie: &cookie,
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(answer.response.status, 302);
}

#[test]
fn an_unlock_cookie_opens_only_its_own_link() {
    let menu = protected_record("menu");
    // Same password, same salt: only the scope tells the two apart.
    let other = protected_record("other");
    let cookie_for_other = unlock_cookie(&post_password(
        &other,
        "https://scn.ly/other",
        Some(PASSWORD),
    ));
    let answer = visit(
        &menu,
        RequestFacts {
            cookie: &cookie_for_other,
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(answer.response.status, 401, "another code's cookie");
    assert!(answer.event.is_none());

    let cookie_for_menu =
        unlock_cookie(&post_password(&menu, "https://scn.ly/menu", Some(PASSWORD)));
    let answer = visit(
        &menu,
        RequestFacts {
            cookie: &cookie_for_menu,
            ..browser("https://go.shop.example/menu")
        },
    );
    assert_eq!(
        answer.response.status, 401,
        "the same code on a custom domain is another link"
    );
}

#[test]
fn a_forged_or_expired_unlock_cookie_is_refused() {
    let record = protected_record("menu");
    let real = unlock_cookie(&post_password(
        &record,
        "https://scn.ly/menu",
        Some(PASSWORD),
    ));
    let value = real.strip_prefix("scanly_unlock=").unwrap();
    let (expiry, tag) = value.split_once('.').unwrap();
    let later_expiry = format!(
        "scanly_unlock={}.{tag}",
        expiry.parse::<i64>().unwrap() + 10
    );
    let zero_tag = format!("scanly_unlock={expiry}.{}", "0".repeat(tag.len()));
    for cookie in [
        "scanly_unlock=",
        "scanly_unlock=1",
        "scanly_unlock=9999999999.00112233445566778899aabbccddeeff",
        later_expiry.as_str(),
        zero_tag.as_str(),
        "unlock=1",
    ] {
        let answer = visit(
            &record,
            RequestFacts {
                cookie,
                ..browser("https://scn.ly/menu")
            },
        );
        assert_eq!(answer.response.status, 401, "{cookie}");
        assert!(answer.event.is_none(), "{cookie}");
    }
    let facts = RequestFacts {
        cookie: &real,
        ..browser("https://scn.ly/menu")
    };
    let just_before = NOW_MS + (UNLOCK_TTL_SECONDS - 1) * 1000;
    let answer = answer_with(&config(), &facts, just_before, None, Some(&record.encode()));
    assert_eq!(
        answer.response.status, 302,
        "still valid just before expiry"
    );
    let after = NOW_MS + UNLOCK_TTL_SECONDS * 1000;
    let answer = answer_with(&config(), &facts, after, None, Some(&record.encode()));
    assert_eq!(answer.response.status, 401, "expired cookie");
}

#[test]
fn changing_the_password_invalidates_unlock_cookies() {
    let record = protected_record("menu");
    let cookie = unlock_cookie(&post_password(
        &record,
        "https://scn.ly/menu",
        Some(PASSWORD),
    ));
    let changed = LinkRecord {
        password: Some(verifier_with_salt(2)),
        ..record
    };
    let answer = visit(
        &changed,
        RequestFacts {
            cookie: &cookie,
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(answer.response.status, 401);
}

#[test]
fn posting_to_a_link_without_a_password_sends_the_browser_back() {
    let answer = post_password(
        &redirect_record("menu", "https://shop.test/"),
        "https://scn.ly/menu?qr",
        Some("anything"),
    );
    assert_eq!(answer.response.status, 303);
    assert_eq!(location(&answer), "/menu?qr");
    assert_eq!(header(&answer, "set-cookie"), None);
    assert!(answer.event.is_none());
}

#[test]
fn the_right_password_does_not_open_an_expired_link() {
    let record = LinkRecord {
        expires_at: Some(NOW_MS - 1),
        ..protected_record("menu")
    };
    let answer = post_password(&record, "https://scn.ly/menu", Some(PASSWORD));
    assert_html_status_page(&answer, 410);
    assert_eq!(header(&answer, "set-cookie"), None);
}

// ---------------------------------------------------------------- rules

fn country_record() -> LinkRecord {
    LinkRecord {
        rules: vec![rule(r#"{"country":["FR"]}"#, "https://shop.test/fr")],
        ..redirect_record("menu", "https://shop.test/")
    }
}

#[test]
fn a_country_rule_routes_visitors_from_that_country() {
    let record = country_record();
    let from_france = visit(
        &record,
        RequestFacts {
            cf_country: "FR",
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(location(&from_france), "https://shop.test/fr");
    assert_eq!(
        event(&from_france)
            .country
            .map(|c| c.to_string())
            .as_deref(),
        Some("FR")
    );
    let from_germany = visit(&record, browser("https://scn.ly/menu"));
    assert_eq!(location(&from_germany), "https://shop.test/");
    let unknown = visit(
        &record,
        RequestFacts {
            cf_country: "XX",
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(location(&unknown), "https://shop.test/");
    assert_eq!(event(&unknown).country, None);
}

#[test]
fn the_dev_country_header_stands_in_for_cloudflares_only_in_dev_mode() {
    let record = country_record().encode();
    let facts = RequestFacts {
        dev_country: "FR",
        ..browser("https://scn.ly/menu")
    };

    let dev = answer_with(&dev_config(), &facts, NOW_MS, None, Some(&record));
    assert_eq!(location(&dev), "https://shop.test/fr");
    assert_eq!(
        event(&dev).country.map(|c| c.to_string()).as_deref(),
        Some("FR")
    );

    let production = answer_with(&config(), &facts, NOW_MS, None, Some(&record));
    assert_eq!(
        location(&production),
        "https://shop.test/",
        "a visitor must not choose their country in production"
    );
    assert_eq!(
        event(&production).country.map(|c| c.to_string()).as_deref(),
        Some("DE")
    );

    let dev_without_header = answer_with(
        &dev_config(),
        &browser("https://scn.ly/menu"),
        NOW_MS,
        None,
        Some(&record),
    );
    assert_eq!(location(&dev_without_header), "https://shop.test/");
}

#[test]
fn the_most_preferred_language_decides_a_language_rule() {
    let record = LinkRecord {
        rules: vec![rule(r#"{"language":["fr"]}"#, "https://shop.test/fr")],
        ..redirect_record("menu", "https://shop.test/")
    };
    let french = visit(
        &record,
        RequestFacts {
            accept_language: "fr-CA,fr;q=0.9,en;q=0.5",
            ..browser("https://scn.ly/menu")
        },
    );
    assert_eq!(location(&french), "https://shop.test/fr");
    assert_eq!(
        event(&french).language.as_ref().map(|l| l.as_str()),
        Some("fr-CA")
    );
    for accept_language in ["en-GB,fr;q=0.8", "de", ""] {
        let answer = visit(
            &record,
            RequestFacts {
                accept_language,
                ..browser("https://scn.ly/menu")
            },
        );
        assert_eq!(location(&answer), "https://shop.test/", "{accept_language}");
    }
}

#[test]
fn a_device_rule_sends_phones_elsewhere() {
    let record = LinkRecord {
        rules: vec![rule(r#"{"device":["mobile"]}"#, "https://m.shop.test/")],
        ..redirect_record("menu", "https://shop.test/")
    };
    for (user_agent, os) in [(IPHONE, Os::Ios), (ANDROID, Os::Android)] {
        let answer = visit(
            &record,
            RequestFacts {
                user_agent,
                ..browser("https://scn.ly/menu")
            },
        );
        assert_eq!(location(&answer), "https://m.shop.test/", "{user_agent}");
        let event = event(&answer);
        assert_eq!((event.device, event.os), (DeviceType::Mobile, os));
    }
    let desktop = visit(&record, browser("https://scn.ly/menu"));
    assert_eq!(location(&desktop), "https://shop.test/");
}

#[test]
fn an_os_rule_tells_iphones_from_android_phones() {
    let record = LinkRecord {
        rules: vec![
            rule(r#"{"os":["ios"]}"#, "https://apps.apple.com/app/id1"),
            rule(
                r#"{"os":["android"]}"#,
                "https://play.google.com/store/apps",
            ),
        ],
        ..redirect_record("menu", "https://shop.test/")
    };
    let at = |user_agent| {
        let answer = visit(
            &record,
            RequestFacts {
                user_agent,
                ..browser("https://scn.ly/menu")
            },
        );
        location(&answer).to_owned()
    };
    assert_eq!(at(IPHONE), "https://apps.apple.com/app/id1");
    assert_eq!(at(ANDROID), "https://play.google.com/store/apps");
    assert_eq!(at(DESKTOP), "https://shop.test/");
}

#[test]
fn a_rule_on_a_page_link_redirects_matching_visitors() {
    let record = LinkRecord {
        rules: vec![rule(r#"{"device":["mobile"]}"#, "https://m.shop.test/")],
        ..cafe_page()
    };
    let phone = visit(
        &record,
        RequestFacts {
            user_agent: IPHONE,
            ..browser("https://scn.ly/cafe")
        },
    );
    assert_eq!(location(&phone), "https://m.shop.test/");
    assert!(phone.event.is_some());
    let desktop = visit(&record, browser("https://scn.ly/cafe"));
    assert_eq!(desktop.response.status, 200);
}

// ---------------------------------------------------------------- A/B splits

const VISITORS: usize = 2_000;

fn split_record(weight_a: u32, weight_b: u32) -> LinkRecord {
    LinkRecord {
        variants: vec![
            variant("https://shop.test/a", weight_a),
            variant("https://shop.test/b", weight_b),
        ],
        ..redirect_record("menu", "https://shop.test/")
    }
}

fn visitor_ip(index: usize) -> String {
    format!("198.51.{}.{}", index / 250, index % 250 + 1)
}

/// How many of `VISITORS` different visitors land on variant "a"; checks
/// that each event names the variant the visitor was sent to.
fn visitors_on_a(record: &LinkRecord) -> usize {
    let bytes = record.encode();
    let config = config();
    let mut on_a = 0;
    for index in 0..VISITORS {
        let ip = visitor_ip(index);
        let facts = RequestFacts {
            connecting_ip: &ip,
            ..browser("https://scn.ly/menu")
        };
        let answer = answer_with(&config, &facts, NOW_MS, None, Some(&bytes));
        let variant = event(&answer).variant.clone();
        match location(&answer) {
            "https://shop.test/a" => {
                assert_eq!(variant.as_deref(), Some("a"));
                on_a += 1;
            }
            "https://shop.test/b" => assert_eq!(variant.as_deref(), Some("b")),
            other => panic!("visitor {ip} was sent to {other}"),
        }
    }
    on_a
}

#[test]
fn a_50_50_split_sends_about_half_the_visitors_each_way() {
    let on_a = visitors_on_a(&split_record(50, 50));
    // ±5 % of 2,000 is ±4.5 standard deviations.
    assert!((900..=1_100).contains(&on_a), "{on_a} of {VISITORS} on a");
}

#[test]
fn an_80_20_split_follows_its_weights() {
    let on_a = visitors_on_a(&split_record(80, 20));
    assert!((1_500..=1_700).contains(&on_a), "{on_a} of {VISITORS} on a");
}

#[test]
fn one_visitor_always_gets_the_same_variant() {
    let record = split_record(50, 50).encode();
    let config = config();
    let mut seen_both = [false, false];
    for index in 0..50 {
        let ip = visitor_ip(index);
        let facts = RequestFacts {
            connecting_ip: &ip,
            ..browser("https://scn.ly/menu")
        };
        let first = answer_with(&config, &facts, NOW_MS, None, Some(&record));
        let first = location(&first).to_owned();
        seen_both[usize::from(first.ends_with("/b"))] = true;
        // Later the same day, from the QR code this time.
        for minutes_later in [1, 90, 600] {
            let later = RequestFacts {
                url: "https://scn.ly/menu?qr",
                ..facts
            };
            let answer = answer_with(
                &config,
                &later,
                NOW_MS + minutes_later * 60_000,
                None,
                Some(&record),
            );
            assert_eq!(location(&answer), first, "{ip} after {minutes_later} min");
        }
    }
    assert_eq!(seen_both, [true, true], "50 visitors should see both arms");
}
