//! The rollup benchmark (`make bench-rollup`, i.e. `tests/bench/rollup.sh`;
//! BENCHMARKS.md, "Analytics rollup"). On the 100,000-scan / 1,000-link
//! Zipf workload of `tests/pipeline.rs` (`workload::zipf(1000, 10, 100000,
//! 42)`), it measures
//!
//! 1. the throughput of `Rollup::process` over the memory store, in one
//!    process, on a multi-thread tokio runtime with 2 worker threads, over
//!    invocations shaped as the SQS event source delivers them;
//! 2. stats writes per scan, and the DynamoDB write units they would cost
//!    if each were billed by item size, as a function of the invocation
//!    size (events per `process` call);
//! 3. the same through the real adapter (`DynamoStore`) against DynamoDB
//!    Local, which must do the same writes and end with the same items.
//!
//! It also splits the template-sized invocations' time into decoding,
//! archiving and counting (each timed alone on the same events), and runs
//! the whole in-process pipeline of `tests/support` (`Pipeline`: ingest →
//! memory queue → local event source → rollup) once, to check that the
//! invocations cut here are the ones the event source gathers.
//!
//! Nothing timed encodes messages: the events are cut into 100-event edge
//! batches and packed by `wire::encode` as ingest does, beforehand. An
//! invocation is cut from those messages as `source::LocalEventSource`
//! gathers one (receives of up to 10 messages while fewer than `BatchSize`
//! and while one more full-size message would still fit the 6 MB payload).
//! The raw archive is the memory object store in every run (S3 is not under
//! test; its gzip + JSON work is timed, its upload is not).
//!
//! ```text
//! cargo run -p scanly-rollup --release --example rollup_bench -- \
//!     [--runs N] [--dynamodb auto|off|http://host:port] [--dynamodb-rows all|template]
//! ```
//!
//! `--dynamodb auto` (the default) uses `AWS_ENDPOINT_URL_DYNAMODB` if it is
//! set, otherwise starts `scripts/dynamodb-local.sh` (as the store contract
//! test does) and stops it at the end; if that fails, it says why and the
//! memory figures are still printed. Output: Markdown on stdout, progress
//! on stderr.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use flate2::Compression;
use flate2::write::GzEncoder;
use scanly_analytics::rollup::{Applied, Hour, LinkHour, WorkspaceHour};
use scanly_analytics::sqs_batch::MAX_MESSAGE_BYTES;
use scanly_analytics::wire;
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::publish::Publishing;
use scanly_api::store::dynamo::{DynamoStore, keys};
use scanly_api::store::memory::MemoryStore;
use scanly_api::store::{Stats, StatsKey, StatsScope, Store, StoreError, StoredStats};
use scanly_rollup::source::LAMBDA_PAYLOAD_BYTES;
use scanly_rollup::{Delivery, Rollup, Tally, archive, stats};
use scanly_shared::event::ScanEvent;
use scanly_shared::ids::{LinkId, WorkspaceId};
use sha2::{Digest, Sha256};
use support::RecordingEdge;
use support::workload::{NOW_MS, Truth, zipf};

const LINKS: usize = 1_000;
const WORKSPACES: usize = 10;
const SCANS: usize = 100_000;
const SEED: u64 = 42;
/// The edge ships at most this many events per ingest request.
const EDGE_BATCH: usize = support::EDGE_BATCH;
/// SQS hands out at most 10 messages per receive.
const RECEIVE_MAX: usize = 10;
/// DynamoDB bills a write per started KB of the item, a strongly
/// consistent read per started 4 KB.
const WRITE_UNIT: u64 = 1024;
const READ_UNIT: u64 = 4096;

// --- the messages, encoded beforehand ----------------------------------------

/// The workload's events as SQS messages, in one order.
struct Messages {
    deliveries: Vec<Delivery>,
    /// Body bytes of each message.
    bytes: Vec<usize>,
    /// What each body would be as plain JSON lines (no gzip, no base64).
    plain_bytes: Vec<usize>,
    /// Events in each message.
    counts: Vec<usize>,
    events: usize,
    json_bytes: usize,
}

