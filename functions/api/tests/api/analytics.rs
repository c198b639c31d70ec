//! Analytics as owners read it: a link's report and CSV, the workspace
//! overview and CSV, from the hourly stats the rollup writes (written here
//! the way the rollup would), and scan limits judged against those counts.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::StatusCode;
use scanly_analytics::rollup::{Hour, LinkHour, WorkspaceHour};
use scanly_api::store::{StatsKey, StatsScope, StoredStats};
use scanly_shared::event::{
    EventId, SCAN_EVENT_SCHEMA_VERSION, ScanEvent, ScanSource, VisitorHash, referrer_host,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::ua::{Browser, DeviceType, Os};
use scanly_shared::{CountryCode, LanguageTag, ShortCode};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, TestResponse, spawn_app};

/// The edge's key for visitor hashes (any will do: only equality matters).
const VISITOR_SECRET: &[u8] = b"api-tests-visitor-secret";

/// A link the tests scan: enough to build its events after it is deleted.
#[derive(Debug, Clone)]
struct ScannedLink {
    id: String,
    code: String,
    workspace_id: String,
}

/// One scan as the edge reports it. By default an iPhone in Germany with a
/// German browser scanning the printed code, from 203.0.113.7.
#[derive(Debug, Clone)]
struct Scan {
    at_ms: i64,
    visitor_ip: &'static str,
    device: DeviceType,
    os: Os,
    browser: Browser,
    country: Option<&'static str>,
    language: Option<&'static str>,
    referer: Option<&'static str>,
    source: ScanSource,
    bot: bool,
}

fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

fn scan_at(rfc3339: &str) -> Scan {
    Scan {
        at_ms: ms(rfc3339),
        visitor_ip: "203.0.113.7",
        device: DeviceType::Mobile,
        os: Os::Ios,
        browser: Browser::Safari,
        country: Some("DE"),
        language: Some("de-DE"),
        referer: None,
        source: ScanSource::Qr,
        bot: false,
    }
}

impl Scan {
    fn by_visitor(self, visitor_ip: &'static str) -> Self {
        Self { visitor_ip, ..self }
    }
    fn on(self, device: DeviceType, os: Os, browser: Browser) -> Self {
        Self {
            device,
            os,
            browser,
            ..self
        }
    }
    fn in_country(self, country: Option<&'static str>) -> Self {
        Self { country, ..self }
    }
    fn speaking(self, language: Option<&'static str>) -> Self {
        Self { language, ..self }
    }
    fn referred_by(self, referer: &'static str) -> Self {
        Self {
            referer: Some(referer),
            ..self
        }
    }
    /// A click on the short link rather than a scan of the printed code.
    fn via_short_link(self) -> Self {
        Self {
            source: ScanSource::Link,
            ..self
        }
    }
    /// A crawler or link preview: recorded, never a scan.
    fn by_bot(self) -> Self {
        Self { bot: true, ..self }
    }
}

/// Event ids must differ across every event the tests write.
static NEXT_EVENT: AtomicU64 = AtomicU64::new(1);

fn event(link: &ScannedLink, scan: &Scan) -> ScanEvent {
    let n = NEXT_EVENT.fetch_add(1, Ordering::SeqCst).to_be_bytes();
    let mut random = [0u8; 10];
    random[2..].copy_from_slice(&n);
    ScanEvent {
        schema: SCAN_EVENT_SCHEMA_VERSION,
        id: EventId::new(scan.at_ms, random),
        link_id: LinkId::parse(&link.id).unwrap(),
        workspace_id: WorkspaceId::parse(&link.workspace_id).unwrap(),
        code: ShortCode::parse(&link.code).unwrap(),
        timestamp_ms: scan.at_ms,
        country: scan.country.map(|c| CountryCode::parse(c).unwrap()),
        region: None,
        city: None,
        colo: Some("FRA".into()),
        device: scan.device,
        os: scan.os,
        browser: scan.browser,
        referrer_host: scan.referer.and_then(referrer_host),
        language: scan.language.map(|l| LanguageTag::parse(l).unwrap()),
        variant: None,
        source: scan.source,
        bot: scan.bot,
        visitor_hash: VisitorHash::compute(VISITOR_SECRET, scan.at_ms, scan.visitor_ip, "UA"),
        max_scans: None,
    }
}

/// The stats document stored under `key`, if any.
async fn stored(app: &TestApp, key: &StatsKey) -> Option<StoredStats> {
    let mut found = app
        .state
        .store
        .stats(std::slice::from_ref(key))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    found.pop().unwrap()
}

