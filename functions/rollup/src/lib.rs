//! Scanly's rollup function: batches of scan events from SQS become hourly
//! stats per link and per workspace, counted exactly once, with the raw
//! events archived to S3 and scan limits enforced (docs/analytics.md).
//!
//! - `process`: one invocation — decode, archive, count, copy, enforce;
//! - `archive`: the raw events of each UTC hour as one gzipped NDJSON object;
//! - `stats`: read-apply-write of stats items under version conditions;
//! - `lambda`: the SQS event and its partial-batch response;
//! - `source`: the local stand-in for the SQS event source (`make dev`, tests);
//! - `config`: adapters from the environment, built once.

pub mod archive;
pub mod config;
pub mod lambda;
pub mod process;
pub mod source;
pub mod stats;

pub use process::{Delivery, Outcome, Rollup, Tally};
