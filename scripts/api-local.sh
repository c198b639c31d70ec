#!/usr/bin/env bash
# Runs the management API on http://127.0.0.1:8788 against the embedded
# store, publishing to a local edge (`wrangler dev --env dev` on :8787).
# Dev-only secrets: the edge's .dev.vars must hold the same signing secret.
set -euo pipefail
cd "$(dirname "$0")/.."
export SCANLY_EDGE_BASE_URL="${SCANLY_EDGE_BASE_URL:-http://localhost:8787}"
export SCANLY_EDGE_PUBLISH_URL="${SCANLY_EDGE_PUBLISH_URL:-http://127.0.0.1:8787}"
export SCANLY_SIGNING_SECRET="${SCANLY_SIGNING_SECRET:-local-dev-signing-secret-0123456789abcdef}"
export SCANLY_JWT_SECRET="${SCANLY_JWT_SECRET:-local-dev-jwt-secret-0123456789abcdefghij}"
export SCANLY_SPA_ORIGIN="${SCANLY_SPA_ORIGIN:-http://localhost:5173}"
export SCANLY_API_ADDR="${SCANLY_API_ADDR:-127.0.0.1:8788}"
export RUST_LOG="${RUST_LOG:-info}"
exec cargo run -q -p scanly-api --bin scanly-api-local
