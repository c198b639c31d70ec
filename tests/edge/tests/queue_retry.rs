//! When the control plane is down for a while, scan events wait and are
//! retried: none is lost (delivery is at least once; ids let the receiver
//! drop the duplicates).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashSet;
use std::time::Duration;

use scanly_edge_tests::records::{publish, redirect, unique_code};
use scanly_edge_tests::{CaptureServer, EdgeWorker, Request};

const SCANS: usize = 200;

#[test]
fn events_survive_an_ingest_outage_and_arrive_once_it_recovers() {
    let ingest = CaptureServer::start();
    let worker = EdgeWorker::start(&ingest.url());
    let code = unique_code("outage");
    publish(&worker, &redirect(&code, "https://shop.example/"));

    ingest.fail_for(Duration::from_secs(8));
    for i in 0..SCANS {
        let request = Request::get(&format!("/{code}")).user_agent(&format!(
            "Mozilla/5.0 (Linux; Android 14) Mobile visitor/{i}"
        ));
        assert_eq!(
            worker.send(&request).status,
            302,
            "the scan never waits on analytics"
        );
    }

    let events = ingest.wait_until(
        Duration::from_secs(120),
        "every event after the outage",
        |events| {
            events
                .iter()
                .filter(|e| e.code == code)
                .map(|e| e.id)
                .collect::<HashSet<_>>()
                .len()
                >= SCANS
        },
    );
    let refused = ingest
        .deliveries()
        .iter()
        .filter(|d| d.answered == 503)
        .count();
    assert!(
        refused > 0,
        "the outage was real: some batches were refused"
    );
    let ids: HashSet<_> = events
        .iter()
        .filter(|e| e.code == code)
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), SCANS, "no event lost");
    assert!(ingest.deliveries().iter().all(|d| d.signature_valid));
}
