//! Workspaces and their members. A membership is one item in the
//! workspace's partition (`MEMBER#<user>`), indexed on `gsi1` under the user
//! (`USER#<user>` / `<joined_at:013>#<ws>`) for `workspaces_of`, with copies
//! of the workspace's name and creation time for that listing. It holds no
//! copy of the user: `members` reads each member's user item, so it always
//! returns the current `User`. The workspace item counts its owners
//! (`owner_count`), changed in the same transaction as the membership.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, TransactWriteItem, Update};
use scanly_shared::ids::{UserId, WorkspaceId};
use tokio::task::JoinSet;

use super::accounts::{read_role, role_name};
use super::{
    DynamoStore, GSI1, Item, build_error, condition_failed, item, keys, n, names, parse_s, put,
    require_n, require_s, s, values,
};
use crate::model::{Role, User, Workspace};
use crate::store::{Accounts, Members, StoreError};

/// User items `members` reads at once.
const USER_READS_IN_FLIGHT: usize = 8;
/// Attempts at a membership change that keeps racing another change of
/// the same membership.
const MEMBER_ATTEMPTS: u32 = 5;

/// A new workspace's item: one owner so far.
pub(super) fn workspace_item(workspace: &Workspace, created_by: &UserId) -> Item {
    item(
        [keys::workspace(&workspace.id).item()],
        [
            ("entity", s("workspace")),
            ("workspace_id", s(workspace.id.as_str())),
            ("name", s(workspace.name.as_str())),
            ("created_at", n(workspace.created_at)),
            ("created_by", s(created_by.as_str())),
            ("owner_count", n(1)),
        ],
    )
}

/// A membership item, with its `gsi1` keys and the workspace's copies.
pub(super) fn membership_item(
    workspace: &Workspace,
    user: &UserId,
    role: Role,
    joined_at: i64,
) -> Item {
    item(
        [
            keys::member(&workspace.id, user).item(),
            keys::member_by_user(user, joined_at, &workspace.id).index(GSI1),
        ],
        [
            ("entity", s("member")),
            ("workspace_id", s(workspace.id.as_str())),
            ("user_id", s(user.as_str())),
            ("role", s(role_name(role))),
            ("joined_at", n(joined_at)),
            ("workspace_name", s(workspace.name.as_str())),
            ("workspace_created_at", n(workspace.created_at)),
        ],
    )
}

fn read_workspace(item: &Item) -> Result<Workspace, StoreError> {
    Ok(Workspace {
        id: parse_s(item, "workspace_id", "workspace", WorkspaceId::parse)?,
        name: require_s(item, "name", "workspace")?,
        created_at: require_n(item, "created_at", "workspace")?,
    })
}

/// A membership as its workspace's partition holds it.
struct Membership {
    user_id: UserId,
    role: Role,
    joined_at: i64,
}

fn read_member(item: &Item) -> Result<Membership, StoreError> {
    Ok(Membership {
        user_id: parse_s(item, "user_id", "membership", UserId::parse)?,
        role: read_role(item)?,
        joined_at: require_n(item, "joined_at", "membership")?,
    })
}

fn owners(role: Role) -> i64 {
    i64::from(role == Role::Owner)
}

fn no_workspace(workspace: &WorkspaceId) -> StoreError {
    StoreError::Unavailable(format!("workspace {workspace} does not exist"))
}

fn still_changing() -> StoreError {
    StoreError::Unavailable("the membership kept changing; try again".into())
}

