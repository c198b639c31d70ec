//! The queue consumer: ships each batch of scan events to the control
//! plane, acking what arrived and retrying the rest with backoff. After the
//! queue's `max_retries` a message goes to the dead-letter queue; nothing is
//! acknowledged that was not delivered.

use wasm_bindgen::prelude::*;
use worker::worker_sys::Context as RawContext;

use super::bindings as js;
use crate::ingest;

#[wasm_bindgen]
pub async fn queue(batch: JsValue, env: JsValue, _ctx: RawContext) -> Result<JsValue, JsValue> {
    let config = super::config(&env);
    let attempts = js::message_attempts(&batch);
    let bodies = js::message_bodies(&batch);
    let messages: Vec<String> = if attempts.is_empty() {
        Vec::new()
    } else {
        bodies.split('\0').map(str::to_owned).collect()
    };
    let delay =
        |index: usize| ingest::retry_delay_seconds(attempts.get(index).copied().unwrap_or(1));
    if messages.len() != attempts.len() {
        tracing::error!(
            messages = messages.len(),
            attempts = attempts.len(),
            "batch bodies misread; retrying all"
        );
        for index in 0..attempts.len() {
            js::retry_message(&batch, index, delay(index));
        }
        return Ok(JsValue::UNDEFINED);
    }
    let (valid, invalid) = ingest::split_valid(&messages);
    for &index in &invalid {
        tracing::error!(
            body = messages.get(index).map(String::as_str),
            "not a scan event; retrying until dead-lettered"
        );
        js::retry_message(&batch, index, delay(index));
    }
    if valid.is_empty() {
        return Ok(JsValue::UNDEFINED);
    }
    let events: Vec<&str> = valid
        .iter()
        .filter_map(|&i| messages.get(i).map(String::as_str))
        .collect();
    let delivered = deliver(config, &events).await;
    for &index in &valid {
        if delivered {
            js::ack_message(&batch, index);
        } else {
            js::retry_message(&batch, index, delay(index));
        }
    }
    Ok(JsValue::UNDEFINED)
}

async fn deliver(config: &crate::config::EdgeConfig, events: &[&str]) -> bool {
    let request = match ingest::request(config, events, super::now_ms() / 1000) {
        Ok(request) => request,
        Err(error) => {
            tracing::error!(%error, "cannot ship scan events");
            return false;
        }
    };
    match js::post_ingest(
        &request.url,
        &request.body,
        &request.timestamp,
        &request.signature,
    )
    .await
    {
        Ok(status) => {
            let status = status.as_f64().unwrap_or(0.0) as u16;
            let ok = (200..300).contains(&status);
            if !ok {
                tracing::warn!(
                    status,
                    events = events.len(),
                    "ingest refused the batch; will retry"
                );
            }
            ok
        }
        Err(error) => {
            tracing::warn!(error = ?error, events = events.len(), "ingest unreachable; will retry");
            false
        }
    }
}
