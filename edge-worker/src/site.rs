//! The fixed answers: health, robots.txt, favicon.

use crate::http::EdgeResponse;

pub fn health() -> EdgeResponse {
    EdgeResponse::json(
        200,
        &serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
    )
}

/// Crawlers may fetch codes: each answer then says whether it may be
/// indexed (`X-Robots-Tag`: pages only when their owner allows, redirects
/// never). Blocking them here would hide that header and let a bare URL be
/// indexed from links alone.
pub fn robots() -> EdgeResponse {
    EdgeResponse::text(
        200,
        "text/plain; charset=utf-8",
        "User-agent: *\nDisallow: /_scanly/\n",
    )
    .header("cache-control", "public, max-age=86400")
}

/// Browsers ask for it on every page; `204` keeps it from ever being a scan
/// or a 404.
pub fn favicon() -> EdgeResponse {
    EdgeResponse::new(204).header("cache-control", "public, max-age=604800")
}

pub fn method_not_allowed(allow: &'static str) -> EdgeResponse {
    EdgeResponse::json_error(405, "method_not_allowed", "this method is not allowed here")
        .header("allow", allow)
}

pub fn bad_request(message: &str) -> EdgeResponse {
    EdgeResponse::json_error(400, "bad_request", message)
}

pub fn payload_too_large(limit: usize) -> EdgeResponse {
    EdgeResponse::json_error(
        413,
        "payload_too_large",
        &format!("the body may be at most {limit} bytes"),
    )
}

/// KV could not be read: say so, and invite a retry, rather than 404 a
/// link that exists.
pub fn unavailable() -> EdgeResponse {
    EdgeResponse::text(
        503,
        "text/plain; charset=utf-8",
        "Scanly is briefly unavailable. Please try again.",
    )
    .header("retry-after", "5")
    .header("cache-control", "no-store")
}
