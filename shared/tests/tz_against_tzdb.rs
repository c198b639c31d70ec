//! Cross-checks `scanly_shared::tz` (generated POSIX-rule table + evaluator)
//! against chrono-tz (the full compiled tz database) for every zone both
//! know, over 2026-01-01 ..= 2036-12-31: every 6 hours plus ±1 s around every
//! transition either side has.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;
use proptest::prelude::*;
use scanly_shared::tz::{TZDATA_VERSION, Zone};

/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600;
/// 2037-01-01T00:00:00Z (exclusive).
const END: i64 = 2_114_380_800;
const STEP: i64 = 6 * 3600;

/// Zones where the machine's tzdata and chrono-tz's embedded database
/// legitimately disagree about a future rule: (zone, reason). Empty while
/// both are the same release (checked below). Never skip a zone silently:
/// a zone listed here must actually mismatch.
const KNOWN_MISMATCHES: &[(&str, &str)] = &[];

/// Table names chrono-tz does not know (none expected for the same release).
const NOT_IN_CHRONO_TZ: &[&str] = &[];

fn chrono_offset(tz: Tz, t: i64) -> i32 {
    let utc = DateTime::from_timestamp(t, 0).unwrap().naive_utc();
    tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()
}

/// First instant in `(lo, hi]` whose offset differs from `f(lo)`, assuming
/// one change in between.
fn first_change(f: impl Fn(i64) -> i32, mut lo: i64, mut hi: i64) -> i64 {
    let before = f(lo);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if f(mid) == before { lo = mid } else { hi = mid }
    }
    hi
}

/// Instants at which `ours` and chrono-tz disagree for one zone.
fn compare_zone(name: &str, tz: Tz) -> (Vec<(i64, i32, i32)>, usize) {
    let zone = Zone::parse(name).unwrap();
    let ours = |t: i64| zone.offset_at(t);
    let theirs = |t: i64| chrono_offset(tz, t);
    let mut bad = Vec::new();
    let mut transitions = 0;
    let check = |t: i64, bad: &mut Vec<(i64, i32, i32)>| {
        let (a, b) = (ours(t), theirs(t));
        if a != b {
            bad.push((t, a, b));
        }
    };
    let mut t = START;
    let (mut prev_ours, mut prev_theirs) = (ours(t), theirs(t));
    check(t, &mut bad);
    while t + STEP < END {
        let next = t + STEP;
        let (o, c) = (ours(next), theirs(next));
        if o != c {
            bad.push((next, o, c));
        }
        let mut edges = Vec::new();
        if c != prev_theirs {
            edges.push(first_change(theirs, t, next));
        }
        if o != prev_ours {
            edges.push(first_change(ours, t, next));
        }
        for edge in edges {
            transitions += 1;
            for dt in [-1, 0, 1] {
                check(edge + dt, &mut bad);
            }
        }
        (prev_ours, prev_theirs, t) = (o, c, next);
    }
    (bad, transitions)
}

#[test]
fn same_tzdata_release_as_chrono_tz() {
    // If this fails after regenerating the table or bumping chrono-tz, expect
    // (and list in KNOWN_MISMATCHES) zones whose future rules changed.
    assert_eq!(TZDATA_VERSION, chrono_tz::IANA_TZDB_VERSION);
}

#[test]
fn every_zone_matches_chrono_tz() {
    let mut mismatched = BTreeSet::new();
    let mut missing = Vec::new();
    let (mut zones, mut transitions) = (0, 0);
    for name in Zone::known_names() {
        let Ok(tz) = Tz::from_str(name) else {
            missing.push(name);
            continue;
        };
        zones += 1;
        let (bad, n) = compare_zone(name, tz);
        transitions += n;
        if let Some(&(t, ours, theirs)) = bad.first() {
            println!(
                "{name}: {} mismatches, first at {t}: ours {ours} chrono-tz {theirs}",
                bad.len()
            );
            mismatched.insert(name);
        }
    }
    println!("{zones} zones, {transitions} transitions checked");
    assert_eq!(
        missing, NOT_IN_CHRONO_TZ,
        "table zones unknown to chrono-tz"
    );
    let expected: BTreeSet<&str> = KNOWN_MISMATCHES.iter().map(|&(n, _)| n).collect();
    assert_eq!(mismatched, expected);
    assert!(zones > 500, "{zones}");
    // Every DST zone contributes ~22 transitions; make sure they were seen.
    assert!(transitions > 150 * 22, "{transitions}");
}

#[test]
fn comparison_detects_a_wrong_zone() {
    // Sanity check of the harness itself: Paris is not New York.
    let (bad, n) = compare_zone("Europe/Paris", chrono_tz::America::New_York);
    assert!(!bad.is_empty());
    assert!(n >= 22);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4096,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_instants_random_zones(t in START..END, i in any::<prop::sample::Index>()) {
        let names: Vec<&str> = Zone::known_names()
            .filter(|n| !KNOWN_MISMATCHES.iter().any(|(m, _)| m == n) && !NOT_IN_CHRONO_TZ.contains(n))
            .collect();
        let name = names[i.index(names.len())];
        let zone = Zone::parse(name).unwrap();
        let tz = Tz::from_str(name).unwrap();
        prop_assert_eq!(zone.offset_at(t), chrono_offset(tz, t), "{} at {}", name, t);
        // Wall clock agrees too.
        let ours = zone.local_time(t * 1000);
        let theirs = DateTime::from_timestamp(t, 0).unwrap().with_timezone(&tz).naive_local();
        let fmt = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02} {}",
            ours.year, ours.month, ours.day, ours.hour, ours.minute, ours.second, ours.weekday
        );
        let weekday = theirs.format("%a").to_string().to_lowercase();
        prop_assert_eq!(fmt, format!("{} {weekday}", theirs.format("%Y-%m-%dT%H:%M:%S")));
    }
}
