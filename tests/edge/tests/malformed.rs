//! Hostile and malformed requests against the built Worker in workerd: each
//! gets a deliberate 4xx (or its ordinary answer), never a 5xx from the
//! Worker, and the Worker keeps serving afterwards, which proves no request
//! aborted its instance.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use scanly_edge_tests::agents::IPHONE;
use scanly_edge_tests::records::{self, publish, redirect, rule, unique_code};
use scanly_edge_tests::{CaptureServer, Edge as Started, EdgeWorker, Request, Response};
use scanly_shared::event::ScanEvent;
use scanly_shared::password::{LinkPassword, PasswordVerifier};
use scanly_shared::ua::DeviceType;
use scanly_shared::{LinkRecord, ShortCode};

const SENTINEL_DESTINATION: &str = "https://shop.example/still-here";
const PASSWORD: &str = "open sesame";
/// Far below workerd's own header limit (it answers 431 somewhere above
/// 100 KB), so these reach the Worker.
const BIG: usize = 20 * 1024;

struct Edge {
    worker: EdgeWorker,
    ingest: CaptureServer,
    /// A plain redirect every test scans last: if any request had aborted
    /// the instance, this would fail.
    sentinel: ShortCode,
}

fn edge() -> &'static Edge {
    static EDGE: OnceLock<Edge> = OnceLock::new();
    EDGE.get_or_init(|| {
        let Started { worker, ingest } = Started::start();
        let sentinel = unique_code("sentinel");
        publish(&worker, &redirect(&sentinel, SENTINEL_DESTINATION));
        Edge {
            worker,
            ingest,
            sentinel,
        }
    })
}

fn send(request: &Request) -> Response {
    edge().worker.send(request)
}

fn scan(code: &ShortCode) -> Request {
    Request::get(&format!("/{code}")).user_agent(IPHONE)
}

fn published(record: LinkRecord) -> ShortCode {
    publish(&edge().worker, &record);
    record.code
}

fn password_link(destination: &str) -> ShortCode {
    let mut record = redirect(&unique_code("locked"), destination);
    record.password = Some(PasswordVerifier::new(
        &LinkPassword::parse(PASSWORD).unwrap(),
        [7; 16],
        1_000,
    ));
    published(record)
}

fn password_form(code: &ShortCode, body: impl Into<Vec<u8>>) -> Request {
    Request::new("POST", &format!("/{code}"))
        .user_agent(IPHONE)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
}

/// The Worker is alive and its state intact: health answers and the
/// sentinel still redirects.
#[track_caller]
fn assert_still_serving() {
    let health = edge().worker.get("/healthz");
    assert_eq!(health.status, 200, "health: {}", health.text());
    assert_eq!(health.json()["status"], "ok");
    let sentinel = send(&scan(&edge().sentinel));
    assert_eq!(sentinel.status, 302, "sentinel: {}", sentinel.text());
    assert_eq!(sentinel.location(), SENTINEL_DESTINATION);
}

#[track_caller]
fn assert_not_found_page(response: &Response, what: &str) {
    assert_eq!(response.status, 404, "{what}: {}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{what}"
    );
    assert!(response.text().contains("<html"), "{what}");
}

#[track_caller]
fn assert_json_error(response: &Response, status: u16, code: &str, what: &str) {
    assert_eq!(response.status, status, "{what}: {}", response.text());
    assert_eq!(response.json()["error"]["code"], code, "{what}");
}

/// The password form again: 401, the form, no cookie, no destination.
#[track_caller]
fn assert_still_locked(response: &Response, destination: &str, what: &str) {
    assert_eq!(response.status, 401, "{what}: {}", response.text());
    assert!(
        response.text().contains("<form method=\"post\""),
        "{what}: {}",
        response.text()
    );
    assert!(!response.text().contains(destination), "{what} leaked");
    assert!(
        response.header("set-cookie").is_none(),
        "{what} set a cookie"
    );
}

/// The scan events for `code` the ingest stand-in accepted.
fn events_for(code: &ShortCode, at_least: usize) -> Vec<ScanEvent> {
    edge()
        .ingest
        .wait_until(
            Duration::from_secs(30),
            &format!("{at_least} events for {code}"),
            |events| events.iter().filter(|e| &e.code == code).count() >= at_least,
        )
        .into_iter()
        .filter(|e| &e.code == code)
        .collect()
}

