//! Scan events, schema v1: what the edge sends to analytics for each scan.
//! No personal data: the IP address never leaves the edge, only a salted
//! hash that changes every day.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::context::ScanContext;
use crate::ids::{LinkId, WorkspaceId};
use crate::record::LinkRecord;
use crate::resolve::Route;
use crate::ua::{Browser, DeviceType, Os};
use crate::{CountryCode, DomainError, LanguageTag, ShortCode};

pub const SCAN_EVENT_SCHEMA_VERSION: u16 = 1;
/// Region and city names longer than this are cut at the edge and refused at ingest.
pub(crate) const MAX_PLACE_CHARS: usize = 100;
const MAX_HOST_CHARS: usize = 253;
const MAX_COLO_CHARS: usize = 8;
const MS_PER_DAY: i64 = 86_400_000;
/// Events older than this are refused at ingest (queues retry for days, not weeks).
const MAX_EVENT_AGE_MS: i64 = 14 * MS_PER_DAY;
const MAX_CLOCK_AHEAD_MS: i64 = 5 * 60_000;

/// How the visitor arrived: by scanning the printed QR code (its URL carries
/// a marker) or by following the short link anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanSource {
    Qr,
    Link,
}

/// The query parameter the URL inside a QR image carries (`/{code}?qr`), so
/// a scan of the printed code can be told from a click on the short link.
pub const QR_MARKER: &str = "qr";

impl ScanSource {
    pub fn from_query(query: &[(String, String)]) -> Self {
        if query.iter().any(|(key, _)| key == QR_MARKER) {
            Self::Qr
        } else {
            Self::Link
        }
    }
}

/// A UUIDv7: time-ordered, so archives and dedupe tables stay sorted by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(uuid::Uuid);

impl EventId {
    /// `random` must come from a CSPRNG (the caller's: this crate does no I/O).
    pub fn new(unix_ms: i64, random: [u8; 10]) -> Self {
        let ms = u64::try_from(unix_ms).unwrap_or(0);
        Self(uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid())
    }

    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl core::fmt::Display for EventId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanEvent {
    pub schema: u16,
    pub id: EventId,
    pub link_id: LinkId,
    pub workspace_id: WorkspaceId,
    pub code: ShortCode,
    /// Unix milliseconds at the edge.
    pub timestamp_ms: i64,
    pub country: Option<CountryCode>,
    pub region: Option<String>,
    pub city: Option<String>,
    /// The Cloudflare data centre (IATA code) that answered.
    pub colo: Option<String>,
    pub device: DeviceType,
    pub os: Os,
    pub browser: Browser,
    pub referrer_host: Option<String>,
    /// The visitor's most preferred language.
    pub language: Option<LanguageTag>,
    /// The A/B variant key ("a", "b", …) when the link splits traffic.
    pub variant: Option<String>,
    pub source: ScanSource,
    /// Crawlers and link previews; kept for bot analytics, never counted as scans.
    pub bot: bool,
    pub visitor_hash: VisitorHash,
    /// The link's scan limit when this scan was answered, so the pipeline
    /// checks the limit only for links that have one. Absent when unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_scans: Option<u64>,
}

/// What the edge knows about a scan beyond the [`ScanContext`].
#[derive(Debug, Clone, Copy)]
pub struct EdgeFacts<'a> {
    pub id: EventId,
    pub colo: Option<&'a str>,
    pub referer: Option<&'a str>,
    pub source: ScanSource,
    pub visitor: VisitorHash,
}

impl ScanEvent {
    /// The event for one answered scan of `record`, answered by `route`.
    pub fn for_scan(
        record: &LinkRecord,
        scan: &ScanContext,
        route: Route,
        edge: EdgeFacts<'_>,
    ) -> Self {
        Self {
            schema: SCAN_EVENT_SCHEMA_VERSION,
            id: edge.id,
            link_id: record.link_id.clone(),
            workspace_id: record.workspace_id.clone(),
            code: record.code.clone(),
            timestamp_ms: scan.now_ms,
            country: scan.country,
            region: scan.region.clone(),
            city: scan.city.clone(),
            colo: edge
                .colo
                .filter(|c| {
                    !c.is_empty()
                        && c.len() <= MAX_COLO_CHARS
                        && c.bytes().all(|b| b.is_ascii_alphanumeric())
                })
                .map(str::to_owned),
            device: scan.device,
            os: scan.os,
            browser: scan.browser,
            referrer_host: edge.referer.and_then(referrer_host),
            language: scan.languages.first().cloned(),
            variant: route.variant_key(),
            source: edge.source,
            bot: scan.is_bot,
            visitor_hash: edge.visitor,
            max_scans: record.max_scans,
        }
    }

