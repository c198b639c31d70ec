//! The pipeline in one process, as the local platform runs it: the ingest
//! router, the memory scan queue, the local event source and the rollup,
//! over the embedded store and object store. Helpers name what a test does:
//! `ship` scans as the edge would, `roll_up` until the queue is empty, read
//! `counted` scans back.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod workload;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use scanly_analytics::report::{self, Interval, LinkReport, ReportQuery};
use scanly_analytics::rollup::{Hour, LinkHour};
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::publish::{EdgePublisher, PublishError, Publishing, PutOutcome};
use scanly_api::store::memory::MemoryStore;
use scanly_api::store::{Stats, StatsKey, StatsScope, StoreError, StoredStats};
use scanly_ingest::queue::memory::{MemoryQueue, MemoryQueueOptions};
use scanly_ingest::queue::{DeadLetters, QueueError, Received, ScanQueue};
use scanly_ingest::{IngestState, router};
use scanly_rollup::source::{LocalEventSource, SourceSettings};
use scanly_rollup::{Rollup, Tally};
use scanly_shared::event::ScanEvent;
use scanly_shared::signing;
use scanly_shared::tz::Zone;
use scanly_shared::{Hostname, ShortCode};
use tower::ServiceExt;

use workload::{LinkRef, NOW_MS};

pub const SECRET: &[u8] = b"pipeline-tests-signing-secret-0123456789";
/// The edge ships at most this many events per request.
pub const EDGE_BATCH: usize = 100;

/// Records what would be published to the edge.
#[derive(Debug, Default)]
pub struct RecordingEdge {
    pub puts: Mutex<Vec<(String, Vec<u8>)>>,
}

#[async_trait]
impl EdgePublisher for RecordingEdge {
    async fn put(
        &self,
        host: &Hostname,
        code: &ShortCode,
        record: Vec<u8>,
    ) -> Result<PutOutcome, PublishError> {
        self.puts
            .lock()
            .unwrap()
            .push((format!("{host}/{code}"), record));
        Ok(PutOutcome::Written)
    }
    async fn delete(&self, _host: &Hostname, _code: &ShortCode) -> Result<(), PublishError> {
        Ok(())
    }
}

/// The stats port with a switch: after `fail_after` more writes, writes
/// fail (a crash mid-batch, an outage); counts the writes that landed.
#[derive(Debug)]
pub struct FlakyStats {
    inner: Arc<MemoryStore>,
    pub writes: AtomicU64,
    fail_after: Mutex<Option<u64>>,
}

impl FlakyStats {
    pub fn new(inner: Arc<MemoryStore>) -> Self {
        Self {
            inner,
            writes: AtomicU64::new(0),
            fail_after: Mutex::new(None),
        }
    }

    /// Writes fail after `n` more have landed; `None`: never.
    pub fn fail_after(&self, n: Option<u64>) {
        *self.fail_after.lock().unwrap() = n;
    }
}

#[async_trait]
impl Stats for FlakyStats {
    async fn stats(&self, keys: &[StatsKey]) -> Result<Vec<Option<StoredStats>>, StoreError> {
        self.inner.stats(keys).await
    }

    async fn put_stats(
        &self,
        key: &StatsKey,
        bytes: &[u8],
        expected_version: u64,
    ) -> Result<(), StoreError> {
        {
            let mut budget = self.fail_after.lock().unwrap();
            match budget.as_mut() {
                Some(0) => return Err(StoreError::Unavailable("injected failure".into())),
                Some(n) => *n -= 1,
                None => {}
            }
        }
        self.inner.put_stats(key, bytes, expected_version).await?;
        self.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    async fn stats_range(
        &self,
        workspace: &scanly_shared::ids::WorkspaceId,
        scope: &StatsScope,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<(i64, StoredStats)>, StoreError> {
        self.inner
            .stats_range(workspace, scope, from_hour, to_hour)
            .await
    }
}

/// How the scan queue misbehaves for ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    None,
    /// Every send refused.
    Down,
    /// Sends land, but the answer is lost: ingest sees a failure (and the
    /// edge retries what was in fact enqueued).
    AnswerLost,
}

/// The scan queue behind an outage switch.
#[derive(Debug)]
pub struct OutageQueue {
    inner: MemoryQueue,
    outage: Mutex<Outage>,
}

impl OutageQueue {
    pub fn set(&self, outage: Outage) {
        *self.outage.lock().unwrap() = outage;
    }
}

#[async_trait]
impl ScanQueue for OutageQueue {
    async fn send(&self, bodies: &[String]) -> Result<Vec<Result<(), QueueError>>, QueueError> {
        let outage = *self.outage.lock().unwrap();
        match outage {
            Outage::None => self.inner.send(bodies).await,
            Outage::Down => Err(QueueError::Unavailable("injected outage".into())),
            Outage::AnswerLost => {
                self.inner.send(bodies).await?;
                Err(QueueError::Unavailable("injected lost answer".into()))
            }
        }
    }

