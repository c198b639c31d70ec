//! Analytics reads: a link's report (`/v1/links/{id}/analytics`, `.csv`)
//! and the workspace overview (`/v1/analytics`, `.csv`), from the hourly
//! stats items the rollup writes (docs/analytics.md). Scoped to the
//! caller's workspace; API keys need `analytics:read`.

mod range;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use scanly_analytics::report::{self, Interval, LinkReport, Overview, ReportQuery};
use scanly_analytics::rollup::{Hour, LinkHour, WorkspaceHour};
use scanly_shared::ids::{LinkId, WorkspaceId};
use serde::Serialize;
use std::collections::BTreeMap;

pub use range::RangeParams;

use crate::app::AppState;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Caller, ValidQuery};
use crate::routes::links::{owned_link, rfc3339};
use crate::store::{LinkQuery, StatsScope, StoredStats};

/// Links listed in the overview.
const TOP_LINKS: usize = 10;
/// Links named (code, title) in a workspace CSV: beyond this, id only.
const MAX_NAMED_LINKS: usize = 10_000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RangeView {
    #[schema(format = "date-time")]
    from: String,
    #[schema(format = "date-time")]
    to: String,
    interval: &'static str,
    tz: String,
}

impl RangeView {
    fn of(query: &ReportQuery) -> Self {
        Self {
            from: rfc3339(query.from_ms),
            to: rfc3339(query.to_ms),
            interval: match query.interval {
                Interval::Hour => "hour",
                Interval::Day => "day",
            },
            tz: query.zone.as_str().to_owned(),
        }
    }
}

