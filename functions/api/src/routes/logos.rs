//! `/v1/logos`: images to put in the middle of QR codes, uploaded by the
//! client straight to object storage through a presigned URL, so the API
//! never carries the bytes:
//!
//! 1. `POST /v1/logos {content_type, size_bytes}` stores a small record
//!    (`ObjectKey::logo_record`) and answers with the id and an upload:
//!    `PUT` to `url` with exactly `headers`, before `expires_at`.
//! 2. The client uploads; S3 (or, with the embedded object store, this API
//!    at `PUT /v1/uploads/{key}`) refuses another type or size.
//! 3. `GET /v1/logos/{id}` shows `uploaded: true`; QR rendering reads the
//!    image with [`load_logo`].
//!
//! Everything is keyed under the caller's workspace, so another
//! workspace's logo id is simply not found.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use scanly_shared::ids::WorkspaceId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use scanly_qr::logo::LogoFormat;

use crate::auth::Scope;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, MAX_BODY_BYTES, ValidJson};
use crate::objects::{LogoId, ObjectKey, ObjectPrefix, ObjectStore, SignedUpload, StoredObject};
use crate::routes::links::rfc3339;

/// The largest logo the renderer accepts (512 KiB), as the upload limit:
/// a logo covers a small share of a QR code, so anything bigger is an
/// unscaled photo, not a logo.
pub const MAX_LOGO_BYTES: u64 = scanly_qr::logo::MAX_LOGO_BYTES as u64;

/// The content types a logo may have: the formats the renderer reads.
pub const LOGO_CONTENT_TYPES: [&str; 3] = [
    LogoFormat::Png.media_type(),
    LogoFormat::Jpeg.media_type(),
    LogoFormat::Svg.media_type(),
];

/// How long an upload URL is valid.
pub const UPLOAD_EXPIRES_IN: Duration = Duration::from_secs(15 * 60);

const DEFAULT_PAGE_SIZE: usize = 50;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLogo {
    /// `image/png`, `image/jpeg` or `image/svg+xml`.
    #[schema(example = "image/png")]
    content_type: String,
    /// The exact size of the file to upload, 1 to 524288 (512 KiB).
    #[schema(example = 20480)]
    size_bytes: u64,
}

