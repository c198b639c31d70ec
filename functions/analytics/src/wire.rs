//! SQS message bodies for scan events, written by ingest and read by the
//! rollup.
//!
//! A body is
//! `{"v":1,"encoding":"gzip+base64","count":N,"data":"<base64>"}`, where
//! `data` is the standard (padded) base64 of one gzip stream of `N` lines
//! of event JSON joined by `\n` (no trailing newline). Compression is about
//! cost: a rollup invocation carries at most 6 MB of records, and the more
//! events it sees the fewer DynamoDB writes each scan costs. A realistic
//! event is ~440 bytes of JSON and ~80 encoded (measured in the tests).
//!
//! [`encode`] packs events, in order, into as few bodies as fit the SQS
//! size limit, each event in exactly one body, then groups the bodies into
//! `SendMessageBatch` calls ([`sqs_batch::group`]). [`decode`] accepts
//! exactly this envelope and nothing else, and bounds the decompressed size
//! so that a gzip bomb is an error, not an out-of-memory Lambda.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use flate2::Compression;
use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;
use scanly_shared::event::ScanEvent;
use serde::Deserialize;

use crate::sqs_batch::{
    self, MAX_BATCH_BYTES, MAX_BATCH_ENTRIES, MAX_MESSAGE_BYTES, Message, Packing,
};

/// The envelope version this module writes and reads.
pub const VERSION: u64 = 1;
/// The only `encoding` there is.
pub const ENCODING: &str = "gzip+base64";
/// The most decompressed text [`decode`] accepts. A full 256 KiB body of
/// realistic events decompresses to ~1 MB; 32 MiB leaves room for
/// compressible events while a bomb (gzip reaches ~1000:1) stops here.
pub const MAX_DECODED_BYTES: usize = 32 * 1024 * 1024;

/// Parts are sized for this share of the limit, because a part compresses a
/// little worse than the run it came from (less shared history).
const FILL_PERCENT: usize = 90;

/// Why a body is not a scan-event message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("not a scan-event message envelope: {0}")]
    NotAnEnvelope(String),
    #[error("unsupported message version {0} (expected {VERSION})")]
    UnsupportedVersion(u64),
    #[error("unsupported encoding {0:?} (expected {ENCODING:?})")]
    UnknownEncoding(String),
    #[error("the data is not standard padded base64")]
    Base64,
    #[error("the data is not a gzip stream: {0}")]
    Gzip(String),
    #[error("{0} bytes follow the gzip stream")]
    TrailingBytes(usize),
    #[error("the data decompresses to more than {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    #[error("the decompressed data is not UTF-8")]
    NotUtf8,
    #[error("the message declares {declared} events but holds {found}")]
    CountMismatch { declared: u64, found: usize },
    #[error("event on line {line}: {reason}")]
    Event { line: usize, reason: String },
}

/// Packs events into bodies and calls with the SQS limits.
pub fn encode(events: &[&str]) -> Packing {
    encode_with(
        events,
        MAX_MESSAGE_BYTES,
        MAX_BATCH_ENTRIES,
        MAX_BATCH_BYTES,
    )
}

/// Packs with explicit limits (tests, or a queue configured smaller).
///
/// `events` are the JSON texts of validated events. A newline inside one
/// can only be insignificant whitespace (JSON strings cannot hold a raw
/// control character), so it is written as a space to keep one event per
/// line. An event whose body alone exceeds `max_body` is listed in
/// `oversized`, never dropped silently.
///
/// Bodies are near-minimal: a run that does not fit is split into as many
/// parts as its size suggests (recursively, until each part fits), then
/// neighbouring bodies are merged whenever the merge fits, so no two
/// adjacent bodies could have been one.
pub fn encode_with(
    events: &[&str],
    max_body: usize,
    max_entries: usize,
    max_batch: usize,
) -> Packing {
    let mut packer = Packer {
        events,
        max_body,
        messages: Vec::new(),
        oversized: Vec::new(),
    };
    packer.split_until_fitting(0..events.len());
    let messages = packer.merge_neighbours();
    Packing {
        calls: sqs_batch::group(messages, max_entries, max_batch),
        oversized: packer.oversized,
    }
}

struct Packer<'a> {
    events: &'a [&'a str],
    max_body: usize,
    messages: Vec<Message>,
    oversized: Vec<usize>,
}

