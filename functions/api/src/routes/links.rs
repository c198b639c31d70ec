//! `/v1/links`: create, list, read, edit, delete — each change published
//! to the edge before the response returns (or left in the outbox).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use scanly_shared::ids::LinkId;
use scanly_shared::label::{MAX_TAGS, Tag, Title};
use scanly_shared::page::Page;
use scanly_shared::password::{DEFAULT_ITERATIONS, LinkPassword, PasswordVerifier};
use scanly_shared::record::{LinkKind, RedirectStatus};
use scanly_shared::rules::{Rule, Variant};
use scanly_shared::utm::Utm;
use scanly_shared::{Destination, DomainError, Hostname, ShortCode};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, ValidJson, ValidQuery};
use crate::ids::new_id;
use crate::model::{Link, PublishJob, PublishOp};
use crate::publish;
use crate::scan_limits;
use crate::store::{LinkQuery, StoreError};

const DEFAULT_PAGE_SIZE: usize = 20;
/// Generated codes collide rarely (56^7); a few retries make it never.
const CODE_ATTEMPTS: usize = 5;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    /// 3–64 of `[A-Za-z0-9_-]`; generated (7 characters) when absent.
    #[schema(value_type = Option<String>)]
    code: Option<ShortCode>,
    #[schema(value_type = Option<String>, example = "redirect")]
    kind: Option<LinkKind>,
    /// http(s) only; required for redirect links.
    #[schema(value_type = Option<String>, format = "uri")]
    destination: Option<Destination>,
    #[schema(value_type = Option<u16>, example = 302)]
    redirect_status: Option<RedirectStatus>,
    #[schema(value_type = Option<String>)]
    title: Option<Title>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    tags: Vec<Tag>,
    #[serde(default)]
    #[schema(value_type = Object)]
    utm: Utm,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    rules: Vec<Rule>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    variants: Vec<Variant>,
    expires_at: Option<DateTime<Utc>>,
    max_scans: Option<u64>,
    /// Write-only: stored as a verifier, never returned.
    password: Option<String>,
    #[schema(value_type = Option<Object>)]
    page: Option<serde_json::Value>,
    indexable: Option<bool>,
}

/// Present-and-null clears a field; absent leaves it.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkPatch {
    #[schema(value_type = Option<String>)]
    code: Option<ShortCode>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = "uri")]
    destination: Option<Option<Destination>>,
    #[schema(value_type = Option<u16>)]
    redirect_status: Option<RedirectStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    title: Option<Option<Title>>,
    #[schema(value_type = Option<Vec<String>>)]
    tags: Option<Vec<Tag>>,
    #[schema(value_type = Option<Object>)]
    utm: Option<Utm>,
    #[schema(value_type = Option<Vec<Object>>)]
    rules: Option<Vec<Rule>>,
    #[schema(value_type = Option<Vec<Object>>)]
    variants: Option<Vec<Variant>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    expires_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u64>)]
    max_scans: Option<Option<u64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    password: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    page: Option<Option<serde_json::Value>>,
    indexable: Option<bool>,
    /// Optimistic concurrency, as an alternative to `If-Match`.
    version: Option<u64>,
}

/// A link as the API shows it: every stored field but the password.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    #[schema(value_type = String)]
    id: LinkId,
    #[schema(value_type = String)]
    code: ShortCode,
    short_url: String,
    #[schema(value_type = String)]
    domain: Hostname,
    #[schema(value_type = String, example = "redirect")]
    kind: LinkKind,
    #[schema(value_type = Option<String>, format = "uri")]
    destination: Option<Destination>,
    #[schema(value_type = u16)]
    redirect_status: RedirectStatus,
    #[schema(value_type = Option<String>)]
    title: Option<Title>,
    #[schema(value_type = Vec<String>)]
    tags: Vec<Tag>,
    #[schema(value_type = Object)]
    utm: Utm,
    #[schema(value_type = Vec<Object>)]
    rules: Vec<Rule>,
    #[schema(value_type = Vec<Object>)]
    variants: Vec<Variant>,
    #[schema(format = "date-time")]
    expires_at: Option<String>,
    max_scans: Option<u64>,
    /// The counted scans reached `max_scans`: the link answers 410.
    scan_limit_reached: bool,
    has_password: bool,
    #[schema(value_type = Option<Object>)]
    page: Option<Page>,
    indexable: bool,
    #[schema(format = "date-time")]
    created_at: String,
    #[schema(format = "date-time")]
    updated_at: String,
    version: u64,
    published_version: Option<u64>,
}

