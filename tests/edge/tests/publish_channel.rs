//! The signed publish channel of the built Worker in workerd, end to end:
//! what a signed request writes is what the next scan serves, and nothing
//! unsigned, tampered, stale, replayed or older than the stored version
//! changes a single record.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use scanly_edge_tests::agents::IPHONE;
use scanly_edge_tests::records::{
    DEFAULT_HOST, delete, host, now_s, publish, publish_batch, put_request, redirect, signed,
    signed_at, unique_code,
};
use scanly_edge_tests::{EdgeWorker, Request, Response, SECRET, shared_edge};
use scanly_shared::publish::{PublishBatch, PublishOp, RECORDS_PATH, record_path};
use scanly_shared::record::MAX_RECORD_BYTES;
use scanly_shared::{LinkRecord, ShortCode, signing};

const CUSTOM_HOST: &str = "go.shop.example";

fn edge() -> &'static EdgeWorker {
    &shared_edge().worker
}

/// Where a scan of `code` on `on_host` is sent: `Some(location)` for a
/// redirect, `None` for the 404 page; anything else fails the test.
fn served_on(on_host: &str, code: &ShortCode) -> Option<String> {
    let response = edge().send(
        &Request::get(&format!("/{code}"))
            .host(on_host)
            .user_agent(IPHONE),
    );
    match response.status {
        302 => Some(response.location().to_owned()),
        404 => None,
        other => panic!(
            "a scan of {code} on {on_host} answered {other}: {}",
            response.text()
        ),
    }
}

fn served(code: &ShortCode) -> Option<String> {
    served_on(DEFAULT_HOST, code)
}

fn versioned(code: &ShortCode, version: u64, destination: &str) -> LinkRecord {
    let mut record = redirect(code, destination);
    record.version = version;
    record
}

fn path_of(code: &ShortCode) -> String {
    record_path(&host(DEFAULT_HOST), code)
}

fn signature(secret: &str, method: &str, path: &str, timestamp: i64, body: &[u8]) -> String {
    signing::sign(secret.as_bytes(), method, path, timestamp, body).unwrap()
}

/// A request carrying exactly the given timestamp and signature headers.
fn with_signature(
    method: &str,
    path: &str,
    body: Vec<u8>,
    timestamp: i64,
    signature: &str,
) -> Request {
    Request::new(method, path)
        .header(signing::TIMESTAMP_HEADER, timestamp.to_string())
        .header(signing::SIGNATURE_HEADER, signature)
        .header("content-type", "application/octet-stream")
        .body(body)
}

/// `v1=<HEX>`: the same MAC bytes, spelled in upper case.
fn re_cased(signature: &str) -> String {
    let hex = signature.strip_prefix("v1=").unwrap();
    assert_ne!(hex, hex.to_ascii_uppercase(), "the hex has letters");
    format!("v1={}", hex.to_ascii_uppercase())
}

