//! Read-apply-write of one stats item under its version condition: the
//! change is applied to the stored document and written back only if no one
//! wrote it in between; otherwise it is re-read and the change re-applied.
//! Changes are idempotent (events already seen change nothing; a workspace
//! total is a copy), so re-applying after a conflict never counts twice.

use scanly_analytics::rollup::{LinkHour, RollupError, WorkspaceHour};
use scanly_api::store::{Stats, StatsKey, StoreError, StoredStats};

/// A contended item gives up after this many conflicts; the messages that
/// touched it are retried later by the queue.
pub const MAX_ATTEMPTS: u32 = 8;

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Never overwritten: the messages fail until someone looks.
    #[error("the stored stats item cannot be read: {0}")]
    Corrupt(#[from] RollupError),
    #[error("the stats item kept changing ({MAX_ATTEMPTS} conflicting writes)")]
    Contended,
}

/// A stats document as stored.
pub trait Document: Default {
    fn decode(bytes: &[u8]) -> Result<Self, RollupError>;
    fn encode(&self) -> Vec<u8>;
}

impl Document for LinkHour {
    fn decode(bytes: &[u8]) -> Result<Self, RollupError> {
        LinkHour::from_bytes(bytes)
    }
    fn encode(&self) -> Vec<u8> {
        self.to_bytes()
    }
}

impl Document for WorkspaceHour {
    fn decode(bytes: &[u8]) -> Result<Self, RollupError> {
        WorkspaceHour::from_bytes(bytes)
    }
    fn encode(&self) -> Vec<u8> {
        self.to_bytes()
    }
}

/// What an update did: the document as stored afterwards, what the last
/// application of the change reported, and the writes it cost.
#[derive(Debug)]
pub struct Updated<D, S> {
    pub document: D,
    pub summary: S,
    pub written: bool,
    pub conflicts: u32,
}

/// Applies `change` (which says whether it changed anything, and a summary)
/// to the item at `key`, starting from `loaded` (what a batch read found).
pub async fn update<D: Document, S>(
    store: &dyn Stats,
    key: &StatsKey,
    loaded: Option<StoredStats>,
    change: impl Fn(&mut D) -> (bool, S),
) -> Result<Updated<D, S>, StatsError> {
    let mut current = loaded;
    let mut conflicts = 0;
    while conflicts < MAX_ATTEMPTS {
        let (mut document, version) = match &current {
            Some(stored) => (D::decode(&stored.bytes)?, stored.version),
            None => (D::default(), 0),
        };
        let (changed, summary) = change(&mut document);
        if !changed {
            return Ok(Updated {
                document,
                summary,
                written: false,
                conflicts,
            });
        }
        match store.put_stats(key, &document.encode(), version).await {
            Ok(()) => {
                return Ok(Updated {
                    document,
                    summary,
                    written: true,
                    conflicts,
                });
            }
            Err(StoreError::VersionConflict { .. }) => {
                conflicts += 1;
                current = store
                    .stats(std::slice::from_ref(key))
                    .await?
                    .into_iter()
                    .next()
                    .flatten();
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err(StatsError::Contended)
}
