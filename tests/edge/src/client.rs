//! A minimal HTTP/1.1 client: one request per connection (`Connection:
//! close`), the response read to EOF.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Request {
    method: String,
    target: Vec<u8>,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, target: &str) -> Self {
        Self::raw_target(method, target.as_bytes())
    }

    /// A request line with any bytes as its target (invalid UTF-8 included).
    pub fn raw_target(method: &str, target: &[u8]) -> Self {
        Self {
            method: method.to_owned(),
            target: target.to_vec(),
            headers: vec![("host".to_owned(), b"scanly.test".to_vec())],
            body: Vec::new(),
        }
    }

    pub fn get(target: &str) -> Self {
        Self::new("GET", target)
    }

    pub fn head(target: &str) -> Self {
        Self::new("HEAD", target)
    }

    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.as_ref().to_vec()));
        self
    }

    pub fn host(self, host: &str) -> Self {
        self.header("host", host)
    }

    pub fn user_agent(self, ua: &str) -> Self {
        self.header("user-agent", ua)
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn send(&self, addr: SocketAddr) -> Response {
        let mut stream = TcpStream::connect(addr).expect("connect to the Worker");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut bytes = Vec::with_capacity(256 + self.body.len());
        bytes.extend_from_slice(self.method.as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(&self.target);
        bytes.extend_from_slice(b" HTTP/1.1\r\n");
        for (name, value) in &self.headers {
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(value);
            bytes.extend_from_slice(b"\r\n");
        }
        if !self.body.is_empty() || matches!(self.method.as_str(), "POST" | "PUT") {
            bytes.extend_from_slice(format!("content-length: {}\r\n", self.body.len()).as_bytes());
        }
        bytes.extend_from_slice(b"connection: close\r\n\r\n");
        bytes.extend_from_slice(&self.body);
        stream.write_all(&bytes).expect("send the request");
        let raw = read_response(&mut stream, self.method == "HEAD");
        Response::parse(&raw, self.method == "HEAD")
    }
}

/// Reads one response, stopping where its framing says it ends: servers
/// may keep the connection open despite `Connection: close`.
fn read_response(stream: &mut TcpStream, head: bool) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let complete = |raw: &[u8]| -> bool {
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            return false;
        };
        let head_text = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        let status: u16 = head_text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = &raw[end + 4..];
        if head || status == 204 || status == 304 || (100..200).contains(&status) {
            return true;
        }
        let header = |name: &str| {
            head_text
                .split("\r\n")
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
        };
        if let Some(length) = header("content-length:").and_then(|v| v.parse::<usize>().ok()) {
            return body.len() >= length;
        }
        if header("transfer-encoding:").is_some_and(|v| v.contains("chunked")) {
            return body.ends_with(b"0\r\n\r\n");
        }
        false
    };
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return raw,
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                if complete(&raw) {
                    return raw;
                }
            }
            Err(e) => panic!("reading the response failed after {} bytes: {e}", raw.len()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8], head: bool) -> Self {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
        let head_text = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head_text.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
        if chunked && !head {
            body = dechunk(&body);
        }
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn location(&self) -> &str {
        self.header("location")
            .unwrap_or_else(|| panic!("no location in a {} response", self.status))
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
}
