//! Scans of the built Worker in workerd, as phones make them: every routing
//! dimension, pages, passwords, expiry, and what gets counted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use scanly_edge_tests::agents::{ANDROID, DESKTOP, IPHONE, LINK_PREVIEW};
use scanly_edge_tests::records::{self, publish, publish_on, redirect, rule, unique_code, variant};
use scanly_edge_tests::{Edge, Request, shared_edge};
use scanly_shared::event::{ScanEvent, ScanSource};
use scanly_shared::ua::{DeviceType, Os};
use scanly_shared::{LinkRecord, ShortCode};

fn edge() -> &'static Edge {
    shared_edge()
}

fn scan(code: &ShortCode) -> Request {
    Request::get(&format!("/{code}")).user_agent(IPHONE)
}

fn published(record: LinkRecord) -> ShortCode {
    publish(&edge().worker, &record);
    record.code
}

fn events_for(code: &ShortCode, at_least: usize) -> Vec<ScanEvent> {
    let events = edge().ingest.wait_until(
        Duration::from_secs(30),
        &format!("{at_least} events for {code}"),
        |events| events.iter().filter(|e| &e.code == code).count() >= at_least,
    );
    events.into_iter().filter(|e| &e.code == code).collect()
}

/// The events for `code` once they have settled: waits for `expected`, then
/// a little longer, so an event that should not exist has time to show up.
fn settled_events_for(code: &ShortCode, expected: usize) -> Vec<ScanEvent> {
    events_for(code, expected);
    std::thread::sleep(Duration::from_millis(2_500));
    events_for(code, expected)
}

#[test]
fn a_redirect_sends_the_visitor_on_with_utm_and_is_counted() {
    let mut record = redirect(&unique_code("utm"), "https://shop.example/menu?lang=en");
    record.utm.source = Some("flyer".into());
    record.utm.campaign = Some("spring".into());
    let code = published(record);

    let response = edge()
        .worker
        .send(&scan(&code).header("referer", "https://news.example/story?id=7"));

    assert_eq!(response.status, 302);
    assert_eq!(
        response.location(),
        "https://shop.example/menu?lang=en&utm_source=flyer&utm_campaign=spring"
    );
    assert_eq!(response.header("cache-control"), Some("private, max-age=0"));
    assert!(response.header("referrer-policy").is_some());
    assert!(response.body.is_empty());
    let events = events_for(&code, 1);
    let event = &events[0];
    assert_eq!((event.device, event.os), (DeviceType::Mobile, Os::Ios));
    assert_eq!(event.country.map(|c| c.to_string()).as_deref(), Some("DE"));
    assert_eq!(event.colo.as_deref(), Some("TXL"));
    assert_eq!(event.referrer_host.as_deref(), Some("news.example"));
    assert_eq!(event.source, ScanSource::Link);
    assert!(!event.bot);
}

#[test]
fn the_qr_marker_counts_the_scan_as_a_qr_scan() {
    let code = published(redirect(&unique_code("qr"), "https://shop.example/"));
    let response = edge()
        .worker
        .send(&Request::get(&format!("/{code}?qr")).user_agent(ANDROID));
    assert_eq!(response.status, 302);
    assert_eq!(response.location(), "https://shop.example/");
    assert_eq!(events_for(&code, 1)[0].source, ScanSource::Qr);
}

