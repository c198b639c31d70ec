//! API keys: one item per key, keyed by its public id (`APIKEY#<id>`), so
//! authentication is one consistent `GetItem`; listed per workspace through
//! `gsi1` (`WS#<ws>#APIKEYS` / `<created_at:013>#<id>`). The item carries its
//! `workspace_id`, and a delete is conditioned on it: one workspace cannot
//! remove another's key even knowing its id.
//!
//! A key's expiry is `key_expires_at` (ms), not the TTL attribute: an
//! expired key stays listed (its owner sees it expired) until deleted;
//! authentication checks the expiry itself.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use scanly_shared::ids::{UserId, WorkspaceId};

use super::{
    DynamoStore, GSI1, Item, conditional, corrupt, get_n, item, keys, n, names, parse_s, require_n,
    require_s, s, values,
};
use crate::auth::{ApiKeyId, Scopes};
use crate::model::ApiKeyRecord;
use crate::store::{ApiKeys, StoreError};

fn key_item(key: &ApiKeyRecord, id: &ApiKeyId) -> Item {
    let mut stored = item(
        [
            keys::api_key(id).item(),
            keys::api_key_by_age(&key.workspace_id, key.created_at, id).index(GSI1),
        ],
        [
            ("entity", s("apikey")),
            ("key_id", s(id.as_str())),
            ("workspace_id", s(key.workspace_id.as_str())),
            ("name", s(key.name.as_str())),
            ("key_hash", s(key.hash.as_str())),
            (
                "scopes",
                AttributeValue::L(key.scopes.iter().map(|scope| s(scope.as_str())).collect()),
            ),
            ("created_by", s(key.created_by.as_str())),
            ("created_at", n(key.created_at)),
        ],
    );
    if let Some(expires_at) = key.expires_at {
        stored.insert("key_expires_at".to_owned(), n(expires_at));
    }
    stored
}

fn read_key(item: &Item) -> Result<ApiKeyRecord, StoreError> {
    let what = "API key";
    let scopes = item
        .get("scopes")
        .and_then(|v| v.as_l().ok())
        .ok_or_else(|| corrupt(what))?
        .iter()
        .map(|scope| scope.as_s().map(String::as_str))
        .collect::<Result<Vec<&str>, _>>()
        .map_err(|_| corrupt(what))?;
    Ok(ApiKeyRecord {
        id: require_s(item, "key_id", what)?,
        workspace_id: parse_s(item, "workspace_id", what, WorkspaceId::parse)?,
        name: require_s(item, "name", what)?,
        hash: require_s(item, "key_hash", what)?,
        scopes: Scopes::parse(scopes).map_err(|_| corrupt(what))?,
        created_by: parse_s(item, "created_by", what, UserId::parse)?,
        created_at: require_n(item, "created_at", what)?,
        expires_at: get_n(item, "key_expires_at"),
    })
}

#[async_trait]
impl ApiKeys for DynamoStore {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let id = ApiKeyId::parse(&key.id)
            .ok_or_else(|| StoreError::Unavailable(format!("{:?} is not an API key id", key.id)))?;
        let result = self
            .client()
            .await
            .put_item()
            .table_name(&self.table)
            .set_item(Some(key_item(key, &id)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        if !conditional(
            "PutItem",
            result,
            PutItemError::is_conditional_check_failed_exception,
        )? {
            // Never overwrite a key, least of all another workspace's.
            return Err(StoreError::Unavailable(format!(
                "API key id {id} is already in use"
            )));
        }
        Ok(())
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        // Not shaped like an id: no key has it.
        let Some(id) = ApiKeyId::parse(id) else {
            return Ok(None);
        };
        self.get(&keys::api_key(&id))
            .await?
            .map(|item| read_key(&item))
            .transpose()
    }

    async fn api_keys(&self, workspace: &WorkspaceId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        // Oldest first, ties by id: the index order.
        self.query_all(
            Some(GSI1),
            "#gsi1pk = :keys",
            names(["gsi1pk"]),
            values([(":keys", s(keys::workspace_api_keys(workspace)))]),
        )
        .await?
        .iter()
        .map(read_key)
        .collect()
    }

    async fn delete_api_key(&self, workspace: &WorkspaceId, id: &str) -> Result<bool, StoreError> {
        let Some(id) = ApiKeyId::parse(id) else {
            return Ok(false);
        };
        let result = self
            .client()
            .await
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::api_key(&id).item()))
            .condition_expression("#workspace_id = :workspace")
            .set_expression_attribute_names(Some(names(["workspace_id"])))
            .expression_attribute_values(":workspace", s(workspace.as_str()))
            .send()
            .await;
        // No such key, or another workspace's: not this workspace's to delete.
        conditional(
            "DeleteItem",
            result,
            DeleteItemError::is_conditional_check_failed_exception,
        )
    }
}
