//! Hourly stats documents (`Stats`, docs/analytics.md): one item per scope
//! and hour, `WS#<ws>#STATS#LINK#<link>` or `WS#<ws>#STATS#WS` /
//! `HOUR#<hour:010>`, holding the document (`doc`, binary, opaque here) and
//! its `version`. The rollup reads them with consistent `BatchGetItem`s and
//! writes each with a `PutItem` conditioned on the version it read; the
//! analytics queries read a scope's hours with one (paged) `Query`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, ReturnValuesOnConditionCheckFailure,
};
use scanly_shared::ids::WorkspaceId;

use super::{
    DynamoStore, Item, build_error, corrupt, get_n, get_s, item, keys, n, names, s, sdk_error,
    values,
};
use crate::store::{
    STATS_HOURS, Stats, StatsKey, StatsScope, StoreError, StoredStats, next_stats_version,
    stats_hours,
};

/// Keys one `BatchGetItem` takes at most.
const BATCH_GET_KEYS: usize = 100;
/// `BatchGetItem` calls in a row that read nothing (every key left
/// unprocessed: throttling) after which `stats` gives up.
const BATCH_GET_STALLS: u32 = 6;
/// The back-off after a call that read nothing, doubling up to the cap.
const BATCH_GET_FIRST_DELAY: Duration = Duration::from_millis(25);
const BATCH_GET_MAX_DELAY: Duration = Duration::from_millis(800);

/// An item's table key as a map key.
type ItemKey = (String, String);

fn item_key(key: &keys::Key) -> ItemKey {
    (key.pk.clone(), key.sk.clone())
}

/// A stats item's key (`None`: an hour no item can have) for a `StatsKey`.
fn stored_key(key: &StatsKey) -> Option<ItemKey> {
    STATS_HOURS
        .contains(&key.hour)
        .then(|| item_key(&keys::stats(key)))
}

/// The document and version of a stats item, taken out of it.
fn take_stats(item: &mut Item) -> Result<StoredStats, StoreError> {
    let version = get_n(item, "version").ok_or_else(|| corrupt("stats"))?;
    match item.remove("doc") {
        Some(AttributeValue::B(doc)) => Ok(StoredStats {
            bytes: doc.into_inner(),
            version,
        }),
        _ => Err(corrupt("stats")),
    }
}

impl DynamoStore {
    /// Reads the stats items `chunk` (at most 100 distinct keys) into
    /// `found`, retrying the keys DynamoDB leaves unprocessed (a response
    /// holds at most 16 MB, ~45 documents of 350 KB; or throttling). A call
    /// that read something is followed at once; one that read nothing
    /// waits, and after `BATCH_GET_STALLS` of those in a row the read fails.
    async fn batch_get_stats(
        &self,
        chunk: &[keys::Key],
        found: &mut HashMap<ItemKey, StoredStats>,
    ) -> Result<(), StoreError> {
        let mut pending: Vec<Item> = chunk.iter().map(keys::Key::item).collect();
        let mut delay = BATCH_GET_FIRST_DELAY;
        let mut stalls = 0;
        while !pending.is_empty() {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .projection_expression("#pk, #sk, #doc, #version")
                .set_expression_attribute_names(Some(names(["pk", "sk", "doc", "version"])))
                .build()
                .map_err(build_error)?;
            let output = self
                .client()
                .await
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await
                .map_err(|e| sdk_error("BatchGetItem", e))?;
            let items = output
                .responses
                .and_then(|mut responses| responses.remove(&self.table))
                .unwrap_or_default();
            let read = items.len();
            for mut item in items {
                let key = match (get_s(&item, "pk"), get_s(&item, "sk")) {
                    (Some(pk), Some(sk)) => (pk.to_owned(), sk.to_owned()),
                    _ => return Err(corrupt("stats")),
                };
                found.insert(key, take_stats(&mut item)?);
            }
            pending = output
                .unprocessed_keys
                .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                .map(|left| left.keys)
                .unwrap_or_default();
            if pending.is_empty() {
                break;
            }
            if read > 0 {
                // Cut short by the response size: carry on.
                stalls = 0;
                delay = BATCH_GET_FIRST_DELAY;
                continue;
            }
            stalls += 1;
            if stalls >= BATCH_GET_STALLS {
                return Err(StoreError::Unavailable(format!(
                    "DynamoDB BatchGetItem left {} stats keys unprocessed {stalls} times in a row",
                    pending.len()
                )));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(BATCH_GET_MAX_DELAY);
        }
        Ok(())
    }

    /// The stored version of a stats item (consistent), 0 when absent.
    async fn stats_version(&self, key: &StatsKey) -> Result<u64, StoreError> {
        let output = self
            .client()
            .await
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::stats(key).item()))
            .projection_expression("#version")
            .set_expression_attribute_names(Some(names(["version"])))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("GetItem", e))?;
        match output.item {
            None => Ok(0),
            Some(item) => get_n(&item, "version").ok_or_else(|| corrupt("stats")),
        }
    }
}

