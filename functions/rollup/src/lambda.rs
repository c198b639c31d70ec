//! The SQS event as Lambda delivers it, and the partial-batch response
//! (`ReportBatchItemFailures`): only the failed messages come back.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};

use crate::process::{Delivery, Rollup};

pub async fn handle(rollup: &Rollup, event: SqsEvent) -> SqsBatchResponse {
    let deliveries: Vec<Delivery> = event
        .records
        .into_iter()
        .filter_map(|record| {
            // A record without an id could not be reported as failed; SQS
            // always sets one.
            let message_id = record.message_id?;
            Some(Delivery {
                message_id,
                body: record.body.unwrap_or_default(),
            })
        })
        .collect();
    let outcome = rollup.process(&deliveries).await;
    let mut response = SqsBatchResponse::default();
    for message_id in outcome.failed {
        response.add_failure(message_id);
    }
    response
}
