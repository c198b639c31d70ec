//! Baselines for the hot paths of a scan: decode the record, classify the
//! User-Agent, resolve, render. `make bench` runs these and prints the table
//! that goes into BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::language::parse_accept_language;
use scanly_shared::page::{Page, render_page};
use scanly_shared::password::{DEFAULT_ITERATIONS, LinkPassword, PasswordVerifier};
use scanly_shared::rules::{Conditions, Rule, Variant};
use scanly_shared::ua::{DeviceType, Os, classify};
use scanly_shared::utm::Utm;
use scanly_shared::{CountryCode, Destination, LinkRecord, ScanContext, ShortCode, resolve};

const PAGE_JSON: &str = include_str!("fixtures/page_12_blocks.json");
const NOW_MS: i64 = 1_795_176_000_000;

fn url(s: &str) -> Destination {
    Destination::parse(s).unwrap()
}

fn when(json: &str) -> Conditions {
    serde_json::from_str(json).unwrap()
}

/// 10 rules of every kind, none of which matches the benchmark scan, so
/// `resolve` walks them all before the 3-way split: the worst case.
fn record_with_10_rules_and_3_variants() -> LinkRecord {
    let mut record = LinkRecord::redirect(
        LinkId::parse("lnk_bench").unwrap(),
        WorkspaceId::parse("ws_bench").unwrap(),
        ShortCode::parse("bench").unwrap(),
        url("https://shop.example/default?ref=qr"),
    );
    let conditions = [
        r#"{"country":["US","CA","MX"]}"#,
        r#"{"country":["GB"],"device":["mobile"]}"#,
        r#"{"device":["tablet"]}"#,
        r#"{"os":["android"]}"#,
        r#"{"os":["windows","linux"]}"#,
        r#"{"language":["es","pt"]}"#,
        r#"{"language":["ja"],"country":["JP"]}"#,
        r#"{"time":{"days":["sat","sun"],"start":"09:00","end":"17:00","timezone":"Europe/Paris"}}"#,
        r#"{"time":{"start":"22:00","end":"02:00","timezone":"America/New_York"}}"#,
        r#"{"query":{"param":"src","value":"poster"}}"#,
    ];
    record.rules = conditions
        .iter()
        .enumerate()
        .map(|(i, c)| Rule {
            when: when(c),
            destination: url(&format!("https://shop.example/rule/{i}")),
        })
        .collect();
    record.variants = (0..3)
        .map(|i| Variant {
            destination: url(&format!("https://shop.example/v{i}")),
            weight: 1 + i,
        })
        .collect();
    record.utm = Utm {
        source: Some("qr".into()),
        campaign: Some("spring".into()),
        ..Utm::default()
    };
    record
}

fn scan() -> ScanContext {
    let mut scan = ScanContext::at(NOW_MS);
    scan.country = Some(CountryCode::parse("DE").unwrap());
    scan.device = DeviceType::Mobile;
    scan.os = Os::Ios;
    scan.languages = parse_accept_language("de-DE,de;q=0.9,en;q=0.8");
    scan.seed = 0x5eed;
    scan
}

const USER_AGENTS: [&str; 4] = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
];

fn benches(c: &mut Criterion) {
    let record = record_with_10_rules_and_3_variants();
    record.validate().unwrap();
    let scan = scan();
    c.bench_function("resolve/10_rules_3_variants", |b| {
        b.iter(|| resolve(black_box(&record), black_box(&scan)))
    });

    let page = Page::from_json(PAGE_JSON).unwrap();
    c.bench_function("render_page/12_blocks", |b| {
        b.iter(|| render_page(black_box(&page)))
    });

    let encoded_rules = record.encode();
    c.bench_function("record_decode/10_rules_3_variants", |b| {
        b.iter(|| LinkRecord::decode(black_box(&encoded_rules)).unwrap())
    });
    let plain = LinkRecord::redirect(
        LinkId::parse("lnk_plain").unwrap(),
        WorkspaceId::parse("ws_bench").unwrap(),
        ShortCode::parse("menu").unwrap(),
        url("https://shop.example/menu"),
    )
    .encode();
    c.bench_function("record_decode/plain_redirect", |b| {
        b.iter(|| LinkRecord::decode(black_box(&plain)).unwrap())
    });
    let page_record = LinkRecord::page(
        LinkId::parse("lnk_page").unwrap(),
        WorkspaceId::parse("ws_bench").unwrap(),
        ShortCode::parse("rosas").unwrap(),
        page.clone(),
    )
    .encode();
    c.bench_function("record_decode/page_12_blocks", |b| {
        b.iter(|| LinkRecord::decode(black_box(&page_record)).unwrap())
    });

    let verifier = PasswordVerifier::new(
        &LinkPassword::parse("open sesame").unwrap(),
        [7; 16],
        DEFAULT_ITERATIONS,
    );
    c.bench_function("password_verify/pbkdf2_default_iterations", |b| {
        b.iter(|| verifier.verify(black_box("open sesame")))
    });

    c.bench_function("ua_classify/4_real_agents", |b| {
        b.iter(|| USER_AGENTS.map(|ua| classify(black_box(ua))))
    });
}

criterion_group!(core, benches);
criterion_main!(core);
