//! The state of the stats items the rollup writes and the query API reads:
//! one [`LinkHour`] per link per UTC hour, one [`WorkspaceHour`] per
//! workspace per UTC hour (see `docs/analytics.md`, "What an item holds").
//!
//! Counting is exactly once by construction: a link-hour remembers the
//! fingerprints of the event ids it has counted, in the same item as the
//! counters, so applying an event twice (redelivery, retry, replay) changes
//! nothing the second time. Applying is commutative below the caps: any
//! order, duplicates and split into batches (encoded and decoded between
//! them) give the same bytes as applying the distinct events once.
//!
//! # Size
//!
//! A link-hour remembers at most [`MAX_REMEMBERED`] = 32,768 fingerprints
//! (256 KiB); its sketch is at most 12,291 bytes (dense); each free-text
//! dimension holds at most [`MAX_KEYS`] keys and [`MAX_KEY_BYTES`] of key
//! text (~11 KB with counts), the others are bounded by their enums and the
//! ~250 country codes. The tests fill every bound at once and measure under
//! 350,000 bytes, within DynamoDB's 400 KB item limit.

mod codec;
mod dimensions;
#[cfg(test)]
mod tests;
mod workspace;

use scanly_shared::event::{EventId, ScanEvent};
use serde::{Deserialize, Serialize};

use crate::hll::{self, HllError, HyperLogLog};

pub use codec::FORMAT_VERSION;
pub use dimensions::{DIRECT, Dimensions, MAX_KEY_BYTES, MAX_KEYS, OTHER, UNKNOWN, source_key};
pub use workspace::WorkspaceHour;

/// The most event fingerprints a link-hour remembers (8 bytes each).
/// Beyond it, events are still counted but not remembered.
pub const MAX_REMEMBERED: usize = 32_768;

const MS_PER_HOUR: i64 = 3_600_000;

/// An hour of UTC: hours since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hour(pub i64);

impl Hour {
    /// The hour containing the instant (Unix milliseconds; before 1970 too).
    pub fn of_ms(unix_ms: i64) -> Self {
        Self(unix_ms.div_euclid(MS_PER_HOUR))
    }

    /// The hour's first millisecond (saturating for hours no clock reaches).
    pub fn start_ms(self) -> i64 {
        self.0.saturating_mul(MS_PER_HOUR)
    }
}

/// What [`LinkHour::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applied {
    /// A new scan: counted in `scans`, every dimension and the visitors.
    Counted,
    /// A new bot request: counted in `bots` only.
    Bot,
    /// Already counted: nothing changed.
    Duplicate,
}

/// Why bytes are not a stats item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollupError {
    #[error("the stats item is empty")]
    Empty,
    #[error("unsupported stats item format version {0} (expected {FORMAT_VERSION})")]
    UnsupportedVersion(u8),
    #[error("malformed stats item: {0}")]
    Malformed(String),
    #[error("{0} unexpected bytes after the stats item")]
    TrailingBytes(usize),
    #[error("the visitor sketch: {0}")]
    Sketch(#[from] HllError),
    #[error("the remembered event ids are not a whole number of 8-byte fingerprints")]
    SeenLength,
    #[error("the remembered event ids are not strictly increasing")]
    SeenNotSorted,
    #[error("{0} remembered event ids (at most {MAX_REMEMBERED})")]
    TooManyRemembered(usize),
    #[error("{0:?} is not a link id")]
    BadLinkId(String),
}

/// The 64-bit fingerprint under which a link-hour remembers an event:
/// XXH64 (seed 0) of the id's 16 UUID bytes, as [`hll::hash_bytes`].
pub fn fingerprint(id: &EventId) -> u64 {
    hll::hash_bytes(id.as_uuid().as_bytes())
}

/// The stats of one link in one UTC hour. The caller applies only events of
/// that link and hour.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct LinkHour {
    scans: u64,
    bots: u64,
    /// Events counted after `seen` was full, whose ids are not remembered.
    unremembered: u64,
    dims: Dimensions,
    visitors: HyperLogLog,
    /// Fingerprints of the events counted, sorted, without repeats.
    seen: Vec<u64>,
}

