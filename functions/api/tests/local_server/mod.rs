//! Starting a local server for a contract test (DynamoDB Local, moto):
//! a free port, a log to show when it fails, a launcher that stops the
//! server when the test binary exits, and a raw HTTP probe for readiness.
//! Shared by `store_contract.rs` and `object_contract.rs`.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer after it is started.
const STARTUP: Duration = Duration::from_secs(60);

pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// `<tmp>/scanly-<name>-<pid>.log`.
pub fn log_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("scanly-{name}-{}.log", std::process::id()))
}

pub fn log_file(path: &Path) -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The log's last lines (for an error message); the file is removed.
pub fn read_log(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let _ = std::fs::remove_file(path);
    let lines: Vec<&str> = text.lines().collect();
    lines
        .get(lines.len().saturating_sub(30)..)
        .unwrap_or_default()
        .join("\n")
}

/// Runs `program args` in `dir` under a shell that stops it when its stdin
/// (held by this process for its whole life) closes, logging to `log`,
/// and waits until `ready(endpoint)`; the returned child must be kept.
pub fn start_until_ready(
    program: &Path,
    args: &[OsString],
    dir: Option<&Path>,
    log: &Path,
    endpoint: &str,
    ready: fn(&str) -> bool,
) -> Result<Child, String> {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#""$@" </dev/null & pid=$!; cat >/dev/null; kill $pid; wait $pid"#)
        .arg("sh")
        .arg(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(log_file(log)?)
        .stderr(log_file(log)?);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("spawn {}: {e}", program.display()))?;
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        if ready(endpoint) {
            let _ = std::fs::remove_file(log);
            return Ok(child);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("it exited ({status}); log:\n{}", read_log(log)));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    Err(format!(
        "no answer on {endpoint} within {} s; log:\n{}",
        STARTUP.as_secs(),
        read_log(log)
    ))
}

/// Sends the raw HTTP/1.1 request `request(authority)` to an `http://`
/// endpoint and returns the whole response, or `None` if nothing answers.
pub fn exchange(endpoint: &str, request: impl Fn(&str) -> String) -> Option<String> {
    let authority = endpoint
        .strip_prefix("http://")
        .map(|rest| rest.trim_end_matches('/'))?;
    let mut stream = TcpStream::connect(authority).ok()?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    stream.write_all(request(authority).as_bytes()).ok()?;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    Some(response)
}