#[track_caller]
fn assert_error(response: &Response, status: u16, code: &str) {
    assert_eq!(response.status, status, "body: {}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
}

/// The `results` of a publish response, as `(target, status)` pairs.
#[track_caller]
fn results(response: &Response) -> Vec<(String, String)> {
    let body = response.json();
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {body}"))
        .iter()
        .map(|r| {
            (
                r["target"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn target(namespace: &str, code: &ShortCode) -> String {
    format!("{namespace}/{code}")
}

#[test]
fn a_signed_put_is_served_by_the_next_scan_and_a_signed_delete_unpublishes_it() {
    let code = unique_code("put");
    assert_eq!(served(&code), None, "nothing published yet");

    let put = edge().send(&put_request(
        DEFAULT_HOST,
        &redirect(&code, "https://shop.example/put"),
    ));
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.header("content-type"), Some("application/json"));
    assert_eq!(
        results(&put),
        vec![(target(DEFAULT_HOST, &code), "written".to_owned())]
    );
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/put"));

    let deleted = delete(edge(), DEFAULT_HOST, &code);
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    assert_eq!(
        results(&deleted),
        vec![(target(DEFAULT_HOST, &code), "deleted".to_owned())]
    );
    assert_eq!(served(&code), None);

    // Signed a second later: within one second the same operation signs to
    // the same bytes, which the replay memory refuses.
    let again = edge().send(&signed_at(
        "DELETE",
        &path_of(&code),
        Vec::new(),
        now_s() + 1,
    ));
    assert_eq!(
        (again.status, results(&again)),
        (
            200,
            vec![(target(DEFAULT_HOST, &code), "deleted".to_owned())]
        ),
        "deleting what is not there is idempotent"
    );
}

#[test]
fn unsigned_wrongly_signed_tampered_and_stale_puts_are_refused_and_change_nothing() {
    let live = unique_code("auth");
    publish(
        edge(),
        &versioned(&live, 1, "https://shop.example/original"),
    );
    let absent = unique_code("auth-new");

    for code in [&live, &absent] {
        let path = path_of(code);
        let body = versioned(code, 2, "https://evil.example/takeover").encode();
        let now = now_s();
        let good = |ts: i64| signature(SECRET, "PUT", &path, ts, &body);
        let attempts: Vec<(&str, Request, &str)> = vec![
            (
                "unsigned",
                Request::new("PUT", &path).body(body.clone()),
                "unauthorized",
            ),
            (
                "no timestamp",
                Request::new("PUT", &path)
                    .header(signing::SIGNATURE_HEADER, good(now))
                    .body(body.clone()),
                "unauthorized",
            ),
            (
                "non-numeric timestamp",
                Request::new("PUT", &path)
                    .header(signing::TIMESTAMP_HEADER, "soon")
                    .header(signing::SIGNATURE_HEADER, good(now))
                    .body(body.clone()),
                "unauthorized",
            ),
            (
                "malformed signature",
                with_signature("PUT", &path, body.clone(), now, "v1=zz"),
                "unauthorized",
            ),
            (
                "another scheme",
                with_signature(
                    "PUT",
                    &path,
                    body.clone(),
                    now,
                    &good(now).replacen("v1=", "v2=", 1),
                ),
                "unauthorized",
            ),
            (
                "wrong secret",
                with_signature(
                    "PUT",
                    &path,
                    body.clone(),
                    now,
                    &signature(
                        "not-the-edge-secret-0123456789abcdef",
                        "PUT",
                        &path,
                        now,
                        &body,
                    ),
                ),
                "unauthorized",
            ),
            (
                "tampered body",
                with_signature(
                    "PUT",
                    &path,
                    body.clone(),
                    now,
                    &signature(
                        SECRET,
                        "PUT",
                        &path,
                        now,
                        &versioned(code, 2, "https://shop.example/harmless").encode(),
                    ),
                ),
                "unauthorized",
            ),
            (
                "signed for another path",
                with_signature(
                    "PUT",
                    &path,
                    body.clone(),
                    now,
                    &signature(SECRET, "PUT", &path_of(&unique_code("x")), now, &body),
                ),
                "unauthorized",
            ),
            (
                "signed for another method",
                with_signature(
                    "PUT",
                    &path,
                    body.clone(),
                    now,
                    &signature(SECRET, "POST", &path, now, &body),
                ),
                "unauthorized",
            ),
            (
                "signed at another time",
                with_signature("PUT", &path, body.clone(), now, &good(now - 1)),
                "unauthorized",
            ),
            (
                "400 s old",
                signed_at("PUT", &path, body.clone(), now - 400),
                "stale_request",
            ),
            (
                "400 s ahead",
                signed_at("PUT", &path, body.clone(), now + 400),
                "stale_request",
            ),
        ];
        let expected = served(code);
        for (what, request, error) in attempts {
            let response = edge().send(&request);
            assert_eq!(
                response.status,
                401,
                "{what} on {code}: {}",
                response.text()
            );
            assert_error(&response, 401, error);
            assert_eq!(served(code), expected, "{what} changed {code}");
        }
        let unsigned_delete = edge().send(&Request::new("DELETE", &path));
        assert_error(&unsigned_delete, 401, "unauthorized");
        assert_eq!(served(code), expected, "an unsigned delete changed {code}");
    }
    assert_eq!(
        served(&live).as_deref(),
        Some("https://shop.example/original")
    );
    assert_eq!(served(&absent), None);
}

#[test]
fn a_signed_request_works_once_and_its_replay_is_refused() {
    let code = unique_code("replay");
    let request = put_request(
        DEFAULT_HOST,
        &versioned(&code, 1, "https://shop.example/v1"),
    );
    let first = edge().send(&request);
    assert_eq!(first.status, 200, "{}", first.text());

    let replay = edge().send(&request);
    assert_error(&replay, 401, "replayed_request");
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/v1"));
}

#[test]
fn a_replayed_old_put_cannot_revert_a_newer_record() {
    let code = unique_code("revert");
    let path = path_of(&code);
    let old_body = versioned(&code, 1, "https://shop.example/old").encode();
    let ts = now_s();
    let old_signature = signature(SECRET, "PUT", &path, ts, &old_body);
    let old = with_signature("PUT", &path, old_body.clone(), ts, &old_signature);
    assert_eq!(edge().send(&old).status, 200);
    publish(edge(), &versioned(&code, 2, "https://shop.example/new"));

    assert_error(&edge().send(&old), 401, "replayed_request");
    let re_cased_old = with_signature("PUT", &path, old_body, ts, &re_cased(&old_signature));
    assert_error(&edge().send(&re_cased_old), 401, "replayed_request");
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/new"));
}

#[test]
fn a_re_cased_signature_is_still_a_replay() {
    let code = unique_code("recase");
    let path = path_of(&code);
    let ts = now_s();
    let delete_signature = signature(SECRET, "DELETE", &path, ts, b"");
    let delete_request = with_signature("DELETE", &path, Vec::new(), ts, &delete_signature);
    publish(edge(), &versioned(&code, 1, "https://shop.example/first"));
    assert_eq!(edge().send(&delete_request).status, 200);
    assert_eq!(served(&code), None);

    // Republished: replaying the captured delete would take it down again,
    // and deletes carry no version for last-writer-wins to compare.
    publish(edge(), &versioned(&code, 2, "https://shop.example/back"));
    let upper = with_signature(
        "DELETE",
        &path,
        Vec::new(),
        ts,
        &re_cased(&delete_signature),
    );
    assert_error(&edge().send(&upper), 401, "replayed_request");
    assert_error(&edge().send(&delete_request), 401, "replayed_request");
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/back"));

    // The same for a PUT, which would otherwise be accepted as an equal
    // version: the upper-cased copy is refused before any write.
    let body = versioned(&code, 3, "https://shop.example/third").encode();
    let put_signature = signature(SECRET, "PUT", &path, ts, &body);
    let put = with_signature("PUT", &path, body.clone(), ts, &put_signature);
    assert_eq!(edge().send(&put).status, 200);
    publish(
        edge(),
        &versioned(&code, 3, "https://shop.example/third-fixed"),
    );
    let upper_put = with_signature("PUT", &path, body, ts, &re_cased(&put_signature));
    assert_error(&edge().send(&upper_put), 401, "replayed_request");
    assert_eq!(
        served(&code).as_deref(),
        Some("https://shop.example/third-fixed")
    );
}

#[test]
fn last_writer_wins_by_version_and_equal_versions_rewrite() {
    let code = unique_code("lww");
    let v5 = edge().send(&put_request(
        DEFAULT_HOST,
        &versioned(&code, 5, "https://shop.example/v5"),
    ));
    assert_eq!(v5.status, 200);

    let v3 = edge().send(&put_request(
        DEFAULT_HOST,
        &versioned(&code, 3, "https://shop.example/v3"),
    ));
    assert_eq!(v3.status, 409, "{}", v3.text());
    assert_eq!(
        results(&v3),
        vec![(target(DEFAULT_HOST, &code), "stale".to_owned())]
    );
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/v5"));

    let same = edge().send(&put_request(
        DEFAULT_HOST,
        &versioned(&code, 5, "https://shop.example/v5-again"),
    ));
    assert_eq!(same.status, 200, "{}", same.text());
    assert_eq!(
        results(&same),
        vec![(target(DEFAULT_HOST, &code), "written".to_owned())]
    );
    assert_eq!(
        served(&code).as_deref(),
        Some("https://shop.example/v5-again")
    );

    let v6 = edge().send(&put_request(
        DEFAULT_HOST,
        &versioned(&code, 6, "https://shop.example/v6"),
    ));
    assert_eq!(v6.status, 200);
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/v6"));
}

#[test]
fn a_batch_applies_all_its_puts_and_deletes() {
    let (a, b, c, gone) = (
        unique_code("batch-a"),
        unique_code("batch-b"),
        unique_code("batch-c"),
        unique_code("batch-gone"),
    );
    publish(edge(), &redirect(&gone, "https://shop.example/gone"));
    let put = |code: &ShortCode, on_host: &str| PublishOp::Put {
        host: host(on_host),
        code: code.clone(),
        record: redirect(code, &format!("https://shop.example/{code}")).encode(),
    };
    let batch = PublishBatch {
        ops: vec![
            put(&a, DEFAULT_HOST),
            put(&b, "localhost"),
            put(&c, CUSTOM_HOST),
            PublishOp::Delete {
                host: host(DEFAULT_HOST),
                code: gone.clone(),
            },
        ],
    };
    let response = publish_batch(edge(), &batch);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        results(&response),
        vec![
            (target(DEFAULT_HOST, &a), "written".to_owned()),
            (target(DEFAULT_HOST, &b), "written".to_owned()),
            (target(CUSTOM_HOST, &c), "written".to_owned()),
            (target(DEFAULT_HOST, &gone), "deleted".to_owned()),
        ]
    );
    assert_eq!(served(&a), Some(format!("https://shop.example/{a}")));
    assert_eq!(served(&b), Some(format!("https://shop.example/{b}")));
    assert_eq!(
        served_on(CUSTOM_HOST, &c),
        Some(format!("https://shop.example/{c}"))
    );
    assert_eq!(served(&c), None, "c lives on the custom host only");
    assert_eq!(served(&gone), None);

    let resent = edge().send(&signed_at(
        "POST",
        RECORDS_PATH,
        batch.encode(),
        now_s() + 1,
    ));
    assert_eq!(
        resent.status,
        200,
        "a freshly signed resend of the same batch is idempotent: {}",
        resent.text()
    );
    assert_eq!(served(&gone), None);
}

#[test]
fn a_batch_with_one_invalid_record_writes_nothing_and_names_the_operation() {
    let (a, b, c, kept, other) = (
        unique_code("bad-a"),
        unique_code("bad-b"),
        unique_code("bad-c"),
        unique_code("bad-kept"),
        unique_code("bad-other"),
    );
    publish(edge(), &redirect(&kept, "https://shop.example/kept"));
    let put = |code: &ShortCode, record: &LinkRecord| PublishOp::Put {
        host: host(DEFAULT_HOST),
        code: code.clone(),
        record: record.encode(),
    };
    let batch = PublishBatch {
        ops: vec![
            put(&a, &redirect(&a, "https://shop.example/a")),
            put(&b, &redirect(&other, "https://shop.example/other")),
            put(&c, &redirect(&c, "https://shop.example/c")),
            PublishOp::Delete {
                host: host(DEFAULT_HOST),
                code: kept.clone(),
            },
        ],
    };
    let response = publish_batch(edge(), &batch);
    assert_error(&response, 400, "invalid_record");
    let message = response.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("operation 1"), "{message}");
    for code in [&a, &b, &c, &other] {
        assert_eq!(served(code), None, "{code} was written by a refused batch");
    }
    assert_eq!(
        served(&kept).as_deref(),
        Some("https://shop.example/kept"),
        "the refused batch's delete ran"
    );

    let mut garbage = batch.clone();
    garbage.ops[2] = PublishOp::Put {
        host: host(DEFAULT_HOST),
        code: c.clone(),
        record: b"not a record".to_vec(),
    };
    garbage.ops[1] = put(&b, &redirect(&b, "https://shop.example/b"));
    let response = publish_batch(edge(), &garbage);
    assert_error(&response, 400, "invalid_record");
    let message = response.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("operation 2"), "{message}");
    for code in [&a, &b, &c] {
        assert_eq!(served(code), None, "{code} was written by a refused batch");
    }
    assert_eq!(served(&kept).as_deref(), Some("https://shop.example/kept"));
}

#[test]
fn batches_that_are_not_batches_are_refused() {
    for (what, body) in [
        ("empty body", Vec::new()),
        ("unknown format version", vec![9, 1, 2, 3]),
        ("corrupt", vec![1, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ("no operations", PublishBatch::default().encode()),
        (
            "a record, not a batch",
            redirect(&unique_code("nb"), "https://shop.example/").encode(),
        ),
    ] {
        let response = edge().send(&signed("POST", RECORDS_PATH, body));
        assert_eq!(response.status, 400, "{what}: {}", response.text());
        assert_error(&response, 400, "invalid_record");
    }
    let unsigned = edge().send(
        &Request::new("POST", RECORDS_PATH).body(
            PublishBatch {
                ops: vec![PublishOp::Delete {
                    host: host(DEFAULT_HOST),
                    code: unique_code("nb"),
                }],
            }
            .encode(),
        ),
    );
    assert_error(&unsigned, 401, "unauthorized");
}

#[test]
fn in_a_batch_an_older_version_is_reported_stale_and_the_rest_is_written() {
    let (kept, fresh) = (unique_code("bstale"), unique_code("bfresh"));
    publish(edge(), &versioned(&kept, 9, "https://shop.example/v9"));
    let batch = PublishBatch {
        ops: vec![
            PublishOp::Put {
                host: host(DEFAULT_HOST),
                code: kept.clone(),
                record: versioned(&kept, 8, "https://shop.example/v8").encode(),
            },
            PublishOp::Put {
                host: host(DEFAULT_HOST),
                code: fresh.clone(),
                record: versioned(&fresh, 1, "https://shop.example/fresh").encode(),
            },
        ],
    };
    let response = publish_batch(edge(), &batch);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        results(&response),
        vec![
            (target(DEFAULT_HOST, &kept), "stale".to_owned()),
            (target(DEFAULT_HOST, &fresh), "written".to_owned()),
        ]
    );
    assert_eq!(served(&kept).as_deref(), Some("https://shop.example/v9"));
    assert_eq!(
        served(&fresh).as_deref(),
        Some("https://shop.example/fresh")
    );
}

#[test]
fn a_record_on_a_custom_host_is_served_there_only() {
    let code = unique_code("custom");
    let response = edge().send(&put_request(
        CUSTOM_HOST,
        &redirect(&code, "https://shop.example/custom"),
    ));
    assert_eq!(
        results(&response),
        vec![(target(CUSTOM_HOST, &code), "written".to_owned())]
    );
    assert_eq!(
        served_on(CUSTOM_HOST, &code).as_deref(),
        Some("https://shop.example/custom")
    );
    assert_eq!(
        served_on("GO.Shop.Example:443", &code).as_deref(),
        Some("https://shop.example/custom"),
        "Host is case-insensitive and its port ignored"
    );
    for elsewhere in [DEFAULT_HOST, "localhost", "other.example", "shop.example"] {
        assert_eq!(served_on(elsewhere, &code), None, "served on {elsewhere}");
    }

    let deleted = delete(edge(), DEFAULT_HOST, &code);
    assert_eq!(deleted.status, 200);
    assert_eq!(
        served_on(CUSTOM_HOST, &code).as_deref(),
        Some("https://shop.example/custom"),
        "deleting in the default namespace leaves the custom host's record"
    );
}

#[test]
fn publishing_to_an_alias_of_the_default_host_lands_in_the_default_namespace() {
    for alias in ["localhost", "127.0.0.1"] {
        let code = unique_code("alias");
        let destination = format!("https://shop.example/{code}");
        let response = edge().send(&put_request(alias, &redirect(&code, &destination)));
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(
            results(&response),
            vec![(target(DEFAULT_HOST, &code), "written".to_owned())],
            "published via {alias}"
        );
        for on in [DEFAULT_HOST, "localhost:8787", "127.0.0.1"] {
            assert_eq!(served_on(on, &code), Some(destination.clone()), "on {on}");
        }
        assert_eq!(served_on(CUSTOM_HOST, &code), None);

        let deleted = delete(edge(), alias, &code);
        assert_eq!(
            results(&deleted),
            vec![(target(DEFAULT_HOST, &code), "deleted".to_owned())]
        );
        assert_eq!(served(&code), None);
    }
}

#[test]
fn a_put_body_that_is_not_a_valid_record_for_its_path_is_refused() {
    let code = unique_code("body");
    let other = unique_code("body-other");
    let path = path_of(&code);
    let mut no_destination = redirect(&code, "https://shop.example/");
    no_destination.destination = None;
    let mut future_format = redirect(&code, "https://shop.example/").encode();
    future_format[0] = 99;
    for (what, body) in [
        (
            "garbage",
            b"{\"destination\":\"https://evil.example\"}".to_vec(),
        ),
        ("empty", Vec::new()),
        ("truncated", {
            let mut bytes = redirect(&code, "https://shop.example/").encode();
            bytes.truncate(bytes.len() / 2);
            bytes
        }),
        ("unknown format version", future_format),
        (
            "record for another code",
            redirect(&other, "https://shop.example/other").encode(),
        ),
        ("inconsistent record", no_destination.encode()),
    ] {
        let response = edge().send(&signed("PUT", &path, body));
        assert_eq!(response.status, 400, "{what}: {}", response.text());
        assert_error(&response, 400, "invalid_record");
    }
    assert_eq!(served(&code), None);
    assert_eq!(served(&other), None);

    for bad_tail in [
        DEFAULT_HOST.to_owned(),
        format!("{DEFAULT_HOST}/"),
        format!("bad_host/{code}"),
        format!("{DEFAULT_HOST}/a"),
        format!("{DEFAULT_HOST}/{code}/extra"),
        format!("{DEFAULT_HOST}/healthz"),
    ] {
        let path = format!("{RECORDS_PATH}/{bad_tail}");
        let response = edge().send(&signed(
            "PUT",
            &path,
            redirect(&code, "https://shop.example/").encode(),
        ));
        assert_error(&response, 400, "invalid_record");
    }
    assert_eq!(served(&code), None);
}

#[test]
fn an_oversized_put_is_refused_with_413() {
    let code = unique_code("big");
    publish(edge(), &redirect(&code, "https://shop.example/small"));
    for size in [MAX_RECORD_BYTES + 1, MAX_RECORD_BYTES + 4096] {
        let response = edge().send(&signed("PUT", &path_of(&code), vec![1u8; size]));
        assert_error(&response, 413, "payload_too_large");
    }
    assert_eq!(served(&code).as_deref(), Some("https://shop.example/small"));
}

#[test]
fn wrong_methods_get_405_with_allow_and_unknown_internal_paths_a_json_404() {
    let code = unique_code("method");
    let one = path_of(&code);
    for (method, path, allow) in [
        ("GET", one.as_str(), "PUT, DELETE"),
        ("HEAD", one.as_str(), "PUT, DELETE"),
        ("POST", one.as_str(), "PUT, DELETE"),
        ("PATCH", one.as_str(), "PUT, DELETE"),
        ("GET", RECORDS_PATH, "POST"),
        ("PUT", RECORDS_PATH, "POST"),
        ("DELETE", RECORDS_PATH, "POST"),
    ] {
        let request = if method == "PUT" || method == "POST" {
            signed(method, path, Vec::new())
        } else {
            Request::new(method, path)
        };
        let response = edge().send(&request);
        assert_eq!(response.status, 405, "{method} {path}: {}", response.text());
        assert_eq!(response.header("allow"), Some(allow), "{method} {path}");
        if method != "HEAD" {
            assert_error(&response, 405, "method_not_allowed");
        }
    }

    for (method, path) in [
        ("GET", "/_scanly/nothing"),
        ("PUT", "/_scanly/nothing"),
        ("POST", "/_scanly/records-and-more"),
        ("GET", "/_scanly/"),
    ] {
        let response = edge().send(&signed(method, path, Vec::new()));
        assert_error(&response, 404, "not_found");
    }
    assert_eq!(served(&code), None);
}
