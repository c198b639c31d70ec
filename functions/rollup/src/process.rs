//! One invocation of the rollup (docs/analytics.md, "Rollup"): decode the
//! messages, archive their events, count them into link-hour items, copy
//! the link totals into workspace-hour items, enforce scan limits. Every
//! step is idempotent, so a message reported as failed (and delivered
//! again) or a whole batch delivered twice changes nothing twice.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use scanly_analytics::rollup::{Applied, Hour, LinkHour, WorkspaceHour};
use scanly_analytics::wire;
use scanly_api::app::Clock;
use scanly_api::objects::ObjectStore;
use scanly_api::publish::Publishing;
use scanly_api::scan_limits::{self, LimitCheck};
use scanly_api::store::{Stats, StatsKey, StatsScope, Store, StoredStats};
use scanly_shared::event::ScanEvent;
use scanly_shared::ids::{LinkId, WorkspaceId};
use serde::Serialize;

use crate::archive;
use crate::stats::{self, StatsError};

/// Stats items written at once (DynamoDB serves each `PutItem` in a few
/// milliseconds; one batch can touch thousands of link-hours).
const CONCURRENT_WRITES: usize = 32;

/// One SQS message as the event source hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message_id: String,
    pub body: String,
}

/// What an invocation did, for logs, tests and benchmarks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub messages: u64,
    pub events: u64,
    /// Scans counted for the first time.
    pub counted: u64,
    /// Bots and link previews, kept apart (never scans).
    pub bots: u64,
    /// Events already counted (redeliveries, retries): nothing changed.
    pub duplicates: u64,
    /// DynamoDB writes of stats items (link-hours and workspace-hours).
    pub stats_writes: u64,
    /// Writes that lost a race with another rollup and were re-applied.
    pub conflicts: u64,
    pub archive_objects: u64,
    /// Links found at or over their scan limit.
    pub limits_reached: u64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.messages += other.messages;
        self.events += other.events;
        self.counted += other.counted;
        self.bots += other.bots;
        self.duplicates += other.duplicates;
        self.stats_writes += other.stats_writes;
        self.conflicts += other.conflicts;
        self.archive_objects += other.archive_objects;
        self.limits_reached += other.limits_reached;
    }
}

/// The messages to report as failed (they come back after the visibility
/// timeout, and reach the dead-letter queue after `maxReceiveCount`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub failed: BTreeSet<String>,
    pub tally: Tally,
}

/// Events of one link-hour, and the messages they came in. Owned, so the
/// concurrent writes below hold no borrow of the batch.
#[derive(Debug, Default)]
struct Bucket {
    events: Vec<ScanEvent>,
    messages: BTreeSet<usize>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    counted: u64,
    bots: u64,
    duplicates: u64,
}

pub struct Rollup {
    store: Arc<dyn Store>,
    /// The store's stats port, unless replaced (`with_stats`): benchmarks
    /// count its writes, tests make it fail.
    stats: Arc<dyn Stats>,
    archive: Arc<dyn ObjectStore>,
    publishing: Arc<Publishing>,
    clock: Clock,
}

impl std::fmt::Debug for Rollup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rollup").finish_non_exhaustive()
    }
}

impl Rollup {
    pub fn new(
        store: Arc<dyn Store>,
        archive: Arc<dyn ObjectStore>,
        publishing: Arc<Publishing>,
    ) -> Self {
        Self {
            stats: Arc::clone(&store) as Arc<dyn Stats>,
            store,
            archive,
            publishing,
            clock: Arc::new(|| chrono::Utc::now().timestamp_millis()),
        }
    }

    pub fn with_stats(self, stats: Arc<dyn Stats>) -> Self {
        Self { stats, ..self }
    }

    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    pub async fn process(&self, deliveries: &[Delivery]) -> Outcome {
        let mut run = Run {
            deliveries,
            outcome: Outcome::default(),
        };
        run.outcome.tally.messages = deliveries.len() as u64;
        let decoded = run.decode();
        run.outcome.tally.events = decoded.len() as u64;
        if decoded.is_empty() {
            return run.outcome;
        }
        let events: Vec<&ScanEvent> = decoded.iter().map(|(_, event)| event).collect();
        match archive::write(&*self.archive, &events).await {
            Ok(objects) => run.outcome.tally.archive_objects = objects as u64,
            Err(error) => {
                // Nothing is counted before its archive exists: retry all.
                tracing::error!(%error, "archiving failed; the batch will be retried");
                run.fail_all(decoded.iter().map(|(index, _)| *index));
                return run.outcome;
            }
        }
        let limited = limited_links(&decoded);
        let totals = self.count_link_hours(&mut run, decoded).await;
        let fresh = fresh_hours(&totals, &limited);
        self.copy_workspace_hours(&mut run, totals).await;
        self.enforce_limits(&mut run, limited, fresh).await;
        tracing::info!(tally = ?run.outcome.tally, failed = run.outcome.failed.len(), "rollup batch done");
        run.outcome
    }

