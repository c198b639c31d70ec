//! The stored encoding of stats items: its bound, its format, and its
//! refusal of anything else.

use proptest::prelude::*;
use scanly_shared::{CountryCode, LanguageTag};
use serde::Serialize;

use super::*;

/// Every bound filled at once: the cap of fingerprints, a dense sketch,
/// every country, and each free-text dimension offered 200 distinct keys of
/// the longest valid length in four-byte characters.
#[test]
fn a_link_hour_at_every_bound_stays_well_under_the_item_limit() {
    let countries: Vec<CountryCode> = (b'A'..=b'Z')
        .flat_map(|a| (b'A'..=b'Z').map(move |b| [a, b]))
        .filter_map(|code| CountryCode::parse(std::str::from_utf8(&code).unwrap()).ok())
        .collect();
    assert!(countries.len() > 240);
    let mut events = many_events(MAX_REMEMBERED);
    for (i, event) in events.iter_mut().enumerate() {
        let k = i % 200;
        event.country = Some(countries[i % countries.len()]);
        event.region = Some(format!("{k:03}{}", "𝔅".repeat(97)));
        event.city = Some(format!("{k:03}{}", "𝔆".repeat(97)));
        event.referrer_host = Some(format!("{k:03}{}", "r".repeat(250)));
        event.language =
            Some(LanguageTag::parse(&format!("en-x{k:07}-a1234567-b1234567")).unwrap());
        event.variant = Some(format!("{k:03}{}", "𝔙".repeat(5)));
    }
    let item = applied(&events);
    assert!(!item.visitors().is_sparse());
    let bytes = item.to_bytes();
    // Measured: 311,366 bytes (256 KiB of fingerprints, 12 KB of sketch,
    // ~37 KB of keys and counts).
    assert!(bytes.len() < 350_000, "{} bytes", bytes.len());
    assert_eq!(LinkHour::from_bytes(&bytes).unwrap(), item);

    // With ASCII names of the longest valid length, all 100 keys fit.
    let mut ascii = many_events(200);
    for (i, event) in ascii.iter_mut().enumerate() {
        event.city = Some(format!("{i:03}{}", "c".repeat(97)));
    }
    assert_eq!(applied(&ascii).dimensions().city.len(), MAX_KEYS + 1);
}

/// What postcard itself writes for a link-hour, to hold the hand-written
/// encoder to the documented format.
#[derive(Serialize)]
struct PostcardMirror<'a> {
    scans: u64,
    bots: u64,
    unremembered: u64,
    dims: &'a Dimensions,
    visitors: Vec<u8>,
    seen: Vec<u8>,
}

#[test]
fn the_encoding_is_a_version_byte_then_postcard() {
    let item = applied(&events(8, 300));
    let mirror = PostcardMirror {
        scans: item.scans,
        bots: item.bots,
        unremembered: item.unremembered,
        dims: &item.dims,
        visitors: item.visitors.to_bytes(),
        seen: item.seen.iter().flat_map(|f| f.to_le_bytes()).collect(),
    };
    let expected = [
        vec![FORMAT_VERSION],
        postcard::to_allocvec(&mirror).unwrap(),
    ]
    .concat();
    assert_eq!(item.to_bytes(), expected);
    assert_eq!(LinkHour::from_bytes(&expected).unwrap(), item);
    assert_eq!(LinkHour::new().to_bytes().len(), 1 + 3 + 10 + 5 + 1);
}

/// A link-hour's bytes with the given fingerprints (written raw).
fn with_seen(seen: &[u8]) -> Vec<u8> {
    let mut out = codec::Writer::with_capacity(0);
    for _ in 0..3 {
        out.varint(0);
    }
    out.dimensions(&Dimensions::default());
    out.bytes(&HyperLogLog::new().to_bytes());
    out.bytes(seen);
    out.finish()
}

#[test]
fn malformed_items_are_refused() {
    let good = applied(&events(9, 5)).to_bytes();
    assert_eq!(LinkHour::from_bytes(&[]), Err(RollupError::Empty));
    let mut future = good.clone();
    future[0] = 2;
    assert_eq!(
        LinkHour::from_bytes(&future),
        Err(RollupError::UnsupportedVersion(2))
    );
    assert_eq!(
        LinkHour::from_bytes(&[good.clone(), vec![0]].concat()),
        Err(RollupError::TrailingBytes(1))
    );
    assert!(matches!(
        LinkHour::from_bytes(&good[..good.len() - 1]),
        Err(RollupError::Malformed(_))
    ));

    let fingerprints = |values: &[u64]| {
        values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>()
    };
    assert!(LinkHour::from_bytes(&with_seen(&fingerprints(&[1, 2, 3]))).is_ok());
    assert_eq!(
        LinkHour::from_bytes(&with_seen(&[0; 7])),
        Err(RollupError::SeenLength)
    );
    assert_eq!(
        LinkHour::from_bytes(&with_seen(&fingerprints(&[2, 1]))),
        Err(RollupError::SeenNotSorted)
    );
    assert_eq!(
        LinkHour::from_bytes(&with_seen(&fingerprints(&[5, 5]))),
        Err(RollupError::SeenNotSorted)
    );
    let too_many: Vec<u64> = (0..=MAX_REMEMBERED as u64).collect();
    assert_eq!(
        LinkHour::from_bytes(&with_seen(&fingerprints(&too_many))),
        Err(RollupError::TooManyRemembered(MAX_REMEMBERED + 1))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn reading_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for candidate in [bytes.clone(), [vec![FORMAT_VERSION], bytes].concat()] {
            if let Ok(item) = LinkHour::from_bytes(&candidate) {
                prop_assert_eq!(LinkHour::from_bytes(&item.to_bytes()).unwrap(), item);
            }
            if let Ok(hour) = WorkspaceHour::from_bytes(&candidate) {
                prop_assert_eq!(WorkspaceHour::from_bytes(&hour.to_bytes()).unwrap(), hour);
            }
        }
    }

    #[test]
    fn reading_a_corrupted_item_never_panics(
        seed in any::<u64>(),
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = applied(&events(seed, 30)).to_bytes();
        let at = position.index(bytes.len());
        if truncate {
            bytes.truncate(at);
        } else {
            bytes[at] = replacement;
        }
        if let Ok(item) = LinkHour::from_bytes(&bytes) {
            prop_assert_eq!(LinkHour::from_bytes(&item.to_bytes()).unwrap(), item);
        }
    }
}
