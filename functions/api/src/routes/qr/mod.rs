//! QR images: `GET /v1/links/{id}/qr` (a link's code), `POST /v1/qr` (a
//! static code from a body) and `POST /v1/qr/batch` (a ZIP of many links'
//! codes). Rendering lives in `scanly_qr`; this module only turns requests
//! into options, loads the workspace's logo, and caches.
//!
//! A link's code encodes its short URL with the `?qr` marker
//! (`scanly_shared::event::QR_MARKER`), so scans of the printed code are
//! told apart from clicks on the link; the edge ignores the marker when
//! answering. Rendering is deterministic, so the ETag is derived from the
//! options (`QrOptions::fingerprint`), a matching `If-None-Match` gets 304
//! without rendering, and rendered images are kept in the workspace's
//! object storage under a key derived from the link's version and the
//! options.

pub mod batch;
mod params;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use scanly_qr::format::{Format, render};
use scanly_qr::{Logo, QrOptions, QrParams};
use scanly_shared::event::QR_MARKER;
use scanly_shared::http_cache::if_none_match;
use scanly_shared::ids::WorkspaceId;
use scanly_shared::qr_payload::QrPayload;
use sha2::{Digest, Sha256};

pub use batch::batch_qr;
pub use params::QrQuery;
use params::qr_error;

use crate::app::AppState;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, ValidJson, ValidQuery};
use crate::model::Link;
use crate::objects::ObjectKey;
use crate::routes::links::{owned_link, short_url};
use crate::routes::logos::load_logo;

/// Browsers and CDNs may keep an image briefly; the ETag revalidates it.
const CACHE_CONTROL: &str = "private, max-age=300";

/// What a link's code encodes.
pub(crate) fn link_qr_content(state: &AppState, link: &Link) -> String {
    format!("{}?{QR_MARKER}", short_url(state, link))
}

#[utoipa::path(get, path = "/v1/links/{id}/qr", tag = "qr", params(("id" = String, Path), QrQuery), security(("bearer" = [])),
    responses((status = 200, description = "image/png, image/svg+xml, application/pdf or application/postscript", content((Vec<u8> = "image/png"), (String = "image/svg+xml"), (Vec<u8> = "application/pdf"), (String = "application/postscript"))), (status = 304), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn link_qr(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ValidQuery(query): ValidQuery<QrQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller.require(Scope::LinksRead)?;
    let link = owned_link(&state, &caller, &id).await?;
    let format = query.format()?;
    let params = query.params(link_qr_content(&state, &link))?;
    let logo = query_logo(&state, &caller.workspace_id, &query).await?;
    let options = validated(params, logo)?;
    let key = cache_digest(&options, format, Some(&link));
    respond(&state, &caller.workspace_id, options, format, key, &headers).await
}

/// `POST /v1/qr`: a static code for a URL, text, Wi-Fi network, contact,
/// email, call, text message or place (the body, see
/// `scanly_shared::qr_payload`), with the same query options.
#[utoipa::path(post, path = "/v1/qr", tag = "qr", params(QrQuery), request_body = Object, security(("bearer" = [])),
    responses((status = 200, description = "image/png, image/svg+xml, application/pdf or application/postscript", content((Vec<u8> = "image/png"), (String = "image/svg+xml"), (Vec<u8> = "application/pdf"), (String = "application/postscript"))), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn static_qr(
    State(state): State<AppState>,
    caller: Caller,
    ValidQuery(query): ValidQuery<QrQuery>,
    headers: HeaderMap,
    ValidJson(payload): ValidJson<QrPayload>,
) -> ApiResult<Response> {
    caller.require(Scope::LinksRead)?;
    let format = query.format()?;
    let params = query.params(payload.encode()?)?;
    let logo = query_logo(&state, &caller.workspace_id, &query).await?;
    let options = validated(params, logo)?;
    let key = cache_digest(&options, format, None);
    respond(&state, &caller.workspace_id, options, format, key, &headers).await
}

/// The logo the query names, decoded: looked up under the caller's
/// workspace only, so another workspace's id is simply not found.
pub(crate) async fn query_logo(
    state: &AppState,
    workspace: &WorkspaceId,
    query: &QrQuery,
) -> ApiResult<Option<Logo>> {
    let Some(id) = &query.logo else {
        return Ok(None);
    };
    let stored = load_logo(state.objects.as_ref(), workspace, id).await?;
    let logo = tokio::task::spawn_blocking(move || Logo::decode(&stored.bytes))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| qr_error(&e))?;
    Ok(Some(logo))
}

/// Validates the options, with the logo (if any) in place.
pub(crate) fn validated(mut params: QrParams, logo: Option<Logo>) -> ApiResult<QrOptions> {
    params.logo = logo;
    params.validate().map_err(|e| qr_error(&e))
}

/// The cache key: the options' fingerprint, the format and, for a link,
/// its id and version (a new version never serves an old image).
pub(crate) fn cache_digest(options: &QrOptions, format: Format, link: Option<&Link>) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(options.fingerprint());
    hash.update(format.extension());
    if let Some(link) = link {
        hash.update(format!("|{}|{}", link.id, link.version));
    }
    hash.finalize().into()
}

/// Renders the image CPU-bound work off the async runtime.
pub(crate) async fn render_blocking(options: QrOptions, format: Format) -> ApiResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || render(&options, format))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| qr_error(&e))
}

/// 304 when the client has this image; else the cached copy, or a fresh
/// render that is then cached. A cache failure is logged, never fatal.
async fn respond(
    state: &AppState,
    workspace: &WorkspaceId,
    options: QrOptions,
    format: Format,
    digest: [u8; 32],
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let etag = format!("\"{}\"", hex::encode(digest.get(..16).unwrap_or_default()));
    let builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, CACHE_CONTROL);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| if_none_match(v, &etag));
    if matches {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(ApiError::internal);
    }
    let key = ObjectKey::qr_cache(workspace, &digest, format);
    let cached = match state.objects.get(&key).await {
        Ok(found) => found.map(|o| o.bytes),
        Err(error) => {
            tracing::warn!(%error, key = key.as_str(), "QR cache read failed; rendering");
            None
        }
    };
    let (body, cache) = match cached {
        Some(bytes) => (bytes, "hit"),
        None => {
            let bytes = render_blocking(options, format).await?;
            if let Err(error) = state
                .objects
                .put(&key, bytes.clone(), format.content_type())
                .await
            {
                tracing::warn!(%error, key = key.as_str(), "QR cache write failed");
            }
            (bytes, "miss")
        }
    };
    builder
        .status(StatusCode::OK)
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header("x-scanly-cache", cache)
        .body(Body::from(body))
        .map_err(ApiError::internal)
}