    /// What ingest checks beyond the types: sizes and a plausible time.
    pub fn validate(&self, now_ms: i64) -> Result<(), DomainError> {
        if self.schema != SCAN_EVENT_SCHEMA_VERSION {
            return Err(DomainError::invalid(
                "schema",
                format!("unsupported schema version {}", self.schema),
            ));
        }
        if self.timestamp_ms > now_ms.saturating_add(MAX_CLOCK_AHEAD_MS) {
            return Err(DomainError::invalid("timestamp_ms", "is in the future"));
        }
        if self.timestamp_ms < now_ms.saturating_sub(MAX_EVENT_AGE_MS) {
            return Err(DomainError::invalid("timestamp_ms", "is too old to count"));
        }
        let too_long = |value: &Option<String>, max: usize| {
            value.as_ref().is_some_and(|v| v.chars().count() > max)
        };
        for (field, value, max) in [
            ("region", &self.region, MAX_PLACE_CHARS),
            ("city", &self.city, MAX_PLACE_CHARS),
            ("colo", &self.colo, MAX_COLO_CHARS),
            ("referrer_host", &self.referrer_host, MAX_HOST_CHARS),
            ("variant", &self.variant, 8),
        ] {
            if too_long(value, max) {
                return Err(DomainError::invalid(
                    field,
                    format!("at most {max} characters"),
                ));
            }
        }
        Ok(())
    }

    /// The UTC day of the scan (days since 1970-01-01), the unit of
    /// unique-visitor counting.
    pub fn day(&self) -> i64 {
        self.timestamp_ms.div_euclid(MS_PER_DAY)
    }
}

/// A daily-rotating, keyed hash of IP + User-Agent: the same visitor gives
/// the same hash within one UTC day (so unique visitors can be counted) and
/// an unrelated one the next day; without the edge's secret it cannot be
/// reversed, even by trying all IPv4 addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VisitorHash([u8; 16]);

impl VisitorHash {
    pub fn compute(secret: &[u8], unix_ms: i64, ip: &str, user_agent: &str) -> Self {
        let day = unix_ms.div_euclid(MS_PER_DAY);
        let mut out = [0u8; 16];
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) {
            mac.update(&day.to_be_bytes());
            mac.update(ip.as_bytes());
            mac.update(&[0]);
            mac.update(user_agent.as_bytes());
            let digest = mac.finalize().into_bytes();
            for (o, d) in out.iter_mut().zip(digest.iter()) {
                *o = *d;
            }
        }
        Self(out)
    }

    /// Stickiness seed for A/B splits.
    pub fn seed(&self) -> u64 {
        let mut first = [0u8; 8];
        first.copy_from_slice(self.0.get(..8).unwrap_or(&[0; 8]));
        u64::from_be_bytes(first)
    }
}

impl TryFrom<String> for VisitorHash {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let bytes = hex::decode(&value)
            .ok()
            .and_then(|b| <[u8; 16]>::try_from(b).ok());
        bytes
            .map(Self)
            .ok_or_else(|| DomainError::invalid("visitor_hash", "must be 32 hex digits"))
    }
}

impl From<VisitorHash> for String {
    fn from(hash: VisitorHash) -> Self {
        hex::encode(hash.0)
    }
}

