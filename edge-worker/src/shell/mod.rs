//! The Workers runtime side: `fetch` and `queue` exports, and the bindings
//! they use. Each export copies what it needs out of JavaScript in one call
//! (`edge.js`), hands it to the plain modules, and copies the answer back.
//! Nothing here may panic: a panic aborts the instance for every request in
//! flight, so every failure becomes a response and a log line.

mod bindings;
mod consumer;
mod publish;

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use scanly_shared::page::StatusPage;
use scanly_shared::{Hostname, ShortCode};
use wasm_bindgen::prelude::*;
use worker::worker_sys::Context as RawContext;

use crate::config::{EdgeConfig, RECORD_CACHE_TTL_SECONDS, record_key};
use crate::http::{EdgeResponse, Method, RequestFacts, UrlParts};
use crate::memory::RecordMemory;
use crate::route::{self, Endpoint};
use crate::scan::{self, Scan};
use crate::site;
use bindings as js;

thread_local! {
    // Vars and secrets are fixed for an isolate's life: read them once.
    static CONFIG: OnceCell<&'static EdgeConfig> = const { OnceCell::new() };
    static MEMORY: RefCell<RecordMemory> = RefCell::new(RecordMemory::default());
}

/// A record's bytes: from this isolate's memory when read moments ago,
/// else from KV (through KV's edge cache).
async fn read_record(env: &JsValue, key: &str) -> Result<Option<Rc<[u8]>>, JsValue> {
    let now = now_ms();
    if let Some(known) = MEMORY.with(|memory| memory.borrow().get(key, now)) {
        return Ok(Some(known));
    }
    let value = js::kv_get(env, key, RECORD_CACHE_TTL_SECONDS).await?;
    let record: Option<Rc<[u8]>> = js::bytes(&value).map(Rc::from);
    if let Some(record) = &record {
        MEMORY.with(|memory| memory.borrow_mut().remember(key, Rc::clone(record), now));
    }
    Ok(record)
}

/// A publish through this isolate is visible here at once.
pub(crate) fn forget_record(key: &str) {
    MEMORY.with(|memory| memory.borrow_mut().forget(key));
}

fn config(env: &JsValue) -> &'static EdgeConfig {
    CONFIG.with(|cell| {
        *cell.get_or_init(|| {
            let config = EdgeConfig::from_vars(|name| js::env_string(env, name));
            let level = crate::log::level_from(js::env_string(env, "SCANLY_LOG").as_deref());
            let logger =
                crate::log::JsonLines::new(level, |level, line| js::log(level.as_str(), line));
            // Only fails if a subscriber is already set, which is harmless.
            let _ = tracing::subscriber::set_global_default(logger);
            // Leaked once per isolate, so request handlers can borrow it freely.
            Box::leak(Box::new(config))
        })
    })
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn to_js(response: EdgeResponse) -> JsValue {
    js::respond(response.status, &response.header_blob(), &response.body)
}

#[wasm_bindgen]
pub async fn fetch(request: JsValue, env: JsValue, ctx: RawContext) -> Result<JsValue, JsValue> {
    let blob = js::request_facts(&request);
    let response = match RequestFacts::from_blob(&blob) {
        Some(facts) => handle(&request, &env, &ctx, config(&env), &facts).await,
        None => {
            tracing::error!("request facts had the wrong shape");
            site::bad_request("unreadable request")
        }
    };
    Ok(to_js(response))
}

async fn handle(
    request: &JsValue,
    env: &JsValue,
    ctx: &RawContext,
    config: &'static EdgeConfig,
    facts: &RequestFacts<'_>,
) -> EdgeResponse {
    let Some(url) = facts.url_parts() else {
        return site::bad_request("unreadable URL");
    };
    let method = Method::parse(facts.method);
    let response = match route::endpoint(method, url.path) {
        Endpoint::Health => site::health(),
        Endpoint::Robots => site::robots(),
        Endpoint::Favicon => site::favicon(),
        Endpoint::NotACode => scan::status_page(StatusPage::NotFound, None),
        Endpoint::UnknownInternal => EdgeResponse::json_error(404, "not_found", "no such endpoint"),
        Endpoint::MethodNotAllowed { allow } => site::method_not_allowed(allow),
        Endpoint::PublishOne { tail } => {
            publish::one(request, env, config, facts, method, &url, tail).await
        }
        Endpoint::PublishBatch => publish::batch(request, env, config, facts, &url).await,
        Endpoint::Scan { code } => {
            scan_code(request, env, ctx, config, facts, method, &url, &code).await
        }
    };
    if method == Method::Head {
        response.without_body()
    } else {
        response
    }
}

