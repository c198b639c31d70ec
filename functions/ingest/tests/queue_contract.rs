//! One contract suite for the scan-queue port (`ScanQueue` and
//! `DeadLetters`), run against both adapters: `MemoryQueue` always, and
//! `SqsQueue` against moto's SQS (`moto_server`, installed by
//! `scripts/aws-tools.sh`), which this test starts itself (see `local`),
//! or the server `AWS_ENDPOINT_URL_SQS` names. Each case is a function over
//! a `Fixture`; the `contract!` macro turns it into `memory::<case>` and
//! `sqs::<case>`. Every SQS case gets a fresh queue and dead-letter queue,
//! created with a RedrivePolicy.
//!
//! Where moto 5.2.5 departs from SQS's documented behaviour the case says
//! so, and asserts SQS's rule on the memory queue only:
//!
//! - moto deletes a message with *any* receipt it ever had (`Message.
//!   had_receipt_handle`), where SQS documents that only the newest one
//!   deletes (DeleteMessage: "otherwise, the request succeeds, but the
//!   message will not be deleted");
//! - moto never fails a single entry of a `SendMessageBatch` over its
//!   body, where SQS fails an entry with characters it does not allow
//!   alone (the adapter's mapping of SQS's per-entry failures is unit
//!   tested in `queue::sqs`).
//!
//! Without moto (no `moto_server` found) the `sqs::` cases print a note
//! and pass; with `SCANLY_REQUIRE_SQS=1` they fail instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../api/tests/local_server/mod.rs"]
mod local_server;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use scanly_ingest::queue::memory::{MemoryQueue, MemoryQueueOptions};
use scanly_ingest::queue::{DeadLetters, QueueError, Received, ScanQueue};

/// Receives before the DLQ in these tests (fewer than the default 5, to
/// keep the case fast; enough for the stale-receipt case's three).
const MAX_RECEIVES: u32 = 3;
const SHORT: Duration = Duration::from_secs(1);
const LONG: Duration = Duration::from_secs(60);

/// One adapter under test, with its dead-letter queue.
struct Fixture {
    queue: Arc<dyn ScanQueue>,
    dead: Arc<dyn DeadLetters>,
    /// moto's departure from SQS's receipt rule (see the module docs).
    stale_receipts_delete: bool,
}

fn bodies(messages: &[Received]) -> BTreeSet<String> {
    messages.iter().map(|m| m.body.clone()).collect()
}

fn owned(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

impl Fixture {
    /// Receives until `n` messages came (SQS may spread them over several
    /// receives), for at most 10 s.
    async fn receive_n(&self, n: usize, visibility: Duration) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        while got.len() < n && Instant::now() < deadline {
            let batch = self
                .queue
                .receive(10, visibility, Duration::from_secs(1))
                .await
                .unwrap();
            got.extend(batch);
        }
        assert_eq!(got.len(), n, "{got:?}");
        got
    }

    /// What one immediate receive finds.
    async fn receive_now(&self, visibility: Duration) -> Vec<Received> {
        self.queue
            .receive(10, visibility, Duration::ZERO)
            .await
            .unwrap()
    }

    async fn send_ok(&self, texts: &[&str]) {
        let outcomes = self.queue.send(&owned(texts)).await.unwrap();
        assert_eq!(outcomes, vec![Ok(()); texts.len()]);
    }
}

/// Past a visibility timeout of `SHORT` (SQS counts whole seconds).
async fn after_short_visibility() {
    tokio::time::sleep(SHORT + Duration::from_millis(300)).await;
}

// --- the cases -------------------------------------------------------------

async fn send_receive_delete_round_trip(fx: &Fixture) {
    fx.send_ok(&["alpha", "beta", "gamma"]).await;
    let received = fx.receive_n(3, SHORT).await;
    assert_eq!(
        bodies(&received),
        owned(&["alpha", "beta", "gamma"]).into_iter().collect()
    );
    let ids: BTreeSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), 3, "distinct message ids");
    assert!(
        received.iter().all(|m| m.receive_count == 1),
        "{received:?}"
    );
    assert!(
        fx.receive_now(SHORT).await.is_empty(),
        "hidden while in flight"
    );

    let receipts: Vec<String> = received.iter().map(|m| m.receipt.clone()).collect();
    fx.queue.delete(&receipts).await.unwrap();
    after_short_visibility().await;
    assert!(fx.receive_now(SHORT).await.is_empty(), "deleted for good");
    // Deleting again, or nothing, is harmless.
    fx.queue.delete(&receipts).await.unwrap();
    fx.queue.delete(&[]).await.unwrap();
}

