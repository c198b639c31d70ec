//! Workspaces and their members. Roles: owner > admin > member > viewer;
//! owners and admins manage members, only owners make owners, and the last
//! owner stays.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use scanly_shared::Email;
use scanly_shared::ids::{UserId, WorkspaceId};
use scanly_shared::label::Name;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, ValidJson};
use crate::ids::new_id;
use crate::model::{Role, Workspace};

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceEntry {
    #[schema(value_type = String)]
    id: WorkspaceId,
    name: String,
    #[schema(value_type = String, example = "owner")]
    role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    #[schema(value_type = String)]
    name: Name,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberEntry {
    #[schema(value_type = String)]
    user_id: UserId,
    #[schema(value_type = String, format = "email")]
    email: Email,
    name: String,
    #[schema(value_type = String, example = "member")]
    role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    #[schema(value_type = String, format = "email")]
    email: Email,
    #[schema(value_type = String, example = "member")]
    role: Role,
}

/// The caller's role in workspace `id`; 404 when they are not in it.
async fn role_in(state: &AppState, user: &UserId, id: &str) -> ApiResult<(WorkspaceId, Role)> {
    let workspace = WorkspaceId::parse(id).map_err(|_| ApiError::not_found("workspace"))?;
    let role = state
        .store
        .role(&workspace, user)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    Ok((workspace, role))
}

fn require_admin(role: Role) -> ApiResult<()> {
    if role >= Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only owners and admins can manage members",
        ))
    }
}

#[utoipa::path(get, path = "/v1/workspaces", tag = "workspaces", security(("bearer" = [])),
    responses((status = 200, body = Vec<WorkspaceEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
) -> ApiResult<Json<Vec<WorkspaceEntry>>> {
    let workspaces = state
        .store
        .workspaces_of(&user)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(
        workspaces
            .into_iter()
            .map(|(w, role)| WorkspaceEntry {
                id: w.id,
                name: w.name,
                role,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/v1/workspaces", tag = "workspaces", request_body = NewWorkspace, security(("bearer" = [])),
    responses((status = 201, body = WorkspaceEntry), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    ValidJson(body): ValidJson<NewWorkspace>,
) -> ApiResult<(StatusCode, Json<WorkspaceEntry>)> {
    let workspace = Workspace {
        id: WorkspaceId::parse(&new_id("ws")).map_err(ApiError::internal)?,
        name: body.name.as_str().to_owned(),
        created_at: state.now_ms(),
    };
    state
        .store
        .create_workspace(&workspace, &user)
        .await
        .map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(WorkspaceEntry {
            id: workspace.id,
            name: workspace.name,
            role: Role::Owner,
        }),
    ))
}

#[utoipa::path(get, path = "/v1/workspaces/{id}/members", tag = "workspaces", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberEntry>), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MemberEntry>>> {
    let (workspace, _) = role_in(&state, &user, &id).await?;
    let members = state
        .store
        .members(&workspace)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(
        members
            .into_iter()
            .map(|(u, role)| MemberEntry {
                user_id: u.id,
                email: u.email,
                name: u.name,
                role,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/v1/workspaces/{id}/members", tag = "workspaces", params(("id" = String, Path)), request_body = NewMember, security(("bearer" = [])),
    responses((status = 201, body = MemberEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<NewMember>,
) -> ApiResult<(StatusCode, Json<MemberEntry>)> {
    let (workspace, role) = role_in(&state, &user, &id).await?;
    require_admin(role)?;
    if body.role == Role::Owner && role != Role::Owner {
        return Err(ApiError::forbidden("only owners can make owners"));
    }
    let member = state
        .store
        .user_by_email(&body.email)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("account with this email (they must sign up first)"))?;
    state
        .store
        .set_member(&workspace, &member.id, body.role, state.now_ms())
        .await
        .map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(MemberEntry {
            user_id: member.id,
            email: member.email,
            name: member.name,
            role: body.role,
        }),
    ))
}

#[utoipa::path(delete, path = "/v1/workspaces/{id}/members/{user_id}", tag = "workspaces",
    params(("id" = String, Path), ("user_id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path((id, member_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (workspace, role) = role_in(&state, &user, &id).await?;
    let member = UserId::parse(&member_id).map_err(|_| ApiError::not_found("member"))?;
    // Anyone may leave; removing others takes an owner or admin.
    if member != user {
        require_admin(role)?;
    }
    let members = state
        .store
        .members(&workspace)
        .await
        .map_err(ApiError::internal)?;
    let target = members
        .iter()
        .find(|(u, _)| u.id == member)
        .map(|(_, r)| *r)
        .ok_or_else(|| ApiError::not_found("member"))?;
    if target == Role::Owner && role != Role::Owner {
        return Err(ApiError::forbidden("only owners can remove owners"));
    }
    let owners = members.iter().filter(|(_, r)| *r == Role::Owner).count();
    if target == Role::Owner && owners == 1 {
        return Err(ApiError::conflict(
            "last_owner",
            "a workspace keeps at least one owner",
        ));
    }
    state
        .store
        .remove_member(&workspace, &member)
        .await
        .map_err(ApiError::internal)?;
    Ok(StatusCode::NO_CONTENT)
}