/// Counts `scans` of `link` into the stats like the rollup: each link-hour
/// touched is read, the events applied and written back over its version;
/// then the link's total for that hour is copied into the workspace-hour.
async fn record_scans(app: &TestApp, link: &ScannedLink, scans: &[Scan]) {
    let store = app.state.store.as_ref();
    let workspace = WorkspaceId::parse(&link.workspace_id).unwrap();
    let link_id = LinkId::parse(&link.id).unwrap();
    let mut by_hour: BTreeMap<i64, Vec<ScanEvent>> = BTreeMap::new();
    for scan in scans {
        by_hour
            .entry(Hour::of_ms(scan.at_ms).0)
            .or_default()
            .push(event(link, scan));
    }
    for (hour, events) in by_hour {
        let link_key = StatsKey {
            workspace: workspace.clone(),
            scope: StatsScope::Link(link_id.clone()),
            hour,
        };
        let (mut item, version) = match stored(app, &link_key).await {
            Some(stored) => (LinkHour::from_bytes(&stored.bytes).unwrap(), stored.version),
            None => (LinkHour::new(), 0),
        };
        for event in &events {
            item.apply(event);
        }
        store
            .put_stats(&link_key, &item.to_bytes(), version)
            .await
            .unwrap();

        let workspace_key = StatsKey {
            workspace: workspace.clone(),
            scope: StatsScope::Workspace,
            hour,
        };
        let (mut totals, version) = match stored(app, &workspace_key).await {
            Some(stored) => (
                WorkspaceHour::from_bytes(&stored.bytes).unwrap(),
                stored.version,
            ),
            None => (WorkspaceHour::new(), 0),
        };
        if totals.set_link(&link_id, item.scans()) {
            store
                .put_stats(&workspace_key, &totals.to_bytes(), version)
                .await
                .unwrap();
        }
    }
}