pub(crate) fn rfc3339(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

pub(crate) fn view(state: &AppState, link: Link) -> LinkView {
    let short_url = short_url(state, &link);
    LinkView {
        short_url,
        expires_at: link.expires_at.map(rfc3339),
        has_password: link.password.is_some(),
        created_at: rfc3339(link.created_at),
        updated_at: rfc3339(link.updated_at),
        id: link.id,
        code: link.code,
        domain: link.host,
        kind: link.kind,
        destination: link.destination,
        redirect_status: link.redirect_status,
        title: link.title,
        tags: link.tags,
        utm: link.utm,
        rules: link.rules,
        variants: link.variants,
        max_scans: link.max_scans,
        scan_limit_reached: link.scan_limit_reached,
        page: link.page,
        indexable: link.indexable,
        version: link.version,
        published_version: link.published_version,
    }
}

/// Where the link answers: the edge's base URL for the default host, the
/// custom domain otherwise.
pub(crate) fn short_url(state: &AppState, link: &Link) -> String {
    if Some(&link.host) == default_host(state).ok().as_ref() {
        format!("{}/{}", state.config.edge_base_url, link.code)
    } else {
        format!("https://{}/{}", link.host, link.code)
    }
}

/// The edge's own host: the namespace of generated codes.
fn default_host(state: &AppState) -> ApiResult<Hostname> {
    let base = &state.config.edge_base_url;
    let authority = base
        .split_once("://")
        .map_or(base.as_str(), |(_, rest)| rest);
    let host = authority.split('/').next().unwrap_or_default();
    Hostname::parse(host).map_err(ApiError::internal)
}

fn parse_page(value: &serde_json::Value) -> ApiResult<Page> {
    Page::from_json(&value.to_string()).map_err(|e| {
        let field = if e.field.is_empty() {
            "page".to_owned()
        } else {
            format!("page.{}", e.field)
        };
        ApiError::invalid(&field, e.message)
    })
}

fn verifier(password: &str) -> ApiResult<PasswordVerifier> {
    let password =
        LinkPassword::parse(password).map_err(|e| ApiError::invalid("password", e.to_string()))?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    Ok(PasswordVerifier::new(&password, salt, DEFAULT_ITERATIONS))
}

fn check_tags(tags: &[Tag]) -> ApiResult<()> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    Ok(())
}

/// The rules every stored link obeys (the edge record's, plus the API's).
fn validate(link: &Link) -> ApiResult<()> {
    check_tags(&link.tags)?;
    link.record().validate().map_err(|e| match e {
        DomainError::Invalid { field, message } => ApiError::invalid(&field, message),
        other => ApiError::from(other),
    })
}

fn random_code() -> ApiResult<ShortCode> {
    let mut failed = false;
    let code = ShortCode::generate(|buf| failed |= getrandom::fill(buf).is_err());
    if failed {
        return Err(ApiError::internal("no randomness for a generated code"));
    }
    Ok(code)
}

#[utoipa::path(post, path = "/v1/links", tag = "links", request_body = NewLink, security(("bearer" = [])),
    responses((status = 201, body = LinkView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ValidJson(body): ValidJson<NewLink>,
) -> ApiResult<(StatusCode, Json<LinkView>)> {
    caller.require_write()?;
    let link = create_link(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(view(&state, link))))
}

