//! Rate limits: fixed one-minute windows counted in the store, so every
//! Lambda instance sees the same count. Per workspace for the API (default
//! 100 requests a minute), per account for login attempts.

use async_trait::async_trait;

use crate::error::ApiError;
use crate::store::StoreError;

/// Counting requests per key and window. A narrow port of its own: the
/// DynamoDB adapter implements it with an atomic `ADD` on an item that
/// expires with its window (TTL).
#[async_trait]
pub trait Counters: Send + Sync {
    /// Counts one more hit on `key` in the window starting at
    /// `window_start_ms`; returns the count including this hit.
    async fn hit(&self, key: &str, window_start_ms: i64, window_ms: i64)
    -> Result<u64, StoreError>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub requests: u64,
    pub window_ms: i64,
}

impl Limit {
    pub const fn per_minute(requests: u64) -> Self {
        Self {
            requests,
            window_ms: 60_000,
        }
    }
}

/// Counts a hit on `key` and refuses it with 429 (and `Retry-After` until
/// the window ends) once over `limit`. A store failure lets the request
/// through: an outage of the counter must not take the API down.
pub async fn enforce(
    counters: &dyn Counters,
    key: &str,
    limit: Limit,
    now_ms: i64,
) -> Result<(), ApiError> {
    let window_start = now_ms - now_ms.rem_euclid(limit.window_ms);
    match counters.hit(key, window_start, limit.window_ms).await {
        Ok(count) if count > limit.requests => {
            let retry_ms = window_start + limit.window_ms - now_ms;
            let retry_s = u64::try_from((retry_ms + 999) / 1000).unwrap_or(1).max(1);
            Err(ApiError::too_many_requests(retry_s))
        }
        Ok(_) => Ok(()),
        Err(error) => {
            tracing::warn!(%error, key, "rate-limit counter unavailable; allowing");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_is_refused_past_its_limit_until_the_window_ends() {
        let counters = crate::store::memory::MemoryStore::new();
        let limit = Limit::per_minute(3);
        let start = 1_795_176_000_000; // on a minute boundary
        for _ in 0..3 {
            assert!(
                enforce(&counters, "ws_a", limit, start + 10_000)
                    .await
                    .is_ok()
            );
        }
        let refused = enforce(&counters, "ws_a", limit, start + 10_000)
            .await
            .unwrap_err();
        assert_eq!(refused.retry_after_seconds, Some(50));
        assert!(
            enforce(&counters, "ws_b", limit, start + 10_000)
                .await
                .is_ok(),
            "per key"
        );
        assert!(
            enforce(&counters, "ws_a", limit, start + 60_000)
                .await
                .is_ok(),
            "next window"
        );
    }
}
