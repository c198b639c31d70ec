//! Authentication primitives, pure and I/O-free: password hashing, JWT
//! access tokens, opaque refresh tokens and API keys, and API-key scopes.
//! Nothing here touches a store or HTTP; handlers combine these with the
//! store ports and map [`AuthError`] to a status once.

pub mod password;
mod random;
pub mod scope;
pub mod secret_tokens;
pub mod token;

pub use password::{
    AccountPassword, AccountPasswordError, dummy_verify, hash_password, needs_rehash,
    verify_password,
};
pub use scope::{Scope, ScopeError, Scopes};
pub use secret_tokens::{
    ApiKey, ApiKeyId, NewApiKey, PlaintextSecret, RefreshToken, TokenHash, constant_time_eq,
};
pub use token::{AccessClaims, JwtKeys, SigningKey};

/// Every way authentication can fail. The variants are coarse on purpose:
/// a caller learns *that* a token is bad, never *why* (which key, which
/// claim), so an attacker probing tokens learns nothing either. Each
/// variant's doc names the HTTP status the shell maps it to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A bearer token that is malformed, forged, signed with another
    /// algorithm or an unknown key, meant for another issuer or audience,
    /// or not valid yet. → 401 `invalid_token`.
    #[error("the access token is invalid")]
    InvalidToken,
    /// A genuine token whose `exp` has passed: the client should refresh.
    /// Only reported after the signature checked out. → 401 `token_expired`.
    #[error("the access token has expired")]
    ExpiredToken,
    /// Wrong email or password; deliberately does not say which.
    /// → 401 `invalid_credentials`.
    #[error("the email or password is wrong")]
    InvalidCredentials,
    /// A new account password that breaks the rules; the message says
    /// which rule, for the user. → 422 `weak_password` (field `password`).
    #[error("{0}")]
    WeakPassword(String),
    /// The server's own auth configuration is unusable (short secret,
    /// duplicate key id, …): found at start-up, never caused by a client.
    /// → 500.
    #[error("invalid auth configuration: {0}")]
    Config(&'static str),
    /// Something that should not fail did (the OS random source, the
    /// hasher). The detail is for logs, never for the client. → 500.
    #[error("internal authentication error: {0}")]
    Internal(&'static str),
}

impl From<AccountPasswordError> for AuthError {
    fn from(error: AccountPasswordError) -> Self {
        Self::WeakPassword(error.to_string())
    }
}