    /// Step 3: each link-hour item read once, changed once, written once.
    async fn count_link_hours(
        &self,
        run: &mut Run<'_>,
        decoded: Vec<(usize, ScanEvent)>,
    ) -> WorkspaceTotals {
        let mut buckets: BTreeMap<StatsKey, Bucket> = BTreeMap::new();
        for (index, event) in decoded {
            let bucket = buckets.entry(link_hour_key(&event)).or_default();
            bucket.events.push(event);
            bucket.messages.insert(index);
        }
        let keys: Vec<StatsKey> = buckets.keys().cloned().collect();
        let loaded = match self.stats.stats(&keys).await {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::error!(%error, "reading link-hour stats failed");
                for bucket in buckets.values() {
                    run.fail_all(bucket.messages.iter().copied());
                }
                return WorkspaceTotals::new();
            }
        };
        let store = &*self.stats;
        let results: Vec<_> = stream::iter(buckets.into_iter().zip(loaded))
            .map(|((key, bucket), loaded)| async move {
                let result = count_into(store, &key, loaded, &bucket.events).await;
                (key, bucket, result)
            })
            .buffer_unordered(CONCURRENT_WRITES)
            .collect()
            .await;
        let mut totals = WorkspaceTotals::new();
        for (key, bucket, result) in results {
            match result {
                Ok(updated) => {
                    let tally = &mut run.outcome.tally;
                    tally.counted += updated.summary.counted;
                    tally.bots += updated.summary.bots;
                    tally.duplicates += updated.summary.duplicates;
                    tally.stats_writes += u64::from(updated.written);
                    tally.conflicts += u64::from(updated.conflicts);
                    if updated.document.unremembered() > 0 && updated.summary.counted > 0 {
                        tracing::warn!(key = ?key, unremembered = updated.document.unremembered(),
                            "a link-hour outgrew its remembered event ids: its later events are counted without dedupe");
                    }
                    if let StatsScope::Link(link) = &key.scope {
                        totals
                            .entry((key.workspace.clone(), key.hour))
                            .or_default()
                            .push((link.clone(), updated.document.scans(), bucket.messages));
                    }
                }
                Err(error) => {
                    tracing::error!(%error, key = ?key, "counting into a link-hour failed; its messages will be retried");
                    run.fail_all(bucket.messages.into_iter());
                }
            }
        }
        totals
    }

    /// Step 4: copy each link's hour total into its workspace-hour item.
    async fn copy_workspace_hours(&self, run: &mut Run<'_>, totals: WorkspaceTotals) {
        let keys: Vec<StatsKey> = totals
            .keys()
            .map(|(workspace, hour)| StatsKey {
                workspace: workspace.clone(),
                scope: StatsScope::Workspace,
                hour: *hour,
            })
            .collect();
        if keys.is_empty() {
            return;
        }
        let loaded = match self.stats.stats(&keys).await {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::error!(%error, "reading workspace-hour stats failed");
                for links in totals.values() {
                    for (_, _, messages) in links {
                        run.fail_all(messages.iter().copied());
                    }
                }
                return;
            }
        };
        let store = &*self.stats;
        let results: Vec<_> = stream::iter(keys.into_iter().zip(totals.into_values()).zip(loaded))
            .map(|((key, links), loaded)| async move {
                let result = stats::update::<WorkspaceHour, ()>(store, &key, loaded, |item| {
                    let mut changed = false;
                    for (link, scans, _) in &links {
                        changed |= item.set_link(link, *scans);
                    }
                    (changed, ())
                })
                .await;
                (key, links, result)
            })
            .buffer_unordered(CONCURRENT_WRITES)
            .collect()
            .await;
        for (key, links, result) in results {
            match result {
                Ok(updated) => {
                    run.outcome.tally.stats_writes += u64::from(updated.written);
                    run.outcome.tally.conflicts += u64::from(updated.conflicts);
                }
                Err(error) => {
                    tracing::error!(%error, key = ?key, "copying into a workspace-hour failed; its messages will be retried");
                    for (_, _, messages) in links {
                        run.fail_all(messages.into_iter());
                    }
                }
            }
        }
    }

    /// Step 5: links whose events carry a scan limit are checked against
    /// their counted scans (the link's current limit decides).
    async fn enforce_limits(
        &self,
        run: &mut Run<'_>,
        limited: LimitedLinks,
        fresh: BTreeMap<(WorkspaceId, LinkId), Vec<(i64, u64)>>,
    ) {
        let now_ms = (self.clock)();
        for ((workspace, link), messages) in limited {
            let just_written = fresh
                .get(&(workspace.clone(), link.clone()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            match scan_limits::enforce(
                &self.store,
                &*self.stats,
                &self.publishing,
                (&workspace, &link),
                just_written,
                now_ms,
            )
            .await
            {
                Ok(LimitCheck::Reached {
                    newly: true,
                    counted,
                    max,
                }) => {
                    run.outcome.tally.limits_reached += 1;
                    tracing::info!(%link, counted, max, "scan limit reached; the link is re-published as expired");
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, %link, "checking the scan limit failed; its messages will be retried");
                    run.fail_all(messages.into_iter());
                }
            }
        }
    }
}

