//! `resolve(record, scan)`: every branch of the decision engine.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use proptest::prelude::*;
use scanly_shared::language::parse_accept_language;
use scanly_shared::password::{LinkPassword, PasswordVerifier};
use scanly_shared::record::RedirectStatus;
use scanly_shared::resolve::Route;
use scanly_shared::tz::Zone;
use scanly_shared::ua::{DeviceType, Os};
use scanly_shared::utm::Utm;
use scanly_shared::{CountryCode, Decision, resolve};
use support::*;

fn location<'a>(decision: &'a Decision<'_>) -> &'a str {
    match decision {
        Decision::Redirect { location, .. } => location,
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn a_plain_link_redirects_with_302() {
    let record = redirect_to("https://shop.test/menu");
    assert_eq!(
        resolve(&record, &scan()),
        Decision::Redirect {
            location: "https://shop.test/menu".into(),
            status: 302,
            route: Route::Default
        }
    );
}

#[test]
fn the_owner_can_choose_a_permanent_redirect() {
    let mut record = redirect_to("https://shop.test/");
    record.redirect_status = RedirectStatus::PermanentRedirect;
    assert!(matches!(
        resolve(&record, &scan()),
        Decision::Redirect { status: 308, .. }
    ));
}

#[test]
fn utm_parameters_are_merged_into_every_destination() {
    let mut record = redirect_to("https://shop.test/?utm_source=old&x=1");
    record.utm = Utm {
        source: Some("flyer".into()),
        medium: Some("print".into()),
        ..Utm::default()
    };
    record.rules = vec![rule(
        when_json(r#"{"device":["mobile"]}"#),
        "https://m.shop.test/",
    )];
    assert_eq!(
        location(&resolve(&record, &scan())),
        "https://shop.test/?x=1&utm_source=flyer&utm_medium=print"
    );
    let phone = scan_on(DeviceType::Mobile);
    assert_eq!(
        location(&resolve(&record, &phone)),
        "https://m.shop.test/?utm_source=flyer&utm_medium=print"
    );
}

#[test]
fn a_link_expires_exactly_at_expires_at() {
    let mut record = redirect_to("https://shop.test/");
    record.expires_at = Some(FRIDAY_NOON_UTC_MS);
    assert_eq!(resolve(&record, &scan()), Decision::Expired);
    let just_before = scanly_shared::ScanContext::at(FRIDAY_NOON_UTC_MS - 1);
    assert!(matches!(
        resolve(&record, &just_before),
        Decision::Redirect { .. }
    ));
}

#[test]
fn a_link_whose_scan_limit_was_reached_is_expired() {
    let mut record = redirect_to("https://shop.test/");
    record.max_scans = Some(100);
    assert!(matches!(
        resolve(&record, &scan()),
        Decision::Redirect { .. }
    ));
    record.scan_limit_reached = true;
    assert_eq!(resolve(&record, &scan()), Decision::Expired);
}

#[test]
fn a_password_guards_the_link_until_unlocked_but_not_an_expired_one() {
    let mut record = redirect_to("https://shop.test/secret");
    record.password = Some(PasswordVerifier::new(
        &LinkPassword::parse("letmein").unwrap(),
        [1; 16],
        10,
    ));
    record.rules = vec![rule(
        when_json(r#"{"device":["desktop"]}"#),
        "https://shop.test/rule",
    )];
    assert_eq!(resolve(&record, &scan()), Decision::PasswordRequired);
    assert_eq!(
        resolve(&record, &scan_on(DeviceType::Desktop)),
        Decision::PasswordRequired,
        "rules must not leak past the password"
    );
    let mut unlocked = scan();
    unlocked.unlocked = true;
    assert_eq!(
        location(&resolve(&record, &unlocked)),
        "https://shop.test/secret"
    );
    record.expires_at = Some(0);
    assert_eq!(resolve(&record, &scan()), Decision::Expired);
}

#[test]
fn a_page_link_renders_its_page() {
    let record = page_titled("Corner Shop");
    match resolve(&record, &scan()) {
        Decision::RenderPage { page, route } => {
            assert_eq!(Some(page), record.page.as_ref());
            assert_eq!(route, Route::Default);
        }
        other => panic!("expected a page, got {other:?}"),
    }
}

#[test]
fn a_record_missing_what_its_kind_needs_is_not_found() {
    let mut record = page_titled("x");
    record.page = None;
    assert_eq!(resolve(&record, &scan()), Decision::NotFound);
    let mut record = redirect_to("https://shop.test/");
    record.destination = None;
    assert_eq!(resolve(&record, &scan()), Decision::NotFound);
}

#[test]
fn rules_can_send_page_visitors_elsewhere() {
    let mut record = page_titled("Menu");
    record.rules = vec![rule(
        when_json(r#"{"country":["DE"]}"#),
        "https://shop.test/de",
    )];
    let mut german = scan();
    german.country = Some(CountryCode::parse("DE").unwrap());
    assert_eq!(location(&resolve(&record, &german)), "https://shop.test/de");
    assert!(matches!(
        resolve(&record, &scan()),
        Decision::RenderPage { .. }
    ));
}

#[test]
fn the_first_matching_rule_wins_and_all_conditions_must_hold() {
    let mut record = redirect_to("https://shop.test/default");
    record.rules = vec![
        rule(
            when_json(r#"{"country":["US","CA"],"device":["mobile"]}"#),
            "https://shop.test/na-mobile",
        ),
        rule(when_json(r#"{"country":["US"]}"#), "https://shop.test/us"),
        rule(
            when_json(r#"{"device":["mobile"]}"#),
            "https://shop.test/mobile",
        ),
    ];
    let visitor = |country: Option<&str>, device| {
        let mut s = scan_on(device);
        s.country = country.map(|c| CountryCode::parse(c).unwrap());
        s
    };
    let cases = [
        (
            Some("CA"),
            DeviceType::Mobile,
            "https://shop.test/na-mobile",
            Route::Rule(0),
        ),
        (
            Some("US"),
            DeviceType::Mobile,
            "https://shop.test/na-mobile",
            Route::Rule(0),
        ),
        (
            Some("US"),
            DeviceType::Desktop,
            "https://shop.test/us",
            Route::Rule(1),
        ),
        (
            Some("FR"),
            DeviceType::Mobile,
            "https://shop.test/mobile",
            Route::Rule(2),
        ),
        (
            None,
            DeviceType::Mobile,
            "https://shop.test/mobile",
            Route::Rule(2),
        ),
        (
            Some("FR"),
            DeviceType::Tablet,
            "https://shop.test/default",
            Route::Default,
        ),
    ];
    for (country, device, expected, expected_route) in cases {
        match resolve(&record, &visitor(country, device)) {
            Decision::Redirect {
                location, route, ..
            } => {
                assert_eq!(
                    (location.as_str(), route),
                    (expected, expected_route),
                    "{country:?} {device:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn os_rules_match_the_visitors_platform() {
    let mut record = redirect_to("https://shop.test/");
    record.rules = vec![
        rule(
            when_json(r#"{"os":["ios"]}"#),
            "https://apps.apple.com/app/id1",
        ),
        rule(
            when_json(r#"{"os":["android"]}"#),
            "https://play.google.com/store/apps/details?id=x",
        ),
    ];
    let on = |os| {
        let mut s = scan();
        s.os = os;
        s
    };
    assert_eq!(
        location(&resolve(&record, &on(Os::Ios))),
        "https://apps.apple.com/app/id1"
    );
    assert_eq!(
        location(&resolve(&record, &on(Os::Android))),
        "https://play.google.com/store/apps/details?id=x"
    );
    assert_eq!(
        location(&resolve(&record, &on(Os::Windows))),
        "https://shop.test/"
    );
}

#[test]
fn language_rules_use_the_most_preferred_language_with_prefix_matching() {
    let mut record = redirect_to("https://shop.test/en");
    record.rules = vec![
        rule(
            when_json(r#"{"language":["en"]}"#),
            "https://shop.test/english",
        ),
        rule(when_json(r#"{"language":["fr"]}"#), "https://shop.test/fr"),
        rule(
            when_json(r#"{"language":["pt-BR"]}"#),
            "https://shop.test/br",
        ),
    ];
    let speaking = |header: &str| {
        let mut s = scan();
        s.languages = parse_accept_language(header);
        s
    };
    assert_eq!(
        location(&resolve(&record, &speaking("fr-CH, fr;q=0.9, en;q=0.8"))),
        "https://shop.test/fr"
    );
    assert_eq!(
        location(&resolve(&record, &speaking("en-GB,en;q=0.9"))),
        "https://shop.test/english"
    );
    assert_eq!(
        location(&resolve(&record, &speaking("pt-BR"))),
        "https://shop.test/br"
    );
    assert_eq!(
        location(&resolve(&record, &speaking("pt-PT"))),
        "https://shop.test/en"
    );
    assert_eq!(
        location(&resolve(&record, &speaking(""))),
        "https://shop.test/en"
    );
}

#[test]
fn query_rules_match_a_parameter_and_optionally_its_value() {
    let mut record = redirect_to("https://shop.test/");
    record.rules = vec![
        rule(
            when_json(r#"{"query":{"param":"src","value":"flyer"}}"#),
            "https://shop.test/flyer",
        ),
        rule(
            when_json(r#"{"query":{"param":"vip"}}"#),
            "https://shop.test/vip",
        ),
    ];
    let with_query = |raw: &str| {
        let mut s = scan();
        s.query = scanly_shared::context::parse_query(raw);
        s
    };
    assert_eq!(
        location(&resolve(&record, &with_query("src=flyer"))),
        "https://shop.test/flyer"
    );
    assert_eq!(
        location(&resolve(&record, &with_query("src=poster"))),
        "https://shop.test/"
    );
    assert_eq!(
        location(&resolve(&record, &with_query("a=1&vip"))),
        "https://shop.test/vip"
    );
    assert_eq!(
        location(&resolve(&record, &with_query("VIP=1"))),
        "https://shop.test/",
        "parameter names are case-sensitive"
    );
}

mod time_windows {
    use super::*;

    fn lunch_record(window: &str) -> scanly_shared::LinkRecord {
        let mut record = redirect_to("https://shop.test/menu");
        record.rules = vec![rule(
            when_json(&format!(r#"{{"time":{window}}}"#)),
            "https://shop.test/lunch",
        )];
        record
    }

    fn at(ms: i64) -> scanly_shared::ScanContext {
        scanly_shared::ScanContext::at(ms)
    }

    const HOUR: i64 = 3_600_000;
    const MINUTE: i64 = 60_000;

    #[test]
    fn a_utc_window_matches_inside_and_not_at_its_end() {
        let record = lunch_record(r#"{"start":"11:30","end":"14:00","timezone":"UTC"}"#);
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS))),
            "https://shop.test/lunch"
        );
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS - 30 * MINUTE))),
            "https://shop.test/lunch"
        );
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS - 31 * MINUTE))),
            "https://shop.test/menu"
        );
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS + 2 * HOUR))),
            "https://shop.test/menu"
        );
    }

    #[test]
    fn a_fixed_offset_shifts_the_window() {
        // 12:00 UTC is 14:00 at +02:00: just outside 11:30–14:00.
        let record = lunch_record(r#"{"start":"11:30","end":"14:00","timezone":"+02:00"}"#);
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS))),
            "https://shop.test/menu"
        );
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS - HOUR))),
            "https://shop.test/lunch"
        );
    }

    #[test]
    fn a_named_zone_follows_daylight_saving_time() {
        let record = lunch_record(r#"{"start":"09:00","end":"10:00","timezone":"Europe/Paris"}"#);
        // November: Paris is UTC+1, so 08:30 UTC is 09:30 there.
        assert_eq!(
            location(&resolve(&record, &at(FRIDAY_NOON_UTC_MS - 210 * MINUTE))),
            "https://shop.test/lunch"
        );
        // 2026-07-17 (a Friday), UTC+2: 07:30 UTC is 09:30, 08:30 UTC is 10:30.
        let july_noon = FRIDAY_NOON_UTC_MS - 126 * 24 * HOUR;
        assert_eq!(
            location(&resolve(&record, &at(july_noon - 270 * MINUTE))),
            "https://shop.test/lunch"
        );
        assert_eq!(
            location(&resolve(&record, &at(july_noon - 210 * MINUTE))),
            "https://shop.test/menu"
        );
    }

    #[test]
    fn days_restrict_the_window() {
        let weekend = lunch_record(
            r#"{"days":["sat","sun"],"start":"00:00","end":"24:00","timezone":"UTC"}"#,
        );
        assert_eq!(
            location(&resolve(&weekend, &at(FRIDAY_NOON_UTC_MS))),
            "https://shop.test/menu"
        );
        assert_eq!(
            location(&resolve(&weekend, &at(FRIDAY_NOON_UTC_MS + 24 * HOUR))),
            "https://shop.test/lunch"
        );
        assert_eq!(
            location(&resolve(&weekend, &at(FRIDAY_NOON_UTC_MS + 72 * HOUR))),
            "https://shop.test/menu"
        );
    }

    #[test]
    fn a_window_past_midnight_belongs_to_the_day_it_starts() {
        // Friday 22:00 – 02:00: Saturday 01:00 matches, Friday 01:00 does not.
        let late =
            lunch_record(r#"{"days":["fri"],"start":"22:00","end":"02:00","timezone":"UTC"}"#);
        let friday_1am = FRIDAY_NOON_UTC_MS - 11 * HOUR;
        assert_eq!(
            location(&resolve(&late, &at(friday_1am))),
            "https://shop.test/menu"
        );
        assert_eq!(
            location(&resolve(&late, &at(FRIDAY_NOON_UTC_MS + 10 * HOUR))),
            "https://shop.test/lunch"
        );
        assert_eq!(
            location(&resolve(&late, &at(FRIDAY_NOON_UTC_MS + 13 * HOUR))),
            "https://shop.test/lunch"
        );
        assert_eq!(
            location(&resolve(&late, &at(FRIDAY_NOON_UTC_MS + 14 * HOUR))),
            "https://shop.test/menu"
        );
    }

    #[test]
    fn without_a_zone_the_visitors_own_time_is_used() {
        let record = lunch_record(r#"{"start":"11:30","end":"14:00"}"#);
        let mut visitor = at(FRIDAY_NOON_UTC_MS);
        assert_eq!(
            location(&resolve(&record, &visitor)),
            "https://shop.test/lunch",
            "unknown zone falls back to UTC"
        );
        visitor.timezone = Some(Zone::parse("+02:00").unwrap());
        assert_eq!(
            location(&resolve(&record, &visitor)),
            "https://shop.test/menu"
        );
    }
}

mod ab_split {
    use super::*;

    fn split(weights: &[u32]) -> scanly_shared::LinkRecord {
        let mut record = redirect_to("https://shop.test/control");
        record.variants = weights
            .iter()
            .enumerate()
            .map(|(i, w)| variant(&format!("https://shop.test/v{i}"), *w))
            .collect();
        record
    }

    fn route_for(record: &scanly_shared::LinkRecord, seed: u64) -> Route {
        let mut s = scan();
        s.seed = seed;
        match resolve(record, &s) {
            Decision::Redirect { route, .. } => route,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn traffic_splits_by_weight() {
        let record = split(&[70, 20, 10]);
        let mut counts = [0u32; 3];
        for seed in 0..20_000u64 {
            match route_for(&record, seed.wrapping_mul(0x9E37_79B9)) {
                Route::Variant(i) => counts[i] += 1,
                other => panic!("{other:?}"),
            }
        }
        let shares: Vec<f64> = counts.iter().map(|c| f64::from(*c) / 20_000.0).collect();
        for (share, expected) in shares.iter().zip([0.7, 0.2, 0.1]) {
            assert!((share - expected).abs() < 0.015, "shares {shares:?}");
        }
    }

    #[test]
    fn a_visitor_stays_on_one_variant_and_the_key_names_it() {
        let record = split(&[1, 1]);
        for seed in [0, 1, 42, u64::MAX] {
            let first = route_for(&record, seed);
            assert!((0..10).all(|_| route_for(&record, seed) == first));
        }
        let mut s = scan();
        s.seed = 7;
        match resolve(&record, &s) {
            Decision::Redirect {
                location, route, ..
            } => {
                let key = route.variant_key().unwrap();
                assert_eq!(
                    location,
                    format!("https://shop.test/v{}", if key == "a" { 0 } else { 1 })
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_matching_rule_takes_precedence_over_the_split() {
        let mut record = split(&[1, 1]);
        record.rules = vec![rule(
            when_json(r#"{"device":["tablet"]}"#),
            "https://shop.test/tablet",
        )];
        assert_eq!(
            location(&resolve(&record, &scan_on(DeviceType::Tablet))),
            "https://shop.test/tablet"
        );
    }
}

fn scan_on(device: DeviceType) -> scanly_shared::ScanContext {
    let mut s = scan();
    s.device = device;
    s
}

proptest! {
    #[test]
    fn resolve_is_total_and_deterministic(
        seed: u64,
        now in 0i64..4_000_000_000_000,
        expires in proptest::option::of(0i64..4_000_000_000_000),
        weights in proptest::collection::vec(1u32..100, 0..5),
        device in prop_oneof![Just(DeviceType::Mobile), Just(DeviceType::Tablet), Just(DeviceType::Desktop), Just(DeviceType::Other)],
        unlocked: bool,
    ) {
        let mut record = redirect_to("https://shop.test/");
        if weights.len() >= 2 {
            record.variants = weights.iter().map(|w| variant("https://shop.test/v", *w)).collect();
        }
        record.expires_at = expires;
        record.rules = vec![rule(when_json(r#"{"device":["mobile"],"time":{"start":"09:00","end":"17:00","timezone":"UTC"}}"#), "https://shop.test/r")];
        let mut s = scanly_shared::ScanContext::at(now);
        s.seed = seed;
        s.device = device;
        s.unlocked = unlocked;
        let decision = resolve(&record, &s);
        prop_assert_eq!(&decision, &resolve(&record, &s));
        match decision {
            Decision::Redirect { location, .. } => prop_assert!(location.starts_with("https://shop.test/")),
            Decision::Expired => prop_assert!(expires.is_some_and(|e| now >= e)),
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}

fn any_device() -> impl Strategy<Value = DeviceType> {
    prop_oneof![
        Just(DeviceType::Mobile),
        Just(DeviceType::Tablet),
        Just(DeviceType::Desktop),
        Just(DeviceType::Other)
    ]
}

fn any_os() -> impl Strategy<Value = Os> {
    prop_oneof![
        Just(Os::Ios),
        Just(Os::Android),
        Just(Os::Windows),
        Just(Os::Macos),
        Just(Os::Linux),
        Just(Os::Other)
    ]
}

proptest! {
    /// Against a reference written the obvious way: the route is the first
    /// rule whose every condition holds, else the default.
    #[test]
    fn the_route_is_always_the_first_rule_that_matches(
        rules in proptest::collection::vec((proptest::option::of(any_device()), proptest::option::of(any_os()), proptest::option::of(0u8..3)), 1..8),
        device in any_device(),
        os in any_os(),
        country in 0u8..3,
    ) {
        let countries = ["US", "DE", "JP"];
        let mut record = redirect_to("https://shop.test/default");
        record.rules = rules
            .iter()
            .filter(|(d, o, c)| d.is_some() || o.is_some() || c.is_some())
            .enumerate()
            .map(|(i, (d, o, c))| {
                let when = scanly_shared::rules::Conditions {
                    device: d.map(|d| vec![d]),
                    os: o.map(|o| vec![o]),
                    country: c.map(|c| vec![CountryCode::parse(countries[usize::from(c)]).unwrap()]),
                    ..Default::default()
                };
                rule(when, &format!("https://shop.test/r{i}"))
            })
            .collect();
        let mut s = scan();
        s.device = device;
        s.os = os;
        s.country = Some(CountryCode::parse(countries[usize::from(country)]).unwrap());
        let expected = record.rules.iter().position(|r| {
            r.when.device.as_ref().is_none_or(|v| v.contains(&device))
                && r.when.os.as_ref().is_none_or(|v| v.contains(&os))
                && r.when.country.as_ref().is_none_or(|v| v.contains(s.country.as_ref().unwrap()))
        });
        let route = match resolve(&record, &s) {
            Decision::Redirect { route, .. } => route,
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(route, expected.map_or(Route::Default, Route::Rule));
    }

    #[test]
    fn a_variant_is_always_picked_when_weights_exist(weights in proptest::collection::vec(1u32..10_000, 1..10), salt: u64, seed: u64) {
        let variants: Vec<_> = weights.iter().map(|w| variant("https://shop.test/v", *w)).collect();
        let picked = scanly_shared::rules::pick_variant(&variants, salt, seed);
        prop_assert!(picked.is_some_and(|i| i < variants.len()));
        prop_assert_eq!(picked, scanly_shared::rules::pick_variant(&variants, salt, seed));
    }
}
