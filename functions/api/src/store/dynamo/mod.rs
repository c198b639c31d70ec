//! The DynamoDB adapter: every port on ONE table, with `aws-sdk-dynamodb`,
//! as specified in `docs/data-model.md` (the contract for this module: keys,
//! attributes and the operations of each port method are described there;
//! this header is the summary).
//!
//! # Keys (`keys.rs`)
//!
//! `pk`/`sk` strings; `gsi1` (`gsi1pk`/`gsi1sk`, projection ALL) overloaded
//! for a user's memberships and a workspace's links and API keys by age;
//! `gsi2` (`gsi2pk`/`gsi2sk`) for outbox jobs by due time; TTL on
//! `expires_at` (epoch seconds, only on items meant to disappear: sessions,
//! refresh tokens, rate counters).
//!
//! | item            | pk                      | sk                    | index keys |
//! |-----------------|-------------------------|-----------------------|------------|
//! | workspace       | `WS#<ws>`               | `WORKSPACE`           | |
//! | membership      | `WS#<ws>`               | `MEMBER#<user>`       | gsi1 `USER#<user>` / `<joined_at:013>#<ws>` |
//! | link            | `WS#<ws>`               | `LINK#<link>`         | gsi1 `WS#<ws>#LINKS` / `<created_at:013>#<link>` |
//! | outbox job      | `WS#<ws>`               | `OUTBOX#<host>#<code>`| gsi2 `OUTBOX` / `<next_attempt_at:013>#<ws>#<host>#<code>` |
//! | user            | `USER#<user>`           | `PROFILE`             | |
//! | session family  | `USER#<user>`           | `SESSION#<family>`    | |
//! | refresh token   | `REFRESH#<token hash>`  | `REFRESH`             | |
//! | email claim     | `EMAIL#<email, lower>`  | `EMAIL`               | |
//! | code claim      | `CODE#<host>#<code>`    | `CODE`                | |
//! | API key         | `APIKEY#<key id>`       | `APIKEY`              | gsi1 `WS#<ws>#APIKEYS` / `<created_at:013>#<key id>` |
//! | rate counter    | `RATE#<sha256(key)>`    | `<window_start:013>`  | |
//! | link-hour stats | `WS#<ws>#STATS#LINK#<link>` | `HOUR#<hour:010>` | |
//! | workspace-hour stats | `WS#<ws>#STATS#WS` | `HOUR#<hour:010>`   | |
//!
//! Every tenant-owned key (`pk`, or `gsi1pk` of the by-age listings) starts
//! with `WS#<workspace id>` and is built from the `WorkspaceId` the port
//! method is given; an API key item also carries its `workspace_id`, and
//! deleting it is conditioned on the caller's; a link cursor carries only a
//! position (`<created_at>|<link_id>`, the embedded store's format), and the
//! start key is rebuilt from the caller's workspace.
//!
//! # Attributes
//!
//! A link is stored as `doc`, the `serde_json` string of `model::Link` (the
//! same serde the API speaks; one mapping, not two), beside top-level copies
//! for conditions, listing and filters (`version` and `published_version`
//! are authoritative over the copies in `doc`; `tags` is a list;
//! `search_code`/`search_title`/`search_destination` are lower-cased for
//! the `contains` filters). Users, workspaces, memberships, sessions,
//! outbox jobs and API keys are small and flat: one attribute per field (an
//! API key's scopes a list of their names, its expiry `key_expires_at`, not
//! the TTL attribute). Every item has an `entity` attribute naming its kind.
//!
//! # Behaviour worth knowing
//!
//! - Uniqueness (emails, codes per host) is a claim item written with
//!   `attribute_not_exists(pk)` in the same `TransactWriteItems` as its
//!   owner; which item failed comes from the cancellation reasons.
//! - Link writes (`create_link`, `update_link`, `delete_link`) put their
//!   publish jobs (`OUTBOX#` items, `outbox.rs`) in their own
//!   `TransactWriteItems`, so a change and its job are stored together or
//!   not at all; an edit that keeps its code is a two-item transaction.
//! - Link writes are conditioned on `version = expected`; the current
//!   version comes back with `ReturnValuesOnConditionCheckFailure=ALL_OLD`.
//!   `update_link` never writes `published_version` (only `mark_published`
//!   does, and never backwards), so an edit cannot undo a confirmation.
//! - Authorising reads are consistent `GetItem`s; the indexes serve lists
//!   only and may lag (DynamoDB Local's never do). `workspaces_of` reads the
//!   personal workspace's membership directly, so it is there right after
//!   signup.
//! - `links` filters server-side and pages on until `limit + 1` matches or
//!   the end, but at most [`MAX_LIST_PAGES`] DynamoDB pages per call; a page
//!   cut short there carries a cursor at the last item examined.
//! - The outbox index has a single partition (`OUTBOX`): it holds only
//!   unconfirmed publishes, one write per link change; a bounded, ordered
//!   query beats a Scan. Shard it if that ever changes.
//! - Transactions cancelled only by `TransactionConflict` are retried a few
//!   times with a short back-off.
//! - A membership copies its workspace's name and creation time (for
//!   `workspaces_of`), never its user: `members` reads the members' user
//!   items (`GetItem`s, a few at a time; `BatchGetItem` is not granted), so
//!   it returns the current `User`. Membership changes are transactions
//!   with the workspace item, which must exist and counts its owners
//!   (`owner_count`); they are conditioned on the role read just before and
//!   re-read on a race.
//! - Rate counters are one `UpdateItem` (`ADD hits :one`) per hit on an
//!   item per counter key and window, which the TTL removes a minute after
//!   the window ends.
//! - Stats documents (`stats.rs`) are binary `doc`s the store never looks
//!   into, one item per scope and hour, each in its own partition per
//!   scope so a range is one `Query`. Reads for the rollup are consistent
//!   `BatchGetItem`s (100 keys per call, duplicates merged, unprocessed
//!   keys retried); writes are `PutItem`s conditioned on the version read;
//!   the analytics queries read ranges eventually consistently.
//!
//! # Where this differs from the letter of docs/data-model.md
//!
//! - Releasing a code claim is conditioned on `attribute_not_exists(pk) OR
//!   link_id = :id`, so a link whose claim went missing can still be
//!   deleted or moved (another link's claim is still never released).
//! - Revoking a session is conditioned on `attribute_exists(pk)`, so it
//!   never creates a stub session item.
//! - Session bookkeeping times (`created_at`, `updated_at`, `revoked_at`
//!   where the port passes no time) come from the wall clock.