async fn each_body_gets_its_own_outcome_in_order(fx: &Fixture) {
    let texts: Vec<String> = (0..10)
        .map(|i| format!("{i}:{}", "x".repeat(i * 100)))
        .collect();
    let outcomes = fx.queue.send(&texts).await.unwrap();
    assert_eq!(outcomes, vec![Ok(()); 10]);
    let received = fx.receive_n(10, LONG).await;
    assert_eq!(bodies(&received), texts.iter().cloned().collect());

    // No bodies: no call, no outcomes. Beyond the limits: refused whole.
    assert_eq!(fx.queue.send(&[]).await.unwrap(), vec![]);
    let eleven = owned(&["m"; 11]);
    assert!(matches!(
        fx.queue.send(&eleven).await,
        Err(QueueError::Invalid(_))
    ));
    let too_big = vec!["a".repeat(200 * 1024), "b".repeat(100 * 1024)];
    assert!(matches!(
        fx.queue.send(&too_big).await,
        Err(QueueError::Invalid(_))
    ));
    for max in [0, 11] {
        assert!(matches!(
            fx.queue.receive(max, SHORT, Duration::ZERO).await,
            Err(QueueError::Invalid(_))
        ));
    }
    assert!(
        fx.receive_now(SHORT).await.is_empty(),
        "nothing refused was sent"
    );
}

async fn an_undeleted_message_reappears_after_its_visibility_timeout(fx: &Fixture) {
    fx.send_ok(&["again"]).await;
    let first = fx.receive_n(1, SHORT).await.remove(0);
    assert_eq!((first.body.as_str(), first.receive_count), ("again", 1));
    assert!(
        fx.receive_now(SHORT).await.is_empty(),
        "hidden for its timeout"
    );
    after_short_visibility().await;
    let second = fx.receive_n(1, LONG).await.remove(0);
    assert_eq!(second.message_id, first.message_id);
    assert_eq!(second.body, "again");
    assert_eq!(second.receive_count, 2);
    assert_ne!(second.receipt, first.receipt, "a new receipt per receive");
    fx.queue.delete(&[second.receipt]).await.unwrap();
}

async fn a_stale_receipt_deletes_nothing(fx: &Fixture) {
    fx.send_ok(&["stale"]).await;
    let first = fx.receive_n(1, SHORT).await.remove(0);
    after_short_visibility().await;
    let second = fx.receive_n(1, SHORT).await.remove(0);
    assert_eq!(second.receive_count, 2);
    // Accepted either way…
    fx.queue
        .delete(std::slice::from_ref(&first.receipt))
        .await
        .unwrap();
    after_short_visibility().await;
    let after = fx.receive_now(SHORT).await;
    assert_eq!(fx.dead.dead_letter_count().await.unwrap(), 0);
    if fx.stale_receipts_delete {
        // …moto removes the message (see the module docs).
        assert!(after.is_empty(), "{after:?}");
        return;
    }
    // …SQS's rule: only the newest receipt deletes.
    assert_eq!(after.len(), 1, "the stale receipt deleted the message");
    assert_eq!(after[0].message_id, first.message_id);
    assert_eq!(after[0].receive_count, 3);
    fx.queue.delete(&[after[0].receipt.clone()]).await.unwrap();
    after_short_visibility().await;
    assert!(
        fx.receive_now(SHORT).await.is_empty(),
        "the newest receipt deletes"
    );
}