async fn a_link(app: &TestApp, account: &Account, body: Value) -> ScannedLink {
    let created = app.create_link(account, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    ScannedLink {
        id: created.body["id"].as_str().unwrap().to_owned(),
        code: created.body["code"].as_str().unwrap().to_owned(),
        workspace_id: account.workspace_id.clone(),
    }
}

/// Rosa's lunch menu over three days: three scans on the 18th (one
/// visitor twice), two on the 20th, and a crawler that is not a scan.
fn lunch_menu_scans() -> Vec<Scan> {
    vec![
        scan_at("2026-11-18T09:10:00Z").referred_by("https://l.instagram.com/?u=menu"),
        scan_at("2026-11-18T09:40:00Z"),
        scan_at("2026-11-18T15:05:00Z")
            .by_visitor("198.51.100.1")
            .on(DeviceType::Desktop, Os::Windows, Browser::Chrome)
            .in_country(Some("FR"))
            .speaking(Some("fr-FR"))
            .referred_by("https://www.google.com/search?q=lunch")
            .via_short_link(),
        scan_at("2026-11-20T08:00:00Z")
            .by_visitor("198.51.100.2")
            .on(DeviceType::Tablet, Os::Android, Browser::SamsungInternet)
            .in_country(None)
            .speaking(None),
        scan_at("2026-11-20T08:30:00Z")
            .by_visitor("198.51.100.3")
            .on(DeviceType::Other, Os::Other, Browser::Other)
            .in_country(Some("US"))
            .speaking(None)
            .via_short_link(),
        scan_at("2026-11-20T10:00:00Z")
            .by_visitor("192.0.2.9")
            .on(DeviceType::Desktop, Os::Linux, Browser::Chrome)
            .in_country(Some("US"))
            .via_short_link()
            .by_bot(),
    ]
}

async fn lunch_menu(app: &TestApp, rosa: &Account) -> ScannedLink {
    let menu = a_link(
        app,
        rosa,
        json!({"code": "menu", "destination": "https://cafe.example/menu", "title": "Lunch menu"}),
    )
    .await;
    record_scans(app, &menu, &lunch_menu_scans()).await;
    menu
}

async fn get(app: &TestApp, account: &Account, path: &str) -> TestResponse {
    app.call("GET", path, Some(&account.access_token), None)
        .await
}

fn report_path(link: &ScannedLink, query: &str) -> String {
    format!("/v1/links/{}/analytics{query}", link.id)
}

fn csv_path(link: &ScannedLink, query: &str) -> String {
    format!("/v1/links/{}/analytics.csv{query}", link.id)
}

/// `(start, scans)` of each point of a series.
fn scans_per_bucket(body: &Value) -> Vec<(String, u64)> {
    body["series"]
        .as_array()
        .unwrap_or_else(|| panic!("no series: {body}"))
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap().to_owned(),
                p["scans"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(points: &[(&str, u64)]) -> Vec<(String, u64)> {
    points.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

/// A CSV answer: the status, content type and disposition, and the text.
async fn download_csv(
    app: &TestApp,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String, String, String) {
    let (status, response_headers, bytes) = app.raw_bytes("GET", path, token, headers, None).await;
    let header = |name: &str| {
        response_headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    (
        status,
        header("content-type"),
        header("content-disposition"),
        String::from_utf8(bytes).unwrap(),
    )
}

fn assert_error(response: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(response.error_code(), code, "{}", response.body);
    let error = response.body["error"].as_object().unwrap();
    assert_eq!(error.len(), 2, "{}", response.body);
    assert_eq!(response.body.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn a_links_report_counts_its_scans_per_day_listing_every_day() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let menu = lunch_menu(&app, &rosa).await;

    let report = get(
        &app,
        &rosa,
        &report_path(&menu, "?from=2026-11-17&to=2026-11-20"),
    )
    .await;

    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let body = &report.body;
    assert_eq!(body["link_id"], menu.id);
    assert_eq!(body["from"], "2026-11-17T00:00:00.000Z");
    assert_eq!(
        body["to"], "2026-11-21T00:00:00.000Z",
        "the `to` day included"
    );
    assert_eq!(
        (&body["interval"], &body["tz"]),
        (&json!("day"), &json!("UTC"))
    );
    assert_eq!(body["total"], 5, "the crawler is not a scan");
    assert_eq!(body["unique"], 4, "one visitor scanned twice on the 18th");
    assert_eq!(
        body["series"],
        json!([
            {"start": "2026-11-17T00:00:00+00:00", "scans": 0, "unique": 0},
            {"start": "2026-11-18T00:00:00+00:00", "scans": 3, "unique": 2},
            {"start": "2026-11-19T00:00:00+00:00", "scans": 0, "unique": 0},
            {"start": "2026-11-20T00:00:00+00:00", "scans": 2, "unique": 2},
        ])
    );
    let breakdown = &body["breakdown"];
    assert_eq!(
        breakdown["device"],
        json!({"mobile": 2, "tablet": 1, "desktop": 1, "other": 1})
    );
    assert_eq!(
        breakdown["os"],
        json!({"ios": 2, "android": 1, "windows": 1, "other": 1}),
        "the crawler's linux is not there"
    );
    assert_eq!(
        breakdown["country"],
        json!({"DE": 2, "FR": 1, "US": 1, "unknown": 1})
    );
    assert_eq!(breakdown["source"], json!({"qr": 3, "link": 2}));
    assert_eq!(
        breakdown["referrer"],
        json!({"direct": 3, "l.instagram.com": 1, "www.google.com": 1})
    );
    insta::assert_json_snapshot!(report.body, {".link_id" => "[link id]"});
}

#[tokio::test]
async fn without_a_range_a_report_covers_the_last_thirty_days() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let menu = lunch_menu(&app, &rosa).await;
    // The clock stands at 2026-11-20T12:00Z.

    let report = get(&app, &rosa, &report_path(&menu, "")).await;

    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(report.body["from"], "2026-10-21T12:00:00.000Z");
    assert_eq!(report.body["to"], "2026-11-20T12:00:00.000Z");
    let series = scans_per_bucket(&report.body);
    assert_eq!(series.len(), 31);
    assert_eq!(series[0].0, "2026-10-21T00:00:00+00:00");
    assert_eq!(series[30], ("2026-11-20T00:00:00+00:00".to_owned(), 2));
    assert_eq!(report.body["total"], 5);

    let hourly = get(&app, &rosa, &report_path(&menu, "?interval=hour")).await;
    assert_eq!(hourly.status, StatusCode::OK, "{}", hourly.body);
    assert_eq!(hourly.body["from"], "2026-11-18T12:00:00.000Z", "two days");
    let series = scans_per_bucket(&hourly.body);
    assert_eq!(series.len(), 48);
    assert_eq!(
        hourly.body["total"], 3,
        "15:05 on the 18th and 08:00, 08:30 on the 20th"
    );
}

#[tokio::test]
async fn hourly_series_and_time_zones_move_scans_between_buckets() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let night = a_link(
        &app,
        &rosa,
        json!({"code": "night", "destination": "https://bar.example/"}),
    )
    .await;
    record_scans(
        &app,
        &night,
        &[
            scan_at("2026-11-19T22:30:00Z"),
            scan_at("2026-11-19T23:30:00Z").by_visitor("198.51.100.4"),
        ],
    )
    .await;

    let utc_hours = get(
        &app,
        &rosa,
        &report_path(
            &night,
            "?interval=hour&from=2026-11-19T21:00:00Z&to=2026-11-20T01:00:00Z",
        ),
    )
    .await;
    assert_eq!(utc_hours.status, StatusCode::OK, "{}", utc_hours.body);
    assert_eq!(utc_hours.body["interval"], "hour");
    assert_eq!(
        scans_per_bucket(&utc_hours.body),
        owned(&[
            ("2026-11-19T21:00:00+00:00", 0),
            ("2026-11-19T22:00:00+00:00", 1),
            ("2026-11-19T23:00:00+00:00", 1),
            ("2026-11-20T00:00:00+00:00", 0),
        ])
    );

    let berlin_hours = get(
        &app,
        &rosa,
        &report_path(
            &night,
            "?interval=hour&from=2026-11-19T21:00:00Z&to=2026-11-20T01:00:00Z&tz=Europe/Berlin",
        ),
    )
    .await;
    assert_eq!(berlin_hours.body["tz"], "Europe/Berlin");
    assert_eq!(
        scans_per_bucket(&berlin_hours.body),
        owned(&[
            ("2026-11-19T22:00:00+01:00", 0),
            ("2026-11-19T23:00:00+01:00", 1),
            ("2026-11-20T00:00:00+01:00", 1),
            ("2026-11-20T01:00:00+01:00", 0),
        ])
    );

    let utc_days = get(
        &app,
        &rosa,
        &report_path(&night, "?from=2026-11-19&to=2026-11-20"),
    )
    .await;
    assert_eq!(
        scans_per_bucket(&utc_days.body),
        owned(&[
            ("2026-11-19T00:00:00+00:00", 2),
            ("2026-11-20T00:00:00+00:00", 0),
        ])
    );

    let berlin_days = get(
        &app,
        &rosa,
        &report_path(&night, "?from=2026-11-19&to=2026-11-20&tz=Europe/Berlin"),
    )
    .await;
    assert_eq!(berlin_days.status, StatusCode::OK, "{}", berlin_days.body);
    assert_eq!(
        berlin_days.body["from"], "2026-11-18T23:00:00.000Z",
        "local midnight"
    );
    assert_eq!(berlin_days.body["to"], "2026-11-20T23:00:00.000Z");
    assert_eq!(
        scans_per_bucket(&berlin_days.body),
        owned(&[
            ("2026-11-19T00:00:00+01:00", 1),
            ("2026-11-20T00:00:00+01:00", 1),
        ]),
        "23:30 UTC is half past midnight the next day in Berlin"
    );

    let berlin_day_by_hour = get(
        &app,
        &rosa,
        &report_path(
            &night,
            "?interval=hour&from=2026-11-20&to=2026-11-20&tz=Europe/Berlin",
        ),
    )
    .await;
    let series = scans_per_bucket(&berlin_day_by_hour.body);
    assert_eq!(series.len(), 24, "a `to` date includes its whole day");
    assert_eq!(series[0], ("2026-11-20T00:00:00+01:00".to_owned(), 1));
    assert_eq!(series[23].0, "2026-11-20T23:00:00+01:00");
    assert_eq!(berlin_day_by_hour.body["total"], 1);

    let offset_instant = get(
        &app,
        &rosa,
        &report_path(
            &night,
            "?interval=hour&from=2026-11-20T00:00:00%2B01:00&to=2026-11-20T01:00:00Z",
        ),
    )
    .await;
    assert_eq!(offset_instant.body["from"], "2026-11-19T23:00:00.000Z");
    assert_eq!(
        scans_per_bucket(&offset_instant.body),
        owned(&[
            ("2026-11-19T23:00:00+00:00", 1),
            ("2026-11-20T00:00:00+00:00", 0)
        ])
    );
}

#[tokio::test]
async fn the_day_clocks_go_back_has_25_hours_and_two_2_am_buckets() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let night = a_link(
        &app,
        &rosa,
        json!({"code": "night", "destination": "https://bar.example/"}),
    )
    .await;
    // 02:30 in Berlin, twice: summer time (+02:00), then winter time (+01:00).
    record_scans(
        &app,
        &night,
        &[
            scan_at("2026-10-25T00:30:00Z"),
            scan_at("2026-10-25T01:30:00Z"),
        ],
    )
    .await;

    let day = get(
        &app,
        &rosa,
        &report_path(&night, "?from=2026-10-25&to=2026-10-25&tz=Europe/Berlin"),
    )
    .await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.body);
    assert_eq!(day.body["from"], "2026-10-24T22:00:00.000Z");
    assert_eq!(day.body["to"], "2026-10-25T23:00:00.000Z", "25 hours");
    assert_eq!(
        scans_per_bucket(&day.body),
        owned(&[("2026-10-25T00:00:00+02:00", 2)])
    );
    assert_eq!(day.body["unique"], 1, "the same visitor, the same UTC day");

    let hours = get(
        &app,
        &rosa,
        &report_path(
            &night,
            "?interval=hour&from=2026-10-25&to=2026-10-25&tz=Europe/Berlin",
        ),
    )
    .await;
    let series = scans_per_bucket(&hours.body);
    assert_eq!(series.len(), 25);
    assert_eq!(
        series[1..5],
        owned(&[
            ("2026-10-25T01:00:00+02:00", 0),
            ("2026-10-25T02:00:00+02:00", 1),
            ("2026-10-25T02:00:00+01:00", 1),
            ("2026-10-25T03:00:00+01:00", 0),
        ])
    );
    assert_eq!(series[24].0, "2026-10-25T23:00:00+01:00");
}

#[tokio::test]
async fn a_links_csv_has_a_row_per_bucket_as_an_attachment() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let menu = lunch_menu(&app, &rosa).await;

    let (status, content_type, disposition, csv) = download_csv(
        &app,
        &rosa.access_token,
        &csv_path(&menu, "?from=2026-11-17&to=2026-11-20"),
        &[],
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert_eq!(
        disposition,
        "attachment; filename=\"scanly-menu-analytics.csv\""
    );
    assert_eq!(
        csv,
        "start,scans,unique\n\
         2026-11-17T00:00:00+00:00,0,0\n\
         2026-11-18T00:00:00+00:00,3,2\n\
         2026-11-19T00:00:00+00:00,0,0\n\
         2026-11-20T00:00:00+00:00,2,2\n"
    );

    let (_, _, _, hourly) = download_csv(
        &app,
        &rosa.access_token,
        &csv_path(
            &menu,
            "?interval=hour&from=2026-11-18T09:00:00Z&to=2026-11-18T11:00:00Z&tz=Europe/Berlin",
        ),
        &[],
    )
    .await;
    assert_eq!(
        hourly,
        "start,scans,unique\n\
         2026-11-18T10:00:00+01:00,2,1\n\
         2026-11-18T11:00:00+01:00,0,0\n"
    );
}

#[tokio::test]
async fn the_overview_totals_the_workspace_and_ranks_its_links() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let eve = app.sign_up("eve@elsewhere.example").await;
    let menu = lunch_menu(&app, &rosa).await;
    let flyer = a_link(
        &app,
        &rosa,
        json!({"code": "flyer", "destination": "https://cafe.example/"}),
    )
    .await;
    record_scans(
        &app,
        &flyer,
        &[
            scan_at("2026-11-19T10:00:00Z"),
            scan_at("2026-11-20T09:00:00Z"),
        ],
    )
    .await;
    let poster = a_link(
        &app,
        &rosa,
        json!({"code": "old", "destination": "https://cafe.example/", "title": "Old poster"}),
    )
    .await;
    let seven: Vec<Scan> = (0..7)
        .map(|i| scan_at(&format!("2026-11-19T12:0{i}:00Z")))
        .collect();
    record_scans(&app, &poster, &seven).await;
    let deleted = app
        .call(
            "DELETE",
            &format!("/v1/links/{}", poster.id),
            Some(&rosa.access_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let previewed = a_link(
        &app,
        &rosa,
        json!({"code": "preview", "destination": "https://cafe.example/"}),
    )
    .await;
    record_scans(
        &app,
        &previewed,
        &[scan_at("2026-11-19T13:00:00Z").by_bot()],
    )
    .await;
    let elsewhere = a_link(
        &app,
        &eve,
        json!({"code": "eve", "destination": "https://elsewhere.example/"}),
    )
    .await;
    let four: Vec<Scan> = (0..4)
        .map(|i| scan_at(&format!("2026-11-19T12:1{i}:00Z")))
        .collect();
    record_scans(&app, &elsewhere, &four).await;

    let overview = get(&app, &rosa, "/v1/analytics?from=2026-11-17&to=2026-11-20").await;

    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    let body = &overview.body;
    assert_eq!(body["total"], 14, "5 + 2 + 7; no bots, nothing of Eve's");
    assert_eq!(
        body["series"],
        json!([
            {"start": "2026-11-17T00:00:00+00:00", "scans": 0},
            {"start": "2026-11-18T00:00:00+00:00", "scans": 3},
            {"start": "2026-11-19T00:00:00+00:00", "scans": 8},
            {"start": "2026-11-20T00:00:00+00:00", "scans": 3},
        ])
    );
    assert_eq!(
        body["top_links"],
        json!([
            {"link_id": poster.id, "code": null, "title": null, "scans": 7},
            {"link_id": menu.id, "code": "menu", "title": "Lunch menu", "scans": 5},
            {"link_id": flyer.id, "code": "flyer", "title": null, "scans": 2},
        ]),
        "by scans; a deleted link keeps its history without a name"
    );
    assert_eq!(
        (&body["from"], &body["to"], &body["interval"], &body["tz"]),
        (
            &json!("2026-11-17T00:00:00.000Z"),
            &json!("2026-11-21T00:00:00.000Z"),
            &json!("day"),
            &json!("UTC")
        )
    );
    insta::assert_json_snapshot!(overview.body, {".top_links[].link_id" => "[link id]"});

    let theirs = get(&app, &eve, "/v1/analytics?from=2026-11-17&to=2026-11-20").await;
    assert_eq!(theirs.body["total"], 4);
    assert_eq!(
        theirs.body["top_links"],
        json!([{"link_id": elsewhere.id, "code": "eve", "title": null, "scans": 4}])
    );
}

#[tokio::test]
async fn the_workspace_csv_has_a_row_per_link_and_bucket_with_scans() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let eve = app.sign_up("eve@elsewhere.example").await;
    let menu = lunch_menu(&app, &rosa).await;
    let flyer = a_link(
        &app,
        &rosa,
        json!({"code": "flyer", "destination": "https://cafe.example/"}),
    )
    .await;
    record_scans(
        &app,
        &flyer,
        &[
            scan_at("2026-11-18T10:00:00Z"),
            scan_at("2026-11-18T11:00:00Z"),
        ],
    )
    .await;
    let poster = a_link(
        &app,
        &rosa,
        json!({"code": "old", "destination": "https://cafe.example/"}),
    )
    .await;
    record_scans(&app, &poster, &[scan_at("2026-11-20T07:00:00Z")]).await;
    app.call(
        "DELETE",
        &format!("/v1/links/{}", poster.id),
        Some(&rosa.access_token),
        None,
    )
    .await;
    let elsewhere = a_link(
        &app,
        &eve,
        json!({"code": "eve", "destination": "https://elsewhere.example/"}),
    )
    .await;
    record_scans(&app, &elsewhere, &[scan_at("2026-11-18T10:00:00Z")]).await;

    let (status, content_type, disposition, csv) = download_csv(
        &app,
        &rosa.access_token,
        "/v1/analytics.csv?from=2026-11-17&to=2026-11-20",
        &[],
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert_eq!(
        disposition,
        "attachment; filename=\"scanly-workspace-analytics.csv\""
    );
    let mut day_18 = vec![
        format!("2026-11-18T00:00:00+00:00,{},menu,3", menu.id),
        format!("2026-11-18T00:00:00+00:00,{},flyer,2", flyer.id),
    ];
    // Within a bucket, rows are ordered by link id.
    day_18.sort();
    let mut day_20 = vec![
        format!("2026-11-20T00:00:00+00:00,{},menu,2", menu.id),
        format!("2026-11-20T00:00:00+00:00,{},,1", poster.id),
    ];
    day_20.sort();
    let expected: Vec<String> = std::iter::once("start,link_id,code,scans".to_owned())
        .chain(day_18)
        .chain(day_20)
        .collect();
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        expected,
        "no rows for empty days, none of Eve's"
    );
}

#[tokio::test]
async fn another_workspaces_link_is_not_found() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let eve = app.sign_up("eve@elsewhere.example").await;
    let theirs = a_link(
        &app,
        &eve,
        json!({"code": "eve", "destination": "https://elsewhere.example/"}),
    )
    .await;
    record_scans(&app, &theirs, &[scan_at("2026-11-19T10:00:00Z")]).await;

    let report = get(&app, &rosa, &report_path(&theirs, "")).await;
    assert_error(&report, StatusCode::NOT_FOUND, "not_found");
    let csv = get(&app, &rosa, &csv_path(&theirs, "")).await;
    assert_error(&csv, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        csv.headers.get("content-type").unwrap(),
        "application/json",
        "errors are JSON on the CSV route too"
    );
    let unknown = get(&app, &rosa, "/v1/links/lnk_nothing_here/analytics").await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    let their_workspace = app
        .call_with(
            "GET",
            "/v1/analytics",
            Some(&rosa.access_token),
            None,
            &[("x-workspace-id", eve.workspace_id.as_str())],
        )
        .await;
    assert_error(&their_workspace, StatusCode::NOT_FOUND, "not_found");
    let own = get(
        &app,
        &eve,
        &report_path(&theirs, "?from=2026-11-19&to=2026-11-19"),
    )
    .await;
    assert_eq!(own.body["total"], 1, "Eve reads her own");
}

#[tokio::test]
async fn reading_analytics_needs_a_token_and_keys_need_analytics_read() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let menu = lunch_menu(&app, &rosa).await;
    let range = "?from=2026-11-17&to=2026-11-20";
    let report = report_path(&menu, range);
    let csv = csv_path(&menu, range);
    let overview = format!("/v1/analytics{range}");
    let overview_csv = format!("/v1/analytics.csv{range}");
    let routes = [&report, &csv, &overview, &overview_csv];

    for path in routes {
        let anonymous = app.call("GET", path, None, None).await;
        assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
    }

    let key = |scopes: Value| {
        let app = &app;
        let rosa = &rosa;
        async move {
            let created = app
                .call(
                    "POST",
                    "/v1/api-keys",
                    Some(&rosa.access_token),
                    Some(json!({"name": "dashboard", "scopes": scopes})),
                )
                .await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
            created.body["key"].as_str().unwrap().to_owned()
        }
    };
    let links_only = key(json!(["links:read"])).await;
    for path in routes {
        let refused = app.call("GET", path, Some(&links_only), None).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        assert!(
            refused.error_message().contains("analytics:read"),
            "{path}: {}",
            refused.body
        );
    }

    let analytics = key(json!(["analytics:read"])).await;
    let read = app.call("GET", &report, Some(&analytics), None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.body["total"], 5);
    let totals = app.call("GET", &overview, Some(&analytics), None).await;
    assert_eq!(totals.status, StatusCode::OK, "{}", totals.body);
    assert_eq!(totals.body["total"], 5);
    for path in [&csv, &overview_csv] {
        let (status, content_type, _, _) = download_csv(&app, &analytics, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(content_type.starts_with("text/csv"));
    }
}

#[tokio::test]
async fn a_viewer_reads_the_workspaces_analytics() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let ben = app.sign_up("ben@cafe.example").await;
    app.add_member(&rosa, "ben@cafe.example", "viewer").await;
    let menu = lunch_menu(&app, &rosa).await;
    let in_rosas = [("x-workspace-id", rosa.workspace_id.as_str())];
    let range = "?from=2026-11-17&to=2026-11-20";

    let report = app
        .call_with(
            "GET",
            &report_path(&menu, range),
            Some(&ben.access_token),
            None,
            &in_rosas,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(
        (&report.body["total"], &report.body["unique"]),
        (&json!(5), &json!(4))
    );
    let overview = app
        .call_with(
            "GET",
            &format!("/v1/analytics{range}"),
            Some(&ben.access_token),
            None,
            &in_rosas,
        )
        .await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert_eq!(overview.body["top_links"][0]["code"], "menu");
    let (status, _, _, csv) =
        download_csv(&app, &ben.access_token, &csv_path(&menu, range), &in_rosas).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 5, "a header and four days");
}