#[test]
fn hostile_paths_get_the_404_page() {
    let sentinel = &edge().sentinel;
    let targets = [
        "/%00".to_owned(),
        "/abc%00def".to_owned(),
        format!("/{sentinel}%00"),
        format!("/%00{sentinel}"),
        "/..".to_owned(),
        "/../../etc/passwd".to_owned(),
        "/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "/%2e%2e/".to_owned(),
        "/..%2f..%2fetc%2fpasswd".to_owned(),
        "/%2E%2E%5C%2E%2E%5Cwindows".to_owned(),
        "/\\..\\..\\windows".to_owned(),
        "//".to_owned(),
        "///".to_owned(),
        "/%".to_owned(),
        "/%zz".to_owned(),
        "/%%%".to_owned(),
        "/abc%2Fdef".to_owned(),
        format!("/{}", "a".repeat(10_000)),
        format!("/{}", "%41".repeat(3_400)),
        format!("/{sentinel}/extra"),
        format!("/{sentinel}//"),
        "/_scanly".to_owned(),
        "/%5Fscanly/records".to_owned(),
    ];
    for target in &targets {
        let response = send(&Request::get(target).user_agent(IPHONE));
        assert_not_found_page(&response, &target[..target.len().min(60)]);
    }
    assert_still_serving();
}

#[test]
fn dot_segments_are_resolved_before_routing_and_open_nothing_unsigned() {
    let sentinel = &edge().sentinel;
    // The runtime normalises the URL (as browsers do) before the Worker
    // routes it: a dot segment can only reach what its plain form reaches.
    let via_dots = send(&Request::get(&format!("/x/../{sentinel}")).user_agent(IPHONE));
    assert_eq!(via_dots.status, 302);
    assert_eq!(via_dots.location(), SENTINEL_DESTINATION);
    assert_eq!(
        send(&Request::get("/_scanly/%2e%2e/healthz")).status,
        200,
        "resolves to /healthz"
    );
    let code = unique_code("dots");
    for path in [
        format!("/x/../_scanly/records/scanly.test/{code}"),
        format!("/_scanly/x/%2e%2e/records/scanly.test/{code}"),
    ] {
        let put = send(
            &Request::new("PUT", &path).body(redirect(&code, "https://evil.example/").encode()),
        );
        assert_json_error(&put, 401, "unauthorized", &path);
    }
    assert_not_found_page(&send(&scan(&code)), "nothing was published");
    assert_still_serving();
}

#[test]
fn invalid_utf8_and_control_bytes_in_the_path_are_refused_or_not_found() {
    let sentinel = edge().sentinel.as_str().as_bytes();
    let with_sentinel = |prefix: &[u8], suffix: &[u8]| [prefix, sentinel, suffix].concat();
    let targets: Vec<Vec<u8>> = vec![
        b"/\xff\xfe".to_vec(),
        b"/\xc3\x28".to_vec(),
        b"/abc\xed\xa0\x80".to_vec(),
        b"/\xf0\x28\x8c\x28".to_vec(),
        b"/\x01\x02\x03".to_vec(),
        b"/a\x7fb".to_vec(),
        b"/abc\x00def".to_vec(),
        with_sentinel(b"/", b"\xff"),
        with_sentinel(b"/\xfe", b""),
        [b"/".as_slice(), &[0xff; 5_000]].concat(),
    ];
    for target in &targets {
        let response = send(&Request::raw_target("GET", target).user_agent(IPHONE));
        let what = String::from_utf8_lossy(&target[..target.len().min(40)]).into_owned();
        match response.status {
            404 => assert_not_found_page(&response, &what),
            // workerd's own parser refuses some request lines (a raw NUL)
            // before the Worker runs.
            400 => {}
            other => panic!("{what:?} answered {other}: {}", response.text()),
        }
    }
    assert_still_serving();
}

#[test]
fn huge_headers_get_the_ordinary_answer() {
    let sentinel = &edge().sentinel;
    let big = "a".repeat(BIG);
    let headers = [
        ("user-agent", format!("{IPHONE} {big}")),
        ("accept-language", format!("fr,{big}")),
        ("cookie", format!("scanly_unlock={big}; x={big}")),
        ("referer", format!("https://news.example/{big}")),
        ("if-none-match", format!("\"{big}\"")),
        ("x-scanly-dev-country", big.clone()),
        ("x-scanly-timestamp", big.clone()),
        ("x-scanly-signature", format!("v1={big}")),
        ("cf-connecting-ip", big.clone()),
        ("x-anything", big.clone()),
    ];
    for (name, value) in &headers {
        let response = send(&scan(sentinel).header(name, value));
        // workerd may refuse a header block it finds too large itself (431
        // or 400) before the Worker runs; the Worker must never fail on one.
        match response.status {
            302 => assert_eq!(response.location(), SENTINEL_DESTINATION, "{name}"),
            400 | 431 => {}
            other => panic!("a {BIG}-byte {name} answered {other}: {}", response.text()),
        }
        let unknown = send(
            &Request::get("/no-such-code-here")
                .user_agent(IPHONE)
                .header(name, value),
        );
        assert!(
            matches!(unknown.status, 404 | 400 | 431),
            "a {BIG}-byte {name} on an unknown code answered {}",
            unknown.status
        );
    }
    assert_still_serving();
}

