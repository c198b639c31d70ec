//! The publish channel's checks: signature, freshness, and what to write.
//! The shell adds the two things that need KV: the replay check and the
//! last-writer-wins comparison against the stored version.

use scanly_shared::publish::{self, PublishBatch, PublishOp};
use scanly_shared::signing::{self, SignatureError};
use scanly_shared::{Hostname, LinkRecord, ShortCode};

use crate::config::{EdgeConfig, record_key};
use crate::http::{EdgeResponse, Method, RequestFacts};

/// Signatures seen are remembered longer than they could be accepted: the
/// skew window both ways, plus a minute for clocks and KV's expiry rounding.
pub const REPLAY_MEMORY_SECONDS: u32 = 2 * signing::MAX_CLOCK_SKEW_SECONDS as u32 + 60;

/// One KV change, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvWrite {
    Put {
        key: String,
        target: String,
        version: u64,
        record: Vec<u8>,
    },
    Delete {
        key: String,
        target: String,
    },
}

impl KvWrite {
    /// `host/code`, for the response and the logs.
    pub fn target(&self) -> &str {
        match self {
            KvWrite::Put { target, .. } | KvWrite::Delete { target, .. } => target,
        }
    }
}

/// Checks the signature and the time window. `Ok` carries the KV key that
/// marks this signature as used (the shell refuses it if already present).
pub fn authenticate(
    config: &EdgeConfig,
    facts: &RequestFacts<'_>,
    method: Method,
    path_and_query: &str,
    body: &[u8],
    now_s: i64,
) -> Result<String, EdgeResponse> {
    let refuse = |error: SignatureError| {
        let (code, message) = match error {
            SignatureError::Stale => (
                "stale_request",
                "the request timestamp is outside the 5-minute window",
            ),
            SignatureError::NoSecret => (
                "not_configured",
                "this edge has no signing secret configured",
            ),
            SignatureError::Malformed | SignatureError::Mismatch => {
                ("unauthorized", "missing or invalid signature")
            }
        };
        tracing::warn!(%error, path = path_and_query, "publish request refused");
        EdgeResponse::json_error(401, code, message)
    };
    let timestamp = signing::parse_timestamp(facts.timestamp).map_err(refuse)?;
    let secrets = config.verifying_secrets();
    signing::verify(
        &secrets,
        method.as_str(),
        path_and_query,
        timestamp,
        body,
        facts.signature,
        now_s,
    )
    .map_err(refuse)?;
    // Hex is case-insensitive to the verifier, so the memory must be too:
    // otherwise re-casing a captured signature would replay it.
    Ok(format!(
        "replay:{}",
        facts.signature.trim().to_ascii_lowercase()
    ))
}

pub fn replayed() -> EdgeResponse {
    tracing::warn!("replayed publish request refused");
    EdgeResponse::json_error(
        401,
        "replayed_request",
        "this signed request was already used",
    )
}

/// `PUT|DELETE /_scanly/records/{host}/{code}`.
pub fn single(
    config: &EdgeConfig,
    method: Method,
    tail: &str,
    body: &[u8],
) -> Result<KvWrite, EdgeResponse> {
    let (host, code) = publish::parse_record_path(tail).map_err(|e| bad_request(&e.to_string()))?;
    let op = if method == Method::Delete {
        PublishOp::Delete { host, code }
    } else {
        PublishOp::Put {
            host,
            code,
            record: body.to_vec(),
        }
    };
    write_for(config, op).map_err(|message| bad_request(&message))
}

/// `POST /_scanly/records`: all operations are checked before any is
/// written, so a bad batch changes nothing.
pub fn batch(config: &EdgeConfig, body: &[u8]) -> Result<Vec<KvWrite>, EdgeResponse> {
    let batch = PublishBatch::decode(body).map_err(|e| bad_request(&e.to_string()))?;
    batch
        .ops
        .into_iter()
        .enumerate()
        .map(|(index, op)| {
            write_for(config, op)
                .map_err(|message| bad_request(&format!("operation {index}: {message}")))
        })
        .collect()
}

fn write_for(config: &EdgeConfig, op: PublishOp) -> Result<KvWrite, String> {
    match op {
        PublishOp::Put { host, code, record } => {
            let decoded = LinkRecord::decode(&record).map_err(|e| format!("record: {e}"))?;
            if decoded.code != code {
                return Err(format!("record is for code {}, not {code}", decoded.code));
            }
            decoded.validate().map_err(|e| format!("record: {e}"))?;
            let (key, target) = key_and_target(config, &host, &code);
            Ok(KvWrite::Put {
                key,
                target,
                version: decoded.version,
                record,
            })
        }
        PublishOp::Delete { host, code } => {
            let (key, target) = key_and_target(config, &host, &code);
            Ok(KvWrite::Delete { key, target })
        }
    }
}

fn key_and_target(config: &EdgeConfig, host: &Hostname, code: &ShortCode) -> (String, String) {
    let namespace = config.namespace(host);
    (
        record_key(namespace, code.as_str()),
        format!("{namespace}/{code}"),
    )
}

/// Last writer wins by version: a delayed retry of an older edit must not
/// overwrite a newer one. Equal versions rewrite (publishing is idempotent).
pub fn is_older_than_stored(incoming_version: u64, stored: Option<&[u8]>) -> bool {
    stored
        .and_then(|bytes| LinkRecord::decode(bytes).ok())
        .is_some_and(|stored| stored.version > incoming_version)
}

fn bad_request(message: &str) -> EdgeResponse {
    EdgeResponse::json_error(400, "invalid_record", message)
}

/// What happened to each target, in request order.
pub fn outcome(results: &[(&str, &'static str)]) -> EdgeResponse {
    let results: Vec<_> = results
        .iter()
        .map(|(target, status)| serde_json::json!({ "target": target, "status": status }))
        .collect();
    let conflict = results.iter().any(|r| r["status"] == "stale");
    let status = if conflict && results.len() == 1 {
        409
    } else {
        200
    };
    EdgeResponse::json(status, &serde_json::json!({ "results": results }))
}
