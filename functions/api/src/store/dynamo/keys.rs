//! Every key of the table, one function per item kind (docs/data-model.md,
//! "Items"). Key parts are joined with `#`; none of the validated ids,
//! codes, hostnames or API key ids can contain one (rate-limit keys, free
//! text, are hashed). Tenant-owned items start with `WS#<workspace id>`
//! (`pk`, or `gsi1pk` for the by-age listings), built from the typed
//! `WorkspaceId` only.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use scanly_shared::ids::{LinkId, UserId, WorkspaceId};
use scanly_shared::{Email, Hostname, ShortCode};
use sha2::{Digest, Sha256};

use crate::auth::ApiKeyId;
use crate::store::{StatsKey, StatsScope};

/// A partition and sort key, of the table or of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    /// As the table's key (`pk`, `sk`).
    pub fn item(&self) -> HashMap<String, AttributeValue> {
        self.named("pk", "sk")
    }

    /// As attributes `<prefix>pk` and `<prefix>sk` (`gsi1`, `gsi2`).
    pub fn index(&self, prefix: &str) -> HashMap<String, AttributeValue> {
        self.named(&format!("{prefix}pk"), &format!("{prefix}sk"))
    }

    fn named(&self, pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (pk.to_owned(), AttributeValue::S(self.pk.clone())),
            (sk.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

/// Unix ms as 13 zero-padded digits: string order is time order until the
/// year 2286. Times before 1970 (never produced by the API) sort as 1970.
pub fn timestamp(ms: i64) -> String {
    format!("{:013}", ms.max(0))
}

/// The partition of everything a workspace owns.
pub fn workspace_partition(workspace: &WorkspaceId) -> String {
    format!("WS#{workspace}")
}

pub fn user(id: &UserId) -> Key {
    Key::new(format!("USER#{id}"), "PROFILE")
}

/// The whole address lower-cased, as the embedded store compares them.
pub fn email(email: &Email) -> Key {
    Key::new(format!("EMAIL#{}", email.as_str().to_lowercase()), "EMAIL")
}

pub fn workspace(id: &WorkspaceId) -> Key {
    Key::new(workspace_partition(id), "WORKSPACE")
}

pub fn member(workspace: &WorkspaceId, user: &UserId) -> Key {
    Key::new(workspace_partition(workspace), format!("MEMBER#{user}"))
}

/// `gsi1`: a user's memberships in joining order.
pub fn member_by_user(user: &UserId, joined_at: i64, workspace: &WorkspaceId) -> Key {
    Key::new(
        user_memberships(user),
        format!("{}#{workspace}", timestamp(joined_at)),
    )
}

/// `gsi1pk` of a user's memberships.
pub fn user_memberships(user: &UserId) -> String {
    format!("USER#{user}")
}

/// A refresh-token family.
pub fn session(user: &UserId, family: &str) -> Key {
    Key::new(format!("USER#{user}"), format!("SESSION#{family}"))
}

/// One refresh token ever issued, by its hash.
pub fn refresh(token_hash: &str) -> Key {
    Key::new(format!("REFRESH#{token_hash}"), "REFRESH")
}

pub fn link(workspace: &WorkspaceId, id: &LinkId) -> Key {
    Key::new(workspace_partition(workspace), format!("LINK#{id}"))
}

/// `gsi1`: a workspace's links by creation time.
pub fn link_by_age(workspace: &WorkspaceId, created_at: i64, id: &LinkId) -> Key {
    Key::new(
        workspace_links(workspace),
        format!("{}#{id}", timestamp(created_at)),
    )
}

/// `gsi1pk` of a workspace's links.
pub fn workspace_links(workspace: &WorkspaceId) -> String {
    format!("{}#LINKS", workspace_partition(workspace))
}

/// The claim that makes `host/code` unique.
pub fn code(host: &Hostname, code: &ShortCode) -> Key {
    Key::new(format!("CODE#{host}#{code}"), "CODE")
}

pub fn outbox(workspace: &WorkspaceId, host: &Hostname, code: &ShortCode) -> Key {
    Key::new(
        workspace_partition(workspace),
        format!("OUTBOX#{host}#{code}"),
    )
}

/// `gsi2pk` of every outbox job.
pub const OUTBOX_DUE: &str = "OUTBOX";

/// `gsi2`: outbox jobs by due time.
pub fn outbox_due(
    next_attempt_at: i64,
    workspace: &WorkspaceId,
    host: &Hostname,
    code: &ShortCode,
) -> Key {
    Key::new(
        OUTBOX_DUE,
        format!("{}#{workspace}#{host}#{code}", timestamp(next_attempt_at)),
    )
}

/// The sort-key prefix of a workspace's memberships (in its partition).
pub const MEMBER_PREFIX: &str = "MEMBER#";

/// An API key, by its public id: authentication is one `GetItem`.
pub fn api_key(id: &ApiKeyId) -> Key {
    Key::new(format!("APIKEY#{id}"), "APIKEY")
}

/// `gsi1`: a workspace's API keys by creation time.
pub fn api_key_by_age(workspace: &WorkspaceId, created_at: i64, id: &ApiKeyId) -> Key {
    Key::new(
        workspace_api_keys(workspace),
        format!("{}#{id}", timestamp(created_at)),
    )
}

/// `gsi1pk` of a workspace's API keys.
pub fn workspace_api_keys(workspace: &WorkspaceId) -> String {
    format!("{}#APIKEYS", workspace_partition(workspace))
}

/// A rate-limit counter: one item per counter key and window. The key is
/// free text (it may hold an email address): only its SHA-256 is stored.
pub fn rate(counter: &str, window_start_ms: i64) -> Key {
    let hash = hex::encode(Sha256::digest(counter.as_bytes()));
    Key::new(format!("RATE#{hash}"), timestamp(window_start_ms))
}

/// An hour of stats (hours since the epoch, within `STATS_HOURS`) as 10
/// zero-padded digits: string order is hour order.
pub fn stats_hour(hour: i64) -> String {
    format!("HOUR#{:010}", hour.clamp(0, 9_999_999_999))
}

/// The partition of one link's hourly stats.
pub fn link_stats_partition(workspace: &WorkspaceId, link: &LinkId) -> String {
    format!("{}#STATS#LINK#{link}", workspace_partition(workspace))
}

/// The partition of a workspace's hourly per-link totals.
pub fn workspace_stats_partition(workspace: &WorkspaceId) -> String {
    format!("{}#STATS#WS", workspace_partition(workspace))
}

/// One hour of a link's stats.
pub fn link_stats(workspace: &WorkspaceId, link: &LinkId, hour: i64) -> Key {
    Key::new(link_stats_partition(workspace, link), stats_hour(hour))
}

/// One hour of a workspace's per-link totals.
pub fn workspace_stats(workspace: &WorkspaceId, hour: i64) -> Key {
    Key::new(workspace_stats_partition(workspace), stats_hour(hour))
}

/// The partition of `scope`'s stats in `workspace`.
pub fn stats_partition(workspace: &WorkspaceId, scope: &StatsScope) -> String {
    match scope {
        StatsScope::Link(link) => link_stats_partition(workspace, link),
        StatsScope::Workspace => workspace_stats_partition(workspace),
    }
}

/// The item of a `StatsKey`.
pub fn stats(key: &StatsKey) -> Key {
    match &key.scope {
        StatsScope::Link(link) => link_stats(&key.workspace, link, key.hour),
        StatsScope::Workspace => workspace_stats(&key.workspace, key.hour),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_strings() {
        let times = [-5, 0, 1, 9, 10, 1_795_176_000_000, 9_999_999_999_999];
        let encoded: Vec<String> = times.iter().map(|&t| timestamp(t)).collect();
        let mut sorted = encoded.clone();
        sorted.sort();
        assert_eq!(encoded, sorted);
        assert!(encoded.iter().all(|e| e.len() == 13));
    }

    #[test]
    fn tenant_keys_start_with_the_workspace() {
        let ws = WorkspaceId::parse("ws_1").unwrap();
        let link_id = LinkId::parse("lnk_1").unwrap();
        let host = Hostname::parse("scn.test").unwrap();
        let short = ShortCode::parse("menu").unwrap();
        let user = UserId::parse("usr_1").unwrap();
        for key in [
            workspace(&ws),
            member(&ws, &user),
            link(&ws, &link_id),
            outbox(&ws, &host, &short),
        ] {
            assert!(key.pk.starts_with("WS#ws_1"), "{key:?}");
        }
        assert!(link_by_age(&ws, 1, &link_id).pk.starts_with("WS#ws_1#"));
        let key_id = ApiKeyId::parse("abcdefgh").unwrap();
        assert!(api_key_by_age(&ws, 1, &key_id).pk.starts_with("WS#ws_1#"));
        assert!(link_stats(&ws, &link_id, 1).pk.starts_with("WS#ws_1#"));
        assert!(workspace_stats(&ws, 1).pk.starts_with("WS#ws_1#"));
        assert_eq!(api_key(&key_id).pk, "APIKEY#abcdefgh");
        assert_eq!(code(&host, &short).pk, "CODE#scn.test#menu");
    }

    #[test]
    fn stats_keys_are_per_scope_and_sort_by_hour() {
        let ws = WorkspaceId::parse("ws_1").unwrap();
        let link_id = LinkId::parse("lnk_1").unwrap();
        let hour = 493_056; // 2026-04-01T00:00Z
        assert_eq!(
            link_stats(&ws, &link_id, hour),
            Key::new("WS#ws_1#STATS#LINK#lnk_1", "HOUR#0000493056")
        );
        assert_eq!(
            workspace_stats(&ws, hour),
            Key::new("WS#ws_1#STATS#WS", "HOUR#0000493056")
        );
        let key = |scope| StatsKey {
            workspace: ws.clone(),
            scope,
            hour,
        };
        assert_eq!(
            stats(&key(StatsScope::Link(link_id.clone()))),
            link_stats(&ws, &link_id, hour)
        );
        assert_eq!(
            stats(&key(StatsScope::Workspace)),
            workspace_stats(&ws, hour)
        );
        // A link id cannot make a workspace partition, nor another link's.
        assert_ne!(
            stats_partition(&ws, &StatsScope::Workspace),
            link_stats_partition(&ws, &LinkId::parse("WS").unwrap())
        );
        let hours = [0, 1, 9, 10, 493_056, 9_999_999_999];
        let encoded: Vec<String> = hours.iter().map(|&h| stats_hour(h)).collect();
        let mut sorted = encoded.clone();
        sorted.sort();
        assert_eq!(encoded, sorted);
        assert!(encoded.iter().all(|e| e.len() == "HOUR#".len() + 10));
    }

    #[test]
    fn rate_keys_hash_the_counter_key() {
        let key = rate("rl:login:ann#1@shop.example", 1_795_176_000_000);
        assert_eq!(key.pk.len(), "RATE#".len() + 64);
        assert!(!key.pk.contains("ann"));
        assert_eq!(key.sk, "1795176000000");
        assert_eq!(
            key.pk,
            rate("rl:login:ann#1@shop.example", 0).pk,
            "one partition per counter key"
        );
        assert_ne!(key.pk, rate("rl:login:bob@shop.example", 0).pk);
    }
}