#[test]
fn a_huge_if_none_match_list_still_revalidates_a_page() {
    let code = published(records::page(
        &unique_code("etag"),
        r#"{"title":"Menu","blocks":[{"type":"text","text":"Soup"}]}"#,
    ));
    let first = send(&scan(&code));
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap().to_owned();
    let junk = "W/\"0000000000000000\", ".repeat(BIG / 22);

    let without = send(&scan(&code).header("if-none-match", &junk));
    assert_eq!(without.status, 200, "no tag in the list matches");
    assert!(without.text().contains("Soup"));
    let with = send(&scan(&code).header("if-none-match", format!("{junk}{etag}")));
    assert_eq!(with.status, 304, "the last tag of the list matches");
    assert!(with.body.is_empty());
    assert_still_serving();
}

#[test]
fn a_scan_with_a_huge_referer_and_user_agent_is_still_counted() {
    let code = published(redirect(&unique_code("bigref"), "https://shop.example/"));
    let response = send(
        &scan(&code)
            .user_agent(&format!("{IPHONE} {}", "x".repeat(BIG)))
            .header("referer", format!("https://{}/", "a".repeat(BIG))),
    );
    assert_eq!(response.status, 302);
    let events = events_for(&code, 1);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].device, DeviceType::Mobile);
    assert_eq!(
        events[0].referrer_host, None,
        "a host longer than DNS allows is no referrer"
    );
    assert_still_serving();
}

#[test]
fn bogus_unlock_cookies_get_the_password_form_not_an_error() {
    let destination = "https://shop.example/locked-bogus";
    let code = password_link(destination);
    let far_future = i64::MAX.to_string();
    let soon = (records::now_s() + 600).to_string();
    let cookies: Vec<Vec<u8>> = vec![
        b"scanly_unlock=".to_vec(),
        b"scanly_unlock".to_vec(),
        b"scanly_unlock=.".to_vec(),
        b"scanly_unlock=abc.def".to_vec(),
        b"scanly_unlock=99999999999999999999.zz".to_vec(),
        b"scanly_unlock=-9223372036854775808.00".to_vec(),
        format!("scanly_unlock={far_future}.{}", "0".repeat(32)).into_bytes(),
        format!("scanly_unlock={soon}.{}", "0".repeat(32)).into_bytes(),
        format!("scanly_unlock={soon}.{}", "f".repeat(31)).into_bytes(),
        format!("scanly_unlock={soon}.{}", "00".repeat(1_000)).into_bytes(),
        b"scanly_unlock=1.2.3".to_vec(),
        b"scanly_unlock=%ff%fe.%00".to_vec(),
        b"scanly_unlock=\xff\xfe.\xc3\x28".to_vec(),
        b"=;=;;;==;".to_vec(),
        format!("scanly_unlock={}", "a".repeat(BIG)).into_bytes(),
        format!("{}scanly_unlock=1.00", "a=1; ".repeat(BIG / 6)).into_bytes(),
        format!("scanly_unlock=; scanly_unlock={soon}.{}", "0".repeat(32)).into_bytes(),
    ];
    for cookie in &cookies {
        let what = String::from_utf8_lossy(&cookie[..cookie.len().min(60)]).into_owned();
        let response = send(&scan(&code).header("cookie", cookie));
        assert_still_locked(&response, destination, &what);
    }
    assert_still_serving();
}

#[test]
fn an_unlock_cookie_opens_only_the_link_it_was_issued_for() {
    let destination = "https://shop.example/locked-a";
    let (a, b) = (
        password_link(destination),
        password_link("https://shop.example/locked-b"),
    );
    let unlocked = send(&password_form(
        &b,
        format!("password={}", PASSWORD.replace(' ', "+")),
    ));
    assert_eq!(unlocked.status, 302, "{}", unlocked.text());
    let cookie = unlocked.header("set-cookie").unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();

    let opened = send(&scan(&b).header("cookie", &pair));
    assert_eq!(opened.status, 302);
    assert_eq!(opened.location(), "https://shop.example/locked-b");
    // Same password, same salt, same edge secret: only the scope differs.
    let other = send(&scan(&a).header("cookie", &pair));
    assert_still_locked(&other, destination, "b's cookie on a");
    assert_still_serving();
}

