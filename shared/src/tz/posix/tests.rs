#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use proptest::prelude::*;

/// Unix seconds of a UTC civil time.
fn utc(y: i64, mo: u8, d: u8, h: i64, mi: i64, s: i64) -> i64 {
    days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
}

fn off(tz: &str, t: i64) -> i32 {
    PosixTz::parse(tz).unwrap().offset_at(t)
}

#[test]
fn std_only_forms() {
    assert_eq!(off("<+0530>-5:30", 0), 19_800);
    assert_eq!(off("IST-5:30", 0), 19_800);
    assert_eq!(off("<-03>3", 0), -10_800);
    assert_eq!(off("<-0930>9:30", 0), -34_200);
    assert_eq!(off("UTC0", 0), 0);
    assert_eq!(off("EST+5", 0), -18_000);
    assert_eq!(off("XXX-1:02:03", 0), 3723);
    assert!(!PosixTz::parse("GMT0").unwrap().has_dst());
}

#[test]
fn central_europe() {
    let tz = "CET-1CEST,M3.5.0,M10.5.0/3";
    // 2026: DST from Sun 29 March 01:00Z to Sun 25 October 01:00Z.
    assert_eq!(off(tz, utc(2026, 3, 29, 0, 59, 59)), 3600);
    assert_eq!(off(tz, utc(2026, 3, 29, 1, 0, 0)), 7200);
    assert_eq!(off(tz, utc(2026, 10, 25, 0, 59, 59)), 7200);
    assert_eq!(off(tz, utc(2026, 10, 25, 1, 0, 0)), 3600);
    assert_eq!(off(tz, utc(2026, 12, 31, 23, 30, 0)), 3600);
}

#[test]
fn dst_offset_defaults_to_one_hour_and_us_rules() {
    let tz = PosixTz::parse("EST5EDT").unwrap();
    assert_eq!(
        tz,
        PosixTz::parse("EST5EDT4,M3.2.0/2,M11.1.0/2:00:00").unwrap()
    );
    // 2026-03-08 is the second Sunday of March.
    assert_eq!(tz.offset_at(utc(2026, 3, 8, 6, 59, 59)), -18_000);
    assert_eq!(tz.offset_at(utc(2026, 3, 8, 7, 0, 0)), -14_400);
}

#[test]
fn southern_hemisphere_spans_new_year() {
    let sydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";
    assert_eq!(off(sydney, utc(2026, 1, 15, 0, 0, 0)), 39_600);
    assert_eq!(off(sydney, utc(2026, 6, 15, 0, 0, 0)), 36_000);
    assert_eq!(off(sydney, utc(2026, 12, 31, 23, 0, 0)), 39_600);
    // Ends Sun 5 April 2026 03:00 AEDT = 4 April 16:00Z.
    assert_eq!(off(sydney, utc(2026, 4, 4, 15, 59, 59)), 39_600);
    assert_eq!(off(sydney, utc(2026, 4, 4, 16, 0, 0)), 36_000);
    let santiago = "<-04>4<-03>,M9.1.6/24,M4.1.6/24";
    assert_eq!(off(santiago, utc(2027, 1, 1, 0, 0, 0)), -10_800);
    assert_eq!(off(santiago, utc(2026, 7, 1, 0, 0, 0)), -14_400);
    // Starts first Saturday of September 2026 (5th) at 24:00 -04 = 6th 04:00Z.
    assert_eq!(off(santiago, utc(2026, 9, 6, 3, 59, 59)), -14_400);
    assert_eq!(off(santiago, utc(2026, 9, 6, 4, 0, 0)), -10_800);
}

#[test]
fn times_beyond_the_day() {
    // Jerusalem: Friday before last Sunday of March, written Thu +26 h.
    let il = "IST-2IDT,M3.4.4/26,M10.5.0";
    // 2026: fourth Thursday of March is the 26th; +26 h = Fri 27th 02:00 IST = 00:00Z.
    assert_eq!(off(il, utc(2026, 3, 26, 23, 59, 59)), 7200);
    assert_eq!(off(il, utc(2026, 3, 27, 0, 0, 0)), 10_800);
    // Nuuk: last Sunday of March at -1:00 local (Saturday 23:00 -02).
    let gl = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
    assert_eq!(off(gl, utc(2026, 3, 29, 0, 59, 59)), -7200);
    assert_eq!(off(gl, utc(2026, 3, 29, 1, 0, 0)), -3600);
    assert_eq!(off(gl, utc(2026, 10, 25, 0, 59, 59)), -3600);
    assert_eq!(off(gl, utc(2026, 10, 25, 1, 0, 0)), -7200);
    // The 167-hour extension limit.
    assert!(PosixTz::parse("A1B,M3.5.0/167,M10.5.0/-167").is_some());
    assert!(PosixTz::parse("A1B,M3.5.0/168,M10.5.0").is_none());
}

