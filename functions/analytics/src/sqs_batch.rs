//! Grouping encoded SQS messages into `SendMessageBatch` calls within that
//! API's entry and size limits. The bodies themselves come from
//! [`wire`](crate::wire), which decides which events share a message; this
//! module only knows sizes, so its limits are tested apart from gzip.
//!
//! Messages keep their order, and each remembers the events (indices into
//! the caller's input) it carries, so per-event results can name the
//! message that failed.

use core::ops::Range;

/// The largest message body SQS accepts (256 KiB; queues may be configured
/// lower, never higher for `SendMessageBatch` as a whole).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// `SendMessageBatch` takes at most 10 entries…
pub const MAX_BATCH_ENTRIES: usize = 10;
/// …whose bodies add up to at most 256 KiB.
pub const MAX_BATCH_BYTES: usize = 256 * 1024;

/// One message: its body and the events (indices into the input) it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub body: String,
    pub events: Range<usize>,
}

/// The result of packing: calls (each ≤ `MAX_BATCH_ENTRIES` messages and
/// ≤ `MAX_BATCH_BYTES`), and the events that cannot fit in any message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Packing {
    pub calls: Vec<Vec<Message>>,
    pub oversized: Vec<usize>,
}

impl Packing {
    /// Every message, in order, across all calls.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.calls.iter().flatten()
    }
}

/// Groups consecutive messages into calls while both limits hold: at most
/// `max_entries` messages (at least one) and `max_batch` bytes of bodies.
/// A message larger than `max_batch` on its own travels alone rather than
/// being lost; with the SQS defaults that cannot happen, since a body is at
/// most `MAX_MESSAGE_BYTES = MAX_BATCH_BYTES`.
///
/// Greedy in order is optimal here: closing a call earlier than needed can
/// never let a later call hold more.
pub fn group(
    messages: impl IntoIterator<Item = Message>,
    max_entries: usize,
    max_batch: usize,
) -> Vec<Vec<Message>> {
    let max_entries = max_entries.max(1);
    let mut calls = Vec::new();
    let mut call: Vec<Message> = Vec::new();
    let mut call_bytes = 0usize;
    for message in messages {
        let full =
            call.len() >= max_entries || call_bytes.saturating_add(message.body.len()) > max_batch;
        if !call.is_empty() && full {
            calls.push(std::mem::take(&mut call));
            call_bytes = 0;
        }
        call_bytes = call_bytes.saturating_add(message.body.len());
        call.push(message);
    }
    if !call.is_empty() {
        calls.push(call);
    }
    calls
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn messages(sizes: &[usize]) -> Vec<Message> {
        sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| Message {
                body: "x".repeat(size),
                events: i..i + 1,
            })
            .collect()
    }

    /// Every message once, in order; every call within its limits (a call
    /// over the byte limit only when it is one message that is itself
    /// over it).
    fn check(sizes: &[usize], calls: &[Vec<Message>], max_entries: usize, max_batch: usize) {
        let flat: Vec<&Message> = calls.iter().flatten().collect();
        assert_eq!(flat.len(), sizes.len());
        for (i, message) in flat.iter().enumerate() {
            assert_eq!(message.events, i..i + 1, "order kept");
        }
        for call in calls {
            assert!(!call.is_empty() && call.len() <= max_entries.max(1));
            let bytes: usize = call.iter().map(|m| m.body.len()).sum();
            assert!(bytes <= max_batch || call.len() == 1, "{bytes}");
        }
    }

    #[test]
    fn ten_small_messages_share_one_call_and_the_eleventh_opens_another() {
        let calls = group(messages(&[100; 11]), MAX_BATCH_ENTRIES, MAX_BATCH_BYTES);
        assert_eq!(calls.iter().map(Vec::len).collect::<Vec<_>>(), vec![10, 1]);
    }

    #[test]
    fn bodies_fill_a_call_up_to_its_byte_limit() {
        // Two 100 KiB bodies fit 256 KiB; a third does not.
        let calls = group(
            messages(&[100 * 1024; 5]),
            MAX_BATCH_ENTRIES,
            MAX_BATCH_BYTES,
        );
        assert_eq!(
            calls.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
        let full = group(
            messages(&[MAX_MESSAGE_BYTES, 1]),
            MAX_BATCH_ENTRIES,
            MAX_BATCH_BYTES,
        );
        assert_eq!(full.len(), 2, "a full-size body fills its call");
    }

    #[test]
    fn a_body_over_the_call_limit_travels_alone() {
        let calls = group(messages(&[10, 5000, 10]), 10, 1024);
        assert_eq!(
            calls.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![1, 1, 1]
        );
    }

    #[test]
    fn nothing_to_send_is_no_call() {
        assert!(group(Vec::new(), MAX_BATCH_ENTRIES, MAX_BATCH_BYTES).is_empty());
        assert_eq!(Packing::default().messages().count(), 0);
    }

    proptest! {
        #[test]
        fn any_sizes_group_every_message_once_within_limits(
            sizes in prop::collection::vec(0usize..3000, 0..80),
            max_entries in 0usize..12,
            max_batch in 0usize..8192,
        ) {
            let calls = group(messages(&sizes), max_entries, max_batch);
            check(&sizes, &calls, max_entries, max_batch);
            // Greedy: no call could have taken the next call's first message.
            for pair in calls.windows(2) {
                let bytes: usize = pair[0].iter().map(|m| m.body.len()).sum();
                let next = pair[1][0].body.len();
                prop_assert!(pair[0].len() >= max_entries.max(1) || bytes + next > max_batch);
            }
        }
    }
}
