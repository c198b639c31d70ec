#!/usr/bin/env bash
# QR rendering, side by side (`make bench-qr`): single-thread renders per
# second on the same 20 URLs (tests/bench/qr/urls.txt: 15 short links, 5 of
# ~200 characters), EC M, quiet zone 4, 512 px PNG and SVG, for
#
#   scanly         our renderer (functions/qr), plain;
#   scanly-styled  ours with a logo, rounded modules and a framed caption;
#   qrcode-rs      the `qrcode` crate's stock image/SVG renderers;
#   fast_qr        the `fast_qr` crate (SVG builder; PNG = its SVG through resvg);
#   npm-qrcode     the npm `qrcode` package on Node 22;
#   segno          Python's `segno`.
#
# Every implementation writes one output per URL, and every output is then
# decoded back with rqrr (functions/qr/examples/decode_dir.rs) and compared
# with its URL; the run fails if one does not match. The Node and Python
# packages are pinned (qrcode's own dependencies follow its ranges) and
# installed under $SCANLY_TOOLS (~/.cache/scanly-tools) the first time. Knobs: SCANLY_BENCH_SECONDS (3 per measurement), SCANLY_BENCH_WARMUP
# (1). Prints a Markdown table, also saved to target/bench/qr.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

seconds=${SCANLY_BENCH_SECONDS:-3}
warmup=${SCANLY_BENCH_WARMUP:-1}
urls=tests/bench/qr/urls.txt
out=target/bench/qr/out
results=target/bench/qr/results.txt
cache=${SCANLY_TOOLS:-$HOME/.cache/scanly-tools}
SEGNO_VERSION=1.6.6
log() { echo "bench/qr: $*" >&2; }

rm -rf "$out" && mkdir -p "$out" && : > "$results"

eval "$(bash scripts/edge-tools.sh)"   # Node 22 on PATH
node_dir=$cache/npm-qrcode-$(sha256sum tests/bench/qr/package.json | cut -c1-12)
# A stamp written last marks a finished install, so an interrupted one is
# redone rather than trusted.
if [[ ! -f $node_dir/.scanly-installed ]]; then
  log "installing npm qrcode into $node_dir"
  rm -rf "$node_dir" && mkdir -p "$node_dir" && cp tests/bench/qr/package.json "$node_dir/"
  (cd "$node_dir" && npm install --no-audit --no-fund --silent >&2) && touch "$node_dir/.scanly-installed"
fi
py_dir=$cache/py-segno-$SEGNO_VERSION
if [[ ! -f $py_dir/.scanly-installed ]]; then
  log "installing segno $SEGNO_VERSION into $py_dir"
  rm -rf "$py_dir" && python3 -m venv "$py_dir" \
    && "$py_dir/bin/pip" install -q "segno==$SEGNO_VERSION" >&2 && touch "$py_dir/.scanly-installed"
fi

log "building the Rust side (release)"
cargo build -q --release -p scanly-qr --example compare --example decode_dir
bin=target/release/examples

log "rust: scanly, scanly-styled, qrcode-rs, fast_qr"
"$bin/compare" --urls "$urls" --out "$out" --seconds "$seconds" --warmup "$warmup" | grep '^RESULT' >> "$results"
log "node: npm qrcode"
# ES modules resolve packages next to the script: run it from the install.
cp tests/bench/qr/node-qrcode.mjs "$node_dir/"
(cd "$node_dir" && node node-qrcode.mjs "$root/$urls" "$root/$out" "$seconds" "$warmup") >> "$results"
log "python: segno"
"$py_dir/bin/python" tests/bench/qr/segno_bench.py "$urls" "$out" "$seconds" "$warmup" >> "$results"

log "decoding every output"
decoded=target/bench/qr/decoded.txt
status=0
"$bin/decode_dir" "$urls" "$out" > "$decoded" || status=$?

python3 - "$results" "$decoded" <<'PY' | tee target/bench/qr.md
import sys
rates, decoded = {}, {}
for line in open(sys.argv[1]):
    _, impl, fmt, rate, *_ = line.split()
    rates[(impl, fmt)] = float(rate)
for line in open(sys.argv[2]):
    if line.startswith("DECODE"):
        _, impl, fmt, ok, files, urls = line.split()
        decoded[(impl, fmt)] = f"{ok}/{urls}"
impls = ["scanly", "scanly-styled", "qrcode-rs", "fast_qr", "npm-qrcode", "segno"]
print("| implementation | PNG renders/s | SVG renders/s | decoded PNG | decoded SVG |")
print("|---|---:|---:|---:|---:|")
for impl in impls:
    cell = lambda f: f"{rates[(impl, f)]:,.0f}" if (impl, f) in rates else "–"
    dec = lambda f: decoded.get((impl, f), "–")
    print(f"| {impl} | {cell('png')} | {cell('svg')} | {dec('png')} | {dec('svg')} |")
r = lambda i, f: rates.get((i, f), 0.0)
print()
print(f"- plain 512 px PNG: {r('scanly','png'):,.0f}/s = {r('scanly','png') / max(r('qrcode-rs','png'), 1):.1f}× the qrcode crate's stock path (target ≥ 2× and ≥ 2,000/s)")
print(f"- styled (logo + rounded modules + frame) PNG: {r('scanly-styled','png'):,.0f}/s (target ≥ 1,000/s)")
print(f"- SVG: {r('scanly','svg'):,.0f}/s vs fast_qr {r('fast_qr','svg'):,.0f}/s = {r('scanly','svg') / max(r('fast_qr','svg'), 1):.1f}× (target ≥ 1×)")
PY
if ((status != 0)); then
  log "some outputs did not decode (see $decoded and the messages above)"
  exit "$status"
fi
