//! The stored encoding of stats items: one format-version byte, then the
//! item in postcard (fields in declaration order; integers and lengths as
//! unsigned LEB128 varints; strings and byte strings as length + bytes;
//! maps as length + key/value pairs).
//!
//! Writing is done here by hand, because it cannot fail while postcard's
//! serializer returns a `Result` the item could do nothing sensible with;
//! a test checks the bytes equal postcard's own. Reading goes through
//! postcard and serde, which never panic on malformed input.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Dimensions, RollupError};

/// Version byte of the encoding this module writes and reads.
pub const FORMAT_VERSION: u8 = 1;

/// Appends postcard's encoding of values to a buffer, infallibly.
pub(super) struct Writer(Vec<u8>);

impl Writer {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        let mut out = Vec::with_capacity(capacity.saturating_add(1));
        out.push(FORMAT_VERSION);
        Self(out)
    }

    pub(super) fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        self.varint(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }

    pub(super) fn map(&mut self, map: &BTreeMap<String, u64>) {
        self.varint(map.len() as u64);
        for (key, count) in map {
            self.bytes(key.as_bytes());
            self.varint(*count);
        }
    }

    pub(super) fn dimensions(&mut self, dimensions: &Dimensions) {
        for map in dimensions.maps() {
            self.map(map);
        }
    }

    pub(super) fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Checks the version byte and reads the postcard body, all of it.
pub(super) fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, RollupError> {
    let (&version, body) = bytes.split_first().ok_or(RollupError::Empty)?;
    if version != FORMAT_VERSION {
        return Err(RollupError::UnsupportedVersion(version));
    }
    let (value, rest) = postcard::take_from_bytes::<T>(body)
        .map_err(|error| RollupError::Malformed(error.to_string()))?;
    if !rest.is_empty() {
        return Err(RollupError::TrailingBytes(rest.len()));
    }
    Ok(value)
}

/// A link-hour as read (field order = the writer's).
#[derive(Deserialize)]
pub(super) struct StoredLinkHour {
    pub(super) scans: u64,
    pub(super) bots: u64,
    pub(super) unremembered: u64,
    pub(super) dims: Dimensions,
    /// [`HyperLogLog::to_bytes`](crate::hll::HyperLogLog::to_bytes).
    pub(super) visitors: Vec<u8>,
    /// The fingerprints, 8 bytes little-endian each, strictly increasing.
    pub(super) seen: Vec<u8>,
}

/// A workspace-hour as read.
#[derive(Deserialize)]
pub(super) struct StoredWorkspaceHour {
    pub(super) links: BTreeMap<String, u64>,
}