impl DynamoStore {
    async fn membership(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<Option<Membership>, StoreError> {
        self.get(&keys::member(workspace, user))
            .await?
            .map(|item| read_member(&item))
            .transpose()
    }

    /// The workspace item's part of a membership change: `owner_count`
    /// moved by `delta`, or (with no change of owners) only the check that
    /// the workspace exists. Either way its condition fails if it does not.
    fn workspace_guard(
        &self,
        workspace: &WorkspaceId,
        delta: i64,
    ) -> Result<TransactWriteItem, StoreError> {
        let key = Some(keys::workspace(workspace).item());
        if delta == 0 {
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(key)
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(build_error)?;
            return Ok(TransactWriteItem::builder().condition_check(check).build());
        }
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(key)
            .update_expression("ADD #owner_count :delta")
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_names(Some(names(["owner_count"])))
            .expression_attribute_values(":delta", n(delta))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// The users `ids` name, read a few at a time; missing ones are left out.
    async fn users(&self, ids: Vec<UserId>) -> Result<HashMap<UserId, User>, StoreError> {
        let mut found = HashMap::new();
        let mut pending = ids.into_iter();
        let mut reads = JoinSet::new();
        loop {
            while reads.len() < USER_READS_IN_FLIGHT {
                let Some(id) = pending.next() else {
                    break;
                };
                let store = self.clone();
                reads.spawn(async move { store.user(&id).await });
            }
            let Some(read) = reads.join_next().await else {
                return Ok(found);
            };
            let read =
                read.map_err(|e| StoreError::Unavailable(format!("reading a member failed: {e}")))?;
            if let Some(user) = read? {
                found.insert(user.id.clone(), user);
            }
        }
    }
}

#[async_trait]
impl Members for DynamoStore {
    async fn create_workspace(
        &self,
        workspace: &Workspace,
        owner: &UserId,
    ) -> Result<(), StoreError> {
        let items = vec![
            put(&self.table, workspace_item(workspace, owner), true)?,
            put(
                &self.table,
                membership_item(workspace, owner, Role::Owner, workspace.created_at),
                false,
            )?,
        ];
        match self.transact(items).await? {
            None => Ok(()),
            Some(_) => Err(StoreError::Unavailable(format!(
                "workspace id {} is already in use",
                workspace.id
            ))),
        }
    }

    async fn members(&self, workspace: &WorkspaceId) -> Result<Vec<(User, Role)>, StoreError> {
        let items = self
            .query_all(
                None,
                "#pk = :pk AND begins_with(#sk, :member)",
                names(["pk", "sk"]),
                values([
                    (":pk", s(keys::workspace_partition(workspace))),
                    (":member", s(keys::MEMBER_PREFIX)),
                ]),
            )
            .await?;
        let memberships = items
            .iter()
            .map(read_member)
            .collect::<Result<Vec<_>, _>>()?;
        let mut users = self
            .users(memberships.iter().map(|m| m.user_id.clone()).collect())
            .await?;
        // A membership whose user is gone is left out, as in the embedded store.
        let members: Vec<(i64, User, Role)> = memberships
            .into_iter()
            .filter_map(|m| users.remove(&m.user_id).map(|u| (m.joined_at, u, m.role)))
            .collect();
        Ok(crate::store::in_joining_order(members))
    }

    async fn set_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        role: Role,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        // The membership's copies of the workspace (for `workspaces_of`).
        let Some(stored) = self.get(&keys::workspace(workspace)).await? else {
            return Err(no_workspace(workspace));
        };
        let stored = read_workspace(&stored)?;
        for _ in 0..MEMBER_ATTEMPTS {
            let current = self.membership(workspace, user).await?;
            let delta = owners(role) - current.as_ref().map_or(0, |m| owners(m.role));
            // 0: the membership, as read (or still absent).
            let write = match &current {
                Some(member) if member.role == role => return Ok(()),
                Some(member) => {
                    // A role change keeps `joined_at` (and the gsi1 keys).
                    let update = Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(keys::member(workspace, user).item()))
                        .update_expression(
                            "SET #role = :role, #workspace_name = :name, \
                             #workspace_created_at = :created_at",
                        )
                        .condition_expression("#role = :old")
                        .set_expression_attribute_names(Some(names([
                            "role",
                            "workspace_name",
                            "workspace_created_at",
                        ])))
                        .set_expression_attribute_values(Some(values([
                            (":role", s(role_name(role))),
                            (":old", s(role_name(member.role))),
                            (":name", s(stored.name.as_str())),
                            (":created_at", n(stored.created_at)),
                        ])))
                        .build()
                        .map_err(build_error)?;
                    TransactWriteItem::builder().update(update).build()
                }
                None => put(
                    &self.table,
                    membership_item(&stored, user, role, now_ms),
                    true,
                )?,
            };
            // 1: the workspace still exists; its owners counted.
            let items = vec![write, self.workspace_guard(workspace, delta)?];
            match self.transact(items).await? {
                None => return Ok(()),
                Some(reasons) if condition_failed(&reasons, 1) => {
                    return Err(no_workspace(workspace));
                }
                // Someone changed the membership since it was read.
                Some(_) => continue,
            }
        }
        Err(still_changing())
    }

    async fn remove_member(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<bool, StoreError> {
        let mut count_owners = true;
        for _ in 0..MEMBER_ATTEMPTS {
            let Some(current) = self.membership(workspace, user).await? else {
                return Ok(false);
            };
            // 0: the membership, only if its role is still the one read.
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(keys::member(workspace, user).item()))
                .condition_expression("#role = :role")
                .set_expression_attribute_names(Some(names(["role"])))
                .expression_attribute_values(":role", s(role_name(current.role)))
                .build()
                .map_err(build_error)?;
            let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
            if count_owners && current.role == Role::Owner {
                // 1: one owner fewer.
                items.push(self.workspace_guard(workspace, -1)?);
            }
            match self.transact(items).await? {
                None => return Ok(true),
                Some(reasons) if condition_failed(&reasons, 1) => {
                    // The workspace item is gone: no count to keep.
                    count_owners = false;
                }
                // The role changed (or the membership went) since the read.
                Some(_) => {}
            }
        }
        Err(still_changing())
    }
}
