//! Routing rules and A/B variants: the part of a link an owner programs.
//!
//! JSON shape (public API): `{"when": {"country": ["US","CA"], "device": ["mobile"],
//! "os": ["ios"], "language": ["fr"], "time": {"days": ["sat","sun"], "start": "09:00",
//! "end": "17:00", "timezone": "Europe/Paris"}, "query": {"param": "src", "value": "flyer"}},
//! "destination": "https://…"}`. Every condition given must hold (AND); inside
//! one list any value may match (OR).

use serde::{Deserialize, Serialize};

use crate::clock::TimeOfDay;
use crate::context::ScanContext;
use crate::tz::{Weekday, Zone};
use crate::ua::{DeviceType, Os};
use crate::{CountryCode, Destination, DomainError, LanguageTag};

pub const MAX_RULES: usize = 50;
pub const MAX_VARIANTS: usize = 10;
pub const MAX_VARIANT_WEIGHT: u32 = 10_000;
const MAX_LIST_LEN: usize = 300;
const MAX_QUERY_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: Conditions,
    pub destination: Destination,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    #[serde(default)]
    pub country: Option<Vec<CountryCode>>,
    #[serde(default)]
    pub device: Option<Vec<DeviceType>>,
    #[serde(default)]
    pub os: Option<Vec<Os>>,
    /// Compared with the visitor's most preferred language only: a French
    /// speaker who also accepts English must land on the French rule even
    /// when the English rule comes first.
    #[serde(default)]
    pub language: Option<Vec<LanguageTag>>,
    #[serde(default)]
    pub time: Option<TimeWindow>,
    #[serde(default)]
    pub query: Option<QueryCondition>,
}

/// Days and hours, e.g. Mon–Fri 11:30–14:00. `end` before `start` spans
/// midnight (Fri 22:00–02:00 also matches early Saturday); `start == end`
/// means the whole day. Without a `timezone` the visitor's own local time is
/// used (UTC when the edge does not know it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    /// Empty means every day.
    #[serde(default)]
    pub days: Vec<Weekday>,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
    #[serde(default)]
    pub timezone: Option<Zone>,
}

/// The scanned URL carries `param` (with `value`, when given, compared exactly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryCondition {
    pub param: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// One arm of an A/B split. Weights are relative (`70`/`30`, or `1`/`1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub destination: Destination,
    pub weight: u32,
}

impl Variant {
    /// The key analytics use for the variant at `index`: "a", "b", …
    pub fn key(index: usize) -> String {
        let letter = u8::try_from(index % 26).map_or('a', |i| char::from(b'a' + i));
        if index < 26 {
            letter.to_string()
        } else {
            format!("{letter}{}", index / 26)
        }
    }
}

impl Conditions {
    fn is_empty(&self) -> bool {
        self.country.is_none()
            && self.device.is_none()
            && self.os.is_none()
            && self.language.is_none()
            && self.time.is_none()
            && self.query.is_none()
    }

    pub fn matches(&self, scan: &ScanContext) -> bool {
        any_of(&self.country, |c| scan.country.as_ref() == Some(c))
            && any_of(&self.device, |d| *d == scan.device)
            && any_of(&self.os, |o| *o == scan.os)
            && any_of(&self.language, |l| {
                scan.languages.first().is_some_and(|v| l.matches(v))
            })
            && self.time.as_ref().is_none_or(|w| w.contains(scan))
            && self.query.as_ref().is_none_or(|q| q.matches(scan))
    }
}

/// An absent condition holds; a present list holds when any value does.
fn any_of<T>(list: &Option<Vec<T>>, pred: impl Fn(&T) -> bool) -> bool {
    list.as_ref().is_none_or(|values| values.iter().any(pred))
}

