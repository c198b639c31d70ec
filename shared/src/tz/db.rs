//! Lookups in the generated zone table (`table.rs`).

use super::table::{NAMES, NO_OVERRIDE, OVERRIDES, RULES, ZONES};

/// One zone of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Canonical (tzdb) spelling.
    pub(crate) name: &'static str,
    /// POSIX TZ string governing the present and future.
    pub(crate) rule: &'static str,
    /// Explicit transitions to consult before `rule` (usually empty).
    pub(crate) overrides: &'static [(u32, i32)],
}

/// Number of zone names in the table.
pub(crate) fn len() -> usize {
    ZONES.len()
}

/// The `index`-th zone in name order.
pub(crate) fn entry(index: usize) -> Option<Entry> {
    let &(end, rule, overrides) = ZONES.get(index)?;
    let start = match index.checked_sub(1) {
        Some(prev) => ZONES.get(prev)?.0,
        None => 0,
    };
    let name = NAMES.get(usize::from(start)..usize::from(end))?;
    let rule = RULES.get(usize::from(rule))?;
    let overrides = if overrides == NO_OVERRIDE {
        &[]
    } else {
        OVERRIDES
            .get(usize::from(overrides))
            .copied()
            .unwrap_or(&[])
    };
    Some(Entry {
        name,
        rule,
        overrides,
    })
}

/// Finds a zone by exact name (binary search), or failing that by ASCII
/// case-insensitive name (tzdb names never differ only in case; the
/// generator checks it).
pub(crate) fn lookup(name: &str) -> Option<Entry> {
    let (mut lo, mut hi) = (0, len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let e = entry(mid)?;
        match e.name.cmp(name) {
            core::cmp::Ordering::Less => lo = mid + 1,
            core::cmp::Ordering::Greater => hi = mid,
            core::cmp::Ordering::Equal => return Some(e),
        }
    }
    (0..len())
        .filter_map(entry)
        .find(|e| e.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::posix::PosixTz;
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_complete() {
        assert!(len() > 500, "{}", len());
        let names: Vec<_> = (0..len()).map(|i| entry(i).unwrap().name).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        let total: usize = names.iter().map(|n| n.len()).sum();
        assert_eq!(total, NAMES.len());
        assert!(entry(len()).is_none());
        for n in [
            "Europe/Paris",
            "America/New_York",
            "US/Eastern",
            "Asia/Calcutta",
            "Asia/Kolkata",
            "Etc/GMT+5",
            "UTC",
            "Africa/Casablanca",
        ] {
            assert_eq!(lookup(n).unwrap().name, n);
        }
        for n in [
            "posixrules",
            "localtime",
            "Factory",
            "right/UTC",
            "posix/UTC",
            "zone.tab",
            "tzdata.zi",
        ] {
            assert!(lookup(n).is_none(), "{n}");
        }
    }

    #[test]
    fn every_rule_parses_strictly() {
        for e in (0..len()).map(|i| entry(i).unwrap()) {
            assert!(PosixTz::parse(e.rule).is_some(), "{}: {}", e.name, e.rule);
            assert!(
                e.overrides.windows(2).all(|w| w[0].0 < w[1].0),
                "{}",
                e.name
            );
        }
    }

    #[test]
    fn case_insensitive_lookup() {
        assert_eq!(lookup("europe/paris").unwrap().name, "Europe/Paris");
        assert_eq!(
            lookup("AMERICA/ARGENTINA/BUENOS_AIRES").unwrap().name,
            "America/Argentina/Buenos_Aires"
        );
        assert_eq!(lookup("etc/gmt+5").unwrap().name, "Etc/GMT+5");
        assert!(lookup("Europe/Pari").is_none());
        assert!(lookup("").is_none());
    }
}
