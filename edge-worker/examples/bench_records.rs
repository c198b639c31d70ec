//! Records for the edge benchmark (`tests/bench/edge.sh`): N realistic
//! "full rule engine" redirect links, one JSON line each on stdout:
//!
//! ```text
//! {"key":"link:scanly.test/<code>","value_hex":"01…","code":"<code>","destination":"https://…"}
//! ```
//!
//! `value_hex` is `LinkRecord::encode()` (hex, since `base64` is not a
//! dependency of this crate); `destination` is the link's plain default
//! destination, which the JavaScript baseline Worker stores as its value.
//!
//! Every record has UTM parameters, three rules (country, device, language)
//! and a two-way A/B split. Against the benchmark's visitor (Germany, an
//! iPhone, `de-DE` first) the records come in four equal groups, so the
//! measured path walks the rule engine to different depths:
//! `i % 4 == 0` matches rule 0 (country), `1` rule 1 (device),
//! `2` rule 2 (language), `3` falls through all three to the A/B split.
//!
//! Deterministic (fixed seed): the same N gives the same codes on every run.
//!
//! ```text
//! cargo run -q --release -p scanly-edge --example bench_records -- 1000
//! ```
#![allow(clippy::print_stdout)]

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use scanly_shared::ids::{LinkId, WorkspaceId};
use scanly_shared::rules::{Conditions, Rule, Variant};
use scanly_shared::utm::Utm;
use scanly_shared::{Destination, LinkRecord, ShortCode};

/// The shared namespace that 127.0.0.1 and localhost read in the harness
/// (`SCANLY_DEFAULT_HOSTS="scanly.test,localhost,127.0.0.1"`).
const NAMESPACE: &str = "scanly.test";
const DEFAULT_COUNT: usize = 1000;

/// xorshift64*: good enough for codes, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            for (b, r) in chunk.iter_mut().zip(bytes) {
                *b = r;
            }
        }
    }
}

fn when(json: &str) -> Result<Conditions, String> {
    serde_json::from_str(json).map_err(|e| format!("conditions {json}: {e}"))
}

fn url(s: &str) -> Result<Destination, String> {
    Destination::parse(s).map_err(|e| format!("destination {s}: {e}"))
}

fn record(i: usize, code: ShortCode) -> Result<LinkRecord, String> {
    let shop = format!("https://shop{}.example.com", i % 37);
    let link_id = LinkId::parse(&format!("lnk_bench_{i:06}")).map_err(|e| e.to_string())?;
    let workspace_id =
        WorkspaceId::parse(&format!("ws_bench_{:03}", i % 50)).map_err(|e| e.to_string())?;
    let mut record = LinkRecord::redirect(
        link_id,
        workspace_id,
        code,
        url(&format!("{shop}/products/{i}?ref=qr"))?,
    );
    record.utm = Utm {
        source: Some("qr".into()),
        medium: Some("print".into()),
        campaign: Some(format!("spring-sale-{}", i % 12)),
        ..Utm::default()
    };
    let group = i % 4;
    let country = if group == 0 {
        r#"{"country":["DE","AT","CH"]}"#
    } else {
        r#"{"country":["US","CA","MX"]}"#
    };
    let device = if group == 1 {
        r#"{"device":["mobile"]}"#
    } else {
        r#"{"device":["tablet"]}"#
    };
    let language = if group == 2 {
        r#"{"language":["de"]}"#
    } else {
        r#"{"language":["fr","es","it"]}"#
    };
    record.rules = vec![
        Rule {
            when: when(country)?,
            destination: url(&format!("{shop}/region/{i}"))?,
        },
        Rule {
            when: when(device)?,
            destination: url(&format!("{shop}/app/{i}"))?,
        },
        Rule {
            when: when(language)?,
            destination: url(&format!("{shop}/lang/{i}"))?,
        },
    ];
    record.variants = vec![
        Variant {
            destination: url(&format!("{shop}/products/{i}?layout=a"))?,
            weight: 50,
        },
        Variant {
            destination: url(&format!("{shop}/products/{i}?layout=b"))?,
            weight: 50,
        },
    ];
    record.validate().map_err(|e| e.to_string())?;
    Ok(record)
}

fn run(count: usize) -> Result<(), String> {
    let mut rng = Rng(0x5CA7_1E5E_ED00_0001);
    let mut seen = std::collections::HashSet::with_capacity(count);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut i = 0;
    while i < count {
        let code = ShortCode::generate(|buf| rng.fill(buf));
        if !seen.insert(code.as_str().to_owned()) {
            continue;
        }
        let record = record(i, code.clone())?;
        let destination = record
            .destination
            .as_ref()
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default();
        let line = serde_json::json!({
            "key": format!("link:{NAMESPACE}/{}", code.as_str()),
            "value_hex": hex::encode(record.encode()),
            "code": code.as_str(),
            "destination": destination,
        });
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
        i += 1;
    }
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let count = match std::env::args().nth(1) {
        None => DEFAULT_COUNT,
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("usage: bench_records [count > 0]");
                return ExitCode::from(2);
            }
        },
    };
    match run(count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench_records: {error}");
            ExitCode::FAILURE
        }
    }
}
