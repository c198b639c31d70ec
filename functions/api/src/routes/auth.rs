//! Sign-up, login, token refresh, logout and `/v1/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scanly_shared::Email;
use scanly_shared::ids::{UserId, WorkspaceId};
use scanly_shared::label::Name;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::password::{AccountPassword, dummy_verify, hash_password, verify_password};
use crate::auth::secret_tokens::RefreshToken;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, ClientIp, ValidJson};
use crate::ids::new_id;
use crate::limits::{self, Limit};
use crate::model::{Role, Session, User, Workspace};
use crate::store::{Rotation, StoreError};

/// Refresh tokens live 30 days; each use replaces the token.
const REFRESH_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;
const LOGIN_ATTEMPTS: Limit = Limit {
    requests: 10,
    window_ms: 15 * 60 * 1000,
};
const LOGIN_ATTEMPTS_PER_IP: Limit = Limit {
    requests: 50,
    window_ms: 15 * 60 * 1000,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    #[schema(value_type = String, format = "email")]
    email: Email,
    /// 10 to 256 characters.
    password: String,
    #[schema(value_type = String)]
    name: Name,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogIn {
    email: String,
    password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(value_type = String)]
    id: UserId,
    #[schema(value_type = String, format = "email")]
    email: Email,
    name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceView {
    #[schema(value_type = String)]
    id: WorkspaceId,
    name: String,
    #[schema(value_type = String, example = "owner")]
    role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Tokens {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    expires_in: i64,
    user: UserView,
    workspace: WorkspaceView,
}

fn user_view(user: &User) -> UserView {
    UserView {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
    }
}

/// A new access token and a new refresh-token family.
async fn issue(state: &AppState, user: &User) -> ApiResult<Tokens> {
    let now = state.now_ms();
    let (access_token, expires_in) = state
        .config
        .jwt
        .issue(user.id.as_str(), now / 1000)
        .map_err(ApiError::internal)?;
    let (refresh_token, hash) = RefreshToken::generate().map_err(ApiError::internal)?;
    let session = Session {
        family: new_id("fam"),
        token_hash: hash.to_hex(),
        user_id: user.id.clone(),
        expires_at: now.saturating_add(REFRESH_TTL_MS),
    };
    state
        .store
        .start_session(&session)
        .await
        .map_err(ApiError::internal)?;
    let (workspace, role) = personal_workspace(state, &user.id).await?;
    Ok(Tokens {
        access_token,
        refresh_token: refresh_token.into_string(),
        token_type: "Bearer",
        expires_in,
        user: user_view(user),
        workspace: WorkspaceView {
            id: workspace.id,
            name: workspace.name,
            role,
        },
    })
}

async fn personal_workspace(state: &AppState, user: &UserId) -> ApiResult<(Workspace, Role)> {
    state
        .store
        .workspaces_of(user)
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal("a user without a workspace"))
}

#[utoipa::path(post, path = "/v1/auth/signup", tag = "auth", request_body = SignUp,
    responses((status = 201, body = Tokens), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<SignUp>,
) -> ApiResult<(StatusCode, Json<Tokens>)> {
    let name = body.name.as_str().to_owned();
    let password = AccountPassword::parse(&body.password)
        .map_err(|e| ApiError::invalid("password", e.to_string()))?;
    let password_hash = hash_password(password.expose()).map_err(ApiError::internal)?;
    let now = state.now_ms();
    let user = User {
        id: UserId::parse(&new_id("usr")).map_err(ApiError::internal)?,
        email: body.email,
        name: name.clone(),
        password_hash,
        created_at: now,
    };
    let workspace = Workspace {
        id: WorkspaceId::parse(&new_id("ws")).map_err(ApiError::internal)?,
        name: format!("{name}'s workspace"),
        created_at: now,
    };
    match state.store.create_account(&user, &workspace).await {
        Ok(()) => {}
        Err(StoreError::EmailTaken) => {
            return Err(ApiError::conflict(
                "email_taken",
                "an account with this email already exists; log in instead",
            ));
        }
        Err(other) => return Err(ApiError::internal(other)),
    }
    Ok((StatusCode::CREATED, Json(issue(&state, &user).await?)))
}

#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LogIn,
    responses((status = 200, body = Tokens), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(body): ValidJson<LogIn>,
) -> ApiResult<Json<Tokens>> {
    let refused = || ApiError::unauthorized("the email or password is wrong");
    // Guessing one account's password is slowed to 10 tries a quarter hour.
    let account: String = body.email.trim().to_lowercase().chars().take(254).collect();
    let attempts_key = format!("rl:login:{account}");
    limits::enforce(
        state.store.as_ref(),
        &attempts_key,
        LOGIN_ATTEMPTS,
        state.now_ms(),
    )
    .await?;
    // And one address trying many accounts, to 50 tries a quarter hour
    // (generous: offices and phones share addresses).
    if let Some(ip) = ip {
        let ip_key = format!("rl:login-ip:{ip}");
        limits::enforce(
            state.store.as_ref(),
            &ip_key,
            LOGIN_ATTEMPTS_PER_IP,
            state.now_ms(),
        )
        .await?;
    }
    let user = match Email::parse(&body.email) {
        Ok(email) => state
            .store
            .user_by_email(&email)
            .await
            .map_err(ApiError::internal)?,
        Err(_) => None,
    };
    let Some(user) = user else {
        // Same work as a real check, so timing does not reveal accounts.
        dummy_verify(&body.password);
        return Err(refused());
    };
    if !verify_password(&body.password, &user.password_hash) {
        return Err(refused());
    }
    Ok(Json(issue(&state, &user).await?))
}

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = Tokens), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<RefreshRequest>,
) -> ApiResult<Json<Tokens>> {
    let refused = || ApiError::unauthorized("the refresh token is invalid, expired or revoked");
    let presented = RefreshToken::parse(&body.refresh_token).ok_or_else(refused)?;
    let now = state.now_ms();
    let (refresh_token, hash) = RefreshToken::generate().map_err(ApiError::internal)?;
    let user_id = match state
        .store
        .rotate_session(
            &presented.to_hex(),
            &hash.to_hex(),
            now.saturating_add(REFRESH_TTL_MS),
            now,
        )
        .await
        .map_err(ApiError::internal)?
    {
        Rotation::Rotated(user_id) => user_id,
        Rotation::Reused => {
            tracing::warn!("a used refresh token was presented again; its family is revoked");
            return Err(refused());
        }
        Rotation::Unknown => return Err(refused()),
    };
    let user = state
        .store
        .user(&user_id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(refused)?;
    let (access_token, expires_in) = state
        .config
        .jwt
        .issue(user.id.as_str(), now / 1000)
        .map_err(ApiError::internal)?;
    let (workspace, role) = personal_workspace(&state, &user.id).await?;
    Ok(Json(Tokens {
        access_token,
        refresh_token: refresh_token.into_string(),
        token_type: "Bearer",
        expires_in,
        user: user_view(&user),
        workspace: WorkspaceView {
            id: workspace.id,
            name: workspace.name,
            role,
        },
    }))
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<RefreshRequest>,
) -> ApiResult<StatusCode> {
    if let Some(hash) = RefreshToken::parse(&body.refresh_token) {
        state
            .store
            .end_session(&hash.to_hex())
            .await
            .map_err(ApiError::internal)?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    user: UserView,
    workspaces: Vec<WorkspaceView>,
}

#[utoipa::path(get, path = "/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    Authenticated(user_id): Authenticated,
) -> ApiResult<Json<Me>> {
    let user = state
        .store
        .user(&user_id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::unauthorized("the access token is invalid or expired"))?;
    let workspaces = state
        .store
        .workspaces_of(&user_id)
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .map(|(w, role)| WorkspaceView {
            id: w.id,
            name: w.name,
            role,
        })
        .collect();
    Ok(Json(Me {
        user: user_view(&user),
        workspaces,
    }))
}