    async fn receive(
        &self,
        max: usize,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        self.inner.receive(max, visibility, wait).await
    }

    async fn delete(&self, receipts: &[String]) -> Result<(), QueueError> {
        self.inner.delete(receipts).await
    }
}

pub struct Pipeline {
    pub store: Arc<MemoryStore>,
    pub stats: Arc<FlakyStats>,
    pub archive: Arc<MemoryObjects>,
    pub queue: MemoryQueue,
    /// What ingest sends to: `queue`, behind an outage switch.
    pub ingest_queue: Arc<OutageQueue>,
    pub edge: Arc<RecordingEdge>,
    pub rollup: Arc<Rollup>,
    pub source: LocalEventSource,
    ingest: axum::Router,
}

impl Pipeline {
    pub fn new() -> Self {
        Self::with_queue_options(MemoryQueueOptions::default())
    }

    pub fn with_queue_options(options: MemoryQueueOptions) -> Self {
        let store = Arc::new(MemoryStore::new());
        let stats = Arc::new(FlakyStats::new(Arc::clone(&store)));
        let archive = Arc::new(MemoryObjects::new("http://127.0.0.1:0", SECRET.to_vec()));
        let queue = MemoryQueue::with_options(options);
        let edge = Arc::new(RecordingEdge::default());
        let publishing = Arc::new(Publishing::new(store.clone(), edge.clone()));
        let rollup = Arc::new(
            Rollup::new(store.clone(), archive.clone(), publishing)
                .with_stats(stats.clone())
                .with_clock(Arc::new(|| NOW_MS)),
        );
        let source = LocalEventSource::new(
            Arc::new(queue.clone()),
            Arc::clone(&rollup),
            SourceSettings {
                window: Duration::from_millis(100),
                visibility: Duration::from_millis(300),
                ..SourceSettings::default()
            },
        );
        let ingest_queue = Arc::new(OutageQueue {
            inner: queue.clone(),
            outage: Mutex::new(Outage::None),
        });
        let ingest = router(
            IngestState::new(vec![SECRET.to_vec()], ingest_queue.clone()).with_clock(|| NOW_MS),
        );
        Self {
            store,
            stats,
            archive,
            queue,
            ingest_queue,
            edge,
            rollup,
            source,
            ingest,
        }
    }

    /// One signed POST of `events` to ingest, as the edge's queue consumer
    /// sends it; the status.
    pub async fn post(&self, events: &[ScanEvent]) -> u16 {
        let body = serde_json::json!({ "events": events }).to_string();
        let timestamp = NOW_MS / 1000;
        let signature = signing::sign(
            SECRET,
            "POST",
            "/internal/scans",
            timestamp,
            body.as_bytes(),
        )
        .unwrap();
        let request = Request::post("/internal/scans")
            .header("content-type", "application/json")
            .header(signing::TIMESTAMP_HEADER, timestamp.to_string())
            .header(signing::SIGNATURE_HEADER, signature)
            .body(Body::from(body))
            .unwrap();
        let response = self.ingest.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let _ = response.into_body().collect().await;
        status
    }

    /// `events` in edge-sized batches, each retried until ingest takes it
    /// (the edge's queue retries with backoff).
    pub async fn ship(&self, events: &[ScanEvent]) {
        for batch in events.chunks(EDGE_BATCH) {
            let mut attempts = 0;
            while self.post(batch).await != 200 {
                attempts += 1;
                assert!(attempts < 100, "ingest never took the batch");
            }
        }
    }

    /// The event source until the queue stays empty.
    pub async fn roll_up(&self) -> Tally {
        self.source.run_until_idle().await.unwrap().0
    }

    pub async fn link_hours(&self, link: &LinkRef) -> Vec<(Hour, LinkHour)> {
        self.store
            .stats_range(
                &link.workspace,
                &StatsScope::Link(link.link.clone()),
                0,
                i64::from(u32::MAX),
            )
            .await
            .unwrap()
            .into_iter()
            .map(|(hour, stored)| (Hour(hour), LinkHour::from_bytes(&stored.bytes).unwrap()))
            .collect()
    }

    pub async fn counted(&self, link: &LinkRef) -> u64 {
        self.link_hours(link)
            .await
            .iter()
            .map(|(_, h)| h.scans())
            .sum()
    }

    /// The link's report over the workload's day, in UTC.
    pub async fn report(&self, link: &LinkRef) -> LinkReport {
        let query = ReportQuery {
            from_ms: NOW_MS - 24 * 3_600_000,
            to_ms: NOW_MS + 3_600_000,
            interval: Interval::Day,
            zone: Zone::parse("UTC").unwrap(),
        };
        report::link_report(&self.link_hours(link).await, &query)
    }

    pub async fn dead_letters(&self) -> usize {
        self.queue.dead_letter_count().await.unwrap()
    }

    pub async fn redrive(&self) -> usize {
        self.queue.redrive().await.unwrap()
    }
}
