//! Rate-limit counters: one item per (counter key, window), counted with an
//! atomic `ADD`, so every Lambda instance sees the same count. The item
//! expires (TTL) a minute after its window ends.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::ReturnValue;

use super::{
    DynamoStore, TTL_ATTRIBUTE, corrupt, get_n, keys, n, names, s, sdk_error, ttl_after, values,
};
use crate::store::{Counters, StoreError};

/// How long a counter outlives its window before the TTL may remove it.
const COUNTER_GRACE_MS: i64 = 60_000;

#[async_trait]
impl Counters for DynamoStore {
    async fn hit(
        &self,
        key: &str,
        window_start_ms: i64,
        window_ms: i64,
    ) -> Result<u64, StoreError> {
        let window_end = window_start_ms.saturating_add(window_ms);
        let output = self
            .client()
            .await
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::rate(key, window_start_ms).item()))
            .update_expression(
                "ADD #hits :one SET #entity = :entity, \
                 #expires_at = if_not_exists(#expires_at, :ttl)",
            )
            .set_expression_attribute_names(Some(names(["hits", "entity", TTL_ATTRIBUTE])))
            .set_expression_attribute_values(Some(values([
                (":one", n(1)),
                (":entity", s("rate")),
                (":ttl", ttl_after(window_end, COUNTER_GRACE_MS)),
            ])))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| sdk_error("UpdateItem", e))?;
        output
            .attributes()
            .and_then(|attributes| get_n(attributes, "hits"))
            .ok_or_else(|| corrupt("rate counter"))
    }
}
