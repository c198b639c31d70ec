//! The edge record's wire format: versioned, compact, and safe to decode.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use proptest::prelude::*;
use scanly_shared::LinkRecord;
use scanly_shared::password::{LinkPassword, PasswordVerifier};
use scanly_shared::record::{RECORD_FORMAT_VERSION, RecordError};
use scanly_shared::utm::Utm;
use support::*;

fn full_record() -> LinkRecord {
    let mut record = redirect_to("https://shop.test/spring?ref=print");
    record.utm = Utm {
        source: Some("flyer".into()),
        campaign: Some("spring".into()),
        ..Utm::default()
    };
    record.rules = vec![
        rule(
            when_json(r#"{"country":["US","CA"],"device":["mobile"]}"#),
            "https://shop.test/na",
        ),
        rule(
            when_json(
                r#"{"time":{"days":["sat","sun"],"start":"09:00","end":"17:00","timezone":"+02:00"}}"#,
            ),
            "https://shop.test/weekend",
        ),
        rule(
            when_json(r#"{"language":["fr"],"query":{"param":"src","value":"x"}}"#),
            "https://shop.test/fr",
        ),
    ];
    record.variants = vec![
        variant("https://shop.test/a", 50),
        variant("https://shop.test/b", 50),
    ];
    record.expires_at = Some(FRIDAY_NOON_UTC_MS);
    record.max_scans = Some(500);
    record.password = Some(PasswordVerifier::new(
        &LinkPassword::parse("letmein").unwrap(),
        [3; 16],
        1000,
    ));
    record.version = 42;
    record
}

#[test]
fn records_round_trip_through_the_wire_format() {
    for record in [
        full_record(),
        redirect_to("https://a.test/"),
        page_titled("Corner shop"),
    ] {
        let bytes = record.encode();
        assert_eq!(bytes[0], RECORD_FORMAT_VERSION);
        assert_eq!(LinkRecord::decode(&bytes).unwrap(), record);
    }
}

#[test]
fn the_format_is_compact() {
    // A plain redirect costs its strings plus ~20 bytes of structure; even a
    // record with rules, variants, UTM and a password stays far below JSON.
    let plain = redirect_to("https://shop.test/menu");
    let strings = ["lnk_test", "ws_test", "menu", "https://shop.test/menu"]
        .map(str::len)
        .iter()
        .sum::<usize>();
    assert!(
        plain.encode().len() <= strings + 24,
        "plain redirect is {} bytes",
        plain.encode().len()
    );
    let full = full_record();
    let json = serde_json::to_vec(&full).unwrap();
    assert!(
        full.encode().len() * 2 < json.len(),
        "{} bytes vs {} as JSON",
        full.encode().len(),
        json.len()
    );
}

#[test]
fn unknown_versions_and_damaged_bytes_are_errors_not_panics() {
    assert_eq!(LinkRecord::decode(&[]), Err(RecordError::Empty));
    let mut bytes = full_record().encode();
    bytes[0] = 99;
    assert_eq!(
        LinkRecord::decode(&bytes),
        Err(RecordError::UnsupportedVersion(99))
    );
    let truncated = &full_record().encode()[..20];
    assert!(matches!(
        LinkRecord::decode(truncated),
        Err(RecordError::Corrupt(_))
    ));
}

#[test]
fn validation_checks_the_record_as_a_whole() {
    assert!(full_record().validate().is_ok());
    let mut record = redirect_to("https://shop.test/");
    record.destination = None;
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "destination: a redirect link needs a destination"
    );
    let mut record = page_titled("x");
    record.variants = vec![variant("https://a.test/", 1), variant("https://b.test/", 1)];
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "variants: A/B variants apply to redirect links only"
    );
    let mut record = redirect_to("https://shop.test/");
    record.max_scans = Some(0);
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "max_scans: must be at least 1"
    );
    record.max_scans = None;
    record.variants = vec![variant("https://a.test/", 1)];
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "variants: an A/B split needs at least two variants"
    );
    record.variants = vec![variant("https://a.test/", 0), variant("https://b.test/", 1)];
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "variants[0].weight: must be 1 to 10000"
    );
    record.variants.clear();
    record.rules = vec![rule(when_json("{}"), "https://a.test/")];
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "rules[0].when: a rule needs at least one condition"
    );
    record.rules = vec![rule(when_json(r#"{"country":[]}"#), "https://a.test/")];
    assert_eq!(
        record.validate().unwrap_err().to_string(),
        "rules[0].when.country: list at least one value, or leave the condition out"
    );
    record.rules = vec![rule(
        when_json(r#"{"query":{"param":""}}"#),
        "https://a.test/",
    )];
    assert!(
        record
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("rules[0].when.query:")
    );
}

#[test]
fn rule_json_rejects_unknown_conditions_and_bad_values() {
    let err = serde_json::from_str::<scanly_shared::rules::Conditions>(r#"{"planet":["mars"]}"#)
        .unwrap_err();
    assert!(err.to_string().contains("unknown field `planet`"), "{err}");
    let err = serde_json::from_str::<scanly_shared::rules::Conditions>(r#"{"country":["USA"]}"#)
        .unwrap_err();
    assert!(err.to_string().contains("not an ISO 3166-1"), "{err}");
    let err = serde_json::from_str::<scanly_shared::rules::Conditions>(r#"{"device":["phone"]}"#)
        .unwrap_err();
    assert!(err.to_string().contains("unknown variant `phone`"), "{err}");
    let err = serde_json::from_str::<scanly_shared::rules::Rule>(
        r#"{"when":{"os":["ios"]},"destination":"javascript:alert(1)"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("only http and https"), "{err}");
}

proptest! {
    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = LinkRecord::decode(&bytes);
    }

    #[test]
    fn decoding_damaged_records_never_panics(flip_at in 1usize..200, flip: u8) {
        let mut bytes = full_record().encode();
        let at = flip_at % bytes.len();
        bytes[at] ^= flip;
        let _ = LinkRecord::decode(&bytes);
    }

    #[test]
    fn any_valid_redirect_round_trips(path in "[a-z0-9/]{0,40}", version: u64, expires: Option<i64>, max: Option<u64>) {
        let mut record = redirect_to(&format!("https://shop.test/{path}"));
        record.version = version;
        record.expires_at = expires;
        record.max_scans = max;
        prop_assert_eq!(LinkRecord::decode(&record.encode()).unwrap(), record);
    }
}