/// `GET|HEAD|POST /{code}`: the record (memory, then KV), the password form
/// if one was posted, the answer, and its scan event after the response.
#[allow(clippy::too_many_arguments)] // each is one fact of the request
async fn scan_code(
    request: &JsValue,
    env: &JsValue,
    ctx: &RawContext,
    config: &'static EdgeConfig,
    facts: &RequestFacts<'_>,
    method: Method,
    url: &UrlParts<'_>,
    code: &ShortCode,
) -> EdgeResponse {
    let Ok(host) = Hostname::parse(url.host) else {
        return site::bad_request("unreadable Host");
    };
    let namespace = config.namespace(&host);
    let key = record_key(namespace, code.as_str());
    let record = match read_record(env, &key).await {
        Ok(record) => record,
        Err(error) => {
            tracing::error!(code = %code, error = ?error, "KV read failed");
            return site::unavailable();
        }
    };
    let password_key = if method == Method::Post {
        let body = match read_body(request, facts, scan::MAX_FORM_BYTES).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        let parameters = record.as_deref().and_then(scan::password_parameters);
        let attempt_key = format!("{}|{namespace}/{code}", facts.connecting_ip);
        if parameters.is_some()
            && !js::allow_password_attempt(env, &attempt_key)
                .await
                .is_truthy()
        {
            return scan::status_page(StatusPage::TooManyAttempts, None)
                .header("retry-after", "60");
        }
        derive_password(&body, parameters).await
    } else {
        None
    };
    let mut entropy = [0u8; 10];
    if method == Method::Get {
        js::fill_random(&mut entropy);
    }
    let answer = Scan {
        config,
        facts,
        method,
        namespace,
        code,
        query: url.query,
        now_ms: now_ms(),
        entropy,
        password_key,
    }
    .answer(record.as_deref());
    if let Some(event) = answer.event {
        queue_scan_event(env, ctx, &event);
    }
    answer.response
}

/// After the response: the visitor never waits on analytics, and a queue
/// failure is logged, never turned into a failed scan.
fn queue_scan_event(env: &JsValue, ctx: &RawContext, event: &scanly_shared::event::ScanEvent) {
    let json = match serde_json::to_string(event) {
        Ok(json) => json,
        Err(error) => {
            tracing::error!(%error, "scan event did not serialise");
            return;
        }
    };
    let promise = js::send_scan_event(env, &json);
    if let Err(error) = ctx.wait_until(&promise) {
        tracing::error!(error = ?error, "waitUntil refused the queue send");
    }
}

/// The POSTed password derived with the record's salt and work factor, by
/// Web Crypto: PBKDF2 in native code fits the CPU budget where WASM does not.
async fn derive_password(form: &[u8], parameters: Option<([u8; 16], u32)>) -> Option<[u8; 32]> {
    let (salt, iterations) = parameters?;
    let attempt = scan::form_password(form)?;
    match js::pbkdf2_sha256(&attempt, &salt, iterations).await {
        Ok(key) => js::bytes(&key).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()),
        Err(error) => {
            tracing::error!(error = ?error, iterations, "password derivation failed");
            None
        }
    }
}

/// Reads a body of at most `limit` bytes; larger ones are refused before
/// reading when `Content-Length` says so, and after otherwise.
async fn read_body(
    request: &JsValue,
    facts: &RequestFacts<'_>,
    limit: usize,
) -> Result<Vec<u8>, EdgeResponse> {
    let declared = facts.content_length.trim().parse::<usize>().ok();
    if declared.is_some_and(|length| length > limit) {
        return Err(site::payload_too_large(limit));
    }
    let body = js::request_body(request).await.map_err(|error| {
        tracing::warn!(error = ?error, "request body unreadable");
        site::bad_request("unreadable body")
    })?;
    let body = js::bytes(&body).unwrap_or_default();
    if body.len() > limit {
        return Err(site::payload_too_large(limit));
    }
    Ok(body)
}
