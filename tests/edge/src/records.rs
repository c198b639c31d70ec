//! Records the tests publish, and the signed publish requests that carry
//! them, exactly as the control plane will send them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::page::Page;
use scanly_shared::publish::{self, PublishBatch, RECORDS_PATH};
use scanly_shared::rules::{Conditions, Rule, Variant};
use scanly_shared::{Destination, Hostname, LinkRecord, ShortCode, signing};

use crate::SECRET;
use crate::client::{Request, Response};
use crate::worker::EdgeWorker;

/// The default namespace's canonical host in the harness.
pub const DEFAULT_HOST: &str = "scanly.test";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A code (and link id) no other test uses, so tests can share one Worker
/// and tell their scan events apart.
pub fn unique_code(prefix: &str) -> ShortCode {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    ShortCode::parse(&format!("{prefix}-{}-{n}", std::process::id() % 100_000)).unwrap()
}

pub fn url(s: &str) -> Destination {
    Destination::parse(s).unwrap()
}

fn link_id(code: &ShortCode) -> LinkId {
    LinkId::parse(&format!("lnk_{code}")).unwrap()
}

pub fn workspace() -> WorkspaceId {
    WorkspaceId::parse("ws_edge_tests").unwrap()
}

pub fn redirect(code: &ShortCode, destination: &str) -> LinkRecord {
    LinkRecord::redirect(link_id(code), workspace(), code.clone(), url(destination))
}

pub fn page(code: &ShortCode, page_json: &str) -> LinkRecord {
    LinkRecord::page(
        link_id(code),
        workspace(),
        code.clone(),
        Page::from_json(page_json).unwrap(),
    )
}

pub fn rule(when_json: &str, destination: &str) -> Rule {
    let when: Conditions = serde_json::from_str(when_json).unwrap();
    Rule {
        when,
        destination: url(destination),
    }
}

pub fn variant(destination: &str, weight: u32) -> Variant {
    Variant {
        destination: url(destination),
        weight,
    }
}

pub fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A request signed with the shared secret at `timestamp`.
pub fn signed_at(method: &str, path: &str, body: Vec<u8>, timestamp: i64) -> Request {
    let signature = signing::sign(SECRET.as_bytes(), method, path, timestamp, &body).unwrap();
    Request::new(method, path)
        .header(signing::TIMESTAMP_HEADER, timestamp.to_string())
        .header(signing::SIGNATURE_HEADER, signature)
        .header("content-type", "application/octet-stream")
        .body(body)
}

pub fn signed(method: &str, path: &str, body: Vec<u8>) -> Request {
    signed_at(method, path, body, now_s())
}

pub fn host(name: &str) -> Hostname {
    Hostname::parse(name).unwrap()
}

/// `PUT /_scanly/records/{host}/{code}`, signed.
pub fn put_request(on_host: &str, record: &LinkRecord) -> Request {
    signed(
        "PUT",
        &publish::record_path(&host(on_host), &record.code),
        record.encode(),
    )
}

/// Publishes `record` under `on_host`, asserting it was written.
pub fn publish_on(worker: &EdgeWorker, on_host: &str, record: &LinkRecord) {
    let response = worker.send(&put_request(on_host, record));
    assert_eq!(response.status, 200, "publish failed: {}", response.text());
}

/// Publishes `record` in the default namespace.
pub fn publish(worker: &EdgeWorker, record: &LinkRecord) {
    publish_on(worker, DEFAULT_HOST, record);
}

pub fn delete(worker: &EdgeWorker, on_host: &str, code: &ShortCode) -> Response {
    worker.send(&signed(
        "DELETE",
        &publish::record_path(&host(on_host), code),
        Vec::new(),
    ))
}

pub fn publish_batch(worker: &EdgeWorker, batch: &PublishBatch) -> Response {
    worker.send(&signed("POST", RECORDS_PATH, batch.encode()))
}
