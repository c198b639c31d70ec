//! What the control plane stores: accounts, workspaces, links and the
//! publish outbox. Validated domain types only; timestamps are Unix ms.

use scanly_shared::ids::{LinkId, UserId, WorkspaceId};
use scanly_shared::label::{Tag, Title};
use scanly_shared::page::Page;
use scanly_shared::password::PasswordVerifier;
use scanly_shared::record::{LinkKind, LinkRecord, RedirectStatus};
use scanly_shared::rules::{Rule, Variant};
use scanly_shared::utm::Utm;
use scanly_shared::{Destination, Email, Hostname, ShortCode};
use serde::{Deserialize, Serialize};

use crate::auth::Scopes;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    pub created_at: i64,
}

/// What a member may do in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Member,
    Admin,
    Owner,
}

impl Role {
    /// Viewers read only.
    pub fn can_write(self) -> bool {
        self >= Role::Member
    }
}

/// One refresh token of a login "family": each refresh replaces the token;
/// presenting a replaced one means it leaked, and the family is revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub family: String,
    pub token_hash: String,
    pub user_id: UserId,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub id: LinkId,
    pub workspace_id: WorkspaceId,
    /// The namespace the code lives in (the edge's default host or a custom domain).
    pub host: Hostname,
    pub code: ShortCode,
    pub kind: LinkKind,
    pub destination: Option<Destination>,
    pub redirect_status: RedirectStatus,
    pub title: Option<Title>,
    pub tags: Vec<Tag>,
    pub utm: Utm,
    pub rules: Vec<Rule>,
    pub variants: Vec<Variant>,
    pub expires_at: Option<i64>,
    pub max_scans: Option<u64>,
    /// Set once the counted scans reach `max_scans` (`scan_limits`); the
    /// edge then answers 410.
    #[serde(default)]
    pub scan_limit_reached: bool,
    pub password: Option<PasswordVerifier>,
    pub page: Option<Page>,
    pub indexable: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Bumped on every change; `If-Match` and the edge's last-writer-wins use it.
    pub version: u64,
    /// The version the edge has confirmed, if any.
    pub published_version: Option<u64>,
}

impl Link {
    /// What the edge stores for this link.
    pub fn record(&self) -> LinkRecord {
        LinkRecord {
            link_id: self.id.clone(),
            workspace_id: self.workspace_id.clone(),
            code: self.code.clone(),
            version: self.version,
            kind: self.kind,
            destination: self.destination.clone(),
            redirect_status: self.redirect_status,
            utm: self.utm.clone(),
            rules: self.rules.clone(),
            variants: self.variants.clone(),
            expires_at: self.expires_at,
            max_scans: self.max_scans,
            scan_limit_reached: self.scan_limit_reached,
            password: self.password.clone(),
            page: self.page.clone(),
            indexable: self.indexable,
        }
    }
}

/// An API key as stored: only its hash, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    /// The public part of the key (`sk_<id>_…`): how it is looked up.
    pub id: String,
    pub workspace_id: WorkspaceId,
    pub name: String,
    /// SHA-256 hex of the whole key.
    pub hash: String,
    pub scopes: Scopes,
    pub created_by: UserId,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// A change the edge has not confirmed yet. Kept until it has, so a failed
/// publish is retried rather than lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishJob {
    pub workspace_id: WorkspaceId,
    pub link_id: LinkId,
    pub host: Hostname,
    pub code: ShortCode,
    /// `Put` publishes the link's current record (if at least this version);
    /// `Delete` removes `host/code`.
    pub op: PublishOp,
    pub version: u64,
    pub attempts: u32,
    pub next_attempt_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishOp {
    Put,
    Delete,
}

impl PublishJob {
    /// One job per (link, code): a newer change supersedes an older one.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.workspace_id, self.host, self.code)
    }

    /// This job for `link` as it is: the link's workspace, id, host, code
    /// and version; the operation, attempts and due time stay.
    pub fn aimed_at(&self, link: &Link) -> Self {
        Self {
            workspace_id: link.workspace_id.clone(),
            link_id: link.id.clone(),
            host: link.host.clone(),
            code: link.code.clone(),
            version: link.version,
            ..self.clone()
        }
    }
}
