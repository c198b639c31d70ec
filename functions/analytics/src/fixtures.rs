//! Realistic scan events for the tests: the mix of countries, devices,
//! referrers and languages a QR code on a poster sees, with random ids and
//! visitor hashes (the incompressible part of an event), deterministic per
//! seed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use scanly_shared::event::{
    EventId, SCAN_EVENT_SCHEMA_VERSION, ScanEvent, ScanSource, VisitorHash,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::ua::{Browser, DeviceType, Os};
use scanly_shared::{CountryCode, LanguageTag, ShortCode};

/// 2026-11-21T00:00:00Z.
pub(crate) const NOV_21_2026_MS: i64 = 1_795_219_200_000;

/// SplitMix64: a deterministic stream of well-mixed 64-bit values.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for byte in &mut out {
            *byte = self.next() as u8;
        }
        out
    }
}

const PLACES: &[(&str, &str, &str)] = &[
    ("DE", "Berlin", "Berlin"),
    ("DE", "Bavaria", "Munich"),
    ("DE", "Hamburg", "Hamburg"),
    ("FR", "Île-de-France", "Paris"),
    ("GB", "England", "London"),
    ("US", "California", "San Francisco"),
    ("US", "New York", "New York"),
    ("IN", "Maharashtra", "Mumbai"),
    ("JP", "Tokyo", "Tokyo"),
    ("BR", "São Paulo", "São Paulo"),
];
const REFERRERS: &[Option<&str>] = &[
    None,
    None,
    None,
    Some("l.instagram.com"),
    Some("www.google.com"),
    Some("t.co"),
    Some("com.google.android.gm"),
];
const LANGUAGES: &[&str] = &["de-DE", "en-US", "en-GB", "fr-FR", "ja", "pt-BR", "hi-IN"];
const CLIENTS: &[(DeviceType, Os, Browser)] = &[
    (DeviceType::Mobile, Os::Ios, Browser::Safari),
    (DeviceType::Mobile, Os::Android, Browser::Chrome),
    (DeviceType::Mobile, Os::Android, Browser::SamsungInternet),
    (DeviceType::Mobile, Os::Ios, Browser::InApp),
    (DeviceType::Desktop, Os::Windows, Browser::Edge),
    (DeviceType::Desktop, Os::Macos, Browser::Chrome),
    (DeviceType::Tablet, Os::Ios, Browser::Safari),
];

/// One link of a workspace, as ids the control plane would assign.
pub(crate) fn link(n: u64) -> LinkId {
    LinkId::parse(&format!("lnk_01jd{n:020}")).unwrap()
}

pub(crate) fn workspace() -> WorkspaceId {
    WorkspaceId::parse("ws_01jc8w0y6k2m5t7v9x3z4q1r0b").unwrap()
}

/// A scan of `link` at `timestamp_ms` from a random visitor.
pub(crate) fn scan(rng: &mut SplitMix, link: &LinkId, timestamp_ms: i64) -> ScanEvent {
    let (country, region, city) = *rng.pick(PLACES);
    let (device, os, browser) = *rng.pick(CLIENTS);
    let ip = format!("198.51.{}.{}", rng.below(256), rng.below(256));
    ScanEvent {
        schema: SCAN_EVENT_SCHEMA_VERSION,
        id: EventId::new(timestamp_ms, rng.bytes()),
        link_id: link.clone(),
        workspace_id: workspace(),
        code: ShortCode::parse(&link.as_str()[link.as_str().len() - 6..]).unwrap(),
        timestamp_ms,
        country: Some(CountryCode::parse(country).unwrap()),
        region: Some(region.to_owned()),
        city: Some(city.to_owned()),
        colo: Some("FRA".to_owned()),
        device,
        os,
        browser,
        referrer_host: rng.pick(REFERRERS).map(str::to_owned),
        language: Some(LanguageTag::parse(rng.pick::<&str>(LANGUAGES)).unwrap()),
        variant: None,
        source: if rng.below(5) == 0 {
            ScanSource::Link
        } else {
            ScanSource::Qr
        },
        bot: rng.below(30) == 0,
        visitor_hash: VisitorHash::compute(b"edge-secret", timestamp_ms, &ip, "Mozilla/5.0"),
        max_scans: None,
    }
}

/// `n` scans of a handful of links within one minute after `start_ms`,
/// as one edge batch would carry them.
pub(crate) fn batch(seed: u64, n: usize, start_ms: i64) -> Vec<ScanEvent> {
    let mut rng = SplitMix(seed);
    let links: Vec<LinkId> = (0..5).map(link).collect();
    (0..n)
        .map(|i| {
            let link = rng.pick(&links).clone();
            scan(&mut rng, &link, start_ms + (i as i64) * 600)
        })
        .collect()
}

/// The events as the one-line JSON texts ingest hands to the encoder.
pub(crate) fn json_lines(events: &[ScanEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect()
}

/// A scan like `template` (not a bot) with event number `n`, by visitor
/// number `visitor`, at `timestamp_ms`: cheap to make by the hundred
/// thousand (no keyed hash).
pub(crate) fn rescan(template: &ScanEvent, n: u64, visitor: u64, timestamp_ms: i64) -> ScanEvent {
    let mut random = [0u8; 10];
    // Big-endian at the end: the version and variant bits a UUIDv7
    // overwrites fall on the high bytes, which stay zero.
    random[2..].copy_from_slice(&n.to_be_bytes());
    ScanEvent {
        id: EventId::new(timestamp_ms, random),
        timestamp_ms,
        visitor_hash: VisitorHash::try_from(format!("{visitor:032x}")).unwrap(),
        bot: false,
        ..template.clone()
    }
}
