//! The dead-letter queue by hand: receive → send → delete on the two
//! URLs, which works on any SQS-compatible server (production uses
//! `aws sqs start-message-move-task`, docs/analytics.md).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::types::QueueAttributeName;

use super::SqsQueue;
use super::answers::unavailable;
use crate::queue::{DeadLetters, MAX_BATCH, MAX_MESSAGE_BYTES, QueueError};

/// How long redriven dead letters stay hidden in the DLQ while they are
/// copied: one that fails to copy reappears there after this.
const REDRIVE_VISIBILITY: Duration = Duration::from_secs(60);

/// Consecutive groups of ≤ 10 bodies and ≤ 256 KiB (a larger body alone).
fn send_groups(bodies: &[String]) -> Vec<&[String]> {
    let mut groups = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, body) in bodies.iter().enumerate() {
        let full = index - start >= MAX_BATCH || bytes + body.len() > MAX_MESSAGE_BYTES;
        if index > start && full {
            groups.extend(bodies.get(start..index));
            (start, bytes) = (index, 0);
        }
        bytes += body.len();
    }
    if start < bodies.len() {
        groups.extend(bodies.get(start..));
    }
    groups
}

#[async_trait]
impl DeadLetters for SqsQueue {
    async fn dead_letter_count(&self) -> Result<usize, QueueError> {
        let output = self
            .client()
            .await
            .get_queue_attributes()
            .queue_url(self.dlq()?)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .map_err(unavailable)?;
        let count = |name: &QueueAttributeName| {
            output
                .attributes()
                .and_then(|a| a.get(name))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0)
        };
        Ok(count(&QueueAttributeName::ApproximateNumberOfMessages)
            + count(&QueueAttributeName::ApproximateNumberOfMessagesNotVisible))
    }

    async fn redrive(&self) -> Result<usize, QueueError> {
        let dlq = self.dlq()?.to_owned();
        let mut moved = 0;
        let mut first_error = None;
        loop {
            // Received messages stay hidden while copied, so the loop ends
            // when every dead letter has been seen once.
            let batch = self
                .receive_from(&dlq, MAX_BATCH, REDRIVE_VISIBILITY, Duration::from_secs(1))
                .await?;
            if batch.is_empty() {
                break;
            }
            let bodies: Vec<String> = batch.iter().map(|m| m.body.clone()).collect();
            let mut copied = Vec::new();
            let mut offset = 0;
            for group in send_groups(&bodies) {
                let results = match self.send_batch(&self.queue_url, group).await {
                    Ok(results) => results,
                    Err(error) => vec![Err(error); group.len()],
                };
                for (index, result) in results.into_iter().enumerate() {
                    match (result, batch.get(offset + index)) {
                        (Ok(()), Some(message)) => copied.push(message.receipt.clone()),
                        (Err(error), _) => {
                            first_error.get_or_insert(error);
                        }
                        (Ok(()), None) => {}
                    }
                }
                offset += group.len();
            }
            moved += copied.len();
            if let Err(error) = self.delete_from(&dlq, &copied).await {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(moved), Err)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn redriven_bodies_are_sent_in_groups_within_the_batch_limits() {
        let small: Vec<String> = (0..23).map(|i| i.to_string()).collect();
        let sizes: Vec<usize> = send_groups(&small).iter().map(|g| g.len()).collect();
        assert_eq!(sizes, [10, 10, 3]);
        let big = vec!["x".repeat(200 * 1024), "y".repeat(100 * 1024), "z".into()];
        let sizes: Vec<usize> = send_groups(&big).iter().map(|g| g.len()).collect();
        assert_eq!(sizes, [1, 2]);
        let huge = vec!["x".repeat(300 * 1024)];
        assert_eq!(send_groups(&huge).len(), 1, "alone, never dropped");
        assert!(send_groups(&[]).is_empty());
    }
}