#[test]
fn a_garbage_dev_country_is_no_country() {
    let mut record = redirect(&unique_code("geo"), "https://shop.example/world");
    record.rules = vec![rule(r#"{"country":["DE"]}"#, "https://shop.example/de")];
    let code = published(record);
    assert_eq!(
        send(&scan(&code)).location(),
        "https://shop.example/de",
        "request.cf says Berlin"
    );
    let values: Vec<Vec<u8>> = vec![
        b"ZZZ".to_vec(),
        b"XX".to_vec(),
        b"12".to_vec(),
        b"D E".to_vec(),
        b"<script>alert(1)</script>".to_vec(),
        b"DE; drop table".to_vec(),
        b"\xff\xfe".to_vec(),
        b"\xc3\x9c\xc3\x9c".to_vec(),
        "DE".repeat(500).into_bytes(),
    ];
    for value in &values {
        let what = String::from_utf8_lossy(&value[..value.len().min(30)]).into_owned();
        let response = send(&scan(&code).header("x-scanly-dev-country", value));
        assert_eq!(response.status, 302, "{what}: {}", response.text());
        assert_eq!(
            response.location(),
            "https://shop.example/world",
            "{what} matched a country rule"
        );
    }
    assert_still_serving();
}

#[test]
fn a_host_the_worker_cannot_parse_gets_400() {
    let sentinel = &edge().sentinel;
    let label_too_long = format!("{}.example", "a".repeat(64));
    let too_long = format!("{}.example", "a.".repeat(130));
    for host in [
        "bad_host",
        "..",
        "-a.example",
        "a-.example",
        "a..b",
        "a.-b",
        label_too_long.as_str(),
        too_long.as_str(),
    ] {
        let response = send(&scan(sentinel).host(host));
        assert_json_error(&response, 400, "bad_request", host);
    }
    assert_still_serving();
}

#[test]
fn a_host_workerd_cannot_parse_never_reaches_the_worker() {
    let sentinel = &edge().sentinel;
    for host in [
        "bad_host!!",
        "bad!host",
        "scanly.test:abc",
        "exa mple",
        "scanly.test/x",
    ] {
        let response = send(&scan(sentinel).host(host));
        // Local workerd cannot build `request.url` from such a Host and
        // answers a bare 500 of its own before any Worker code runs (in
        // production Cloudflare routes by Host and never gets this far).
        // Anything from the Worker itself would carry a content type.
        let workerd_refusal = response.status == 500
            && response.header("content-type").is_none()
            && response.text() == "Internal Server Error";
        assert!(
            (400..500).contains(&response.status) || workerd_refusal,
            "{host}: {} {:?} {}",
            response.status,
            response.headers,
            response.text()
        );
    }
    assert_still_serving();
}

#[test]
fn oversized_password_forms_are_refused_with_413() {
    let destination = "https://shop.example/locked-big";
    let code = password_link(destination);
    let megabyte = format!("password={}", "a".repeat(1024 * 1024));
    for target in [
        code.clone(),
        edge().sentinel.clone(),
        unique_code("nothing-here"),
    ] {
        let response = send(&password_form(&target, megabyte.clone()));
        assert_json_error(&response, 413, "payload_too_large", target.as_str());
    }
    let just_over = format!("password={}", "a".repeat(4097 - 9));
    assert_json_error(
        &send(&password_form(&code, just_over)),
        413,
        "payload_too_large",
        "4097 bytes",
    );
    let at_limit = format!("password={}", "a".repeat(4096 - 9));
    assert_still_locked(
        &send(&password_form(&code, at_limit)),
        destination,
        "4096 bytes",
    );
    assert_still_serving();
}

#[test]
fn binary_and_garbled_password_forms_are_a_wrong_password() {
    let destination = "https://shop.example/locked-garbled";
    let code = password_link(destination);
    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(4_000).collect();
    let bodies: Vec<Vec<u8>> = vec![
        all_bytes,
        vec![0; 4_000],
        b"\xff\xfe\x00\x01password=\xff".to_vec(),
        b"password=%ff%fe%00".to_vec(),
        b"password=%zz%%%".to_vec(),
        b"password".to_vec(),
        b"password=".to_vec(),
        b"&&&===&&&".to_vec(),
        b"{\"password\":\"open sesame\"}".to_vec(),
        "password=x&".repeat(360).into_bytes(),
        Vec::new(),
    ];
    // At most 5 attempts per link: the Worker allows 10 a minute per
    // visitor and link before answering 429.
    let mut code = code;
    for (i, body) in bodies.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            code = password_link(destination);
        }
        let what = String::from_utf8_lossy(&body[..body.len().min(30)]).into_owned();
        let response = send(
            &password_form(&code, body.clone()).header("content-type", "application/octet-stream"),
        );
        assert_still_locked(&response, destination, &what);
    }
    let right = send(&password_form(
        &code,
        format!("password={}", PASSWORD.replace(' ', "+")),
    ));
    assert_eq!(right.status, 302, "the form still works: {}", right.text());
    assert!(right.header("set-cookie").is_some());
    assert_still_serving();
}