#[tokio::test]
async fn bad_ranges_are_422s_naming_the_parameter() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let menu = a_link(
        &app,
        &rosa,
        json!({"code": "menu", "destination": "https://cafe.example/"}),
    )
    .await;
    let cases = [
        ("tz=Mars/Base", "tz"),
        ("interval=week", "interval"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("from=2026-11-21&to=2026-11-01", "from"),
        ("from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:00Z", "from"),
        (
            "interval=hour&from=2026-10-19T00:00:00Z&to=2026-11-20T00:00:00Z",
            "from",
        ),
        ("from=2025-10-15&to=2026-11-19", "from"),
    ];
    for (query, parameter) in cases {
        for path in [
            report_path(&menu, &format!("?{query}")),
            format!("/v1/analytics?{query}"),
        ] {
            let refused = get(&app, &rosa, &path).await;
            assert_error(
                &refused,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            );
            assert!(
                refused
                    .error_message()
                    .starts_with(&format!("{parameter}: ")),
                "{path}: {}",
                refused.body
            );
        }
    }
    for path in [
        csv_path(&menu, "?tz=Mars/Base"),
        "/v1/analytics.csv?interval=week".to_owned(),
    ] {
        let refused = get(&app, &rosa, &path).await;
        assert_error(
            &refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }

    // The longest ranges allowed: 31 days by the hour, 400 by the day.
    let hourly = get(
        &app,
        &rosa,
        &report_path(
            &menu,
            "?interval=hour&from=2026-10-20T00:00:00Z&to=2026-11-20T00:00:00Z",
        ),
    )
    .await;
    assert_eq!(hourly.status, StatusCode::OK, "{}", hourly.body);
    assert_eq!(scans_per_bucket(&hourly.body).len(), 31 * 24);
    let daily = get(
        &app,
        &rosa,
        &report_path(&menu, "?from=2025-10-16&to=2026-11-19"),
    )
    .await;
    assert_eq!(daily.status, StatusCode::OK, "{}", daily.body);
    assert_eq!(scans_per_bucket(&daily.body).len(), 400);
}

#[tokio::test]
async fn unknown_query_parameters_are_400s_with_the_json_error_shape() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let menu = a_link(
        &app,
        &rosa,
        json!({"code": "menu", "destination": "https://cafe.example/"}),
    )
    .await;
    for path in [
        report_path(&menu, "?foo=1"),
        csv_path(&menu, "?foo=1"),
        "/v1/analytics?foo=1".to_owned(),
        "/v1/analytics.csv?from=2026-11-01&foo=1".to_owned(),
        report_path(&menu, "?tz=UTC&tz=Europe/Berlin"),
    ] {
        let refused = get(&app, &rosa, &path).await;
        assert_error(&refused, StatusCode::BAD_REQUEST, "bad_request");
        assert_eq!(
            refused.headers.get("content-type").unwrap(),
            "application/json"
        );
    }
    let named = get(&app, &rosa, "/v1/analytics?foo=1").await;
    assert!(named.error_message().contains("foo"), "{}", named.body);
}

