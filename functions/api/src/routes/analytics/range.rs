//! The analytics query string → a validated `ReportQuery`: `from` and `to`
//! as RFC 3339 instants or `YYYY-MM-DD` dates (midnight in `tz`; a `to` date
//! includes that whole day), `interval=hour|day`, `tz` an IANA zone name.
//! Bad values are 422s naming the parameter.

use chrono::DateTime;
use scanly_analytics::report::{Interval, ReportQuery};
use scanly_shared::tz::Zone;
use scanly_shared::tz::civil::days_from_civil;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Hourly series: at most 31 days (744 points).
pub const MAX_HOURLY_DAYS: i64 = 31;
/// Daily series: at most 400 days.
pub const MAX_DAILY_DAYS: i64 = 400;

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
// Read through `ValidQuery`, which utoipa does not recognise as a query.
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeParams {
    /// Start: RFC 3339 (`2026-11-01T00:00:00Z`) or a date (`2026-11-01`,
    /// midnight in `tz`). Default: 30 days (hourly: 2 days) before `to`.
    pub from: Option<String>,
    /// End, exclusive: RFC 3339, or a date (that whole day included).
    /// Default: now.
    pub to: Option<String>,
    /// `day` (default) or `hour`.
    pub interval: Option<String>,
    /// IANA time zone of the buckets and dates, e.g. `Europe/Berlin`. Default `UTC`.
    pub tz: Option<String>,
}

impl RangeParams {
    pub fn query(&self, now_ms: i64) -> ApiResult<ReportQuery> {
        let zone_name = self.tz.as_deref().unwrap_or("UTC");
        let zone = Zone::parse(zone_name)
            .map_err(|_| ApiError::invalid("tz", format!("unknown time zone {zone_name:?}")))?;
        let interval = match self.interval.as_deref().unwrap_or("day") {
            "day" => Interval::Day,
            "hour" => Interval::Hour,
            _ => return Err(ApiError::invalid("interval", "must be hour or day")),
        };
        let to_ms = match &self.to {
            Some(to) => instant(to, &zone, Edge::End).ok_or_else(|| bad_instant("to"))?,
            None => now_ms,
        };
        let default_days = match interval {
            Interval::Hour => 2,
            Interval::Day => 30,
        };
        let from_ms = match &self.from {
            Some(from) => instant(from, &zone, Edge::Start).ok_or_else(|| bad_instant("from"))?,
            None => to_ms.saturating_sub(default_days * DAY_MS),
        };
        if from_ms >= to_ms {
            return Err(ApiError::invalid("from", "must be before to"));
        }
        let max_days = match interval {
            Interval::Hour => MAX_HOURLY_DAYS,
            Interval::Day => MAX_DAILY_DAYS,
        };
        if to_ms - from_ms > max_days * DAY_MS {
            return Err(ApiError::invalid(
                "from",
                format!("the range may span at most {max_days} days at this interval"),
            ));
        }
        Ok(ReportQuery {
            from_ms,
            to_ms,
            interval,
            zone,
        })
    }
}

fn bad_instant(field: &str) -> ApiError {
    ApiError::invalid(
        field,
        "must be an RFC 3339 time (2026-11-01T00:00:00Z) or a date (2026-11-01)",
    )
}

#[derive(Debug, Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// Unix ms of an RFC 3339 time, or of the local midnight starting (`Start`)
/// or ending (`End`) a date.
fn instant(value: &str, zone: &Zone, edge: Edge) -> Option<i64> {
    // An unencoded `+01:00` arrives as ` 01:00` (a `+` in a query string
    // is a space): read it as meant.
    let value = value.trim().replace(' ', "+");
    if let Ok(time) = DateTime::parse_from_rfc3339(&value) {
        return Some(time.timestamp_millis());
    }
    // Exactly `YYYY-MM-DD`.
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    let mut parts = value.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    let day: u8 = day.parse().ok()?;
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= scanly_shared::tz::civil::days_in_month(year, month);
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month, day)
        + match edge {
            Edge::Start => 0,
            Edge::End => 1,
        };
    Some(local_midnight_ms(days, zone))
}

/// The UTC instant of local midnight starting `days` since the epoch: the
/// offset is looked up twice because it may differ between UTC and local
/// midnight (the day of a DST change).
fn local_midnight_ms(days: i64, zone: &Zone) -> i64 {
    let local_seconds = days * 86_400;
    let first = i64::from(zone.offset_at(local_seconds));
    let offset = i64::from(zone.offset_at(local_seconds - first));
    (local_seconds - offset) * 1000
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const NOW: i64 = 1_795_244_400_000; // 2026-11-21T07:00Z

    fn params(pairs: &[(&str, &str)]) -> RangeParams {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        };
        RangeParams {
            from: get("from"),
            to: get("to"),
            interval: get("interval"),
            tz: get("tz"),
        }
    }

    #[test]
    fn defaults_are_the_last_thirty_days_by_day_in_utc() {
        let query = params(&[]).query(NOW).unwrap();
        assert_eq!((query.from_ms, query.to_ms), (NOW - 30 * DAY_MS, NOW));
        assert!(matches!(query.interval, Interval::Day));
        let hourly = params(&[("interval", "hour")]).query(NOW).unwrap();
        assert_eq!(hourly.from_ms, NOW - 2 * DAY_MS);
    }

    #[test]
    fn dates_are_local_midnights_and_a_to_date_is_included() {
        let query = params(&[
            ("from", "2026-11-01"),
            ("to", "2026-11-01"),
            ("tz", "Europe/Berlin"),
        ])
        .query(NOW)
        .unwrap();
        // Berlin is UTC+1 in November.
        assert_eq!(query.from_ms, 1_793_487_600_000); // 2026-10-31T23:00Z
        assert_eq!(query.to_ms - query.from_ms, DAY_MS);
        // The day clocks go back (2026-10-25 in Berlin) has 25 hours.
        let long_day = params(&[
            ("from", "2026-10-25"),
            ("to", "2026-10-25"),
            ("tz", "Europe/Berlin"),
        ])
        .query(NOW)
        .unwrap();
        assert_eq!(long_day.to_ms - long_day.from_ms, 25 * HOUR_MS);
        let unencoded_plus = params(&[("from", "2026-11-20T12:30:00 01:00")])
            .query(NOW)
            .unwrap();
        assert_eq!(unencoded_plus.from_ms, NOW - 19 * HOUR_MS - 30 * 60_000);
        let instant = params(&[("from", "2026-11-20T12:30:00+01:00")])
            .query(NOW)
            .unwrap();
        assert_eq!(instant.from_ms, NOW - 19 * HOUR_MS - 30 * 60_000);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (pairs, field) in [
            (vec![("tz", "Mars/Base")], "tz"),
            (vec![("interval", "week")], "interval"),
            (vec![("from", "yesterday")], "from"),
            (vec![("to", "2026-02-30")], "to"),
            (vec![("from", "2026-1-5")], "from"),
            (vec![("from", "+002026-11-20")], "from"),
            (vec![("from", "2026-11-21"), ("to", "2026-11-01")], "from"),
            (vec![("interval", "hour"), ("from", "2026-01-01")], "from"),
            (vec![("from", "2020-01-01")], "from"),
        ] {
            let error = params(&pairs).query(NOW).unwrap_err();
            assert_eq!(error.code, "validation_failed");
            assert!(
                error.message.starts_with(&format!("{field}: ")),
                "{pairs:?}: {}",
                error.message
            );
        }
    }
}
