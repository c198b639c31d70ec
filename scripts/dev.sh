#!/usr/bin/env bash
# `make dev` until the local-platform issue lands: builds the domain core for
# both targets and serves a live preview of the microsite renderer, so the
# one part a person can look at today is one command away.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${SCANLY_PREVIEW_PORT:-8787}"
out=target/preview
mkdir -p "$out"
echo "==> building the domain core (native and wasm32)"
cargo build -q -p scanly-shared --target wasm32-unknown-unknown --release
echo "==> rendering the demo pages"
cargo run -q -p scanly-shared --example preview -- "$out"
echo "==> serving $out on http://127.0.0.1:$port/ (Ctrl-C stops it)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out"
