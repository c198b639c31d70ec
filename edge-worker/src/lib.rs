//! Scanly's edge Worker. The modules at the top are plain Rust, tested
//! natively: request facts in, responses and KV writes out. `shell` is the
//! only part that touches the Workers runtime (wasm32 only).

pub mod config;
pub mod http;
pub mod ingest;
pub mod log;
pub mod memory;
pub mod publish;
pub mod route;
pub mod scan;
pub mod site;

#[cfg(target_arch = "wasm32")]
mod shell;
