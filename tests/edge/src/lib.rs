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

pub mod capture;
pub mod client;
pub mod records;
pub mod worker;

pub use capture::CaptureServer;
pub use client::{Request, Response};
pub use worker::EdgeWorker;

/// The secret the harness gives the Worker and the tests sign with.
pub const SECRET: &str = "edge-tests-secret-0123456789abcdef";
