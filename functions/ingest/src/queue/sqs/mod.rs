//! The SQS adapter (`aws-sdk-sqs`) on one queue URL, with its dead-letter
//! queue's URL for operations (`DeadLetters`).
//!
//! - The client comes from the standard AWS environment on first use;
//!   `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL` points it at a local
//!   server (moto).
//! - Durations become SQS's whole seconds: a visibility timeout is rounded
//!   up (a message stays hidden at least as long as asked), a wait down (a
//!   receive returns within the time asked), each clamped to SQS's range.
//! - Redrive is receive → send → delete on the two URLs, which works on
//!   any SQS-compatible server; production uses
//!   `aws sqs start-message-move-task` (docs/analytics.md).

mod answers;
mod create;
mod redrive;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::BehaviorVersion;
use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, MessageSystemAttributeName, SendMessageBatchRequestEntry,
};
use tokio::sync::OnceCell;

use self::answers::{outcomes, refused, seconds_down, seconds_up, send_error, unavailable};
use super::{
    MAX_BATCH, MAX_VISIBILITY, MAX_WAIT, QueueError, Received, ScanQueue, check_receive, check_send,
};

#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: ClientSource,
    queue_url: String,
    dlq_url: Option<String>,
}

#[derive(Debug, Clone)]
enum ClientSource {
    Ready(Client),
    /// Built from the environment on first use (the SDK's loader is async,
    /// start-up is not), once, shared by clones.
    FromEnv(Arc<OnceCell<Client>>),
}

/// The endpoint override the SDK will use, if any (`AWS_ENDPOINT_URL_SQS`
/// wins over `AWS_ENDPOINT_URL`, as in aws-config).
fn endpoint_override() -> Option<String> {
    ["AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
}

impl SqsQueue {
    /// The queue at `queue_url` (and its DLQ at `dlq_url`) through `client`.
    pub fn new(client: Client, queue_url: impl Into<String>, dlq_url: Option<String>) -> Self {
        Self {
            client: ClientSource::Ready(client),
            queue_url: queue_url.into(),
            dlq_url,
        }
    }

    /// The same with a client from the standard AWS environment, loaded on
    /// first use.
    pub fn from_env(queue_url: impl Into<String>, dlq_url: Option<String>) -> Self {
        Self {
            client: ClientSource::FromEnv(Arc::new(OnceCell::new())),
            queue_url: queue_url.into(),
            dlq_url,
        }
    }

    /// The client settings this adapter relies on, applied to `builder`
    /// (and `endpoint`, a local server, when given).
    pub fn configure(
        builder: aws_sdk_sqs::config::Builder,
        endpoint: Option<&str>,
    ) -> aws_sdk_sqs::config::Builder {
        let builder = builder.behavior_version(BehaviorVersion::latest());
        match endpoint {
            Some(endpoint) => builder.endpoint_url(endpoint),
            None => builder,
        }
    }

    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }

    pub fn dlq_url(&self) -> Option<&str> {
        self.dlq_url.as_deref()
    }

    async fn client(&self) -> &Client {
        match &self.client {
            ClientSource::Ready(client) => client,
            ClientSource::FromEnv(cell) => {
                cell.get_or_init(|| async {
                    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
                    let endpoint = endpoint_override();
                    let builder = aws_sdk_sqs::config::Builder::from(&sdk);
                    Client::from_conf(Self::configure(builder, endpoint.as_deref()).build())
                })
                .await
            }
        }
    }

    fn dlq(&self) -> Result<&str, QueueError> {
        self.dlq_url.as_deref().ok_or(QueueError::NoDeadLetterQueue)
    }

    /// One `SendMessageBatch` to `url`, without the port's checks.
    async fn send_batch(
        &self,
        url: &str,
        bodies: &[String],
    ) -> Result<Vec<Result<(), QueueError>>, QueueError> {
        if bodies.is_empty() {
            return Ok(Vec::new());
        }
        let entries = bodies
            .iter()
            .enumerate()
            .map(|(index, body)| {
                SendMessageBatchRequestEntry::builder()
                    .id(index.to_string())
                    .message_body(body)
                    .build()
                    .map_err(|e| QueueError::Invalid(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client()
            .await
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(send_error)?;
        Ok(outcomes(
            bodies.len(),
            output.successful().iter().map(|s| s.id()),
            output.failed(),
        ))
    }

    /// `DeleteMessageBatch`es on `url`; every chunk is tried, the first
    /// failure reported.
    async fn delete_from(&self, url: &str, receipts: &[String]) -> Result<(), QueueError> {
        // SQS refuses a batch naming one receipt twice.
        let unique: BTreeSet<&str> = receipts.iter().map(String::as_str).collect();
        let unique: Vec<&str> = unique.into_iter().collect();
        let mut first_error = None;
        for chunk in unique.chunks(MAX_BATCH) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(index, receipt)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(index.to_string())
                        .receipt_handle(*receipt)
                        .build()
                        .map_err(|e| QueueError::Invalid(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let result = self
                .client()
                .await
                .delete_message_batch()
                .queue_url(url)
                .set_entries(Some(entries))
                .send()
                .await;
            let error = match result {
                Ok(output) => output.failed().first().map(refused),
                Err(error) => Some(unavailable(error)),
            };
            if first_error.is_none() {
                first_error = error;
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn receive_from(
        &self,
        url: &str,
        max: usize,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        check_receive(max)?;
        let output = self
            .client()
            .await
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(i32::try_from(max).unwrap_or(1))
            .visibility_timeout(seconds_up(visibility.min(MAX_VISIBILITY)))
            .wait_time_seconds(seconds_down(wait.min(MAX_WAIT)))
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(output
            .messages()
            .iter()
            .filter_map(|message| {
                let receive_count = message
                    .attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|count| count.parse().ok())
                    .unwrap_or(1);
                Some(Received {
                    message_id: message.message_id()?.to_owned(),
                    receipt: message.receipt_handle()?.to_owned(),
                    body: message.body().unwrap_or_default().to_owned(),
                    receive_count,
                })
            })
            .collect())
    }
}

#[async_trait]
impl ScanQueue for SqsQueue {
    async fn send(&self, bodies: &[String]) -> Result<Vec<Result<(), QueueError>>, QueueError> {
        check_send(bodies)?;
        self.send_batch(&self.queue_url, bodies).await
    }

    async fn receive(
        &self,
        max: usize,
        visibility: Duration,
        wait: Duration,
    ) -> Result<Vec<Received>, QueueError> {
        self.receive_from(&self.queue_url, max, visibility, wait)
            .await
    }

    async fn delete(&self, receipts: &[String]) -> Result<(), QueueError> {
        self.delete_from(&self.queue_url, receipts).await
    }
}
