//! Narrow ports, one per capability. Every tenant-owned operation takes the
//! `WorkspaceId` and adapters build their keys from it, so isolation holds
//! in the data layer, not only in handlers. Two adapters: `memory` (the
//! local default and fast tests) and DynamoDB; one contract suite runs
//! against both.

pub mod dynamo;
pub mod memory;

use async_trait::async_trait;
use scanly_shared::Email;
use scanly_shared::ids::{LinkId, UserId, WorkspaceId};
use scanly_shared::label::Tag;

pub use crate::limits::Counters;
use crate::model::{ApiKeyRecord, Link, PublishJob, Role, Session, User, Workspace};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("the code is already in use on this host")]
    CodeTaken,
    #[error("the link changed since it was read (version {current})")]
    VersionConflict { current: u64 },
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Accounts: Send + Sync {
    /// The user, their personal workspace and their owner membership, at
    /// once; `EmailTaken` if the email is registered.
    async fn create_account(&self, user: &User, workspace: &Workspace) -> Result<(), StoreError>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError>;
    /// The user's workspaces, personal one first.
    async fn workspaces_of(&self, user: &UserId) -> Result<Vec<(Workspace, Role)>, StoreError>;
    async fn role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<Option<Role>, StoreError>;
}

/// What exchanging a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    Rotated(UserId),
    /// The token was already exchanged: its family is now revoked.
    Reused,
    Unknown,
}

#[async_trait]
pub trait Sessions: Send + Sync {
    async fn start_session(&self, session: &Session) -> Result<(), StoreError>;
    /// Replaces the presented token by `next_hash` in the same family, if
    /// the presented one is current and unexpired.
    async fn rotate_session(
        &self,
        presented_hash: &str,
        next_hash: &str,
        next_expires_at: i64,
        now_ms: i64,
    ) -> Result<Rotation, StoreError>;
    /// Ends the family `token_hash` belongs to.
    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkQuery {
    pub limit: usize,
    pub cursor: Option<String>,
    /// Case-insensitive text in the code, title or destination.
    pub text: Option<String>,
    pub tag: Option<Tag>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkPage {
    pub items: Vec<Link>,
    pub next_cursor: Option<String>,
}

/// Link writes store their publish jobs in the same atomic write, so a
/// change is never stored without the job that tells the edge about it
/// (and a write that fails stores neither). A job supersedes a pending one
/// with the same `PublishJob::key`, as `Outbox::enqueue` does.
#[async_trait]
pub trait Links: Send + Sync {
    /// Claims `host/code` and stores the link and `job` (its `Put`);
    /// `CodeTaken` if claimed, and then nothing is written.
    async fn create_link(&self, link: &Link, job: &PublishJob) -> Result<(), StoreError>;
    async fn link(&self, workspace: &WorkspaceId, id: &LinkId) -> Result<Option<Link>, StoreError>;
    /// Newest first.
    async fn links(
        &self,
        workspace: &WorkspaceId,
        query: &LinkQuery,
    ) -> Result<LinkPage, StoreError>;
    /// Stores `link` and `jobs` if the stored version is `expected_version`;
    /// a changed code is claimed (and the old one released) in the same
    /// write. `jobs`: a `Put` for the new state, and a `Delete` for the old
    /// host/code when it changed. On `VersionConflict` or `CodeTaken`
    /// nothing is written.
    async fn update_link(
        &self,
        link: &Link,
        expected_version: u64,
        jobs: &[PublishJob],
    ) -> Result<(), StoreError>;
    /// Removes the link, releases its code and stores `job` (its `Delete`);
    /// the removed link, if any (`None`: nothing is written). The job is
    /// stored aimed at the link as removed (`PublishJob::aimed_at`), so a
    /// link whose code changed since the caller read it is still removed
    /// from the edge under the code it held.
    async fn delete_link(
        &self,
        workspace: &WorkspaceId,
        id: &LinkId,
        job: &PublishJob,
    ) -> Result<Option<Link>, StoreError>;
    /// Records that the edge confirmed `version` (never moves backwards).
    async fn mark_published(
        &self,
        workspace: &WorkspaceId,
        id: &LinkId,
        version: u64,
    ) -> Result<(), StoreError>;
}

/// Publish jobs one link write stores at most (a DynamoDB transaction holds
/// 100 items; a link write needs 3 besides its jobs). A handler needs 2.
pub const MAX_JOBS_PER_WRITE: usize = 8;

/// The jobs of a write of `link` are that link's (its workspace and id, so
/// they are keyed in its workspace) and few; otherwise nothing is written.
fn check_jobs(link: &Link, jobs: &[PublishJob]) -> Result<(), StoreError> {
    if jobs.len() > MAX_JOBS_PER_WRITE {
        return Err(StoreError::Unavailable(format!(
            "at most {MAX_JOBS_PER_WRITE} publish jobs per link write"
        )));
    }
    if let Some(job) = jobs
        .iter()
        .find(|job| job.workspace_id != link.workspace_id || job.link_id != link.id)
    {
        return Err(StoreError::Unavailable(format!(
            "a publish job for link {} cannot be stored with link {}",
            job.link_id, link.id
        )));
    }
    Ok(())
}

#[async_trait]
pub trait Outbox: Send + Sync {
    /// Adds or supersedes the job for the same link and code. Link changes
    /// do not use it (their jobs are stored with them, see `Links`); it is
    /// for jobs without a link write.
    async fn enqueue(&self, job: &PublishJob) -> Result<(), StoreError>;
    async fn due_jobs(&self, now_ms: i64, limit: usize) -> Result<Vec<PublishJob>, StoreError>;
    /// Removes the job if it is still the one that was attempted.
    async fn complete(&self, job: &PublishJob) -> Result<(), StoreError>;
    async fn reschedule(&self, job: &PublishJob) -> Result<(), StoreError>;
}

/// `Members::members`' contract order: by joining time, ties by user id.
/// Both adapters sort with this one function.
pub fn in_joining_order(mut members: Vec<(i64, User, Role)>) -> Vec<(User, Role)> {
    members.sort_by(|a, b| (a.0, a.1.id.as_str()).cmp(&(b.0, b.1.id.as_str())));
    members
        .into_iter()
        .map(|(_, user, role)| (user, role))
        .collect()
}

#[async_trait]
pub trait Members: Send + Sync {
    /// A new workspace with `owner` as its owner.
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &UserId,
    ) -> Result<(), StoreError>;
    /// Everyone in the workspace with their role, in joining order.
    async fn members(&self, workspace: &WorkspaceId) -> Result<Vec<(User, Role)>, StoreError>;
    /// Adds `user` with `role`, or changes their role.
    async fn set_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: Role,
        now_ms: i64,
    ) -> Result<(), StoreError>;
    /// Whether `user` was a member.
    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait ApiKeys: Send + Sync {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    /// By the key's public id, whatever its workspace (authentication).
    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;
    async fn api_keys(&self, workspace: &WorkspaceId) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Whether the workspace had that key.
    async fn delete_api_key(&self, workspace: &WorkspaceId, id: &str) -> Result<bool, StoreError>;
}

/// Whose stats an item holds: one link's, or the workspace's per-link totals.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatsScope {
    Link(LinkId),
    Workspace,
}

