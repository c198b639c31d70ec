//! Per-dimension scan counts of a link-hour: which countries, devices,
//! referrers… the scans came from, keyed by each value's stable text form.

use std::collections::BTreeMap;

use scanly_shared::event::{ScanEvent, ScanSource};
use serde::{Deserialize, Serialize};

/// The most named keys a free-text dimension (region, city, referrer,
/// language, variant) keeps per link-hour; later new keys count under
/// [`OTHER`]. Keys are admitted first come, first kept: a key that is large
/// in an hour is almost always among its first hundred.
pub const MAX_KEYS: usize = 100;
/// The most bytes of key text a free-text dimension keeps per link-hour,
/// so that an item stays under DynamoDB's 400 KB whatever the names'
/// lengths: 100 city names of 100 ASCII characters fit exactly, 100 of
/// 100 four-byte characters would not.
pub const MAX_KEY_BYTES: usize = 10_000;
/// Where scans with keys beyond the caps are counted.
pub const OTHER: &str = "(other)";
/// The key for a scan without a country, region, city or language.
pub const UNKNOWN: &str = "unknown";
/// The referrer key for a scan without a referrer.
pub const DIRECT: &str = "direct";

/// Scan counts per key, one map per dimension. Every counted scan adds one
/// to each dimension except `variant`, which only scans of an A/B split
/// carry; bots are never in here.
///
/// The field order is part of the stored encoding (postcard writes fields
/// in declaration order): changing it needs a new format version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dimensions {
    pub country: BTreeMap<String, u64>,
    pub region: BTreeMap<String, u64>,
    pub city: BTreeMap<String, u64>,
    pub device: BTreeMap<String, u64>,
    pub os: BTreeMap<String, u64>,
    pub browser: BTreeMap<String, u64>,
    pub referrer: BTreeMap<String, u64>,
    pub language: BTreeMap<String, u64>,
    pub variant: BTreeMap<String, u64>,
    pub source: BTreeMap<String, u64>,
}

impl Dimensions {
    /// Counts one scan in every dimension it has a value for.
    pub(crate) fn count(&mut self, event: &ScanEvent) {
        let country = event.country.as_ref().map(|c| c.as_str());
        increment(&mut self.country, present(country).unwrap_or(UNKNOWN));
        let region = present(event.region.as_deref()).unwrap_or(UNKNOWN);
        increment_capped(&mut self.region, region);
        let city = present(event.city.as_deref()).unwrap_or(UNKNOWN);
        increment_capped(&mut self.city, city);
        increment(&mut self.device, event.device.as_str());
        increment(&mut self.os, event.os.as_str());
        increment(&mut self.browser, event.browser.as_str());
        let referrer = present(event.referrer_host.as_deref()).unwrap_or(DIRECT);
        increment_capped(&mut self.referrer, referrer);
        let language = event.language.as_ref().map(|l| l.as_str());
        increment_capped(&mut self.language, present(language).unwrap_or(UNKNOWN));
        if let Some(variant) = present(event.variant.as_deref()) {
            increment_capped(&mut self.variant, variant);
        }
        increment(&mut self.source, source_key(event.source));
    }

    /// Adds every count of `other` (no caps: reports cut their own).
    pub fn add(&mut self, other: &Dimensions) {
        for (mine, theirs) in self.maps_mut().into_iter().zip(other.maps()) {
            for (key, count) in theirs {
                let entry = mine.entry(key.clone()).or_default();
                *entry = entry.saturating_add(*count);
            }
        }
    }

    /// The maps in declaration order.
    pub(crate) fn maps(&self) -> [&BTreeMap<String, u64>; 10] {
        [
            &self.country,
            &self.region,
            &self.city,
            &self.device,
            &self.os,
            &self.browser,
            &self.referrer,
            &self.language,
            &self.variant,
            &self.source,
        ]
    }

    fn maps_mut(&mut self) -> [&mut BTreeMap<String, u64>; 10] {
        [
            &mut self.country,
            &mut self.region,
            &mut self.city,
            &mut self.device,
            &mut self.os,
            &mut self.browser,
            &mut self.referrer,
            &mut self.language,
            &mut self.variant,
            &mut self.source,
        ]
    }
}

/// The serde name of a [`ScanSource`] (`qr` or `link`).
pub fn source_key(source: ScanSource) -> &'static str {
    match source {
        ScanSource::Qr => "qr",
        ScanSource::Link => "link",
    }
}

/// An empty or blank value says as little as a missing one.
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

fn increment(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(count) => *count = count.saturating_add(1),
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

/// Counts `key`, or [`OTHER`] when `key` is new and the map already holds
/// [`MAX_KEYS`] named keys or adding it would pass [`MAX_KEY_BYTES`].
fn increment_capped(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(count) = map.get_mut(key) {
        *count = count.saturating_add(1);
        return;
    }
    let (keys, bytes) = map
        .keys()
        .filter(|k| k.as_str() != OTHER)
        .fold((0usize, 0usize), |(n, b), k| (n + 1, b + k.len()));
    let fits = keys < MAX_KEYS && bytes.saturating_add(key.len()) <= MAX_KEY_BYTES;
    increment(map, if fits { key } else { OTHER });
}
