//! The accepted events packed into as few queue messages as fit
//! (`scanly_analytics::wire` decides the format and the grouping into
//! calls)
//! and sent, one `ScanQueue::send` per call.
//!
//! Any refusal — a whole call or one entry — stops the batch: the edge
//! retries all of it (docs/analytics.md), so the calls not yet made would
//! only be sent twice.

use scanly_analytics::sqs_batch::Packing;
use scanly_analytics::wire;

use crate::queue::ScanQueue;

/// What was sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Enqueued {
    pub messages: usize,
    /// Events (indices into the slice given) too large for any message.
    pub oversized: Vec<usize>,
}

/// Why nothing more was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("send call {call} of {calls} failed: {cause}")]
pub struct EnqueueError {
    pub call: usize,
    pub calls: usize,
    pub cause: String,
}

/// The packing of `events` (canonical JSON) into message bodies.
pub fn pack_events(events: &[&str]) -> Packing {
    wire::encode(events)
}

pub async fn enqueue(queue: &dyn ScanQueue, events: &[&str]) -> Result<Enqueued, EnqueueError> {
    let packing = pack_events(events);
    let calls = packing.calls.len();
    let mut messages = 0;
    for (call, bodies) in packing.calls.into_iter().enumerate() {
        let bodies: Vec<String> = bodies.into_iter().map(|m| m.body).collect();
        let failed = |cause: String| EnqueueError {
            call: call + 1,
            calls,
            cause,
        };
        let outcomes = queue
            .send(&bodies)
            .await
            .map_err(|error| failed(error.to_string()))?;
        if outcomes.len() != bodies.len() {
            return Err(failed(format!(
                "{} outcomes for {} messages",
                outcomes.len(),
                bodies.len()
            )));
        }
        let refused: Vec<String> = outcomes
            .iter()
            .enumerate()
            .filter_map(|(entry, outcome)| {
                outcome
                    .as_ref()
                    .err()
                    .map(|error| format!("message {entry}: {error}"))
            })
            .collect();
        if !refused.is_empty() {
            return Err(failed(refused.join("; ")));
        }
        messages += bodies.len();
    }
    Ok(Enqueued {
        messages,
        oversized: packing.oversized,
    })
}
