//! The embedded adapters kept on disk, as a user of them sees it: what is
//! written through the ports (or the HTTP API) is there after the process
//! that wrote it is gone and another opens the same data directory.
//!
//! - `MemoryStore::open(path)` / `save()`: a snapshot file, written only
//!   when something changed, atomically; a corrupt or foreign file is an
//!   error naming it, never an empty store.
//! - `MemoryObjects::open(dir, …)`: every put and delete written through.
//! - `runtime::state_from_vars` with `SCANLY_DATA_DIR`: both, under one
//!   directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fixtures;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use fixtures::{T0, uid, user, workspace, ws};
use http_body_util::BodyExt;
use scanly_api::auth::Scopes;
use scanly_api::model::{ApiKeyRecord, Link, PublishOp, Role, Session};
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::objects::{
    LogoId, ObjectError, ObjectKey, ObjectPrefix, ObjectStore, SignedUpload, StoredObject,
};
use scanly_api::publish;
use scanly_api::runtime::{self, Persistence};
use scanly_api::store::memory::{MemoryStore, spawn_persistence};
use scanly_api::store::{
    Accounts, ApiKeys, Counters, LinkQuery, Links, Members, Outbox, Rotation, Sessions, Stats,
    StatsKey, StatsScope, StoreError, StoredStats,
};
use scanly_qr::format::Format;
use scanly_shared::label::{Tag, Title};
use scanly_shared::{Email, ShortCode};
use serde_json::{Value, json};
use tower::ServiceExt;

/// 2026-11-20T12:00:00Z.
const HOUR: i64 = T0 / 3_600_000;
const SECRET: &str = "persistence-tests-signing-secret-0123456789";
const JWT_SECRET: &str = "persistence-tests-jwt-secret-0123456789abcdef";

// --- fixtures ------------------------------------------------------------

/// A fresh directory under the system's temporary one, removed after.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "scanly-persistence-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The contract suite's link, with more of its fields set.
fn link(workspace: &str, id: &str, code: &str, created_at: i64) -> Link {
    Link {
        title: Some(Title::parse("Spring menu").unwrap()),
        tags: vec![Tag::parse("menu").unwrap()],
        expires_at: Some(T0 + 86_400_000),
        max_scans: Some(500),
        indexable: true,
        ..fixtures::link(workspace, id, code, created_at)
    }
}

fn session(family: &str, token: &str, user: &str, expires_at: i64) -> Session {
    Session {
        family: family.into(),
        token_hash: token.into(),
        user_id: uid(user),
        expires_at,
    }
}

fn stats_key(workspace: &str, scope: StatsScope, hour: i64) -> StatsKey {
    StatsKey {
        workspace: ws(workspace),
        scope,
        hour,
    }
}

fn query(limit: usize) -> LinkQuery {
    LinkQuery {
        limit,
        ..LinkQuery::default()
    }
}

/// Opens the snapshot at `path`, which must be refused; the error.
fn refused(path: &Path) -> String {
    match MemoryStore::open(path) {
        Ok(_) => panic!("{} was opened", path.display()),
        Err(StoreError::Unavailable(message)) => message,
        Err(other) => panic!("not Unavailable: {other:?}"),
    }
}

// --- the store -----------------------------------------------------------