mod accounts;
mod api_keys;
mod counters;
pub mod keys;
mod links;
mod members;
mod outbox;
mod sessions;
mod stats;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::BehaviorVersion;
use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, CancellationReason, GlobalSecondaryIndex,
    IndexStatus, KeySchemaElement, KeyType, Projection, ProjectionType, Put, ScalarAttributeType,
    TableStatus, TimeToLiveSpecification, TransactWriteItem,
};
use tokio::sync::OnceCell;

use super::StoreError;

/// Links and API keys by age, memberships by user.
pub const GSI1: &str = "gsi1";
/// Outbox jobs by due time.
pub const GSI2: &str = "gsi2";
/// The TTL attribute: epoch seconds.
pub const TTL_ATTRIBUTE: &str = "expires_at";
/// DynamoDB pages one `links` call reads at most.
pub const MAX_LIST_PAGES: usize = 10;
/// Items a query page evaluates at most (DynamoDB also stops at 1 MB).
pub const DEFAULT_QUERY_PAGE: usize = 1000;

const TX_ATTEMPTS: u32 = 5;
const TABLE_READY_TIMEOUT: Duration = Duration::from_secs(120);

type Item = HashMap<String, AttributeValue>;

/// The store on one DynamoDB table.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: ClientSource,
    table: String,
    query_page: usize,
}

#[derive(Debug, Clone)]
enum ClientSource {
    Ready(Client),
    /// Built from the environment on first use (the SDK's loader is async,
    /// start-up is not), once, shared by clones.
    FromEnv(Arc<OnceCell<Client>>),
}

