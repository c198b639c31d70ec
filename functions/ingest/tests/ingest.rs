//! `POST /internal/scans` in-process (tower `oneshot`), on a memory queue
//! or a queue that refuses, with a fixed clock.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use scanly_analytics::wire;
use scanly_ingest::queue::memory::MemoryQueue;
use scanly_ingest::queue::{QueueError, Received, ScanQueue};
use scanly_ingest::{IngestState, router};
use scanly_shared::event::{
    EventId, SCAN_EVENT_SCHEMA_VERSION, ScanEvent, ScanSource, VisitorHash,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::signing;
use scanly_shared::ua::{Browser, DeviceType, Os};
use scanly_shared::{CountryCode, LanguageTag, ShortCode};
use serde_json::{Value, json};
use tower::ServiceExt;

const SECRET: &[u8] = b"ingest-tests-signing-secret-0123456789";
const PREVIOUS: &[u8] = b"ingest-tests-previous-secret-012345678";
const NOW_MS: i64 = 1_795_176_000_000;
const NOW_S: i64 = NOW_MS / 1000;
const DAY_MS: i64 = 86_400_000;
const PATH: &str = "/internal/scans";

// --- events ------------------------------------------------------------------

/// A scan as the edge would report it: the `i`th of a busy hour across a
/// few links, countries and devices.
fn scan(i: usize) -> ScanEvent {
    let countries = ["DE", "FR", "US", "JP", "BR"];
    let cities = ["Berlin", "Paris", "Austin", "Tokyo", "São Paulo"];
    let languages = ["de-DE", "fr-FR", "en-US", "ja", "pt-BR"];
    let at = NOW_MS - 3_600_000 + i64::try_from(i).unwrap() * 1_000;
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&(i as u64).to_be_bytes());
    ScanEvent {
        schema: SCAN_EVENT_SCHEMA_VERSION,
        id: EventId::new(at, random),
        link_id: LinkId::parse(&format!("lnk_{}", i % 7)).unwrap(),
        workspace_id: WorkspaceId::parse("ws_corner_shop").unwrap(),
        code: ShortCode::parse(&format!("menu{}", i % 7)).unwrap(),
        timestamp_ms: at,
        country: Some(CountryCode::parse(countries[i % 5]).unwrap()),
        region: Some(format!("Region {}", i % 5)),
        city: Some(cities[i % 5].into()),
        colo: Some("FRA".into()),
        device: DeviceType::ALL[i % DeviceType::ALL.len()],
        os: Os::ALL[i % Os::ALL.len()],
        browser: Browser::ALL[i % Browser::ALL.len()],
        referrer_host: i.is_multiple_of(3).then(|| "l.instagram.com".to_owned()),
        language: Some(LanguageTag::parse(languages[i % 5]).unwrap()),
        variant: i.is_multiple_of(2).then(|| "a".to_owned()),
        source: if i.is_multiple_of(4) {
            ScanSource::Link
        } else {
            ScanSource::Qr
        },
        bot: i % 50 == 49,
        visitor_hash: VisitorHash::compute(
            b"edge-visitor-secret",
            at,
            &format!("203.0.113.{}", i % 250),
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)",
        ),
        max_scans: (i % 7 == 3).then_some(500),
    }
}

fn scans(n: usize) -> Vec<ScanEvent> {
    (0..n).map(scan).collect()
}

fn as_json(events: &[ScanEvent]) -> Vec<Value> {
    events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect()
}

fn batch(events: &[Value]) -> Vec<u8> {
    serde_json::to_vec(&json!({ "events": events })).unwrap()
}

// --- requests ----------------------------------------------------------------

fn post(path: &str, body: Vec<u8>, headers: &[(&str, String)]) -> Request<Body> {
    let mut request = Request::post(path).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.body(Body::from(body)).unwrap()
}

fn signature_headers(
    secret: &[u8],
    path: &str,
    timestamp: i64,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let signature = signing::sign(secret, "POST", path, timestamp, body).unwrap();
    vec![
        (signing::TIMESTAMP_HEADER, timestamp.to_string()),
        (signing::SIGNATURE_HEADER, signature),
    ]
}

/// A batch of `events` signed as the edge signs it, now.
fn signed_post(events: &[Value]) -> Request<Body> {
    signed_body(batch(events))
}

fn signed_body(body: Vec<u8>) -> Request<Body> {
    let headers = signature_headers(SECRET, PATH, NOW_S, &body);
    post(PATH, body, &headers)
}