/// Ingest's work for each edge batch: re-serialise, `wire::encode`.
fn encode(events: &[ScanEvent]) -> Messages {
    let mut messages = Messages {
        deliveries: Vec::new(),
        bytes: Vec::new(),
        plain_bytes: Vec::new(),
        counts: Vec::new(),
        events: events.len(),
        json_bytes: 0,
    };
    for batch in events.chunks(EDGE_BATCH) {
        let json: Vec<String> = batch
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        let texts: Vec<&str> = json.iter().map(String::as_str).collect();
        let packing = wire::encode(&texts);
        assert!(packing.oversized.is_empty());
        for message in packing.messages() {
            let plain: usize = texts[message.events.clone()]
                .iter()
                .map(|t| t.len() + 1)
                .sum();
            messages.deliveries.push(Delivery {
                message_id: format!("msg-{:06}", messages.deliveries.len()),
                body: message.body.clone(),
            });
            messages.bytes.push(message.body.len());
            // The same lines without gzip and base64, in a similar envelope.
            messages.plain_bytes.push(plain + 64);
            messages.counts.push(message.events.len());
            messages.json_bytes += plain - message.events.len();
        }
    }
    messages
}

// --- invocations as the event source gathers them ---------------------------

#[derive(Debug, Clone, Copy)]
enum Bodies {
    Gzip,
    /// What would fit if the bodies were plain JSON (the counterfactual).
    Plain,
}

#[derive(Debug, Clone)]
struct Policy {
    label: &'static str,
    batch_size: usize,
    bodies: Bodies,
}

fn policies() -> Vec<Policy> {
    let policy = |label, batch_size, bodies| Policy {
        label,
        batch_size,
        bodies,
    };
    vec![
        policy(
            "BatchSize 2 (a 10 s window at this workload's 18.5 scans/s)",
            2,
            Bodies::Gzip,
        ),
        policy("SQS defaults: BatchSize 10, no window", 10, Bodies::Gzip),
        policy(
            "BatchSize 60 (the longest window, 300 s, at 18.5 scans/s)",
            60,
            Bodies::Gzip,
        ),
        policy("BatchSize 100", 100, Bodies::Gzip),
        policy(
            "BatchSize 10,000, plain JSON bodies (6 MB)",
            10_000,
            Bodies::Plain,
        ),
        policy("BatchSize 500", 500, Bodies::Gzip),
        policy(
            "**template**: BatchSize 10,000 + 10 s window, gzip+base64 (6 MB)",
            10_000,
            Bodies::Gzip,
        ),
    ]
}

/// The invocations (ranges of messages) `LocalEventSource::poll_once`
/// would gather from a backlog of messages of `sizes` bytes.
fn invocations(sizes: &[usize], batch_size: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < sizes.len() {
        let mut end = start;
        let mut bytes = 0;
        while end < sizes.len()
            && end - start < batch_size
            && bytes + MAX_MESSAGE_BYTES <= LAMBDA_PAYLOAD_BYTES
        {
            let take = RECEIVE_MAX
                .min(batch_size - (end - start))
                .min(sizes.len() - end);
            bytes += sizes[end..end + take].iter().sum::<usize>();
            end += take;
        }
        out.push(start..end);
        start = end;
    }
    out
}

fn cut(messages: &Messages, policy: &Policy) -> Vec<Range<usize>> {
    let sizes = match policy.bodies {
        Bodies::Gzip => &messages.bytes,
        Bodies::Plain => &messages.plain_bytes,
    };
    invocations(sizes, policy.batch_size)
}

// --- the stats port, metered ---------------------------------------------------