/// Validates, stores (claiming the code) and publishes one new link; a
/// link that fails any step leaves nothing behind.
pub(crate) async fn create_link(
    state: &AppState,
    caller: &Caller,
    body: NewLink,
) -> ApiResult<Link> {
    let now = state.now_ms();
    let kind = body.kind.unwrap_or(LinkKind::Redirect);
    let chosen_code = body.code.is_some();
    let mut link = Link {
        id: LinkId::parse(&new_id("lnk")).map_err(ApiError::internal)?,
        workspace_id: caller.workspace_id.clone(),
        host: default_host(state)?,
        code: match body.code {
            Some(code) => code,
            None => random_code()?,
        },
        kind,
        destination: body.destination,
        redirect_status: body.redirect_status.unwrap_or_default(),
        title: body.title,
        tags: body.tags,
        utm: body.utm,
        rules: body.rules,
        variants: body.variants,
        expires_at: body.expires_at.map(|t| t.timestamp_millis()),
        max_scans: body.max_scans,
        password: body.password.as_deref().map(verifier).transpose()?,
        page: body.page.as_ref().map(parse_page).transpose()?,
        indexable: body.indexable.unwrap_or(kind == LinkKind::Page),
        created_at: now,
        updated_at: now,
        version: 1,
        scan_limit_reached: false,
        published_version: None,
    };
    validate(&link)?;
    let mut attempts = 0;
    let job = loop {
        // The link and its publish job are stored in one write.
        let job = publish::job(&link, PublishOp::Put, now);
        match state.store.create_link(&link, &job).await {
            Ok(()) => break job,
            Err(StoreError::CodeTaken) if !chosen_code && attempts < CODE_ATTEMPTS => {
                attempts += 1;
                link.code = random_code()?;
            }
            Err(StoreError::CodeTaken) => return Err(code_taken(&link.code)),
            Err(other) => return Err(ApiError::internal(other)),
        }
    };
    // Published before the short URL is handed out, so a first scan finds it.
    if state
        .publishing
        .attempt(&job, now)
        .await
        .map_err(ApiError::internal)?
    {
        link.published_version = Some(link.version);
    }
    Ok(link)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
// Read through `ValidQuery`, which utoipa does not recognise as a query.
#[into_params(parameter_in = Query)]
pub struct ListParams {
    limit: Option<usize>,
    cursor: Option<String>,
    q: Option<String>,
    tag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkList {
    items: Vec<LinkView>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/links", tag = "links", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = LinkList), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ValidQuery(params): ValidQuery<ListParams>,
) -> ApiResult<Json<LinkList>> {
    caller.require(Scope::LinksRead)?;
    let limit = super::page_limit(params.limit, DEFAULT_PAGE_SIZE)?;
    let tag = params
        .tag
        .as_deref()
        .map(Tag::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("tag", e.to_string()))?;
    let query = LinkQuery {
        limit,
        cursor: params.cursor,
        text: params.q.filter(|q| !q.trim().is_empty()),
        tag,
    };
    let page = state
        .store
        .links(&caller.workspace_id, &query)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(LinkList {
        items: page.items.into_iter().map(|l| view(&state, l)).collect(),
        next_cursor: page.next_cursor,
    }))
}

pub(crate) async fn owned_link(state: &AppState, caller: &Caller, id: &str) -> ApiResult<Link> {
    let id = LinkId::parse(id).map_err(|_| ApiError::not_found("link"))?;
    state
        .store
        .link(&caller.workspace_id, &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("link"))
}

#[utoipa::path(get, path = "/v1/links/{id}", tag = "links", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = LinkView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<LinkView>> {
    caller.require(Scope::LinksRead)?;
    let link = owned_link(&state, &caller, &id).await?;
    Ok(Json(view(&state, link)))
}

/// `If-Match: "3"` (or `3`) — the version the client edited.
fn if_match(headers: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| ApiError::bad_request("If-Match must be a link version, e.g. \"3\""))
}