fn app_on(queue: Arc<dyn ScanQueue>) -> Router {
    let state =
        IngestState::new(vec![SECRET.to_vec(), PREVIOUS.to_vec()], queue).with_clock(|| NOW_MS);
    router(state)
}

fn app() -> (Router, MemoryQueue) {
    let queue = MemoryQueue::new();
    (app_on(Arc::new(queue.clone())), queue)
}

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON ({status}): {}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

/// Every event in the queue, decoded, in the order sent.
fn queued_events(queue: &MemoryQueue) -> Vec<ScanEvent> {
    queue
        .bodies()
        .iter()
        .flat_map(|body| wire::decode(body).unwrap())
        .collect()
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
}

// --- accepted ----------------------------------------------------------------

#[tokio::test]
async fn a_valid_batch_is_accepted_and_enqueued_as_sent() {
    let (app, queue) = app();
    let events = scans(5);
    let (status, body) = call(&app, signed_post(&as_json(&events))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "accepted": 5,
            "rejected": 0,
            "results": (0..5).map(|i| json!({"index": i, "status": "accepted"})).collect::<Vec<_>>(),
        })
    );
    assert_eq!(queued_events(&queue), events);
}

#[tokio::test]
async fn a_hundred_realistic_events_make_one_message() {
    let (app, queue) = app();
    let events = scans(100);
    let (status, body) = call(&app, signed_post(&as_json(&events))).await;
    assert_eq!(
        (status, body["accepted"].as_u64()),
        (StatusCode::OK, Some(100))
    );
    let bodies = queue.bodies();
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].len() < 20 * 1024, "{} bytes", bodies[0].len());
    assert_eq!(wire::decode(&bodies[0]).unwrap(), events);
}

#[tokio::test]
async fn an_empty_batch_sends_nothing() {
    let (app, queue) = app();
    let (status, body) = call(&app, signed_post(&[])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"accepted": 0, "rejected": 0, "results": []}));
    assert!(queue.is_empty());
}

#[tokio::test]
async fn events_are_re_serialised_in_the_schemas_own_form() {
    let (app, queue) = app();
    // The same event, its fields in another order and spaced out.
    let event = scan(0);
    let mut fields: Vec<(String, Value)> = serde_json::to_value(&event)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
        .into_iter()
        .collect();
    fields.reverse();
    let text = format!(
        "{{ \"events\" : [ {{ {} }} ] }}",
        fields
            .iter()
            .map(|(k, v)| format!("\"{k}\" :\n {v}"))
            .collect::<Vec<_>>()
            .join(" , ")
    );
    let (status, body) = call(&app, signed_body(text.into_bytes())).await;
    assert_eq!(
        (status, body["accepted"].as_u64()),
        (StatusCode::OK, Some(1)),
        "{body}"
    );
    assert_eq!(queued_events(&queue), vec![event]);
}

// --- signatures --------------------------------------------------------------

#[tokio::test]
async fn unsigned_badly_signed_stale_or_tampered_batches_are_refused() {
    let (app, queue) = app();
    let body = batch(&as_json(&scans(3)));
    let other_secret = b"not-the-edge-secret-0123456789abcdef";
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'9').unwrap();
    tampered[at] = b'8';
    let signed = signature_headers(SECRET, PATH, NOW_S, &body);
    let cases: Vec<(&str, Request<Body>)> = vec![
        ("unsigned", post(PATH, body.clone(), &[])),
        (
            "no signature",
            post(
                PATH,
                body.clone(),
                &[(signing::TIMESTAMP_HEADER, NOW_S.to_string())],
            ),
        ),
        ("no timestamp", post(PATH, body.clone(), &signed[1..])),
        (
            "malformed signature",
            post(
                PATH,
                body.clone(),
                &[
                    (signing::TIMESTAMP_HEADER, NOW_S.to_string()),
                    (signing::SIGNATURE_HEADER, "v1=zz".into()),
                ],
            ),
        ),
        (
            "malformed timestamp",
            post(
                PATH,
                body.clone(),
                &[
                    (signing::TIMESTAMP_HEADER, "yesterday".into()),
                    signed[1].clone(),
                ],
            ),
        ),
        (
            "wrong secret",
            post(
                PATH,
                body.clone(),
                &signature_headers(other_secret, PATH, NOW_S, &body),
            ),
        ),
        (
            "stale (> 5 min old)",
            post(
                PATH,
                body.clone(),
                &signature_headers(SECRET, PATH, NOW_S - 301, &body),
            ),
        ),
        (
            "from the future (> 5 min ahead)",
            post(
                PATH,
                body.clone(),
                &signature_headers(SECRET, PATH, NOW_S + 301, &body),
            ),
        ),
        ("tampered body", post(PATH, tampered, &signed)),
        (
            "signed for another path",
            post(
                PATH,
                body.clone(),
                &signature_headers(SECRET, "/internal/other", NOW_S, &body),
            ),
        ),
        (
            "a query added after signing",
            post(&format!("{PATH}?replay=1"), body.clone(), &signed),
        ),
    ];
    for (case, request) in cases {
        let (status, answer) = call(&app, request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}: {answer}");
        assert_error(&answer, "unauthorized");
        assert!(queue.is_empty(), "{case}: nothing enqueued");
    }
}

