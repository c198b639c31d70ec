//! Local buckets: days and hours in zones with DST and :30/:45 offsets,
//! checked against hand-worked cases and against chrono-tz.

use std::collections::HashSet;

use chrono::{DateTime, Offset, TimeZone, Timelike, Utc};
use proptest::prelude::*;

use super::*;

#[test]
fn berlin_days_start_at_local_midnight() {
    let from = utc(2026, 11, 20, 23); // 2026-11-21T00:00+01:00
    let hours = [
        link_hour(Hour::of_ms(from - HOUR_MS), 7, 0), // 20 Nov, 23:00 local
        link_hour(Hour::of_ms(from), 1, 100),         // 21 Nov, 00:00
        link_hour(Hour::of_ms(from + 23 * HOUR_MS), 2, 200), // 21 Nov, 23:00
        link_hour(Hour::of_ms(from + 24 * HOUR_MS), 4, 300), // 22 Nov, 00:00
    ];
    let report = link_report(
        &hours,
        &query(from, from + 72 * HOUR_MS, Interval::Day, "Europe/Berlin"),
    );
    assert_eq!(
        starts(&report.series),
        [
            "2026-11-21T00:00:00+01:00",
            "2026-11-22T00:00:00+01:00",
            "2026-11-23T00:00:00+01:00"
        ]
    );
    assert_eq!(scans(&report.series), vec![3, 4, 0]);
    assert_eq!(report.total, 7);
}

#[test]
fn kolkata_buckets_hold_the_utc_hours_starting_in_them() {
    let from = utc(2026, 11, 20, 18) + HOUR_MS / 2; // 2026-11-21T00:00+05:30
    let hours: Vec<_> = (17..=43)
        .map(|h| link_hour(Hour::of_ms(utc(2026, 11, 20, h)), 1, h as u64 * 10))
        .collect();
    let hourly = link_report(
        &hours,
        &query(from, from + 3 * HOUR_MS, Interval::Hour, "Asia/Kolkata"),
    );
    assert_eq!(
        starts(&hourly.series),
        [
            "2026-11-21T00:00:00+05:30",
            "2026-11-21T01:00:00+05:30",
            "2026-11-21T02:00:00+05:30"
        ]
    );
    // 19:00Z (00:30 local) opens the day; 18:00Z (23:30) is the day before.
    assert_eq!(scans(&hourly.series), vec![1, 1, 1]);
    let daily = link_report(
        &hours,
        &query(from, from + 24 * HOUR_MS, Interval::Day, "Asia/Kolkata"),
    );
    assert_eq!(starts(&daily.series), ["2026-11-21T00:00:00+05:30"]);
    assert_eq!(daily.total, 24, "19:00Z on the 20th to 18:00Z on the 21st");
}

#[test]
fn when_clocks_go_back_the_repeated_hour_is_two_buckets_and_the_day_has_25_hours() {
    let from = utc(2026, 10, 24, 22); // 2026-10-25T00:00+02:00; back at 01:00Z
    let hours: Vec<_> = (0..30)
        .map(|h| link_hour(Hour::of_ms(from + (h - 2) * HOUR_MS), 1, h as u64 * 10))
        .collect();
    let hourly = link_report(
        &hours,
        &query(from, from + 6 * HOUR_MS, Interval::Hour, "Europe/Berlin"),
    );
    assert_eq!(
        starts(&hourly.series),
        [
            "2026-10-25T00:00:00+02:00",
            "2026-10-25T01:00:00+02:00",
            "2026-10-25T02:00:00+02:00",
            "2026-10-25T02:00:00+01:00",
            "2026-10-25T03:00:00+01:00",
            "2026-10-25T04:00:00+01:00"
        ]
    );
    assert_eq!(scans(&hourly.series), vec![1; 6]);
    let daily = link_report(
        &hours,
        &query(from, from + 26 * HOUR_MS, Interval::Day, "Europe/Berlin"),
    );
    assert_eq!(
        starts(&daily.series),
        ["2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"]
    );
    assert_eq!(scans(&daily.series), vec![25, 1]);
}

#[test]
fn when_clocks_go_forward_the_skipped_hour_has_no_bucket_and_the_day_has_23_hours() {
    let from = utc(2026, 3, 28, 23); // 2026-03-29T00:00+01:00; forward at 01:00Z
    let hours: Vec<_> = (0..24)
        .map(|h| link_hour(Hour::of_ms(from + h * HOUR_MS), 1, h as u64 * 10))
        .collect();
    let hourly = link_report(
        &hours,
        &query(from, from + 3 * HOUR_MS, Interval::Hour, "Europe/Berlin"),
    );
    assert_eq!(
        starts(&hourly.series),
        [
            "2026-03-29T00:00:00+01:00",
            "2026-03-29T01:00:00+01:00",
            "2026-03-29T03:00:00+02:00"
        ]
    );
    let daily = link_report(
        &hours,
        &query(from, from + 23 * HOUR_MS, Interval::Day, "Europe/Berlin"),
    );
    assert_eq!(starts(&daily.series), ["2026-03-29T00:00:00+01:00"]);
    assert_eq!(daily.total, 23);
}

