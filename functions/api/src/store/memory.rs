//! The embedded adapter: the whole store in one mutex. The local default
//! (no AWS needed) and the fast half of the contract suite.
//!
//! In memory only (`MemoryStore::new`), or kept in a snapshot file
//! (`MemoryStore::open`): every change marks the store dirty (a generation
//! counter), and `save` writes the whole state atomically if it changed
//! since the last save. Saving is explicit rather than per write because a
//! write of the whole state per change would make the rollup's bursts of
//! stats writes quadratic: the local server saves on a timer
//! ([`spawn_persistence`], every second) and once more on shutdown; a store
//! dropped dirty also saves. So a crash loses at most the last interval.
//! Rate-limit windows are not persisted (a restart starts new windows).

mod snapshot;

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, TryLockError};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scanly_shared::Email;
use scanly_shared::ids::{LinkId, UserId, WorkspaceId};

pub use self::snapshot::FORMAT as SNAPSHOT_FORMAT;
pub(crate) use self::snapshot::{is_temp_name, write_atomically};
use super::{
    Accounts, ApiKeys, Counters, LinkPage, LinkQuery, Links, Members, Outbox, Rotation, Sessions,
    Stats, StatsKey, StatsScope, StoreError, StoredStats, check_jobs, next_stats_version,
    stats_hours,
};
use crate::model::{ApiKeyRecord, Link, PublishJob, Role, Session, User, Workspace};

/// Everything that is persisted (the snapshot is a copy of it).
#[derive(Debug, Default)]
struct Data {
    users: HashMap<UserId, User>,
    user_by_email: HashMap<String, UserId>,
    workspaces: HashMap<WorkspaceId, Workspace>,
    /// (workspace, user) → role, in joining order per user.
    members: BTreeMap<(UserId, i64, WorkspaceId), Role>,
    sessions: HashMap<String, Session>,
    /// family → the one current token hash; absent when revoked.
    families: HashMap<String, String>,
    links: HashMap<(WorkspaceId, LinkId), Link>,
    /// `host/code` → the link holding it.
    codes: HashMap<String, (WorkspaceId, LinkId)>,
    outbox: BTreeMap<String, PublishJob>,
    api_keys: HashMap<String, ApiKeyRecord>,
    /// Ordered by workspace, scope, hour: a scope's hours are one range.
    stats: BTreeMap<StatsKey, StoredStats>,
}

#[derive(Debug, Default)]
struct State {
    data: Data,
    /// Bumped by every mutable access to `data`.
    generation: u64,
}

/// The locked state. Reading goes through `Deref`; any mutable access
/// (`DerefMut`) marks the state changed, so no write can be missed by
/// `save`.
struct Tracked<'a>(MutexGuard<'a, State>);

impl Deref for Tracked<'_> {
    type Target = Data;

    fn deref(&self) -> &Data {
        &self.0.data
    }
}

impl DerefMut for Tracked<'_> {
    fn deref_mut(&mut self) -> &mut Data {
        self.0.generation = self.0.generation.wrapping_add(1);
        &mut self.0.data
    }
}

/// Where a persisted store lives.
#[derive(Debug)]
struct Disk {
    path: PathBuf,
    /// Held (an exclusive advisory lock on `<path>.lock`) for the life of
    /// the store, so two processes never write over each other's snapshot.
    _lock: Option<File>,
    /// The generation last written; held while saving, so saves are
    /// written in order.
    saved: Mutex<u64>,
}

#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// Rate-limit key → (window start, hits). Not persisted.
    windows: Mutex<HashMap<String, (i64, u64)>>,
    /// `put_stats` calls that wrote (not the refused ones).
    stats_writes: AtomicU64,
    disk: Option<Disk>,
}

fn snapshot_error(path: &Path, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("the store snapshot {}: {reason}", path.display()))
}

