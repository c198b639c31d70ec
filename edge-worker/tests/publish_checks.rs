//! The publish channel's pure checks: who may write (signature, time
//! window, replay key), what is written where (`single`, `batch`), and how
//! the outcome is reported (`is_older_than_stored`, `outcome`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use scanly_edge::config::EdgeConfig;
use scanly_edge::http::{EdgeResponse, Method, RequestFacts};
use scanly_edge::publish::{KvWrite, authenticate, batch, is_older_than_stored, outcome, single};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::publish::{MAX_BATCH_OPS, PublishBatch, PublishOp, record_path};
use scanly_shared::signing::{self, MAX_CLOCK_SKEW_SECONDS};
use scanly_shared::{Destination, Hostname, LinkRecord, ShortCode};

const NOW_S: i64 = 1_795_176_000;
const SECRET: &[u8] = b"publish-secret-current-0123456789";
const PREVIOUS_SECRET: &[u8] = b"publish-secret-previous-987654321";

// ---------------------------------------------------------------- helpers

fn host(name: &str) -> Hostname {
    Hostname::parse(name).unwrap()
}

fn code(code: &str) -> ShortCode {
    ShortCode::parse(code).unwrap()
}

/// `scn.ly` is canonical; the Worker's own hosts are aliases of it.
fn config() -> EdgeConfig {
    EdgeConfig {
        dev_mode: false,
        default_hosts: vec![
            host("scn.ly"),
            host("scanly-edge.workers.dev"),
            host("localhost"),
        ],
        ingest_url: None,
        secrets: vec![SECRET.to_vec(), PREVIOUS_SECRET.to_vec()],
    }
}

fn record(for_code: &str, version: u64) -> LinkRecord {
    LinkRecord {
        version,
        ..LinkRecord::redirect(
            LinkId::parse("lnk_menu").unwrap(),
            WorkspaceId::parse("ws_cafe").unwrap(),
            code(for_code),
            Destination::parse("https://shop.test/menu").unwrap(),
        )
    }
}

/// A signed request as the control plane sends it.
struct Signed {
    method: Method,
    path: String,
    body: Vec<u8>,
    timestamp: String,
    signature: String,
}

fn signed_with(secret: &[u8], method: Method, path: &str, body: &[u8], at: i64) -> Signed {
    Signed {
        method,
        path: path.to_owned(),
        body: body.to_vec(),
        timestamp: at.to_string(),
        signature: signing::sign(secret, method.as_str(), path, at, body).unwrap(),
    }
}

fn signed_put(body: &[u8]) -> Signed {
    signed_with(
        SECRET,
        Method::Put,
        "/_scanly/records/scn.ly/menu",
        body,
        NOW_S,
    )
}

/// `authenticate` on what arrived, checked at `now_s`.
fn check_at(config: &EdgeConfig, request: &Signed, now_s: i64) -> Result<String, EdgeResponse> {
    let facts = RequestFacts {
        method: request.method.as_str(),
        timestamp: &request.timestamp,
        signature: &request.signature,
        ..Default::default()
    };
    authenticate(
        config,
        &facts,
        request.method,
        &request.path,
        &request.body,
        now_s,
    )
}

fn check(request: &Signed) -> Result<String, EdgeResponse> {
    check_at(&config(), request, NOW_S)
}

fn json(response: &EdgeResponse) -> serde_json::Value {
    assert_eq!(
        response.header_value("content-type"),
        Some("application/json")
    );
    serde_json::from_slice(&response.body).unwrap()
}

/// Status and `error.code` of a refusal.
fn refusal(result: Result<impl std::fmt::Debug, EdgeResponse>) -> (u16, String) {
    let response = result.expect_err("the request should be refused");
    let body = json(&response);
    (
        response.status,
        body["error"]["code"].as_str().unwrap().to_owned(),
    )
}

