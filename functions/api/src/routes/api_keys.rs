//! `/v1/api-keys`: keys for programs, per workspace, with scopes and an
//! optional expiry. The key is shown once; only its hash is stored.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use scanly_shared::label::Name;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::{ApiKey, Scope, Scopes};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, ValidJson};
use crate::model::ApiKeyRecord;
use crate::routes::links::rfc3339;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    #[schema(value_type = String)]
    name: Name,
    /// e.g. `["links:read", "links:write"]`.
    #[schema(value_type = Vec<String>)]
    scopes: Scopes,
    expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    id: String,
    name: String,
    #[schema(value_type = Vec<String>)]
    scopes: Scopes,
    #[schema(format = "date-time")]
    created_at: String,
    #[schema(format = "date-time")]
    expires_at: Option<String>,
    /// Only in the answer that creates the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
}

fn key_view(record: ApiKeyRecord, key: Option<String>) -> KeyView {
    KeyView {
        created_at: rfc3339(record.created_at),
        expires_at: record.expires_at.map(rfc3339),
        id: record.id,
        name: record.name,
        scopes: record.scopes,
        key,
    }
}

/// Keys are managed by the workspace's owners and admins, signed in.
fn require_manager(caller: &Caller) -> ApiResult<()> {
    caller.require_person()?;
    caller.require(Scope::WorkspacesAdmin)
}

#[utoipa::path(post, path = "/v1/api-keys", tag = "api-keys", request_body = NewKey, security(("bearer" = [])),
    responses((status = 201, body = KeyView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ValidJson(body): ValidJson<NewKey>,
) -> ApiResult<(StatusCode, Json<KeyView>)> {
    require_manager(&caller)?;
    if body.scopes.is_empty() {
        return Err(ApiError::invalid("scopes", "name at least one scope"));
    }
    let now = state.now_ms();
    let expires_at = body.expires_at.map(|t| t.timestamp_millis());
    if expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid("expires_at", "must be in the future"));
    }
    let generated = ApiKey::generate().map_err(ApiError::internal)?;
    let record = ApiKeyRecord {
        id: generated.id.as_str().to_owned(),
        workspace_id: caller.workspace_id.clone(),
        name: body.name.as_str().to_owned(),
        hash: generated.hash.to_hex(),
        scopes: body.scopes,
        created_by: caller.user_id.clone(),
        created_at: now,
        expires_at,
    };
    state
        .store
        .create_api_key(&record)
        .await
        .map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(key_view(record, Some(generated.key.into_string()))),
    ))
}

#[utoipa::path(get, path = "/v1/api-keys", tag = "api-keys", security(("bearer" = [])),
    responses((status = 200, body = Vec<KeyView>), (status = 403, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<KeyView>>> {
    require_manager(&caller)?;
    let keys = state
        .store
        .api_keys(&caller.workspace_id)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(keys.into_iter().map(|k| key_view(k, None)).collect()))
}

#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api-keys", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require_manager(&caller)?;
    let deleted = state
        .store
        .delete_api_key(&caller.workspace_id, &id)
        .await
        .map_err(ApiError::internal)?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("API key"))
    }
}
