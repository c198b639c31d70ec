//! Starting a local server for a contract test (DynamoDB Local, moto):
//! a free port, a log to show when it fails, a launcher that stops the
//! server when the test binary exits, and a raw HTTP probe for readiness.
//! Shared by the contract tests (DynamoDB, S3, SQS) and the pipeline
//! tests, which include this file by path; `start_moto` finds and starts
//! moto for the S3 and SQS ones.
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

/// One HTTP/1.1 request to an `http://` endpoint, a JSON `body` when not
/// empty: (status, body), or (0, "") if nothing answers.
pub fn http(
    endpoint: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let response = exchange(endpoint, |authority| {
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() {
            request.push_str(&format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        request
    });
    let Some(response) = response else {
        return (0, String::new());
    };
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// `moto_server -H 127.0.0.1 -p <free port>` under a shell that stops
/// it when its stdin (held by this process) closes.
pub fn start_moto(name: &str) -> Result<(String, Child), String> {
    let moto = find_moto().ok_or(
        "no moto_server found (SCANLY_MOTO_SERVER, $SCANLY_AWS_VENV/bin, \
         ~/.cache/scanly-tools/py-*/bin, PATH); install it with scripts/aws-tools.sh",
    )?;
    let port = free_port()?;
    let endpoint = format!("http://127.0.0.1:{port}");
    let args = ["-H", "127.0.0.1", "-p", &port.to_string()].map(OsString::from);
    let log = log_path(name);
    let child = start_until_ready(&moto, &args, None, &log, &endpoint, answers)
        .map_err(|why| format!("moto: {why}"))?;
    Ok((endpoint, child))
}

/// `SCANLY_MOTO_SERVER`, else the aws-tools venv (`SCANLY_AWS_VENV`, or
/// the newest under the tools cache), else `PATH`.
pub fn find_moto() -> Option<PathBuf> {
    if let Some(moto) = std::env::var_os("SCANLY_MOTO_SERVER").map(PathBuf::from) {
        return moto.is_file().then_some(moto);
    }
    if let Some(venv) = std::env::var_os("SCANLY_AWS_VENV").map(PathBuf::from) {
        let moto = venv.join("bin/moto_server");
        if moto.is_file() {
            return Some(moto);
        }
    }
    let tools = std::env::var_os("SCANLY_TOOLS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/scanly-tools")));
    if let Some(tools) = tools
        && let Ok(entries) = std::fs::read_dir(&tools)
    {
        let mut venvs: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("py-"))
                    && p.join(".scanly-installed").is_file()
                    && p.join("bin/moto_server").is_file()
            })
            .filter_map(|p| {
                let installed = p
                    .join(".scanly-installed")
                    .metadata()
                    .ok()?
                    .modified()
                    .ok()?;
                Some((installed, p))
            })
            .collect();
        venvs.sort();
        if let Some((_, venv)) = venvs.pop() {
            return Some(venv.join("bin/moto_server"));
        }
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("moto_server"))
        .find(|candidate| candidate.is_file())
}

/// Whether something answers HTTP at `endpoint` (moto's root lists the
/// buckets).
pub fn answers(endpoint: &str) -> bool {
    exchange(endpoint, |authority| {
        format!("GET / HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")
    })
    .is_some_and(|response| response.starts_with("HTTP/1."))
}
