#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;

use super::*;
use crate::fixtures::{self, NOV_21_2026_MS};

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn envelope(count: u64, compressed: &[u8]) -> String {
    format!(
        r#"{{"v":1,"encoding":"gzip+base64","count":{count},"data":"{}"}}"#,
        BASE64.encode(compressed)
    )
}

/// The invariants of any packing: bodies within `max_body`, calls within
/// their limits, every event in exactly one message or in `oversized`, in
/// order, and each body carrying exactly its events' lines.
fn check(
    lines: &[String],
    packing: &Packing,
    max_body: usize,
    max_entries: usize,
    max_batch: usize,
) {
    let mut carried = Vec::new();
    for call in &packing.calls {
        assert!(!call.is_empty() && call.len() <= max_entries.max(1));
        let bytes: usize = call.iter().map(|m| m.body.len()).sum();
        assert!(bytes <= max_batch || call.len() == 1, "{bytes}");
        for message in call {
            assert!(message.body.len() <= max_body, "{}", message.body.len());
            let text = decompress(&message.body).unwrap();
            let expected: Vec<String> = lines[message.events.clone()]
                .iter()
                .map(|l| l.replace('\n', " "))
                .collect();
            assert_eq!(text, expected.join("\n"));
            carried.extend(message.events.clone());
        }
    }
    let mut all = carried.clone();
    all.extend(&packing.oversized);
    all.sort_unstable();
    assert_eq!(all, (0..lines.len()).collect::<Vec<_>>(), "each event once");
    assert!(carried.windows(2).all(|w| w[0] < w[1]), "order kept");
}

#[test]
fn a_hundred_realistic_scans_are_one_small_message() {
    let events = fixtures::batch(1, 100, NOV_21_2026_MS);
    let lines = fixtures::json_lines(&events);
    let packing = encode(&refs(&lines));
    assert_eq!(packing.calls.len(), 1);
    assert_eq!(packing.calls[0].len(), 1);
    let message = &packing.calls[0][0];
    assert_eq!(message.events, 0..100);
    assert_eq!(decode(&message.body).unwrap(), events);

    // Measured: 443 bytes of JSON per event become 79 in the body (the
    // random event id and visitor hash are most of what remains).
    let json_per_event = lines.iter().map(String::len).sum::<usize>() / lines.len();
    let encoded_per_event = message.body.len() / lines.len();
    assert!(
        (380..480).contains(&json_per_event),
        "{json_per_event} bytes of JSON per event"
    );
    assert!(
        encoded_per_event < 110,
        "{encoded_per_event} encoded bytes per event"
    );
    assert!(
        encoded_per_event * 3 < json_per_event,
        "{encoded_per_event} vs {json_per_event}"
    );
}

#[test]
fn thousands_of_scans_round_trip_in_order_within_every_limit() {
    // 6,000 realistic events (~2.7 MB of JSON, ~410 KB encoded) need two
    // bodies: the fewest possible.
    let events = fixtures::batch(2, 6_000, NOV_21_2026_MS);
    let lines = fixtures::json_lines(&events);
    let packing = encode(&refs(&lines));
    check(
        &lines,
        &packing,
        MAX_MESSAGE_BYTES,
        MAX_BATCH_ENTRIES,
        MAX_BATCH_BYTES,
    );
    assert!(packing.oversized.is_empty());
    let decoded: Vec<ScanEvent> = packing
        .messages()
        .flat_map(|m| decode(&m.body).unwrap())
        .collect();
    assert_eq!(decoded, events);
    let count = packing.messages().count();
    assert_eq!(count, 2);
    // Near-full: the bodies average at least half the limit.
    let bytes: usize = packing.messages().map(|m| m.body.len()).sum();
    assert!(
        bytes / count > MAX_MESSAGE_BYTES / 2,
        "{} per body",
        bytes / count
    );
}

#[test]
fn no_two_neighbouring_bodies_could_have_been_one() {
    let events = fixtures::batch(3, 400, NOV_21_2026_MS);
    let lines = fixtures::json_lines(&events);
    let max_body = 4096;
    let packing = encode_with(&refs(&lines), max_body, 3, 8192);
    check(&lines, &packing, max_body, 3, 8192);
    let messages: Vec<&Message> = packing.messages().collect();
    assert!(messages.len() > 5);
    for pair in messages.windows(2) {
        let run = &refs(&lines)[pair[0].events.start..pair[1].events.end];
        assert!(body(run).unwrap().len() > max_body);
    }
}

#[test]
fn an_event_too_large_for_any_body_is_reported_and_the_rest_still_sent() {
    let mut rng = fixtures::SplitMix(4);
    // Random hex does not compress below half its size.
    let noise: String = (0..8_000).map(|_| format!("{:x}", rng.below(16))).collect();
    let lines = vec![
        r#"{"n":0}"#.to_owned(),
        format!(r#"{{"n":1,"pad":"{noise}"}}"#),
        r#"{"n":2}"#.to_owned(),
    ];
    let packing = encode_with(&refs(&lines), 1024, 10, 4096);
    assert_eq!(packing.oversized, vec![1]);
    let carried: Vec<_> = packing.messages().map(|m| m.events.clone()).collect();
    assert_eq!(carried, vec![0..1, 2..3]);
    check(&lines, &packing, 1024, 10, 4096);
}

#[test]
fn a_pretty_printed_event_still_travels_on_one_line() {
    let events = fixtures::batch(5, 3, NOV_21_2026_MS);
    let lines: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_string_pretty(e).unwrap())
        .collect();
    let packing = encode(&refs(&lines));
    let message = packing.messages().next().unwrap();
    assert_eq!(decode(&message.body).unwrap(), events);
}

