//! The local control plane on servers that speak the AWS protocols instead
//! of the embedded adapters: DynamoDB Local for the table, moto for S3 (the
//! logos bucket and the raw archive) and SQS (the scan queue). With
//! `SCANLY_CREATE_RESOURCES=1` it creates them itself; a signed scan batch
//! posted to ingest goes through SQS and the rollup into DynamoDB, is
//! archived in S3, and shows in the API's analytics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../api/tests/local_server/mod.rs"]
mod local_server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_s3::config::{Credentials, Region};
use scanly_shared::event::{
    EventId, SCAN_EVENT_SCHEMA_VERSION, ScanEvent, ScanSource, VisitorHash,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::signing;
use scanly_shared::ua::{Browser, DeviceType, Os};
use scanly_shared::{CountryCode, ShortCode};
use serde_json::{Value, json};

const SECRET: &str = "aws-compatible-test-signing-secret-0123456789";

fn repo_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn required() -> bool {
    ["SCANLY_REQUIRE_DYNAMODB", "SCANLY_REQUIRE_SQS"]
        .iter()
        .any(|name| std::env::var(name).as_deref() == Ok("1"))
}

/// DynamoDB Local through its script: the endpoint, and the launcher to
/// keep (it stops the server when its stdin closes).
fn start_dynamodb() -> Result<(String, Child), String> {
    let mut child = Command::new("bash")
        .arg(repo_root().join("scripts/dynamodb-local.sh"))
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("spawn scripts/dynamodb-local.sh: {e}"))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let endpoint = line.trim().to_owned();
    if endpoint.starts_with("http://") {
        Ok((endpoint, child))
    } else {
        let _ = child.kill();
        Err("DynamoDB Local printed no endpoint".into())
    }
}

fn call(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, String) {
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    local_server::http(base, method, path, &headers, body)
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn scan(link: &str, workspace: &str, visitor: &str, now_ms: i64, n: u8) -> ScanEvent {
    ScanEvent {
        schema: SCAN_EVENT_SCHEMA_VERSION,
        id: EventId::new(now_ms, [n; 10]),
        link_id: LinkId::parse(link).unwrap(),
        workspace_id: WorkspaceId::parse(workspace).unwrap(),
        code: ShortCode::parse("menu").unwrap(),
        timestamp_ms: now_ms,
        country: Some(CountryCode::parse("FR").unwrap()),
        region: None,
        city: None,
        colo: None,
        device: DeviceType::Mobile,
        os: Os::Android,
        browser: Browser::Chrome,
        referrer_host: None,
        language: None,
        variant: None,
        source: ScanSource::Qr,
        bot: false,
        visitor_hash: VisitorHash::compute(b"k", now_ms, visitor, "ua"),
        max_scans: None,
    }
}

#[test]
fn the_local_control_plane_runs_on_dynamodb_s3_and_sqs_compatible_servers() {
    let servers = start_dynamodb()
        .and_then(|ddb| local_server::start_moto("local-aws-moto").map(|moto| (ddb, moto)));
    let ((dynamodb, _dynamodb_launcher), (moto, _moto_launcher)) = match servers {
        Ok(servers) => servers,
        Err(why) if required() => panic!("DynamoDB Local and moto are required: {why}"),
        Err(why) => {
            eprintln!("note: skipping (SCANLY_REQUIRE_DYNAMODB=1 makes this a failure): {why}");
            return;
        }
    };
    let pid = std::process::id();
    let port = local_server::free_port().unwrap();
    let api = format!("http://127.0.0.1:{port}");
    let archive = format!("scanly-archive-{pid}");
    let mut control_plane = Command::new(env!("CARGO_BIN_EXE_scanly-local"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SCANLY_API_ADDR", format!("127.0.0.1:{port}"))
        .env("SCANLY_SIGNING_SECRET", SECRET)
        .env(
            "SCANLY_JWT_SECRET",
            "aws-compatible-test-jwt-secret-0123456789",
        )
        // No edge here: publishes wait in the outbox.
        .env("SCANLY_EDGE_BASE_URL", "http://127.0.0.1:9")
        .env("SCANLY_CREATE_RESOURCES", "1")
        .env("SCANLY_STORE", "dynamodb")
        .env("SCANLY_TABLE", format!("scanly-local-{pid}"))
        .env("SCANLY_BUCKET", format!("scanly-assets-{pid}"))
        .env("SCANLY_ARCHIVE_BUCKET", &archive)
        .env(
            "SCANLY_SCAN_QUEUE_NAME",
            format!("scanly-scan-events-{pid}"),
        )
        .env("AWS_ENDPOINT_URL_DYNAMODB", &dynamodb)
        .env("AWS_ENDPOINT_URL_S3", &moto)
        .env("AWS_ENDPOINT_URL_SQS", &moto)
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_REGION", "us-east-1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while call(&api, "GET", "/healthz", &[], "").0 != 200 {
        assert!(
            control_plane.try_wait().unwrap().is_none(),
            "scanly-local exited"
        );
        assert!(
            Instant::now() < deadline,
            "scanly-local never became healthy"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let account =
        json!({"email": "ops@example.com", "password": "correct horse battery", "name": "Ops"});
    let (status, body) = call(&api, "POST", "/v1/auth/signup", &[], &account.to_string());
    assert_eq!(status, 201, "{body}");
    let account = json_of(&body);
    let auth = [(
        "authorization",
        format!("Bearer {}", account["access_token"].as_str().unwrap()),
    )];
    let workspace = account["workspace"]["id"].as_str().unwrap().to_owned();
    let (status, body) = call(
        &api,
        "POST",
        "/v1/links",
        &auth,
        &json!({"code": "menu", "destination": "https://example.com/"}).to_string(),
    );
    assert_eq!(status, 201, "{body}");
    let link = json_of(&body)["id"].as_str().unwrap().to_owned();

    // What the edge's queue consumer would send: three scans by two people.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let events = [
        scan(&link, &workspace, "198.51.100.1", now_ms, 1),
        scan(&link, &workspace, "198.51.100.1", now_ms, 2),
        scan(&link, &workspace, "198.51.100.2", now_ms, 3),
    ];
    let batch = json!({"events": events}).to_string();
    let timestamp = now_ms / 1000;
    let signature = signing::sign(
        SECRET.as_bytes(),
        "POST",
        "/internal/scans",
        timestamp,
        batch.as_bytes(),
    )
    .unwrap();
    let signed = [
        (signing::TIMESTAMP_HEADER, timestamp.to_string()),
        (signing::SIGNATURE_HEADER, signature),
    ];
    let (status, body) = call(&api, "POST", "/internal/scans", &signed, &batch);
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_of(&body)["accepted"], 3);

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = call(
            &api,
            "GET",
            &format!("/v1/links/{link}/analytics"),
            &auth,
            "",
        );
        assert_eq!(status, 200, "{body}");
        let report = json_of(&body);
        if report["total"] == 3 {
            assert_eq!(report["unique"], 2);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the scans never reached DynamoDB: {body}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }

    // The raw events were archived in the archive bucket.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("local", "local", None, None, "test"))
            .endpoint_url(&moto)
            .force_path_style(true)
            .build(),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listing = runtime
        .block_on(
            s3.list_objects_v2()
                .bucket(&archive)
                .prefix("events/dt=")
                .send(),
        )
        .unwrap();
    assert_eq!(
        listing.contents().len(),
        1,
        "one archive object for the hour"
    );

    let _ = control_plane.kill();
    let _ = control_plane.wait();
}
