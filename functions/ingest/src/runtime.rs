//! Start-up for the Lambda main (and anything else that serves ingest):
//! logs, typed config and the queue adapter, built once.

use std::sync::Arc;

use crate::config::{ConfigError, IngestConfig, QueueConfig};
use crate::handler::IngestState;
use crate::queue::ScanQueue;
use crate::queue::memory::MemoryQueue;
use crate::queue::sqs::SqsQueue;

/// JSON log lines (CloudWatch indexes the fields); `RUST_LOG` filters.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .try_init();
}

/// The adapter `config` names. A memory queue lives and dies with this
/// process: in a Lambda, accepted events would never reach the rollup.
pub fn queue_from_config(config: &QueueConfig) -> Arc<dyn ScanQueue> {
    match config {
        QueueConfig::Memory => {
            tracing::warn!(
                "the scan queue is in memory: set SCANLY_SCAN_QUEUE_URL (or SCANLY_QUEUE=sqs) \
                 to send accepted events to SQS"
            );
            Arc::new(MemoryQueue::new())
        }
        QueueConfig::Sqs { queue_url, dlq_url } => {
            Arc::new(SqsQueue::from_env(queue_url.clone(), dlq_url.clone()))
        }
    }
}

pub fn state_from_env() -> Result<IngestState, ConfigError> {
    let config = IngestConfig::from_env()?;
    Ok(IngestState::new(
        config.secrets,
        queue_from_config(&config.queue),
    ))
}
