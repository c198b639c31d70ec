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

# SCANLY_STORE=dynamodb: against DynamoDB Local (started here unless
# AWS_ENDPOINT_URL_DYNAMODB points at one), table created on first run.
if [[ "${SCANLY_STORE:-memory}" == dynamodb ]]; then
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"
  export AWS_REGION="${AWS_REGION:-us-east-1}" SCANLY_TABLE="${SCANLY_TABLE:-scanly-local}" SCANLY_CREATE_TABLE=1
  if [[ -z "${AWS_ENDPOINT_URL_DYNAMODB:-}" ]]; then
    coproc DDB { bash scripts/dynamodb-local.sh; }
    read -r AWS_ENDPOINT_URL_DYNAMODB <&"${DDB[0]}"
    export AWS_ENDPOINT_URL_DYNAMODB
    echo "api-local: DynamoDB Local at $AWS_ENDPOINT_URL_DYNAMODB" >&2
  fi
  cargo run -q -p scanly-api --bin scanly-api-local
  exit
fi
exec cargo run -q -p scanly-api --bin scanly-api-local