impl MemoryStore {
    /// A store in memory only: `save` does nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The store kept in the snapshot file `path`: loaded from it if it
    /// exists (a missing file is an empty store; its directory is created),
    /// written by [`MemoryStore::save`]. A file that cannot be read, is not
    /// a snapshot, is of another format or holds contradicting data is an
    /// error naming it, and the file is left as it is. So is a file another
    /// process has open (the lock `<path>.lock`).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| snapshot_error(path, format!("cannot create its directory: {e}")))?;
        }
        let lock = lock(path)?;
        remove_stale_temp_files(path);
        let data = match std::fs::read(path) {
            Ok(bytes) => snapshot::Snapshot::decode(&bytes).map_err(|e| snapshot_error(path, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Data::default(),
            Err(e) => return Err(snapshot_error(path, format!("cannot be read: {e}"))),
        };
        Ok(Self {
            state: Mutex::new(State {
                data,
                generation: 0,
            }),
            windows: Mutex::default(),
            stats_writes: AtomicU64::new(0),
            disk: Some(Disk {
                path: path.to_owned(),
                _lock: lock,
                saved: Mutex::new(0),
            }),
        })
    }

    /// The snapshot file, when the store has one.
    pub fn path(&self) -> Option<&Path> {
        self.disk.as_ref().map(|disk| disk.path.as_path())
    }

    /// Writes the snapshot if anything changed since the last save (or the
    /// open); whether it wrote. Atomic: a crash leaves the previous
    /// snapshot or this one. Blocking file I/O (call it from
    /// `spawn_blocking` in async code, as [`spawn_persistence`] does). A
    /// store without a file never writes (`Ok(false)`).
    pub fn save(&self) -> Result<bool, StoreError> {
        let Some(disk) = &self.disk else {
            return Ok(false);
        };
        let mut saved = disk
            .saved
            .lock()
            .map_err(|_| StoreError::Unavailable("a save of the embedded store panicked".into()))?;
        let (generation, snapshot) = {
            let state = self.state()?;
            if state.0.generation == *saved {
                return Ok(false);
            }
            (state.0.generation, snapshot::Snapshot::of(&state))
        };
        let bytes = snapshot
            .encode()
            .map_err(|e| snapshot_error(&disk.path, e))?;
        write_atomically(&disk.path, &bytes)
            .map_err(|e| snapshot_error(&disk.path, format!("cannot be written: {e}")))?;
        *saved = generation;
        Ok(true)
    }

    /// Whether something changed since the last save (always false without
    /// a file).
    pub fn is_dirty(&self) -> bool {
        let Some(disk) = &self.disk else {
            return false;
        };
        let saved = disk.saved.lock().map_or(u64::MAX, |saved| *saved);
        self.state
            .lock()
            .map_or(true, |state| state.generation != saved)
    }

    /// How many stats writes (`put_stats`) this store accepted, for
    /// counting the rollup's writes in tests and benchmarks.
    pub fn stats_writes(&self) -> u64 {
        self.stats_writes.load(Ordering::SeqCst)
    }

    fn state(&self) -> Result<Tracked<'_>, StoreError> {
        self.state
            .lock()
            .map(Tracked)
            .map_err(|_| StoreError::Unavailable("the embedded store was poisoned".into()))
    }
}

/// The lock file next to `path`, locked exclusively; `None` where the
/// platform has no file locks.
fn lock(path: &Path) -> Result<Option<File>, StoreError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            snapshot_error(
                path,
                format!("cannot open its lock {}: {e}", lock_path.display()),
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Err(snapshot_error(
            path,
            format!(
                "is in use by another store (the lock {} is held): stop the other \
                 process or use another data directory",
                lock_path.display()
            ),
        )),
        Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            tracing::warn!(path = %path.display(), "no file locks here: the store snapshot is unguarded");
            Ok(None)
        }
        Err(TryLockError::Error(e)) => Err(snapshot_error(
            path,
            format!("cannot lock {}: {e}", lock_path.display()),
        )),
    }
}