#[tokio::test]
async fn the_signature_covers_the_query_and_tolerates_five_minutes_of_skew() {
    let (app, queue) = app();
    let body = batch(&as_json(&scans(1)));
    let with_query = format!("{PATH}?source=edge");
    let headers = signature_headers(SECRET, &with_query, NOW_S, &body);
    let (status, _) = call(&app, post(&with_query, body.clone(), &headers)).await;
    assert_eq!(status, StatusCode::OK);
    for skew in [-300, 300] {
        let headers = signature_headers(SECRET, PATH, NOW_S + skew, &body);
        let (status, _) = call(&app, post(PATH, body.clone(), &headers)).await;
        assert_eq!(status, StatusCode::OK, "{skew} s");
    }
    assert_eq!(queue.len(), 3);
}

#[tokio::test]
async fn the_previous_secret_is_still_accepted() {
    let (app, queue) = app();
    let body = batch(&as_json(&scans(2)));
    let headers = signature_headers(PREVIOUS, PATH, NOW_S, &body);
    let (status, answer) = call(&app, post(PATH, body, &headers)).await;
    assert_eq!(
        (status, answer["accepted"].as_u64()),
        (StatusCode::OK, Some(2))
    );
    assert_eq!(queued_events(&queue), scans(2));
}

// --- rejected events -----------------------------------------------------------

#[tokio::test]
async fn bad_events_are_rejected_by_index_and_the_good_ones_enqueued() {
    let (app, queue) = app();
    let good = scans(6);
    let mut events = as_json(&good);
    let mut with_ip = events[1].clone();
    with_ip["ip"] = json!("203.0.113.7");
    let mut future = scan(90);
    future.timestamp_ms = NOW_MS + 10 * 60_000;
    let mut old = scan(91);
    old.timestamp_ms = NOW_MS - 15 * DAY_MS;
    let mut bad_hash = events[2].clone();
    bad_hash["visitor_hash"] = json!("not-a-hash");
    let mut long_city = scan(92);
    long_city.city = Some("x".repeat(101));
    events.insert(1, with_ip);
    events.insert(3, serde_json::to_value(&future).unwrap());
    events.insert(4, serde_json::to_value(&old).unwrap());
    events.insert(6, bad_hash);
    events.insert(8, json!("not an event"));
    events.push(serde_json::to_value(&long_city).unwrap());
    // Now: good0, ip, good1, future, old, good2, hash, good3, string, good4, good5, city.

    let (status, body) = call(&app, signed_post(&events)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["accepted"].as_u64(), body["rejected"].as_u64()),
        (Some(6), Some(6))
    );
    let rejected = |index: usize, message: &str| json!({"index": index, "status": "rejected", "error": {"code": "invalid_event", "message": message}});
    let accepted = |index: usize| json!({"index": index, "status": "accepted"});
    assert_eq!(
        body["results"],
        json!([
            accepted(0),
            rejected(1, "ip: unknown field"),
            accepted(2),
            rejected(3, "timestamp_ms: is in the future"),
            rejected(4, "timestamp_ms: is too old to count"),
            accepted(5),
            rejected(6, "visitor_hash: must be 32 hex digits"),
            accepted(7),
            rejected(8, "event: invalid type: string, expected struct ScanEvent"),
            accepted(9),
            accepted(10),
            rejected(11, "city: at most 100 characters"),
        ])
    );
    assert_eq!(queued_events(&queue), good);
}

