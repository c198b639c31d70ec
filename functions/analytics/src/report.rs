//! What the query API answers, computed from stored stats items: a link's
//! series, totals, unique visitors and breakdown; a workspace's overview;
//! and the rows of the CSV exports.
//!
//! # Buckets
//!
//! A report covers the instants `[from, to)` in local hours or days of its
//! zone, from the bucket containing `from` to the one containing
//! `to - 1 ms`, and lists every bucket, zero or not (see `buckets` for how
//! DST changes split and skip hours).
//!
//! Stats are stored per UTC hour, so a stored hour counts if it *starts* in
//! `[from, to)`, and counts in the local bucket containing its start. In
//! zones whose offset is a whole number of hours, local hours are UTC hours
//! and this is exact. With a `:30` or `:45` offset (India, Nepal, parts of
//! Australia) a local bucket holds the UTC hour starting within it, whose
//! scans happened up to 30 or 45 minutes later than the bucket: the
//! Kolkata day of 21 November holds the UTC hours 19:00Z on the 20th to
//! 18:00Z on the 21st, i.e. scans from 00:30 to 00:30 local time.
//!
//! # Unique visitors
//!
//! A point's `unique` is the estimate of the merge of its hours' sketches;
//! the total `unique` merges every sketch in range. Visitor hashes rotate
//! every UTC day, so a visitor seen on two UTC days (including both sides
//! of UTC midnight within one local day) counts twice, by design.

mod breakdown;
mod buckets;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use scanly_shared::tz::Zone;
use serde::Serialize;

use crate::hll::HyperLogLog;
use crate::rollup::{Dimensions, Hour, LinkHour, WorkspaceHour};
use buckets::Buckets;

pub use breakdown::{Breakdown, TOP_KEYS};

/// The most buckets a report lists; a longer range is cut after the last
/// one (hours beyond it are left out of every total too). The API's own
/// limits (31 days hourly, 400 daily) stay well below.
pub const MAX_BUCKETS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Hour,
    Day,
}

/// The range and bucketing of a report. `from_ms` and `to_ms` are Unix
/// milliseconds (`to` excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    pub from_ms: i64,
    pub to_ms: i64,
    pub interval: Interval,
    pub zone: Zone,
}

/// A link's stats over a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkReport {
    pub total: u64,
    pub unique: u64,
    pub series: Vec<Point>,
    pub breakdown: Breakdown,
}

/// One bucket of a link's series; `start` is RFC 3339 with the zone's
/// offset at that instant, e.g. `2026-11-21T00:00:00+01:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Point {
    pub start: String,
    pub scans: u64,
    pub unique: u64,
}

/// A workspace's scans over a range and its most scanned links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub total: u64,
    pub series: Vec<OverviewPoint>,
    pub top_links: Vec<LinkTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverviewPoint {
    pub start: String,
    pub scans: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkTotal {
    pub link_id: String,
    pub scans: u64,
}

/// One row of the workspace CSV: a link's scans in one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceRow {
    pub start: String,
    pub link_id: String,
    pub scans: u64,
}

/// A link's report from its stored hours (one item per hour; hours outside
/// the range are ignored).
pub fn link_report(hours: &[(Hour, LinkHour)], query: &ReportQuery) -> LinkReport {
    let buckets = Buckets::new(query);
    let mut scans = vec![0u64; buckets.len()];
    let mut sketches = vec![HyperLogLog::new(); buckets.len()];
    let mut dims = Dimensions::default();
    for (hour, item) in hours {
        let Some(index) = buckets.index_of(*hour) else {
            continue;
        };
        if let (Some(count), Some(sketch)) = (scans.get_mut(index), sketches.get_mut(index)) {
            *count = count.saturating_add(item.scans());
            sketch.merge(item.visitors());
        }
        dims.add(item.dimensions());
    }
    let mut everyone = HyperLogLog::new();
    for sketch in &sketches {
        everyone.merge(sketch);
    }
    let series: Vec<Point> = buckets
        .labels()
        .into_iter()
        .zip(scans)
        .zip(&sketches)
        .map(|((start, scans), sketch)| Point {
            start,
            scans,
            unique: sketch.estimate(),
        })
        .collect();
    LinkReport {
        total: sum(series.iter().map(|p| p.scans)),
        unique: everyone.estimate(),
        series,
        breakdown: Breakdown::of(dims),
    }
}

/// A workspace's overview from its stored hours: the series, and its `top`
/// links by scans (most first, ties by id; links without scans left out).
pub fn overview(hours: &[(Hour, WorkspaceHour)], query: &ReportQuery, top: usize) -> Overview {
    let buckets = Buckets::new(query);
    let mut scans = vec![0u64; buckets.len()];
    let mut per_link: BTreeMap<&str, u64> = BTreeMap::new();
    for (hour, item) in hours {
        let Some(count) = buckets.index_of(*hour).and_then(|i| scans.get_mut(i)) else {
            continue;
        };
        *count = count.saturating_add(item.total());
        for (link, link_scans) in item.links() {
            let entry = per_link.entry(link.as_str()).or_default();
            *entry = entry.saturating_add(*link_scans);
        }
    }
    let mut ranked: Vec<(&str, u64)> = per_link.into_iter().filter(|(_, s)| *s > 0).collect();
    // Stable sort of an id-ordered list: ties stay by id.
    ranked.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let series: Vec<OverviewPoint> = buckets
        .labels()
        .into_iter()
        .zip(scans)
        .map(|(start, scans)| OverviewPoint { start, scans })
        .collect();
    Overview {
        total: sum(series.iter().map(|p| p.scans)),
        series,
        top_links: ranked
            .into_iter()
            .take(top)
            .map(|(link_id, scans)| LinkTotal {
                link_id: link_id.to_owned(),
                scans,
            })
            .collect(),
    }
}

/// The link CSV: a `start,scans,unique` header, then one line per bucket
/// (`\n`-terminated; no field needs quoting).
pub fn link_csv(report: &LinkReport) -> String {
    let mut csv = String::from("start,scans,unique\n");
    for point in &report.series {
        csv.push_str(&format!(
            "{},{},{}\n",
            point.start, point.scans, point.unique
        ));
    }
    csv
}

/// Each link's scans per bucket, without zeros, ordered by bucket (in
/// time) then link id: the rows of the workspace CSV.
pub fn workspace_rows(hours: &[(Hour, WorkspaceHour)], query: &ReportQuery) -> Vec<WorkspaceRow> {
    let buckets = Buckets::new(query);
    let mut per_bucket: Vec<BTreeMap<&str, u64>> = vec![BTreeMap::new(); buckets.len()];
    for (hour, item) in hours {
        let Some(links) = buckets.index_of(*hour).and_then(|i| per_bucket.get_mut(i)) else {
            continue;
        };
        for (link, scans) in item.links() {
            let entry = links.entry(link.as_str()).or_default();
            *entry = entry.saturating_add(*scans);
        }
    }
    buckets
        .labels()
        .into_iter()
        .zip(per_bucket)
        .flat_map(|(start, links)| {
            links
                .into_iter()
                .filter(|(_, scans)| *scans > 0)
                .map(move |(link_id, scans)| WorkspaceRow {
                    start: start.clone(),
                    link_id: link_id.to_owned(),
                    scans,
                })
        })
        .collect()
}

fn sum(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0, u64::saturating_add)
}