/// Removes the temporary files of saves a crash interrupted (never renamed
/// over the snapshot, so never part of it); only called with the lock held.
fn remove_stale_temp_files(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}~", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && is_temp_name(&file) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for MemoryStore {
    /// The last chance to keep what changed since the last save (errors
    /// can only be logged here).
    fn drop(&mut self) {
        if self.disk.is_some()
            && let Err(error) = self.save()
        {
            tracing::error!(%error, "the embedded store could not be saved on drop");
        }
    }
}

/// Saves `store` every `every` (when it changed), on the blocking pool, for
/// as long as the store exists; a failed save is logged and retried at the
/// next tick. Call [`MemoryStore::save`] once more on shutdown for the last
/// changes. Needs a Tokio runtime.
pub fn spawn_persistence(store: &Arc<MemoryStore>, every: Duration) -> tokio::task::JoinHandle<()> {
    let store = Arc::downgrade(store);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tick.tick().await;
            let Some(store) = store.upgrade() else {
                return;
            };
            if !store.is_dirty() {
                continue;
            }
            let saved = tokio::task::spawn_blocking(move || store.save()).await;
            match saved {
                Ok(Ok(_)) => {
                    if failing {
                        tracing::info!("the embedded store is being saved again");
                    }
                    failing = false;
                }
                Ok(Err(error)) => {
                    if !failing {
                        tracing::error!(%error, "the embedded store could not be saved; retrying");
                    }
                    failing = true;
                }
                Err(error) => {
                    tracing::error!(%error, "a save of the embedded store panicked");
                    failing = true;
                }
            }
        }
    })
}

fn code_key(link: &Link) -> String {
    format!("{}/{}", link.host, link.code)
}

/// Opaque to clients: the position after the last link of a page.
fn encode_cursor(link: &Link) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", link.created_at, link.id))
}

fn decode_cursor(cursor: &str) -> Option<(i64, String)> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (at, id) = text.split_once('|')?;
    Some((at.parse().ok()?, id.to_owned()))
}

fn matches(link: &Link, query: &LinkQuery) -> bool {
    let tag_ok = query.tag.as_ref().is_none_or(|tag| link.tags.contains(tag));
    let text_ok = query.text.as_ref().is_none_or(|text| {
        let text = text.to_lowercase();
        let hay = [
            Some(link.code.as_str().to_lowercase()),
            link.title.as_ref().map(|t| t.as_str().to_lowercase()),
            link.destination.as_ref().map(|d| d.as_str().to_lowercase()),
        ];
        hay.iter().flatten().any(|h| h.contains(&text))
    });
    tag_ok && text_ok
}

#[async_trait]
impl Accounts for MemoryStore {
    async fn create_account(&self, user: &User, workspace: &Workspace) -> Result<(), StoreError> {
        let mut state = self.state()?;
        let email = user.email.as_str().to_lowercase();
        if state.user_by_email.contains_key(&email) {
            return Err(StoreError::EmailTaken);
        }
        state.user_by_email.insert(email, user.id.clone());
        state.users.insert(user.id.clone(), user.clone());
        state
            .workspaces
            .insert(workspace.id.clone(), workspace.clone());
        state.members.insert(
            (user.id.clone(), workspace.created_at, workspace.id.clone()),
            Role::Owner,
        );
        Ok(())
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let state = self.state()?;
        Ok(state
            .user_by_email
            .get(&email.as_str().to_lowercase())
            .and_then(|id| state.users.get(id))
            .cloned())
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        Ok(self.state()?.users.get(id).cloned())
    }

    async fn workspaces_of(&self, user: &UserId) -> Result<Vec<(Workspace, Role)>, StoreError> {
        let state = self.state()?;
        Ok(state
            .members
            .iter()
            .filter(|((member, _, _), _)| member == user)
            .filter_map(|((_, _, ws), role)| state.workspaces.get(ws).map(|w| (w.clone(), *role)))
            .collect())
    }