impl Packer<'_> {
    /// The body for `run`, if it fits.
    fn fitting_body(&self, run: Range<usize>) -> Result<String, usize> {
        let events = self.events.get(run).unwrap_or_default();
        match body(events) {
            Ok(body) if body.len() <= self.max_body => Ok(body),
            Ok(body) => Err(body.len()),
            // Compressing into memory cannot fail; were it to, the events
            // are reported rather than lost.
            Err(_) => Err(usize::MAX),
        }
    }

    fn split_until_fitting(&mut self, run: Range<usize>) {
        if run.is_empty() {
            return;
        }
        match self.fitting_body(run.clone()) {
            Ok(body) => self.messages.push(Message { body, events: run }),
            Err(_) if run.len() == 1 => self.oversized.push(run.start),
            Err(size) => {
                let target = (self.max_body / 100).saturating_mul(FILL_PERCENT).max(1);
                let parts = size.div_ceil(target).clamp(2, run.len());
                let (base, extra) = (run.len() / parts, run.len() % parts);
                let mut start = run.start;
                for part in 0..parts {
                    let len = base + usize::from(part < extra);
                    self.split_until_fitting(start..start + len);
                    start += len;
                }
            }
        }
    }

    /// Merges adjacent bodies (no oversized event between them) while the
    /// merged body fits. Always tried: a run often compresses to less than
    /// its halves did apart (shared history), so sizes cannot predict it.
    fn merge_neighbours(&mut self) -> Vec<Message> {
        let mut merged: Vec<Message> = Vec::with_capacity(self.messages.len());
        for next in std::mem::take(&mut self.messages) {
            let attempt = merged
                .last()
                .filter(|last| last.events.end == next.events.start)
                .map(|last| last.events.start..next.events.end)
                .and_then(|run| Some((run.clone(), self.fitting_body(run).ok()?)));
            match (attempt, merged.last_mut()) {
                (Some((events, body)), Some(last)) => *last = Message { body, events },
                _ => merged.push(next),
            }
        }
        merged
    }
}

/// The body for these events.
fn body(events: &[&str]) -> std::io::Result<String> {
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    for (index, event) in events.iter().enumerate() {
        if index > 0 {
            gzip.write_all(b"\n")?;
        }
        let line: Cow<'_, str> = if event.contains('\n') {
            Cow::Owned(event.replace('\n', " "))
        } else {
            Cow::Borrowed(event)
        };
        gzip.write_all(line.as_bytes())?;
    }
    let data = BASE64.encode(gzip.finish()?);
    Ok(format!(
        "{{\"v\":{VERSION},\"encoding\":\"{ENCODING}\",\"count\":{},\"data\":\"{data}\"}}",
        events.len()
    ))
}

/// Only the version, read first so that a future envelope is reported as
/// such rather than as malformed.
#[derive(Deserialize)]
struct VersionProbe {
    v: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    // Checked by the probe; listed so that it is not an unknown field.
    #[serde(rename = "v")]
    _version: u64,
    #[serde(borrow)]
    encoding: Cow<'a, str>,
    count: u64,
    #[serde(borrow)]
    data: Cow<'a, str>,
}

/// Reads a body written by [`encode`]. Never panics: anything but exactly
/// this envelope, holding exactly `count` events that parse, is an error.
pub fn decode(body: &str) -> Result<Vec<ScanEvent>, WireError> {
    let text = decompress(body)?;
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split('\n')
        .enumerate()
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|error| WireError::Event {
                line: index + 1,
                reason: error.to_string(),
            })
        })
        .collect()
}

/// The envelope's event lines as one text, checked against `count`.
pub(crate) fn decompress(body: &str) -> Result<String, WireError> {
    let not_envelope = |error: serde_json::Error| WireError::NotAnEnvelope(error.to_string());
    let probe: VersionProbe = serde_json::from_str(body).map_err(not_envelope)?;
    if probe.v != VERSION {
        return Err(WireError::UnsupportedVersion(probe.v));
    }
    let envelope: Envelope<'_> = serde_json::from_str(body).map_err(not_envelope)?;
    if envelope.encoding != ENCODING {
        let shown: String = envelope.encoding.chars().take(32).collect();
        return Err(WireError::UnknownEncoding(shown));
    }
    let compressed = BASE64
        .decode(envelope.data.as_bytes())
        .map_err(|_| WireError::Base64)?;
    let mut decoder = GzDecoder::new(compressed.as_slice());
    let mut text = Vec::new();
    // One byte over the bound is enough to know it is over.
    let limit = u64::try_from(MAX_DECODED_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    (&mut decoder)
        .take(limit)
        .read_to_end(&mut text)
        .map_err(|error| WireError::Gzip(error.to_string()))?;
    if text.len() > MAX_DECODED_BYTES {
        return Err(WireError::TooLarge);
    }
    let rest = decoder.into_inner().len();
    if rest > 0 {
        return Err(WireError::TrailingBytes(rest));
    }
    let text = String::from_utf8(text).map_err(|_| WireError::NotUtf8)?;
    let found = if text.is_empty() {
        0
    } else {
        text.split('\n').count()
    };
    if u64::try_from(found).ok() != Some(envelope.count) {
        return Err(WireError::CountMismatch {
            declared: envelope.count,
            found,
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests;
