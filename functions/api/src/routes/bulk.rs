//! `POST /v1/links/bulk`: up to 1,000 links from a JSON array or a CSV
//! file. Each row stands alone: a row that fails writes nothing and is
//! reported by number, the others are created and published.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, parse_json};
use crate::routes::links::{LinkView, NewLink, create_link, view};

pub const MAX_BULK_ROWS: usize = 1_000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RowResult {
    /// 1-based: the array index + 1, or the CSV line after the header.
    row: usize,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<LinkView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    error: Option<Value>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    created: usize,
    failed: usize,
    results: Vec<RowResult>,
}

/// CSV columns map to the JSON fields of one link; `tags` is `;`-separated
/// and `utm_*` fill `utm`. Unknown columns are an error, as in JSON.
fn csv_rows(body: &[u8]) -> ApiResult<Vec<Value>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::bad_request(format!("unreadable CSV header: {e}")))?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ApiError::bad_request(format!("unreadable CSV: {e}")))?;
        let mut link = Map::new();
        let mut utm = Map::new();
        for (column, value) in headers.iter().zip(record.iter()) {
            if value.is_empty() {
                continue;
            }
            match column {
                "tags" => {
                    let tags: Vec<&str> = value
                        .split(';')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .collect();
                    link.insert("tags".into(), json!(tags));
                }
                "max_scans" => {
                    let parsed = value
                        .parse::<u64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::from(value));
                    link.insert(column.into(), parsed);
                }
                utm_key if utm_key.starts_with("utm_") => {
                    utm.insert(
                        utm_key.trim_start_matches("utm_").into(),
                        Value::from(value),
                    );
                }
                other => {
                    link.insert(other.into(), Value::from(value));
                }
            }
        }
        if !utm.is_empty() {
            link.insert("utm".into(), Value::Object(utm));
        }
        rows.push(Value::Object(link));
    }
    Ok(rows)
}

fn error_json(error: &ApiError) -> Value {
    json!({ "code": error.code, "message": error.message })
}

#[utoipa::path(post, path = "/v1/links/bulk", tag = "links", security(("bearer" = [])),
    request_body(content((Vec<NewLink> = "application/json"), (String = "text/csv")), description = "A JSON array of links, or text/csv with a header row"),
    responses((status = 200, body = BulkOutcome), (status = 422, body = crate::error::ErrorBody), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn bulk_create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<BulkOutcome>> {
    caller.require_write()?;
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let rows: Vec<Value> = if is_csv {
        csv_rows(&body)?
    } else {
        parse_json(&body)?
    };
    if rows.is_empty() || rows.len() > MAX_BULK_ROWS {
        return Err(ApiError::invalid(
            "",
            format!("a bulk import holds 1 to {MAX_BULK_ROWS} links"),
        ));
    }
    let mut results = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        let outcome = match parse_json::<NewLink>(row.to_string().as_bytes()) {
            Ok(new_link) => create_link(&state, &caller, new_link).await,
            Err(error) => Err(error),
        };
        results.push(match outcome {
            Ok(link) => RowResult {
                row: index + 1,
                status: "created",
                link: Some(view(&state, link)),
                error: None,
            },
            Err(error) => RowResult {
                row: index + 1,
                status: "failed",
                link: None,
                error: Some(error_json(&error)),
            },
        });
    }
    let created = results.iter().filter(|r| r.status == "created").count();
    Ok(Json(BulkOutcome {
        created,
        failed: results.len() - created,
        results,
    }))
}
