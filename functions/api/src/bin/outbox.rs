//! The outbox drain as a scheduled Lambda (EventBridge, every minute):
//! publishes to the edge whatever an API call could not, with backoff, so
//! no change is lost while the edge is unreachable.

use scanly_api::runtime::{init_tracing, state_from_env};
use scanly_api::{lambda_runtime, lambda_runtime::LambdaEvent};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let state = state_from_env()?;
    lambda_runtime::run(lambda_runtime::service_fn(move |_: LambdaEvent<Value>| {
        let state = state.clone();
        async move {
            let published = state.publishing.drain(state.now_ms()).await?;
            if published > 0 {
                tracing::info!(published, "outbox drained");
            }
            Ok::<_, lambda_runtime::Error>(json!({ "published": published }))
        }
    }))
    .await
}
