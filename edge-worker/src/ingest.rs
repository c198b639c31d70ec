//! The queue consumer's side of shipping scan events: the signed request to
//! the control plane, and how long to wait before a retry.

use scanly_shared::event::ScanEvent;
use scanly_shared::signing;

use crate::config::EdgeConfig;
use crate::http::UrlParts;

/// One POST to `INGEST_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestRequest {
    pub url: String,
    pub body: String,
    pub timestamp: String,
    pub signature: String,
}

/// Why a batch could not even be sent (it is retried, then dead-lettered).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("INGEST_URL is not configured or not an absolute http(s) URL")]
    NoIngestUrl,
    #[error("no signing secret is configured")]
    NoSecret,
}

/// Which messages are scan events. Anything else can never be delivered;
/// it is retried on its own until the queue dead-letters it, so nothing is
/// dropped without a trace.
pub fn split_valid(messages: &[String]) -> (Vec<usize>, Vec<usize>) {
    (0..messages.len()).partition(|&i| {
        messages
            .get(i)
            .is_some_and(|m| serde_json::from_str::<ScanEvent>(m).is_ok())
    })
}

/// `{"events":[…]}` from messages that are each one event's JSON, signed.
pub fn request(
    config: &EdgeConfig,
    events: &[&str],
    now_s: i64,
) -> Result<IngestRequest, IngestError> {
    let url = config
        .ingest_url
        .as_deref()
        .ok_or(IngestError::NoIngestUrl)?;
    let parts =
        UrlParts::parse(url).filter(|_| url.starts_with("http://") || url.starts_with("https://"));
    let parts = parts.ok_or(IngestError::NoIngestUrl)?;
    let path_and_query = parts.path_and_query();
    let mut body = String::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 12);
    body.push_str("{\"events\":[");
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(event);
    }
    body.push_str("]}");
    let signature = signing::sign(
        config.signing_secret(),
        "POST",
        &path_and_query,
        now_s,
        body.as_bytes(),
    )
    .map_err(|_| IngestError::NoSecret)?;
    Ok(IngestRequest {
        url: url.to_owned(),
        body,
        timestamp: now_s.to_string(),
        signature,
    })
}

/// Exponential backoff from 5 s, capped at 5 minutes, by delivery attempt.
pub fn retry_delay_seconds(attempts: u32) -> u32 {
    const BASE: u32 = 5;
    const CAP: u32 = 300;
    BASE.saturating_mul(
        1u32.checked_shl(attempts.saturating_sub(1))
            .unwrap_or(u32::MAX),
    )
    .min(CAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: Option<&str>) -> EdgeConfig {
        EdgeConfig {
            dev_mode: false,
            default_hosts: Vec::new(),
            ingest_url: url.map(str::to_owned),
            secrets: vec![b"edge-secret".to_vec()],
        }
    }

    #[test]
    fn a_batch_is_one_signed_json_body() {
        let events = [r#"{"a":1}"#, r#"{"b":2}"#];
        let request = request(
            &config(Some("http://127.0.0.1:9/v1/ingest?src=edge")),
            &events,
            1_795_176_000,
        )
        .unwrap();
        assert_eq!(request.body, r#"{"events":[{"a":1},{"b":2}]}"#);
        let verified = signing::verify(
            &[b"edge-secret"],
            "POST",
            "/v1/ingest?src=edge",
            1_795_176_000,
            request.body.as_bytes(),
            &request.signature,
            1_795_176_000,
        );
        assert_eq!(verified, Ok(()));
    }

    #[test]
    fn sending_needs_an_ingest_url_and_a_secret() {
        assert_eq!(
            request(&config(None), &[], 0),
            Err(IngestError::NoIngestUrl)
        );
        assert_eq!(
            request(&config(Some("ftp://x/")), &[], 0),
            Err(IngestError::NoIngestUrl)
        );
        let mut no_secret = config(Some("https://api.example/ingest"));
        no_secret.secrets.clear();
        assert_eq!(request(&no_secret, &[], 0), Err(IngestError::NoSecret));
    }

    #[test]
    fn retries_back_off_to_a_cap() {
        let delays: Vec<u32> = (0..8).map(retry_delay_seconds).collect();
        assert_eq!(delays, vec![5, 5, 10, 20, 40, 80, 160, 300]);
        assert_eq!(retry_delay_seconds(u32::MAX), 300);
    }

    #[test]
    fn only_scan_events_are_sent() {
        let messages = vec!["not json".to_owned(), "{}".to_owned()];
        assert_eq!(split_valid(&messages), (vec![], vec![0, 1]));
    }
}