/// Per workspace-hour: each link's hour total and the messages behind it.
type WorkspaceTotals = BTreeMap<(WorkspaceId, i64), Vec<(LinkId, u64, BTreeSet<usize>)>>;

/// Links whose scans carried a limit, and the messages they came in.
type LimitedLinks = BTreeMap<(WorkspaceId, LinkId), BTreeSet<usize>>;

/// The hour totals just written for the limited links: the scan-limit
/// check reads stats with an eventually consistent query, which may not
/// show them yet.
fn fresh_hours(
    totals: &WorkspaceTotals,
    limited: &LimitedLinks,
) -> BTreeMap<(WorkspaceId, LinkId), Vec<(i64, u64)>> {
    let mut fresh: BTreeMap<(WorkspaceId, LinkId), Vec<(i64, u64)>> = BTreeMap::new();
    for ((workspace, hour), links) in totals {
        for (link, scans, _) in links {
            let key = (workspace.clone(), link.clone());
            if limited.contains_key(&key) {
                fresh.entry(key).or_default().push((*hour, *scans));
            }
        }
    }
    fresh
}

fn limited_links(decoded: &[(usize, ScanEvent)]) -> LimitedLinks {
    let mut limited = LimitedLinks::new();
    for (index, event) in decoded {
        if event.max_scans.is_some() && !event.bot {
            limited
                .entry((event.workspace_id.clone(), event.link_id.clone()))
                .or_default()
                .insert(*index);
        }
    }
    limited
}

fn link_hour_key(event: &ScanEvent) -> StatsKey {
    StatsKey {
        workspace: event.workspace_id.clone(),
        scope: StatsScope::Link(event.link_id.clone()),
        hour: Hour::of_ms(event.timestamp_ms).0,
    }
}

async fn count_into(
    store: &dyn Stats,
    key: &StatsKey,
    loaded: Option<StoredStats>,
    events: &[ScanEvent],
) -> Result<stats::Updated<LinkHour, Counts>, StatsError> {
    stats::update::<LinkHour, Counts>(store, key, loaded, |item| {
        let mut counts = Counts::default();
        for event in events {
            match item.apply(event) {
                Applied::Counted => counts.counted += 1,
                Applied::Bot => counts.bots += 1,
                Applied::Duplicate => counts.duplicates += 1,
            }
        }
        (counts.counted + counts.bots > 0, counts)
    })
    .await
}

/// The invocation's state: which messages failed.
struct Run<'d> {
    deliveries: &'d [Delivery],
    outcome: Outcome,
}

impl Run<'_> {
    /// Step 1. A message that does not decode can never succeed: it fails
    /// alone and reaches the dead-letter queue.
    fn decode(&mut self) -> Vec<(usize, ScanEvent)> {
        let mut decoded = Vec::new();
        for (index, delivery) in self.deliveries.iter().enumerate() {
            match wire::decode(&delivery.body) {
                Ok(events) => decoded.extend(events.into_iter().map(|event| (index, event))),
                Err(error) => {
                    tracing::error!(message_id = %delivery.message_id, %error,
                        "a message that cannot be decoded; it will reach the dead-letter queue");
                    self.outcome.failed.insert(delivery.message_id.clone());
                }
            }
        }
        decoded
    }

    fn fail_all(&mut self, indices: impl Iterator<Item = usize>) {
        for index in indices {
            if let Some(delivery) = self.deliveries.get(index) {
                self.outcome.failed.insert(delivery.message_id.clone());
            }
        }
    }
}
