//! Refresh-token families: a session item per family holds the one current
//! token hash; a token item per token ever issued finds its family. A
//! replaced token presented again revokes the family.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use scanly_shared::ids::UserId;

use super::{
    DynamoStore, TTL_ATTRIBUTE, build_error, condition_failed, conditional, get_s, item, keys, n,
    names, parse_s, put, require_n, require_s, s, ttl_after, values, wall_clock_ms,
};
use crate::model::Session;
use crate::store::{Rotation, Sessions, StoreError};

/// How long token and session items outlive the token's expiry, so that a
/// replayed (already exchanged) token is recognised as reuse.
const REUSE_MEMORY_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A refresh token as stored: its family and owner.
struct Token {
    family: String,
    user_id: UserId,
    expires_at: i64,
}

impl DynamoStore {
    async fn token(&self, token_hash: &str) -> Result<Option<Token>, StoreError> {
        let Some(item) = self.get(&keys::refresh(token_hash)).await? else {
            return Ok(None);
        };
        Ok(Some(Token {
            family: require_s(&item, "family", "refresh token")?,
            user_id: parse_s(&item, "user_id", "refresh token", UserId::parse)?,
            expires_at: require_n(&item, "token_expires_at", "refresh token")?,
        }))
    }

    fn token_item(&self, session: &Session) -> super::Item {
        item(
            [keys::refresh(&session.token_hash).item()],
            [
                ("entity", s("refresh")),
                ("family", s(session.family.as_str())),
                ("user_id", s(session.user_id.as_str())),
                ("token_expires_at", n(session.expires_at)),
                (
                    TTL_ATTRIBUTE,
                    ttl_after(session.expires_at, REUSE_MEMORY_MS),
                ),
            ],
        )
    }

    /// Revokes a family: none of its tokens can be exchanged any more.
    /// Idempotent; a family that is gone stays gone.
    async fn revoke(&self, user: &UserId, family: &str, now_ms: i64) -> Result<(), StoreError> {
        let result = self
            .client()
            .await
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::session(user, family).item()))
            .update_expression("REMOVE #current_hash SET #revoked_at = :now, #updated_at = :now")
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_names(Some(names([
                "current_hash",
                "revoked_at",
                "updated_at",
            ])))
            .expression_attribute_values(":now", n(now_ms))
            .send()
            .await;
        conditional(
            "UpdateItem",
            result,
            UpdateItemError::is_conditional_check_failed_exception,
        )?;
        Ok(())
    }
}

#[async_trait]
impl Sessions for DynamoStore {
    async fn start_session(&self, session: &Session) -> Result<(), StoreError> {
        let now = wall_clock_ms();
        let family = item(
            [keys::session(&session.user_id, &session.family).item()],
            [
                ("entity", s("session")),
                ("family", s(session.family.as_str())),
                ("user_id", s(session.user_id.as_str())),
                ("current_hash", s(session.token_hash.as_str())),
                ("created_at", n(now)),
                ("updated_at", n(now)),
                (
                    TTL_ATTRIBUTE,
                    ttl_after(session.expires_at, REUSE_MEMORY_MS),
                ),
            ],
        );
        let items = vec![
            put(&self.table, family, true)?,
            put(&self.table, self.token_item(session), true)?,
        ];
        match self.transact(items).await? {
            None => Ok(()),
            Some(_) => Err(StoreError::Unavailable(
                "the session family or token already exists".into(),
            )),
        }
    }

    async fn rotate_session(
        &self,
        presented_hash: &str,
        next_hash: &str,
        next_expires_at: i64,
        now_ms: i64,
    ) -> Result<Rotation, StoreError> {
        let Some(presented) = self.token(presented_hash).await? else {
            return Ok(Rotation::Unknown);
        };
        if presented.expires_at <= now_ms {
            // Expired: unknown if it is still the current one, else a reuse.
            let session = self
                .get(&keys::session(&presented.user_id, &presented.family))
                .await?;
            let current = session.as_ref().and_then(|s| get_s(s, "current_hash"));
            if current == Some(presented_hash) {
                return Ok(Rotation::Unknown);
            }
            self.revoke(&presented.user_id, &presented.family, now_ms)
                .await?;
            return Ok(Rotation::Reused);
        }
        let next = Session {
            family: presented.family.clone(),
            token_hash: next_hash.to_owned(),
            user_id: presented.user_id.clone(),
            expires_at: next_expires_at,
        };
        // 0: the family moves on only if the presented token is current.
        let advance = Update::builder()
            .table_name(&self.table)
            .set_key(Some(
                keys::session(&presented.user_id, &presented.family).item(),
            ))
            .update_expression("SET #current_hash = :next, #updated_at = :now, #expires_at = :ttl")
            .condition_expression("#current_hash = :presented")
            .set_expression_attribute_names(Some(names([
                "current_hash",
                "updated_at",
                "expires_at",
            ])))
            .set_expression_attribute_values(Some(values([
                (":next", s(next_hash)),
                (":presented", s(presented_hash)),
                (":now", n(now_ms)),
                (":ttl", ttl_after(next_expires_at, REUSE_MEMORY_MS)),
            ])))
            .build()
            .map_err(build_error)?;
        let items = vec![
            TransactWriteItem::builder().update(advance).build(),
            put(&self.table, self.token_item(&next), true)?,
        ];
        match self.transact(items).await? {
            None => Ok(Rotation::Rotated(presented.user_id)),
            Some(reasons) if condition_failed(&reasons, 0) => {
                // Exchanged before (replayed, or a concurrent exchange won),
                // or revoked: end the family.
                self.revoke(&presented.user_id, &presented.family, now_ms)
                    .await?;
                Ok(Rotation::Reused)
            }
            Some(_) => Err(StoreError::Unavailable(
                "the next refresh token already exists".into(),
            )),
        }
    }

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        match self.token(token_hash).await? {
            Some(token) => {
                self.revoke(&token.user_id, &token.family, wall_clock_ms())
                    .await
            }
            None => Ok(()),
        }
    }
}
