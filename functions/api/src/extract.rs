//! Request extractors: JSON bodies validated with the offending field
//! named, and the authenticated caller with their workspace and role.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use scanly_shared::ids::{UserId, WorkspaceId};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::error::ApiError;
use crate::limits::{self, Limit};
use crate::model::Role;

/// Bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body: malformed JSON is a 400; a value that breaks a rule is a
/// 422 naming its path (`rules[0].when.country[1]: ...`).
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ValidJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::payload_too_large(MAX_BODY_BYTES)
                } else {
                    ApiError::bad_request("the request body could not be read")
                }
            })?;
        parse_json(&bytes).map(ValidJson)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request(format!("malformed JSON: {inner}"))
        } else {
            let field = if path == "." { String::new() } else { path };
            ApiError::invalid(&field, strip_position(&inner.to_string()))
        }
    })?;
    deserializer
        .end()
        .map_err(|_| ApiError::bad_request("malformed JSON: trailing characters"))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 42", which is noise to API users.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Who is calling, in which workspace, with which role. Requires
/// `Authorization: Bearer <access token>`; the workspace comes from
/// `X-Workspace-Id`, or is the caller's personal one.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub role: Role,
}

impl Caller {
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.role.can_write() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "viewers can read but not change this workspace",
            ))
        }
    }
}

/// Just the authenticated user (for `/v1/me`).
#[derive(Debug, Clone)]
pub struct Authenticated(pub UserId);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::unauthorized("an Authorization: Bearer token is required"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("an Authorization: Bearer token is required"))?;
        let claims = state
            .config
            .jwt
            .verify(token, state.now_ms() / 1000)
            .map_err(|_| ApiError::unauthorized("the access token is invalid or expired"))?;
        let user_id = UserId::parse(&claims.sub)
            .map_err(|_| ApiError::unauthorized("the access token is invalid or expired"))?;
        Ok(Self(user_id))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Authenticated(user_id) = Authenticated::from_request_parts(parts, state).await?;
        let requested = parts
            .headers
            .get("x-workspace-id")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let (workspace_id, role) = match requested {
            Some(id) => {
                let workspace_id =
                    WorkspaceId::parse(id).map_err(|_| ApiError::not_found("workspace"))?;
                let role = state
                    .store
                    .role(&workspace_id, &user_id)
                    .await
                    .map_err(ApiError::internal)?
                    .ok_or_else(|| ApiError::not_found("workspace"))?;
                (workspace_id, role)
            }
            None => {
                let (workspace, role) = state
                    .store
                    .workspaces_of(&user_id)
                    .await
                    .map_err(ApiError::internal)?
                    .into_iter()
                    .next()
                    .ok_or_else(|| ApiError::not_found("workspace"))?;
                (workspace.id, role)
            }
        };
        let limit = Limit::per_minute(u64::from(state.config.rate_limit_per_minute));
        let key = format!("rl:ws:{workspace_id}");
        limits::enforce(state.counters.as_ref(), &key, limit, state.now_ms()).await?;
        Ok(Self {
            user_id,
            workspace_id,
            role,
        })
    }
}
