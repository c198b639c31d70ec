#!/usr/bin/env bash
# Builds the edge Worker (Rust → WASM + JS shim) into edge-worker/build/ with
# the pinned toolchain from scripts/edge-tools.sh; wrangler's [build] runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/edge-tools.sh)"
cd edge-worker
exec worker-build --release
