//! `make dev` as a newcomer runs it: from a clean data directory, both
//! health checks answer, a link created through the API is scanned at the
//! edge and the scan shows in analytics; a restart keeps the data; SIGTERM
//! stops every process it started.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../api/tests/local_server/mod.rs"]
mod local_server;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Dev {
    child: Child,
    api: String,
    edge: String,
    edge_port: u16,
    log: PathBuf,
}

impl Dev {
    /// `make dev` in its own process group, with what cargo built for this
    /// test (a nested cargo build would wait on cargo test's lock).
    fn start(data: &Path) -> Self {
        let api_port = local_server::free_port().unwrap();
        let edge_port = local_server::free_port().unwrap();
        let log = data.with_extension("log");
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = std::os::unix::process::CommandExt::process_group(
            Command::new("make")
                .args(["-s", "dev"])
                .current_dir(repo_root())
                .env("SCANLY_DATA_DIR", data)
                .env("SCANLY_API_PORT", api_port.to_string())
                .env("SCANLY_EDGE_PORT", edge_port.to_string())
                .env("SCANLY_LOCAL_BIN", env!("CARGO_BIN_EXE_scanly-local"))
                .env("SCANLY_EDGE_PREBUILT", "1")
                .stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out),
            0,
        )
        .spawn()
        .expect("run make dev");
        let dev = Self {
            child,
            api: format!("http://127.0.0.1:{api_port}"),
            edge: format!("http://127.0.0.1:{edge_port}"),
            edge_port,
            log,
        };
        dev.wait_until_healthy();
        dev
    }

    fn wait_until_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(300);
        for base in [&self.api, &self.edge] {
            while get(base, "/healthz", &[]).0 != 200 {
                assert!(
                    Instant::now() < deadline,
                    "{base}/healthz never answered 200; make dev said:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(300));
            }
        }
    }

    /// SIGTERM to the whole group, as a terminal's Ctrl-C does with SIGINT;
    /// then nothing it started may be left.
    fn stop(mut self) {
        let group = self.child.id();
        let status = Command::new("kill")
            .args(["-TERM", "--", &format!("-{group}")])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "make dev did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = leftovers(group, self.edge_port);
            if left.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "processes left after SIGTERM: {left:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Processes still in `group`, or serving `edge_port` (workerd, should it
/// have left the group).
fn leftovers(group: u32, edge_port: u16) -> Vec<String> {
    let port_arg = format!("127.0.0.1:{edge_port}");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // pid (comm) state ppid pgrp …: comm may hold spaces, so split after ')'.
            let after = stat.rsplit_once(')')?.1;
            let pgrp: u32 = after.split_whitespace().nth(2)?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            (pgrp == group || cmdline.contains(&port_arg)).then_some(cmdline)
        })
        .collect()
}

/// A raw HTTP/1.1 exchange: (status, body).
fn call(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> (u16, String) {
    let body = body.map(Value::to_string).unwrap_or_default();
    local_server::http(base, method, path, headers, &body)
}

fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    call(base, "GET", path, headers, None)
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn make_dev_runs_the_whole_platform_and_stops_cleanly() {
    let data = std::env::temp_dir().join(format!("scanly-make-dev-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);

    let dev = Dev::start(&data);
    let account = json!({"email": "newcomer@example.com", "password": "correct horse battery", "name": "New"});
    let (status, body) = call(&dev.api, "POST", "/v1/auth/signup", &[], Some(&account));
    assert_eq!(status, 201, "{body}");
    let token = json_of(&body)["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let (status, body) = call(
        &dev.api,
        "POST",
        "/v1/links",
        &auth,
        Some(&json!({"code": "hello", "destination": "https://example.com/"})),
    );
    assert_eq!(status, 201, "{body}");

    let (status, _) = get(&dev.edge, "/hello", &[("user-agent", IPHONE)]);
    assert_eq!(status, 302, "the edge answers the link the API published");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(&dev.api, "/v1/analytics", &auth);
        assert_eq!(status, 200, "{body}");
        if json_of(&body)["total"] == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the scan never reached analytics: {body}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    dev.stop();

    // A restart on the same data keeps the account, the link and its count.
    let dev = Dev::start(&data);
    let login = json!({"email": "newcomer@example.com", "password": "correct horse battery"});
    let (status, body) = call(&dev.api, "POST", "/v1/auth/login", &[], Some(&login));
    assert_eq!(status, 200, "{body}");
    let token = json_of(&body)["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let (_, body) = get(
        &dev.api,
        "/v1/analytics",
        &[("authorization", bearer.as_str())],
    );
    assert_eq!(json_of(&body)["total"], 1, "{body}");
    let (status, _) = get(&dev.edge, "/hello", &[("user-agent", IPHONE)]);
    assert_eq!(status, 302, "the edge's KV survived the restart");
    dev.stop();
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_file(data.with_extension("log"));
}
