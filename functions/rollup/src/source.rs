//! The local stand-in for Lambda's SQS event source, for `make dev` and the
//! pipeline tests: it polls the scan queue, gathers one batch the way the
//! event source does (up to `batch_size` messages or `max_batch_bytes` of
//! bodies, waiting at most `window` for more), hands it to the rollup and
//! then acts on the partial-batch response: messages that did not fail are
//! deleted, failed ones are left to reappear after the visibility timeout
//! (and reach the dead-letter queue after the queue's `maxReceiveCount`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use scanly_ingest::queue::{QueueError, Received, ScanQueue};

use crate::process::{Delivery, Outcome, Rollup, Tally};

/// SQS hands out at most 10 messages per receive.
const RECEIVE_MAX: usize = 10;
/// Lambda's limit on an invocation's payload.
pub const LAMBDA_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// The largest SQS message body.
const MAX_BODY_BYTES: usize = 256 * 1024;

impl From<&Received> for Delivery {
    fn from(message: &Received) -> Self {
        Self {
            message_id: message.message_id.clone(),
            body: message.body.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SourceSettings {
    pub batch_size: usize,
    pub max_batch_bytes: usize,
    pub window: Duration,
    pub visibility: Duration,
}

impl Default for SourceSettings {
    /// As in template.yaml: up to 10,000 messages, 6 MB, a 10 s window.
    fn default() -> Self {
        Self {
            batch_size: 10_000,
            max_batch_bytes: LAMBDA_PAYLOAD_BYTES,
            window: Duration::from_secs(10),
            visibility: Duration::from_secs(120),
        }
    }
}

#[derive(Clone)]
pub struct LocalEventSource {
    queue: Arc<dyn ScanQueue>,
    rollup: Arc<Rollup>,
    settings: SourceSettings,
}

impl std::fmt::Debug for LocalEventSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalEventSource")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl LocalEventSource {
    pub fn new(queue: Arc<dyn ScanQueue>, rollup: Arc<Rollup>, settings: SourceSettings) -> Self {
        Self {
            queue,
            rollup,
            settings,
        }
    }

    /// One invocation; `None` when the window passed with nothing to do.
    pub async fn poll_once(&self) -> Result<Option<Outcome>, QueueError> {
        let started = Instant::now();
        let mut received = Vec::new();
        let mut bytes = 0;
        // Stop before a next message of the largest size could overflow
        // the payload, as Lambda does.
        while received.len() < self.settings.batch_size
            && bytes + MAX_BODY_BYTES <= self.settings.max_batch_bytes
        {
            let elapsed = started.elapsed();
            if elapsed >= self.settings.window {
                break;
            }
            let want = RECEIVE_MAX.min(self.settings.batch_size - received.len());
            let wait = (self.settings.window - elapsed).min(Duration::from_secs(1));
            let messages = self
                .queue
                .receive(want, self.settings.visibility, wait)
                .await?;
            if messages.is_empty() && !received.is_empty() {
                // The queue is drained: invoke now rather than idle out the window.
                break;
            }
            bytes += messages.iter().map(|m| m.body.len()).sum::<usize>();
            received.extend(messages);
        }
        if received.is_empty() {
            return Ok(None);
        }
        let deliveries: Vec<Delivery> = received.iter().map(Delivery::from).collect();
        let outcome = self.rollup.process(&deliveries).await;
        let done: Vec<String> = received
            .iter()
            .filter(|m| !outcome.failed.contains(&m.message_id))
            .map(|m| m.receipt.clone())
            .collect();
        for chunk in done.chunks(RECEIVE_MAX) {
            self.queue.delete(chunk).await?;
        }
        Ok(Some(outcome))
    }

    /// Polls until a window passes with nothing received; the sum of what
    /// the invocations did, and how many there were.
    pub async fn run_until_idle(&self) -> Result<(Tally, usize), QueueError> {
        let mut total = Tally::default();
        let mut invocations = 0;
        while let Some(outcome) = self.poll_once().await? {
            total.add(&outcome.tally);
            invocations += 1;
        }
        Ok((total, invocations))
    }

    /// Polls for ever (the local platform); errors are logged and retried.
    pub async fn run(self) {
        loop {
            if let Err(error) = self.poll_once().await {
                tracing::warn!(%error, "polling the scan queue failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
