//! Test support for the edge Worker running in workerd: start it, publish
//! records through its signed channel, scan as a phone would, and capture
//! what its queue consumer ships to the control plane.
//!
//! The HTTP client is a few lines over `TcpStream` on purpose: tests need to
//! send what real clients send (any `Host`, huge headers, raw bytes), which
//! a polished client refuses to.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod agents;
pub mod capture;
pub mod client;
pub mod records;
pub mod worker;

pub use capture::CaptureServer;
pub use client::{Request, Response};
pub use worker::EdgeWorker;

/// The secret the harness gives the Worker and the tests sign with.
pub const SECRET: &str = "edge-tests-secret-0123456789abcdef";

/// The Worker and its ingest stand-in, as most test binaries use them.
#[derive(Debug)]
pub struct Edge {
    pub worker: EdgeWorker,
    pub ingest: CaptureServer,
}

impl Edge {
    pub fn start() -> Self {
        let ingest = CaptureServer::start();
        let worker = EdgeWorker::start(&ingest.url());
        Self { worker, ingest }
    }
}

/// One Worker per test binary, started by the first test that asks.
pub fn shared_edge() -> &'static Edge {
    static EDGE: std::sync::OnceLock<Edge> = std::sync::OnceLock::new();
    EDGE.get_or_init(Edge::start)
}
