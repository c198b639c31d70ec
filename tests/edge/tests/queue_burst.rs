//! Every scan of a burst reaches the control plane, in signed batches.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashSet;
use std::thread;
use std::time::Duration;

use scanly_edge_tests::records::{publish, redirect, unique_code};
use scanly_edge_tests::{CaptureServer, EdgeWorker, Request};

const SCANS: usize = 5_000;
const THREADS: usize = 8;
const CODES: usize = 25;

#[test]
fn every_event_of_a_5000_scan_burst_is_delivered_signed_in_batches_of_at_most_100() {
    let ingest = CaptureServer::start();
    let worker = EdgeWorker::start(&ingest.url());
    let codes: Vec<_> = (0..CODES).map(|_| unique_code("burst")).collect();
    for code in &codes {
        publish(&worker, &redirect(code, "https://shop.example/"));
    }

    thread::scope(|scope| {
        for t in 0..THREADS {
            let (worker, codes) = (&worker, &codes);
            scope.spawn(move || {
                for i in (t..SCANS).step_by(THREADS) {
                    let request = Request::get(&format!("/{}", codes[i % CODES]))
                        .user_agent(&format!("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148 scanner/{i}"));
                    assert_eq!(worker.send(&request).status, 302);
                }
            });
        }
    });

    let burst: HashSet<_> = codes.iter().cloned().collect();
    let events = ingest.wait_until(
        Duration::from_secs(240),
        "all 5,000 burst events",
        |events| {
            events
                .iter()
                .filter(|e| burst.contains(&e.code))
                .map(|e| e.id)
                .collect::<HashSet<_>>()
                .len()
                >= SCANS
        },
    );
    let ids: HashSet<_> = events
        .iter()
        .filter(|e| burst.contains(&e.code))
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), SCANS, "one event per scan, each with its own id");

    let deliveries = ingest.deliveries();
    assert!(
        deliveries.iter().all(|d| d.signature_valid),
        "every batch is signed with the shared secret"
    );
    assert!(
        deliveries.iter().all(|d| d.events.len() <= 100),
        "batches hold at most 100 events"
    );
    assert!(
        deliveries.len() < SCANS / 5,
        "events travel in batches, not one request each: {} deliveries",
        deliveries.len()
    );
}
