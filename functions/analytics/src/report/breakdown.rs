//! A report's scans per dimension key: the hours' counts added up, the
//! free-text dimensions cut to their largest keys.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rollup::{Dimensions, OTHER};

/// The most keys a report shows for region, city, referrer and language;
/// the rest add up under `(other)`.
pub const TOP_KEYS: usize = 50;

/// Scans per key for each dimension (see
/// [`Dimensions`](crate::rollup::Dimensions) for the keys).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Breakdown {
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

impl Breakdown {
    /// The breakdown of these summed counts.
    pub(super) fn of(dims: Dimensions) -> Self {
        let Dimensions {
            country,
            region,
            city,
            device,
            os,
            browser,
            referrer,
            language,
            variant,
            source,
        } = dims;
        Self {
            country,
            region: top(region, TOP_KEYS),
            city: top(city, TOP_KEYS),
            device,
            os,
            browser,
            referrer: top(referrer, TOP_KEYS),
            language: top(language, TOP_KEYS),
            variant,
            source,
        }
    }
}

/// The `n` largest keys (ties by key), the rest, and any `(other)` the
/// hours already pooled, under `(other)`.
pub(super) fn top(mut counts: BTreeMap<String, u64>, n: usize) -> BTreeMap<String, u64> {
    let pooled = counts.remove(OTHER).unwrap_or(0);
    let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
    // Sorting is stable and the map yields keys in order: ties stay by key.
    ranked.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let rest = ranked
        .iter()
        .skip(n)
        .fold(pooled, |sum, (_, count)| sum.saturating_add(*count));
    let mut kept: BTreeMap<String, u64> = ranked.into_iter().take(n).collect();
    if rest > 0 {
        kept.insert(OTHER.to_owned(), rest);
    }
    kept
}
