//! The imports from `edge.js`. Each is one JS↔WASM crossing.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/shell/edge.js")]
extern "C" {
    #[wasm_bindgen(js_name = requestFacts)]
    pub fn request_facts(request: &JsValue) -> String;
    pub fn respond(status: u16, headers: &str, body: &[u8]) -> JsValue;
    #[wasm_bindgen(js_name = envString)]
    pub fn env_string(env: &JsValue, name: &str) -> Option<String>;
    #[wasm_bindgen(js_name = kvGet, catch)]
    pub async fn kv_get(env: &JsValue, key: &str, cache_ttl: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = kvGetFresh, catch)]
    pub async fn kv_get_fresh(env: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = kvPut, catch)]
    pub async fn kv_put(
        env: &JsValue,
        key: &str,
        bytes: &[u8],
        expiration_ttl: u32,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = kvDelete, catch)]
    pub async fn kv_delete(env: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = requestBody, catch)]
    pub async fn request_body(request: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = allowPasswordAttempt)]
    pub async fn allow_password_attempt(env: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_name = pbkdf2Sha256, catch)]
    pub async fn pbkdf2_sha256(
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = fillRandom)]
    pub fn fill_random(buffer: &mut [u8]);
    #[wasm_bindgen(js_name = sendScanEvent)]
    pub fn send_scan_event(env: &JsValue, json: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = messageBodies)]
    pub fn message_bodies(batch: &JsValue) -> String;
    #[wasm_bindgen(js_name = messageAttempts)]
    pub fn message_attempts(batch: &JsValue) -> Vec<u32>;
    #[wasm_bindgen(js_name = ackMessage)]
    pub fn ack_message(batch: &JsValue, index: usize);
    #[wasm_bindgen(js_name = retryMessage)]
    pub fn retry_message(batch: &JsValue, index: usize, delay_seconds: u32);
    #[wasm_bindgen(js_name = postIngest, catch)]
    pub async fn post_ingest(
        url: &str,
        body: &str,
        timestamp: &str,
        signature: &str,
    ) -> Result<JsValue, JsValue>;
    pub fn log(level: &str, line: &str);
}

/// A `Uint8Array` (or `undefined`) as bytes.
pub fn bytes(value: &JsValue) -> Option<Vec<u8>> {
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
}