#[async_trait]
impl Stats for DynamoStore {
    async fn stats(&self, requested: &[StatsKey]) -> Result<Vec<Option<StoredStats>>, StoreError> {
        let wanted: Vec<Option<ItemKey>> = requested.iter().map(stored_key).collect();
        // Each item once: BatchGetItem refuses a request with a key twice.
        let mut distinct: Vec<keys::Key> = Vec::new();
        let mut seen: HashSet<&ItemKey> = HashSet::new();
        for key in wanted.iter().flatten() {
            if seen.insert(key) {
                distinct.push(keys::Key {
                    pk: key.0.clone(),
                    sk: key.1.clone(),
                });
            }
        }
        let mut found = HashMap::new();
        for chunk in distinct.chunks(BATCH_GET_KEYS) {
            self.batch_get_stats(chunk, &mut found).await?;
        }
        // Back in the caller's order; a document asked for twice is copied,
        // otherwise moved.
        let last: HashMap<&ItemKey, usize> = wanted
            .iter()
            .enumerate()
            .filter_map(|(at, key)| key.as_ref().map(|key| (key, at)))
            .collect();
        Ok(wanted
            .iter()
            .enumerate()
            .map(|(at, key)| {
                let key = key.as_ref()?;
                if last.get(key) == Some(&at) {
                    found.remove(key)
                } else {
                    found.get(key).cloned()
                }
            })
            .collect())
    }

    async fn put_stats(
        &self,
        key: &StatsKey,
        bytes: &[u8],
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let version = next_stats_version(key, bytes, expected_version)?;
        let stored = item(
            [keys::stats(key).item()],
            [
                ("entity", s("stats")),
                ("doc", AttributeValue::B(Blob::new(bytes))),
                ("version", n(version)),
            ],
        );
        let request = self
            .client()
            .await
            .put_item()
            .table_name(&self.table)
            .set_item(Some(stored))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let request = if expected_version == 0 {
            request
                .condition_expression("attribute_not_exists(#pk)")
                .set_expression_attribute_names(Some(names(["pk"])))
        } else {
            request
                .condition_expression("#version = :expected")
                .set_expression_attribute_names(Some(names(["version"])))
                .set_expression_attribute_values(Some(values([(":expected", n(expected_version))])))
        };
        let error = match request.send().await {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        let Some(PutItemError::ConditionalCheckFailedException(failed)) = error.as_service_error()
        else {
            return Err(sdk_error("PutItem", error));
        };
        // The item as the condition found it; without one, read it (absent: 0).
        let current = match failed.item().and_then(|old| get_n(old, "version")) {
            Some(current) => current,
            None => self.stats_version(key).await?,
        };
        Err(StoreError::VersionConflict { current })
    }

    async fn stats_range(
        &self,
        workspace: &WorkspaceId,
        scope: &StatsScope,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<(i64, StoredStats)>, StoreError> {
        let hours = stats_hours(from_hour, to_hour);
        if hours.is_empty() {
            return Ok(Vec::new());
        }
        let bounds = values([
            (":pk", s(keys::stats_partition(workspace, scope))),
            (":from", s(keys::stats_hour(hours.start))),
            (":to", s(keys::stats_hour(hours.end - 1))),
        ]);
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            // Eventually consistent: half the read cost of a consistent
            // query, for reports that may lag the rollup by a moment.
            let output = self
                .client()
                .await
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .projection_expression("#sk, #doc, #version")
                .set_expression_attribute_names(Some(names(["pk", "sk", "doc", "version"])))
                .set_expression_attribute_values(Some(bounds.clone()))
                .consistent_read(false)
                .limit(self.page_limit(usize::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            for mut item in output.items.unwrap_or_default() {
                let hour = get_s(&item, "sk")
                    .and_then(|sk| sk.strip_prefix("HOUR#"))
                    .and_then(|hour| hour.parse().ok())
                    .ok_or_else(|| corrupt("stats"))?;
                found.push((hour, take_stats(&mut item)?));
            }
            match output.last_evaluated_key {
                Some(last) => start = Some(last),
                None => return Ok(found),
            }
        }
    }
}
