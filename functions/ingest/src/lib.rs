//! Scanly's ingest function (docs/analytics.md): the edge's signed batches
//! of scan events in, each event checked, the valid ones packed into as
//! few queue messages as fit and sent to the scan queue.
//!
//! - `queue`: the scan-queue port, with its memory and SQS adapters (also
//!   used by the rollup and its local poller);
//! - `handler`: `POST /internal/scans`: signature, body, answer;
//! - `events`: each event parsed, validated and re-serialised;
//! - `enqueue`: the accepted events packed and sent;
//! - `config` and `runtime`: typed configuration and adapters, built once;
//! - `error`: the one error shape of every non-200 answer.

pub mod config;
pub mod enqueue;
pub mod error;
pub mod events;
pub mod handler;
pub mod queue;
pub mod runtime;

pub use handler::{IngestState, router};
