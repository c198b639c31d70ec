#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use scanly_shared::event::ScanEvent;
use scanly_shared::tz::civil::days_from_civil;

use super::*;
use crate::fixtures::{self, SplitMix};
use crate::rollup::OTHER;

const HOUR_MS: i64 = 3_600_000;

/// Unix ms of `y-m-d hh:00` UTC.
fn utc(y: i64, m: u8, d: u8, h: i64) -> i64 {
    days_from_civil(y, m, d) * 24 * HOUR_MS + h * HOUR_MS
}

fn query(from_ms: i64, to_ms: i64, interval: Interval, zone: &str) -> ReportQuery {
    ReportQuery {
        from_ms,
        to_ms,
        interval,
        zone: Zone::parse(zone).unwrap(),
    }
}

fn template() -> ScanEvent {
    fixtures::batch(1, 1, 0).remove(0)
}

/// A link-hour with `scans` scans by distinct visitors numbered from
/// `first_visitor`.
fn link_hour(hour: Hour, scans: u64, first_visitor: u64) -> (Hour, LinkHour) {
    let template = template();
    let mut item = LinkHour::new();
    for i in 0..scans {
        let event = fixtures::rescan(
            &template,
            first_visitor + i,
            first_visitor + i,
            hour.start_ms(),
        );
        item.apply(&event);
    }
    (hour, item)
}

fn starts(series: &[Point]) -> Vec<&str> {
    series.iter().map(|p| p.start.as_str()).collect()
}

fn scans(series: &[Point]) -> Vec<u64> {
    series.iter().map(|p| p.scans).collect()
}

#[test]
fn an_hourly_utc_series_lists_every_hour_and_ignores_hours_outside() {
    let day = utc(2026, 11, 21, 0);
    let hours = [
        link_hour(Hour::of_ms(day - HOUR_MS), 9, 0),
        link_hour(Hour::of_ms(day + HOUR_MS), 3, 100),
        link_hour(Hour::of_ms(day + 4 * HOUR_MS), 2, 200),
        link_hour(Hour::of_ms(day + 6 * HOUR_MS), 9, 300),
    ];
    let report = link_report(
        &hours,
        &query(day, day + 6 * HOUR_MS, Interval::Hour, "UTC"),
    );
    assert_eq!(
        starts(&report.series),
        (0..6)
            .map(|h| format!("2026-11-21T{h:02}:00:00+00:00"))
            .collect::<Vec<_>>()
    );
    assert_eq!(scans(&report.series), vec![0, 3, 0, 0, 2, 0]);
    assert_eq!((report.total, report.unique), (5, 5));
    assert_eq!(report.series[1].unique, 3);
    assert_eq!(report.breakdown.source.values().sum::<u64>(), 5);
}

/// Scans by `visitors` distinct visitors, each one to three times, spread
/// over the 24 hours of one UTC day: the hourly items a day of a popular
/// link leaves.
fn busy_day(day_ms: i64, visitors: u64, seed: u64) -> Vec<(Hour, LinkHour)> {
    let template = template();
    let mut rng = SplitMix(seed);
    let mut items: Vec<(Hour, LinkHour)> = (0..24)
        .map(|h| (Hour::of_ms(day_ms + h * HOUR_MS), LinkHour::new()))
        .collect();
    let mut event_number = seed << 32;
    for visitor in 0..visitors {
        for _ in 0..=rng.below(2) {
            let hour = rng.below(24) as usize;
            event_number += 1;
            let event = fixtures::rescan(
                &template,
                event_number,
                visitor + (seed << 32),
                items[hour].0.start_ms(),
            );
            items[hour].1.apply(&event);
        }
    }
    items
}

fn assert_within_2_percent(estimate: u64, truth: u64) {
    let error = (estimate as f64 - truth as f64).abs() / truth as f64;
    assert!(
        error <= 0.02,
        "estimate {estimate} for {truth}: {:.2} %",
        error * 100.0
    );
}

#[test]
fn unique_visitors_are_within_2_percent_from_10_000_to_100_000() {
    for (visitors, seed) in [(10_000, 1), (30_000, 2), (100_000, 3)] {
        let day = utc(2026, 11, 21, 0);
        let hours = busy_day(day, visitors, seed);
        let report = link_report(
            &hours,
            &query(day, day + 24 * HOUR_MS, Interval::Day, "UTC"),
        );
        assert_within_2_percent(report.unique, visitors);
        assert_within_2_percent(report.series[0].unique, visitors);
        assert!(report.total > visitors, "returning visitors scan again");
    }
}

#[test]
fn visitors_of_two_utc_days_count_on_each_day_by_design() {
    let (day1, day2) = (utc(2026, 11, 21, 0), utc(2026, 11, 22, 0));
    let mut hours = busy_day(day1, 20_000, 4);
    hours.extend(busy_day(day2, 20_000, 5));
    let report = link_report(
        &hours,
        &query(day1, day2 + 24 * HOUR_MS, Interval::Day, "UTC"),
    );
    assert_within_2_percent(report.unique, 40_000);
    assert_within_2_percent(report.series[1].unique, 20_000);
}

