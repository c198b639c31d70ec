//! Creating a scan queue and its dead-letter queue, for a local SQS-speaking
//! server (moto) in development and tests. Production queues come from
//! `template.yaml`, with the same redrive policy.

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;

use super::SqsQueue;
use super::answers::unavailable;
use crate::queue::QueueError;

impl SqsQueue {
    /// `name` and `name-dlq`, the first dead-lettering into the second
    /// after `max_receives` receives (CreateQueue returns the existing
    /// queue when it is already there with these attributes).
    pub async fn create_pair(
        client: Client,
        name: &str,
        max_receives: u32,
    ) -> Result<Self, QueueError> {
        let dlq_url = client
            .create_queue()
            .queue_name(format!("{name}-dlq"))
            .send()
            .await
            .map_err(unavailable)?
            .queue_url
            .ok_or_else(|| QueueError::Unavailable("CreateQueue returned no URL".into()))?;
        let dlq_arn = client
            .get_queue_attributes()
            .queue_url(&dlq_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(unavailable)?
            .attributes
            .and_then(|mut attributes| attributes.remove(&QueueAttributeName::QueueArn))
            .ok_or_else(|| QueueError::Unavailable("the dead-letter queue has no ARN".into()))?;
        let redrive =
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":{max_receives}}}"#);
        let queue_url = client
            .create_queue()
            .queue_name(name)
            .attributes(QueueAttributeName::RedrivePolicy, redrive)
            .send()
            .await
            .map_err(unavailable)?
            .queue_url
            .ok_or_else(|| QueueError::Unavailable("CreateQueue returned no URL".into()))?;
        Ok(Self::new(client, queue_url, Some(dlq_url)))
    }
}
