//! `POST /internal/scans` (docs/analytics.md, "Ingest"): a signed batch
//! from the edge's queue consumer.
//!
//! 1. The signature headers must be present and fresh before the body is
//!    read; then the signature must match the method, the path and query,
//!    the timestamp and the body, under the current or previous secret.
//!    Any failure is one `401`, the reason logged; nothing is enqueued.
//! 2. The body: ≤ 2 MiB (`413`), JSON (`400`) of the shape
//!    `{"events":[…]}` (`400`) with ≤ 1,000 events (`413`).
//! 3. Each event is checked on its own; the valid ones are packed and
//!    sent. A refused send is a `503` (the edge retries the batch; the
//!    rollup counts each event once however often it arrives).
//! 4. `200 {"accepted","rejected","results":[…]}`, a result per event in
//!    order. A rejected event can never become valid, so it is answered
//!    and logged (index, field, reason), never retried.

use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use scanly_shared::signing::{self, SignatureError};
use serde::Serialize;

use crate::enqueue::enqueue;
use crate::error::IngestError;
use crate::events::{Rejection, check_event, parse_batch};
use crate::queue::ScanQueue;

pub const INGEST_PATH: &str = "/internal/scans";
/// Bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Unix milliseconds, injectable for tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
pub struct IngestState {
    /// Accepted signing secrets: the current one, then the previous one.
    pub secrets: Vec<Vec<u8>>,
    pub queue: Arc<dyn ScanQueue>,
    pub clock: Clock,
}

impl IngestState {
    /// With the system clock.
    pub fn new(secrets: Vec<Vec<u8>>, queue: Arc<dyn ScanQueue>) -> Self {
        Self {
            secrets,
            queue,
            clock: Arc::new(|| chrono::Utc::now().timestamp_millis()),
        }
    }

    pub fn with_clock(self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        Self {
            clock: Arc::new(clock),
            ..self
        }
    }
}

/// Never prints the secrets.
impl fmt::Debug for IngestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngestState")
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .finish_non_exhaustive()
    }
}

pub fn router(state: IngestState) -> Router {
    Router::new()
        .route(
            INGEST_PATH,
            post(ingest).fallback(|| async { IngestError::method_not_allowed() }),
        )
        .fallback(|| async { IngestError::not_found() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

#[derive(Debug, Serialize)]
struct Answer {
    accepted: usize,
    rejected: usize,
    results: Vec<EventResult>,
}

#[derive(Debug, Serialize)]
struct EventResult {
    index: usize,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<EventError>,
}

#[derive(Debug, Serialize)]
struct EventError {
    code: &'static str,
    message: String,
}

async fn ingest(
    State(state): State<IngestState>,
    request: Request,
) -> Result<axum::Json<Answer>, IngestError> {
    let now_ms = (state.clock)();
    let now_s = now_ms.div_euclid(1000);
    let (timestamp, signature) =
        signature_headers(request.headers(), now_s).map_err(|reason| refused_signature(&reason))?;
    let method = request.method().as_str().to_owned();
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let body = Bytes::from_request(request, &state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                IngestError::payload_too_large(format!(
                    "the body may be at most {MAX_BODY_BYTES} bytes"
                ))
            } else {
                tracing::warn!(error = %rejection.body_text(), "scan batch body unreadable");
                IngestError::bad_request("the request body could not be read")
            }
        })?;
    let secrets: Vec<&[u8]> = state.secrets.iter().map(Vec::as_slice).collect();
    signing::verify(
        &secrets, &method, &path, timestamp, &body, &signature, now_s,
    )
    .map_err(|reason| refused_signature(&reason))?;

    let raw = parse_batch(&body).inspect_err(|error| {
        tracing::warn!(status = error.status.as_u16(), reason = %error.message, "scan batch refused");
    })?;
    let checked: Vec<Result<String, Rejection>> = raw
        .into_iter()
        .map(|event| check_event(event, now_ms))
        .collect();
    let (indices, accepted): (Vec<usize>, Vec<&str>) = checked
        .iter()
        .enumerate()
        .filter_map(|(index, c)| c.as_ref().ok().map(|json| (index, json.as_str())))
        .unzip();
    let sent = enqueue(state.queue.as_ref(), &accepted)
        .await
        .map_err(|error| {
            tracing::error!(%error, events = accepted.len(), "scan batch not enqueued");
            IngestError::queue_unavailable()
        })?;

    let mut rejections: Vec<Option<Rejection>> = checked.into_iter().map(Result::err).collect();
    for position in sent.oversized {
        if let Some(slot) = indices.get(position).and_then(|&i| rejections.get_mut(i)) {
            *slot = Some(Rejection {
                field: "event".into(),
                reason: "is too large for a queue message".into(),
            });
        }
    }
    let results: Vec<EventResult> = rejections
        .into_iter()
        .enumerate()
        .map(|(index, rejection)| match rejection {
            None => EventResult {
                index,
                status: "accepted",
                error: None,
            },
            Some(rejection) => {
                tracing::warn!(
                    index,
                    field = %rejection.field,
                    reason = %rejection.reason,
                    "scan event rejected"
                );
                EventResult {
                    index,
                    status: "rejected",
                    error: Some(EventError {
                        code: "invalid_event",
                        message: rejection.message(),
                    }),
                }
            }
        })
        .collect();
    let rejected = results.iter().filter(|r| r.error.is_some()).count();
    let answer = Answer {
        accepted: results.len() - rejected,
        rejected,
        results,
    };
    tracing::info!(
        accepted = answer.accepted,
        rejected = answer.rejected,
        messages = sent.messages,
        "scan batch ingested"
    );
    Ok(axum::Json(answer))
}

/// The timestamp and signature headers, present and fresh at `now_s`.
fn signature_headers(headers: &HeaderMap, now_s: i64) -> Result<(i64, String), SignatureError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .ok_or(SignatureError::Malformed)
    };
    let timestamp = signing::parse_timestamp(header(signing::TIMESTAMP_HEADER)?)?;
    let signature = header(signing::SIGNATURE_HEADER)?.to_owned();
    if now_s.abs_diff(timestamp) > signing::MAX_CLOCK_SKEW_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    Ok((timestamp, signature))
}

fn refused_signature(reason: &SignatureError) -> IngestError {
    tracing::warn!(%reason, "scan batch refused: signature");
    IngestError::unauthorized()
}
