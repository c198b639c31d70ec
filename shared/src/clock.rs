//! Wall-clock times of day, as owners write them in opening hours and time rules.

use core::fmt;

use serde::{Deserialize, Serialize};

/// `HH:MM` on a 24-hour clock, `00:00` to `24:00` (the latter only makes
/// sense as the end of a range: "open until midnight").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time of day: use HH:MM on a 24-hour clock, e.g. 09:30 or 17:00")]
pub struct TimeOfDayError(pub String);

impl TimeOfDay {
    pub const MIDNIGHT: Self = Self(0);
    pub const END_OF_DAY: Self = Self(24 * 60);

    pub fn parse(input: &str) -> Result<Self, TimeOfDayError> {
        let error = || TimeOfDayError(input.to_owned());
        let (hours, minutes) = input.trim().split_once(':').ok_or_else(error)?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !(1..=2).contains(&hours.len())
            || !hours.bytes().all(|b| b.is_ascii_digit())
            || !two_digits(minutes)
        {
            return Err(error());
        }
        let hours: u16 = hours.parse().map_err(|_| error())?;
        let minutes: u16 = minutes.parse().map_err(|_| error())?;
        if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) {
            return Err(error());
        }
        Ok(Self(hours * 60 + minutes))
    }

    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(Self(minutes))
    }

    /// Minutes since midnight, 0 to 1440.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

crate::text::text_newtype!(TimeOfDay, TimeOfDayError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_valid_times() {
        assert_eq!(TimeOfDay::parse("09:30").unwrap().minutes(), 570);
        assert_eq!(TimeOfDay::parse("9:05").unwrap().to_string(), "09:05");
        assert_eq!(TimeOfDay::parse("24:00").unwrap(), TimeOfDay::END_OF_DAY);
        assert_eq!(TimeOfDay::parse("00:00").unwrap(), TimeOfDay::MIDNIGHT);
    }

    #[test]
    fn rejects_invalid_times() {
        for bad in [
            "",
            "9",
            "9:5",
            "24:01",
            "25:00",
            "12:60",
            "-1:00",
            "12:00:00",
            "ab:cd",
            "１２:００",
            "+9:00",
        ] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(minutes in 0u16..=1440) {
            let t = TimeOfDay::from_minutes(minutes).unwrap();
            prop_assert_eq!(TimeOfDay::parse(&t.to_string()).unwrap(), t);
        }

        #[test]
        fn never_panics(input in "\\PC{0,8}") {
            let _ = TimeOfDay::parse(&input);
        }
    }
}
