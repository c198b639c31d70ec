//! Users, workspaces and memberships.

use async_trait::async_trait;
use scanly_shared::Email;
use scanly_shared::ids::{UserId, WorkspaceId};

use super::members::{membership_item, workspace_item};
use super::{
    DynamoStore, GSI1, Item, condition_failed, corrupt, get_s, item, keys, n, names, parse_s, put,
    require_n, require_s, s, sdk_error, values,
};
use crate::model::{Role, User, Workspace};
use crate::store::{Accounts, StoreError};

pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Viewer => "viewer",
        Role::Member => "member",
        Role::Admin => "admin",
        Role::Owner => "owner",
    }
}

pub(super) fn read_role(item: &Item) -> Result<Role, StoreError> {
    match get_s(item, "role") {
        Some("viewer") => Ok(Role::Viewer),
        Some("member") => Ok(Role::Member),
        Some("admin") => Ok(Role::Admin),
        Some("owner") => Ok(Role::Owner),
        _ => Err(corrupt("membership")),
    }
}

fn read_user(item: &Item) -> Result<User, StoreError> {
    Ok(User {
        id: parse_s(item, "user_id", "user", UserId::parse)?,
        email: parse_s(item, "email", "user", Email::parse)?,
        name: require_s(item, "name", "user")?,
        password_hash: require_s(item, "password_hash", "user")?,
        created_at: require_n(item, "created_at", "user")?,
    })
}

/// The workspace (from the membership's copies) and the role.
fn read_membership(item: &Item) -> Result<(Workspace, Role), StoreError> {
    let workspace = Workspace {
        id: parse_s(item, "workspace_id", "membership", WorkspaceId::parse)?,
        name: require_s(item, "workspace_name", "membership")?,
        created_at: require_n(item, "workspace_created_at", "membership")?,
    };
    Ok((workspace, read_role(item)?))
}

#[async_trait]
impl Accounts for DynamoStore {
    async fn create_account(&self, user: &User, workspace: &Workspace) -> Result<(), StoreError> {
        let joined_at = workspace.created_at;
        let email = item(
            [keys::email(&user.email).item()],
            [("entity", s("email")), ("user_id", s(user.id.as_str()))],
        );
        let profile = item(
            [keys::user(&user.id).item()],
            [
                ("entity", s("user")),
                ("user_id", s(user.id.as_str())),
                ("email", s(user.email.as_str())),
                ("name", s(user.name.as_str())),
                ("password_hash", s(user.password_hash.as_str())),
                ("personal_workspace_id", s(workspace.id.as_str())),
                ("created_at", n(user.created_at)),
            ],
        );
        let workspace_item = workspace_item(workspace, &user.id);
        let member = membership_item(workspace, &user.id, Role::Owner, joined_at);
        let items = vec![
            // 0: the email claim decides EmailTaken.
            put(&self.table, email, true)?,
            put(&self.table, profile, true)?,
            put(&self.table, workspace_item, true)?,
            put(&self.table, member, false)?,
        ];
        match self.transact(items).await? {
            None => Ok(()),
            Some(reasons) if condition_failed(&reasons, 0) => Err(StoreError::EmailTaken),
            Some(_) => Err(StoreError::Unavailable(
                "the new account's user or workspace id is already in use".into(),
            )),
        }
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let Some(claim) = self.get(&keys::email(email)).await? else {
            return Ok(None);
        };
        let id = parse_s(&claim, "user_id", "email claim", UserId::parse)?;
        self.user(&id).await
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.get(&keys::user(id))
            .await?
            .map(|item| read_user(&item))
            .transpose()
    }

    async fn workspaces_of(&self, user: &UserId) -> Result<Vec<(Workspace, Role)>, StoreError> {
        let Some(profile) = self.get(&keys::user(user)).await? else {
            return Ok(Vec::new());
        };
        // The personal workspace first, read consistently: it is there
        // right after signup, when the index may not be yet.
        let personal = parse_s(
            &profile,
            "personal_workspace_id",
            "user",
            WorkspaceId::parse,
        )?;
        let mut found = Vec::new();
        if let Some(member) = self.get(&keys::member(&personal, user)).await? {
            found.push(read_membership(&member)?);
        }
        // Then the others, in joining order.
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client()
                .await
                .query()
                .table_name(&self.table)
                .index_name(GSI1)
                .key_condition_expression("#gsi1pk = :user")
                .set_expression_attribute_names(Some(names(["gsi1pk"])))
                .set_expression_attribute_values(Some(values([(
                    ":user",
                    s(keys::user_memberships(user)),
                )])))
                .limit(self.page_limit(usize::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("Query", e))?;
            for member in output.items() {
                let (workspace, role) = read_membership(member)?;
                if workspace.id != personal {
                    found.push((workspace, role));
                }
            }
            match output.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return Ok(found),
            }
        }
    }

    async fn role(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
    ) -> Result<Option<Role>, StoreError> {
        self.get(&keys::member(workspace, user))
            .await?
            .map(|item| read_role(&item))
            .transpose()
    }
}
