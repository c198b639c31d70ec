//! The embedded store's snapshot file: the whole persisted state as one
//! JSON document, `{"format": 1, …}`, written atomically by
//! `MemoryStore::save` and read back by `MemoryStore::open`.
//!
//! Only primary data is written; the indexes (`user_by_email`, `codes`,
//! outbox keys) are rebuilt on load, and a snapshot whose data would break
//! them (two accounts with one email, two links with one code, a key twice)
//! is refused as corrupt rather than half-loaded. Maps with composite keys
//! are lists of entries; lists are sorted so the same state always writes
//! the same bytes. Rate-limit windows are not part of it (a restart starts
//! new windows, as a window expiring would).
//!
//! Any change to this shape bumps [`FORMAT`]; a file of another format is
//! refused with an error naming it, never read as something else.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Display;
use std::hash::Hash;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use scanly_shared::ids::{LinkId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

use super::{Data, code_key};
use crate::model::{ApiKeyRecord, Link, PublishJob, Role, Session, User, Workspace};
use crate::store::{StatsKey, StatsScope, StoredStats};

/// The snapshot format this build writes and reads.
pub const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Snapshot {
    format: u32,
    users: Vec<User>,
    workspaces: Vec<Workspace>,
    members: Vec<Membership>,
    sessions: Vec<Session>,
    /// Login families and their one current token hash (a revoked family
    /// has no entry).
    families: Vec<Family>,
    links: Vec<Link>,
    outbox: Vec<PublishJob>,
    api_keys: Vec<ApiKeyRecord>,
    stats: Vec<StatsEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Membership {
    user: UserId,
    workspace: WorkspaceId,
    joined_at: i64,
    role: Role,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Family {
    family: String,
    current_hash: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Scope {
    Link(LinkId),
    Workspace,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatsEntry {
    workspace: WorkspaceId,
    /// `"workspace"` or `{"link": "<link id>"}`.
    scope: Scope,
    hour: i64,
    version: u64,
    /// The opaque document, standard base64.
    #[serde(with = "base64_bytes")]
    bytes: Vec<u8>,
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

impl Snapshot {
    /// A copy of `data` (taken under the store's lock; encoded after).
    pub(super) fn of(data: &Data) -> Self {
        let mut users: Vec<User> = data.users.values().cloned().collect();
        users.sort_by(|a, b| a.id.cmp(&b.id));
        let mut workspaces: Vec<Workspace> = data.workspaces.values().cloned().collect();
        workspaces.sort_by(|a, b| a.id.cmp(&b.id));
        // Already ordered (a BTreeMap).
        let members = data
            .members
            .iter()
            .map(|((user, joined_at, workspace), role)| Membership {
                user: user.clone(),
                workspace: workspace.clone(),
                joined_at: *joined_at,
                role: *role,
            })
            .collect();
        let mut sessions: Vec<Session> = data.sessions.values().cloned().collect();
        sessions.sort_by(|a, b| a.token_hash.cmp(&b.token_hash));
        let mut families: Vec<Family> = data
            .families
            .iter()
            .map(|(family, current_hash)| Family {
                family: family.clone(),
                current_hash: current_hash.clone(),
            })
            .collect();
        families.sort_by(|a, b| a.family.cmp(&b.family));
        let mut links: Vec<Link> = data.links.values().cloned().collect();
        links.sort_by(|a, b| (&a.workspace_id, &a.id).cmp(&(&b.workspace_id, &b.id)));
        let outbox = data.outbox.values().cloned().collect();
        let mut api_keys: Vec<ApiKeyRecord> = data.api_keys.values().cloned().collect();
        api_keys.sort_by(|a, b| a.id.cmp(&b.id));
        let stats = data
            .stats
            .iter()
            .map(|(key, stored)| StatsEntry {
                workspace: key.workspace.clone(),
                scope: match &key.scope {
                    StatsScope::Link(id) => Scope::Link(id.clone()),
                    StatsScope::Workspace => Scope::Workspace,
                },
                hour: key.hour,
                version: stored.version,
                bytes: stored.bytes.clone(),
            })
            .collect();
        Self {
            format: FORMAT,
            users,
            workspaces,
            members,
            sessions,
            families,
            links,
            outbox,
            api_keys,
            stats,
        }
    }

    pub(super) fn encode(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| format!("cannot be encoded: {e}"))
    }

    /// Reads a snapshot file's bytes; the error says what is wrong (the
    /// caller adds the file).
    pub(super) fn decode(bytes: &[u8]) -> Result<Data, String> {
        /// The version first, so a file of another format is named as such
        /// rather than reported as whatever field it lacks.
        #[derive(Deserialize)]
        struct Header {
            format: Option<serde_json::Value>,
        }
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|e| format!("is not a snapshot (not a JSON object): {e}"))?;
        match header.format {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(FORMAT)) => {}
            Some(other) => {
                return Err(format!(
                    "has format {other}; this build reads format {FORMAT} only \
                     (was it written by another version of Scanly?)"
                ));
            }
            None => return Err("has no \"format\": it is not a store snapshot".into()),
        }
        let snapshot: Snapshot =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes))
                .map_err(|e| match e.path().to_string().as_str() {
                    "." => format!("is corrupt: {}", e.inner()),
                    at => format!("is corrupt at {at}: {}", e.inner()),
                })?;
        snapshot.into_data()
    }

    fn into_data(self) -> Result<Data, String> {
        let mut data = Data::default();
        for user in self.users {
            insert_new(
                &mut data.user_by_email,
                user.email.as_str().to_lowercase(),
                user.id.clone(),
                "accounts with the email",
            )?;
            insert_new(&mut data.users, user.id.clone(), user, "users with the id")?;
        }
        for workspace in self.workspaces {
            insert_new(
                &mut data.workspaces,
                workspace.id.clone(),
                workspace,
                "workspaces with the id",
            )?;
        }
        let mut pairs = HashMap::new();
        for m in self.members {
            let pair = format!("{} in {}", m.user, m.workspace);
            insert_new(&mut pairs, pair, (), "memberships of")?;
            data.members
                .insert((m.user, m.joined_at, m.workspace), m.role);
        }
        for session in self.sessions {
            insert_new(
                &mut data.sessions,
                session.token_hash.clone(),
                session,
                "sessions with the token hash",
            )?;
        }
        for f in self.families {
            insert_new(
                &mut data.families,
                f.family,
                f.current_hash,
                "entries for the login family",
            )?;
        }
        for link in self.links {
            insert_new(
                &mut data.codes,
                code_key(&link),
                (link.workspace_id.clone(), link.id.clone()),
                "links holding the code",
            )?;
            let key = (link.workspace_id.clone(), link.id.clone());
            let name = format!("{}/{}", key.0, key.1);
            if data.links.insert(key, link).is_some() {
                return Err(format!("has two links {name}"));
            }
        }
        for job in self.outbox {
            let key = job.key();
            if data.outbox.insert(key.clone(), job).is_some() {
                return Err(format!("has two publish jobs for {key}"));
            }
        }
        for key in self.api_keys {
            insert_new(
                &mut data.api_keys,
                key.id.clone(),
                key,
                "API keys with the id",
            )?;
        }
        for entry in self.stats {
            let key = StatsKey {
                workspace: entry.workspace,
                scope: match entry.scope {
                    Scope::Link(id) => StatsScope::Link(id),
                    Scope::Workspace => StatsScope::Workspace,
                },
                hour: entry.hour,
            };
            if entry.version == 0 {
                return Err(format!("has stats {key:?} at version 0"));
            }
            let stored = StoredStats {
                bytes: entry.bytes,
                version: entry.version,
            };
            if data.stats.insert(key.clone(), stored).is_some() {
                return Err(format!("has two stats documents for {key:?}"));
            }
        }
        Ok(data)
    }
}

fn insert_new<K: Eq + Hash + Display, V>(
    map: &mut HashMap<K, V>,
    key: K,
    value: V,
    what: &str,
) -> Result<(), String> {
    match map.entry(key) {
        Entry::Occupied(taken) => Err(format!("has two {what} {}", taken.key())),
        Entry::Vacant(free) => {
            free.insert(value);
            Ok(())
        }
    }
}

/// Writes `bytes` to `path` so that a reader (or a crash) sees the old file
/// or the new one, never a mix: a temporary file in the same directory,
/// flushed to disk, then renamed over `path` (and, on Unix, the directory
/// flushed so the rename itself survives a power cut). The temporary name
/// starts with `.` and holds a `~`, which no object key does.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other(format!("{} names no file", path.display())))?;
    let temp = dir.join(format!(
        ".{}~{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written?;
    sync_dir(dir);
    Ok(())
}

/// Whether `name` is one of [`write_atomically`]'s temporary files (left
/// behind only by a crash mid-write).
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.contains('~') && name.ends_with(".tmp")
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}