#[test]
fn julian_forms() {
    // J60 is always March 1st; 59 (zero-based) is Feb 29 in leap years.
    let j = "AAA0BBB,J60/0,J300/0";
    assert_eq!(off(j, utc(2028, 2, 29, 23, 59, 59)), 0);
    assert_eq!(off(j, utc(2028, 3, 1, 0, 0, 0)), 3600);
    let n = "AAA0BBB,59/0,300/0";
    assert_eq!(off(n, utc(2028, 2, 28, 23, 59, 59)), 0);
    assert_eq!(off(n, utc(2028, 2, 29, 0, 0, 0)), 3600);
    assert_eq!(off(n, utc(2027, 3, 1, 0, 0, 0)), 3600);
    assert_eq!(off(n, utc(2027, 2, 28, 23, 59, 59)), 0);
}

#[test]
fn permanent_dst() {
    for tz in ["EST5EDT,0/0,J365/25", "<+01>-1<+02>,0/0,J365/25"] {
        let parsed = PosixTz::parse(tz).unwrap();
        let dst = parsed.std_offset() + 3600;
        for y in [2025, 2026, 2027, 2028, 2100] {
            for t in [
                utc(y, 1, 1, 0, 0, 0),
                utc(y, 1, 1, 5, 0, 0),
                utc(y, 7, 1, 0, 0, 0),
            ] {
                for dt in [-1, 0, 1] {
                    assert_eq!(parsed.offset_at(t + dt), dst, "{tz} at {t}+{dt}");
                }
            }
            assert_eq!(parsed.offset_at(utc(y, 12, 31, 23, 59, 59)), dst);
        }
    }
}

#[test]
fn negative_dst_ireland() {
    let tz = "IST-1GMT0,M10.5.0,M3.5.0/1";
    assert_eq!(off(tz, utc(2026, 1, 15, 0, 0, 0)), 0);
    assert_eq!(off(tz, utc(2026, 7, 15, 0, 0, 0)), 3600);
    assert_eq!(off(tz, utc(2026, 3, 29, 0, 59, 59)), 0);
    assert_eq!(off(tz, utc(2026, 3, 29, 1, 0, 0)), 3600);
}

#[test]
fn rejects_malformed() {
    for bad in [
        "",
        "C",
        "CET",
        "CET-",
        "CET-1CEST,",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M3.5.0,",
        "CET-1CEST,M13.5.0,M10.5.0/3",
        "CET-1CEST,M3.6.0,M10.5.0/3",
        "CET-1CEST,M3.5.7,M10.5.0/3",
        "CET-1CEST,M3.0.0,M10.5.0/3",
        "CET-1CEST,J0,J365",
        "CET-1CEST,J1,J366",
        "CET-1CEST,0,366",
        "CET-25",
        "CET-1:60",
        "CET-1CEST,M3.5.0/1:2:60,M10.5.0",
        "<>1",
        "<+01-1",
        "CET-1 ",
        "CET-1CEST-2junk",
        "CET-1CEST,M3.5.0,M10.5.0/3,",
        "CET-0001",
        "\u{e9}T-1",
    ] {
        assert_eq!(PosixTz::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn malformed_falls_back_to_std_offset() {
    let garbled = PosixTz::parse_lenient("CET-1CEST,M3.5.0,M13.5.0");
    assert_eq!(
        garbled,
        PosixTz {
            std_offset: 3600,
            dst: None
        }
    );
    for t in [0, utc(2026, 7, 1, 0, 0, 0), i64::MAX, i64::MIN] {
        assert_eq!(garbled.offset_at(t), 3600);
    }
    assert_eq!(
        PosixTz::parse_lenient("<+0530>-5:30<oops"),
        PosixTz {
            std_offset: 19_800,
            dst: None
        }
    );
    assert_eq!(PosixTz::parse_lenient("garbage"), PosixTz::UTC);
    assert_eq!(PosixTz::parse_lenient(""), PosixTz::UTC);
    let ok = "CET-1CEST,M3.5.0,M10.5.0/3";
    assert_eq!(PosixTz::parse_lenient(ok), PosixTz::parse(ok).unwrap());
}

#[test]
fn extreme_instants() {
    for tz in [
        "CET-1CEST,M3.5.0,M10.5.0/3",
        "AEST-10AEDT,M10.1.0,M4.1.0/3",
        "A-24B,J1/-167,J365/167",
    ] {
        let tz = PosixTz::parse_lenient(tz);
        for t in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            let _ = tz.offset_at(t);
        }
    }
}

proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = PosixTz::parse_lenient(&s);
    }

    #[test]
    fn parse_never_panics_on_tz_like(s in "[A-Z<>+0-9-]{1,6}[-+0-9:]{0,9}([A-Z<>]{0,5}[-+0-9:]{0,6}(,[JM0-9./:+-]{0,12},[JM0-9./:+-]{0,12})?)?", t in any::<i64>()) {
        let _ = PosixTz::parse_lenient(&s).offset_at(t);
    }
}
