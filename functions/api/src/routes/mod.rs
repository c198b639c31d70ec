//! Handlers: translate HTTP to domain calls and back, nothing more.

pub mod analytics;
pub mod api_keys;
pub mod auth;
pub mod bulk;
pub mod links;
pub mod logos;
pub mod qr;
pub mod workspaces;

use crate::error::{ApiError, ApiResult};

/// The largest page any list endpoint returns.
pub(crate) const MAX_PAGE_SIZE: usize = 100;

/// A list endpoint's `limit`: `default` when absent, 1–`MAX_PAGE_SIZE`.
pub(crate) fn page_limit(limit: Option<usize>, default: usize) -> ApiResult<usize> {
    let limit = limit.unwrap_or(default);
    if (1..=MAX_PAGE_SIZE).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::invalid(
            "limit",
            format!("must be 1 to {MAX_PAGE_SIZE}"),
        ))
    }
}