    async fn role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<Option<Role>, StoreError> {
        let state = self.state()?;
        Ok(state
            .members
            .iter()
            .find(|((member, _, ws), _)| member == user && ws == workspace)
            .map(|(_, role)| *role))
    }
}

#[async_trait]
impl Sessions for MemoryStore {
    async fn start_session(&self, session: &Session) -> Result<(), StoreError> {
        let mut state = self.state()?;
        state
            .families
            .insert(session.family.clone(), session.token_hash.clone());
        state
            .sessions
            .insert(session.token_hash.clone(), session.clone());
        Ok(())
    }

    async fn rotate_session(
        &self,
        presented_hash: &str,
        next_hash: &str,
        next_expires_at: i64,
        now_ms: i64,
    ) -> Result<Rotation, StoreError> {
        let mut state = self.state()?;
        let Some(presented) = state.sessions.get(presented_hash).cloned() else {
            return Ok(Rotation::Unknown);
        };
        let current = state.families.get(&presented.family).cloned();
        if current.as_deref() != Some(presented_hash) {
            // An exchanged (or revoked) token came back: end the family.
            state.families.remove(&presented.family);
            return Ok(Rotation::Reused);
        }
        if presented.expires_at <= now_ms {
            return Ok(Rotation::Unknown);
        }
        let next = Session {
            family: presented.family.clone(),
            token_hash: next_hash.to_owned(),
            user_id: presented.user_id.clone(),
            expires_at: next_expires_at,
        };
        state
            .families
            .insert(next.family.clone(), next.token_hash.clone());
        state.sessions.insert(next.token_hash.clone(), next);
        Ok(Rotation::Rotated(presented.user_id))
    }

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut state = self.state()?;
        if let Some(family) = state.sessions.get(token_hash).map(|s| s.family.clone()) {
            state.families.remove(&family);
        }
        Ok(())
    }
}

#[async_trait]
impl Links for MemoryStore {
    async fn create_link(&self, link: &Link, job: &PublishJob) -> Result<(), StoreError> {
        check_jobs(link, std::slice::from_ref(job))?;
        let mut state = self.state()?;
        let code = code_key(link);
        if state.codes.contains_key(&code) {
            return Err(StoreError::CodeTaken);
        }
        state
            .codes
            .insert(code, (link.workspace_id.clone(), link.id.clone()));
        state
            .links
            .insert((link.workspace_id.clone(), link.id.clone()), link.clone());
        state.outbox.insert(job.key(), job.clone());
        Ok(())
    }

    async fn link(&self, workspace: &WorkspaceId, id: &LinkId) -> Result<Option<Link>, StoreError> {
        Ok(self
            .state()?
            .links
            .get(&(workspace.clone(), id.clone()))
            .cloned())
    }

    async fn links(
        &self,
        workspace: &WorkspaceId,
        query: &LinkQuery,
    ) -> Result<LinkPage, StoreError> {
        let state = self.state()?;
        let after = query.cursor.as_deref().and_then(decode_cursor);
        let mut items: Vec<&Link> = state
            .links
            .iter()
            .filter(|((ws, _), _)| ws == workspace)
            .map(|(_, link)| link)
            .filter(|link| matches(link, query))
            .collect();
        // Newest first; the id breaks ties so the order is total.
        items.sort_by(|a, b| (b.created_at, b.id.as_str()).cmp(&(a.created_at, a.id.as_str())));
        let items: Vec<Link> = items
            .into_iter()
            .filter(|link| {
                after
                    .as_ref()
                    .is_none_or(|(at, id)| (link.created_at, link.id.as_str()) < (*at, id.as_str()))
            })
            .take(query.limit.saturating_add(1))
            .cloned()
            .collect();
        let more = items.len() > query.limit;
        let items: Vec<Link> = items.into_iter().take(query.limit).collect();
        let next_cursor = more.then(|| items.last().map(encode_cursor)).flatten();
        Ok(LinkPage { items, next_cursor })
    }

