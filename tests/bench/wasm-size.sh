#!/usr/bin/env bash
# What each part of the domain core adds to a wasm32 bundle. Builds a
# throwaway cdylib (under target/, never committed) once per feature, each
# exporting one function whose input comes from the host so nothing is
# constant-folded away, and prints raw and gzip sizes against a baseline.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
probe=target/wasm-size-probe
mkdir -p "$probe/src"
cat > "$probe/Cargo.toml" <<TOML
[package]
name = "wasm-size-probe"
version = "0.0.0"
edition = "2024"
publish = false
[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"
[dependencies]
scanly-shared = { path = "$root/shared" }
[features]
baseline = []
ua = []
tz = []
destination = []
decide = []
render = []
[profile.release]
lto = true
codegen-units = 1
opt-level = "s"
strip = true
panic = "abort"
[workspace]
TOML
cat > "$probe/src/lib.rs" <<'RS'
#![allow(unused)]
use scanly_shared::*;
static INPUTS: [&str; 2] = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1",
    "Europe/Paris",
];
fn input(n: u32) -> &'static str { INPUTS.get(n as usize % 2).copied().unwrap_or("") }
#[cfg(feature = "baseline")]
#[unsafe(no_mangle)] pub extern "C" fn probe(n: u32) -> u32 { input(n).len() as u32 }
#[cfg(feature = "ua")]
#[unsafe(no_mangle)] pub extern "C" fn probe(n: u32) -> u32 { ua::classify(input(n)).device as u32 }
#[cfg(feature = "tz")]
#[unsafe(no_mangle)] pub extern "C" fn probe(n: u32) -> u32 {
    tz::Zone::parse(input(n)).map(|z| u32::from(z.local_time(i64::from(n) * 1000).hour)).unwrap_or(0)
}
#[cfg(feature = "destination")]
#[unsafe(no_mangle)] pub extern "C" fn probe(n: u32) -> u32 {
    Destination::parse(input(n)).map(|d| d.as_str().len() as u32).unwrap_or(0)
}
#[cfg(feature = "decide")]
#[unsafe(no_mangle)] pub extern "C" fn probe(n: u32) -> u32 {
    // Record decode + context from raw facts + resolve: the whole redirect path.
    let bytes: Vec<u8> = input(n).bytes().collect();
    let Ok(record) = LinkRecord::decode(&bytes) else { return 0 };
    let facts = context::RequestFacts { now_ms: i64::from(n), user_agent: input(n), accept_language: input(n), query: input(n),
        country: Some(input(n)), region: None, city: None, timezone: Some(input(n)),
        visitor: event::VisitorHash::compute(b"k", 0, input(n), input(n)), unlocked: false };
    match resolve(&record, &ScanContext::from_request(&facts)) { Decision::Redirect { location, .. } => location.len() as u32, _ => 1 }
}
#[cfg(feature = "render")]
#[unsafe(no_mangle)] pub extern "C" fn probe(n: u32) -> u32 {
    page::Page::from_json(input(n)).map(|p| page::render_page(&p).len() as u32).unwrap_or(0)
}
RS
echo "| part | raw bytes | gzip -9 bytes | over baseline (raw) |"
echo "|---|---|---|---|"
base=0
for feature in baseline ua tz destination decide render; do
  cargo build -q --manifest-path "$probe/Cargo.toml" --target wasm32-unknown-unknown --release \
    --no-default-features --features "$feature" --target-dir "$probe/target"
  wasm="$probe/target/wasm32-unknown-unknown/release/wasm_size_probe.wasm"
  raw=$(stat -c %s "$wasm"); gz=$(gzip -9 -c "$wasm" | wc -c)
  [ "$feature" = baseline ] && base=$raw
  echo "| $feature | $raw | $gz | $((raw - base)) |"
done
