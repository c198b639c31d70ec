//! Time zones for time-window routing rules.
//!
//! A rule names its zone as an IANA name (`"Europe/Paris"`) or a fixed UTC
//! offset (`"+02:00"`) and is evaluated against the current instant. To keep
//! the edge bundle small the full tz database is not shipped: a generated
//! table (`table.rs`, see `shared/tools/gen_tz_table.py`) maps every IANA
//! name to the POSIX TZ string found in the footer of its TZif file, which
//! describes the zone's *current* rule. That is exact for the present and
//! the future as known to the tzdata release in [`TZDATA_VERSION`] (plus a
//! few explicitly listed future transitions for Morocco and Palestine, whose
//! Ramadan-dependent rules have no POSIX form), and deliberately wrong for
//! instants before that release's year: historical offsets are not kept.

pub mod civil;
mod db;
mod posix;
#[rustfmt::skip] // generated; see shared/tools/gen_tz_table.py
mod table;
mod weekday;

#[cfg(test)]
mod tests;

use core::fmt;

pub use civil::civil_from_unix;
pub use weekday::{LocalTime, ParseWeekdayError, Weekday};

use civil::{SECS_PER_DAY, civil_from_days, clamp_unix_seconds, weekday_from_days};
use posix::PosixTz;

/// The tzdata release the built-in zone table was generated from.
pub const TZDATA_VERSION: &str = table::TZDATA_VERSION;

/// Largest accepted fixed offset, ±18:00 (as in ISO 8601 profiles and
/// `java.time`).
const MAX_FIXED_OFFSET: i32 = 18 * 3600;

/// Longest piece of user input echoed back in a [`ZoneError`].
const MAX_ECHO: usize = 64;

/// Where a time-window rule is evaluated: an IANA zone or a fixed UTC offset.
///
/// Cheap to clone (no heap data). Two zones are equal when they have the same
/// canonical text: `"US/Eastern"` and `"America/New_York"` behave alike but
/// are different zones, while `"+00:00"`, `"Z"` and `"UTC"` are all
/// [`Zone::UTC`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Zone(Repr);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Repr {
    /// Fixed offset (seconds east of UTC) and its canonical text.
    Fixed { offset: i32, text: [u8; 6], len: u8 },
    Iana {
        name: &'static str,
        rule: PosixTz,
        overrides: &'static [(u32, i32)],
    },
}

/// Why a string is not a [`Zone`]. The offending input is echoed, truncated
/// to 64 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    /// Not an IANA zone name known to the built-in table (including `""`).
    #[error("unknown time zone {0:?}")]
    Unknown(String),
    /// Starts with `+`/`-` but is not `±HH`, `±HHMM` or `±HH:MM` within ±18:00.
    #[error("invalid UTC offset {0:?} (expected ±HH:MM between -18:00 and +18:00)")]
    BadOffset(String),
}

impl Zone {
    /// Coordinated Universal Time; canonical text `"UTC"`.
    pub const UTC: Zone = Zone(Repr::Fixed {
        offset: 0,
        text: *b"UTC\0\0\0",
        len: 3,
    });

    /// Parses an IANA name (`"Europe/Paris"`, `"US/Eastern"`, `"Etc/GMT+5"`)
    /// or a fixed offset (`"+02:00"`, `"-05:30"`, `"+0530"`, `"+05"`, `"Z"`).
    ///
    /// Names are matched exactly first, then ASCII case-insensitively; the
    /// result carries the canonical tzdb spelling (`"europe/paris"` →
    /// `"Europe/Paris"`). `"UTC"` (any case), `"Z"` and zero offsets give
    /// [`Zone::UTC`]; other offsets are canonicalized to `±HH:MM`.
    /// Surrounding ASCII whitespace is ignored.
    ///
    /// # Errors
    ///
    /// [`ZoneError::BadOffset`] for input starting with `+`/`-` that is not a
    /// valid offset, [`ZoneError::Unknown`] for anything else not recognized.
    pub fn parse(s: &str) -> Result<Zone, ZoneError> {
        let s = s.trim_ascii();
        if s.eq_ignore_ascii_case("UTC") || s.eq_ignore_ascii_case("Z") {
            return Ok(Zone::UTC);
        }
        if s.starts_with(['+', '-']) {
            return parse_offset(s)
                .map(Zone::fixed)
                .ok_or_else(|| ZoneError::BadOffset(echo(s)));
        }
        db::lookup(s)
            .map(|e| Zone::iana(e.name, e.rule, e.overrides))
            .ok_or_else(|| ZoneError::Unknown(echo(s)))
    }

