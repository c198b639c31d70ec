//! The scan-queue port: what ingest sends to and the rollup receives from,
//! with SQS's semantics (at-least-once, visibility timeouts, a dead-letter
//! queue after too many receives) whichever adapter is behind it.
//!
//! - `memory`: in-process, the local default (ingest and the local rollup
//!   poller share one), with the same semantics as SQS;
//! - `sqs`: Amazon SQS (or any SQS-compatible server) through `aws-sdk-sqs`.
//!
//! The same contract tests (`tests/queue_contract.rs`) run against both.

pub mod memory;
pub mod sqs;

use std::time::Duration;

use async_trait::async_trait;

/// `SendMessageBatch` and `DeleteMessageBatch` take at most this many
/// entries; `ReceiveMessage` returns at most this many messages.
pub const MAX_BATCH: usize = 10;
/// The message and batch size the pipeline packs to (docs/analytics.md):
/// 256 KiB. SQS accepts more today; the memory adapter holds senders to this.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// SQS's longest long poll.
pub const MAX_WAIT: Duration = Duration::from_secs(20);
/// SQS's longest visibility timeout (12 hours).
pub const MAX_VISIBILITY: Duration = Duration::from_secs(43_200);
/// Receives after which a message moves to the dead-letter queue, unless
/// configured otherwise (the `maxReceiveCount` in `template.yaml`).
pub const DEFAULT_MAX_RECEIVES: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// The queue could not be reached or refused the whole call
    /// (throttling, permissions, an outage): retry later.
    #[error("the queue is unavailable: {0}")]
    Unavailable(String),
    /// One entry of a batch was refused; the others are unaffected.
    #[error("the queue refused the entry ({code}): {message}")]
    Refused { code: String, message: String },
    /// The call breaks the port's limits (entries, sizes): nothing was done.
    #[error("the request breaks the queue's limits: {0}")]
    Invalid(String),
    /// Dead-letter operations on a queue configured without one.
    #[error("no dead-letter queue is configured")]
    NoDeadLetterQueue,
}

/// A received message. `receipt` identifies this receive only: the next
/// receive of the same message gets a new one, and only the newest
/// deletes (SQS's documented rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub message_id: String,
    pub receipt: String,
    pub body: String,
    /// How many times the message has been received, this time included.
    pub receive_count: u32,
}

#[async_trait]
pub trait ScanQueue: Send + Sync {
    /// One SendMessageBatch call: ≤ 10 bodies; the outcome of each, in
    /// order (a body can fail alone). No bodies: no call, no outcomes.
    async fn send(&self, bodies: &[String]) -> Result<Vec<Result<(), QueueError>>, QueueError>;

    /// Up to `max` (1 to 10) messages, hidden for `visibility` from other
    /// receivers; waits at most `wait` (≤ 20 s) for the first.
    async fn receive(
        &self,
        max: usize,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError>;

    /// Acknowledges (removes) received messages, any number of them. A
    /// receipt that is no longer the message's newest removes nothing and
    /// is not an error.
    async fn delete(&self, receipts: &[String]) -> Result<(), QueueError>;
}

/// The dead-letter queue behind a scan queue: for operations and tests.
/// (In production, `aws sqs start-message-move-task` does the redrive;
/// see docs/analytics.md.)
#[async_trait]
pub trait DeadLetters: Send + Sync {
    /// Messages waiting in the dead-letter queue (SQS: its
    /// `ApproximateNumberOfMessages`, visible and in flight).
    async fn dead_letter_count(&self) -> Result<usize, QueueError>;

    /// Moves every dead letter back to the main queue as a new message
    /// (receive count 0); how many moved.
    async fn redrive(&self) -> Result<usize, QueueError>;
}

/// The port's checks on a send, shared by the adapters so both refuse the
/// same calls the same way.
pub(crate) fn check_send(bodies: &[String]) -> Result<(), QueueError> {
    if bodies.len() > MAX_BATCH {
        return Err(QueueError::Invalid(format!(
            "{} entries in one batch (at most {MAX_BATCH})",
            bodies.len()
        )));
    }
    let total: usize = bodies.iter().map(String::len).sum();
    if total > MAX_MESSAGE_BYTES {
        return Err(QueueError::Invalid(format!(
            "{total} bytes in one batch (at most {MAX_MESSAGE_BYTES})"
        )));
    }
    Ok(())
}

pub(crate) fn check_receive(max: usize) -> Result<(), QueueError> {
    if (1..=MAX_BATCH).contains(&max) {
        Ok(())
    } else {
        Err(QueueError::Invalid(format!(
            "receive takes 1 to {MAX_BATCH} messages, not {max}"
        )))
    }
}