#[tokio::test]
async fn changing_max_scans_rejudges_the_link_against_its_counted_scans() {
    let app = spawn_app().await;
    let rosa = app.sign_up("rosa@cafe.example").await;
    let created = app
        .create_link(
            &rosa,
            json!({"code": "limited", "destination": "https://cafe.example/", "max_scans": 3}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["scan_limit_reached"], false);
    let limited = ScannedLink {
        id: created.body["id"].as_str().unwrap().to_owned(),
        code: "limited".to_owned(),
        workspace_id: rosa.workspace_id.clone(),
    };
    record_scans(
        &app,
        &limited,
        &[
            scan_at("2026-11-19T10:00:00Z"),
            scan_at("2026-11-19T11:00:00Z").by_visitor("198.51.100.5"),
            scan_at("2026-11-20T09:00:00Z").by_visitor("198.51.100.6"),
            scan_at("2026-11-20T09:30:00Z").by_bot(),
        ],
    )
    .await;
    let path = format!("/v1/links/{}", limited.id);
    let set_limit = |max_scans: Value| {
        let app = &app;
        let rosa = &rosa;
        let path = &path;
        async move {
            let patched = app
                .call(
                    "PATCH",
                    path,
                    Some(&rosa.access_token),
                    Some(json!({"max_scans": max_scans})),
                )
                .await;
            assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
            assert_eq!(patched.body["max_scans"], max_scans);
            patched.body["scan_limit_reached"].as_bool().unwrap()
        }
    };

    assert!(!set_limit(json!(5)).await, "3 of 5 counted (bots are not)");
    assert!(set_limit(json!(2)).await, "3 counted is over 2");
    assert!(
        app.edge
            .record("scn.test", "limited")
            .unwrap()
            .scan_limit_reached,
        "the edge is told: it answers 410"
    );
    assert!(set_limit(json!(3)).await, "reaching the limit is enough");
    assert!(!set_limit(json!(4)).await, "raising it re-opens the link");
    assert!(set_limit(json!(3)).await);
    assert!(!set_limit(Value::Null).await, "no limit, nothing reached");
    let record = app.edge.record("scn.test", "limited").unwrap();
    assert_eq!((record.max_scans, record.scan_limit_reached), (None, false));
    let read = get(&app, &rosa, &path).await;
    assert_eq!(read.body["scan_limit_reached"], false);
}

#[tokio::test]
async fn the_openapi_document_lists_the_analytics_routes() {
    let app = spawn_app().await;
    let doc = app.call("GET", "/v1/openapi.json", None, None).await.body;
    for path in [
        "/v1/links/{id}/analytics",
        "/v1/links/{id}/analytics.csv",
        "/v1/analytics",
        "/v1/analytics.csv",
    ] {
        let operation = &doc["paths"][path]["get"];
        assert!(operation.is_object(), "GET {path} is not in the document");
        assert_eq!(operation["tags"], json!(["analytics"]), "{path}");
        assert!(operation["responses"]["200"].is_object(), "{path}");
        let parameters: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has no parameters"))
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for name in ["from", "to", "interval", "tz"] {
            assert!(parameters.contains(&name), "{path}: {parameters:?}");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_has_the_range_as_optional_query_parameters() {
    let app = spawn_app().await;
    let doc = app.call("GET", "/v1/openapi.json", None, None).await.body;
    for path in [
        "/v1/links/{id}/analytics",
        "/v1/links/{id}/analytics.csv",
        "/v1/analytics",
        "/v1/analytics.csv",
    ] {
        for parameter in doc["paths"][path]["get"]["parameters"].as_array().unwrap() {
            let name = parameter["name"].as_str().unwrap();
            if name == "id" {
                assert_eq!(parameter["in"], "path", "{path}");
                continue;
            }
            assert_eq!(
                (&parameter["in"], &parameter["required"]),
                (&json!("query"), &json!(false)),
                "{path} {name}: {parameter}"
            );
        }
    }
}