impl DynamoStore {
    /// A store on `table` through `client`.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client: ClientSource::Ready(client),
            table: table.into(),
            query_page: DEFAULT_QUERY_PAGE,
        }
    }

    /// A store on `table` whose client comes from the standard AWS
    /// environment (region, credentials, and `AWS_ENDPOINT_URL_DYNAMODB` or
    /// `AWS_ENDPOINT_URL` for a local server: aws-config reads them),
    /// loaded on first use.
    pub fn from_env(table: impl Into<String>) -> Self {
        Self {
            client: ClientSource::FromEnv(Arc::new(OnceCell::new())),
            table: table.into(),
            query_page: DEFAULT_QUERY_PAGE,
        }
    }

    /// Caps the items one query page evaluates (at least 1). Small pages
    /// make tests exercise paging with little data.
    pub fn with_query_page(mut self, items: usize) -> Self {
        self.query_page = items.max(1);
        self
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn client(&self) -> &Client {
        match &self.client {
            ClientSource::Ready(client) => client,
            ClientSource::FromEnv(cell) => {
                cell.get_or_init(|| async {
                    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
                    Client::new(&sdk)
                })
                .await
            }
        }
    }

    /// A query `Limit` for `wanted` items.
    fn page_limit(&self, wanted: usize) -> i32 {
        i32::try_from(wanted.clamp(1, self.query_page)).unwrap_or(i32::MAX)
    }

    /// Creates the table as `template.yaml` does (PAY_PER_REQUEST, `gsi1`,
    /// `gsi2`, TTL on `expires_at`) and waits until it and its indexes are
    /// active, polling DescribeTable (the SDK waiter's minimum delay is
    /// 20 s). For tests and local development.
    pub async fn create_table(client: &Client, name: &str) -> Result<(), StoreError> {
        let key = |attribute: String, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(attribute)
                .key_type(kind)
                .build()
                .map_err(build_error)
        };
        let index = |name: &str| -> Result<GlobalSecondaryIndex, StoreError> {
            GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(format!("{name}pk"), KeyType::Hash)?)
                .key_schema(key(format!("{name}sk"), KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .map_err(build_error)
        };
        let mut request = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key("pk".into(), KeyType::Hash)?)
            .key_schema(key("sk".into(), KeyType::Range)?)
            .global_secondary_indexes(index(GSI1)?)
            .global_secondary_indexes(index(GSI2)?);
        for attribute in ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(attribute)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(build_error)?,
            );
        }
        request
            .send()
            .await
            .map_err(|e| sdk_error("CreateTable", e))?;

        let started = tokio::time::Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            let described = client
                .describe_table()
                .table_name(name)
                .send()
                .await
                .map_err(|e| sdk_error("DescribeTable", e))?;
            let ready = described.table().is_some_and(|table| {
                table.table_status() == Some(&TableStatus::Active)
                    && table
                        .global_secondary_indexes()
                        .iter()
                        .all(|index| index.index_status() == Some(&IndexStatus::Active))
            });
            if ready {
                break;
            }
            if started.elapsed() > TABLE_READY_TIMEOUT {
                return Err(StoreError::Unavailable(format!(
                    "table {name} was not active after {TABLE_READY_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }

        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(TTL_ATTRIBUTE)
                    .build()
                    .map_err(build_error)?,
            )
            .send()
            .await
            .map_err(|e| sdk_error("UpdateTimeToLive", e))?;
        Ok(())
    }

    /// A strongly consistent GetItem.
    async fn get(&self, key: &keys::Key) -> Result<Option<Item>, StoreError> {
        let output = self
            .client()
            .await
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("GetItem", e))?;
        Ok(output.item)
    }

    /// Every item a query matches, following `LastEvaluatedKey` to the
    /// end (pages of at most `query_page` items), in index order. With
    /// `index` the query runs on that GSI (eventually consistent);
    /// without, on the table, strongly consistent.
    async fn query_all(
        &self,
        index: Option<&str>,
        key_condition: &str,
        names: HashMap<String, String>,
        values: HashMap<String, AttributeValue>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client()
                .await
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_owned))
                .set_consistent_read(index.is_none().then_some(true))
                .key_condition_expression(key_condition)
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .limit(self.page_limit(usize::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            found.extend(output.items().iter().cloned());
            match output.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return Ok(found),
            }
        }
    }

    /// Runs a transaction: `Ok(None)` when it committed, the cancellation
    /// reasons (one per item, in order) when a condition failed. Conflicts
    /// with other transactions are retried.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Option<Vec<CancellationReason>>, StoreError> {
        let mut delay = Duration::from_millis(20);
        let mut attempt = 1;
        loop {
            let result = self
                .client()
                .await
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(None),
                Err(error) => error,
            };
            if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
                error.as_service_error()
            {
                let reasons = cancelled.cancellation_reasons();
                let failed = |code: &str| reasons.iter().any(|r| r.code() == Some(code));
                if failed("ConditionalCheckFailed") {
                    return Ok(Some(reasons.to_vec()));
                }
                if failed("TransactionConflict") && attempt < TX_ATTEMPTS {
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                    continue;
                }
            }
            return Err(sdk_error("TransactWriteItems", error));
        }
    }
}

