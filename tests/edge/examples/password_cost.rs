//! How long the Worker takes to check a link password in workerd, per
//! PBKDF2 iteration count: the figure behind `password::DEFAULT_ITERATIONS`
//! (the free plan allows 10 ms of CPU per request). Wall time of a POST with
//! the right password, minus the same POST against a link without a password
//! (which answers 303 without deriving anything).
//!
//!   make edge && cargo run --release -p scanly-edge-tests --example password_cost
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::time::{Duration, Instant};

use scanly_edge_tests::records::{publish, redirect, unique_code};
use scanly_edge_tests::{CaptureServer, EdgeWorker, Request};
use scanly_shared::password::{LinkPassword, PasswordVerifier};

const ROUNDS: u32 = 30;

fn median_post(worker: &EdgeWorker, path: &str, expect: u16) -> Duration {
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let request = Request::new("POST", path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("password=correct+horse");
            let start = Instant::now();
            let response = worker.send(&request);
            let elapsed = start.elapsed();
            assert_eq!(response.status, expect, "{}", response.text());
            elapsed
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let ingest = CaptureServer::start();
    let worker = EdgeWorker::start(&ingest.url());
    let open = unique_code("open");
    publish(&worker, &redirect(&open, "https://shop.example/"));
    median_post(&worker, &format!("/{open}"), 303); // warm up
    let baseline = median_post(&worker, &format!("/{open}"), 303);
    println!(
        "| PBKDF2-HMAC-SHA256 iterations | median POST | password check (minus a POST without one) |"
    );
    println!("|---:|---:|---:|");
    for iterations in [1_000u32, 10_000, 20_000, 50_000, 100_000] {
        let code = unique_code("pw");
        let mut record = redirect(&code, "https://shop.example/");
        let password = LinkPassword::parse("correct horse").unwrap();
        record.password = Some(PasswordVerifier::new(&password, [7; 16], iterations));
        publish(&worker, &record);
        let median = median_post(&worker, &format!("/{code}"), 302);
        let check = median.saturating_sub(baseline);
        println!(
            "| {iterations} | {:.2} ms | {:.2} ms |",
            median.as_secs_f64() * 1e3,
            check.as_secs_f64() * 1e3
        );
    }
}
