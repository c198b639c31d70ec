//! POSIX TZ strings (`CET-1CEST,M3.5.0,M10.5.0/3`) as found in the footer of
//! TZif v2+ files: parsing and UTC-offset evaluation.
//!
//! Grammar (POSIX.1-2017 §8.3 plus the RFC 9636 extensions used by tzdata):
//!
//! ```text
//! std offset [dst [offset] [,start[/time],end[/time]]]
//! name   = 1+ ASCII letters | '<' 1+ [A-Za-z0-9+-] '>'
//! offset = [+-]hh[:mm[:ss]]          hh <= 24, west of Greenwich is positive
//! time   = [+-]hhh[:mm[:ss]]         |hhh| <= 167 (extension: may be < 0 or > 24)
//! date   = Jn (1..=365, Feb 29 never counted) | n (0..=365) | Mm.w.d
//! ```
//!
//! A missing DST offset means one hour ahead of standard time; a missing time
//! means 02:00:00; a DST name without rules gets the US rules
//! `M3.2.0,M11.1.0` (the traditional `posixrules` default).

mod parse;
#[cfg(test)]
mod tests;

use parse::Parser;

use super::civil::{SECS_PER_DAY, days_from_civil, days_in_month, is_leap_year, year_of_unix};

/// A parsed POSIX TZ rule. Offsets are stored the ISO way: seconds *east*
/// of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PosixTz {
    std_offset: i32,
    dst: Option<Dst>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Dst {
    offset: i32,
    start: Transition,
    end: Transition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Transition {
    date: DateRule,
    /// Local time of day (seconds, may be negative or beyond 24 h).
    time: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DateRule {
    /// `Jn`: day 1..=365, February 29 is never counted.
    Julian1(u16),
    /// `n`: zero-based day of the year 0..=365, February 29 counted.
    Julian0(u16),
    /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay { month: u8, week: u8, weekday: u8 },
}

/// Default start/end when a DST name is given without rules.
const DEFAULT_START: Transition = Transition {
    date: DateRule::MonthWeekDay {
        month: 3,
        week: 2,
        weekday: 0,
    },
    time: 7200,
};
const DEFAULT_END: Transition = Transition {
    date: DateRule::MonthWeekDay {
        month: 11,
        week: 1,
        weekday: 0,
    },
    time: 7200,
};

impl PosixTz {
    /// UTC, for when nothing at all can be salvaged.
    #[cfg(test)]
    pub(crate) const UTC: PosixTz = PosixTz {
        std_offset: 0,
        dst: None,
    };

    /// Strict parse; `None` unless the whole string is valid.
    pub(crate) fn parse(s: &str) -> Option<PosixTz> {
        let mut p = Parser::new(s);
        let tz = p.tz()?;
        p.at_end().then_some(tz)
    }

    /// Never fails: a malformed string falls back to its leading standard
    /// time (`CET-1` of a garbled `CET-1CEST,…`), or UTC if even that is
    /// unreadable.
    pub(crate) fn parse_lenient(s: &str) -> PosixTz {
        PosixTz::parse(s).unwrap_or_else(|| {
            let mut p = Parser::new(s);
            let std_offset = p.name().and_then(|()| p.offset()).unwrap_or(0);
            PosixTz {
                std_offset,
                dst: None,
            }
        })
    }

    /// UTC offset (seconds east) in effect at `unix_seconds`.
    ///
    /// The answer is the state after the latest start/end transition at or
    /// before the instant, taken over the neighbouring years so rules whose
    /// transitions cross a year boundary (`/-1`, `/25`, southern-hemisphere
    /// DST, all-year DST such as `,0/0,J365/25`) are handled uniformly.
    /// When a start and an end coincide the end is applied first, so
    /// permanent DST stays in effect.
    pub(crate) fn offset_at(&self, unix_seconds: i64) -> i32 {
        let Some(dst) = self.dst else {
            return self.std_offset;
        };
        let year = year_of_unix(unix_seconds);
        // (instant, applies-second, offset after)
        let mut best: Option<(i64, bool, i32)> = None;
        for y in year - 2..=year + 1 {
            let end = (dst.end.utc_instant(y, dst.offset), false, self.std_offset);
            let start = (dst.start.utc_instant(y, self.std_offset), true, dst.offset);
            for cand in [end, start] {
                let newer = best.is_none_or(|b| (cand.0, cand.1) > (b.0, b.1));
                if cand.0 <= unix_seconds && newer {
                    best = Some(cand);
                }
            }
        }
        best.map_or(self.std_offset, |b| b.2)
    }

    /// Standard-time UTC offset (seconds east).
    #[cfg(test)]
    pub(crate) fn std_offset(&self) -> i32 {
        self.std_offset
    }

    /// Whether the rule has daylight-saving transitions.
    #[cfg(test)]
    pub(crate) fn has_dst(&self) -> bool {
        self.dst.is_some()
    }
}

impl Transition {
    /// UTC instant of this transition in `year`, given the UTC offset in
    /// effect just before it (the transition time is local wall time).
    fn utc_instant(self, year: i64, offset_before: i32) -> i64 {
        self.date.day(year) * SECS_PER_DAY + i64::from(self.time) - i64::from(offset_before)
    }
}

impl DateRule {
    /// Days since 1970-01-01 of the rule's date in `year`.
    fn day(self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        match self {
            DateRule::Julian1(n) => {
                let skip_feb29 = is_leap_year(year) && n >= 60;
                jan1 + i64::from(n) - 1 + i64::from(skip_feb29)
            }
            DateRule::Julian0(n) => jan1 + i64::from(n),
            DateRule::MonthWeekDay {
                month,
                week,
                weekday,
            } => {
                let first = days_from_civil(year, month, 1);
                // 1970-01-01 was a Thursday (4 with Sunday = 0).
                let first_wd = (first + 4).rem_euclid(7);
                let mut offset = (i64::from(weekday) - first_wd).rem_euclid(7);
                offset += 7 * (i64::from(week) - 1);
                let len = i64::from(days_in_month(year, month));
                while offset >= len && offset >= 7 {
                    offset -= 7;
                }
                first + offset
            }
        }
    }
}
