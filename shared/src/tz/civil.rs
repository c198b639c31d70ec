//! Proleptic-Gregorian calendar arithmetic on days since the Unix epoch.
//!
//! The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`
//! (<https://howardhinnant.github.io/date_algorithms.html>), done in `i64`.
//! They are exact for every instant in the supported range, which is
//! `0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z`; public entry points clamp
//! inputs outside it to the nearest bound instead of overflowing, so no `i64`
//! input can panic.

use super::Weekday;

/// Largest `|year|` accepted by [`days_from_civil`] before clamping.
const MAX_ABS_YEAR: i64 = 1_000_000_000_000;

/// Seconds per day.
pub(crate) const SECS_PER_DAY: i64 = 86_400;

/// `0000-01-01T00:00:00Z`, the earliest instant the calendar functions
/// represent; earlier inputs are clamped to it.
pub const MIN_UNIX_SECONDS: i64 = -62_167_219_200;

/// `9999-12-31T23:59:59Z`, the latest instant the calendar functions
/// represent; later inputs are clamped to it.
pub const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// Clamps `unix_seconds` into `MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS`.
#[must_use]
pub fn clamp_unix_seconds(unix_seconds: i64) -> i64 {
    unix_seconds.clamp(MIN_UNIX_SECONDS, MAX_UNIX_SECONDS)
}

/// Whether `year` is a Gregorian leap year.
#[must_use]
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
#[must_use]
pub fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of the civil date `year-month-day`.
///
/// Exact for `|year| <= 10^12` (larger years are clamped); month and day are not validated (day 0 or
/// day 32 simply count from the first of the month), which the POSIX rule
/// evaluator relies on. Callers outside this crate should pass real dates.
#[must_use]
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = year.clamp(-MAX_ABS_YEAR, MAX_ABS_YEAR);
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Civil date `(year, month, day)` of `days` since 1970-01-01.
///
/// Exact for any `days` whose year fits comfortably in `i64` (the
/// intermediate products cannot overflow for `|days| < 2^60`).
#[must_use]
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days.clamp(-(1_i64 << 60), 1_i64 << 60) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // The casts cannot truncate: day is in 1..=31 and month in 1..=12.
    (year, narrow(month), narrow(day))
}

/// Weekday of `days` since 1970-01-01 (a Thursday).
#[must_use]
pub fn weekday_from_days(days: i64) -> Weekday {
    Weekday::from_days_since_monday(narrow((days + 3).rem_euclid(7)))
}

/// The UTC civil date `(year, month, day)` of a Unix instant.
///
/// Instants outside `0000-01-01 ..= 9999-12-31` are clamped to that range
/// (so `i64::MIN` gives `(0, 1, 1)` and `i64::MAX` gives `(9999, 12, 31)`).
#[must_use]
pub fn civil_from_unix(unix_seconds: i64) -> (i32, u8, u8) {
    let days = clamp_unix_seconds(unix_seconds).div_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    (
        i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }),
        m,
        d,
    )
}

/// UTC year of a Unix instant, clamped like [`civil_from_unix`].
pub(crate) fn year_of_unix(unix_seconds: i64) -> i64 {
    civil_from_days(clamp_unix_seconds(unix_seconds).div_euclid(SECS_PER_DAY)).0
}

/// Narrows a value already known to be in `0..=255`.
fn narrow(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_unix(1_774_745_999), (2026, 3, 29));
        assert_eq!(days_from_civil(2200, 12, 31), 84_370);
        assert_eq!(weekday_from_days(0), Weekday::Thu);
        assert_eq!(weekday_from_days(-4), Weekday::Sun);
        assert_eq!(
            weekday_from_days(days_from_civil(2026, 3, 29)),
            Weekday::Sun
        );
    }

    #[test]
    fn bounds_match_documented_dates() {
        assert_eq!(days_from_civil(0, 1, 1) * SECS_PER_DAY, MIN_UNIX_SECONDS);
        assert_eq!(
            days_from_civil(9999, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1,
            MAX_UNIX_SECONDS
        );
        assert_eq!(civil_from_unix(i64::MIN), (0, 1, 1));
        assert_eq!(civil_from_unix(i64::MAX), (9999, 12, 31));
        assert_eq!(year_of_unix(i64::MAX), 9999);
        assert_eq!(civil_from_days(i64::MAX).1, civil_from_days(1 << 60).1);
        let _ = civil_from_days(i64::MIN);
        let _ = days_from_civil(i64::MIN, 1, 1);
        let _ = days_from_civil(i64::MAX, 12, 31);
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2026, 13), 0);
        for y in 1999..2030 {
            let total: i64 = (1..=12).map(|m| i64::from(days_in_month(y, m))).sum();
            assert_eq!(
                total,
                days_from_civil(y + 1, 1, 1) - days_from_civil(y, 1, 1)
            );
        }
    }

    proptest! {
        #[test]
        fn round_trip(days in -800_000i64..3_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m));
            prop_assert!(d >= 1 && d <= days_in_month(y, m));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn agrees_with_chrono(secs in MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS) {
            use chrono::Datelike;
            let c = chrono::DateTime::from_timestamp(secs, 0).unwrap().date_naive();
            let (y, m, d) = civil_from_unix(secs);
            prop_assert_eq!((y, u32::from(m), u32::from(d)), (c.year(), c.month(), c.day()));
            let wd = weekday_from_days(secs.div_euclid(SECS_PER_DAY));
            prop_assert_eq!(u32::from(wd.days_since_monday()), c.weekday().num_days_from_monday());
        }

        #[test]
        fn never_panics(secs in any::<i64>()) {
            let (y, m, d) = civil_from_unix(secs);
            prop_assert!((0..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d));
            let _ = civil_from_days(secs);
        }
    }
}
