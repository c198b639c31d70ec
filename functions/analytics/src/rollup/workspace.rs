//! A workspace's scans per link in one UTC hour, for the overview and the
//! workspace CSV without reading every link's items.

use std::collections::BTreeMap;

use scanly_shared::ids::LinkId;

use super::{RollupError, codec};

/// Each link's scans in one UTC hour of a workspace. Values are *copies* of
/// the link-hours' totals, which only grow, so writing one twice, or an
/// older one after a newer one, changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkspaceHour {
    links: BTreeMap<String, u64>,
}

impl WorkspaceHour {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `link` has `scans` scans this hour; true if that changed
    /// the item. Never lowers a value (a late copy of an older total) and
    /// never stores a zero (a link-hour with only bots).
    pub fn set_link(&mut self, link: &LinkId, scans: u64) -> bool {
        match self.links.get_mut(link.as_str()) {
            Some(current) if *current >= scans => false,
            Some(current) => {
                *current = scans;
                true
            }
            None if scans == 0 => false,
            None => {
                self.links.insert(link.as_str().to_owned(), scans);
                true
            }
        }
    }

    /// Link id → scans in this hour.
    pub fn links(&self) -> &BTreeMap<String, u64> {
        &self.links
    }

    /// All the workspace's scans in this hour.
    pub fn total(&self) -> u64 {
        self.links
            .values()
            .fold(0u64, |sum, scans| sum.saturating_add(*scans))
    }

    /// [`FORMAT_VERSION`](super::FORMAT_VERSION), then postcard of the map.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = codec::Writer::with_capacity(self.links.len() * 40);
        out.map(&self.links);
        out.finish()
    }

    /// Reads [`to_bytes`](Self::to_bytes)' encoding. Never panics; refuses
    /// other versions and keys that are not link ids.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RollupError> {
        let stored: codec::StoredWorkspaceHour = codec::read(bytes)?;
        if let Some(bad) = stored.links.keys().find(|k| LinkId::parse(k).is_err()) {
            let shown: String = bad.chars().take(64).collect();
            return Err(RollupError::BadLinkId(shown));
        }
        Ok(Self {
            links: stored.links,
        })
    }
}