/// The host of a `Referer` header, lower-cased, for the referrer breakdown.
/// Only the host is kept: paths and queries can carry personal data.
pub fn referrer_host(referer: &str) -> Option<String> {
    let (_, rest) = referer.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        // IPv6 literal: keep the brackets, drop a port after them.
        host_port
            .split_once(']')
            .map(|(ip, _)| ip.trim_start_matches('['))?
    } else {
        host_port.split(':').next()?
    };
    let valid = !host.is_empty()
        && host.len() <= MAX_HOST_CHARS
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    valid.then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_795_176_000_000;
    const SECRET: &[u8] = b"edge-visitor-secret";

    fn event() -> ScanEvent {
        ScanEvent {
            schema: SCAN_EVENT_SCHEMA_VERSION,
            id: EventId::new(NOW, [9; 10]),
            link_id: LinkId::parse("lnk_1").unwrap(),
            workspace_id: WorkspaceId::parse("ws_1").unwrap(),
            code: ShortCode::parse("menu").unwrap(),
            timestamp_ms: NOW,
            country: Some(CountryCode::parse("DE").unwrap()),
            region: Some("Berlin".into()),
            city: Some("Berlin".into()),
            colo: Some("TXL".into()),
            device: DeviceType::Mobile,
            os: Os::Ios,
            browser: Browser::Safari,
            referrer_host: referrer_host("https://l.instagram.com/?u=x"),
            language: Some(LanguageTag::parse("de-DE").unwrap()),
            variant: Some("a".into()),
            source: ScanSource::Qr,
            bot: false,
            visitor_hash: VisitorHash::compute(SECRET, NOW, "203.0.113.7", "Mozilla/5.0"),
            max_scans: None,
        }
    }

    #[test]
    fn the_json_schema_is_stable() {
        insta::assert_json_snapshot!(event(), {".visitor_hash" => "[hash]"}, @r#"
        {
          "schema": 1,
          "id": "01a1f8d3-ea00-7909-8909-090909090909",
          "link_id": "lnk_1",
          "workspace_id": "ws_1",
          "code": "menu",
          "timestamp_ms": 1795176000000,
          "country": "DE",
          "region": "Berlin",
          "city": "Berlin",
          "colo": "TXL",
          "device": "mobile",
          "os": "ios",
          "browser": "safari",
          "referrer_host": "l.instagram.com",
          "language": "de-DE",
          "variant": "a",
          "source": "qr",
          "bot": false,
          "visitor_hash": "[hash]"
        }
        "#);
    }

    #[test]
    fn the_qr_marker_tells_scans_from_clicks() {
        let pairs = |q: &str| crate::context::parse_query(q);
        assert_eq!(ScanSource::from_query(&pairs("qr")), ScanSource::Qr);
        assert_eq!(
            ScanSource::from_query(&pairs("utm_source=x&qr=1")),
            ScanSource::Qr
        );
        assert_eq!(
            ScanSource::from_query(&pairs("qrx=1&q=r")),
            ScanSource::Link
        );
    }

    #[test]
    fn an_event_describes_the_scan_that_was_answered() {
        use crate::context::RequestFacts;
        let record = LinkRecord::redirect(
            LinkId::parse("lnk_1").unwrap(),
            WorkspaceId::parse("ws_1").unwrap(),
            ShortCode::parse("menu").unwrap(),
            crate::Destination::parse("https://example.com/").unwrap(),
        );
        let visitor = VisitorHash::compute(b"k", NOW, "198.51.100.7", "ua");
        let scan = ScanContext::from_request(&RequestFacts {
            now_ms: NOW,
            user_agent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
            accept_language: "de-CH, en;q=0.5",
            query: "",
            country: Some("CH"),
            region: Some("Zurich"),
            city: Some("Zürich"),
            timezone: None,
            visitor,
            unlocked: false,
        });
        let edge = EdgeFacts {
            id: EventId::new(NOW, [7; 10]),
            colo: Some("ZRH"),
            referer: Some("https://news.example/story?id=1"),
            source: ScanSource::Qr,
            visitor,
        };
        let event = ScanEvent::for_scan(&record, &scan, Route::Variant(1), edge);
        assert_eq!(event.validate(NOW), Ok(()));
        assert_eq!(
            (event.code.as_str(), event.link_id.as_str()),
            ("menu", "lnk_1")
        );
        assert_eq!(event.country.map(|c| c.to_string()).as_deref(), Some("CH"));
        assert_eq!((event.device, event.os), (DeviceType::Mobile, Os::Android));
        assert_eq!(
            event.language.as_ref().map(LanguageTag::as_str),
            Some("de-CH")
        );
        assert_eq!(event.referrer_host.as_deref(), Some("news.example"));
        assert_eq!(event.variant.as_deref(), Some("b"));
        assert_eq!(
            (event.source, event.bot, event.timestamp_ms),
            (ScanSource::Qr, false, NOW)
        );
        assert_eq!(event.max_scans, None);
        let limited = LinkRecord {
            max_scans: Some(100),
            ..record.clone()
        };
        let limited_event = ScanEvent::for_scan(&limited, &scan, Route::Default, edge);
        assert_eq!(limited_event.max_scans, Some(100));
        let json = serde_json::to_string(&limited_event).unwrap();
        assert!(json.ends_with(",\"max_scans\":100}"), "{json}");
        let odd_colo = EdgeFacts {
            colo: Some("<script>"),
            ..edge
        };
        assert_eq!(
            ScanEvent::for_scan(&record, &scan, Route::Default, odd_colo).colo,
            None
        );
    }

    #[test]
    fn events_round_trip_and_unknown_fields_are_refused() {
        let json = serde_json::to_string(&event()).unwrap();
        assert_eq!(serde_json::from_str::<ScanEvent>(&json).unwrap(), event());
        let tampered = json.replace("\"bot\":false", "\"bot\":false,\"ip\":\"203.0.113.7\"");
        assert!(
            serde_json::from_str::<ScanEvent>(&tampered)
                .unwrap_err()
                .to_string()
                .contains("unknown field `ip`")
        );
    }

    #[test]
    fn validation_bounds_time_and_sizes() {
        assert!(event().validate(NOW).is_ok());
        let mut e = event();
        e.timestamp_ms = NOW + 10 * 60_000;
        assert_eq!(
            e.validate(NOW).unwrap_err().to_string(),
            "timestamp_ms: is in the future"
        );
        e.timestamp_ms = NOW - 15 * MS_PER_DAY;
        assert_eq!(
            e.validate(NOW).unwrap_err().to_string(),
            "timestamp_ms: is too old to count"
        );
        let mut e = event();
        e.city = Some("x".repeat(101));
        assert_eq!(
            e.validate(NOW).unwrap_err().to_string(),
            "city: at most 100 characters"
        );
        let mut e = event();
        e.schema = 2;
        assert!(e.validate(NOW).is_err());
    }

    #[test]
    fn visitor_hashes_identify_a_visitor_for_one_utc_day_only() {
        let hash = |ms, ip, ua| VisitorHash::compute(SECRET, ms, ip, ua);
        let base = hash(NOW, "203.0.113.7", "UA");
        assert_eq!(
            base,
            hash(NOW + 3_600_000, "203.0.113.7", "UA"),
            "same day, same visitor"
        );
        assert_ne!(
            base,
            hash(NOW + MS_PER_DAY, "203.0.113.7", "UA"),
            "rotates daily"
        );
        assert_ne!(base, hash(NOW, "203.0.113.8", "UA"));
        assert_ne!(base, hash(NOW, "203.0.113.7", "UA2"));
        assert_ne!(
            base,
            VisitorHash::compute(b"other-secret", NOW, "203.0.113.7", "UA")
        );
        // The IP and UA are not separable by moving bytes between them.
        assert_ne!(hash(NOW, "1.2.3.4", "5"), hash(NOW, "1.2.3.", "45"));
        let text = String::from(base);
        assert_eq!(text.len(), 32);
        assert!(!text.contains("203"));
        assert_eq!(VisitorHash::try_from(text).unwrap(), base);
    }

    #[test]
    fn event_ids_are_uuid_v7_and_time_ordered() {
        let earlier = EventId::new(NOW, [0xff; 10]);
        let later = EventId::new(NOW + 1, [0; 10]);
        assert_eq!(earlier.as_uuid().get_version_num(), 7);
        assert!(earlier < later);
    }

    #[test]
    fn referrer_hosts_keep_only_the_host() {
        let cases = [
            (
                "https://www.Google.com/search?q=secret",
                Some("www.google.com"),
            ),
            ("http://user:pw@example.com:8080/path", Some("example.com")),
            ("https://[2001:db8::1]:443/x", Some("2001:db8::1")),
            (
                "android-app://com.google.android.gm/",
                Some("com.google.android.gm"),
            ),
            ("not a url", None),
            ("", None),
            ("https:///nohost", None),
            ("https://exa mple.com/", None),
        ];
        for (input, expected) in cases {
            assert_eq!(referrer_host(input).as_deref(), expected, "{input}");
        }
    }

    proptest! {
        #[test]
        fn referrer_host_never_panics(input in "\\PC{0,300}") {
            if let Some(host) = referrer_host(&input) {
                prop_assert!(!host.is_empty() && host.len() <= MAX_HOST_CHARS);
            }
        }
    }
}