    async fn update_link(
        &self,
        link: &Link,
        expected_version: u64,
        jobs: &[PublishJob],
    ) -> Result<(), StoreError> {
        check_jobs(link, jobs)?;
        let mut state = self.state()?;
        let key = (link.workspace_id.clone(), link.id.clone());
        let Some(stored) = state.links.get(&key).cloned() else {
            return Err(StoreError::VersionConflict { current: 0 });
        };
        if stored.version != expected_version {
            return Err(StoreError::VersionConflict {
                current: stored.version,
            });
        }
        let (old_code, new_code) = (code_key(&stored), code_key(link));
        if old_code != new_code {
            if state.codes.contains_key(&new_code) {
                return Err(StoreError::CodeTaken);
            }
            state.codes.remove(&old_code);
            state.codes.insert(new_code, key.clone());
        }
        // Only `mark_published` moves the published version (as in DynamoDB).
        let link = Link {
            published_version: stored.published_version,
            ..link.clone()
        };
        state.links.insert(key, link);
        for job in jobs {
            state.outbox.insert(job.key(), job.clone());
        }
        Ok(())
    }

    async fn delete_link(
        &self,
        workspace: &WorkspaceId,
        id: &LinkId,
        job: &PublishJob,
    ) -> Result<Option<Link>, StoreError> {
        let mut state = self.state()?;
        let removed = state.links.remove(&(workspace.clone(), id.clone()));
        if let Some(link) = &removed {
            state.codes.remove(&code_key(link));
            let job = job.aimed_at(link);
            state.outbox.insert(job.key(), job);
        }
        Ok(removed)
    }

    async fn mark_published(
        &self,
        workspace: &WorkspaceId,
        id: &LinkId,
        version: u64,
    ) -> Result<(), StoreError> {
        let mut state = self.state()?;
        if let Some(link) = state.links.get_mut(&(workspace.clone(), id.clone())) {
            link.published_version = link.published_version.max(Some(version));
        }
        Ok(())
    }
}

#[async_trait]
impl Outbox for MemoryStore {
    async fn enqueue(&self, job: &PublishJob) -> Result<(), StoreError> {
        self.state()?.outbox.insert(job.key(), job.clone());
        Ok(())
    }

    async fn due_jobs(&self, now_ms: i64, limit: usize) -> Result<Vec<PublishJob>, StoreError> {
        let state = self.state()?;
        let mut due: Vec<PublishJob> = state
            .outbox
            .values()
            .filter(|job| job.next_attempt_at <= now_ms)
            .cloned()
            .collect();
        due.sort_by_key(|job| job.next_attempt_at);
        due.truncate(limit);
        Ok(due)
    }

    async fn complete(&self, job: &PublishJob) -> Result<(), StoreError> {
        let mut state = self.state()?;
        let current = state.outbox.get(&job.key());
        if current.is_some_and(|c| c.version == job.version && c.op == job.op) {
            state.outbox.remove(&job.key());
        }
        Ok(())
    }

    async fn reschedule(&self, job: &PublishJob) -> Result<(), StoreError> {
        let mut state = self.state()?;
        let superseded = state
            .outbox
            .get(&job.key())
            .is_some_and(|c| c.version != job.version || c.op != job.op);
        if !superseded {
            state.outbox.insert(job.key(), job.clone());
        }
        Ok(())
    }
}