#[test]
fn country_rules_follow_the_dev_country_header() {
    let mut record = redirect(&unique_code("geo"), "https://shop.example/world");
    record.rules = vec![
        rule(r#"{"country":["FR","BE"]}"#, "https://shop.example/fr"),
        rule(r#"{"country":["DE"]}"#, "https://shop.example/de"),
    ];
    let code = published(record);
    let from = |country: Option<&str>| {
        let request = scan(&code);
        let request = match country {
            Some(c) => request.header("x-scanly-dev-country", c),
            None => request,
        };
        edge().worker.send(&request).location().to_owned()
    };
    assert_eq!(from(Some("BE")), "https://shop.example/fr");
    assert_eq!(from(Some("US")), "https://shop.example/world");
    assert_eq!(
        from(None),
        "https://shop.example/de",
        "request.cf says Berlin"
    );
}

#[test]
fn device_rules_send_iphones_androids_and_desktops_apart() {
    let mut record = redirect(&unique_code("app"), "https://shop.example/web");
    record.rules = vec![
        rule(r#"{"os":["ios"]}"#, "https://apps.apple.com/app/id1"),
        rule(
            r#"{"os":["android"]}"#,
            "https://play.google.com/store/apps/details?id=x",
        ),
    ];
    let code = published(record);
    let location = |ua: &str| {
        edge()
            .worker
            .send(&scan(&code).user_agent(ua))
            .location()
            .to_owned()
    };
    assert_eq!(location(IPHONE), "https://apps.apple.com/app/id1");
    assert_eq!(
        location(ANDROID),
        "https://play.google.com/store/apps/details?id=x"
    );
    assert_eq!(location(DESKTOP), "https://shop.example/web");
}

#[test]
fn language_rules_follow_the_most_preferred_language() {
    let mut record = redirect(&unique_code("lang"), "https://shop.example/en");
    record.rules = vec![rule(r#"{"language":["fr"]}"#, "https://shop.example/fr")];
    let code = published(record);
    let location = |accept: &str| {
        let request = scan(&code).header("accept-language", accept);
        edge().worker.send(&request).location().to_owned()
    };
    assert_eq!(
        location("fr-CA,fr;q=0.9,en;q=0.5"),
        "https://shop.example/fr"
    );
    assert_eq!(location("en-GB,fr;q=0.8"), "https://shop.example/en");
}

#[test]
fn time_rules_apply_inside_their_window_only() {
    // Windows around the Worker's own clock: one open now, one that closed
    // an hour ago (both in UTC, all week).
    let now = records::now_s();
    let minute = |offset_s: i64| {
        let m = (now + offset_s).rem_euclid(86_400) / 60;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    let all_week = r#"["mon","tue","wed","thu","fri","sat","sun"]"#;
    let window = |start: String, end: String| {
        format!(
            r#"{{"time":{{"days":{all_week},"start":"{start}","end":"{end}","timezone":"UTC"}}}}"#
        )
    };
    let mut open_now = redirect(&unique_code("open"), "https://shop.example/closed");
    open_now.rules = vec![rule(
        &window(minute(-1800), minute(1800)),
        "https://shop.example/open",
    )];
    let mut closed_now = redirect(&unique_code("shut"), "https://shop.example/closed");
    closed_now.rules = vec![rule(
        &window(minute(-7200), minute(-3600)),
        "https://shop.example/open",
    )];
    let (open_now, closed_now) = (published(open_now), published(closed_now));
    assert_eq!(
        edge().worker.send(&scan(&open_now)).location(),
        "https://shop.example/open"
    );
    assert_eq!(
        edge().worker.send(&scan(&closed_now)).location(),
        "https://shop.example/closed"
    );
}

#[test]
fn an_ab_split_holds_its_proportions_and_keeps_each_visitor_on_one_arm() {
    let mut record = redirect(&unique_code("ab"), "https://shop.example/");
    record.variants = vec![
        variant("https://shop.example/a", 70),
        variant("https://shop.example/b", 30),
    ];
    let code = published(record);
    let visitor = |i: usize| {
        scan(&code)
            .header(
                "cf-connecting-ip",
                format!("198.51.{}.{}", i / 250, i % 250),
            )
            .user_agent(&format!("{IPHONE} visitor/{i}"))
    };
    let mut arms: HashMap<String, usize> = HashMap::new();
    for i in 0..1_000 {
        let location = edge().worker.send(&visitor(i)).location().to_owned();
        *arms.entry(location).or_default() += 1;
    }
    let a = arms.get("https://shop.example/a").copied().unwrap_or(0);
    let b = arms.get("https://shop.example/b").copied().unwrap_or(0);
    assert_eq!(a + b, 1_000, "every scan lands on an arm: {arms:?}");
    // 70 % of 1,000 with a ±5-point tolerance (more than 3 standard deviations).
    assert!((650..=750).contains(&a), "arm a got {a} of 1000: {arms:?}");
    for i in [0, 17, 333, 999] {
        let first = edge().worker.send(&visitor(i)).location().to_owned();
        for _ in 0..5 {
            assert_eq!(
                edge().worker.send(&visitor(i)).location(),
                first,
                "visitor {i} switched arms"
            );
        }
    }
    let events = events_for(&code, 1_000);
    let keys: HashSet<_> = events.iter().filter_map(|e| e.variant.clone()).collect();
    assert_eq!(keys, HashSet::from(["a".to_owned(), "b".to_owned()]));
}

#[test]
fn expired_links_and_exhausted_scan_limits_answer_410() {
    let mut expired = redirect(&unique_code("old"), "https://shop.example/");
    expired.expires_at = Some((records::now_s() - 60) * 1000);
    let mut exhausted = redirect(&unique_code("full"), "https://shop.example/");
    exhausted.max_scans = Some(10);
    exhausted.scan_limit_reached = true;
    for code in [published(expired), published(exhausted)] {
        let response = edge().worker.send(&scan(&code));
        assert_eq!(response.status, 410);
        assert!(response.text().contains("expired"), "{}", response.text());
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn unknown_codes_and_non_codes_get_the_404_page() {
    for target in ["/no-such-code", "/", "/a/b/c", "/x"] {
        let response = edge().worker.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert!(response.text().contains("<html"), "{target}");
        assert!(response.header("content-security-policy").is_some());
    }
}

#[test]
fn a_page_is_rendered_at_the_edge_with_a_strict_csp_and_revalidates_with_304() {
    let code = unique_code("page");
    let record = records::page(
        &code,
        r#"{"title":"Café Rosa","blocks":[{"type":"heading","text":"Menu <b>today</b>"},{"type":"text","text":"Soup & bread"}]}"#,
    );
    published(record);
    let response = edge().worker.send(&scan(&code));
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = response.text();
    assert!(html.contains("Café Rosa"));
    assert!(
        html.contains("Menu &lt;b&gt;today&lt;/b&gt;"),
        "escaped: {html}"
    );
    assert!(!html.contains("<script"));
    let csp = response.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        !csp.contains("script-src") || csp.contains("script-src 'none'"),
        "{csp}"
    );
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
    let etag = response.header("etag").unwrap().to_owned();

    let again = edge()
        .worker
        .send(&scan(&code).header("if-none-match", &etag));
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(events_for(&code, 2).len(), 2, "a revalidation is a visit");
}

#[test]
fn a_password_protects_the_link_until_the_right_password_sets_a_cookie() {
    use scanly_shared::password::{LinkPassword, PasswordVerifier};
    let mut record = redirect(&unique_code("secret"), "https://shop.example/vip");
    record.password = Some(PasswordVerifier::new(
        &LinkPassword::parse("open sesame").unwrap(),
        [9; 16],
        1_000,
    ));
    let code = published(record);
    let path = format!("/{code}");

    let asked = edge().worker.send(&scan(&code));
    assert_eq!(asked.status, 401);
    assert!(asked.text().contains("<form method=\"post\""));
    assert!(
        !asked.text().contains("shop.example/vip"),
        "the destination must not leak"
    );

    let form = |password: &str| {
        Request::new("POST", &path)
            .user_agent(IPHONE)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("password={}", password.replace(' ', "+")))
    };
    let wrong = edge().worker.send(&form("open says me"));
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("set-cookie").is_none());

    let right = edge().worker.send(&form("open sesame"));
    assert_eq!(right.status, 302);
    assert_eq!(right.location(), path);
    let cookie = right.header("set-cookie").unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains(&format!("Path=/{code}")),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();

    let unlocked = edge().worker.send(&scan(&code).header("cookie", pair));
    assert_eq!(unlocked.status, 302);
    assert_eq!(unlocked.location(), "https://shop.example/vip");
    let forged = edge()
        .worker
        .send(&scan(&code).header("cookie", "scanly_unlock=9999999999.00ff"));
    assert_eq!(forged.status, 401);
    assert_eq!(
        settled_events_for(&code, 1).len(),
        1,
        "only the unlocked scan counts"
    );
}

#[test]
fn head_requests_and_link_previews_are_served_but_not_counted() {
    let code = published(redirect(&unique_code("bots"), "https://shop.example/"));
    let head = edge()
        .worker
        .send(&Request::head(&format!("/{code}")).user_agent(IPHONE));
    assert_eq!(head.status, 302);
    assert_eq!(head.location(), "https://shop.example/");
    for bot in [
        LINK_PREVIEW,
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "",
    ] {
        let response = edge().worker.send(&scan(&code).user_agent(bot));
        assert_eq!(response.status, 302, "{bot:?} is still served");
    }
    edge().worker.send(&scan(&code));
    let events = settled_events_for(&code, 1);
    assert_eq!(events.len(), 1, "only the phone counts: {events:?}");
}

#[test]
fn a_custom_domain_serves_only_its_own_codes() {
    let code = unique_code("custom");
    publish_on(
        &edge().worker,
        "go.shop.example",
        &redirect(&code, "https://shop.example/custom"),
    );
    let on_custom = edge().worker.send(&scan(&code).host("go.shop.example"));
    assert_eq!(on_custom.status, 302);
    assert_eq!(on_custom.location(), "https://shop.example/custom");
    assert_eq!(
        edge().worker.send(&scan(&code)).status,
        404,
        "not on the default host"
    );

    let shared = published(redirect(
        &unique_code("shared"),
        "https://shop.example/shared",
    ));
    assert_eq!(
        edge()
            .worker
            .send(&scan(&shared).host("go.shop.example"))
            .status,
        404
    );
    let via_alias = edge().worker.send(&scan(&shared).host("localhost:8787"));
    assert_eq!(
        via_alias.location(),
        "https://shop.example/shared",
        "aliases share the default namespace"
    );
}

#[test]
fn health_robots_and_favicon_are_fixed_answers() {
    let health = edge().worker.get("/healthz");
    assert_eq!(
        (health.status, health.json()["status"].as_str()),
        (200, Some("ok"))
    );
    let robots = edge().worker.get("/robots.txt");
    assert_eq!(robots.status, 200);
    assert!(robots.text().contains("User-agent: *"));
    assert_eq!(edge().worker.get("/favicon.ico").status, 204);
}

#[test]
fn pages_are_indexable_only_when_the_owner_allows_and_redirects_never() {
    let code = unique_code("seo");
    let mut hidden = records::page(&code, r#"{"title":"Hidden","blocks":[]}"#);
    hidden.indexable = false;
    published(hidden);
    assert_eq!(
        edge().worker.send(&scan(&code)).header("x-robots-tag"),
        Some("noindex")
    );
    let shown = published(records::page(
        &unique_code("seo"),
        r#"{"title":"Shown","blocks":[]}"#,
    ));
    assert_eq!(
        edge().worker.send(&scan(&shown)).header("x-robots-tag"),
        None
    );
    let link = published(redirect(&unique_code("seo"), "https://shop.example/"));
    assert_eq!(
        edge().worker.send(&scan(&link)).header("x-robots-tag"),
        Some("noindex")
    );
}

#[test]
fn password_guessing_is_rate_limited_per_visitor_and_link() {
    use scanly_shared::password::{LinkPassword, PasswordVerifier};
    let protected = |prefix| {
        let mut record = redirect(&unique_code(prefix), "https://shop.example/vip");
        let password = LinkPassword::parse("open sesame").unwrap();
        record.password = Some(PasswordVerifier::new(&password, [3; 16], 1_000));
        published(record)
    };
    let (target, other) = (protected("guess"), protected("guess"));
    let attempt = |code: &ShortCode, password: &str| {
        let request = Request::new("POST", &format!("/{code}"))
            .user_agent(IPHONE)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("password={password}"));
        edge().worker.send(&request)
    };
    for guess in 0..10 {
        assert_eq!(attempt(&target, &format!("guess{guess}")).status, 401);
    }
    let blocked = attempt(&target, "open+sesame");
    assert_eq!(
        blocked.status, 429,
        "the 11th attempt in a minute waits, even a right one"
    );
    assert_eq!(blocked.header("retry-after"), Some("60"));
    assert!(blocked.text().contains("Too many attempts"));
    assert_eq!(
        attempt(&other, "open+sesame").status,
        302,
        "another link is not affected"
    );
}
