//! Opening hours of an `hours` block.
//!
//! Rules: `close` must be after `open`, except that a `close` of `00:00` or
//! `24:00` means "until midnight" and a `close` earlier than `open` means the
//! range runs past midnight into the next day (a bar open 20:00–02:00). Such a
//! range is listed under the day it opens, the way Google Maps shows it, and
//! rendered as typed: `Fri 20:00–02:00`. `00:00`–`24:00` (or `00:00`–`00:00`)
//! renders as "Open 24 hours". Ranges of one day may not overlap.

use serde::{Deserialize, Serialize};

use super::PageError;
use crate::TimeOfDay;
use crate::tz::Weekday;

/// One opening range of one day. A day may have several (split shifts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DayHours {
    pub day: Weekday,
    pub open: TimeOfDay,
    pub close: TimeOfDay,
}

impl DayHours {
    /// `close` in minutes on the opening day: midnight counts as 1440 and a
    /// past-midnight close as 1440 too (the rest spills into the next day).
    fn end_on_opening_day(self) -> u16 {
        if self.close.minutes() == 0 || self.close < self.open {
            1440
        } else {
            self.close.minutes()
        }
    }

    pub fn is_all_day(self) -> bool {
        self.open.minutes() == 0 && matches!(self.close.minutes(), 0 | 1440)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDayHours {
    day: String,
    open: String,
    close: String,
}

pub(crate) const MAX_RANGES: usize = 28;

pub(crate) fn validate_days(
    prefix: &str,
    raw: Vec<RawDayHours>,
) -> Result<Vec<DayHours>, PageError> {
    let field = |i: usize, name: &str| format!("{prefix}[{i}].{name}");
    if raw.is_empty() {
        return Err(PageError::new(prefix, "add at least one opening time"));
    }
    if raw.len() > MAX_RANGES {
        return Err(PageError::new(
            prefix,
            format!("at most {MAX_RANGES} opening times (got {})", raw.len()),
        ));
    }
    let mut out: Vec<DayHours> = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        let day = r.day.parse::<Weekday>().ok().ok_or_else(|| {
            PageError::new(
                field(i, "day"),
                format!(
                    "unknown day {:?}; use mon, tue, wed, thu, fri, sat or sun",
                    r.day
                ),
            )
        })?;
        let time = |name: &str, value: &str| {
            TimeOfDay::parse(value).map_err(|e| PageError::new(field(i, name), e.to_string()))
        };
        let open = time("open", &r.open)?;
        let close = time("close", &r.close)?;
        if open == TimeOfDay::END_OF_DAY {
            return Err(PageError::new(
                field(i, "open"),
                "24:00 can only be a closing time",
            ));
        }
        if close == open && close.minutes() != 0 {
            return Err(PageError::new(
                field(i, "close"),
                "must be after the opening time (use 00:00–24:00 for open all day)",
            ));
        }
        let range = DayHours { day, open, close };
        if let Some(j) = out.iter().position(|o| {
            o.day == day
                && o.open.minutes() < range.end_on_opening_day()
                && open.minutes() < o.end_on_opening_day()
        }) {
            return Err(PageError::new(
                field(i, "open"),
                format!("overlaps {prefix}[{j}] on the same day"),
            ));
        }
        out.push(range);
    }
    Ok(out)
}

/// Each day of the week in order with its ranges sorted by opening time;
/// days without ranges are closed.
pub(crate) fn week(days: &[DayHours]) -> [(Weekday, Vec<DayHours>); 7] {
    Weekday::ALL.map(|day| {
        let mut ranges: Vec<DayHours> = days.iter().copied().filter(|d| d.day == day).collect();
        ranges.sort_by_key(|d| d.open);
        (day, ranges)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(day: Weekday, open: &str, close: &str) -> DayHours {
        DayHours {
            day,
            open: TimeOfDay::parse(open).unwrap(),
            close: TimeOfDay::parse(close).unwrap(),
        }
    }

    #[test]
    fn week_lists_every_day_in_order_with_sorted_ranges() {
        let days = [
            range(Weekday::Sun, "10:00", "14:00"),
            range(Weekday::Mon, "13:00", "17:00"),
            range(Weekday::Mon, "08:00", "12:00"),
        ];
        let week = week(&days);
        let order: Vec<Weekday> = week.iter().map(|(d, _)| *d).collect();
        assert_eq!(order, Weekday::ALL);
        assert_eq!(week[0].1, [days[2], days[1]]);
        assert!(week[1].1.is_empty());
        assert_eq!(week[6].1, [days[0]]);
    }

    #[test]
    fn all_day_and_overnight_ranges() {
        assert!(range(Weekday::Mon, "00:00", "24:00").is_all_day());
        assert!(range(Weekday::Mon, "00:00", "00:00").is_all_day());
        assert!(!range(Weekday::Mon, "00:00", "23:59").is_all_day());
        assert_eq!(
            range(Weekday::Fri, "20:00", "02:00").end_on_opening_day(),
            1440
        );
        assert_eq!(
            range(Weekday::Fri, "18:00", "00:00").end_on_opening_day(),
            1440
        );
        assert_eq!(
            range(Weekday::Fri, "08:00", "12:30").end_on_opening_day(),
            750
        );
    }

    #[test]
    fn weekday_names_match_serde() {
        for day in Weekday::ALL {
            assert_eq!(
                serde_json::to_string(&day).unwrap(),
                format!("\"{}\"", day.as_str())
            );
            assert_eq!(
                day.as_str().to_uppercase().parse::<Weekday>().ok(),
                Some(day)
            );
        }
        assert!("someday".parse::<Weekday>().is_err());
    }
}