#[test]
fn free_text_breakdowns_show_their_top_50_and_pool_the_rest() {
    let template = template();
    let mut item = LinkHour::new();
    let mut n = 0;
    // City i is scanned i + 1 times, so cities 30..80 are the top 50.
    for city in 0..80u64 {
        for _ in 0..=city {
            n += 1;
            let mut event = fixtures::rescan(&template, n, n, utc(2026, 11, 21, 0));
            event.city = Some(format!("City {city:02}"));
            item.apply(&event);
        }
    }
    let report = link_report(
        &[(Hour::of_ms(utc(2026, 11, 21, 0)), item)],
        &query(
            utc(2026, 11, 21, 0),
            utc(2026, 11, 22, 0),
            Interval::Day,
            "UTC",
        ),
    );
    let cities = &report.breakdown.city;
    assert_eq!(cities.len(), TOP_KEYS + 1);
    assert_eq!(cities.get("City 30"), Some(&31));
    assert_eq!(cities.get("City 29"), None);
    assert_eq!(cities.get(OTHER), Some(&(1..=30).sum::<u64>()));
    assert_eq!(cities.values().sum::<u64>(), report.total);
}

#[test]
fn top_keys_break_ties_by_key_and_keep_what_the_hours_pooled() {
    let counts = [("b", 5), ("a", 5), ("c", 5), ("d", 1), (OTHER, 7)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let kept = breakdown::top(counts, 2);
    let expected = [("a", 5), ("b", 5), (OTHER, 13)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect::<BTreeMap<_, _>>();
    assert_eq!(kept, expected);
}

#[test]
fn an_empty_range_has_no_buckets_and_a_range_without_data_has_zeros() {
    let day = utc(2026, 11, 21, 0);
    let hours = [link_hour(Hour::of_ms(day), 3, 0)];
    for to in [day, day - HOUR_MS] {
        let empty = query(day, to, Interval::Hour, "UTC");
        let report = link_report(&hours, &empty);
        assert_eq!(
            (report.total, report.unique, report.series.len()),
            (0, 0, 0)
        );
        assert_eq!(report.breakdown, Breakdown::default());
        assert_eq!(overview(&[], &empty, 5).series.len(), 0);
        assert!(workspace_rows(&[], &empty).is_empty());
    }
    let quiet = link_report(
        &[],
        &query(day, day + 24 * HOUR_MS, Interval::Hour, "Asia/Kathmandu"),
    );
    assert_eq!(
        quiet.series.len(),
        25,
        "a :45 zone's day spans 25 UTC-hour-wide buckets"
    );
    assert!(quiet.series.iter().all(|p| p.scans == 0 && p.unique == 0));
    assert_eq!(quiet.series[0].start, "2026-11-21T05:00:00+05:45");
}

#[test]
fn an_overlong_range_is_cut_after_the_last_bucket_it_lists() {
    let far = Hour::of_ms(utc(2027, 11, 21, 0));
    let near = Hour::of_ms(utc(1970, 1, 1, 5));
    let hours = [link_hour(near, 2, 0), link_hour(far, 5, 10)];
    let report = link_report(&hours, &query(0, i64::MAX, Interval::Hour, "UTC"));
    assert_eq!(report.series.len(), MAX_BUCKETS);
    assert_eq!(report.total, 2);
    assert_eq!(report.unique, 2);
}

fn workspace_hour(hour_ms: i64, links: &[(u64, u64)]) -> (Hour, WorkspaceHour) {
    let mut item = WorkspaceHour::new();
    for &(link, scans) in links {
        item.set_link(&fixtures::link(link), scans);
    }
    (Hour::of_ms(hour_ms), item)
}

#[test]
fn the_overview_ranks_links_by_scans_then_id() {
    let day = utc(2026, 11, 21, 0);
    let hours = [
        workspace_hour(day, &[(1, 5), (2, 3), (3, 1)]),
        workspace_hour(day + HOUR_MS, &[(2, 2), (4, 5)]),
        workspace_hour(day + 30 * HOUR_MS, &[(3, 100)]),
    ];
    let result = overview(
        &hours,
        &query(day, day + 24 * HOUR_MS, Interval::Hour, "UTC"),
        3,
    );
    assert_eq!(result.total, 16);
    assert_eq!(result.series.len(), 24);
    assert_eq!((result.series[0].scans, result.series[1].scans), (9, 7));
    let top: Vec<(String, u64)> = result
        .top_links
        .into_iter()
        .map(|l| (l.link_id, l.scans))
        .collect();
    let id = |n| fixtures::link(n).to_string();
    assert_eq!(top, vec![(id(1), 5), (id(2), 5), (id(4), 5)]);
}

#[test]
fn workspace_rows_follow_time_then_link_even_when_clocks_go_back() {
    let back = utc(2026, 10, 25, 1); // 02:00+01:00, after 02:00+02:00
    let hours = [
        workspace_hour(back, &[(2, 1), (1, 4)]),
        workspace_hour(back - HOUR_MS, &[(3, 2)]),
    ];
    let rows = workspace_rows(
        &hours,
        &query(
            back - HOUR_MS,
            back + HOUR_MS,
            Interval::Hour,
            "Europe/Berlin",
        ),
    );
    let rows: Vec<(&str, String, u64)> = rows
        .iter()
        .map(|r| (r.start.as_str(), r.link_id.clone(), r.scans))
        .collect();
    let id = |n| fixtures::link(n).to_string();
    assert_eq!(
        rows,
        vec![
            ("2026-10-25T02:00:00+02:00", id(3), 2),
            ("2026-10-25T02:00:00+01:00", id(1), 4),
            ("2026-10-25T02:00:00+01:00", id(2), 1),
        ]
    );
}

#[test]
fn the_link_csv_has_one_line_per_bucket() {
    let day = utc(2026, 11, 21, 0);
    let report = link_report(
        &[link_hour(Hour::of_ms(day + HOUR_MS), 3, 0)],
        &query(day, day + 2 * HOUR_MS, Interval::Hour, "+01:00"),
    );
    assert_eq!(
        link_csv(&report),
        "start,scans,unique\n2026-11-21T01:00:00+01:00,0,0\n2026-11-21T02:00:00+01:00,3,3\n"
    );
}

mod calendar;
