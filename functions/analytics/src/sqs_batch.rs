//! Packing accepted scan events into SQS messages: as few messages as the
//! size limit allows (SQS bills per 64 KiB chunk of a request, and the
//! rollup reads a whole message at once), grouped into `SendMessageBatch`
//! calls within that API's entry and size limits.
//!
//! A message body is `{"v":1,"events":[<event>,<event>,…]}` where each
//! event is the JSON the ingest function already validated (passed in as
//! text, so nothing is re-serialised). Events keep their order; each lands
//! in exactly one message, and the caller learns which, so per-event
//! results can name the message that failed. An event too large to fit any
//! message alone is reported, never silently dropped.

use core::ops::Range;

/// The largest message body SQS accepts (256 KiB; queues may be configured
/// lower, never higher for `SendMessageBatch` as a whole).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// `SendMessageBatch` takes at most 10 entries…
pub const MAX_BATCH_ENTRIES: usize = 10;
/// …whose bodies add up to at most 256 KiB.
pub const MAX_BATCH_BYTES: usize = 256 * 1024;

const PREFIX: &str = "{\"v\":1,\"events\":[";
const SUFFIX: &str = "]}";

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
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.calls.iter().flatten()
    }
}

/// Packs with the SQS limits.
pub fn pack(events: &[&str]) -> Packing {
    pack_with(
        events,
        MAX_MESSAGE_BYTES,
        MAX_BATCH_ENTRIES,
        MAX_BATCH_BYTES,
    )
}

/// Packs with explicit limits (tests, or a queue configured smaller).
pub fn pack_with(
    events: &[&str],
    max_message: usize,
    max_entries: usize,
    max_batch: usize,
) -> Packing {
    let envelope = PREFIX.len() + SUFFIX.len();
    let mut packing = Packing::default();
    let mut messages: Vec<Message> = Vec::new();
    let mut body = String::new();
    let mut start = 0;
    let mut in_body = 0;
    // Greedy in order: an event goes into the open message if it fits,
    // else the message is closed and a new one opened. For ordered packing
    // this gives the fewest messages.
    for (index, event) in events.iter().enumerate() {
        if envelope + event.len() > max_message {
            if in_body > 0 {
                messages.push(close(&mut body, start..index));
                in_body = 0;
            }
            packing.oversized.push(index);
            start = index + 1;
            continue;
        }
        let separator = usize::from(in_body > 0);
        if in_body > 0 && body.len() + separator + event.len() + SUFFIX.len() > max_message {
            messages.push(close(&mut body, start..index));
            in_body = 0;
        }
        if in_body == 0 {
            body.push_str(PREFIX);
            start = index;
        } else {
            body.push(',');
        }
        body.push_str(event);
        in_body += 1;
    }
    if in_body > 0 {
        messages.push(close(&mut body, start..events.len()));
    }
    // Calls: consecutive messages while both limits hold.
    let mut call: Vec<Message> = Vec::new();
    let mut call_bytes = 0;
    for message in messages {
        let full = call.len() >= max_entries.max(1) || call_bytes + message.body.len() > max_batch;
        if !call.is_empty() && full {
            packing.calls.push(std::mem::take(&mut call));
            call_bytes = 0;
        }
        call_bytes += message.body.len();
        call.push(message);
    }
    if !call.is_empty() {
        packing.calls.push(call);
    }
    packing
}

fn close(body: &mut String, events: Range<usize>) -> Message {
    body.push_str(SUFFIX);
    Message {
        body: std::mem::take(body),
        events,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn event(i: usize, pad: usize) -> String {
        format!("{{\"id\":\"e{i}\",\"pad\":\"{}\"}}", "x".repeat(pad))
    }

    /// Every event exactly once, in order, each message valid JSON within
    /// the limits, each call within its limits.
    fn check(
        events: &[String],
        packing: &Packing,
        max_message: usize,
        max_entries: usize,
        max_batch: usize,
    ) {
        let mut seen = Vec::new();
        for call in &packing.calls {
            assert!(!call.is_empty() && call.len() <= max_entries);
            let bytes: usize = call.iter().map(|m| m.body.len()).sum();
            assert!(bytes <= max_batch || call.len() == 1, "{bytes}");
            for message in call {
                assert!(message.body.len() <= max_message);
                let json: serde_json::Value = serde_json::from_str(&message.body).unwrap();
                assert_eq!(json["v"], 1);
                let carried = json["events"].as_array().unwrap();
                assert_eq!(carried.len(), message.events.len());
                for (value, index) in carried.iter().zip(message.events.clone()) {
                    assert_eq!(value.to_string(), events[index]);
                    seen.push(index);
                }
            }
        }
        seen.extend(&packing.oversized);
        seen.sort_unstable();
        assert_eq!(seen, (0..events.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_queue_batch_of_scans_is_one_message_in_one_call() {
        let events: Vec<String> = (0..100).map(|i| event(i, 300)).collect();
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        let packing = pack(&refs);
        assert_eq!(packing.calls.len(), 1);
        assert_eq!(packing.calls[0].len(), 1);
        assert_eq!(packing.calls[0][0].events, 0..100);
        check(
            &events,
            &packing,
            MAX_MESSAGE_BYTES,
            MAX_BATCH_ENTRIES,
            MAX_BATCH_BYTES,
        );
    }

    #[test]
    fn messages_fill_to_the_limit_and_calls_respect_theirs() {
        let events: Vec<String> = (0..50).map(|i| event(i, 80)).collect();
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        // ~100-byte events, 1 KiB messages: 9 per message, 6 messages,
        // 2 KiB calls: two messages per call.
        let packing = pack_with(&refs, 1024, 10, 2048);
        check(&events, &packing, 1024, 10, 2048);
        assert_eq!(packing.messages().count(), 6);
        assert!(packing.calls.iter().all(|c| c.len() <= 2));
        let ten = pack_with(&refs, 200, 10, usize::MAX);
        assert!(ten.calls.iter().all(|c| c.len() <= 10));
        assert_eq!(ten.calls.len(), 5, "50 messages, 10 per call");
    }

    #[test]
    fn an_event_too_large_for_any_message_is_reported_and_the_rest_still_sent() {
        let events = vec![event(0, 10), event(1, 5000), event(2, 10)];
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        let packing = pack_with(&refs, 1024, 10, 4096);
        assert_eq!(packing.oversized, vec![1]);
        let carried: Vec<_> = packing.messages().map(|m| m.events.clone()).collect();
        assert_eq!(carried, vec![0..1, 2..3]);
        check(&events, &packing, 1024, 10, 4096);
    }

    #[test]
    fn nothing_to_send_is_no_call() {
        assert_eq!(pack(&[]), Packing::default());
    }

    proptest! {
        #[test]
        fn any_sizes_pack_every_event_exactly_once(
            pads in prop::collection::vec(0usize..600, 0..120),
            max_message in 64usize..2048,
            max_entries in 1usize..12,
            max_batch in 64usize..8192,
        ) {
            let events: Vec<String> = pads.iter().enumerate().map(|(i, &p)| event(i, p)).collect();
            let refs: Vec<&str> = events.iter().map(String::as_str).collect();
            let packing = pack_with(&refs, max_message, max_entries, max_batch);
            check(&events, &packing, max_message, max_entries, max_batch);
            // Oversized means oversized: alone it would not fit.
            for &i in &packing.oversized {
                prop_assert!(events[i].len() + PREFIX.len() + SUFFIX.len() > max_message);
            }
        }
    }
}