#[utoipa::path(patch, path = "/v1/links/{id}", tag = "links", params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = LinkPatch, security(("bearer" = [])),
    responses((status = 200, body = LinkView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ValidJson(patch): ValidJson<LinkPatch>,
) -> ApiResult<Json<LinkView>> {
    caller.require_write()?;
    let stored = owned_link(&state, &caller, &id).await?;
    let expected = if_match(&headers)?
        .or(patch.version)
        .unwrap_or(stored.version);
    if expected != stored.version {
        return Err(version_conflict(stored.version));
    }
    let now = state.now_ms();
    let mut link = stored.clone();
    if let Some(code) = patch.code {
        link.code = code;
    }
    if let Some(destination) = patch.destination {
        link.destination = destination;
    }
    if let Some(status) = patch.redirect_status {
        link.redirect_status = status;
    }
    if let Some(title) = patch.title {
        link.title = title;
    }
    if let Some(tags) = patch.tags {
        link.tags = tags;
    }
    if let Some(utm) = patch.utm {
        link.utm = utm;
    }
    if let Some(rules) = patch.rules {
        link.rules = rules;
    }
    if let Some(variants) = patch.variants {
        link.variants = variants;
    }
    if let Some(expires_at) = patch.expires_at {
        link.expires_at = expires_at.map(|t| t.timestamp_millis());
    }
    if let Some(max_scans) = patch.max_scans {
        link.max_scans = max_scans;
        // A new limit is judged against the scans counted so far: raising
        // it re-opens a link that had reached the old one.
        link.scan_limit_reached = match max_scans {
            Some(max) => {
                scan_limits::counted_scans(state.store.as_ref(), &link.workspace_id, &link.id, now)
                    .await
                    .map_err(ApiError::internal)?
                    >= max
            }
            None => false,
        };
    }
    if let Some(password) = patch.password {
        link.password = password.as_deref().map(verifier).transpose()?;
    }
    if let Some(page) = patch.page {
        link.page = page.as_ref().map(parse_page).transpose()?;
    }
    if let Some(indexable) = patch.indexable {
        link.indexable = indexable;
    }
    link.version = stored.version.saturating_add(1);
    link.updated_at = now;
    save_and_publish(&state, &stored, link, now).await
}

/// Stores an edited link over `stored` (same version or conflict) and
/// publishes it; a changed code is unpublished from the edge. The jobs are
/// stored with the link, in one write.
async fn save_and_publish(
    state: &AppState,
    stored: &Link,
    mut link: Link,
    now: i64,
) -> ApiResult<Json<LinkView>> {
    validate(&link)?;
    let put = publish::job(&link, PublishOp::Put, now);
    let unpublish = (stored.host != link.host || stored.code != link.code)
        .then(|| publish::job(stored, PublishOp::Delete, now));
    let jobs: Vec<PublishJob> = unpublish.iter().chain([&put]).cloned().collect();
    match state.store.update_link(&link, stored.version, &jobs).await {
        Ok(()) => {}
        Err(StoreError::VersionConflict { current }) => return Err(version_conflict(current)),
        Err(StoreError::CodeTaken) => return Err(code_taken(&link.code)),
        Err(other) => return Err(ApiError::internal(other)),
    }
    if let Some(unpublish) = &unpublish {
        state
            .publishing
            .attempt(unpublish, now)
            .await
            .map_err(ApiError::internal)?;
    }
    if state
        .publishing
        .attempt(&put, now)
        .await
        .map_err(ApiError::internal)?
    {
        link.published_version = Some(link.version);
    }
    Ok(Json(view(state, link)))
}

fn code_taken(code: &ShortCode) -> ApiError {
    ApiError::conflict("code_taken", format!("the code {code} is already in use"))
}

fn version_conflict(current: u64) -> ApiError {
    ApiError::conflict(
        "version_conflict",
        format!("the link changed since you read it (now version {current}); reload and retry"),
    )
}

#[utoipa::path(delete, path = "/v1/links/{id}", tag = "links", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_write()?;
    let link = owned_link(&state, &caller, &id).await?;
    let now = state.now_ms();
    let job = publish::job(&link, PublishOp::Delete, now);
    let removed = state
        .store
        .delete_link(&caller.workspace_id, &link.id, &job)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("link"))?;
    // The job as stored: for the code the link held when it was removed.
    state
        .publishing
        .attempt(&job.aimed_at(&removed), now)
        .await
        .map_err(ApiError::internal)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /v1/links/{id}/page`: replaces a page link's page.
#[utoipa::path(put, path = "/v1/links/{id}/page", tag = "links", params(("id" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = LinkView), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn replace_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ValidJson(page): ValidJson<serde_json::Value>,
) -> ApiResult<Json<LinkView>> {
    caller.require_write()?;
    let stored = owned_link(&state, &caller, &id).await?;
    if stored.kind != LinkKind::Page {
        return Err(ApiError::invalid("page", "only page links have a page"));
    }
    if let Some(expected) = if_match(&headers)?
        && expected != stored.version
    {
        return Err(version_conflict(stored.version));
    }
    let now = state.now_ms();
    let link = Link {
        page: Some(parse_page(&page)?),
        version: stored.version.saturating_add(1),
        updated_at: now,
        ..stored.clone()
    };
    save_and_publish(&state, &stored, link, now).await
}
