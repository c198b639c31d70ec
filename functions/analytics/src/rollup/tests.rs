#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use scanly_shared::event::ScanEvent;

use serde::Serialize;

use super::*;
use crate::fixtures::{self, NOV_21_2026_MS, SplitMix};

/// `n` distinct events of one link within one hour, some with missing
/// places, no referrer or an A/B variant, a few bots.
fn events(seed: u64, n: usize) -> Vec<ScanEvent> {
    let mut rng = SplitMix(seed);
    let link = fixtures::link(1);
    (0..n)
        .map(|i| {
            let mut event =
                fixtures::scan(&mut rng, &link, NOV_21_2026_MS + (i as i64 % 3_600) * 1000);
            match rng.below(6) {
                0 => event.country = None,
                1 => (event.region, event.city) = (None, Some(String::new())),
                2 => event.variant = Some(if rng.below(2) == 0 { "a" } else { "b" }.to_owned()),
                3 => event.language = None,
                _ => {}
            }
            event
        })
        .collect()
}

fn applied<'a>(events: impl IntoIterator<Item = &'a ScanEvent>) -> LinkHour {
    let mut item = LinkHour::new();
    for event in events {
        item.apply(event);
    }
    item
}

fn serde_key<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn hours_are_utc_hours_since_the_epoch_before_1970_too() {
    assert_eq!(Hour::of_ms(0), Hour(0));
    assert_eq!(Hour::of_ms(3_599_999), Hour(0));
    assert_eq!(Hour::of_ms(3_600_000), Hour(1));
    assert_eq!(Hour::of_ms(-1), Hour(-1));
    assert_eq!(Hour::of_ms(NOV_21_2026_MS).start_ms(), NOV_21_2026_MS);
    assert_eq!(Hour(i64::MAX).start_ms(), i64::MAX);
    assert_eq!(Hour::of_ms(i64::MIN).start_ms(), i64::MIN);
}

#[test]
fn a_scan_counts_once_in_every_dimension_under_its_serde_key() {
    let mut event = events(1, 1)[0].clone();
    event.bot = false;
    event.variant = Some("b".into());
    let mut item = LinkHour::new();
    assert_eq!(item.apply(&event), Applied::Counted);
    assert_eq!((item.scans(), item.bots(), item.remembered()), (1, 0, 1));
    let dims = item.dimensions();
    let only = |map: &std::collections::BTreeMap<String, u64>, key: &str| {
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![(&key.to_owned(), &1)]);
    };
    only(&dims.country, event.country.unwrap().as_str());
    only(&dims.region, event.region.as_deref().unwrap());
    only(&dims.city, event.city.as_deref().unwrap());
    only(&dims.device, &serde_key(event.device));
    only(&dims.os, &serde_key(event.os));
    only(&dims.browser, &serde_key(event.browser));
    only(
        &dims.referrer,
        event.referrer_host.as_deref().unwrap_or(DIRECT),
    );
    only(&dims.language, event.language.as_ref().unwrap().as_str());
    only(&dims.variant, "b");
    only(&dims.source, &serde_key(event.source));
    assert_eq!(item.visitors().estimate(), 1);
}

#[test]
fn missing_values_count_as_unknown_or_direct_and_no_variant_is_not_counted() {
    let mut event = events(2, 1)[0].clone();
    event.bot = false;
    (event.country, event.region, event.city) = (None, None, Some("  ".into()));
    (event.referrer_host, event.language, event.variant) = (None, None, None);
    let item = applied([&event]);
    let dims = item.dimensions();
    for map in [&dims.country, &dims.region, &dims.city, &dims.language] {
        assert_eq!(map.get(UNKNOWN), Some(&1));
    }
    assert_eq!(dims.referrer.get(DIRECT), Some(&1));
    assert!(dims.variant.is_empty());
}

#[test]
fn an_event_applied_again_changes_nothing() {
    let events = events(3, 20);
    let mut item = applied(&events);
    let before = item.to_bytes();
    for event in &events {
        assert_eq!(item.apply(event), Applied::Duplicate);
    }
    assert_eq!(item.to_bytes(), before);
}

#[test]
fn bots_are_counted_apart_and_once() {
    let mut bot = events(4, 1)[0].clone();
    bot.bot = true;
    let mut item = LinkHour::new();
    assert_eq!(item.apply(&bot), Applied::Bot);
    assert_eq!(item.apply(&bot), Applied::Duplicate);
    assert_eq!((item.scans(), item.bots()), (0, 1));
    assert_eq!(item.dimensions(), &Dimensions::default());
    assert!(item.visitors().is_empty());
}

#[test]
fn free_text_dimensions_keep_their_first_hundred_keys_and_pool_the_rest() {
    let mut events = events(5, 150);
    for (i, event) in events.iter_mut().enumerate() {
        event.bot = false;
        event.city = Some(format!("City {i:03}"));
    }
    let mut item = applied(&events);
    // A kept key still counts after the cap; a pooled one stays pooled.
    let mut again = events[0].clone();
    again.id = scanly_shared::event::EventId::new(NOV_21_2026_MS, [0xaa; 10]);
    item.apply(&again);
    let cities = &item.dimensions().city;
    assert_eq!(cities.len(), MAX_KEYS + 1);
    assert_eq!(cities.get("City 000"), Some(&2));
    assert_eq!(cities.get("City 099"), Some(&1));
    assert_eq!(cities.get("City 100"), None);
    assert_eq!(cities.get(OTHER), Some(&50));
    assert_eq!(cities.values().sum::<u64>(), item.scans());
}