#[async_trait]
impl Members for MemoryStore {
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &UserId,
    ) -> Result<(), StoreError> {
        let mut state = self.state()?;
        state
            .workspaces
            .insert(workspace.id.clone(), workspace.clone());
        state.members.insert(
            (owner.clone(), workspace.created_at, workspace.id.clone()),
            Role::Owner,
        );
        Ok(())
    }

    async fn members(&self, workspace: &WorkspaceId) -> Result<Vec<(User, Role)>, StoreError> {
        let state = self.state()?;
        let members: Vec<(i64, User, Role)> = state
            .members
            .iter()
            .filter(|((_, _, ws), _)| ws == workspace)
            .filter_map(|((user, joined, _), role)| {
                state.users.get(user).map(|u| (*joined, u.clone(), *role))
            })
            .collect();
        Ok(super::in_joining_order(members))
    }

    async fn set_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: Role,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut state = self.state()?;
        if !state.workspaces.contains_key(workspace) {
            return Err(StoreError::Unavailable("no such workspace".into()));
        }
        let existing = state
            .members
            .keys()
            .find(|(member, _, ws)| member == user && ws == workspace)
            .cloned();
        let key = existing.unwrap_or((user.clone(), now_ms, workspace.clone()));
        state.members.insert(key, role);
        Ok(())
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<bool, StoreError> {
        let mut state = self.state()?;
        let before = state.members.len();
        state
            .members
            .retain(|(member, _, ws), _| !(member == user && ws == workspace));
        Ok(state.members.len() < before)
    }
}

#[async_trait]
impl ApiKeys for MemoryStore {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let mut state = self.state()?;
        // As DynamoDB's conditional put: an id is never reused.
        if state.api_keys.contains_key(&key.id) {
            return Err(StoreError::Unavailable("API key id already exists".into()));
        }
        state.api_keys.insert(key.id.clone(), key.clone());
        Ok(())
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        Ok(self.state()?.api_keys.get(id).cloned())
    }

    async fn api_keys(&self, workspace: &WorkspaceId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let state = self.state()?;
        let mut keys: Vec<ApiKeyRecord> = state
            .api_keys
            .values()
            .filter(|k| &k.workspace_id == workspace)
            .cloned()
            .collect();
        keys.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(keys)
    }

    async fn delete_api_key(&self, workspace: &WorkspaceId, id: &str) -> Result<bool, StoreError> {
        let mut state = self.state()?;
        let owned = state
            .api_keys
            .get(id)
            .is_some_and(|k| &k.workspace_id == workspace);
        if owned {
            state.api_keys.remove(id);
        }
        Ok(owned)
    }
}

#[async_trait]
impl Counters for MemoryStore {
    async fn hit(
        &self,
        key: &str,
        window_start_ms: i64,
        _window_ms: i64,
    ) -> Result<u64, StoreError> {
        let mut windows = self
            .windows
            .lock()
            .map_err(|_| StoreError::Unavailable("the embedded store was poisoned".into()))?;
        let entry = windows
            .entry(key.to_owned())
            .or_insert((window_start_ms, 0));
        if entry.0 != window_start_ms {
            *entry = (window_start_ms, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        Ok(entry.1)
    }
}

#[async_trait]
impl Stats for MemoryStore {
    async fn stats(&self, keys: &[StatsKey]) -> Result<Vec<Option<StoredStats>>, StoreError> {
        let state = self.state()?;
        Ok(keys
            .iter()
            .map(|key| state.stats.get(key).cloned())
            .collect())
    }

    async fn put_stats(
        &self,
        key: &StatsKey,
        bytes: &[u8],
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let version = next_stats_version(key, bytes, expected_version)?;
        let mut state = self.state()?;
        let current = state.stats.get(key).map_or(0, |stored| stored.version);
        if current != expected_version {
            return Err(StoreError::VersionConflict { current });
        }
        state.stats.insert(
            key.clone(),
            StoredStats {
                bytes: bytes.to_vec(),
                version,
            },
        );
        self.stats_writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    async fn stats_range(
        &self,
        workspace: &WorkspaceId,
        scope: &StatsScope,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<(i64, StoredStats)>, StoreError> {
        let hours = stats_hours(from_hour, to_hour);
        if hours.is_empty() {
            return Ok(Vec::new());
        }
        let at = |hour| StatsKey {
            workspace: workspace.clone(),
            scope: scope.clone(),
            hour,
        };
        let state = self.state()?;
        Ok(state
            .stats
            .range(at(hours.start)..at(hours.end))
            .map(|(key, stored)| (key.hour, stored.clone()))
            .collect())
    }
}