#[tokio::test]
async fn everything_written_through_the_ports_is_there_after_a_reopen() {
    let dir = TempDir::new("store");
    let path = dir.join("store.json");
    let menu = link("ws_rosa", "lnk_menu", "menu", T0);
    let lunch = link("ws_rosa", "lnk_lunch", "lunch", T0 + 1);
    let link_hour = stats_key("ws_rosa", StatsScope::Link(menu.id.clone()), HOUR);
    let ws_hour = stats_key("ws_rosa", StatsScope::Workspace, HOUR);
    {
        let store = MemoryStore::open(&path).unwrap();
        assert!(!path.exists(), "nothing is written before a save");
        // Sign up, a second member, a session.
        store
            .create_account(
                &user("usr_rosa", "Rosa@Shop.test"),
                &workspace("ws_rosa", T0),
            )
            .await
            .unwrap();
        store
            .create_account(
                &user("usr_ben", "ben@shop.test"),
                &workspace("ws_ben", T0 + 5),
            )
            .await
            .unwrap();
        store
            .set_member(&ws("ws_rosa"), &uid("usr_ben"), Role::Viewer, T0 + 10)
            .await
            .unwrap();
        store
            .start_session(&session("fam_1", "hash_1", "usr_rosa", T0 + 86_400_000))
            .await
            .unwrap();
        // Two links; one edited (version 2, a new code), published once.
        for link in [&menu, &lunch] {
            let job = publish::job(link, PublishOp::Put, link.updated_at);
            store.create_link(link, &job).await.unwrap();
        }
        let mut edited = menu.clone();
        edited.code = ShortCode::parse("menu2").unwrap();
        edited.version = 2;
        edited.updated_at = T0 + 20;
        let jobs = [
            publish::job(&edited, PublishOp::Put, T0 + 20),
            publish::job(&menu, PublishOp::Delete, T0 + 20),
        ];
        store.update_link(&edited, 1, &jobs).await.unwrap();
        store
            .mark_published(&ws("ws_rosa"), &menu.id, 1)
            .await
            .unwrap();
        // An API key, a job without a link write, stats (one at version 2).
        store
            .create_api_key(&ApiKeyRecord {
                id: "key_1".into(),
                workspace_id: ws("ws_rosa"),
                name: "CI".into(),
                hash: "ab".repeat(32),
                scopes: Scopes::parse(["links:read", "links:write"]).unwrap(),
                created_by: uid("usr_rosa"),
                created_at: T0,
                expires_at: None,
            })
            .await
            .unwrap();
        let mut retry = publish::job(&lunch, PublishOp::Put, T0 + 30);
        retry.attempts = 3;
        store.enqueue(&retry).await.unwrap();
        store.put_stats(&link_hour, b"\x00\x01v1", 0).await.unwrap();
        store
            .put_stats(&link_hour, b"\x00\x01v2\xff", 1)
            .await
            .unwrap();
        store.put_stats(&ws_hour, b"totals", 0).await.unwrap();
        store.hit("rl:ws_rosa", T0, 60_000).await.unwrap();

        assert_eq!(store.save(), Ok(true));
        assert!(path.exists());
    }

    let store = MemoryStore::open(&path).unwrap();
    // Accounts: by email (any case), by id, workspaces, roles, members.
    let rosa = store
        .user_by_email(&Email::parse("rosa@shop.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rosa, user("usr_rosa", "Rosa@Shop.test"));
    assert_eq!(
        store.user(&uid("usr_ben")).await.unwrap(),
        Some(user("usr_ben", "ben@shop.test"))
    );
    assert_eq!(
        store
            .create_account(&user("usr_x", "ROSA@shop.test"), &workspace("ws_x", T0))
            .await,
        Err(StoreError::EmailTaken),
        "the email index is rebuilt"
    );
    assert_eq!(
        store.workspaces_of(&uid("usr_ben")).await.unwrap(),
        vec![
            (workspace("ws_ben", T0 + 5), Role::Owner),
            (workspace("ws_rosa", T0), Role::Viewer)
        ]
    );
    let members: Vec<(String, Role)> = store
        .members(&ws("ws_rosa"))
        .await
        .unwrap()
        .into_iter()
        .map(|(user, role)| (user.id.to_string(), role))
        .collect();
    assert_eq!(
        members,
        vec![
            ("usr_rosa".to_owned(), Role::Owner),
            ("usr_ben".to_owned(), Role::Viewer)
        ]
    );

    // Links: by id (version, published version, every field), by listing,
    // by search; the codes as they were claimed.
    let stored = store.link(&ws("ws_rosa"), &menu.id).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.published_version, Some(1));
    assert_eq!(stored.code.as_str(), "menu2");
    assert_eq!(
        stored,
        Link {
            code: ShortCode::parse("menu2").unwrap(),
            version: 2,
            updated_at: T0 + 20,
            published_version: Some(1),
            ..menu.clone()
        }
    );
    let page = store.links(&ws("ws_rosa"), &query(10)).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["lnk_lunch", "lnk_menu"], "newest first");
    let first = store.links(&ws("ws_rosa"), &query(1)).await.unwrap();
    let rest = store
        .links(
            &ws("ws_rosa"),
            &LinkQuery {
                cursor: first.next_cursor.clone(),
                ..query(1)
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items[0].id.as_str(), "lnk_menu");
    let searched = store
        .links(
            &ws("ws_rosa"),
            &LinkQuery {
                text: Some("MENU2".into()),
                tag: Some(Tag::parse("menu").unwrap()),
                ..query(10)
            },
        )
        .await
        .unwrap();
    assert_eq!(searched.items.len(), 1);
    let taken = link("ws_other", "lnk_thief", "menu2", T0 + 40);
    assert_eq!(
        store
            .create_link(&taken, &publish::job(&taken, PublishOp::Put, T0 + 40))
            .await,
        Err(StoreError::CodeTaken),
        "the code index is rebuilt"
    );
    let reused = link("ws_other", "lnk_reuse", "menu", T0 + 40);
    store
        .create_link(&reused, &publish::job(&reused, PublishOp::Put, T0 + 40))
        .await
        .expect("the released code is free");
    assert_eq!(
        store.update_link(&stored, 1, &[]).await,
        Err(StoreError::VersionConflict { current: 2 })
    );

    // The outbox: the edited link's put and its old code's delete, and
    // the enqueued retry with its attempts.
    let due = store.due_jobs(T0 + 30, 10).await.unwrap();
    let jobs: Vec<(&str, PublishOp, u64, u32)> = due
        .iter()
        .filter(|job| job.workspace_id == ws("ws_rosa"))
        .map(|job| (job.code.as_str(), job.op, job.version, job.attempts))
        .collect();
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    assert!(jobs.contains(&("menu2", PublishOp::Put, 2, 0)), "{jobs:?}");
    assert!(
        jobs.contains(&("menu", PublishOp::Delete, 1, 0)),
        "{jobs:?}"
    );
    assert!(jobs.contains(&("lunch", PublishOp::Put, 1, 3)), "{jobs:?}");

    // API keys.
    let key = store.api_key("key_1").await.unwrap().unwrap();
    assert_eq!(
        key.scopes,
        Scopes::parse(["links:write", "links:read"]).unwrap()
    );
    assert_eq!(store.api_keys(&ws("ws_rosa")).await.unwrap(), vec![key]);

    // Stats: documents and versions, byte for byte; ranges; the version
    // check continues from the stored version.
    assert_eq!(
        store
            .stats(&[link_hour.clone(), ws_hour.clone()])
            .await
            .unwrap(),
        vec![
            Some(StoredStats {
                bytes: b"\x00\x01v2\xff".to_vec(),
                version: 2
            }),
            Some(StoredStats {
                bytes: b"totals".to_vec(),
                version: 1
            })
        ]
    );
    assert_eq!(
        store
            .stats_range(&ws("ws_rosa"), &StatsScope::Workspace, HOUR - 5, HOUR + 5)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.put_stats(&link_hour, b"v3", 1).await,
        Err(StoreError::VersionConflict { current: 2 })
    );
    store.put_stats(&link_hour, b"v3", 2).await.unwrap();

    // Sessions: the token refreshes once; presenting it again revokes the
    // family, and that too survives a save and reopen.
    assert_eq!(
        store
            .rotate_session("hash_1", "hash_2", T0 + 2 * 86_400_000, T0 + 60)
            .await
            .unwrap(),
        Rotation::Rotated(uid("usr_rosa"))
    );
    assert_eq!(
        store
            .rotate_session("hash_1", "hash_3", T0 + 2 * 86_400_000, T0 + 61)
            .await
            .unwrap(),
        Rotation::Reused
    );
    // Rate-limit windows start over.
    assert_eq!(store.hit("rl:ws_rosa", T0, 60_000).await.unwrap(), 1);
    assert_eq!(store.save(), Ok(true));
    drop(store);

    let store = MemoryStore::open(&path).unwrap();
    assert_eq!(
        store
            .rotate_session("hash_2", "hash_4", T0 + 2 * 86_400_000, T0 + 62)
            .await
            .unwrap(),
        Rotation::Reused,
        "the family stays revoked"
    );
    assert_eq!(
        store.stats(&[link_hour]).await.unwrap()[0]
            .as_ref()
            .map(|s| s.version),
        Some(3)
    );
}

#[tokio::test]
async fn a_save_writes_only_when_something_changed() {
    let dir = TempDir::new("dirty");
    let path = dir.join("store.json");
    let store = MemoryStore::open(&path).unwrap();
    assert_eq!(store.save(), Ok(false), "nothing to save in a new store");
    assert!(!path.exists());

    store
        .create_account(&user("usr_a", "a@shop.test"), &workspace("ws_a", T0))
        .await
        .unwrap();
    assert!(store.is_dirty());
    assert_eq!(store.save(), Ok(true));
    let written = std::fs::read(&path).unwrap();
    assert_eq!(store.save(), Ok(false), "twice without a change: once");
    assert!(!store.is_dirty());

    // Reads, refused writes and rate-limit hits change nothing to save.
    store.user(&uid("usr_a")).await.unwrap();
    store.links(&ws("ws_a"), &query(10)).await.unwrap();
    store.due_jobs(T0, 10).await.unwrap();
    store.hit("rl:ws_a", T0, 60_000).await.unwrap();
    assert_eq!(
        store
            .create_account(&user("usr_b", "A@shop.test"), &workspace("ws_b", T0))
            .await,
        Err(StoreError::EmailTaken)
    );
    let key = stats_key("ws_a", StatsScope::Workspace, HOUR);
    assert!(store.put_stats(&key, b"x", 7).await.is_err());
    assert_eq!(store.save(), Ok(false));
    assert_eq!(std::fs::read(&path).unwrap(), written, "the file as it was");

    store.put_stats(&key, b"x", 0).await.unwrap();
    assert_eq!(store.save(), Ok(true));
    assert_eq!(store.save(), Ok(false));
    let dir_names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        dir_names
            .iter()
            .all(|n| n == "store.json" || n == "store.json.lock"),
        "no temporary file is left: {dir_names:?}"
    );

    // The same bytes for the same state: written in a stable order. (And
    // what a crash mid-save left is cleared away on open.)
    drop(store);
    let stale = dir.join(".store.json~99-0.tmp");
    std::fs::write(&stale, b"{\"format\": 1, \"half").unwrap();
    let store = MemoryStore::open(&path).unwrap();
    assert!(!stale.exists());
    store
        .set_member(&ws("ws_a"), &uid("usr_a"), Role::Owner, T0)
        .await
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    assert_eq!(store.save(), Ok(true));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Without a file nothing is ever written.
    let memory = MemoryStore::new();
    memory
        .create_account(&user("usr_a", "a@shop.test"), &workspace("ws_a", T0))
        .await
        .unwrap();
    assert_eq!(memory.save(), Ok(false));
    assert_eq!(memory.path(), None);
}