impl TimeWindow {
    pub fn contains(&self, scan: &ScanContext) -> bool {
        let zone = self.timezone.as_ref().or(scan.timezone.as_ref());
        let local = match zone {
            Some(zone) => zone.local_time(scan.now_ms),
            None => Zone::UTC.local_time(scan.now_ms),
        };
        let minute = local.minute_of_day();
        let (start, end) = (self.start.minutes(), self.end.minutes());
        let on = |day: Weekday| self.days.is_empty() || self.days.contains(&day);
        if start == end || (start == 0 && end == 24 * 60) {
            on(local.weekday)
        } else if start < end {
            on(local.weekday) && (start..end).contains(&minute)
        } else {
            (minute >= start && on(local.weekday))
                || (minute < end && on(day_before(local.weekday)))
        }
    }
}

fn day_before(day: Weekday) -> Weekday {
    Weekday::from_days_since_monday((day.days_since_monday() + 6) % 7)
}

impl QueryCondition {
    fn matches(&self, scan: &ScanContext) -> bool {
        scan.query
            .iter()
            .any(|(k, v)| *k == self.param && self.value.as_ref().is_none_or(|want| want == v))
    }
}

/// Checks rules and variants together, naming the offending field.
pub fn validate(rules: &[Rule], variants: &[Variant]) -> Result<(), DomainError> {
    if rules.len() > MAX_RULES {
        return Err(DomainError::invalid(
            "rules",
            format!("at most {MAX_RULES} rules"),
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        let field = |name: &str| format!("rules[{i}].when.{name}");
        let when = &rule.when;
        if when.is_empty() {
            return Err(DomainError::invalid(
                format!("rules[{i}].when"),
                "a rule needs at least one condition",
            ));
        }
        let lengths = [
            ("country", when.country.as_ref().map(Vec::len)),
            ("device", when.device.as_ref().map(Vec::len)),
            ("os", when.os.as_ref().map(Vec::len)),
            ("language", when.language.as_ref().map(Vec::len)),
        ];
        for (name, len) in lengths {
            match len {
                Some(0) => {
                    return Err(DomainError::invalid(
                        field(name),
                        "list at least one value, or leave the condition out",
                    ));
                }
                Some(n) if n > MAX_LIST_LEN => {
                    return Err(DomainError::invalid(
                        field(name),
                        format!("at most {MAX_LIST_LEN} values"),
                    ));
                }
                _ => {}
            }
        }
        if let Some(query) = &when.query {
            let bad =
                |s: &str| s.chars().count() > MAX_QUERY_CHARS || s.chars().any(char::is_control);
            if query.param.is_empty()
                || bad(&query.param)
                || query.value.as_deref().is_some_and(bad)
            {
                return Err(DomainError::invalid(
                    field("query"),
                    format!(
                        "param must be 1-{MAX_QUERY_CHARS} characters and value at most {MAX_QUERY_CHARS}"
                    ),
                ));
            }
        }
    }
    if variants.len() > MAX_VARIANTS {
        return Err(DomainError::invalid(
            "variants",
            format!("at most {MAX_VARIANTS} variants"),
        ));
    }
    if variants.len() == 1 {
        return Err(DomainError::invalid(
            "variants",
            "an A/B split needs at least two variants",
        ));
    }
    for (i, variant) in variants.iter().enumerate() {
        if !(1..=MAX_VARIANT_WEIGHT).contains(&variant.weight) {
            return Err(DomainError::invalid(
                format!("variants[{i}].weight"),
                format!("must be 1 to {MAX_VARIANT_WEIGHT}"),
            ));
        }
    }
    Ok(())
}

/// Picks a variant by weight. The same `seed` (one visitor) always gets the
/// same arm of the same link; different links split independently.
pub fn pick_variant(variants: &[Variant], link_salt: u64, seed: u64) -> Option<usize> {
    let total: u64 = variants.iter().map(|v| u64::from(v.weight)).sum();
    if total == 0 {
        return None;
    }
    let mut ticket = mix64(seed ^ link_salt) % total;
    for (index, variant) in variants.iter().enumerate() {
        let weight = u64::from(variant.weight);
        if ticket < weight {
            return Some(index);
        }
        ticket -= weight;
    }
    None
}

/// SplitMix64's finaliser: a fast, well-distributed, *stable* 64-bit mix
/// (std's hashers may change between Rust versions; stickiness must not).
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a, to turn a link id into a per-link salt for [`pick_variant`].
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}
