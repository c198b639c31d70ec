//! The pipeline end to end through the public API, with the queue and the
//! table as plain maps: ingest encodes accepted events, the rollup decodes
//! each delivery, applies its events to the link-hours they belong to and
//! copies the totals into workspace-hours, and the query API reports.
//! Every message is delivered twice, the second time in reverse order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use scanly_analytics::report::{self, Interval, ReportQuery};
use scanly_analytics::rollup::{Hour, LinkHour, WorkspaceHour};
use scanly_analytics::wire;
use scanly_shared::event::{
    EventId, SCAN_EVENT_SCHEMA_VERSION, ScanEvent, ScanSource, VisitorHash,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::tz::Zone;
use scanly_shared::ua::{Browser, DeviceType, Os};
use scanly_shared::{CountryCode, ShortCode};

/// 2026-11-21T00:00:00Z.
const DAY_MS: i64 = 1_795_219_200_000;
const HOUR_MS: i64 = 3_600_000;

fn link(n: u64) -> LinkId {
    LinkId::parse(&format!("lnk_{n}")).unwrap()
}

/// Scan `n`: one of three links, within six hours, one of 500 visitors a
/// link; every 40th is a bot.
fn scan(n: u64) -> ScanEvent {
    let timestamp_ms = DAY_MS + (n as i64 * 7_919) % (6 * HOUR_MS);
    let mut random = [0u8; 10];
    random[2..].copy_from_slice(&n.to_be_bytes());
    ScanEvent {
        schema: SCAN_EVENT_SCHEMA_VERSION,
        id: EventId::new(timestamp_ms, random),
        link_id: link(n % 3),
        workspace_id: WorkspaceId::parse("ws_1").unwrap(),
        code: ShortCode::parse(&format!("code{}", n % 3)).unwrap(),
        timestamp_ms,
        country: Some(CountryCode::parse(["DE", "FR", "US"][(n % 5 % 3) as usize]).unwrap()),
        region: None,
        city: Some(format!("City {}", n % 7)),
        colo: None,
        device: DeviceType::Mobile,
        os: Os::Android,
        browser: Browser::Chrome,
        referrer_host: None,
        language: None,
        variant: None,
        source: ScanSource::Qr,
        bot: n.is_multiple_of(40),
        visitor_hash: VisitorHash::try_from(format!("{:032x}", (n / 3) % 500)).unwrap(),
        max_scans: None,
    }
}

#[derive(Default)]
struct Table {
    link_hours: BTreeMap<(String, Hour), Vec<u8>>,
    workspace_hours: BTreeMap<Hour, Vec<u8>>,
}

impl Table {
    /// One rollup invocation over one delivered message.
    fn roll_up(&mut self, body: &str) {
        let mut touched = Vec::new();
        for event in wire::decode(body).unwrap() {
            let key = (event.link_id.to_string(), Hour::of_ms(event.timestamp_ms));
            let stored = self.link_hours.get(&key);
            let mut item = stored.map_or_else(LinkHour::new, |b| LinkHour::from_bytes(b).unwrap());
            item.apply(&event);
            self.link_hours.insert(key.clone(), item.to_bytes());
            touched.push((event.link_id, key.1, item.scans()));
        }
        for (link, hour, scans) in touched {
            let stored = self.workspace_hours.get(&hour);
            let mut item = stored.map_or_else(WorkspaceHour::new, |b| {
                WorkspaceHour::from_bytes(b).unwrap()
            });
            item.set_link(&link, scans);
            self.workspace_hours.insert(hour, item.to_bytes());
        }
    }

    fn link_hours(&self, link: &LinkId) -> Vec<(Hour, LinkHour)> {
        self.link_hours
            .iter()
            .filter(|((id, _), _)| id == link.as_str())
            .map(|((_, hour), bytes)| (*hour, LinkHour::from_bytes(bytes).unwrap()))
            .collect()
    }

    fn workspace_hours(&self) -> Vec<(Hour, WorkspaceHour)> {
        self.workspace_hours
            .iter()
            .map(|(hour, bytes)| (*hour, WorkspaceHour::from_bytes(bytes).unwrap()))
            .collect()
    }
}

#[test]
fn every_scan_is_counted_once_from_the_queue_to_the_report() {
    let events: Vec<ScanEvent> = (0..3_000).map(scan).collect();
    let lines: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    // A queue configured for 16 KiB bodies, so there are many messages.
    let packing = wire::encode_with(&refs, 16 * 1024, 10, 256 * 1024);
    assert!(packing.oversized.is_empty());
    let bodies: Vec<&str> = packing.messages().map(|m| m.body.as_str()).collect();
    assert!(bodies.len() > 3, "{} messages", bodies.len());

    let mut table = Table::default();
    for body in &bodies {
        table.roll_up(body);
    }
    let once = (table.link_hours.clone(), table.workspace_hours.clone());
    for body in bodies.iter().rev() {
        table.roll_up(body);
    }
    assert_eq!(
        (table.link_hours.clone(), table.workspace_hours.clone()),
        once,
        "redelivery changes nothing"
    );

    let query = ReportQuery {
        from_ms: DAY_MS,
        to_ms: DAY_MS + 24 * HOUR_MS,
        interval: Interval::Hour,
        zone: Zone::parse("Europe/Berlin").unwrap(),
    };
    for n in 0..3 {
        let link = link(n);
        let expected = events
            .iter()
            .filter(|e| e.link_id == link && !e.bot)
            .count() as u64;
        let report = report::link_report(&table.link_hours(&link), &query);
        assert_eq!(report.total, expected);
        assert_eq!(report.series.len(), 24);
        assert_eq!(report.series[0].start, "2026-11-21T01:00:00+01:00");
        assert_eq!(report.unique, 500, "sparse sketches are exact at this size");
        assert_eq!(report.breakdown.city.values().sum::<u64>(), expected);
    }
    let humans = events.iter().filter(|e| !e.bot).count() as u64;
    let overview = report::overview(&table.workspace_hours(), &query, 2);
    assert_eq!(overview.total, humans);
    assert_eq!(overview.top_links.len(), 2);
    assert!(overview.top_links[0].scans >= overview.top_links[1].scans);
    let rows = report::workspace_rows(&table.workspace_hours(), &query);
    assert_eq!(rows.iter().map(|r| r.scans).sum::<u64>(), humans);
}