/// `{total, unique, series:[{start, scans, unique}], breakdown:{country:{key: count}, …}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LinkAnalyticsView {
    link_id: String,
    #[serde(flatten)]
    range: RangeView,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    report: LinkReport,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TopLinkView {
    link_id: String,
    code: Option<String>,
    title: Option<String>,
    scans: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverviewView {
    #[serde(flatten)]
    range: RangeView,
    total: u64,
    #[schema(value_type = Vec<Object>)]
    series: Vec<report::OverviewPoint>,
    top_links: Vec<TopLinkView>,
}

async fn link_hours(
    state: &AppState,
    workspace: &WorkspaceId,
    link: &LinkId,
    query: &ReportQuery,
) -> ApiResult<Vec<(Hour, LinkHour)>> {
    let stored = hours_in_range(state, workspace, &StatsScope::Link(link.clone()), query).await?;
    decode_all(stored, LinkHour::from_bytes)
}

async fn workspace_hours(
    state: &AppState,
    workspace: &WorkspaceId,
    query: &ReportQuery,
) -> ApiResult<Vec<(Hour, WorkspaceHour)>> {
    let stored = hours_in_range(state, workspace, &StatsScope::Workspace, query).await?;
    decode_all(stored, WorkspaceHour::from_bytes)
}

async fn hours_in_range(
    state: &AppState,
    workspace: &WorkspaceId,
    scope: &StatsScope,
    query: &ReportQuery,
) -> ApiResult<Vec<(i64, StoredStats)>> {
    let from = Hour::of_ms(query.from_ms).0;
    let to = Hour::of_ms(query.to_ms.saturating_sub(1))
        .0
        .saturating_add(1);
    state
        .store
        .stats_range(workspace, scope, from, to)
        .await
        .map_err(ApiError::internal)
}

fn decode_all<T, E: std::fmt::Display>(
    stored: Vec<(i64, StoredStats)>,
    decode: impl Fn(&[u8]) -> Result<T, E>,
) -> ApiResult<Vec<(Hour, T)>> {
    stored
        .into_iter()
        .map(|(hour, item)| {
            decode(&item.bytes)
                .map(|document| (Hour(hour), document))
                .map_err(|error| ApiError::internal(format!("stats item at hour {hour}: {error}")))
        })
        .collect()
}

#[utoipa::path(get, path = "/v1/links/{id}/analytics", tag = "analytics", params(("id" = String, Path), RangeParams), security(("bearer" = [])),
    responses((status = 200, body = LinkAnalyticsView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ValidQuery(params): ValidQuery<RangeParams>,
) -> ApiResult<Json<LinkAnalyticsView>> {
    caller.require(Scope::AnalyticsRead)?;
    let link = owned_link(&state, &caller, &id).await?;
    let query = params.query(state.now_ms())?;
    let hours = link_hours(&state, &caller.workspace_id, &link.id, &query).await?;
    Ok(Json(LinkAnalyticsView {
        link_id: link.id.to_string(),
        range: RangeView::of(&query),
        report: report::link_report(&hours, &query),
    }))
}

#[utoipa::path(get, path = "/v1/links/{id}/analytics.csv", tag = "analytics", params(("id" = String, Path), RangeParams), security(("bearer" = [])),
    responses((status = 200, description = "text/csv: start,scans,unique", body = String, content_type = "text/csv"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn link_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ValidQuery(params): ValidQuery<RangeParams>,
) -> ApiResult<Response> {
    caller.require(Scope::AnalyticsRead)?;
    let link = owned_link(&state, &caller, &id).await?;
    let query = params.query(state.now_ms())?;
    let hours = link_hours(&state, &caller.workspace_id, &link.id, &query).await?;
    let csv = report::link_csv(&report::link_report(&hours, &query));
    Ok(csv_response(
        csv,
        &format!("scanly-{}-analytics.csv", link.code),
    ))
}

#[utoipa::path(get, path = "/v1/analytics", tag = "analytics", params(RangeParams), security(("bearer" = [])),
    responses((status = 200, body = OverviewView), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    ValidQuery(params): ValidQuery<RangeParams>,
) -> ApiResult<Json<OverviewView>> {
    caller.require(Scope::AnalyticsRead)?;
    let query = params.query(state.now_ms())?;
    let hours = workspace_hours(&state, &caller.workspace_id, &query).await?;
    let Overview {
        total,
        series,
        top_links,
    } = report::overview(&hours, &query, TOP_LINKS);
    let mut top = Vec::with_capacity(top_links.len());
    for entry in top_links {
        // A deleted link keeps its history, without a name.
        let stored = match LinkId::parse(&entry.link_id) {
            Ok(id) => state
                .store
                .link(&caller.workspace_id, &id)
                .await
                .map_err(ApiError::internal)?,
            Err(_) => None,
        };
        top.push(TopLinkView {
            code: stored.as_ref().map(|l| l.code.to_string()),
            title: stored.and_then(|l| l.title.map(|t| t.to_string())),
            link_id: entry.link_id,
            scans: entry.scans,
        });
    }
    Ok(Json(OverviewView {
        range: RangeView::of(&query),
        total,
        series,
        top_links: top,
    }))
}

#[utoipa::path(get, path = "/v1/analytics.csv", tag = "analytics", params(RangeParams), security(("bearer" = [])),
    responses((status = 200, description = "text/csv: start,link_id,code,scans", body = String, content_type = "text/csv"), (status = 422, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn overview_csv(
    State(state): State<AppState>,
    caller: Caller,
    ValidQuery(params): ValidQuery<RangeParams>,
) -> ApiResult<Response> {
    caller.require(Scope::AnalyticsRead)?;
    let query = params.query(state.now_ms())?;
    let hours = workspace_hours(&state, &caller.workspace_id, &query).await?;
    let codes = link_codes(&state, &caller.workspace_id).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>, record: [&str; 4]| {
        writer.write_record(record).map_err(ApiError::internal)
    };
    write(&mut writer, ["start", "link_id", "code", "scans"])?;
    for row in report::workspace_rows(&hours, &query) {
        let code = codes.get(&row.link_id).map(String::as_str).unwrap_or("");
        write(
            &mut writer,
            [&row.start, &row.link_id, code, &row.scans.to_string()],
        )?;
    }
    let bytes = writer.into_inner().map_err(ApiError::internal)?;
    let csv = String::from_utf8(bytes).map_err(ApiError::internal)?;
    Ok(csv_response(csv, "scanly-workspace-analytics.csv"))
}

/// Link id → code, for naming rows (codes are `[A-Za-z0-9_-]`: nothing a
/// spreadsheet would run as a formula).
async fn link_codes(
    state: &AppState,
    workspace: &WorkspaceId,
) -> ApiResult<BTreeMap<String, String>> {
    let mut codes = BTreeMap::new();
    let mut cursor = None;
    loop {
        let page = state
            .store
            .links(
                workspace,
                &LinkQuery {
                    limit: crate::routes::MAX_PAGE_SIZE,
                    cursor,
                    ..LinkQuery::default()
                },
            )
            .await
            .map_err(ApiError::internal)?;
        for link in page.items {
            codes.insert(link.id.to_string(), link.code.to_string());
        }
        match page.next_cursor {
            Some(next) if codes.len() < MAX_NAMED_LINKS => cursor = Some(next),
            _ => return Ok(codes),
        }
    }
}

fn csv_response(body: String, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
