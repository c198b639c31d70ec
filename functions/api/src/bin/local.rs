//! The API on a local HTTP server (SCANLY_API_ADDR, default 127.0.0.1:8788),
//! with the outbox drained every 2 s so edits reach a local edge that was
//! down when they were made.

use std::time::Duration;

use scanly_api::runtime::{init_tracing, state_from_env};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    init_tracing();
    if std::env::var("SCANLY_CREATE_TABLE").as_deref() == Ok("1") {
        create_local_table().await?;
    }
    let state = state_from_env()?;
    let addr = std::env::var("SCANLY_API_ADDR").unwrap_or_else(|_| "127.0.0.1:8788".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!(%addr, "scanly api listening");
    let drainer = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            if let Err(error) = drainer.publishing.drain(drainer.now_ms()).await {
                tracing::warn!(%error, "outbox drain failed");
            }
        }
    });
    let app =
        scanly_api::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).await?;
    Ok(())
}

/// For `SCANLY_STORE=dynamodb` against DynamoDB Local: the table, once.
async fn create_local_table() -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::var("SCANLY_TABLE")?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let exists = client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .is_ok();
    if !exists {
        scanly_api::store::dynamo::DynamoStore::create_table(&client, &table).await?;
        tracing::info!(%table, "created the local table");
    }
    Ok(())
}