/// How to upload the file: `method` to `url` with exactly `headers` (no
/// Authorization header), before `expires_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    url: String,
    #[schema(example = "PUT")]
    method: String,
    /// `Content-Type` and `Content-Length`, as declared when creating.
    headers: BTreeMap<String, String>,
    #[schema(format = "date-time")]
    expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedLogo {
    id: String,
    upload: UploadView,
    /// The largest logo accepted, in bytes.
    max_bytes: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogoView {
    id: String,
    content_type: String,
    size_bytes: u64,
    /// Whether the file has arrived (a QR code can use it only then).
    uploaded: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogoList {
    items: Vec<LogoView>,
    /// Pass as `cursor` for the next page; absent on the last.
    next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
// Read through `ValidQuery`, which utoipa does not recognise as a query.
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// 1–100 (default 50).
    limit: Option<usize>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// What a logo was created for; stored before the image arrives.
#[derive(Debug, Serialize, Deserialize)]
struct LogoRecord {
    content_type: String,
    size_bytes: u64,
    created_at: i64,
}

fn logo_id(field: &str, value: &str) -> ApiResult<LogoId> {
    LogoId::parse(value.trim()).ok_or_else(|| {
        ApiError::invalid(
            field,
            "must be a logo id as POST /v1/logos returns it (logo_ and 32 hex digits)",
        )
    })
}

async fn record(
    objects: &dyn ObjectStore,
    workspace: &WorkspaceId,
    id: &LogoId,
) -> ApiResult<Option<LogoRecord>> {
    let Some(stored) = objects.get(&ObjectKey::logo_record(workspace, id)).await? else {
        return Ok(None);
    };
    serde_json::from_slice(&stored.bytes)
        .map(Some)
        .map_err(|e| ApiError::internal(format!("logo record {id}: {e}")))
}

async fn view(
    objects: &dyn ObjectStore,
    workspace: &WorkspaceId,
    id: &LogoId,
) -> ApiResult<Option<LogoView>> {
    let Some(record) = record(objects, workspace, id).await? else {
        return Ok(None);
    };
    let uploaded = objects
        .head(&ObjectKey::logo(workspace, id))
        .await?
        .is_some();
    Ok(Some(LogoView {
        id: id.to_string(),
        content_type: record.content_type,
        size_bytes: record.size_bytes,
        uploaded,
    }))
}

#[utoipa::path(post, path = "/v1/logos", tag = "logos", request_body = NewLogo, security(("bearer" = [])),
    responses((status = 201, body = CreatedLogo), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ValidJson(body): ValidJson<NewLogo>,
) -> ApiResult<(StatusCode, Json<CreatedLogo>)> {
    caller.require(Scope::LinksWrite)?;
    if !LOGO_CONTENT_TYPES.contains(&body.content_type.as_str()) {
        return Err(ApiError::invalid(
            "content_type",
            format!("must be one of {}", LOGO_CONTENT_TYPES.join(", ")),
        ));
    }
    if body.size_bytes == 0 {
        return Err(ApiError::invalid("size_bytes", "must be at least 1 byte"));
    }
    if body.size_bytes > MAX_LOGO_BYTES {
        return Err(ApiError::invalid(
            "size_bytes",
            format!("a logo may be at most {MAX_LOGO_BYTES} bytes (512 KiB)"),
        ));
    }
    let id = LogoId::generate();
    let now = state.now_ms();
    let upload = state
        .objects
        .presign_put(
            &ObjectKey::logo(&caller.workspace_id, &id),
            &body.content_type,
            body.size_bytes,
            UPLOAD_EXPIRES_IN,
            now,
        )
        .await?;
    let record = LogoRecord {
        content_type: body.content_type,
        size_bytes: body.size_bytes,
        created_at: now,
    };
    let json = serde_json::to_vec(&record).map_err(ApiError::internal)?;
    state
        .objects
        .put(
            &ObjectKey::logo_record(&caller.workspace_id, &id),
            json,
            "application/json",
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedLogo {
            id: id.to_string(),
            upload: UploadView {
                url: upload.url,
                method: upload.method,
                headers: upload.headers,
                expires_at: rfc3339(upload.expires_at),
            },
            max_bytes: MAX_LOGO_BYTES,
        }),
    ))
}

#[utoipa::path(get, path = "/v1/logos", tag = "logos", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = LogoList), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<LogoList>> {
    caller.require(Scope::LinksRead)?;
    let limit = super::page_limit(params.limit, DEFAULT_PAGE_SIZE)?;
    let workspace = caller.workspace_id.clone();
    let after = match params.cursor.as_deref() {
        Some(cursor) => Some(ObjectKey::logo_record(
            &workspace,
            &logo_id("cursor", cursor)?,
        )),
        None => None,
    };
    let listed = state
        .objects
        .list(
            &ObjectPrefix::logo_records(&workspace),
            after.as_ref(),
            limit + 1,
        )
        .await?;
    let more = listed.len() > limit;
    let ids: Vec<LogoId> = listed
        .iter()
        .take(limit)
        .filter_map(|object| LogoId::parse(object.key.name().strip_suffix(".json")?))
        .collect();
    // A page reads every record and head at once (object stores answer
    // in parallel; one at a time would be a round trip per logo).
    let mut tasks = tokio::task::JoinSet::new();
    for (index, id) in ids.iter().cloned().enumerate() {
        let objects = Arc::clone(&state.objects);
        let workspace = workspace.clone();
        tasks.spawn(async move { (index, view(objects.as_ref(), &workspace, &id).await) });
    }
    let mut views: Vec<(usize, LogoView)> = Vec::with_capacity(ids.len());
    while let Some(joined) = tasks.join_next().await {
        let (index, found) = joined.map_err(ApiError::internal)?;
        // A logo deleted while the page was read is left out.
        if let Some(view) = found? {
            views.push((index, view));
        }
    }
    views.sort_by_key(|(index, _)| *index);
    let next_cursor = if more {
        ids.last().map(LogoId::to_string)
    } else {
        None
    };
    Ok(Json(LogoList {
        items: views.into_iter().map(|(_, view)| view).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/v1/logos/{id}", tag = "logos", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LogoView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<LogoView>> {
    caller.require(Scope::LinksRead)?;
    let id = logo_id("id", &id)?;
    view(state.objects.as_ref(), &caller.workspace_id, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("logo"))
}

#[utoipa::path(delete, path = "/v1/logos/{id}", tag = "logos", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Scope::LinksWrite)?;
    let id = logo_id("id", &id)?;
    let image = ObjectKey::logo(&caller.workspace_id, &id);
    let record = ObjectKey::logo_record(&caller.workspace_id, &id);
    let objects = state.objects.as_ref();
    if objects.head(&record).await?.is_none() && objects.head(&image).await?.is_none() {
        return Err(ApiError::not_found("logo"));
    }
    // The image first: a failure in between leaves the record, so the
    // logo is still listed and the delete can be retried.
    objects.delete(&image).await?;
    objects.delete(&record).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The uploaded logo `logo_id` of `workspace`, for QR rendering: 422 for
/// an id that is not one, 404 `logo_not_found` (naming the `logo` field)
/// when nothing was uploaded under it here, 413 `logo_too_large` if it is
/// over [`MAX_LOGO_BYTES`].
pub async fn load_logo(
    objects: &dyn ObjectStore,
    workspace: &WorkspaceId,
    logo_id: &str,
) -> Result<StoredObject, ApiError> {
    let id = self::logo_id("logo", logo_id)?;
    let key = ObjectKey::logo(workspace, &id);
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "logo_not_found",
            "logo: no uploaded logo with this id in this workspace",
        )
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "logo_too_large",
            format!("logo: a logo may be at most {MAX_LOGO_BYTES} bytes"),
        )
    };
    // HEAD first: an oversized object is refused without downloading it.
    let info = objects.head(&key).await?.ok_or_else(not_found)?;
    if info.len > MAX_LOGO_BYTES {
        return Err(too_large());
    }
    let object = objects.get(&key).await?.ok_or_else(not_found)?;
    if object.bytes.len() as u64 > MAX_LOGO_BYTES {
        return Err(too_large());
    }
    Ok(object)
}

fn header_value(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `PUT /v1/uploads/{key}?expires=…&signature=…`: where the embedded object
/// store's presigned uploads arrive. No bearer token: the signed URL is the
/// authority, as with S3. With S3 configured it does not exist (404).
#[utoipa::path(put, path = "/v1/uploads/{key}", tag = "logos",
    params(("key" = String, Path), ("expires" = i64, Query), ("signature" = String, Query),
        ("Content-Type" = String, Header), ("Content-Length" = u64, Header)),
    request_body(description = "The bytes, with the Content-Type the upload was signed for", content((Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (String = "image/svg+xml"))),
    responses((status = 200), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn receive_upload(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let Some(receiver) = state.objects.upload_receiver() else {
        return Err(ApiError::not_found("endpoint"));
    };
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(MAX_BODY_BYTES)
        } else {
            ApiError::bad_request("the request body could not be read")
        }
    })?;
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    let upload = SignedUpload {
        key,
        expires: field("expires"),
        signature: field("signature"),
        content_type: header_value(&headers, header::CONTENT_TYPE),
        content_length: header_value(&headers, header::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse().ok()),
        body: body.to_vec(),
    };
    receiver.receive(upload, state.now_ms()).await?;
    Ok(StatusCode::OK)
}
