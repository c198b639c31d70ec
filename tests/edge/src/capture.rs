//! A stand-in for the control plane's ingest endpoint: it checks each
//! batch's signature the way the real one must, records what arrived, and
//! can be told to fail for a while (to exercise the consumer's retries).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use scanly_shared::event::ScanEvent;
use scanly_shared::signing;

use crate::SECRET;

pub const INGEST_PATH: &str = "/internal/scans";

#[derive(Debug, Clone)]
pub struct Delivery {
    pub path: String,
    pub signature_valid: bool,
    /// What the server answered: 204 accepted, 503 while failing, 401 unsigned.
    pub answered: u16,
    pub events: Vec<ScanEvent>,
}

#[derive(Debug, Default)]
struct State {
    deliveries: Vec<Delivery>,
    failing_until: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct CaptureServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl CaptureServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &state));
            }
        });
        Self { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}{INGEST_PATH}", self.addr)
    }

    /// Answer 503 to every batch for `duration` from now.
    pub fn fail_for(&self, duration: Duration) {
        self.state.lock().unwrap().failing_until = Some(Instant::now() + duration);
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.lock().unwrap().deliveries.clone()
    }

    /// Every event of every accepted batch, duplicates included.
    pub fn accepted_events(&self) -> Vec<ScanEvent> {
        self.deliveries()
            .into_iter()
            .filter(|d| d.answered == 204)
            .flat_map(|d| d.events)
            .collect()
    }

    /// Waits until `done` holds for the accepted events, or panics with `what`.
    pub fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        done: impl Fn(&[ScanEvent]) -> bool,
    ) -> Vec<ScanEvent> {
        let deadline = Instant::now() + timeout;
        loop {
            let events = self.accepted_events();
            if done(&events) {
                return events;
            }
            if Instant::now() >= deadline {
                let answers: Vec<(u16, usize)> = self
                    .deliveries()
                    .iter()
                    .map(|d| (d.answered, d.events.len()))
                    .collect();
                panic!(
                    "timed out after {timeout:?} waiting for {what}; have {} events; deliveries (status, events): {answers:?}",
                    events.len()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split(' ')
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let length: usize = header("content-length").parse().unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let signature_valid = signing::parse_timestamp(&header(signing::TIMESTAMP_HEADER))
            .and_then(|ts| {
                signing::verify(
                    &[SECRET.as_bytes()],
                    "POST",
                    &path,
                    ts,
                    &body,
                    &header(signing::SIGNATURE_HEADER),
                    now_s(),
                )
            })
            .is_ok();
        let events = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| serde_json::from_value::<Vec<ScanEvent>>(v["events"].clone()).ok())
            .unwrap_or_default();
        let answered = {
            let mut state = state.lock().unwrap();
            let failing = state.failing_until.is_some_and(|t| Instant::now() < t);
            let answered = if !signature_valid {
                401
            } else if failing {
                503
            } else {
                204
            };
            state.deliveries.push(Delivery {
                path: path.clone(),
                signature_valid,
                answered,
                events,
            });
            answered
        };
        let reason = match answered {
            204 => "No Content",
            401 => "Unauthorized",
            _ => "Service Unavailable",
        };
        let response = format!("HTTP/1.1 {answered} {reason}\r\ncontent-length: 0\r\n\r\n");
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
