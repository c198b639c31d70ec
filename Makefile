# Scanly — one entry point for people and CI. `make help` lists targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo
SHARED := scanly-shared

.PHONY: help test fmt fmt-check lint unit wasm bench dev setup

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install the toolchain pieces the build needs (idempotent)
	@rustup component add rustfmt clippy >/dev/null
	@rustup target add wasm32-unknown-unknown >/dev/null

test: setup fmt-check lint unit wasm ## Everything CI checks: format, lints, tests, wasm build

fmt: ## Format the code
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) test --workspace --locked

wasm: ## The domain core must build for the edge
	$(CARGO) build -p $(SHARED) --target wasm32-unknown-unknown --release --locked

bench: setup ## Criterion benchmarks of the domain core, summarised for BENCHMARKS.md
	bash tests/bench/shared.sh

dev: setup ## Run what exists locally (the full platform arrives with the local-platform issue)
	bash scripts/dev.sh