/// Counts what the rollup asks of the stats port, and what DynamoDB would
/// bill for it if each request were billed by item size.
#[derive(Debug, Default)]
struct Meter {
    writes: AtomicU64,
    doc_bytes: AtomicU64,
    write_units: AtomicU64,
    largest_item: AtomicU64,
    conflicts: AtomicU64,
    keys_read: AtomicU64,
    read_units: AtomicU64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Metered {
    writes: u64,
    doc_bytes: u64,
    write_units: u64,
    largest_item: u64,
    conflicts: u64,
    keys_read: u64,
    read_units: u64,
}

impl Meter {
    fn snapshot(&self) -> Metered {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Metered {
            writes: get(&self.writes),
            doc_bytes: get(&self.doc_bytes),
            write_units: get(&self.write_units),
            largest_item: get(&self.largest_item),
            conflicts: get(&self.conflicts),
            keys_read: get(&self.keys_read),
            read_units: get(&self.read_units),
        }
    }
}

/// The size DynamoDB bills for a stats item as `DynamoStore` writes it:
/// attribute names plus values (`pk`, `sk`, `entity`, `doc`, `version`).
fn item_bytes(key: &StatsKey, doc: usize, version: u64) -> u64 {
    let item = keys::stats(key);
    let digits = version.to_string().trim_end_matches('0').len().max(1);
    let number = digits.div_ceil(2) + 1;
    let bytes = 2 + item.pk.len() + 2 + item.sk.len() + 6 + 5 + 3 + doc + 7 + number;
    bytes as u64
}

struct MeteredStats {
    inner: Arc<dyn Stats>,
    meter: Meter,
}

#[async_trait]
impl Stats for MeteredStats {
    async fn stats(&self, keys: &[StatsKey]) -> Result<Vec<Option<StoredStats>>, StoreError> {
        let found = self.inner.stats(keys).await?;
        let mut units = 0;
        for (key, stored) in keys.iter().zip(&found) {
            units += match stored {
                Some(stored) => item_bytes(key, stored.bytes.len(), stored.version)
                    .div_ceil(READ_UNIT)
                    .max(1),
                None => 1,
            };
        }
        self.meter
            .keys_read
            .fetch_add(keys.len() as u64, Ordering::Relaxed);
        self.meter.read_units.fetch_add(units, Ordering::Relaxed);
        Ok(found)
    }

    async fn put_stats(
        &self,
        key: &StatsKey,
        bytes: &[u8],
        expected_version: u64,
    ) -> Result<(), StoreError> {
        match self.inner.put_stats(key, bytes, expected_version).await {
            Ok(()) => {
                let item = item_bytes(key, bytes.len(), expected_version + 1);
                let m = &self.meter;
                m.writes.fetch_add(1, Ordering::Relaxed);
                m.doc_bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                m.write_units
                    .fetch_add(item.div_ceil(WRITE_UNIT), Ordering::Relaxed);
                m.largest_item.fetch_max(item, Ordering::Relaxed);
                Ok(())
            }
            Err(error) => {
                if matches!(error, StoreError::VersionConflict { .. }) {
                    self.meter.conflicts.fetch_add(1, Ordering::Relaxed);
                }
                Err(error)
            }
        }
    }