async fn after_max_receives_a_message_is_dead_and_redrive_brings_it_back_once(fx: &Fixture) {
    fx.send_ok(&["poison", "fine"]).await;
    // "fine" is acknowledged at once; "poison" never is. A visibility of
    // zero makes each receive the next delivery.
    let mut poison_id = None;
    for attempt in 1..=MAX_RECEIVES {
        let received = fx
            .receive_n(if attempt == 1 { 2 } else { 1 }, Duration::ZERO)
            .await;
        for message in received {
            if message.body == "fine" {
                fx.queue.delete(&[message.receipt]).await.unwrap();
            } else {
                assert_eq!(message.receive_count, attempt);
                poison_id = Some(message.message_id);
            }
        }
    }
    assert!(poison_id.is_some());
    assert_eq!(
        fx.dead.dead_letter_count().await.unwrap(),
        0,
        "not before it is due"
    );
    // The next receive that would deliver it moves it instead.
    assert!(fx.receive_now(Duration::ZERO).await.is_empty());
    assert_eq!(fx.dead.dead_letter_count().await.unwrap(), 1);
    assert!(fx.receive_now(Duration::ZERO).await.is_empty());

    assert_eq!(fx.dead.redrive().await.unwrap(), 1);
    assert_eq!(fx.dead.dead_letter_count().await.unwrap(), 0);
    let back = fx.receive_n(1, SHORT).await.remove(0);
    assert_eq!(
        (back.body.as_str(), back.receive_count),
        ("poison", 1),
        "a new delivery"
    );
    fx.queue.delete(&[back.receipt]).await.unwrap();
    after_short_visibility().await;
    assert!(fx.receive_now(SHORT).await.is_empty(), "exactly once");
    assert_eq!(fx.dead.redrive().await.unwrap(), 0, "nothing left to move");
}

async fn bodies_up_to_256_kib_arrive_intact(fx: &Fixture) {
    let largest = "z".repeat(256 * 1024);
    fx.send_ok(&[&largest]).await;
    // Multi-byte text and JSON punctuation, as the wire format never has
    // but a queue must not care.
    let text = format!(
        "{{\"é\":\"Zürich 東京 🎉\",\"tab\":\"\t\",\"nl\":\"\n\"}} {}",
        "ß".repeat(1000)
    );
    fx.send_ok(&[&text]).await;
    let received = fx.receive_n(2, LONG).await;
    assert_eq!(bodies(&received), BTreeSet::from([largest, text]));
    assert!(matches!(
        fx.queue.send(&["y".repeat(256 * 1024 + 1)]).await,
        Err(QueueError::Invalid(_))
    ));
}

async fn a_receive_waits_for_a_message_to_arrive(fx: &Fixture) {
    let start = Instant::now();
    assert!(
        fx.queue
            .receive(10, SHORT, Duration::from_secs(1))
            .await
            .unwrap()
            .is_empty()
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );

    let queue = Arc::clone(&fx.queue);
    let sender = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        queue.send(&owned(&["late"])).await.unwrap()
    });
    let start = Instant::now();
    let received = fx
        .queue
        .receive(10, SHORT, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(bodies(&received), BTreeSet::from(["late".to_owned()]));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(sender.await.unwrap(), vec![Ok(())]);
}

// --- the two adapters ------------------------------------------------------

fn memory_fixture() -> Fixture {
    let queue = MemoryQueue::with_options(MemoryQueueOptions {
        max_receives: MAX_RECEIVES,
    });
    Fixture {
        queue: Arc::new(queue.clone()),
        dead: Arc::new(queue),
        stale_receipts_delete: false,
    }
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(&super::memory_fixture()).await;
                }
            )*
        }

        mod sqs {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(fixture) = super::local::fixture(stringify!($case)).await {
                        super::$case(&fixture).await;
                    }
                }
            )*
        }
    };
}

contract!(
    send_receive_delete_round_trip,
    each_body_gets_its_own_outcome_in_order,
    an_undeleted_message_reappears_after_its_visibility_timeout,
    a_stale_receipt_deletes_nothing,
    after_max_receives_a_message_is_dead_and_redrive_brings_it_back_once,
    bodies_up_to_256_kib_arrive_intact,
    a_receive_waits_for_a_message_to_arrive,
);

// --- the memory queue alone ------------------------------------------------

/// SQS refuses a body with characters outside XML's alone, and the memory
/// queue does the same (moto does not model it).
#[tokio::test]
async fn memory_a_body_sqs_would_refuse_fails_alone() {
    let queue = MemoryQueue::new();
    let outcomes = queue
        .send(&owned(&["first", "nul \u{0} inside", "", "last"]))
        .await
        .unwrap();
    assert_eq!(outcomes[0], Ok(()));
    assert!(
        matches!(&outcomes[1], Err(QueueError::Refused { code, .. }) if code == "InvalidMessageContents")
    );
    assert!(matches!(&outcomes[2], Err(QueueError::Refused { .. })));
    assert_eq!(outcomes[3], Ok(()));
    assert_eq!(queue.bodies(), owned(&["first", "last"]));
}