#[tokio::test]
async fn a_batch_of_only_bad_events_is_answered_and_sends_nothing() {
    let (app, queue) = app();
    let (status, body) = call(&app, signed_post(&[json!({}), json!(null)])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["accepted"].as_u64(), body["rejected"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(
        body["results"][0]["error"]["message"],
        "schema: is required"
    );
    assert!(queue.is_empty());
}

// --- refused bodies ------------------------------------------------------------

#[tokio::test]
async fn a_body_that_is_not_json_or_not_a_batch_is_a_400() {
    let (app, queue) = app();
    for body in [
        &b"not json"[..],
        b"",
        b"{\"events\":[",
        b"[]",
        b"{\"events\":{}}",
        b"{\"scans\":[]}",
        b"{\"events\":[],\"extra\":true}",
    ] {
        let (status, answer) = call(&app, signed_body(body.to_vec())).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(body)
        );
        assert_error(&answer, "bad_request");
    }
    assert!(queue.is_empty());
}

#[tokio::test]
async fn too_many_events_or_too_big_a_body_is_a_413() {
    let (app, queue) = app();
    let (status, answer) = call(&app, signed_post(&as_json(&scans(1_001)))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&answer, "payload_too_large");

    let (status, _) = call(&app, signed_post(&as_json(&scans(1_000)))).await;
    assert_eq!(status, StatusCode::OK, "1,000 events are allowed");
    let sent = queue.len();

    // Valid JSON, one byte over 2 MiB.
    let mut big = b"{\"events\":[]}".to_vec();
    big.resize(2 * 1024 * 1024 + 1, b' ');
    let (status, answer) = call(&app, signed_body(big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&answer, "payload_too_large");
    assert_eq!(queue.len(), sent, "nothing more enqueued");
}

#[tokio::test]
async fn other_routes_and_methods_answer_json_errors() {
    let (app, _) = app();
    let (status, body) = call(&app, Request::get(PATH).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error(&body, "method_not_allowed");
    let request = Request::post("/v1/links").body(Body::empty()).unwrap();
    let (status, body) = call(&app, request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found");
}

// --- the queue refuses ---------------------------------------------------------

/// A queue that refuses: the whole call, or only the first entry of each.
struct RefusingQueue {
    whole_call: bool,
    calls: AtomicUsize,
}

#[async_trait]
impl ScanQueue for RefusingQueue {
    async fn send(&self, bodies: &[String]) -> Result<Vec<Result<(), QueueError>>, QueueError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.whole_call {
            return Err(QueueError::Unavailable(
                "dispatch failure: connection refused (secret-internal-detail)".into(),
            ));
        }
        Ok(bodies
            .iter()
            .enumerate()
            .map(|(i, _)| {
                if i == 0 {
                    Err(QueueError::Refused {
                        code: "InternalError".into(),
                        message: "secret-internal-detail".into(),
                    })
                } else {
                    Ok(())
                }
            })
            .collect())
    }

    async fn receive(
        &self,
        _: usize,
        _: Duration,
        _: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        Ok(Vec::new())
    }

    async fn delete(&self, _: &[String]) -> Result<(), QueueError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_queue_that_refuses_makes_the_batch_a_503() {
    for whole_call in [true, false] {
        let queue = Arc::new(RefusingQueue {
            whole_call,
            calls: AtomicUsize::new(0),
        });
        let app = app_on(queue.clone());
        let (status, body) = call(&app, signed_post(&as_json(&scans(100)))).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "whole call: {whole_call}"
        );
        assert_error(&body, "queue_unavailable");
        assert!(
            !body.to_string().contains("secret-internal-detail"),
            "{body}"
        );
        assert_eq!(queue.calls.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn a_batch_of_rejected_events_never_touches_the_queue() {
    let queue = Arc::new(RefusingQueue {
        whole_call: true,
        calls: AtomicUsize::new(0),
    });
    let app = app_on(queue.clone());
    let (status, _) = call(&app, signed_post(&[json!({"schema": 1})])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue.calls.load(Ordering::SeqCst), 0);
}

// --- never a panic -------------------------------------------------------------

mod any_input {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Signed garbage, or batches of arbitrary JSON values, are
        /// answered 200, 400 or 413, never 5xx or a panic.
        #[test]
        fn any_signed_body_gets_a_clean_answer(
            bytes in prop::collection::vec(any::<u8>(), 0..300),
            text in "\\PC{0,200}",
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let (app, _) = app();
                let as_events = format!("{{\"events\":[{text}]}}");
                for body in [bytes.clone(), text.clone().into_bytes(), as_events.into_bytes()] {
                    let (status, answer) = call(&app, signed_body(body)).await;
                    assert!(
                        matches!(status.as_u16(), 200 | 400 | 413),
                        "{status}: {answer}"
                    );
                }
            });
        }
    }
}