#[test]
fn nothing_to_send_is_no_call_and_an_empty_message_holds_no_events() {
    assert_eq!(encode(&[]), Packing::default());
    assert_eq!(decode(&envelope(0, &gzip(b""))).unwrap(), Vec::new());
}

#[test]
fn anything_but_the_exact_envelope_is_refused() {
    let events = fixtures::batch(6, 2, NOV_21_2026_MS);
    let lines = fixtures::json_lines(&events);
    let text = lines.join("\n");
    let good = envelope(2, &gzip(text.as_bytes()));
    assert_eq!(decode(&good).unwrap(), events);

    let not_envelope = |body: &str| matches!(decode(body), Err(WireError::NotAnEnvelope(_)));
    assert!(not_envelope(""));
    assert!(not_envelope("[]"));
    assert!(not_envelope(r#"{"events":[]}"#));
    assert!(not_envelope(&good.replace("\"count\":2,", "")));
    assert!(not_envelope(
        &good.replace("{\"v\":1,", "{\"v\":1,\"extra\":0,")
    ));
    assert!(not_envelope(&good.replace("\"count\":2", "\"count\":-2")));
    assert!(not_envelope(&format!("{good} trailing")));

    let cases = [
        (
            good.replace("\"v\":1", "\"v\":2"),
            WireError::UnsupportedVersion(2),
        ),
        (
            good.replace("gzip+base64", "gzip"),
            WireError::UnknownEncoding("gzip".into()),
        ),
        (
            good.replace("\"data\":\"", "\"data\":\"!"),
            WireError::Base64,
        ),
        (
            envelope(2, &gzip(text.as_bytes())).replace("\"count\":2", "\"count\":3"),
            WireError::CountMismatch {
                declared: 3,
                found: 2,
            },
        ),
        (
            envelope(2, &gzip(format!("{text}\n").as_bytes())),
            WireError::CountMismatch {
                declared: 2,
                found: 3,
            },
        ),
        (
            envelope(1, &[gzip(text.as_bytes()), vec![0]].concat()),
            WireError::TrailingBytes(1),
        ),
        (envelope(1, &gzip(&[0xff, 0xfe])), WireError::NotUtf8),
    ];
    for (body, expected) in cases {
        assert_eq!(decode(&body), Err(expected), "{body:.120}");
    }
    assert!(matches!(
        decode(&envelope(1, b"not gzip")),
        Err(WireError::Gzip(_))
    ));
    let tampered = lines[1].replace("\"bot\":", "\"ip\":\"203.0.113.7\",\"bot\":");
    assert!(matches!(
        decode(&envelope(
            2,
            &gzip(format!("{}\n{tampered}", lines[0]).as_bytes())
        )),
        Err(WireError::Event { line: 2, .. })
    ));
}

#[test]
fn a_gzip_bomb_is_refused_without_inflating_it() {
    // 33 MiB of zeros compress to ~33 KB.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..33 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 100_000);
    assert_eq!(decode(&envelope(1, &bomb)), Err(WireError::TooLarge));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_events_and_limits_pack_every_event_exactly_once(
        events in prop::collection::vec("[a-z0-9 ]{0,300}", 0..60),
        max_body in 100usize..2048,
        max_entries in 0usize..12,
        max_batch in 0usize..8192,
    ) {
        let lines: Vec<String> = events
            .iter()
            .enumerate()
            .map(|(i, pad)| format!(r#"{{"i":{i},"pad":"{pad}"}}"#))
            .collect();
        let packing = encode_with(&refs(&lines), max_body, max_entries, max_batch);
        check(&lines, &packing, max_body, max_entries, max_batch);
        for &i in &packing.oversized {
            prop_assert!(body(&[lines[i].as_str()]).unwrap().len() > max_body);
        }
    }

    #[test]
    fn decoding_any_text_never_panics(text in "\\PC{0,400}") {
        let _ = decode(&text);
    }

    #[test]
    fn decoding_any_data_in_a_well_formed_envelope_never_panics(
        count in 0u64..5,
        data in prop::collection::vec(any::<u8>(), 0..400),
        gzipped in any::<bool>(),
    ) {
        let data = if gzipped { gzip(&data) } else { data };
        let _ = decode(&envelope(count, &data));
    }

    #[test]
    fn a_corrupted_body_is_refused_or_reads_as_the_original(
        seed in any::<u64>(),
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
        truncate in any::<bool>(),
    ) {
        let events = fixtures::batch(seed, 3, NOV_21_2026_MS);
        let lines = fixtures::json_lines(&events);
        let body = encode(&refs(&lines)).calls[0][0].body.clone();
        let mut bytes = body.into_bytes();
        let at = position.index(bytes.len());
        if truncate {
            bytes.truncate(at);
        } else {
            bytes[at] = replacement;
        }
        let corrupted = String::from_utf8_lossy(&bytes);
        if let Ok(decoded) = decode(&corrupted) {
            prop_assert_eq!(decoded, events);
        }
    }
}
