//! The in-process scan queue: the local default, shared by ingest and the
//! local rollup poller (clones share one queue). It behaves as SQS does
//! where the pipeline depends on it:
//!
//! - at-least-once: a received message stays until deleted; not deleted
//!   within its visibility timeout, it is received again, its receive count
//!   one higher;
//! - every receive hands out a new receipt, and only the newest deletes
//!   (an older one is accepted and removes nothing, as SQS documents);
//! - the redrive policy: a message received `max_receives` times moves to
//!   the dead-letter queue at the next receive that would deliver it;
//! - sends are checked like `SendMessageBatch`: ≤ 10 entries and ≤ 256 KiB
//!   per call (else the whole call fails), and a body SQS would refuse
//!   (empty, or a character outside XML's) fails alone;
//! - long polling: a receive waits up to `wait` for a message to arrive or
//!   become visible again.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::Notify;

use super::{
    DEFAULT_MAX_RECEIVES, DeadLetters, MAX_VISIBILITY, MAX_WAIT, QueueError, Received, ScanQueue,
    check_receive, check_send,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryQueueOptions {
    /// Receives before a message moves to the dead-letter queue (SQS's
    /// `maxReceiveCount`; default 5).
    pub max_receives: u32,
}

impl Default for MemoryQueueOptions {
    fn default() -> Self {
        Self {
            max_receives: DEFAULT_MAX_RECEIVES,
        }
    }
}

/// A queue and its dead-letter queue in memory; cheap to clone (`Arc`).
#[derive(Debug, Clone, Default)]
pub struct MemoryQueue {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    options: MemoryQueueOptions,
    state: Mutex<State>,
    /// Wakes long-polling receivers when messages arrive.
    arrived: Notify,
}

#[derive(Debug, Default)]
struct State {
    main: Vec<Stored>,
    dead: Vec<Stored>,
    sent: u64,
    receipts: u64,
}

#[derive(Debug)]
struct Stored {
    id: String,
    body: String,
    receive_count: u32,
    hidden_until: Option<Instant>,
    /// The newest receipt; `None` before the first receive and in the DLQ.
    receipt: Option<String>,
}

impl State {
    fn stored(&mut self, body: String) -> Stored {
        self.sent += 1;
        Stored {
            id: format!("mem-{:012}", self.sent),
            body,
            receive_count: 0,
            hidden_until: None,
            receipt: None,
        }
    }

    /// One receive pass at `now`: up to `max` visible messages, moving
    /// those past the redrive limit to the DLQ on the way (as SQS does);
    /// and when the earliest hidden message becomes visible again.
    fn take(
        &mut self,
        max: usize,
        visibility: Duration,
        max_receives: u32,
        now: Instant,
    ) -> (Vec<Received>, Option<Instant>) {
        let hidden_until = now.checked_add(visibility).unwrap_or(now);
        let mut out = Vec::new();
        let mut to_dead = Vec::new();
        for (index, message) in self.main.iter_mut().enumerate() {
            if out.len() >= max {
                break;
            }
            if message.hidden_until.is_some_and(|t| t > now) {
                continue;
            }
            if message.receive_count >= max_receives {
                to_dead.push(index);
                continue;
            }
            self.receipts += 1;
            let receipt = format!("{}#{}", message.id, self.receipts);
            message.receive_count = message.receive_count.saturating_add(1);
            message.hidden_until = Some(hidden_until);
            message.receipt = Some(receipt.clone());
            out.push(Received {
                message_id: message.id.clone(),
                receipt,
                body: message.body.clone(),
                receive_count: message.receive_count,
            });
        }
        for index in to_dead.into_iter().rev() {
            if index < self.main.len() {
                let mut message = self.main.remove(index);
                message.hidden_until = None;
                message.receipt = None;
                self.dead.push(message);
            }
        }
        let next_visible = self
            .main
            .iter()
            .filter_map(|m| m.hidden_until.filter(|t| *t > now))
            .min();
        (out, next_visible)
    }
}

impl MemoryQueue {
    /// A queue with the default options (5 receives before the DLQ).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_options(options: MemoryQueueOptions) -> Self {
        Self {
            shared: Arc::new(Shared {
                options,
                ..Shared::default()
            }),
        }
    }

    pub fn options(&self) -> MemoryQueueOptions {
        self.shared.options
    }

    /// Messages in the main queue, visible or in flight.
    pub fn len(&self) -> usize {
        self.state().main.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bodies in the main queue, in the order sent, without receiving
    /// them (for tests and local inspection).
    pub fn bodies(&self) -> Vec<String> {
        self.state().main.iter().map(|m| m.body.clone()).collect()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing here can leave the state half-changed: a poisoned lock
        // still guards a consistent queue.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// What SQS refuses in a body: nothing at all, or a character outside
/// `#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF`.
fn refusal(body: &str) -> Option<QueueError> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    let message = if body.is_empty() {
        "the message body is empty"
    } else if !body.chars().all(allowed) {
        "the message body contains characters SQS does not allow"
    } else {
        return None;
    };
    Some(QueueError::Refused {
        code: "InvalidMessageContents".into(),
        message: message.into(),
    })
}

#[async_trait]
impl ScanQueue for MemoryQueue {
    async fn send(&self, bodies: &[String]) -> Result<Vec<Result<(), QueueError>>, QueueError> {
        check_send(bodies)?;
        let outcomes = {
            let mut state = self.state();
            bodies
                .iter()
                .map(|body| match refusal(body) {
                    Some(error) => Err(error),
                    None => {
                        let message = state.stored(body.clone());
                        state.main.push(message);
                        Ok(())
                    }
                })
                .collect()
        };
        self.shared.arrived.notify_waiters();
        Ok(outcomes)
    }

    async fn receive(
        &self,
        max: usize,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        check_receive(max)?;
        let visibility = visibility.min(MAX_VISIBILITY);
        let start = Instant::now();
        let deadline = start.checked_add(wait.min(MAX_WAIT)).unwrap_or(start);
        loop {
            // Registered before looking, so a send in between still wakes us.
            let arrived = self.shared.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            let now = Instant::now();
            let (messages, next_visible) =
                self.state()
                    .take(max, visibility, self.shared.options.max_receives, now);
            if !messages.is_empty() || now >= deadline {
                return Ok(messages);
            }
            let until = next_visible.map_or(deadline, |t| t.min(deadline));
            tokio::select! {
                () = &mut arrived => {}
                () = tokio::time::sleep_until(until.into()) => {}
            }
        }
    }

    async fn delete(&self, receipts: &[String]) -> Result<(), QueueError> {
        let receipts: HashSet<&str> = receipts.iter().map(String::as_str).collect();
        let mut state = self.state();
        state.main.retain(|m| {
            !m.receipt
                .as_deref()
                .is_some_and(|current| receipts.contains(current))
        });
        Ok(())
    }
}

#[async_trait]
impl DeadLetters for MemoryQueue {
    async fn dead_letter_count(&self) -> Result<usize, QueueError> {
        Ok(self.state().dead.len())
    }

    async fn redrive(&self) -> Result<usize, QueueError> {
        let moved = {
            let mut state = self.state();
            let dead = std::mem::take(&mut state.dead);
            let moved = dead.len();
            for message in dead {
                let fresh = state.stored(message.body);
                state.main.push(fresh);
            }
            moved
        };
        self.shared.arrived.notify_waiters();
        Ok(moved)
    }
}
