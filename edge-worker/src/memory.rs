//! Records this isolate read recently, so a hot code (a poster scanned by a
//! queue of people) is one KV read per few seconds instead of one per scan.
//! KV's own edge cache (`cacheTtl`) already allows a minute of staleness;
//! this adds at most [`MEMORY_TTL_MS`] on top, and a publish through this
//! isolate forgets the key at once.

use std::collections::HashMap;
use std::rc::Rc;

pub const MEMORY_TTL_MS: i64 = 5_000;
/// Bounded so a scan of every code in turn cannot grow the isolate.
pub const MEMORY_MAX_ENTRIES: usize = 2_048;

/// Only records that exist are remembered: a code published through another
/// isolate must start working here at once, not after a remembered 404.
type Entry = (Rc<[u8]>, i64);

#[derive(Debug, Default)]
pub struct RecordMemory {
    entries: HashMap<String, Entry>,
}

impl RecordMemory {
    /// What KV held for `key` less than [`MEMORY_TTL_MS`] ago, if known.
    pub fn get(&self, key: &str, now_ms: i64) -> Option<Rc<[u8]>> {
        let (value, at) = self.entries.get(key)?;
        (now_ms.saturating_sub(*at) < MEMORY_TTL_MS && now_ms >= *at).then(|| value.clone())
    }

    pub fn remember(&mut self, key: &str, value: Rc<[u8]>, now_ms: i64) {
        if self.entries.len() >= MEMORY_MAX_ENTRIES && !self.entries.contains_key(key) {
            self.entries
                .retain(|_, (_, at)| now_ms.saturating_sub(*at) < MEMORY_TTL_MS);
            if self.entries.len() >= MEMORY_MAX_ENTRIES {
                self.entries.clear();
            }
        }
        self.entries.insert(key.to_owned(), (value, now_ms));
    }

    pub fn forget(&mut self, key: &str) {
        self.entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(b: &[u8]) -> Rc<[u8]> {
        Rc::from(b)
    }

    #[test]
    fn a_record_is_remembered_for_the_ttl_only() {
        let mut memory = RecordMemory::default();
        memory.remember("link:a/x", bytes(b"r1"), 1_000);
        assert_eq!(
            memory.get("link:a/x", 1_000 + MEMORY_TTL_MS - 1),
            Some(bytes(b"r1"))
        );
        assert_eq!(memory.get("link:a/x", 1_000 + MEMORY_TTL_MS), None);
        assert_eq!(
            memory.get("link:a/x", 999),
            None,
            "a clock going backwards refetches"
        );
        assert_eq!(memory.get("link:a/y", 1_000), None);
    }

    #[test]
    fn publishing_forgets() {
        let mut memory = RecordMemory::default();
        memory.remember("link:a/x", bytes(b"r1"), 0);
        memory.forget("link:a/x");
        assert_eq!(memory.get("link:a/x", 1), None);
    }

    #[test]
    fn memory_stays_bounded() {
        let mut memory = RecordMemory::default();
        for i in 0..(MEMORY_MAX_ENTRIES * 3) {
            memory.remember(&format!("link:a/{i}"), bytes(b"r"), 0);
        }
        assert!(memory.entries.len() <= MEMORY_MAX_ENTRIES);
        memory.remember("link:a/new", bytes(b"r"), 0);
        assert_eq!(memory.get("link:a/new", 0), Some(bytes(b"r")));
    }
}
