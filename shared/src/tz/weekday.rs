//! Days of the week and local wall-clock times.

use core::fmt;
use core::str::FromStr;

/// A day of the week. Serialized as `"mon"` … `"sun"`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday first, as in ISO 8601.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// Short lowercase name, `"mon"` … `"sun"` (the serde form).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// English short name shown to visitors ("Mon"). Localising day names by
    /// the page's `lang` is future work.
    #[must_use]
    pub fn short_name(self) -> &'static str {
        match self {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
            Weekday::Sat => "Sat",
            Weekday::Sun => "Sun",
        }
    }

    /// Full English name, lowercase: `"monday"` … `"sunday"`.
    #[must_use]
    pub fn full_name(self) -> &'static str {
        match self {
            Weekday::Mon => "monday",
            Weekday::Tue => "tuesday",
            Weekday::Wed => "wednesday",
            Weekday::Thu => "thursday",
            Weekday::Fri => "friday",
            Weekday::Sat => "saturday",
            Weekday::Sun => "sunday",
        }
    }

    /// 0 for Monday … 6 for Sunday.
    #[must_use]
    pub fn days_since_monday(self) -> u8 {
        self as u8
    }

    /// Inverse of [`Weekday::days_since_monday`]; `n` is taken modulo 7.
    #[must_use]
    pub fn from_days_since_monday(n: u8) -> Weekday {
        match n % 7 {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }
}

/// Error of [`Weekday::from_str`]: the input names no weekday.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown weekday {0:?} (expected mon..sun or monday..sunday)")]
pub struct ParseWeekdayError(pub String);

impl FromStr for Weekday {
    type Err = ParseWeekdayError;

    /// Accepts `"mon"` … `"sun"` and `"monday"` … `"sunday"`, any ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Weekday::ALL
            .into_iter()
            .find(|d| s.eq_ignore_ascii_case(d.as_str()) || s.eq_ignore_ascii_case(d.full_name()))
            .ok_or_else(|| ParseWeekdayError(s.chars().take(32).collect()))
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Wall-clock time in some zone. `year` is within `0..=9999` (instants
/// outside that range are clamped, see [`crate::tz::civil`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    pub weekday: Weekday,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59 (Unix time has no leap seconds).
    pub second: u8,
}

impl LocalTime {
    /// Minutes since local midnight, `0..1440`.
    #[must_use]
    pub fn minute_of_day(&self) -> u16 {
        u16::from(self.hour) * 60 + u16::from(self.minute)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (i, d) in Weekday::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(d.days_since_monday()), i);
            assert_eq!(Weekday::from_days_since_monday(d.days_since_monday()), d);
            assert_eq!(d.as_str().parse::<Weekday>().unwrap(), d);
            assert_eq!(d.full_name().parse::<Weekday>().unwrap(), d);
            assert_eq!(d.as_str().to_uppercase().parse::<Weekday>().unwrap(), d);
            assert_eq!(d.to_string(), d.as_str());
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(json, format!("\"{}\"", d.as_str()));
            assert_eq!(serde_json::from_str::<Weekday>(&json).unwrap(), d);
        }
        assert_eq!("Wednesday".parse::<Weekday>().unwrap(), Weekday::Wed);
        assert_eq!("SUN".parse::<Weekday>().unwrap(), Weekday::Sun);
        assert_eq!(Weekday::from_days_since_monday(13), Weekday::Sun);
        assert!(Weekday::Mon < Weekday::Sun);
    }

    #[test]
    fn rejects_other_strings() {
        for bad in ["", "mo", "mond", "lundi", " mon", "mon ", "7"] {
            assert_eq!(
                bad.parse::<Weekday>(),
                Err(ParseWeekdayError(bad.to_owned()))
            );
        }
        let err = "x".repeat(100).parse::<Weekday>().unwrap_err();
        assert_eq!(err.0.len(), 32);
    }

    #[test]
    fn minute_of_day() {
        let t = LocalTime {
            year: 2026,
            month: 1,
            day: 1,
            weekday: Weekday::Thu,
            hour: 23,
            minute: 59,
            second: 59,
        };
        assert_eq!(t.minute_of_day(), 1439);
        assert_eq!(
            LocalTime {
                hour: 0,
                minute: 0,
                ..t
            }
            .minute_of_day(),
            0
        );
    }
}