/// A transaction item putting `item`; with `new_only`, only where no item is.
fn put(table: &str, item: Item, new_only: bool) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder().table_name(table).set_item(Some(item));
    if new_only {
        put = put.condition_expression("attribute_not_exists(pk)");
    }
    Ok(TransactWriteItem::builder()
        .put(put.build().map_err(build_error)?)
        .build())
}

/// An item: `key` (and index keys) plus attributes.
fn item<const N: usize>(
    keys: impl IntoIterator<Item = Item>,
    attributes: [(&str, AttributeValue); N],
) -> Item {
    let mut item: Item = keys.into_iter().flatten().collect();
    item.extend(
        attributes
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value)),
    );
    item
}

/// Whether the transaction item at `index` failed its condition.
fn condition_failed(reasons: &[CancellationReason], index: usize) -> bool {
    reasons
        .get(index)
        .is_some_and(|r| r.code() == Some("ConditionalCheckFailed"))
}

fn sdk_error<E, R>(operation: &str, error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Unavailable(format!(
        "DynamoDB {operation} failed: {}",
        DisplayErrorContext(&error)
    ))
}

/// Whether a conditional write went through: `Ok(false)` when its condition
/// failed (each caller says what that means), any other failure an error.
fn conditional<O, E, R>(
    operation: &str,
    result: Result<O, SdkError<E, R>>,
    condition_failed: fn(&E) -> bool,
) -> Result<bool, StoreError>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(error) if error.as_service_error().is_some_and(condition_failed) => Ok(false),
        Err(error) => Err(sdk_error(operation, error)),
    }
}

fn build_error(error: BuildError) -> StoreError {
    StoreError::Unavailable(format!("a DynamoDB request could not be built: {error}"))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Unavailable(format!("a stored {what} item is malformed"))
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn get_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

fn get_n<T: std::str::FromStr>(item: &Item, name: &str) -> Option<T> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// A required string attribute, parsed.
fn parse_s<T, E>(
    item: &Item,
    name: &str,
    what: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    get_s(item, name)
        .and_then(|v| parse(v).ok())
        .ok_or_else(|| corrupt(what))
}

/// A required string attribute.
fn require_s(item: &Item, name: &str, what: &str) -> Result<String, StoreError> {
    get_s(item, name)
        .map(str::to_owned)
        .ok_or_else(|| corrupt(what))
}

/// A required number attribute.
fn require_n<T: std::str::FromStr>(item: &Item, name: &str, what: &str) -> Result<T, StoreError> {
    get_n(item, name).ok_or_else(|| corrupt(what))
}

/// `ExpressionAttributeNames` for `names` (`#version` → `version`, …), so
/// reserved words never matter.
fn names<const N: usize>(names: [&str; N]) -> HashMap<String, String> {
    names
        .iter()
        .map(|name| (format!("#{name}"), (*name).to_owned()))
        .collect()
}

fn values<const N: usize>(values: [(&str, AttributeValue); N]) -> HashMap<String, AttributeValue> {
    values
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// The TTL value (epoch seconds) `grace_ms` after `at_ms`.
fn ttl_after(at_ms: i64, grace_ms: i64) -> AttributeValue {
    n(at_ms.saturating_add(grace_ms).max(0) / 1000)
}

/// Wall-clock ms, for bookkeeping attributes the ports pass no time for.
fn wall_clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