impl std::fmt::Debug for LinkHour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkHour")
            .field("scans", &self.scans)
            .field("bots", &self.bots)
            .field("unremembered", &self.unremembered)
            .field("remembered", &self.seen.len())
            .field("dims", &self.dims)
            .field("visitors", &self.visitors)
            .finish()
    }
}

impl LinkHour {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts `event` unless this item already has. Bots are remembered
    /// too, so a redelivered bot request is not counted twice either.
    pub fn apply(&mut self, event: &ScanEvent) -> Applied {
        let fingerprint = fingerprint(&event.id);
        match self.seen.binary_search(&fingerprint) {
            Ok(_) => return Applied::Duplicate,
            Err(at) if self.seen.len() < MAX_REMEMBERED => self.seen.insert(at, fingerprint),
            Err(_) => self.unremembered = self.unremembered.saturating_add(1),
        }
        if event.bot {
            self.bots = self.bots.saturating_add(1);
            return Applied::Bot;
        }
        self.scans = self.scans.saturating_add(1);
        self.dims.count(event);
        // The visitor's text form (32 hex digits) is what the event carries,
        // so any other reader of the events can rebuild the same sketch.
        self.visitors
            .insert(String::from(event.visitor_hash).as_bytes());
        Applied::Counted
    }

    /// Scans counted (bots excluded).
    pub fn scans(&self) -> u64 {
        self.scans
    }

    /// Bot requests counted (never scans).
    pub fn bots(&self) -> u64 {
        self.bots
    }

    /// Events counted without remembering their ids (the cap was reached):
    /// for these only, a redelivery could count twice.
    pub fn unremembered(&self) -> u64 {
        self.unremembered
    }

    pub fn dimensions(&self) -> &Dimensions {
        &self.dims
    }

    /// The hour's distinct visitors.
    pub fn visitors(&self) -> &HyperLogLog {
        &self.visitors
    }

    /// How many event ids this item remembers.
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }

    /// The stored encoding: [`FORMAT_VERSION`], then postcard of the
    /// counters, the dimensions, the sketch's own encoding and the
    /// fingerprints (8 bytes little-endian each).
    pub fn to_bytes(&self) -> Vec<u8> {
        let visitors = self.visitors.to_bytes();
        let mut out = codec::Writer::with_capacity(self.seen.len() * 8 + visitors.len() + 256);
        out.varint(self.scans);
        out.varint(self.bots);
        out.varint(self.unremembered);
        out.dimensions(&self.dims);
        out.bytes(&visitors);
        let seen: Vec<u8> = self.seen.iter().flat_map(|f| f.to_le_bytes()).collect();
        out.bytes(&seen);
        out.finish()
    }

    /// Reads [`to_bytes`](Self::to_bytes)' encoding. Never panics; refuses
    /// other versions, a bad sketch, and fingerprints out of order, repeated
    /// or over the cap (which `apply` relies on).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RollupError> {
        let stored: codec::StoredLinkHour = codec::read(bytes)?;
        let (chunks, rest) = stored.seen.as_chunks::<8>();
        if !rest.is_empty() {
            return Err(RollupError::SeenLength);
        }
        if chunks.len() > MAX_REMEMBERED {
            return Err(RollupError::TooManyRemembered(chunks.len()));
        }
        let seen: Vec<u64> = chunks.iter().map(|c| u64::from_le_bytes(*c)).collect();
        if seen.windows(2).any(|pair| pair.first() >= pair.get(1)) {
            return Err(RollupError::SeenNotSorted);
        }
        Ok(Self {
            scans: stored.scans,
            bots: stored.bots,
            unremembered: stored.unremembered,
            dims: stored.dims,
            visitors: HyperLogLog::from_bytes(&stored.visitors)?,
            seen,
        })
    }
}