#[test]
fn a_snapshot_that_is_not_one_is_an_error_naming_it() {
    let dir = TempDir::new("corrupt");
    let path = dir.join("store.json");
    let cases = [
        ("not JSON at all", &b"{\"format\": 1, \"users\": ["[..], "not a snapshot"),
        ("an empty file", b"", "not a snapshot"),
        ("another format", br#"{"format": 2, "everything": []}"#, "format 2"),
        ("no format", br#"{"users": []}"#, "no \"format\""),
        (
            "a field missing",
            br#"{"format": 1, "users": []}"#,
            "missing field",
        ),
        (
            "an invalid id",
            br#"{"format":1,"users":[{"id":"usr 1","email":"a@b.test","name":"A","password_hash":"x","created_at":0}],"workspaces":[],"members":[],"sessions":[],"families":[],"links":[],"outbox":[],"api_keys":[],"stats":[]}"#,
            "users[0].id",
        ),
        (
            "an unknown field",
            br#"{"format":1,"users":[],"workspaces":[],"members":[],"sessions":[],"families":[],"links":[],"outbox":[],"api_keys":[],"stats":[],"extra":1}"#,
            "extra",
        ),
        (
            "one email twice",
            br#"{"format":1,"users":[{"id":"usr_1","email":"a@b.test","name":"A","password_hash":"x","created_at":0},{"id":"usr_2","email":"A@b.test","name":"A","password_hash":"x","created_at":0}],"workspaces":[],"members":[],"sessions":[],"families":[],"links":[],"outbox":[],"api_keys":[],"stats":[]}"#,
            "two accounts with the email a@b.test",
        ),
        (
            "stats that are not base64",
            br#"{"format":1,"users":[],"workspaces":[],"members":[],"sessions":[],"families":[],"links":[],"outbox":[],"api_keys":[],"stats":[{"workspace":"ws_a","scope":"workspace","hour":1,"version":1,"bytes":"%%%"}]}"#,
            "stats[0].bytes",
        ),
    ];
    for (case, bytes, expected) in cases {
        std::fs::write(&path, bytes).unwrap();
        let message = refused(&path);
        assert!(
            message.contains(&path.display().to_string()),
            "{case}: names the file: {message}"
        );
        assert!(message.contains(expected), "{case}: {message}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{case}: left alone");
    }

    // A snapshot this build wrote, with two links on one code, is refused
    // too (the code index could not be rebuilt).
    let written = {
        let dir = TempDir::new("two-codes");
        let path = dir.join("store.json");
        let store = MemoryStore::open(&path).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            for (id, code) in [("lnk_a", "aaa"), ("lnk_b", "bbb")] {
                let link = link("ws_a", id, code, T0);
                let job = publish::job(&link, PublishOp::Put, T0);
                store.create_link(&link, &job).await.unwrap();
            }
        });
        store.save().unwrap();
        drop(store);
        std::fs::read_to_string(&path).unwrap()
    };
    std::fs::write(&path, written.replace("\"bbb\"", "\"aaa\"")).unwrap();
    let message = refused(&path);
    assert!(
        message.contains("two links holding the code scn.test/aaa"),
        "{message}"
    );

    // A directory where the file should be.
    let not_a_file = dir.join("dir.json");
    std::fs::create_dir(&not_a_file).unwrap();
    assert!(refused(&not_a_file).contains("cannot be read"));

    // A missing file is an empty store (and its directory is made).
    let fresh = dir.join("new/deeper/store.json");
    let store = MemoryStore::open(&fresh).unwrap();
    assert_eq!(store.path(), Some(fresh.as_path()));
}

