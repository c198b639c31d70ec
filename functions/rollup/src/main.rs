//! The rollup as an AWS Lambda on the SQS event source
//! (`ReportBatchItemFailures`): adapters built once, then every batch runs
//! through `Rollup::process`.

use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use scanly_api::runtime::init_tracing;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let rollup = Arc::new(scanly_rollup::config::rollup_from_env()?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let rollup = Arc::clone(&rollup);
        async move {
            Ok::<_, lambda_runtime::Error>(
                scanly_rollup::lambda::handle(&rollup, event.payload).await,
            )
        }
    }))
    .await
}