    async fn stats_range(
        &self,
        workspace: &WorkspaceId,
        scope: &StatsScope,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<(i64, StoredStats)>, StoreError> {
        self.inner
            .stats_range(workspace, scope, from_hour, to_hour)
            .await
    }
}

// --- one run ---------------------------------------------------------------------

struct Rig {
    stats: Arc<MeteredStats>,
    rollup: Rollup,
}

fn rig(store: Arc<dyn Store>) -> Rig {
    let stats = Arc::new(MeteredStats {
        inner: Arc::clone(&store) as Arc<dyn Stats>,
        meter: Meter::default(),
    });
    let archive = Arc::new(MemoryObjects::new(
        "http://127.0.0.1:0",
        b"rollup-bench".to_vec(),
    ));
    let publishing = Arc::new(Publishing::new(
        Arc::clone(&store),
        Arc::new(RecordingEdge::default()),
    ));
    let rollup = Rollup::new(Arc::clone(&store), archive, publishing)
        .with_stats(stats.clone())
        .with_clock(Arc::new(|| NOW_MS));
    Rig { stats, rollup }
}

#[derive(Debug, Clone)]
struct Run {
    tally: Tally,
    metered: Metered,
    /// Time spent in `process`, summed over the invocations.
    elapsed: Duration,
    invocations: usize,
}

impl Run {
    fn events_per_second(&self) -> f64 {
        self.tally.events as f64 / self.elapsed.as_secs_f64()
    }
}

/// Every invocation of `ranges` in turn, each timed; checks the counts.
async fn run(rig: &Rig, messages: &Messages, ranges: &[Range<usize>], truth: &Truth) -> Run {
    let mut tally = Tally::default();
    let mut elapsed = Duration::ZERO;
    for range in ranges {
        let deliveries = &messages.deliveries[range.clone()];
        let started = Instant::now();
        let outcome = rig.rollup.process(deliveries).await;
        elapsed += started.elapsed();
        assert!(outcome.failed.is_empty(), "failed: {:?}", outcome.failed);
        tally.add(&outcome.tally);
    }
    let metered = rig.stats.meter.snapshot();
    assert_eq!(tally.events, messages.events as u64);
    assert_eq!(tally.counted, truth.total_scans(), "every scan counted");
    assert_eq!(tally.duplicates, 0);
    assert_eq!(tally.stats_writes, metered.writes, "the tally's writes");
    Run {
        tally,
        metered,
        elapsed,
        invocations: ranges.len(),
    }
}

/// Where the time of one run goes, timed alone on the same invocations:
/// decoding the bodies, building the archive objects as `archive::objects`
/// does, and (a what-if, not the shipped code) the same objects with a
/// buffer between `serde_json` and the gzip encoder.
#[derive(Debug, Clone, Copy, Default)]
struct Phases {
    decode: Duration,
    archive: Duration,
    archive_buffered: Duration,
    /// Steps 3 and 4 alone (`count_alone`), on a fresh memory store.
    count: Duration,
    /// Whether the buffered objects are byte for byte the shipped ones.
    same_bytes: bool,
}

async fn phases(messages: &Messages, ranges: &[Range<usize>]) -> Phases {
    let mut phases = Phases {
        same_bytes: true,
        ..Phases::default()
    };
    let store = MemoryStore::new();
    for range in ranges {
        let started = Instant::now();
        let events: Vec<ScanEvent> = messages.deliveries[range.clone()]
            .iter()
            .flat_map(|d| wire::decode(&d.body).unwrap())
            .collect();
        phases.decode += started.elapsed();
        let refs: Vec<&ScanEvent> = events.iter().collect();
        let started = Instant::now();
        let shipped = black_box(archive::objects(&refs).unwrap());
        phases.archive += started.elapsed();
        let started = Instant::now();
        let buffered = black_box(archive_buffered(&refs));
        phases.archive_buffered += started.elapsed();
        phases.same_bytes &= shipped.len() == buffered.len()
            && shipped.iter().zip(&buffered).all(|(a, b)| a.body == *b);
        let started = Instant::now();
        count_alone(&store, &events).await;
        phases.count += started.elapsed();
    }
    phases
}

/// Steps 3 and 4 of `process` without its bookkeeping (which messages
/// touched which item): group the events by link-hour, read those items,
/// apply and write each, then copy the link totals into the
/// workspace-hours — to split `process`' time, not to replace it.
async fn count_alone(store: &dyn Stats, events: &[ScanEvent]) {
    let mut buckets: BTreeMap<StatsKey, Vec<&ScanEvent>> = BTreeMap::new();
    for event in events {
        let key = StatsKey {
            workspace: event.workspace_id.clone(),
            scope: StatsScope::Link(event.link_id.clone()),
            hour: Hour::of_ms(event.timestamp_ms).0,
        };
        buckets.entry(key).or_default().push(event);
    }
    let keys: Vec<StatsKey> = buckets.keys().cloned().collect();
    let loaded = store.stats(&keys).await.unwrap();
    let mut totals: BTreeMap<StatsKey, Vec<(LinkId, u64)>> = BTreeMap::new();
    for ((key, events), loaded) in buckets.into_iter().zip(loaded) {
        let updated = stats::update::<LinkHour, ()>(store, &key, loaded, |item| {
            let mut changed = false;
            for event in &events {
                changed |= item.apply(event) != Applied::Duplicate;
            }
            (changed, ())
        })
        .await
        .unwrap();
        if let StatsScope::Link(link) = &key.scope {
            let workspace_hour = StatsKey {
                workspace: key.workspace.clone(),
                scope: StatsScope::Workspace,
                hour: key.hour,
            };
            totals
                .entry(workspace_hour)
                .or_default()
                .push((link.clone(), updated.document.scans()));
        }
    }
    let keys: Vec<StatsKey> = totals.keys().cloned().collect();
    let loaded = store.stats(&keys).await.unwrap();
    for ((key, links), loaded) in totals.into_iter().zip(loaded) {
        stats::update::<WorkspaceHour, ()>(store, &key, loaded, |item| {
            let mut changed = false;
            for (link, scans) in &links {
                changed |= item.set_link(link, *scans);
            }
            (changed, ())
        })
        .await
        .unwrap();
    }
}

/// `archive::objects`' bodies, with a 64 KiB `BufWriter` in front of the
/// gzip encoder (serde_json writes each token separately).
fn archive_buffered(events: &[&ScanEvent]) -> Vec<Vec<u8>> {
    let mut by_hour: BTreeMap<i64, Vec<&ScanEvent>> = BTreeMap::new();
    for event in events {
        by_hour
            .entry(Hour::of_ms(event.timestamp_ms).0)
            .or_default()
            .push(event);
    }
    by_hour
        .into_values()
        .map(|mut events| {
            events.sort_by_key(|event| event.id);
            events.dedup_by_key(|event| event.id);
            let mut ids = Sha256::new();
            let gzip = GzEncoder::new(Vec::new(), Compression::default());
            let mut out = BufWriter::with_capacity(64 * 1024, gzip);
            for event in &events {
                ids.update(event.id.as_uuid().as_bytes());
                serde_json::to_writer(&mut out, event).unwrap();
                out.write_all(b"\n").unwrap();
            }
            black_box(ids.finalize());
            out.into_inner().unwrap().finish().unwrap()
        })
        .collect()
}

/// Every stats key the workload touches.
fn all_keys(events: &[ScanEvent]) -> Vec<StatsKey> {
    let mut keys = BTreeSet::new();
    for event in events {
        let hour = Hour::of_ms(event.timestamp_ms).0;
        keys.insert(StatsKey {
            workspace: event.workspace_id.clone(),
            scope: StatsScope::Link(event.link_id.clone()),
            hour,
        });
        keys.insert(StatsKey {
            workspace: event.workspace_id.clone(),
            scope: StatsScope::Workspace,
            hour,
        });
    }
    keys.into_iter().collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

// --- DynamoDB Local ------------------------------------------------------------------

/// A DynamoDB endpoint, and the launcher to stop when done (its stdin is
/// held open; closing it stops the server, as in the store contract test).
struct Local {
    endpoint: String,
    launcher: Option<Child>,
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(mut child) = self.launcher.take() {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dynamodb_local(mode: &str) -> Result<Local, String> {
    if mode.starts_with("http://") || mode.starts_with("https://") {
        return Ok(Local {
            endpoint: mode.to_owned(),
            launcher: None,
        });
    }
    if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
        return Ok(Local {
            endpoint,
            launcher: None,
        });
    }
    let mut child = Command::new("bash")
        .arg(repo_root().join("scripts/dynamodb-local.sh"))
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("spawning scripts/dynamodb-local.sh: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    let _ = BufReader::new(stdout).read_line(&mut line);
    let endpoint = line.trim().to_owned();
    if !endpoint.starts_with("http://") {
        drop(child.stdin.take());
        let _ = child.wait();
        return Err(
            "scripts/dynamodb-local.sh printed no endpoint (its messages are on stderr; \
             `bash scripts/aws-tools.sh` installs Java's DynamoDB Local)"
                .to_owned(),
        );
    }
    Ok(Local {
        endpoint,
        launcher: Some(child),
    })
}

fn dynamodb_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
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
            "rollup-bench",
        ))
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

// --- output --------------------------------------------------------------------------

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn rate(events_per_second: f64) -> String {
    thousands(events_per_second.round() as u64)
}

/// Events per full invocation (the first), and the last when it differs.
fn per_invocation(counts: &[u64]) -> String {
    match (counts.first(), counts.last()) {
        (Some(first), Some(last)) if counts.len() > 1 && first != last => {
            format!("{} (last {})", thousands(*first), thousands(*last))
        }
        (Some(first), _) => thousands(*first),
        _ => "0".to_owned(),
    }
}

struct Args {
    runs: usize,
    dynamodb: String,
    /// Only the template's row against DynamoDB Local (`--dynamodb-rows template`).
    dynamodb_template_only: bool,
}

fn args() -> Args {
    let mut args = Args {
        runs: 5,
        dynamodb: "auto".to_owned(),
        dynamodb_template_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => args.runs = it.next().and_then(|n| n.parse().ok()).unwrap_or(5).max(1),
            "--dynamodb" => args.dynamodb = it.next().unwrap_or_else(|| "auto".to_owned()),
            "--dynamodb-rows" => {
                args.dynamodb_template_only = it.next().as_deref() == Some("template");
            }
            other => panic!("unknown argument {other} (see the header of rollup_bench.rs)"),
        }
    }
    args
}

struct Row {
    policy: Policy,
    ranges: Vec<Range<usize>>,
    events: Vec<u64>,
    messages: Vec<u64>,
    runs: Vec<Run>,
    time_ordered: Run,
    /// The store of the last measured run (to compare DynamoDB's with).
    store: Arc<dyn Store>,
}

fn main() {
    let args = args();
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    eprintln!("rollup bench: generating {SCANS} scans over {LINKS} links (Zipf, seed {SEED})");
    let (events, truth) = zipf(LINKS, WORKSPACES, SCANS, SEED);
    let messages = encode(&events);
    let mut in_time_order = events.clone();
    in_time_order.sort_by_key(|e| e.timestamp_ms);
    let ordered = encode(&in_time_order);
    let keys = all_keys(&events);
    let link_hours = keys
        .iter()
        .filter(|k| matches!(k.scope, StatsScope::Link(_)))
        .count();
    let body_bytes: usize = messages.bytes.iter().sum();

    // 1 + 2: the memory store.
    let mut rows = Vec::new();
    for policy in policies() {
        let ranges = cut(&messages, &policy);
        let counts: Vec<u64> = ranges
            .iter()
            .map(|r| messages.counts[r.clone()].iter().sum::<usize>() as u64)
            .collect();
        let sizes: Vec<u64> = ranges.iter().map(|r| r.len() as u64).collect();
        eprintln!(
            "rollup bench: [{:.0} s] memory, {} ({} invocations), 1 warm-up + {} runs",
            started.elapsed().as_secs_f64(),
            policy.label,
            ranges.len(),
            args.runs
        );
        let mut runs = Vec::new();
        let mut last_store = None;
        for i in 0..=args.runs {
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            let rig = rig(Arc::clone(&store));
            let result = runtime.block_on(run(&rig, &messages, &ranges, &truth));
            if i > 0 {
                runs.push(result);
            }
            last_store = Some(store);
        }
        let store = last_store.unwrap();
        let ordered_ranges = cut(&ordered, &policy);
        let time_ordered = runtime.block_on(run(
            &rig(Arc::new(MemoryStore::new())),
            &ordered,
            &ordered_ranges,
            &truth,
        ));
        rows.push(Row {
            policy,
            ranges,
            events: counts,
            messages: sizes,
            runs,
            time_ordered,
            store,
        });
    }
    let template = rows.last().unwrap();
    eprintln!(
        "rollup bench: phases of the template-sized invocations, {} times",
        args.runs
    );
    let timed: Vec<Phases> = (0..args.runs)
        .map(|_| runtime.block_on(phases(&messages, &template.ranges)))
        .collect();
    let phase =
        |f: fn(&Phases) -> Duration| median(timed.iter().map(|p| f(p).as_secs_f64()).collect());
    let decode = phase(|p| p.decode);
    let archive_time = phase(|p| p.archive);
    let archive_buffered_time = phase(|p| p.archive_buffered);
    let count_time = phase(|p| p.count);
    let same_bytes = timed.iter().all(|p| p.same_bytes);

    // 3: DynamoDB Local.
    let mut dynamodb_note = String::new();
    let mut dynamodb_rows = Vec::new();
    if args.dynamodb == "off" {
        dynamodb_note = "DynamoDB Local: skipped (--dynamodb off).".to_owned();
    } else {
        eprintln!("rollup bench: starting DynamoDB Local");
        match dynamodb_local(&args.dynamodb) {
            Err(why) => {
                dynamodb_note = format!(
                    "**DynamoDB Local could not be started**, so there is no DynamoDB table: {why}"
                );
                eprintln!("rollup bench: {dynamodb_note}");
            }
            Ok(local) => {
                let client = dynamodb_client(&local.endpoint);
                for (n, row) in rows
                    .iter()
                    .enumerate()
                    .filter(|(n, _)| !args.dynamodb_template_only || *n + 1 == rows.len())
                {
                    eprintln!(
                        "rollup bench: DynamoDB Local ({}), {}",
                        local.endpoint, row.policy.label
                    );
                    let table = format!("rollup_bench_{}_{n}", std::process::id());
                    let result = runtime.block_on(async {
                        DynamoStore::create_table(&client, &table)
                            .await
                            .map_err(|e| format!("creating table {table}: {e}"))?;
                        let store: Arc<dyn Store> =
                            Arc::new(DynamoStore::new(client.clone(), table.clone()));
                        let rig = rig(Arc::clone(&store));
                        let result = run(&rig, &messages, &row.ranges, &truth).await;
                        let theirs = store.stats(&keys).await.map_err(|e| e.to_string())?;
                        let ours = row.store.stats(&keys).await.map_err(|e| e.to_string())?;
                        let _ = client.delete_table().table_name(&table).send().await;
                        Ok::<_, String>((result, theirs == ours))
                    });
                    match result {
                        Ok((result, identical)) => dynamodb_rows.push((row, result, identical)),
                        Err(why) => {
                            dynamodb_note = format!("DynamoDB Local failed: {why}");
                            eprintln!("rollup bench: {dynamodb_note}");
                            break;
                        }
                    }
                }
                drop(local);
            }
        }
    }

    // The whole pipeline, as tests/pipeline.rs runs it: a cross-check.
    eprintln!(
        "rollup bench: the whole in-process pipeline (ingest → queue → event source → rollup)"
    );
    let (pipeline_tally, pipeline_invocations, pipeline_writes) = runtime.block_on(async {
        let pipeline = support::Pipeline::new();
        pipeline.ship(&events).await;
        let (tally, invocations) = pipeline.source.run_until_idle().await.unwrap();
        let writes = pipeline.stats.writes.load(Ordering::Relaxed);
        (tally, invocations, writes)
    });
    assert_eq!(pipeline_tally.counted, truth.total_scans());

    // --- report ---
    let scans = SCANS as f64;
    println!(
        "Workload: `workload::zipf({LINKS}, {WORKSPACES}, {SCANS}, {SEED})` — {} scans + {} bots over {} links in {WORKSPACES} workspaces, \
         {} link-hours (2 UTC hours); {} messages of {EDGE_BATCH} events, {:.0} bytes of JSON and {:.0} bytes of body per event.",
        thousands(truth.total_scans()),
        thousands(truth.bots.values().sum()),
        thousands(LINKS as u64),
        thousands(link_hours as u64),
        thousands(messages.deliveries.len() as u64),
        messages.json_bytes as f64 / scans,
        body_bytes as f64 / scans,
    );
    println!();
    println!(
        "Memory store, `Rollup::process` on a 2-worker tokio runtime; events/s = events / time in `process`, median of {} runs (min – max).",
        args.runs
    );
    println!();
    println!(
        "| invocations as delivered | invocations | messages / inv. | events / inv. | stats writes | writes / scan | write units / scan | in time order: writes / scan | in time order: units / scan | events/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let first = &row.runs[0];
        let rates: Vec<f64> = row.runs.iter().map(Run::events_per_second).collect();
        let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = rates.iter().copied().fold(0.0, f64::max);
        println!(
            "| {} | {} | {} | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {} ({} – {}) |",
            row.policy.label,
            first.invocations,
            per_invocation(&row.messages),
            per_invocation(&row.events),
            thousands(first.tally.stats_writes),
            first.tally.stats_writes as f64 / scans,
            first.metered.write_units as f64 / scans,
            row.time_ordered.tally.stats_writes as f64 / scans,
            row.time_ordered.metered.write_units as f64 / scans,
            rate(median(rates)),
            rate(lo),
            rate(hi),
        );
    }
    println!();
    let t = &template.runs[0];
    let process_time = median(
        template
            .runs
            .iter()
            .map(|r| r.elapsed.as_secs_f64())
            .collect(),
    );
    let per_event = |seconds: f64| seconds * 1e6 / scans;
    println!(
        "Template-sized invocations: {} events/s; {} invocations, {} stats writes ({:.4}/scan: {} link-hour + workspace-hour items per invocation), \
         {} write units ({:.3}/scan; {:.1} KB of document per write, the largest item {:.1} KB), \
         {} consistent read units for {} keys read ({:.3}/scan).",
        rate(median(
            template.runs.iter().map(Run::events_per_second).collect()
        )),
        t.invocations,
        thousands(t.tally.stats_writes),
        t.tally.stats_writes as f64 / scans,
        thousands(t.tally.stats_writes / t.invocations as u64),
        thousands(t.metered.write_units),
        t.metered.write_units as f64 / scans,
        t.metered.doc_bytes as f64 / t.metered.writes as f64 / 1024.0,
        t.metered.largest_item as f64 / 1024.0,
        thousands(t.metered.read_units),
        thousands(t.metered.keys_read),
        t.metered.read_units as f64 / scans,
    );
    println!();
    println!(
        "Where the time goes (template, µs per event; `process` {:.1} in the median run; the parts timed alone, median of {} passes): \
         decoding the bodies (base64, gunzip, JSON) {:.2}; the archive objects (`archive::objects`: JSON, gzip, SHA-256) {:.2}; \
         counting (grouping by link-hour, reading, applying, encoding and writing the link- and workspace-hour items) {:.2}; sum {:.1}. \
         What-if: the archive objects with a 64 KiB `BufWriter` before the gzip encoder {:.2} ({}).",
        per_event(process_time),
        args.runs,
        per_event(decode),
        per_event(archive_time),
        per_event(count_time),
        per_event(decode + archive_time + count_time),
        per_event(archive_buffered_time),
        if same_bytes {
            "byte-identical objects"
        } else {
            "**different bytes**"
        },
    );
    println!();
    println!(
        "Whole pipeline (ingest over HTTP in-process → memory queue → local event source → rollup, as tests/pipeline.rs): \
         {pipeline_invocations} invocations, {} stats writes ({:.4}/scan).",
        thousands(pipeline_writes),
        pipeline_writes as f64 / scans
    );
    println!();
    if !dynamodb_rows.is_empty() {
        println!(
            "DynamoDB Local (`DynamoStore`, one run per row; events/s is DynamoDB Local's Java on the same 2 cores, **not representative of DynamoDB's latency**):"
        );
        println!();
        println!(
            "| invocations as delivered | invocations | stats writes, memory | stats writes, DynamoDB Local | writes / scan | conflicts | final items = memory's | events/s |"
        );
        println!("|---|---:|---:|---:|---:|---:|---|---:|");
        for (row, result, identical) in &dynamodb_rows {
            println!(
                "| {} | {} | {} | {} | {:.4} | {} | {} | {} |",
                row.policy.label,
                result.invocations,
                thousands(row.runs[0].tally.stats_writes),
                thousands(result.tally.stats_writes),
                result.tally.stats_writes as f64 / scans,
                result.metered.conflicts,
                if *identical {
                    format!("yes ({} items)", thousands(keys.len() as u64))
                } else {
                    "**no**".to_owned()
                },
                rate(result.events_per_second()),
            );
        }
        println!();
    }
    if !dynamodb_note.is_empty() {
        println!("{dynamodb_note}");
        println!();
    }
    let different = dynamodb_rows.iter().any(|(row, result, identical)| {
        !identical || result.tally.stats_writes != row.runs[0].tally.stats_writes
    });
    if different {
        eprintln!("rollup bench: DynamoDB Local did not match the memory store");
        std::process::exit(1);
    }
}
