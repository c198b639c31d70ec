//! The analytics pipeline end to end, as in production but on one machine:
//! scans answered by the Worker in workerd → its queue → the queue consumer
//! → signed POST to ingest → SQS (moto) → the rollup (polled like Lambda's
//! event source) → stats in the store and raw events in S3 (moto) → the
//! API's analytics. Bots, previews and HEADs are never counted, a scan
//! limit closes the link at the edge, and no IP address is stored.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../../functions/api/tests/local_server/mod.rs"]
mod local_server;
mod support;

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_s3::config::{Credentials, Region};
use scanly_api::objects::memory::MemoryObjects;
use scanly_api::objects::s3::S3Objects;
use scanly_api::publish::{HttpEdgePublisher, Publishing};
use scanly_api::store::memory::MemoryStore;
use scanly_api::store::{Links, Stats, StatsScope};
use scanly_edge_tests::agents::{ANDROID, IPHONE, LINK_PREVIEW};
use scanly_edge_tests::{EdgeWorker, Request, SECRET};
use scanly_ingest::queue::sqs::SqsQueue;
use scanly_ingest::{IngestState, router as ingest_router};
use scanly_rollup::Rollup;
use scanly_rollup::source::{LocalEventSource, SourceSettings};
use scanly_shared::ids::{LinkId, WorkspaceId};
use serde_json::{Value, json};
use support::control_plane::{api_call, api_state, serve};

const BUCKET: &str = "scanly-events-e2e";
/// The address every scan below comes from, which must never be stored.
const VISITOR_IP: &str = "203.0.113.77";

#[derive(Debug, Default)]
struct Stored {
    stats: Vec<Vec<u8>>,
    link: Vec<u8>,
    archive: Vec<Vec<u8>>,
}

struct Platform {
    edge: EdgeWorker,
    api: std::net::SocketAddr,
    store: Arc<MemoryStore>,
    s3: aws_sdk_s3::Client,
    token: String,
    // Keeps moto and the runtime running the rollup alive.
    _moto: std::process::Child,
    _rollup: tokio::runtime::Runtime,
}

fn aws_credentials() -> Credentials {
    Credentials::new("e2etests", "e2e-tests-secret", None, None, "e2e")
}

