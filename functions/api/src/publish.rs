//! Publishing links to the edge. Every change is stored together with its
//! outbox job (`job` builds them; the `Links` port writes both at once),
//! then the job is attempted at once (`Publishing::attempt`); what fails
//! stays in the outbox and is retried with backoff (`drain`), so the edge
//! eventually has every change.

use std::sync::Arc;

use async_trait::async_trait;
use scanly_shared::publish::record_path;
use scanly_shared::{Hostname, ShortCode, signing};

use crate::model::{Link, PublishJob, PublishOp};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    #[error("the edge is unreachable: {0}")]
    Unreachable(String),
    #[error("the edge refused the publish with status {0}")]
    Refused(u16),
}

/// What the edge did with a PUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Written,
    /// The edge already has a newer version (409): nothing to retry.
    Superseded,
}

/// The edge's signed publish channel (`PUT|DELETE /_scanly/records/{host}/{code}`).
#[async_trait]
pub trait EdgePublisher: Send + Sync {
    async fn put(
        &self,
        host: &Hostname,
        code: &ShortCode,
        record: Vec<u8>,
    ) -> Result<PutOutcome, PublishError>;
    async fn delete(&self, host: &Hostname, code: &ShortCode) -> Result<(), PublishError>;
}

/// The production adapter: HTTPS to the Worker, HMAC-signed.
#[derive(Debug, Clone)]
pub struct HttpEdgePublisher {
    client: reqwest::Client,
    base_url: String,
    secret: Vec<u8>,
}

impl HttpEdgePublisher {
    pub fn new(base_url: &str, secret: Vec<u8>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            secret,
        }
    }

    async fn send(&self, method: &str, path: String, body: Vec<u8>) -> Result<u16, PublishError> {
        let now = chrono::Utc::now().timestamp();
        let signature = signing::sign(&self.secret, method, &path, now, &body)
            .map_err(|e| PublishError::Unreachable(e.to_string()))?;
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| PublishError::Unreachable(e.to_string()))?;
        let response = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .header(signing::TIMESTAMP_HEADER, now.to_string())
            .header(signing::SIGNATURE_HEADER, signature)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .map_err(|e| PublishError::Unreachable(e.to_string()))?;
        Ok(response.status().as_u16())
    }
}

#[async_trait]
impl EdgePublisher for HttpEdgePublisher {
    async fn put(
        &self,
        host: &Hostname,
        code: &ShortCode,
        record: Vec<u8>,
    ) -> Result<PutOutcome, PublishError> {
        match self.send("PUT", record_path(host, code), record).await? {
            200..=299 => Ok(PutOutcome::Written),
            409 => Ok(PutOutcome::Superseded),
            status => Err(PublishError::Refused(status)),
        }
    }

    async fn delete(&self, host: &Hostname, code: &ShortCode) -> Result<(), PublishError> {
        match self
            .send("DELETE", record_path(host, code), Vec::new())
            .await?
        {
            200..=299 => Ok(()),
            status => Err(PublishError::Refused(status)),
        }
    }
}

/// Backoff after `attempts` failures: 1 s doubling, at most 5 minutes.
pub fn retry_delay_ms(attempts: u32) -> i64 {
    let seconds = 1u64
        .checked_shl(attempts.min(20))
        .unwrap_or(u64::MAX)
        .min(300);
    i64::try_from(seconds * 1000).unwrap_or(300_000)
}

pub struct Publishing {
    store: Arc<dyn Store>,
    edge: Arc<dyn EdgePublisher>,
}

impl std::fmt::Debug for Publishing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publishing").finish_non_exhaustive()
    }
}

impl Publishing {
    pub fn new(store: Arc<dyn Store>, edge: Arc<dyn EdgePublisher>) -> Self {
        Self { store, edge }
    }

    /// Retries what is due; returns how many jobs the edge accepted.
    pub async fn drain(&self, now_ms: i64) -> Result<usize, StoreError> {
        let mut done = 0;
        for job in self.store.due_jobs(now_ms, 100).await? {
            if self.attempt(&job, now_ms).await? {
                done += 1;
            }
        }
        Ok(done)
    }

    /// Tries a job that is already in the outbox (stored with its link
    /// change, or due): `Ok(true)` once the edge has it (the job is then
    /// completed); `Ok(false)` when it stays for a retry with backoff. A
    /// `Put` publishes the link as it is now.
    pub async fn attempt(&self, job: &PublishJob, now_ms: i64) -> Result<bool, StoreError> {
        let outcome = match job.op {
            PublishOp::Put => match self.store.link(&job.workspace_id, &job.link_id).await? {
                // Publish the link as it is now (a later edit supersedes this job).
                Some(link) if link.host == job.host && link.code == job.code => self
                    .edge
                    .put(&link.host, &link.code, link.record().encode())
                    .await
                    .map(|_| Some(link.version)),
                // Deleted or moved since: its own job removes it from the edge.
                _ => Ok(None),
            },
            PublishOp::Delete => self.edge.delete(&job.host, &job.code).await.map(|()| None),
        };
        match outcome {
            Ok(version) => {
                if let Some(version) = version {
                    self.store
                        .mark_published(&job.workspace_id, &job.link_id, version)
                        .await?;
                }
                self.store.complete(job).await?;
                Ok(true)
            }
            Err(error) => {
                tracing::warn!(%error, link = %job.link_id, attempts = job.attempts, "publish failed; will retry");
                let retry = PublishJob {
                    attempts: job.attempts.saturating_add(1),
                    next_attempt_at: now_ms.saturating_add(retry_delay_ms(job.attempts)),
                    ..job.clone()
                };
                self.store.reschedule(&retry).await?;
                Ok(false)
            }
        }
    }
}

/// The outbox job for `op` on `link` as it is (its host, code and
/// version), due at once. Store it with the link change it publishes
/// (`Links::create_link`, `update_link`, `delete_link`), then `attempt` it.
pub fn job(link: &Link, op: PublishOp, now_ms: i64) -> PublishJob {
    PublishJob {
        workspace_id: link.workspace_id.clone(),
        link_id: link.id.clone(),
        host: link.host.clone(),
        code: link.code.clone(),
        op,
        version: link.version,
        attempts: 0,
        next_attempt_at: now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_five_minutes() {
        let delays: Vec<i64> = (0..12).map(retry_delay_ms).collect();
        assert_eq!(&delays[..4], &[1_000, 2_000, 4_000, 8_000]);
        assert_eq!(delays[11], 300_000);
        assert_eq!(retry_delay_ms(u32::MAX), 300_000);
    }
}
