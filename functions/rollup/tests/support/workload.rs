//! Synthetic scans with their ground truth: links drawn with a Zipf skew
//! (a few posters scanned a lot, most rarely), visitors who come back,
//! a share of bots — deterministic per seed.

use std::collections::{BTreeMap, HashSet};

use scanly_shared::event::{
    EventId, SCAN_EVENT_SCHEMA_VERSION, ScanEvent, ScanSource, VisitorHash,
};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::ua::{Browser, DeviceType, Os};
use scanly_shared::{CountryCode, ShortCode};

/// 2026-11-21T07:00:00Z: the workloads happen in the 90 minutes before.
pub const NOW_MS: i64 = 1_795_244_400_000;

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkRef {
    pub workspace: WorkspaceId,
    pub link: LinkId,
}

/// What the counts must be.
#[derive(Debug, Default, Clone)]
pub struct Truth {
    /// Counted scans (bots excluded) per link.
    pub scans: BTreeMap<LinkRef, u64>,
    pub bots: BTreeMap<LinkRef, u64>,
    /// Distinct visitors per link (the workload stays within one UTC day).
    pub visitors: BTreeMap<LinkRef, HashSet<u64>>,
}

impl Truth {
    pub fn total_scans(&self) -> u64 {
        self.scans.values().sum()
    }

    pub fn record(&mut self, event: &ScanEvent, visitor: u64) {
        let key = LinkRef {
            workspace: event.workspace_id.clone(),
            link: event.link_id.clone(),
        };
        if event.bot {
            *self.bots.entry(key).or_default() += 1;
        } else {
            *self.scans.entry(key.clone()).or_default() += 1;
            self.visitors.entry(key).or_default().insert(visitor);
        }
    }
}

pub fn link_ref(workspace: &str, link: &str) -> LinkRef {
    LinkRef {
        workspace: WorkspaceId::parse(workspace).unwrap(),
        link: LinkId::parse(link).unwrap(),
    }
}

/// One scan of `link` by visitor number `visitor` at `timestamp_ms`.
pub fn scan(
    link: &LinkRef,
    visitor: u64,
    timestamp_ms: i64,
    rng: &mut Rng,
    bot: bool,
) -> ScanEvent {
    let mut random = [0u8; 10];
    for byte in &mut random {
        *byte = rng.next() as u8;
    }
    let countries = ["DE", "FR", "US", "GB", "JP", "IN", "BR"];
    let country = countries[rng.below(countries.len() as u64) as usize];
    let (device, os, browser) = match rng.below(4) {
        0 => (DeviceType::Mobile, Os::Ios, Browser::Safari),
        1 => (DeviceType::Mobile, Os::Android, Browser::Chrome),
        2 => (DeviceType::Desktop, Os::Windows, Browser::Edge),
        _ => (DeviceType::Tablet, Os::Ios, Browser::Safari),
    };
    ScanEvent {
        schema: SCAN_EVENT_SCHEMA_VERSION,
        id: EventId::new(timestamp_ms, random),
        link_id: link.link.clone(),
        workspace_id: link.workspace.clone(),
        code: ShortCode::parse(&format!("c{}", &link.link.as_str()[4..])).unwrap(),
        timestamp_ms,
        country: Some(CountryCode::parse(country).unwrap()),
        region: None,
        city: Some(format!("City {}", rng.below(150))),
        colo: Some("FRA".to_owned()),
        device,
        os,
        browser,
        referrer_host: None,
        language: None,
        variant: None,
        source: if rng.below(3) == 0 {
            ScanSource::Link
        } else {
            ScanSource::Qr
        },
        bot,
        // Derived from the link and visitor number: one visitor, one hash.
        visitor_hash: VisitorHash::compute(
            b"workload-visitor-key",
            timestamp_ms,
            &format!("198.51.{}.{}", visitor / 256 % 256, visitor % 256),
            &format!("ua-{visitor}-{}", link.link),
        ),
        max_scans: None,
    }
}

/// `scans` events over `links` links in `workspaces` workspaces, link k
/// drawn with probability ∝ 1/k (Zipf, s = 1); each link's visitors come
/// from a pool of about half its expected scans, so many come back; 2%
/// bots. Timestamps spread over the 90 minutes before `NOW_MS`.
pub fn zipf(links: usize, workspaces: usize, scans: usize, seed: u64) -> (Vec<ScanEvent>, Truth) {
    let mut rng = Rng(seed);
    let refs: Vec<LinkRef> = (0..links)
        .map(|k| link_ref(&format!("ws_{}", k % workspaces), &format!("lnk_{k:04}")))
        .collect();
    let harmonic: f64 = (1..=links).map(|k| 1.0 / k as f64).sum();
    let cumulative: Vec<f64> = (1..=links)
        .scan(0.0, |acc, k| {
            *acc += 1.0 / (k as f64 * harmonic);
            Some(*acc)
        })
        .collect();
    let mut truth = Truth::default();
    let mut events = Vec::with_capacity(scans);
    for _ in 0..scans {
        let u = rng.unit();
        let k = cumulative.partition_point(|&c| c < u).min(links - 1);
        let expected = scans as f64 / ((k + 1) as f64 * harmonic);
        let pool = (expected / 2.0).ceil().max(1.0) as u64;
        let visitor = rng.below(pool);
        let timestamp = NOW_MS - 1 - rng.below(90 * 60_000) as i64;
        let bot = rng.below(50) == 0;
        let event = scan(&refs[k], visitor, timestamp, &mut rng, bot);
        truth.record(&event, visitor);
        events.push(event);
    }
    (events, truth)
}
