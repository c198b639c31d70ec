//! `POST /v1/qr/batch`: up to 500 links' codes in one ZIP, with a
//! `manifest.csv` naming each file's link, code and encoded URL. Every link
//! is checked before the first byte is sent (one unknown id is a 404 for
//! the whole request, as for a single link), then the archive streams: each
//! image is rendered off the async runtime and sent as soon as it is done,
//! so memory stays at one image whatever the batch size.

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use scanly_qr::zip::ZipStream;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::params::QrQuery;
use super::{link_qr_content, query_logo, render_blocking, validated};
use crate::app::AppState;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, ValidJson, ValidQuery};
use crate::routes::links::{owned_link, short_url};

/// The most links one batch may name.
pub const MAX_BATCH_LINKS: usize = 500;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Link ids, 1–500, each at most once.
    pub links: Vec<String>,
}

#[utoipa::path(post, path = "/v1/qr/batch", tag = "qr", params(QrQuery), request_body = BatchRequest, security(("bearer" = [])),
    responses((status = 200, description = "application/zip: one image per link and manifest.csv", body = Vec<u8>, content_type = "application/zip"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn batch_qr(
    State(state): State<AppState>,
    caller: Caller,
    ValidQuery(query): ValidQuery<QrQuery>,
    ValidJson(request): ValidJson<BatchRequest>,
) -> ApiResult<Response> {
    caller.require(Scope::LinksRead)?;
    if request.links.is_empty() || request.links.len() > MAX_BATCH_LINKS {
        return Err(ApiError::invalid(
            "links",
            format!(
                "{} links; a batch has 1–{MAX_BATCH_LINKS}",
                request.links.len()
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = request.links.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(ApiError::invalid("links", format!("{dup} is listed twice")));
    }
    let format = query.format()?;
    let logo = query_logo(&state, &caller.workspace_id, &query).await?;
    let mut jobs = Vec::with_capacity(request.links.len());
    for id in &request.links {
        let link = owned_link(&state, &caller, id).await?;
        let content = link_qr_content(&state, &link);
        let options = validated(query.params(content.clone())?, logo.clone())?;
        jobs.push((link, content, options));
    }

    let (tx, rx) = mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let short_urls: Vec<String> = jobs.iter().map(|(l, ..)| short_url(&state, l)).collect();
    tokio::spawn(async move {
        let mut zip = ZipStream::new();
        let mut manifest = csv::Writer::from_writer(Vec::new());
        let _ = manifest.write_record(["file", "link_id", "code", "short_url", "encoded", "title"]);
        for ((link, content, options), short) in jobs.into_iter().zip(short_urls) {
            let file = format!("{}.{}", link.code, format.extension());
            let chunk = match render_blocking(options, format).await {
                Ok(bytes) => zip.add(&file, &bytes),
                Err(error) => {
                    // Validated above, so this is a bug or a resource limit:
                    // end the stream so the client sees a broken archive
                    // rather than a silently missing image.
                    tracing::error!(?error, link = %link.id, "batch render failed");
                    let _ = tx.send(Err(std::io::Error::other("render failed"))).await;
                    return;
                }
            };
            let title = link
                .title
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default();
            let _ = manifest.write_record([
                file.as_str(),
                link.id.as_str(),
                link.code.as_str(),
                short.as_str(),
                content.as_str(),
                title.as_str(),
            ]);
            let sent = match chunk {
                Ok(bytes) => tx.send(Ok(bytes)).await,
                Err(error) => tx.send(Err(std::io::Error::other(error))).await,
            };
            if sent.is_err() {
                return; // the client went away
            }
        }
        let manifest = manifest.into_inner().unwrap_or_default();
        let tail = zip
            .add("manifest.csv", &manifest)
            .and_then(|mut bytes| {
                zip.finish().map(|end| {
                    bytes.extend(end);
                    bytes
                })
            })
            .map_err(std::io::Error::other);
        let _ = tx.send(tail).await;
    });

    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/zip")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"scanly-qr-codes.zip\"",
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(stream))
        .map_err(ApiError::internal)
}