/// The bucket starts chrono-tz gives, found `step` seconds at a time
/// (every offset and change of these zones is on a quarter hour): a local
/// date (days) or a local hour and offset (hours) is one bucket.
fn oracle_starts(
    zone: chrono_tz::Tz,
    interval: Interval,
    from_s: i64,
    to_s: i64,
    step: i64,
) -> Vec<String> {
    let key = |t: i64| {
        let local = Utc.timestamp_opt(t, 0).unwrap().with_timezone(&zone);
        let offset = local.offset().fix().local_minus_utc();
        match interval {
            Interval::Day => (local.date_naive(), 0, 0),
            Interval::Hour => (local.date_naive(), local.hour(), offset),
        }
    };
    let mut start = from_s;
    while key(start - step) == key(from_s) {
        start -= step;
    }
    let mut starts = vec![start];
    let (mut t, mut previous) = (start, key(start));
    while t + step < to_s {
        t += step;
        let current = key(t);
        if current != previous {
            starts.push(t);
        }
        previous = current;
    }
    starts
        .into_iter()
        .map(|s| {
            Utc.timestamp_opt(s, 0)
                .unwrap()
                .with_timezone(&zone)
                .to_rfc3339()
        })
        .collect()
}

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
];

#[test]
fn a_year_of_buckets_matches_an_independent_calendar_in_every_zone() {
    let (from, to) = (utc(2026, 1, 1, 0), utc(2027, 1, 1, 0));
    for zone in ZONES {
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        for interval in [Interval::Hour, Interval::Day] {
            let labels: Vec<String> = overview(&[], &query(from, to, interval, zone), 0)
                .series
                .into_iter()
                .map(|p| p.start)
                .collect();
            let expected = oracle_starts(tz, interval, from / 1000, to / 1000, 900);
            assert_eq!(labels.len(), expected.len(), "{zone} {interval:?}");
            for (label, expected) in labels.iter().zip(&expected) {
                assert_eq!(label, expected, "{zone} {interval:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Buckets agree with chrono-tz's calendar, every bucket is listed, and
    /// the total is the series' sum and the in-range hours' sum.
    #[test]
    fn buckets_match_an_independent_calendar_and_totals_add_up(
        zone in prop::sample::select(ZONES),
        daily in any::<bool>(),
        from_minute in 0i64..(366 * 24 * 60),
        span_minutes in 1i64..(12 * 24 * 60),
        stored in prop::collection::vec((-48i64..400, 1u64..50), 0..60),
    ) {
        let interval = if daily { Interval::Day } else { Interval::Hour };
        let start_2026 = utc(2026, 1, 1, 0) / 1000;
        let from_s = start_2026 + from_minute * 60;
        let to_s = from_s + span_minutes * 60;
        let query = query(from_s * 1000, to_s * 1000, interval, zone);
        let hours: Vec<(Hour, WorkspaceHour)> = stored
            .iter()
            .map(|&(offset, scans)| {
                workspace_hour((Hour::of_ms(from_s * 1000).0 + offset) * HOUR_MS, &[(offset as u64 % 3, scans)])
            })
            .collect();
        let result = overview(&hours, &query, 10);
        let labels: Vec<String> = result.series.iter().map(|p| p.start.clone()).collect();
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        prop_assert_eq!(&labels, &oracle_starts(tz, interval, from_s, to_s, 60));

        prop_assert_eq!(result.total, result.series.iter().map(|p| p.scans).sum::<u64>());
        let in_range: u64 = hours
            .iter()
            .filter(|(h, _)| (query.from_ms..query.to_ms).contains(&h.start_ms()))
            .map(|(_, w)| w.total())
            .sum();
        prop_assert_eq!(result.total, in_range);
        let rows = workspace_rows(&hours, &query);
        prop_assert_eq!(rows.iter().map(|r| r.scans).sum::<u64>(), in_range);
        let distinct: HashSet<&str> = rows.iter().map(|r| r.start.as_str()).collect();
        prop_assert!(distinct.iter().all(|s| labels.iter().any(|l| l == s)));
        // Each label is a valid RFC 3339 instant.
        for label in &labels {
            prop_assert!(DateTime::parse_from_rfc3339(label).is_ok());
        }
    }

    #[test]
    fn any_query_is_answered_without_panicking(
        from_ms in any::<i64>(),
        to_ms in any::<i64>(),
        daily in any::<bool>(),
        zone in prop::sample::select(ZONES),
        hour in any::<i64>(),
    ) {
        let interval = if daily { Interval::Day } else { Interval::Hour };
        let query = query(from_ms, to_ms, interval, zone);
        let report = link_report(&[link_hour(Hour(hour), 1, 0)], &query);
        prop_assert!(report.series.len() <= MAX_BUCKETS);
        prop_assert_eq!(report.total, report.series.iter().map(|p| p.scans).sum::<u64>());
    }
}
