//! The publish channel against KV: signature (pure), replay memory and
//! last-writer-wins (here, because they read KV), then the writes.

use wasm_bindgen::JsValue;

use super::bindings as js;
use super::read_body;
use crate::config::EdgeConfig;
use crate::http::{EdgeResponse, Method, RequestFacts, UrlParts};
use crate::publish::{self, KvWrite, REPLAY_MEMORY_SECONDS};
use scanly_shared::publish::MAX_BATCH_BYTES;
use scanly_shared::record::MAX_RECORD_BYTES;

pub async fn one(
    request: &JsValue,
    env: &JsValue,
    config: &EdgeConfig,
    facts: &RequestFacts<'_>,
    method: Method,
    url: &UrlParts<'_>,
    tail: &str,
) -> EdgeResponse {
    let body = match authenticated_body(request, env, config, facts, method, url, MAX_RECORD_BYTES)
        .await
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    match publish::single(config, method, tail, &body) {
        Ok(write) => apply(env, vec![write]).await,
        Err(response) => response,
    }
}

pub async fn batch(
    request: &JsValue,
    env: &JsValue,
    config: &EdgeConfig,
    facts: &RequestFacts<'_>,
    url: &UrlParts<'_>,
) -> EdgeResponse {
    let body = match authenticated_body(
        request,
        env,
        config,
        facts,
        Method::Post,
        url,
        MAX_BATCH_BYTES,
    )
    .await
    {
        Ok(body) => body,
        Err(response) => return response,
    };
    match publish::batch(config, &body) {
        Ok(writes) => apply(env, writes).await,
        Err(response) => response,
    }
}

async fn authenticated_body(
    request: &JsValue,
    env: &JsValue,
    config: &EdgeConfig,
    facts: &RequestFacts<'_>,
    method: Method,
    url: &UrlParts<'_>,
    limit: usize,
) -> Result<Vec<u8>, EdgeResponse> {
    let body = read_body(request, facts, limit).await?;
    let path_and_query = url.path_and_query();
    let now_s = super::now_ms() / 1000;
    let replay_key = publish::authenticate(config, facts, method, &path_and_query, &body, now_s)?;
    let seen = js::kv_get_fresh(env, &replay_key)
        .await
        .map_err(kv_failed)?;
    if !seen.is_undefined() {
        return Err(publish::replayed());
    }
    js::kv_put(env, &replay_key, b"1", REPLAY_MEMORY_SECONDS)
        .await
        .map_err(kv_failed)?;
    Ok(body)
}

async fn apply(env: &JsValue, writes: Vec<KvWrite>) -> EdgeResponse {
    let mut results = Vec::with_capacity(writes.len());
    for write in &writes {
        let status = match write {
            KvWrite::Put {
                key,
                version,
                record,
                ..
            } => {
                let stored = match js::kv_get_fresh(env, key).await {
                    Ok(value) => js::bytes(&value),
                    Err(error) => return kv_failed(error),
                };
                if publish::is_older_than_stored(*version, stored.as_deref()) {
                    "stale"
                } else if let Err(error) = js::kv_put(env, key, record, 0).await {
                    return kv_failed(error);
                } else {
                    "written"
                }
            }
            KvWrite::Delete { key, .. } => match js::kv_delete(env, key).await {
                Ok(_) => "deleted",
                Err(error) => return kv_failed(error),
            },
        };
        // After the write: a scan racing it may have remembered the old bytes.
        let (KvWrite::Put { key, .. } | KvWrite::Delete { key, .. }) = write;
        super::forget_record(key);
        tracing::info!(target_record = write.target(), status, "publish");
        results.push((write.target(), status));
    }
    publish::outcome(&results)
}

fn kv_failed(error: JsValue) -> EdgeResponse {
    tracing::error!(error = ?error, "KV failed during publish");
    EdgeResponse::json_error(
        503,
        "storage_unavailable",
        "the edge store is unavailable; retry",
    )
}
