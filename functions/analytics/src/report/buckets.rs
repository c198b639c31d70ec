//! The local hours or days of a report, as the instants they start at, and
//! which of them a stored UTC hour falls in.
//!
//! A bucket is a run of instants with the same local date (days) or the
//! same local hour *and* offset (hours), so the hour repeated when clocks
//! go back is two buckets, `02:00+02:00` and `02:00+01:00`, and the hour
//! skipped when they go forward is none. Boundaries are found from the
//! zone's offsets alone: the next local midnight (or hour) under the
//! current offset, unless the offset changes first.

use scanly_shared::tz::Zone;
use scanly_shared::tz::civil::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};

use super::{Interval, MAX_BUCKETS, ReportQuery};
use crate::rollup::Hour;

const MS_PER_SECOND: i64 = 1000;
/// Offsets change at most a couple of times within one bucket (none in
/// today's rules); more is a malformed rule, and the walk stops.
const MAX_TRANSITIONS_PER_BUCKET: usize = 4;

/// The buckets of one query.
#[derive(Debug)]
pub(super) struct Buckets {
    zone: Zone,
    /// Local bucket length: 3,600 or 86,400 seconds.
    len: i64,
    daily: bool,
    /// Unix seconds each bucket starts at, increasing.
    starts: Vec<i64>,
    /// Stored hours count if they start in `[from_ms, end_ms)`: the query's
    /// range, shortened to the last bucket when there are too many.
    from_ms: i64,
    end_ms: i64,
}

impl Buckets {
    pub(super) fn new(query: &ReportQuery) -> Self {
        let (len, daily) = match query.interval {
            Interval::Hour => (3_600, false),
            Interval::Day => (86_400, true),
        };
        let mut buckets = Self {
            zone: query.zone.clone(),
            len,
            daily,
            starts: Vec::new(),
            from_ms: query.from_ms,
            end_ms: query.from_ms,
        };
        if query.to_ms <= query.from_ms {
            return buckets;
        }
        let first = clamp(query.from_ms.div_euclid(MS_PER_SECOND));
        let last = clamp(query.to_ms.saturating_sub(1).div_euclid(MS_PER_SECOND));
        let mut start = buckets.start_of(first);
        let mut next = buckets.next_start(start);
        buckets.starts.push(start);
        while next <= last && buckets.starts.len() < MAX_BUCKETS {
            start = next;
            next = buckets.next_start(start);
            buckets.starts.push(start);
        }
        buckets.end_ms = query.to_ms.min(next.saturating_mul(MS_PER_SECOND));
        buckets
    }

    pub(super) fn len(&self) -> usize {
        self.starts.len()
    }

    /// The bucket a stored UTC hour counts in: the one containing the
    /// hour's start, if that start is in the range.
    pub(super) fn index_of(&self, hour: Hour) -> Option<usize> {
        let start_ms = hour.start_ms();
        if start_ms < self.from_ms || start_ms >= self.end_ms {
            return None;
        }
        let start = start_ms.div_euclid(MS_PER_SECOND);
        self.starts.partition_point(|&s| s <= start).checked_sub(1)
    }

    /// RFC 3339 local time of each bucket's start with the offset in
    /// effect then, e.g. `2026-11-21T00:00:00+01:00`.
    pub(super) fn labels(&self) -> Vec<String> {
        self.starts.iter().map(|&start| self.label(start)).collect()
    }

    fn label(&self, start: i64) -> String {
        let local = self.zone.local_time(start.saturating_mul(MS_PER_SECOND));
        let offset = self.zone.offset_at(start);
        let sign = if offset < 0 { '-' } else { '+' };
        let minutes = offset.unsigned_abs() / 60;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            minutes / 60,
            minutes % 60
        )
    }

    /// Which bucket an instant is in (buckets of equal key are one run).
    fn key(&self, t: i64) -> (i64, i32) {
        let offset = self.zone.offset_at(t);
        let wall = t.saturating_add(i64::from(offset));
        if self.daily {
            (wall.div_euclid(self.len), 0)
        } else {
            (wall.div_euclid(self.len), offset)
        }
    }

    /// The first instant after `t` in another bucket.
    fn next_start(&self, t: i64) -> i64 {
        let key = self.key(t);
        let mut at = t;
        for _ in 0..MAX_TRANSITIONS_PER_BUCKET {
            let offset = self.zone.offset_at(at);
            let wall = at.saturating_add(i64::from(offset));
            let boundary = at.saturating_add(self.len - wall.rem_euclid(self.len));
            match self.offset_change(at, boundary, offset) {
                None => return boundary,
                Some(change) if self.key(change) != key => return change,
                // E.g. clocks moving at 02:00 within a day: the day goes on.
                Some(change) => at = change,
            }
        }
        at.saturating_add(self.len)
    }

    /// The start of the bucket containing `t`: walk forward from an instant
    /// certainly in an earlier bucket (buckets are at most a length plus
    /// the largest DST shift long).
    fn start_of(&self, t: i64) -> i64 {
        let mut start = self.next_start(t.saturating_sub(self.len + 2 * 3_600));
        for _ in 0..MAX_TRANSITIONS_PER_BUCKET + 2 {
            let next = self.next_start(start);
            if next > t {
                break;
            }
            start = next;
        }
        start
    }

    /// The first instant in `(from, to]` whose offset is not `offset`, if
    /// the offset at `to` differs (a change and its reversal within one
    /// bucket do not happen in any zone's rules).
    fn offset_change(&self, from: i64, to: i64, offset: i32) -> Option<i64> {
        if self.zone.offset_at(to) == offset {
            return None;
        }
        let (mut same, mut changed) = (from, to);
        while changed - same > 1 {
            let mid = same + (changed - same) / 2;
            if self.zone.offset_at(mid) == offset {
                same = mid;
            } else {
                changed = mid;
            }
        }
        Some(changed)
    }
}

/// Keeps instants within the calendar the zone functions represent (years
/// 0–9999), so no arithmetic here can overflow.
fn clamp(unix_seconds: i64) -> i64 {
    unix_seconds.clamp(MIN_UNIX_SECONDS, MAX_UNIX_SECONDS)
}
