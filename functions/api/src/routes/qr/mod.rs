//! `GET /v1/links/{id}/qr`: the link's QR code as PNG or SVG. It encodes
//! the short URL with the `?qr` marker (`scanly_shared::event::QR_MARKER`),
//! so scans of the printed code are told apart from clicks on the link;
//! the edge ignores the marker when answering. Rendering is deterministic,
//! so the ETag is a hash of the link version and the options, and a
//! matching `If-None-Match` gets 304 without rendering.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use scanly_qr::{EcLevel, EyeStyle, Matrix, ModuleStyle, QrError, QrParams};
use scanly_shared::HexColor;
use scanly_shared::event::QR_MARKER;
use scanly_shared::http_cache::if_none_match;
use scanly_shared::qr_payload::QrPayload;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, ValidJson};
use crate::routes::links::{owned_link, short_url};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QrQuery {
    /// `png` (default) or `svg`.
    format: Option<String>,
    /// Edge in pixels, 64–4096 (default 512).
    size: Option<u32>,
    /// Quiet zone in modules (default 4, at least 2).
    margin: Option<u32>,
    /// Hex colours, e.g. `1a1a2e`; the contrast must be at least 3:1.
    fg: Option<String>,
    bg: Option<String>,
    transparent: Option<bool>,
    /// `L`, `M` (default), `Q` or `H`.
    ec: Option<String>,
    /// Modules: `square`, `rounded` or `dots`.
    style: Option<String>,
    /// Finder eyes: `square` or `rounded`.
    eyes: Option<String>,
}

fn qr_error(error: &QrError) -> ApiError {
    let message = error.to_string();
    let message = message
        .split_once(": ")
        .map_or(message.as_str(), |(_, m)| m)
        .to_owned();
    ApiError::invalid(error.field(), message)
}

/// `1a1a2e` or `#1a1a2e` (a `#` in a query string must be escaped, so
/// both are accepted).
fn color(field: &str, value: &str) -> ApiResult<HexColor> {
    let value = value.trim();
    let hex = if value.starts_with('#') {
        value.to_owned()
    } else {
        format!("#{value}")
    };
    HexColor::parse(&hex).map_err(|e| ApiError::invalid(field, e.to_string()))
}

fn params(content: String, query: &QrQuery) -> ApiResult<QrParams> {
    let mut params = QrParams::new(content);
    if let Some(size) = query.size {
        params.size_px = size;
    }
    if let Some(margin) = query.margin {
        params.margin = margin;
    }
    if let Some(fg) = &query.fg {
        params.fg = color("fg", fg)?;
    }
    if let Some(bg) = &query.bg {
        params.bg = color("bg", bg)?;
    }
    params.transparent_bg = query.transparent.unwrap_or(false);
    if let Some(ec) = &query.ec {
        params.ec = match ec.to_ascii_uppercase().as_str() {
            "L" => EcLevel::L,
            "M" => EcLevel::M,
            "Q" => EcLevel::Q,
            "H" => EcLevel::H,
            _ => return Err(ApiError::invalid("ec", "must be L, M, Q or H")),
        };
    }
    if let Some(style) = &query.style {
        params.module_style = match style.as_str() {
            "square" => ModuleStyle::Square,
            "rounded" => ModuleStyle::Rounded,
            "dots" => ModuleStyle::Dots,
            _ => {
                return Err(ApiError::invalid(
                    "style",
                    "must be square, rounded or dots",
                ));
            }
        };
    }
    if let Some(eyes) = &query.eyes {
        params.eye_style = match eyes.as_str() {
            "square" => EyeStyle::Square,
            "rounded" => EyeStyle::Rounded,
            "circle" => EyeStyle::Circle,
            _ => return Err(ApiError::invalid("eyes", "must be square or rounded")),
        };
    }
    Ok(params)
}

#[utoipa::path(get, path = "/v1/links/{id}/qr", tag = "qr", params(("id" = String, Path), QrQuery), security(("bearer" = [])),
    responses((status = 200, description = "image/png or image/svg+xml"), (status = 304), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link_qr(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<QrQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller.require(Scope::LinksRead)?;
    let link = owned_link(&state, &caller, &id).await?;
    let svg = wants_svg(&query)?;
    let content = format!("{}?{QR_MARKER}", short_url(&state, &link));
    render(content, &query, svg, &headers)
}

/// Renders `content` with the query's options: 304 when the client has
/// this exact image (rendering is deterministic), else PNG or SVG.
fn render(content: String, query: &QrQuery, svg: bool, headers: &HeaderMap) -> ApiResult<Response> {
    let options = params(content, query)?
        .validate()
        .map_err(|e| qr_error(&e))?;
    let etag = {
        let mut hash = Sha256::new();
        hash.update(format!(
            "{:?}|{svg}|{}",
            options.params(),
            env!("CARGO_PKG_VERSION")
        ));
        format!(
            "\"{}\"",
            hex::encode(hash.finalize().get(..12).unwrap_or_default())
        )
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| if_none_match(v, &etag));
    let builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, "private, max-age=300");
    if matches {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(ApiError::internal);
    }
    let matrix = Matrix::encode(&options).map_err(|e| qr_error(&e))?;
    let (content_type, body) = if svg {
        (
            "image/svg+xml",
            scanly_qr::render_svg(&matrix, &options).into_bytes(),
        )
    } else {
        (
            "image/png",
            scanly_qr::render_png(&matrix, &options).map_err(|e| qr_error(&e))?,
        )
    };
    builder
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, HeaderValue::from_static(content_type))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(Body::from(body))
        .map_err(ApiError::internal)
}

fn wants_svg(query: &QrQuery) -> ApiResult<bool> {
    match query.format.as_deref().unwrap_or("png") {
        "png" => Ok(false),
        "svg" => Ok(true),
        _ => Err(ApiError::invalid("format", "must be png or svg")),
    }
}

/// `POST /v1/qr`: a static code for a URL, text, Wi-Fi network, contact,
/// email, call, text message or place (the body, see
/// `scanly_shared::qr_payload`), with the same query options.
#[utoipa::path(post, path = "/v1/qr", tag = "qr", params(QrQuery), request_body = Object, security(("bearer" = [])),
    responses((status = 200, description = "image/png or image/svg+xml"), (status = 422, body = ErrorBody)))]
pub async fn static_qr(
    caller: Caller,
    Query(query): Query<QrQuery>,
    headers: HeaderMap,
    ValidJson(payload): ValidJson<QrPayload>,
) -> ApiResult<Response> {
    caller.require(Scope::LinksRead)?;
    let svg = wants_svg(&query)?;
    let content = payload.encode()?;
    render(content, &query, svg, &headers)
}
