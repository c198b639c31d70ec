# Scanly — one entry point for people and CI. `make help` lists targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
SHARED := scanly-shared

.PHONY: api help test fmt fmt-check lint unit wasm edge edge-tools edge-dry-run aws-tools infra-lint lambda bench bench-edge bench-qr dev setup

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install the toolchain pieces the build needs (idempotent)
	@rustup component add rustfmt clippy >/dev/null
	@rustup target add wasm32-unknown-unknown >/dev/null

test: setup fmt-check lint edge aws-tools unit wasm edge-dry-run infra-lint ## Everything CI checks: format, lints, tests (the Worker in workerd, the store against DynamoDB Local), template lint

fmt: ## Format the code
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) clippy -p scanly-edge --target wasm32-unknown-unknown --locked -- -D warnings

edge-tools: ## Install the pinned edge toolchain (Node 22, wrangler, miniflare, worker-build, wasm-bindgen)
	bash scripts/edge-tools.sh >/dev/null

edge: setup edge-tools ## Build the edge Worker (edge-worker/build/)
	bash scripts/build-edge.sh

aws-tools: ## Install the pinned AWS toolchain (cargo-lambda+zig, SAM CLI, cfn-lint, moto, DynamoDB Local)
	bash scripts/aws-tools.sh >/dev/null

infra-lint: aws-tools ## cfn-lint and sam validate --lint on template.yaml (offline, no credentials)
	eval "$$(bash scripts/aws-tools.sh)" && AWS_DEFAULT_REGION=us-east-1 cfn-lint template.yaml && AWS_DEFAULT_REGION=us-east-1 sam validate --lint

lambda: setup aws-tools ## Build the Lambda bundle for arm64 as `sam deploy` uses it (target/sam)
	eval "$$(bash scripts/aws-tools.sh)" && AWS_DEFAULT_REGION=us-east-1 sam build --build-dir target/sam

edge-dry-run: edge ## What `wrangler deploy` would upload, without uploading
	eval "$$(bash scripts/edge-tools.sh)" && wrangler deploy --dry-run --env production --outdir target/edge-dry-run

unit: ## Unit, property and integration tests (the edge tests need `make edge`, the store contract DynamoDB Local from `make aws-tools`)
	SCANLY_REQUIRE_DYNAMODB=1 SCANLY_REQUIRE_S3=1 SCANLY_REQUIRE_SQS=1 $(CARGO) test --workspace --locked

wasm: ## The domain core must build for the edge
	$(CARGO) build -p $(SHARED) --target wasm32-unknown-unknown --release --locked

bench: setup ## Criterion benchmarks of the domain core, summarised for BENCHMARKS.md
	bash tests/bench/shared.sh

bench-edge: setup edge-tools ## The Worker vs a minimal JS Worker under wrk, in workerd
	bash tests/bench/edge.sh

bench-qr: setup edge-tools ## QR renderers side by side (ours, qrcode crate, fast_qr, npm qrcode, segno), every output decoded
	bash tests/bench/qr.sh

api: ## Run the management API locally on :8788 (embedded store)
	bash scripts/api-local.sh

dev: setup ## Run what exists locally (the full platform arrives with the local-platform issue)
	bash scripts/dev.sh