#[test]
fn long_keys_are_pooled_once_the_byte_budget_is_spent() {
    let mut events = events(6, 60);
    for (i, event) in events.iter_mut().enumerate() {
        event.bot = false;
        // 100 characters of 4 bytes: 25 fit the 10,000-byte budget.
        event.region = Some(format!("{i:02}{}", "𝔅".repeat(98)));
    }
    let item = applied(&events);
    let regions = &item.dimensions().region;
    let named: Vec<&String> = regions.keys().filter(|k| k.as_str() != OTHER).collect();
    assert_eq!(named.len(), 25);
    assert!(named.iter().map(|k| k.len()).sum::<usize>() <= MAX_KEY_BYTES);
    assert_eq!(regions.get(OTHER), Some(&35));
}

/// Events `0..n` of one link and hour with distinct visitors.
fn many_events(n: usize) -> Vec<ScanEvent> {
    let template = events(7, 1)[0].clone();
    (0..n as u64)
        .map(|i| fixtures::rescan(&template, i, i, NOV_21_2026_MS))
        .collect()
}

#[test]
fn past_the_cap_events_count_without_being_remembered() {
    let events = many_events(MAX_REMEMBERED + 10);
    let item = applied(&events);
    assert_eq!(item.remembered(), MAX_REMEMBERED);
    assert_eq!(item.unremembered(), 10);
    assert_eq!(item.scans(), (MAX_REMEMBERED + 10) as u64);
    // Remembered ids are still refused, through a round trip too…
    let mut item = LinkHour::from_bytes(&item.to_bytes()).unwrap();
    assert_eq!(item.apply(&events[0]), Applied::Duplicate);
    // …but a redelivery of an unremembered one counts again: the
    // documented limit of the cap.
    let unremembered = &events[MAX_REMEMBERED];
    assert_eq!(
        item.apply(unremembered),
        Applied::Counted,
        "the documented limit"
    );
}

#[test]
fn a_workspace_hour_copies_link_totals_and_never_lowers_them() {
    let (a, b) = (fixtures::link(1), fixtures::link(2));
    let mut hour = WorkspaceHour::new();
    assert!(hour.set_link(&a, 5));
    assert!(!hour.set_link(&a, 5), "the same copy again");
    assert!(!hour.set_link(&a, 3), "an older copy");
    assert!(hour.set_link(&a, 7));
    assert!(!hour.set_link(&b, 0), "only bots: nothing to show");
    assert!(hour.set_link(&b, 2));
    assert_eq!(hour.total(), 9);
    assert_eq!(hour.links().get(a.as_str()), Some(&7));
    assert_eq!(WorkspaceHour::from_bytes(&hour.to_bytes()).unwrap(), hour);

    let mut forged = codec::Writer::with_capacity(0);
    forged.map(&[("not a link id!".to_owned(), 1)].into());
    assert!(matches!(
        WorkspaceHour::from_bytes(&forged.finish()),
        Err(RollupError::BadLinkId(_))
    ));
    assert_eq!(
        WorkspaceHour::from_bytes(&[9]),
        Err(RollupError::UnsupportedVersion(9))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Exactly once: any order, any duplicates, any split into batches with
    /// the item stored and read back between them, gives the bytes of the
    /// distinct events applied once.
    #[test]
    fn deliveries_in_any_order_with_duplicates_and_batches_count_each_event_once(
        seed in any::<u64>(),
        n in 0usize..150,
        duplicates in 0usize..100,
        batches in 1usize..8,
    ) {
        let distinct = events(seed, n);
        let once = applied(&distinct);
        prop_assert_eq!(once.scans() + once.bots(), n as u64);
        prop_assert_eq!(once.remembered(), n);

        let mut rng = SplitMix(seed ^ 0x5eed);
        let mut deliveries: Vec<&ScanEvent> = distinct.iter().collect();
        for _ in 0..duplicates.min(n * 3) {
            deliveries.push(&distinct[rng.below(n as u64) as usize]);
        }
        for i in (1..deliveries.len()).rev() {
            deliveries.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut stored = LinkHour::new().to_bytes();
        let per_batch = deliveries.len().div_ceil(batches).max(1);
        for batch in deliveries.chunks(per_batch) {
            let mut item = LinkHour::from_bytes(&stored).unwrap();
            for event in batch {
                item.apply(event);
            }
            stored = item.to_bytes();
        }
        prop_assert_eq!(stored, once.to_bytes());
    }

    #[test]
    fn set_link_keeps_the_largest_copy_in_any_order(
        copies in prop::collection::vec((0u64..4, 0u64..1000), 0..40),
    ) {
        let mut hour = WorkspaceHour::new();
        for &(link, scans) in &copies {
            let before = hour.clone();
            let changed = hour.set_link(&fixtures::link(link), scans);
            prop_assert_eq!(changed, before != hour);
        }
        for link in 0..4 {
            let largest = copies.iter().filter(|c| c.0 == link).map(|c| c.1).max().unwrap_or(0);
            let stored = hour.links().get(fixtures::link(link).as_str()).copied().unwrap_or(0);
            prop_assert_eq!(stored, largest);
        }
    }
}

mod encoding;
