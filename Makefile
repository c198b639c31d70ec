# Scanly — one entry point for people and CI. `make help` lists targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
SHARED := scanly-shared

.PHONY: api help test fmt fmt-check lint unit wasm edge edge-tools edge-dry-run aws-tools infra-lint lambda bench bench-edge bench-qr bench-rollup dev seed setup

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install the toolchain pieces the build needs (idempotent)
	@rustup component add rustfmt clippy >/dev/null
	@rustup target add wasm32-unknown-unknown >/dev/null

test: setup fmt-check lint edge aws-tools unit wasm edge-dry-run infra-lint lambda ## Everything CI checks: format, lints, tests (the Worker in workerd, the stores against DynamoDB Local and moto), template lint, the Lambda bundle (sam build)

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
	rm -rf target/edge-dry-run
	eval "$$(bash scripts/edge-tools.sh)" && wrangler deploy --dry-run --env production --outdir target/edge-dry-run
	@dir=target/edge-dry-run; \
	kib() { awk -v b="$$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }; \
	if [ ! -d "$$dir" ]; then echo "edge bundle: $$dir missing, nothing to measure"; exit 0; fi; \
	files=$$(find "$$dir" -type f | wc -l | tr -d ' '); \
	total=$$(find "$$dir" -type f -exec cat {} + | wc -c | tr -d ' '); \
	wasm=$$(find "$$dir" -type f -name '*.wasm' -print -quit); \
	if [ -n "$$wasm" ]; then \
	  raw=$$(wc -c <"$$wasm" | tr -d ' '); gz=$$(gzip -9 -c "$$wasm" | wc -c | tr -d ' '); \
	  wasm_size="$${wasm##*/} $$raw bytes ($$(kib "$$raw")), gzip -9 $$gz bytes ($$(kib "$$gz"))"; \
	else wasm_size="no wasm found"; fi; \
	echo "edge bundle: $$files files, $$total bytes ($$(kib "$$total")) in $$dir; $$wasm_size"

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

bench-rollup: setup ## The analytics rollup: events/s of Rollup::process, stats writes per scan (memory store and DynamoDB Local)
	bash tests/bench/rollup.sh

api: ## Run the management API locally on :8788 (embedded store)
	bash scripts/api-local.sh

dev: setup ## The whole platform locally: the Worker in workerd on :8787, the control plane on :8788 (data in .scanly/)
	bash scripts/dev.sh

seed: ## Add a demo account with a few links and a page to the running `make dev`
	bash scripts/seed.sh
