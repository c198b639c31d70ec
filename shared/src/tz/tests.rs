#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use proptest::prelude::*;

fn zone(s: &str) -> Zone {
    Zone::parse(s).unwrap()
}

/// Local time as (y, m, d, weekday, h, mi, s) at a Unix second.
fn local(z: &str, unix_seconds: i64) -> (i32, u8, u8, Weekday, u8, u8, u8) {
    let t = zone(z).local_time(unix_seconds * 1000);
    (
        t.year, t.month, t.day, t.weekday, t.hour, t.minute, t.second,
    )
}

#[test]
fn parses_offsets() {
    for (input, canonical, secs) in [
        ("+02:00", "+02:00", 7200),
        ("-05:30", "-05:30", -19_800),
        ("+0530", "+05:30", 19_800),
        ("+05", "+05:00", 18_000),
        ("-00:45", "-00:45", -2700),
        ("+18:00", "+18:00", 64_800),
        ("-18:00", "-18:00", -64_800),
        ("+12:45", "+12:45", 45_900),
        (" +01:00\n", "+01:00", 3600),
    ] {
        let z = zone(input);
        assert_eq!(z.as_str(), canonical, "{input:?}");
        assert_eq!(z.offset_at(0), secs, "{input:?}");
        assert_eq!(z.offset_at(1_780_272_000), secs);
    }
    for utc in ["Z", "z", "UTC", "utc", "+00:00", "-00:00", "+0000", "+00"] {
        assert_eq!(zone(utc), Zone::UTC, "{utc:?}");
    }
    assert_eq!(Zone::UTC.as_str(), "UTC");
    assert_eq!(Zone::UTC.offset_at(123), 0);
}

#[test]
fn rejects_bad_offsets() {
    for bad in [
        "+25:00",
        "+02:60",
        "+18:01",
        "-19:00",
        "+2:00",
        "+2",
        "+123",
        "+12:3",
        "+12:345",
        "+1a:00",
        "+",
        "-",
        "++02:00",
        "+02:00:00",
        "+02-00",
        "+٠٢:٠٠",
    ] {
        assert_eq!(
            Zone::parse(bad),
            Err(ZoneError::BadOffset(bad.to_owned())),
            "{bad:?}"
        );
    }
}

#[test]
fn rejects_unknown_names() {
    for bad in [
        "abc",
        "",
        "   ",
        "Europe/Pariss",
        "Europe",
        "posixrules",
        "localtime",
        "Factory",
        "GMT+2",
        "UTC+1",
    ] {
        assert_eq!(
            Zone::parse(bad),
            Err(ZoneError::Unknown(bad.trim().to_owned())),
            "{bad:?}"
        );
    }
    // Echoed input is truncated to 64 bytes, on a char boundary.
    let long = "x".repeat(10_000);
    assert_eq!(Zone::parse(&long), Err(ZoneError::Unknown("x".repeat(64))));
    let accents = "é".repeat(100);
    assert_eq!(
        Zone::parse(&accents),
        Err(ZoneError::Unknown("é".repeat(32)))
    );
    assert_eq!(
        Zone::parse(&format!("x{accents}")),
        Err(ZoneError::Unknown(format!("x{}", "é".repeat(31))))
    );
    assert_eq!(
        ZoneError::Unknown("abc".into()).to_string(),
        "unknown time zone \"abc\""
    );
}

#[test]
fn canonical_round_trip() {
    for s in [
        "Europe/Paris",
        "US/Eastern",
        "Asia/Calcutta",
        "Etc/GMT+5",
        "Etc/UTC",
        "+05:45",
        "-09:30",
        "UTC",
    ] {
        let z = zone(s);
        assert_eq!(z.as_str(), s);
        assert_eq!(z.to_string(), s);
        assert_eq!(zone(z.as_str()), z);
        assert_eq!(s.parse::<Zone>().unwrap(), z);
        assert_eq!(format!("{z:?}"), format!("Zone({s:?})"));
    }
    for name in Zone::known_names() {
        let z = zone(name);
        assert_eq!(z.as_str(), name);
        assert_eq!(zone(&name.to_ascii_lowercase()), z);
    }
    assert!(Zone::known_names().count() > 500);
    assert_eq!(TZDATA_VERSION.len(), 5);
}

