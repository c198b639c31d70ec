//! Scanly's analytics core, shared by the ingest and rollup functions and
//! the query API: pure (no I/O), so the pipeline's arithmetic is tested
//! without queues or tables.
//!
//! - `hll`: unique visitors per link per day as a mergeable HyperLogLog
//!   sketch, so a range of days merges into one estimate;
//! - `sqs_batch`: accepted events packed into as few SQS messages and
//!   `SendMessageBatch` calls as the service's size limits allow.

pub mod hll;
pub mod sqs_batch;
