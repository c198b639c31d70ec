//! Request extractors: JSON bodies validated with the offending field
//! named, and the authenticated caller with their workspace and role.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use scanly_shared::ids::{UserId, WorkspaceId};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::auth::{ApiKey, Scope, Scopes, TokenHash};
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

/// A query string: one that does not deserialize (an unknown parameter, a
/// number that is not one) is a 400 with the JSON error body, not axum's
/// plain-text rejection.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ValidQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(value)| ValidQuery(value))
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
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
/// `Authorization: Bearer <access token or API key>`; a person's workspace
/// comes from `X-Workspace-Id`, or is their personal one; an API key is
/// bound to its workspace.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub role: Role,
    /// `Some` for API keys: what the key may do, on top of the role.
    pub scopes: Option<Scopes>,
}

impl Caller {
    /// Refuses with 403 unless the caller may do `scope` here: people by
    /// role (viewers read only; admins manage the workspace), keys by role
    /// and their scopes.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        let by_role = match scope {
            Scope::LinksRead | Scope::AnalyticsRead => true,
            Scope::LinksWrite => self.role.can_write(),
            Scope::WorkspacesAdmin => self.role >= Role::Admin,
        };
        if !by_role {
            return Err(ApiError::forbidden(match scope {
                Scope::WorkspacesAdmin => "only owners and admins can manage this workspace",
                _ => "viewers can read but not change this workspace",
            }));
        }
        if self.scopes.as_ref().is_some_and(|s| !s.contains(scope)) {
            return Err(ApiError::forbidden(format!(
                "this API key lacks the {} scope",
                scope.as_str()
            )));
        }
        Ok(())
    }

    pub fn require_write(&self) -> Result<(), ApiError> {
        self.require(Scope::LinksWrite)
    }

    /// API keys manage links, not people or other keys.
    pub fn require_person(&self) -> Result<(), ApiError> {
        if self.scopes.is_some() {
            return Err(ApiError::forbidden(
                "this needs a signed-in user, not an API key",
            ));
        }
        Ok(())
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("an Authorization: Bearer token is required"))?;
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("an Authorization: Bearer token is required"))
}

fn requested_workspace(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get("x-workspace-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// An API key's caller: the key must exist, match, and be unexpired.
async fn key_caller(
    state: &AppState,
    token: &str,
    requested: Option<&str>,
) -> Result<Caller, ApiError> {
    let refused = || ApiError::unauthorized("the API key is invalid, expired or revoked");
    let (id, hash) = ApiKey::parse(token).ok_or_else(refused)?;
    let record = state
        .store
        .api_key(id.as_str())
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(refused)?;
    let stored = TokenHash::from_hex(&record.hash).ok_or_else(refused)?;
    let now = state.now_ms();
    if stored != hash || record.expires_at.is_some_and(|at| at <= now) {
        return Err(refused());
    }
    if requested.is_some_and(|ws| ws != record.workspace_id.as_str()) {
        return Err(ApiError::not_found("workspace"));
    }
    let per_key = api_limit(state);
    limits::enforce(
        state.store.as_ref(),
        &format!("rl:key:{}", record.id),
        per_key,
        now,
    )
    .await?;
    Ok(Caller {
        user_id: record.created_by,
        workspace_id: record.workspace_id,
        // Keys act as members; their scopes narrow that further.
        role: Role::Member,
        scopes: Some(record.scopes),
    })
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
        let token = bearer(parts)?;
        if ApiKey::looks_like(token) {
            return Err(ApiError::forbidden(
                "this needs a signed-in user, not an API key",
            ));
        }
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
        let token = bearer(parts)?.to_owned();
        let requested = requested_workspace(parts).map(str::to_owned);
        let caller = if ApiKey::looks_like(&token) {
            key_caller(state, &token, requested.as_deref()).await?
        } else {
            let Authenticated(user_id) = Authenticated::from_request_parts(parts, state).await?;
            person_caller(state, user_id, requested.as_deref()).await?
        };
        // Every caller, person or key, draws on the workspace's budget.
        let key = format!("rl:ws:{}", caller.workspace_id);
        limits::enforce(state.store.as_ref(), &key, api_limit(state), state.now_ms()).await?;
        Ok(caller)
    }
}

/// Requests a minute per workspace and per API key (SCANLY_RATE_LIMIT_PER_MINUTE).
fn api_limit(state: &AppState) -> Limit {
    Limit::per_minute(u64::from(state.config.rate_limit_per_minute))
}

/// A signed-in person in the requested workspace, or their personal one.
async fn person_caller(
    state: &AppState,
    user_id: UserId,
    requested: Option<&str>,
) -> Result<Caller, ApiError> {
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
    Ok(Caller {
        user_id,
        workspace_id,
        role,
        scopes: None,
    })
}

/// The client's address: API Gateway's `sourceIp` in Lambda, the socket's
/// peer on the local server; `None` when neither is known (in-process tests).
/// Headers such as `X-Forwarded-For` are not trusted: clients write them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) =
            parts
                .extensions
                .get::<lambda_http::request::RequestContext>()
        {
            return Ok(Self(context.http.source_ip.clone()));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string());
        Ok(Self(peer))
    }
}