/// moto, then ingest on a port, the Worker shipping to it, the API on the
/// embedded store publishing to the Worker, and the rollup polling SQS.
fn start() -> Option<Platform> {
    let (moto, moto_child) = match local_server::start_moto("edge-analytics-moto") {
        Ok(started) => started,
        Err(why) if std::env::var("SCANLY_REQUIRE_SQS").as_deref() == Ok("1") => {
            panic!("SCANLY_REQUIRE_SQS=1 but moto could not be started:\n{why}")
        }
        Err(why) => {
            eprintln!(
                "note: skipping the end-to-end pipeline (SCANLY_REQUIRE_SQS=1 makes this a failure): {why}"
            );
            return None;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sqs = aws_sdk_sqs::Client::from_conf(
        SqsQueue::configure(
            aws_sdk_sqs::config::Builder::new()
                .region(Region::new("us-east-1"))
                .credentials_provider(aws_credentials()),
            Some(&moto),
        )
        .build(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        S3Objects::configure(
            aws_sdk_s3::config::Builder::new()
                .region(Region::new("us-east-1"))
                .credentials_provider(aws_credentials()),
            Some(&moto),
        )
        .build(),
    );
    let queue = runtime
        .block_on(SqsQueue::create_pair(sqs, "scanly-scan-events-e2e", 5))
        .unwrap();
    let archive = S3Objects::new(s3.clone(), BUCKET);
    runtime.block_on(archive.create_bucket()).unwrap();
    let queue = Arc::new(queue);

    let ingest = serve(ingest_router(IngestState::new(
        vec![SECRET.as_bytes().to_vec()],
        queue.clone(),
    )));
    let edge = EdgeWorker::start(&format!("http://{ingest}/internal/scans"));
    let edge_url = format!("http://{}", edge.addr());
    let store = Arc::new(MemoryStore::new());
    let api = serve(scanly_api::router(
        api_state(&edge_url, store.clone()).with_objects(Arc::new(MemoryObjects::new(
            "http://127.0.0.1:0",
            SECRET.as_bytes().to_vec(),
        ))),
    ));
    let publisher = Arc::new(HttpEdgePublisher::new(
        &edge_url,
        SECRET.as_bytes().to_vec(),
    ));
    let publishing = Arc::new(Publishing::new(store.clone(), publisher));
    let rollup = Arc::new(Rollup::new(store.clone(), Arc::new(archive), publishing));
    let source = LocalEventSource::new(
        queue,
        rollup,
        SourceSettings {
            window: Duration::from_millis(300),
            visibility: Duration::from_secs(30),
            ..SourceSettings::default()
        },
    );
    runtime.spawn(source.run());

    let (status, account) = api_call(
        api,
        "POST",
        "/v1/auth/signup",
        None,
        json!({"email": "ana@bakery.example", "password": "correct horse battery", "name": "Ana"}),
    );
    assert_eq!(status, 201, "{account}");
    Some(Platform {
        edge,
        api,
        store,
        s3,
        token: account["access_token"].as_str().unwrap().to_owned(),
        _moto: moto_child,
        _rollup: runtime,
    })
}

impl Platform {
    fn create_link(&self, body: Value) -> Value {
        let (status, link) = api_call(self.api, "POST", "/v1/links", Some(&self.token), body);
        assert_eq!(status, 201, "{link}");
        link
    }

    fn get(&self, path: &str) -> Value {
        let (status, body) = api_call(self.api, "GET", path, Some(&self.token), Value::Null);
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    fn scan(&self, method: &str, target: &str, user_agent: &str, ip: &str) -> u16 {
        self.edge
            .send(
                &Request::new(method, target)
                    .user_agent(user_agent)
                    .header("cf-connecting-ip", ip),
            )
            .status
    }

    /// Polls `path` until `done(body)`, for at most 60 s.
    fn wait_for(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let body = self.get(path);
            if done(&body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting on {path}: {body}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Every stored stats document of `link` and of its workspace, the
    /// stored link, and every archived event file (un-gzipped), as bytes.
    fn stored_bytes(&self, workspace: &str, link: &str) -> Stored {
        let workspace = WorkspaceId::parse(workspace).unwrap();
        let link = LinkId::parse(link).unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let mut stored = Stored::default();
            for scope in [StatsScope::Link(link.clone()), StatsScope::Workspace] {
                let items = Stats::stats_range(
                    self.store.as_ref(),
                    &workspace,
                    &scope,
                    0,
                    i64::from(u32::MAX),
                )
                .await
                .unwrap();
                stored
                    .stats
                    .extend(items.into_iter().map(|(_, item)| item.bytes));
            }
            let stored_link = Links::link(self.store.as_ref(), &workspace, &link)
                .await
                .unwrap();
            stored.link = serde_json::to_vec(&stored_link.expect("the link is stored")).unwrap();
            let listing = self
                .s3
                .list_objects_v2()
                .bucket(BUCKET)
                .send()
                .await
                .unwrap();
            for object in listing.contents() {
                let key = object.key().unwrap();
                assert!(key.starts_with("events/dt="), "{key}");
                let body = self
                    .s3
                    .get_object()
                    .bucket(BUCKET)
                    .key(key)
                    .send()
                    .await
                    .unwrap();
                let gzipped = body.body.collect().await.unwrap().into_bytes();
                let mut text = Vec::new();
                flate2::read::GzDecoder::new(&gzipped[..])
                    .read_to_end(&mut text)
                    .unwrap();
                stored.archive.push(text);
            }
            stored
        })
    }
}

#[test]
fn scans_at_the_edge_are_counted_exactly_once_and_shown_by_the_api() {
    let Some(platform) = start() else { return };
    let link = platform.create_link(json!({"destination": "https://bakery.example/menu"}));
    let code = link["code"].as_str().unwrap();
    let id = link["id"].as_str().unwrap();

    // Two people: one scans the poster five times, one follows the link
    // three times; plus what must never count.
    for _ in 0..5 {
        assert_eq!(
            platform.scan("GET", &format!("/{code}?qr"), IPHONE, VISITOR_IP),
            302
        );
    }
    for _ in 0..3 {
        assert_eq!(
            platform.scan("GET", &format!("/{code}"), ANDROID, "198.51.100.9"),
            302
        );
    }
    for _ in 0..2 {
        assert_eq!(
            platform.scan("HEAD", &format!("/{code}"), IPHONE, VISITOR_IP),
            302
        );
        assert_eq!(
            platform.scan("GET", &format!("/{code}"), LINK_PREVIEW, VISITOR_IP),
            302
        );
    }

    let report = platform.wait_for(&format!("/v1/links/{id}/analytics"), |r| r["total"] == 8);
    assert_eq!(report["unique"], 2, "{report}");
    assert_eq!(report["breakdown"]["source"], json!({"qr": 5, "link": 3}));
    assert_eq!(report["breakdown"]["device"], json!({"mobile": 8}));
    assert_eq!(report["breakdown"]["os"], json!({"ios": 5, "android": 3}));
    // The harness's request.cf is Berlin's.
    assert_eq!(report["breakdown"]["country"], json!({"DE": 8}));

    // Redeliveries and late batches must not move the numbers: give the
    // pipeline time to do anything it still would, then look again.
    std::thread::sleep(Duration::from_secs(3));
    let again = platform.get(&format!("/v1/links/{id}/analytics"));
    assert_eq!(
        (again["total"].clone(), again["unique"].clone()),
        (json!(8), json!(2))
    );
    let overview = platform.get("/v1/analytics");
    assert_eq!(overview["total"], 8, "{overview}");
    assert_eq!(overview["top_links"][0]["code"], code);

    // No stored byte carries the visitor's IP address.
    let workspace = link["workspace_id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            platform.get("/v1/me")["workspaces"][0]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        });
    let stored = platform.stored_bytes(&workspace, id);
    assert!(
        stored.stats.len() >= 2,
        "the link's and the workspace's stats were read"
    );
    let archived: usize = stored
        .archive
        .iter()
        .map(|file| {
            file.split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
        })
        .sum();
    assert_eq!(
        archived, 8,
        "every scan was archived; link previews and HEADs are not even sent"
    );
    for blob in stored
        .stats
        .iter()
        .chain(&stored.archive)
        .chain([&stored.link])
    {
        let text = String::from_utf8_lossy(blob);
        assert!(
            !text.contains(VISITOR_IP),
            "an IP address was stored: {text}"
        );
        assert!(
            !text.contains("198.51.100.9"),
            "an IP address was stored: {text}"
        );
    }
}

#[test]
fn a_link_closes_at_the_edge_once_its_scan_limit_is_counted() {
    let Some(platform) = start() else { return };
    let link = platform
        .create_link(json!({"destination": "https://bakery.example/free-coffee", "max_scans": 3}));
    let code = link["code"].as_str().unwrap();
    let id = link["id"].as_str().unwrap();
    for ip in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert_eq!(platform.scan("GET", &format!("/{code}"), IPHONE, ip), 302);
    }
    let closed = platform.wait_for(&format!("/v1/links/{id}"), |l| {
        l["scan_limit_reached"] == true
    });
    assert!(closed["version"].as_u64().unwrap() > link["version"].as_u64().unwrap());
    let deadline = Instant::now() + Duration::from_secs(30);
    while platform.scan("GET", &format!("/{code}"), ANDROID, "198.51.100.4") != 410 {
        assert!(
            Instant::now() < deadline,
            "the edge kept answering a link over its limit"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Raising the limit opens it again.
    let (status, reopened) = api_call(
        platform.api,
        "PATCH",
        &format!("/v1/links/{id}"),
        Some(&platform.token),
        json!({"max_scans": 100}),
    );
    assert_eq!(status, 200, "{reopened}");
    assert_eq!(reopened["scan_limit_reached"], false);
    assert_eq!(
        platform.scan("GET", &format!("/{code}"), ANDROID, "198.51.100.5"),
        302
    );
}