    /// The canonical text form (`"Europe/Paris"`, `"+02:00"`, `"UTC"`);
    /// [`Zone::parse`] maps it back to an equal zone.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Fixed { text, len, .. } => text
                .get(..usize::from(*len))
                .and_then(|b| core::str::from_utf8(b).ok())
                .unwrap_or("UTC"),
            Repr::Iana { name, .. } => name,
        }
    }

    /// UTC offset in seconds (east positive) in effect at this instant,
    /// daylight-saving time applied. Defined for every `i64`.
    #[must_use]
    pub fn offset_at(&self, unix_seconds: i64) -> i32 {
        match &self.0 {
            Repr::Fixed { offset, .. } => *offset,
            Repr::Iana {
                rule, overrides, ..
            } => {
                override_at(overrides, unix_seconds).unwrap_or_else(|| rule.offset_at(unix_seconds))
            }
        }
    }

    /// Wall-clock time in this zone at the instant (milliseconds since the
    /// Unix epoch). Instants outside `0000-01-01 ..= 9999-12-31` are clamped
    /// to that range, so this never panics.
    #[must_use]
    pub fn local_time(&self, unix_ms: i64) -> LocalTime {
        let utc = clamp_unix_seconds(unix_ms.div_euclid(1000));
        let local = clamp_unix_seconds(utc + i64::from(self.offset_at(utc)));
        let days = local.div_euclid(SECS_PER_DAY);
        let secs = local.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        LocalTime {
            year: i32::try_from(year).unwrap_or(0),
            month,
            day,
            weekday: weekday_from_days(days),
            hour: two_digit(secs / 3600),
            minute: two_digit(secs / 60 % 60),
            second: two_digit(secs % 60),
        }
    }

    /// Every IANA name [`Zone::parse`] knows, in canonical spelling, sorted.
    pub fn known_names() -> impl Iterator<Item = &'static str> {
        (0..db::len()).filter_map(|i| db::entry(i).map(|e| e.name))
    }

    /// A fixed-offset zone; `offset` must be within ±18:00 and a whole
    /// number of minutes (checked by the caller).
    fn fixed(offset: i32) -> Zone {
        if offset == 0 {
            return Zone::UTC;
        }
        let sign = if offset < 0 { b'-' } else { b'+' };
        let minutes = offset.unsigned_abs() / 60;
        let digit = |v: u32| b'0' + u8::try_from(v % 10).unwrap_or(0);
        let (h, m) = (minutes / 60, minutes % 60);
        let text = [sign, digit(h / 10), digit(h), b':', digit(m / 10), digit(m)];
        Zone(Repr::Fixed {
            offset,
            text,
            len: 6,
        })
    }

    /// An IANA zone from its table data. A malformed rule never fails: it
    /// degrades to the rule's standard offset (or UTC).
    fn iana(name: &'static str, rule: &str, overrides: &'static [(u32, i32)]) -> Zone {
        Zone(Repr::Iana {
            name,
            rule: PosixTz::parse_lenient(rule),
            overrides,
        })
    }
}

/// The explicit transition table's answer, if `t` falls within it.
fn override_at(overrides: &[(u32, i32)], t: i64) -> Option<i32> {
    let (first, last) = (overrides.first()?, overrides.last()?);
    if t < i64::from(first.0) || t >= i64::from(last.0) {
        return None;
    }
    let after = overrides.partition_point(|&(at, _)| i64::from(at) <= t);
    overrides
        .get(after.checked_sub(1)?)
        .map(|&(_, offset)| offset)
}

/// `±HH`, `±HHMM` or `±HH:MM` (minutes 00–59, at most 18:00) → seconds.
fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().split_first()? {
        (b'+', rest) => (1, rest),
        (b'-', rest) => (-1, rest),
        _ => return None,
    };
    let digits: &[u8] = match rest {
        [h1, h2] => &[*h1, *h2, b'0', b'0'],
        [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => &[*h1, *h2, *m1, *m2],
        _ => return None,
    };
    let mut value = [0i32; 4];
    for (v, c) in value.iter_mut().zip(digits) {
        *v = i32::from(c.is_ascii_digit().then(|| c - b'0')?);
    }
    let [h1, h2, m1, m2] = value;
    let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
    let secs = (hours * 60 + minutes) * 60;
    (minutes < 60 && secs <= MAX_FIXED_OFFSET).then_some(sign * secs)
}

/// Truncates user input for error messages (on a char boundary).
fn echo(s: &str) -> String {
    let mut end = s.len().min(MAX_ECHO);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// Narrows a value in `0..60`.
fn two_digit(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

crate::text::text_newtype!(Zone, ZoneError, display = as_str);

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Zone").field(&self.as_str()).finish()
    }
}

impl serde::Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Zone;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an IANA time zone name or a UTC offset such as \"+02:00\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Zone, E> {
                Zone::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}