#[tokio::test]
async fn memory_the_default_redrive_limit_is_five_receives_and_clones_share_the_queue() {
    let queue = MemoryQueue::new();
    assert_eq!(queue.options().max_receives, 5);
    let consumer = queue.clone();
    queue.send(&owned(&["shared"])).await.unwrap();
    for attempt in 1..=5 {
        let received = consumer
            .receive(1, Duration::ZERO, Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(received[0].receive_count, attempt);
    }
    assert!(
        consumer
            .receive(1, Duration::ZERO, Duration::ZERO)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(queue.dead_letter_count().await.unwrap(), 1);
    assert!(queue.is_empty());
}

#[tokio::test]
async fn sqs_dead_letter_operations_need_a_dlq_url() {
    let client = aws_sdk_sqs::Client::from_conf(
        scanly_ingest::queue::sqs::SqsQueue::configure(
            aws_sdk_sqs::config::Builder::new()
                .region(aws_sdk_sqs::config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_sqs::config::Credentials::for_tests()),
            Some("http://127.0.0.1:9"),
        )
        .build(),
    );
    let queue = scanly_ingest::queue::sqs::SqsQueue::new(client, "http://127.0.0.1:9/1/q", None);
    assert_eq!(
        queue.dead_letter_count().await,
        Err(QueueError::NoDeadLetterQueue)
    );
    assert_eq!(queue.redrive().await, Err(QueueError::NoDeadLetterQueue));
}

/// moto for this test binary: started once, on first use, and stopped
/// when the binary exits (or the server `AWS_ENDPOINT_URL_SQS` names).
mod local {
    use std::process::Child;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, OnceLock};

    use aws_sdk_sqs::config::{Credentials, Region};
    use scanly_ingest::queue::sqs::SqsQueue;

    use super::{Fixture, MAX_RECEIVES};
    use crate::local_server::{answers, start_moto};

    const REGION: &str = "us-east-1";

    struct Server {
        endpoint: String,
        _launcher: Option<Child>,
    }

    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    static QUEUES: AtomicU32 = AtomicU32::new(0);

    fn required() -> bool {
        std::env::var("SCANLY_REQUIRE_SQS").is_ok_and(|v| v == "1")
    }

    fn endpoint() -> Result<String, String> {
        match SERVER.get_or_init(start) {
            Ok(server) => Ok(server.endpoint.clone()),
            Err(why) => Err(why.clone()),
        }
    }

    /// An adapter on a new queue pair for one test.
    pub async fn fixture(case: &str) -> Option<Fixture> {
        // Starting the server blocks (once): keep it off the runtime's threads.
        let endpoint = match tokio::task::spawn_blocking(endpoint).await.unwrap() {
            Ok(endpoint) => endpoint,
            Err(why) if required() => {
                panic!("SCANLY_REQUIRE_SQS=1 but moto could not be started:\n{why}")
            }
            Err(why) => {
                eprintln!(
                    "note: skipping the SQS half of {case} \
                     (SCANLY_REQUIRE_SQS=1 makes this a failure): {why}"
                );
                return None;
            }
        };
        let builder = aws_sdk_sqs::config::Builder::new()
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(
                "queuecontract",
                "queue-contract-secret-key",
                None,
                None,
                "queue-contract",
            ));
        let client =
            aws_sdk_sqs::Client::from_conf(SqsQueue::configure(builder, Some(&endpoint)).build());
        let mut name = format!(
            "c-{}-{}-{}",
            std::process::id(),
            QUEUES.fetch_add(1, Ordering::SeqCst),
            case
        );
        name.truncate(70);
        let queue = Arc::new(
            SqsQueue::create_pair(client, &name, MAX_RECEIVES)
                .await
                .unwrap_or_else(|e| panic!("creating the queues {name}: {e}")),
        );
        Some(Fixture {
            queue: queue.clone(),
            dead: queue,
            stale_receipts_delete: true,
        })
    }

    fn start() -> Result<Server, String> {
        // A server someone else runs (e.g. CI) wins.
        match std::env::var("AWS_ENDPOINT_URL_SQS") {
            Ok(endpoint) if answers(&endpoint) => Ok(Server {
                endpoint,
                _launcher: None,
            }),
            Ok(endpoint) => Err(format!(
                "AWS_ENDPOINT_URL_SQS={endpoint} is set but does not answer HTTP"
            )),
            Err(_) => {
                let (endpoint, child) = start_moto("queue-contract-moto")?;
                Ok(Server {
                    endpoint,
                    _launcher: Some(child),
                })
            }
        }
    }
}