#[test]
fn a_snapshot_is_opened_by_one_store_at_a_time() {
    let dir = TempDir::new("lock");
    let path = dir.join("store.json");
    let first = MemoryStore::open(&path).unwrap();
    let message = refused(&path);
    assert!(message.contains("in use"), "{message}");
    drop(first);
    MemoryStore::open(&path).unwrap();
}

#[tokio::test]
async fn a_store_dropped_with_unsaved_changes_saves_them() {
    let dir = TempDir::new("drop");
    let path = dir.join("store.json");
    let store = MemoryStore::open(&path).unwrap();
    store
        .create_account(&user("usr_a", "a@shop.test"), &workspace("ws_a", T0))
        .await
        .unwrap();
    drop(store);
    let store = MemoryStore::open(&path).unwrap();
    assert!(store.user(&uid("usr_a")).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_saver_saves_what_changed_and_stops_with_the_store() {
    let dir = TempDir::new("saver");
    let path = dir.join("store.json");
    let store = Arc::new(MemoryStore::open(&path).unwrap());
    let saver = spawn_persistence(&store, Duration::from_millis(20));
    for i in 0..200 {
        let key = stats_key("ws_a", StatsScope::Workspace, HOUR + i);
        store.put_stats(&key, b"burst", 0).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while store.is_dirty() {
        assert!(tokio::time::Instant::now() < deadline, "never saved");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let snapshot: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(snapshot["format"], 1);
    assert_eq!(snapshot["stats"].as_array().unwrap().len(), 200);
    drop(store);
    tokio::time::timeout(Duration::from_secs(5), saver)
        .await
        .expect("the saver ends once the store is gone")
        .unwrap();
}

// --- objects -------------------------------------------------------------

fn objects_in(dir: &Path) -> MemoryObjects {
    MemoryObjects::open(dir, "http://api.test", SECRET.as_bytes().to_vec()).unwrap()
}

fn logo_key(workspace: &str, logo: &LogoId) -> ObjectKey {
    ObjectKey::logo(&ws(workspace), logo)
}

fn object(bytes: &[u8], content_type: &str) -> StoredObject {
    StoredObject {
        bytes: bytes.to_vec(),
        content_type: content_type.to_owned(),
    }
}

#[tokio::test]
async fn objects_are_there_after_a_reopen_until_deleted() {
    let dir = TempDir::new("objects");
    let logo = LogoId::generate();
    let png: Vec<u8> = (0..=255).chain([0, 0, 13, 10]).collect();
    let key = logo_key("ws_a", &logo);
    let record = ObjectKey::logo_record(&ws("ws_a"), &logo);
    let qr = ObjectKey::qr_cache(&ws("ws_a"), &[0xab; 32], Format::Svg);
    let archive = ObjectKey::event_archive(HOUR, &[0x0f; 32]);
    {
        let objects = objects_in(dir.path());
        objects.put(&key, png.clone(), "image/png").await.unwrap();
        objects
            .put(&record, b"{}".to_vec(), "application/json")
            .await
            .unwrap();
        objects
            .put(&qr, b"<svg/>".to_vec(), "image/svg+xml; charset=utf-8")
            .await
            .unwrap();
        objects
            .put(&archive, vec![0x1f, 0x8b, 0], "application/gzip")
            .await
            .unwrap();
        assert_eq!(objects.dir(), Some(dir.path()));
    }
    assert!(
        dir.join(key.as_str()).is_file(),
        "the bucket's layout on disk"
    );

    let objects = objects_in(dir.path());
    assert_eq!(
        objects.get(&key).await.unwrap(),
        Some(object(&png, "image/png"))
    );
    assert_eq!(
        objects.get(&record).await.unwrap(),
        Some(object(b"{}", "application/json"))
    );
    assert_eq!(
        objects.get(&qr).await.unwrap(),
        Some(object(b"<svg/>", "image/svg+xml; charset=utf-8"))
    );
    assert_eq!(
        objects.get(&archive).await.unwrap(),
        Some(object(&[0x1f, 0x8b, 0], "application/gzip"))
    );
    let listed = objects
        .list(&ObjectPrefix::workspace(&ws("ws_a")), None, 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(objects.head(&key).await.unwrap().unwrap().len, 260);

    // Replaced, then deleted: each as written, after a reopen.
    objects
        .put(&key, b"GIF89a".to_vec(), "image/gif")
        .await
        .unwrap();
    objects.delete(&record).await.unwrap();
    objects.delete(&record).await.unwrap();
    drop(objects);
    let objects = objects_in(dir.path());
    assert_eq!(
        objects.get(&key).await.unwrap(),
        Some(object(b"GIF89a", "image/gif"))
    );
    assert_eq!(objects.get(&record).await.unwrap(), None);
    assert!(!dir.join(record.as_str()).exists());
    assert!(
        !dir.join(&format!("{}.content-type", record.as_str()))
            .exists()
    );
    objects.delete(&key).await.unwrap();
    drop(objects);
    assert_eq!(objects_in(dir.path()).get(&key).await.unwrap(), None);
}

#[tokio::test]
async fn keys_with_odd_characters_and_cases_keep_to_themselves() {
    let dir = TempDir::new("odd-keys");
    let logo = LogoId::generate();
    // Valid ids that differ only in case: one file each, even on a
    // case-insensitive file system.
    let workspaces = ["Ws-Upper_1", "ws-upper_1", "WS-UPPER_1", "-_-"];
    let archive = ObjectKey::event_archive(0, &[0; 32]);
    {
        let objects = objects_in(dir.path());
        for (i, workspace) in workspaces.iter().enumerate() {
            let key = logo_key(workspace, &logo);
            let body = format!("logo of {workspace}").into_bytes();
            objects
                .put(&key, body, &format!("image/x-{i}"))
                .await
                .unwrap();
        }
        objects
            .put(&archive, b"epoch".to_vec(), "application/gzip")
            .await
            .unwrap();
    }
    let objects = objects_in(dir.path());
    for (i, workspace) in workspaces.iter().enumerate() {
        assert_eq!(
            objects.get(&logo_key(workspace, &logo)).await.unwrap(),
            Some(object(
                format!("logo of {workspace}").as_bytes(),
                &format!("image/x-{i}")
            )),
            "{workspace}"
        );
        let listed = objects
            .list(&ObjectPrefix::logos(&ws(workspace)), None, 10)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "{workspace}: {listed:?}");
    }
    assert_eq!(
        archive.as_str(),
        format!("events/dt=1970-01-01/hour=00/{}.ndjson.gz", "00".repeat(32))
    );
    assert_eq!(
        objects.get(&archive).await.unwrap(),
        Some(object(b"epoch", "application/gzip"))
    );
}

#[tokio::test]
async fn a_presigned_upload_is_kept_too() {
    let dir = TempDir::new("upload");
    let key = logo_key("ws_a", &LogoId::generate());
    {
        let objects = objects_in(dir.path());
        let presigned = objects
            .presign_put(&key, "image/png", 3, Duration::from_secs(60), T0)
            .await
            .unwrap();
        let rest = presigned
            .url
            .strip_prefix("http://api.test/v1/uploads/")
            .unwrap();
        let (raw_key, query) = rest.split_once('?').unwrap();
        let query: HashMap<&str, &str> = query
            .split('&')
            .map(|pair| pair.split_once('=').unwrap())
            .collect();
        let upload = SignedUpload {
            key: raw_key.to_owned(),
            expires: query["expires"].to_owned(),
            signature: query["signature"].to_owned(),
            content_type: Some("image/png".into()),
            content_length: Some(3),
            body: b"abc".to_vec(),
        };
        let receiver = objects.upload_receiver().unwrap();
        receiver.receive(upload, T0).await.unwrap();
    }
    assert_eq!(
        objects_in(dir.path()).get(&key).await.unwrap(),
        Some(object(b"abc", "image/png"))
    );
}

#[tokio::test]
async fn other_files_in_the_objects_directory_are_left_alone() {
    let dir = TempDir::new("stray");
    let key = logo_key("ws_a", &LogoId::generate());
    objects_in(dir.path())
        .put(&key, b"abc".to_vec(), "image/png")
        .await
        .unwrap();
    // What a crash, a file manager or a person may leave there.
    let logos = dir.join(key.as_str());
    let logos = logos.parent().unwrap();
    std::fs::write(dir.join(".DS_Store"), b"x").unwrap();
    std::fs::write(logos.join("notes.txt"), b"no content type").unwrap();
    std::fs::write(logos.join("Capital"), b"not written by us").unwrap();
    std::fs::write(logos.join("Capital.content-type"), b"text/plain").unwrap();
    std::fs::write(logos.join("orphan.content-type"), b"image/png").unwrap();
    let temp = logos.join(".logo~1-2.tmp");
    std::fs::write(&temp, b"half").unwrap();

    let objects = objects_in(dir.path());
    let listed: Vec<String> = objects
        .list(&ObjectPrefix::workspace(&ws("ws_a")), None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key.to_string())
        .collect();
    assert_eq!(listed, [key.to_string()]);
    assert!(!temp.exists(), "an interrupted write is cleaned up");
    assert!(dir.join(".DS_Store").exists() && logos.join("notes.txt").exists());

    // An object whose content type is unreadable is an error naming it.
    let type_file = dir.join(&format!("{key}.content-type"));
    std::fs::write(&type_file, b"image/png\n\x00").unwrap();
    let Err(ObjectError::Unavailable(message)) =
        MemoryObjects::open(dir.path(), "http://api.test", SECRET.as_bytes().to_vec())
    else {
        panic!("opened");
    };
    assert!(
        message.contains(&type_file.display().to_string()),
        "{message}"
    );
}

// --- the runtime ---------------------------------------------------------

fn vars(data_dir: Option<&Path>) -> impl Fn(&str) -> Option<String> {
    let mut vars: BTreeMap<&str, String> = BTreeMap::from([
        ("SCANLY_EDGE_BASE_URL", "https://scn.test".to_owned()),
        // Nothing listens: publishing fails and the jobs wait in the outbox.
        ("SCANLY_EDGE_PUBLISH_URL", "http://127.0.0.1:9".to_owned()),
        ("SCANLY_SIGNING_SECRET", SECRET.to_owned()),
        ("SCANLY_JWT_SECRET", JWT_SECRET.to_owned()),
        ("SCANLY_API_BASE_URL", "http://api.test".to_owned()),
    ]);
    if let Some(dir) = data_dir {
        vars.insert("SCANLY_DATA_DIR", dir.display().to_string());
    }
    move |name| vars.get(name).cloned()
}

async fn call(
    router: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn scanly_data_dir_keeps_the_api_s_data_across_a_restart() {
    let dir = TempDir::new("runtime");
    let data = dir.join("data");
    let (link_id, refresh_token) = {
        let (state, persistence) = runtime::state_from_vars(vars(Some(&data))).unwrap();
        assert_eq!(persistence.data_dir(), Some(data.as_path()));
        assert!(persistence.store().is_some());
        let router = scanly_api::router(state.clone());
        let (status, signed_up) = call(
            &router,
            "POST",
            "/v1/auth/signup",
            None,
            Some(json!({"email": "rosa@shop.test", "password": "correct horse battery", "name": "Rosa"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{signed_up}");
        let token = signed_up["access_token"].as_str().unwrap();
        let (status, created) = call(
            &router,
            "POST",
            "/v1/links",
            Some(token),
            Some(json!({"code": "menu", "destination": "https://example.com/menu"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        state
            .objects
            .put(
                &logo_key("ws_a", &LogoId::generate()),
                b"abc".to_vec(),
                "image/png",
            )
            .await
            .unwrap();
        assert_eq!(persistence.save_now(), Ok(true));
        assert_eq!(persistence.save_now(), Ok(false));
        (
            created["id"].as_str().unwrap().to_owned(),
            signed_up["refresh_token"].as_str().unwrap().to_owned(),
        )
    };
    assert!(data.join(runtime::STORE_FILE).is_file());
    assert!(
        data.join(runtime::OBJECTS_DIR)
            .join("workspaces/ws_a/logos")
            .is_dir()
    );

    let (state, persistence) = runtime::state_from_vars(vars(Some(&data))).unwrap();
    let router = scanly_api::router(state.clone());
    let (status, refreshed) = call(
        &router,
        "POST",
        "/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": refresh_token})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let token = refreshed["access_token"].as_str().unwrap();
    let (status, link) = call(
        &router,
        "GET",
        &format!("/v1/links/{link_id}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    assert_eq!(link["code"], "menu");
    let (status, listed) = call(&router, "GET", "/v1/links", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    let due = state.store.due_jobs(i64::MAX, 10).await.unwrap();
    assert_eq!(due.len(), 1, "the unpublished link's job waits: {due:?}");
    let logos = state
        .objects
        .list(&ObjectPrefix::logos(&ws("ws_a")), None, 10)
        .await
        .unwrap();
    assert_eq!(logos.len(), 1);
    assert!(
        persistence.save_now().unwrap(),
        "the refresh rotated the session"
    );
}

#[tokio::test]
async fn without_scanly_data_dir_nothing_is_written() {
    let (state, persistence) = runtime::state_from_vars(vars(None)).unwrap();
    assert_eq!(persistence.data_dir(), None);
    assert!(persistence.store().is_none());
    state
        .store
        .create_account(&user("usr_a", "a@shop.test"), &workspace("ws_a", T0))
        .await
        .unwrap();
    assert_eq!(persistence.save_now(), Ok(false));
    assert_eq!(Persistence::default().save_now(), Ok(false));
}