fn error_message(result: Result<impl std::fmt::Debug, EdgeResponse>) -> String {
    let response = result.expect_err("the request should be refused");
    json(&response)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn unauthorized() -> (u16, String) {
    (401, "unauthorized".to_owned())
}

fn invalid_record() -> (u16, String) {
    (400, "invalid_record".to_owned())
}

// ---------------------------------------------------------------- authenticate

#[test]
fn a_correctly_signed_request_is_accepted_with_its_replay_key() {
    let request = signed_put(b"record bytes");
    let replay_key = check(&request).unwrap();
    assert_eq!(replay_key, format!("replay:{}", request.signature));
    assert!(replay_key.starts_with("replay:v1="));
}

#[test]
fn surrounding_whitespace_does_not_change_the_replay_key() {
    let request = signed_put(b"record bytes");
    let padded = Signed {
        signature: format!("  {} ", request.signature),
        timestamp: format!(" {} ", request.timestamp),
        ..signed_put(b"record bytes")
    };
    assert_eq!(check(&padded).unwrap(), check(&request).unwrap());
}

#[test]
fn a_recased_signature_has_the_same_replay_key() {
    let request = signed_put(b"record bytes");
    let original = check(&request).unwrap();
    let recased = Signed {
        signature: format!(
            "v1={}",
            request
                .signature
                .strip_prefix("v1=")
                .unwrap()
                .to_ascii_uppercase()
        ),
        ..signed_put(b"record bytes")
    };
    assert_ne!(recased.signature, request.signature);
    match check(&recased) {
        Ok(key) => assert_eq!(key, original, "the same signature, another replay key"),
        Err(response) => assert_eq!(response.status, 401),
    }
}

#[test]
fn the_previous_secret_still_verifies_during_a_rotation() {
    let request = signed_with(
        PREVIOUS_SECRET,
        Method::Put,
        "/_scanly/records/scn.ly/menu",
        b"x",
        NOW_S,
    );
    assert_eq!(
        check(&request).unwrap(),
        format!("replay:{}", request.signature)
    );
    let after_rotation = EdgeConfig {
        secrets: vec![SECRET.to_vec()],
        ..config()
    };
    assert_eq!(
        refusal(check_at(&after_rotation, &request, NOW_S)),
        unauthorized(),
        "once the previous secret is dropped it no longer verifies"
    );
}

#[test]
fn an_unsigned_request_is_unauthorized() {
    let valid = signed_put(b"x");
    let cases = [
        ("no headers", String::new(), String::new()),
        ("no signature", valid.timestamp.clone(), String::new()),
        ("no timestamp", String::new(), valid.signature.clone()),
        (
            "timestamp not a number",
            "soon".to_owned(),
            valid.signature.clone(),
        ),
        (
            "signature not hex",
            valid.timestamp.clone(),
            "v1=not-hex".to_owned(),
        ),
        (
            "unknown scheme",
            valid.timestamp.clone(),
            valid.signature.replacen("v1=", "v2=", 1),
        ),
    ];
    for (name, timestamp, signature) in cases {
        let request = Signed {
            timestamp,
            signature,
            ..signed_put(b"x")
        };
        assert_eq!(refusal(check(&request)), unauthorized(), "{name}");
    }
}

#[test]
fn a_request_signed_with_another_secret_is_unauthorized() {
    let request = signed_with(
        b"someone-elses-secret",
        Method::Put,
        "/_scanly/records/scn.ly/menu",
        b"x",
        NOW_S,
    );
    assert_eq!(refusal(check(&request)), unauthorized());
}

#[test]
fn a_tampered_body_is_unauthorized() {
    let request = Signed {
        body: b"record bytes, edited".to_vec(),
        ..signed_put(b"record bytes")
    };
    assert_eq!(refusal(check(&request)), unauthorized());
}

#[test]
fn a_tampered_path_or_method_is_unauthorized() {
    for path in [
        "/_scanly/records/scn.ly/menu2",
        "/_scanly/records/go.shop.example/menu",
        "/_scanly/records/scn.ly/menu?force=1",
    ] {
        let request = Signed {
            path: path.to_owned(),
            ..signed_put(b"x")
        };
        assert_eq!(refusal(check(&request)), unauthorized(), "{path}");
    }
    let as_delete = Signed {
        method: Method::Delete,
        ..signed_put(b"x")
    };
    assert_eq!(refusal(check(&as_delete)), unauthorized());
}

#[test]
fn a_signature_for_another_timestamp_is_unauthorized() {
    let request = Signed {
        timestamp: (NOW_S + 1).to_string(),
        ..signed_put(b"x")
    };
    assert_eq!(refusal(check(&request)), unauthorized());
}

#[test]
fn requests_outside_the_five_minute_window_are_stale() {
    assert_eq!(MAX_CLOCK_SKEW_SECONDS, 300);
    let request = signed_put(b"x");
    for now in [NOW_S - 300, NOW_S + 300] {
        assert!(check_at(&config(), &request, now).is_ok(), "{now}");
    }
    for now in [NOW_S - 301, NOW_S + 301, NOW_S + 86_400, 0] {
        assert_eq!(
            refusal(check_at(&config(), &request, now)),
            (401, "stale_request".to_owned()),
            "now = {now}"
        );
    }
}

#[test]
fn an_edge_without_a_secret_refuses_every_request() {
    let unconfigured = EdgeConfig {
        secrets: Vec::new(),
        ..config()
    };
    assert_eq!(
        refusal(check_at(&unconfigured, &signed_put(b"x"), NOW_S)),
        (401, "not_configured".to_owned())
    );
}

// ---------------------------------------------------------------- single

#[test]
fn a_put_on_a_custom_domain_writes_its_own_namespace() {
    let bytes = record("menu", 7).encode();
    let write = single(&config(), Method::Put, "go.shop.example/menu", &bytes).unwrap();
    assert_eq!(
        write,
        KvWrite::Put {
            key: "link:go.shop.example/menu".to_owned(),
            target: "go.shop.example/menu".to_owned(),
            version: 7,
            record: bytes,
        }
    );
    assert_eq!(write.target(), "go.shop.example/menu");
}

#[test]
fn a_put_on_an_alias_of_the_default_host_writes_the_canonical_namespace() {
    let bytes = record("menu", 1).encode();
    for tail in [
        "scn.ly/menu",
        "SCN.LY/menu",
        "scanly-edge.workers.dev/menu",
        "localhost:8787/menu",
    ] {
        let write = single(&config(), Method::Put, tail, &bytes).unwrap();
        let KvWrite::Put { key, target, .. } = &write else {
            panic!("{tail}: expected a put, got {write:?}");
        };
        assert_eq!(key, "link:scn.ly/menu", "{tail}");
        assert_eq!(target, "scn.ly/menu", "{tail}");
    }
}

#[test]
fn the_record_path_the_control_plane_builds_is_accepted() {
    let path = record_path(&host("go.shop.example"), &code("Menu_1"));
    let tail = path.strip_prefix("/_scanly/records/").unwrap();
    let bytes = record("Menu_1", 1).encode();
    let write = single(&config(), Method::Put, tail, &bytes).unwrap();
    assert_eq!(write.target(), "go.shop.example/Menu_1");
}

#[test]
fn a_record_for_another_code_is_refused() {
    for stored_code in ["other", "Menu"] {
        let bytes = record(stored_code, 1).encode();
        let result = single(&config(), Method::Put, "scn.ly/menu", &bytes);
        let message = error_message(result.clone());
        assert_eq!(refusal(result), invalid_record(), "{stored_code}");
        assert!(message.contains(stored_code), "{message}");
    }
}

#[test]
fn a_body_that_is_not_a_record_is_refused() {
    let valid = record("menu", 1).encode();
    let bodies: [(&str, Vec<u8>); 4] = [
        ("empty", Vec::new()),
        ("text", b"{\"code\":\"menu\"}".to_vec()),
        ("truncated", valid[..valid.len() / 2].to_vec()),
        ("unknown format", [&[42u8][..], &valid[1..]].concat()),
    ];
    for (name, body) in bodies {
        assert_eq!(
            refusal(single(&config(), Method::Put, "scn.ly/menu", &body)),
            invalid_record(),
            "{name}"
        );
    }
}

#[test]
fn a_record_that_fails_validation_is_refused() {
    let no_scans_allowed = LinkRecord {
        max_scans: Some(0),
        ..record("menu", 1)
    };
    let result = single(
        &config(),
        Method::Put,
        "scn.ly/menu",
        &no_scans_allowed.encode(),
    );
    assert!(error_message(result.clone()).contains("max_scans"));
    assert_eq!(refusal(result), invalid_record());
}

#[test]
fn a_delete_removes_the_namespaced_key_whatever_the_body() {
    for body in [&b""[..], b"ignored"] {
        let write = single(&config(), Method::Delete, "localhost/menu", body).unwrap();
        assert_eq!(
            write,
            KvWrite::Delete {
                key: "link:scn.ly/menu".to_owned(),
                target: "scn.ly/menu".to_owned(),
            }
        );
    }
    let custom = single(&config(), Method::Delete, "go.shop.example/menu", b"").unwrap();
    assert_eq!(custom.target(), "go.shop.example/menu");
}

#[test]
fn malformed_record_paths_are_refused() {
    let bytes = record("menu", 1).encode();
    for tail in [
        "",
        "scn.ly",
        "scn.ly/",
        "/menu",
        "scn.ly/..",
        "../scn.ly/menu",
        "scn.ly/menu/extra",
        "scn.ly/ab",
        "scn.ly/api",
        "scn.ly/me%6Eu",
        "bad host/menu",
        "-scn.ly/menu",
        "scn.ly:http/menu",
    ] {
        for method in [Method::Put, Method::Delete] {
            let result = single(&config(), method, tail, &bytes);
            assert_eq!(
                refusal(result),
                invalid_record(),
                "{} {tail:?}",
                method.as_str()
            );
        }
    }
}

// ---------------------------------------------------------------- batch

fn put_op(host_name: &str, record: &LinkRecord) -> PublishOp {
    PublishOp::Put {
        host: host(host_name),
        code: record.code.clone(),
        record: record.encode(),
    }
}

fn delete_op(host_name: &str, code_str: &str) -> PublishOp {
    PublishOp::Delete {
        host: host(host_name),
        code: code(code_str),
    }
}

fn batch_of(ops: Vec<PublishOp>) -> Vec<u8> {
    PublishBatch { ops }.encode()
}

#[test]
fn a_batch_yields_every_write_in_order() {
    let menu = record("menu", 3);
    let writes = batch(
        &config(),
        &batch_of(vec![
            put_op("go.shop.example", &menu),
            delete_op("localhost", "old"),
        ]),
    )
    .unwrap();
    assert_eq!(
        writes,
        vec![
            KvWrite::Put {
                key: "link:go.shop.example/menu".to_owned(),
                target: "go.shop.example/menu".to_owned(),
                version: 3,
                record: menu.encode(),
            },
            KvWrite::Delete {
                key: "link:scn.ly/old".to_owned(),
                target: "scn.ly/old".to_owned(),
            },
        ]
    );
}

#[test]
fn one_bad_operation_refuses_the_whole_batch_naming_its_index() {
    let wrong_code = PublishOp::Put {
        host: host("scn.ly"),
        code: code("menu"),
        record: record("other", 1).encode(),
    };
    let body = batch_of(vec![
        put_op("scn.ly", &record("good", 1)),
        delete_op("scn.ly", "gone"),
        wrong_code,
        put_op("scn.ly", &record("fine", 1)),
    ]);
    let result = batch(&config(), &body);
    let message = error_message(result.clone());
    assert!(message.starts_with("operation 2: "), "{message}");
    assert_eq!(refusal(result), invalid_record());

    let garbage_record = PublishOp::Put {
        host: host("scn.ly"),
        code: code("menu"),
        record: vec![1, 0xff, 0xff],
    };
    let body = batch_of(vec![garbage_record]);
    let message = error_message(batch(&config(), &body));
    assert!(message.starts_with("operation 0: "), "{message}");
}

#[test]
fn a_batch_that_does_not_decode_is_refused() {
    let delete = delete_op("scn.ly", "menu");
    let too_many = batch_of(vec![delete.clone(); MAX_BATCH_OPS + 1]);
    let valid = batch_of(vec![delete]);
    let bodies: [(&str, Vec<u8>); 6] = [
        ("empty body", Vec::new()),
        ("text", b"{\"ops\":[]}".to_vec()),
        ("no operations", batch_of(Vec::new())),
        ("too many operations", too_many),
        ("unknown format", [&[9u8][..], &valid[1..]].concat()),
        ("truncated", valid[..valid.len() - 2].to_vec()),
    ];
    for (name, body) in bodies {
        assert_eq!(refusal(batch(&config(), &body)), invalid_record(), "{name}");
    }
}

#[test]
fn a_full_batch_is_accepted() {
    let ops = (0..MAX_BATCH_OPS)
        .map(|i| delete_op("scn.ly", &format!("code{i}")))
        .collect();
    let writes = batch(&config(), &batch_of(ops)).unwrap();
    assert_eq!(writes.len(), MAX_BATCH_OPS);
    assert_eq!(writes[99].target(), "scn.ly/code99");
}

// ---------------------------------------------------------------- last writer wins

#[test]
fn an_older_version_never_overwrites_a_newer_one() {
    let stored = record("menu", 5).encode();
    assert!(is_older_than_stored(4, Some(&stored)));
    assert!(is_older_than_stored(0, Some(&stored)));
}

#[test]
fn equal_and_newer_versions_are_written() {
    let stored = record("menu", 5).encode();
    assert!(
        !is_older_than_stored(5, Some(&stored)),
        "republishing is idempotent"
    );
    assert!(!is_older_than_stored(6, Some(&stored)));
    assert!(!is_older_than_stored(u64::MAX, Some(&stored)));
}

#[test]
fn nothing_or_garbage_stored_is_always_overwritten() {
    assert!(!is_older_than_stored(1, None));
    assert!(!is_older_than_stored(1, Some(b"")));
    assert!(!is_older_than_stored(1, Some(&[1, 0xff, 0xff])));
}

// ---------------------------------------------------------------- outcome

#[test]
fn a_single_stale_write_is_a_conflict() {
    let response = outcome(&[("scn.ly/menu", "stale")]);
    assert_eq!(response.status, 409);
    assert_eq!(
        json(&response),
        serde_json::json!({ "results": [{ "target": "scn.ly/menu", "status": "stale" }] })
    );
    assert_eq!(response.header_value("cache-control"), Some("no-store"));
}

#[test]
fn a_single_write_or_delete_is_ok() {
    for status in ["written", "deleted"] {
        let response = outcome(&[("scn.ly/menu", status)]);
        assert_eq!(response.status, 200, "{status}");
        assert_eq!(json(&response)["results"][0]["status"], status);
    }
}

#[test]
fn a_batch_reports_each_target_in_order_even_when_some_were_stale() {
    let response = outcome(&[
        ("scn.ly/a", "written"),
        ("go.shop.example/b", "stale"),
        ("scn.ly/c", "deleted"),
    ]);
    assert_eq!(response.status, 200);
    assert_eq!(
        json(&response),
        serde_json::json!({ "results": [
            { "target": "scn.ly/a", "status": "written" },
            { "target": "go.shop.example/b", "status": "stale" },
            { "target": "scn.ly/c", "status": "deleted" },
        ] })
    );
    let all_stale = outcome(&[("scn.ly/a", "stale"), ("scn.ly/b", "stale")]);
    assert_eq!(all_stale.status, 200);
}
