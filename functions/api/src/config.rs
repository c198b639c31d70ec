//! Typed configuration, read once from the environment at start-up.

use crate::auth::token::{JwtKeys, SigningKey};

#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Public base of short links, e.g. `https://scn.ly` (SCANLY_EDGE_BASE_URL).
    pub edge_base_url: String,
    /// Where records are published (SCANLY_EDGE_PUBLISH_URL; the Worker's
    /// origin, usually the same as the base URL).
    pub edge_publish_url: String,
    /// HMAC secret shared with the edge (SCANLY_SIGNING_SECRET).
    pub signing_secret: Vec<u8>,
    pub jwt: JwtKeys,
    /// The SPA's origin, the only one CORS allows (SCANLY_SPA_ORIGIN).
    pub spa_origin: Option<String>,
    /// Requests per minute per workspace and per API key (SCANLY_RATE_LIMIT_PER_MINUTE).
    pub rate_limit_per_minute: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

impl ApiConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ConfigError(format!("{name} is not set")))
        };
        let edge_base_url = required("SCANLY_EDGE_BASE_URL")?
            .trim_end_matches('/')
            .to_owned();
        let edge_publish_url = var("SCANLY_EDGE_PUBLISH_URL")
            .map(|v| v.trim().trim_end_matches('/').to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| edge_base_url.clone());
        let signing_secret = required("SCANLY_SIGNING_SECRET")?.into_bytes();
        let jwt_secret = required("SCANLY_JWT_SECRET")?.into_bytes();
        if jwt_secret.len() < 32 || signing_secret.len() < 32 {
            return Err(ConfigError(
                "SCANLY_JWT_SECRET and SCANLY_SIGNING_SECRET need at least 32 bytes".into(),
            ));
        }
        let kid = var("SCANLY_JWT_KID").unwrap_or_else(|| "k1".to_owned());
        let signing = SigningKey::new(kid, jwt_secret).map_err(|e| ConfigError(e.to_string()))?;
        let previous = match (
            var("SCANLY_JWT_PREVIOUS_KID"),
            var("SCANLY_JWT_PREVIOUS_SECRET"),
        ) {
            (Some(kid), Some(secret)) if !secret.is_empty() => vec![
                SigningKey::new(kid, secret.into_bytes())
                    .map_err(|e| ConfigError(e.to_string()))?,
            ],
            _ => Vec::new(),
        };
        let jwt = JwtKeys::new(
            edge_base_url.clone(),
            "scanly-api",
            15 * 60,
            signing,
            previous,
        )
        .map_err(|e| ConfigError(e.to_string()))?;
        let rate_limit_per_minute = var("SCANLY_RATE_LIMIT_PER_MINUTE")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(100);
        Ok(Self {
            jwt,
            edge_base_url,
            edge_publish_url,
            signing_secret,
            spa_origin: var("SCANLY_SPA_ORIGIN").filter(|v| !v.trim().is_empty()),
            rate_limit_per_minute,
        })
    }
}