#[test]
fn case_insensitive_names_give_canonical_spelling() {
    assert_eq!(zone("europe/paris").as_str(), "Europe/Paris");
    assert_eq!(zone("AMERICA/NEW_YORK").as_str(), "America/New_York");
    assert_eq!(zone("us/eastern").as_str(), "US/Eastern");
    assert_eq!(zone("etc/gmt-14").as_str(), "Etc/GMT-14");
    assert_eq!(zone("etc/gmt-14").offset_at(0), 14 * 3600);
}

#[test]
fn serde_uses_canonical_text() {
    let z = zone("asia/kolkata");
    assert_eq!(serde_json::to_string(&z).unwrap(), "\"Asia/Kolkata\"");
    assert_eq!(
        serde_json::from_str::<Zone>("\"+0530\"").unwrap(),
        zone("+05:30")
    );
    let err = serde_json::from_str::<Zone>("\"Mars/Olympus\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("Mars/Olympus"), "{err}");
    let err = serde_json::from_str::<Zone>("\"+25:00\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("+25:00"), "{err}");
    assert!(serde_json::from_str::<Zone>("42").is_err());
    let bytes = postcard::to_allocvec(&z).unwrap();
    assert_eq!(postcard::from_bytes::<Zone>(&bytes).unwrap(), z);
}

#[test]
fn paris_spring_forward() {
    use Weekday::Sun;
    assert_eq!(
        local("Europe/Paris", 1_774_745_999),
        (2026, 3, 29, Sun, 1, 59, 59)
    );
    assert_eq!(
        local("Europe/Paris", 1_774_746_000),
        (2026, 3, 29, Sun, 3, 0, 0)
    );
    assert_eq!(zone("Europe/Paris").offset_at(1_774_745_999), 3600);
    assert_eq!(zone("Europe/Paris").offset_at(1_774_746_000), 7200);
}

#[test]
fn known_local_times() {
    use Weekday::*;
    assert_eq!(
        local("Australia/Sydney", 1_768_435_200),
        (2026, 1, 15, Thu, 11, 0, 0)
    );
    assert_eq!(
        local("Asia/Kolkata", 1_780_272_000),
        (2026, 6, 1, Mon, 5, 30, 0)
    );
    assert_eq!(
        local("Asia/Calcutta", 1_780_272_000),
        (2026, 6, 1, Mon, 5, 30, 0)
    );
    assert_eq!(
        local("Asia/Kathmandu", 1_780_272_000),
        (2026, 6, 1, Mon, 5, 45, 0)
    );
    assert_eq!(
        local("Pacific/Chatham", 1_768_046_400),
        (2026, 1, 11, Sun, 1, 45, 0)
    );
    assert_eq!(
        local("Pacific/Chatham", 1_783_684_800),
        (2026, 7, 11, Sat, 0, 45, 0)
    );
    assert_eq!(
        local("Asia/Tokyo", 1_767_569_400),
        (2026, 1, 5, Mon, 8, 30, 0)
    );
    assert_eq!(
        local("America/Los_Angeles", 1_767_243_600),
        (2025, 12, 31, Wed, 21, 0, 0)
    );
    assert_eq!(
        local("America/St_Johns", 1_782_907_200),
        (2026, 7, 1, Wed, 9, 30, 0)
    );
    assert_eq!(local("-05:30", 0), (1969, 12, 31, Wed, 18, 30, 0));
    // Morocco observes +00 during Ramadan: explicit transitions, not the POSIX footer.
    assert_eq!(
        local("Africa/Casablanca", 1_772_366_400),
        (2026, 3, 1, Sun, 12, 0, 0)
    );
    assert_eq!(
        local("Africa/Casablanca", 1_775_044_800),
        (2026, 4, 1, Wed, 13, 0, 0)
    );
    assert_eq!(
        local("Asia/Gaza", 1_782_907_200),
        (2026, 7, 1, Wed, 15, 0, 0)
    );
}

#[test]
fn milliseconds_round_toward_negative_infinity() {
    let z = zone("UTC");
    let t = z.local_time(-1);
    assert_eq!(
        (t.year, t.month, t.day, t.hour, t.minute, t.second),
        (1969, 12, 31, 23, 59, 59)
    );
    let t = z.local_time(1_999);
    assert_eq!((t.second, t.minute_of_day()), (1, 0));
}

#[test]
fn weekdays_follow_the_local_date() {
    // 2026-01-05 is a Monday; walk a fortnight in several zones.
    for name in [
        "UTC",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
        "+18:00",
        "-18:00",
        "Asia/Kathmandu",
    ] {
        let z = zone(name);
        for h in 0..(14 * 24) {
            let t = z.local_time((1_767_571_200 + h * 3600) * 1000);
            let days = civil::days_from_civil(i64::from(t.year), t.month, t.day);
            let expected = Weekday::from_days_since_monday(
                u8::try_from((days - 20_458).rem_euclid(7)).unwrap(),
            );
            assert_eq!(t.weekday, expected, "{name} {t:?}");
        }
    }
}

#[test]
fn extreme_instants_never_panic() {
    let zones: Vec<Zone> = [
        "Europe/Paris",
        "Australia/Sydney",
        "Africa/Casablanca",
        "+18:00",
        "-18:00",
        "UTC",
    ]
    .into_iter()
    .map(zone)
    .collect();
    for z in &zones {
        for t in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            let _ = z.offset_at(t);
            let l = z.local_time(t);
            assert!((0..=9999).contains(&l.year), "{z} {t} {l:?}");
        }
    }
    let max = zone("+18:00").local_time(i64::MAX);
    assert_eq!(
        (
            max.year, max.month, max.day, max.hour, max.minute, max.second
        ),
        (9999, 12, 31, 23, 59, 59)
    );
    let min = zone("-18:00").local_time(i64::MIN);
    assert_eq!((min.year, min.month, min.day, min.hour), (0, 1, 1, 0));
}

#[test]
fn malformed_table_rule_falls_back_to_standard_offset() {
    let broken = Zone::iana("Test/Broken", "CET-1CEST,M3.5.0,M13.5.0/3", &[]);
    assert_eq!(broken.as_str(), "Test/Broken");
    for t in [0, 1_774_746_000, 1_790_000_000, i64::MAX] {
        assert_eq!(broken.offset_at(t), 3600);
    }
    let garbage = Zone::iana("Test/Garbage", "\u{0}?", &[]);
    assert_eq!(garbage.offset_at(1_790_000_000), 0);
    assert_eq!(garbage.local_time(0).hour, 0);
}

#[test]
fn override_table_boundaries() {
    let table: &[(u32, i32)] = &[(100, 10), (200, 20), (300, 30)];
    let z = Zone::iana("Test/Override", "AAA-1", table);
    assert_eq!(z.offset_at(99), 3600);
    assert_eq!(z.offset_at(100), 10);
    assert_eq!(z.offset_at(199), 10);
    assert_eq!(z.offset_at(200), 20);
    assert_eq!(z.offset_at(299), 20);
    assert_eq!(z.offset_at(300), 3600); // the POSIX rule governs from the last entry on
}

proptest! {
    #[test]
    fn any_instant_any_zone(t in any::<i64>(), i in 0usize..1000) {
        let names: Vec<&str> = Zone::known_names().collect();
        let z = zone(names[i % names.len()]);
        let off = z.offset_at(t);
        prop_assert!(off.abs() <= 26 * 3600);
        let l = z.local_time(t);
        prop_assert!(l.minute_of_day() < 1440 && l.second < 60);
    }

    #[test]
    fn offsets_round_trip(sign in prop::bool::ANY, h in 0i32..=18, m in 0i32..60) {
        prop_assume!(h < 18 || m == 0);
        let text = format!("{}{h:02}:{m:02}", if sign { '-' } else { '+' });
        let z = zone(&text);
        let secs = (h * 60 + m) * 60 * if sign { -1 } else { 1 };
        prop_assert_eq!(z.offset_at(0), secs);
        prop_assert_eq!(zone(z.as_str()), z.clone());
        if secs != 0 {
            prop_assert_eq!(z.as_str(), text.as_str());
        }
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,30}") {
        let _ = Zone::parse(&s);
    }
}