/// One hour of stats: hours since the Unix epoch (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatsKey {
    pub workspace: WorkspaceId,
    pub scope: StatsScope,
    pub hour: i64,
}

/// A stored stats document and its version (1 after the first write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStats {
    pub bytes: Vec<u8>,
    pub version: u64,
}

/// The hours a stats item can have: from the epoch to the last hour that
/// fits the 10 digits of its sort key (a million years on). Nothing is
/// stored outside; `stats` finds nothing there and `stats_range` ignores
/// the part of a range outside.
pub const STATS_HOURS: std::ops::Range<i64> = 0..10_000_000_000;

/// The largest stats document (bytes) a store accepts: DynamoDB's item
/// limit (400 KiB, 409,600 bytes, keys and attribute names included)
/// less room for the keys of the longest ids. Both adapters refuse a larger
/// one, and write nothing.
pub const MAX_STATS_BYTES: usize = 400_000;

/// Hourly stats documents (`docs/analytics.md`): written by the rollup
/// with optimistic concurrency, read by it to modify, and by the analytics
/// queries by range. The documents are opaque to the store
/// (`scanly-analytics` encodes them).
#[async_trait]
pub trait Stats: Send + Sync {
    /// The stored documents for `keys`, in the order of `keys` (`None`:
    /// never written); a key may appear more than once. Strongly
    /// consistent (the rollup reads to modify).
    async fn stats(&self, keys: &[StatsKey]) -> Result<Vec<Option<StoredStats>>, StoreError>;
    /// Stores `bytes` as version `expected_version + 1` if the stored
    /// version is `expected_version` (0: not written yet); otherwise
    /// `VersionConflict { current }` and nothing is written. A key outside
    /// [`STATS_HOURS`] or a document over [`MAX_STATS_BYTES`] is refused
    /// (`Unavailable`, nothing written).
    async fn put_stats(
        &self,
        key: &StatsKey,
        bytes: &[u8],
        expected_version: u64,
    ) -> Result<(), StoreError>;
    /// The scope's hours in `from_hour..to_hour`, ascending. May lag a
    /// write by a moment (DynamoDB: an eventually consistent query).
    async fn stats_range(
        &self,
        workspace: &WorkspaceId,
        scope: &StatsScope,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<(i64, StoredStats)>, StoreError>;
}

/// The version `put_stats` would store over `expected_version`, if the
/// write is one a store accepts (both adapters check it first, before any
/// read or write).
fn next_stats_version(
    key: &StatsKey,
    bytes: &[u8],
    expected_version: u64,
) -> Result<u64, StoreError> {
    if !STATS_HOURS.contains(&key.hour) {
        return Err(StoreError::Unavailable(format!(
            "stats hour {} is outside {STATS_HOURS:?}",
            key.hour
        )));
    }
    if bytes.len() > MAX_STATS_BYTES {
        return Err(StoreError::Unavailable(format!(
            "a stats document of {} bytes is over the {MAX_STATS_BYTES}-byte limit",
            bytes.len()
        )));
    }
    expected_version
        .checked_add(1)
        .ok_or_else(|| StoreError::Unavailable("the stats version cannot advance".into()))
}

/// `from_hour..to_hour` within [`STATS_HOURS`] (possibly empty).
fn stats_hours(from_hour: i64, to_hour: i64) -> std::ops::Range<i64> {
    from_hour.max(STATS_HOURS.start)..to_hour.min(STATS_HOURS.end)
}

/// Everything the API needs, as one object to share.
pub trait Store:
    Accounts + Sessions + Links + Outbox + Members + ApiKeys + Counters + Stats
{
}
impl<T: Accounts + Sessions + Links + Outbox + Members + ApiKeys + Counters + Stats> Store for T {}
