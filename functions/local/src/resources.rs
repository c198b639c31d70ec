//! `SCANLY_CREATE_RESOURCES=1`: against local servers that speak the AWS
//! protocols (DynamoDB Local, moto), create what `template.yaml` creates in
//! production — the table, the buckets, the scan queue and its dead-letter
//! queue — if they are not there yet. Never meant for real AWS accounts
//! (the stack owns those resources), hence the explicit switch.

use aws_config::BehaviorVersion;
use scanly_api::objects::s3::S3Objects;
use scanly_api::store::dynamo::DynamoStore;
use scanly_ingest::queue::sqs::SqsQueue;

use crate::var;

/// Receives before a scan message is dead-lettered, as in template.yaml.
const MAX_RECEIVES: u32 = 5;

pub fn requested() -> bool {
    var("SCANLY_CREATE_RESOURCES").as_deref() == Some("1")
}

/// Creates the table (`SCANLY_STORE=dynamodb`, `SCANLY_TABLE`), the buckets
/// (`SCANLY_BUCKET`, `SCANLY_ARCHIVE_BUCKET`) and, for
/// `SCANLY_SCAN_QUEUE_NAME`, the queue pair, which it returns (its URL is
/// only known now).
pub async fn create() -> Result<Option<SqsQueue>, String> {
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    if var("SCANLY_STORE").as_deref() == Some("dynamodb") {
        let table = var("SCANLY_TABLE").ok_or("SCANLY_STORE=dynamodb needs SCANLY_TABLE")?;
        let client = aws_sdk_dynamodb::Client::new(&config);
        let exists = client
            .describe_table()
            .table_name(&table)
            .send()
            .await
            .is_ok();
        if !exists {
            DynamoStore::create_table(&client, &table)
                .await
                .map_err(|e| format!("creating the table {table}: {e}"))?;
            tracing::info!(%table, "created the table");
        }
    }
    for name in ["SCANLY_BUCKET", "SCANLY_ARCHIVE_BUCKET"] {
        if let Some(bucket) = var(name) {
            S3Objects::from_env(bucket.clone())
                .create_bucket()
                .await
                .map_err(|e| format!("creating the bucket {bucket}: {e}"))?;
            tracing::info!(%bucket, "the bucket is there");
        }
    }
    match (var("SCANLY_SCAN_QUEUE_URL"), var("SCANLY_SCAN_QUEUE_NAME")) {
        (None, Some(name)) => {
            let client = aws_sdk_sqs::Client::new(&config);
            let queue = SqsQueue::create_pair(client, &name, MAX_RECEIVES)
                .await
                .map_err(|e| format!("creating the queue {name}: {e}"))?;
            tracing::info!(queue_url = queue.queue_url(), "the scan queue is there");
            Ok(Some(queue))
        }
        _ => Ok(None),
    }
}