#[test]
fn thousands_of_accept_language_entries_are_answered_quickly() {
    let mut record = redirect(&unique_code("lang"), "https://shop.example/en");
    record.rules = vec![rule(r#"{"language":["fr"]}"#, "https://shop.example/fr")];
    let code = published(record);
    let junk = "xx-YY;q=0.1,".repeat(5_000);
    let cases = [
        (format!("fr;q=0.9,{junk}"), Some("https://shop.example/fr")),
        (junk.clone(), Some("https://shop.example/en")),
        (
            format!("{junk}fr"),
            None, // bounded parsing may stop before the last entry
        ),
        (
            ";;;,,,q=,,*;q=abc,=,-,;q=0.5".repeat(1_000),
            Some("https://shop.example/en"),
        ),
        ("fr;q=0.5;q=0.9;q=1;".repeat(1_000), None),
    ];
    for (header, expected) in &cases {
        let started = Instant::now();
        let response = send(&scan(&code).header("accept-language", header));
        let elapsed = started.elapsed();
        assert_eq!(response.status, 302, "{}", response.text());
        let location = response.location();
        match expected {
            Some(expected) => assert_eq!(location, *expected, "{}", &header[..40]),
            None => assert!(
                ["https://shop.example/fr", "https://shop.example/en"].contains(&location),
                "{location}"
            ),
        }
        assert!(
            elapsed < Duration::from_secs(5),
            "{} bytes of Accept-Language took {elapsed:?}",
            header.len()
        );
    }
    assert_still_serving();
}

#[test]
fn hostile_query_strings_do_not_change_a_redirect() {
    let sentinel = &edge().sentinel;
    let many = (0..500)
        .map(|i| format!("p{i}=v{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let queries = [
        "a=%zz&%%%".to_owned(),
        "%".to_owned(),
        "=&=&&=".to_owned(),
        "%00=%00&%0d%0aSet-Cookie:%20x=1".to_owned(),
        "utm_source=%ff%fe&utm_campaign=%c3%28".to_owned(),
        many,
        format!("x={}", "y".repeat(BIG)),
        "qr&qr&qr=1&qr=%zz".to_owned(),
        "vcard=99999999999999999999".to_owned(),
    ];
    for query in &queries {
        let response = send(&Request::get(&format!("/{sentinel}?{query}")).user_agent(IPHONE));
        let what = &query[..query.len().min(40)];
        assert_eq!(response.status, 302, "?{what}: {}", response.text());
        assert_eq!(response.location(), SENTINEL_DESTINATION, "?{what}");
        assert!(response.header("set-cookie").is_none(), "?{what}");
    }
    assert_still_serving();
}

#[test]
fn hostile_vcard_indexes_on_a_page_get_the_404_page() {
    let code = published(records::page(
        &unique_code("card"),
        r#"{"title":"Card","blocks":[{"type":"text","text":"Hello"}]}"#,
    ));
    for query in [
        "vcard=99999999999999999999",
        "vcard=-1",
        "vcard=%zz",
        "vcard=",
        "vcard=0x1",
        "vcard=0",
        "vcard=1e3",
    ] {
        let response = send(&Request::get(&format!("/{code}?{query}")).user_agent(IPHONE));
        assert_not_found_page(&response, query);
    }
    assert_still_serving();
}

#[test]
fn other_methods_on_a_code_get_405() {
    let sentinel = &edge().sentinel;
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"] {
        let response = send(&Request::new(method, &format!("/{sentinel}")));
        assert_json_error(&response, 405, "method_not_allowed", method);
        assert_eq!(
            response.header("allow"),
            Some("GET, HEAD, POST"),
            "{method}"
        );
    }
    assert_still_serving();
}
