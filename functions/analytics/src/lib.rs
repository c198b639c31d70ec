//! Scanly's analytics core, shared by the ingest and rollup functions and
//! the query API: pure (no I/O), so the pipeline's arithmetic is tested
//! without queues or tables. The design is `docs/analytics.md`.
//!
//! - `wire`: accepted events packed into as few SQS message bodies as fit
//!   (gzip + base64), and bodies read back, refusing anything else;
//! - `sqs_batch`: those bodies grouped into `SendMessageBatch` calls within
//!   the service's limits;
//! - `rollup`: the stats items the rollup writes, a link's hour
//!   (`LinkHour`: counters, dimensions, visitors, and the event ids it has
//!   counted, which make counting exactly once) and a workspace's hour
//!   (`WorkspaceHour`), with their versioned encoding;
//! - `report`: what the query API answers from those items: series in any
//!   time zone, totals, unique visitors, breakdowns, CSV rows;
//! - `hll`: unique visitors as a mergeable HyperLogLog sketch, so hours and
//!   days merge into one estimate.

#[cfg(test)]
mod fixtures;
pub mod hll;
pub mod report;
pub mod rollup;
pub mod sqs_batch;
pub mod wire;
