#!/usr/bin/env bash
# The analytics rollup benchmark (`make bench-rollup`): runs
# functions/rollup/examples/rollup_bench.rs (release build) on the
# 100,000-scan / 1,000-link Zipf workload of functions/rollup/tests/pipeline.rs
# and prints a Markdown report, also saved to target/bench/rollup.md:
#
#   1. throughput of `Rollup::process` on the memory store (one process, a
#      tokio runtime with 2 worker threads), median of SCANLY_BENCH_RUNS (5)
#      runs after one warm-up;
#   2. stats writes per scan and DynamoDB write units (billed by item size)
#      for invocations of 200 … 71,000 events, cut from the messages as the
#      SQS event source (functions/rollup/src/source.rs) gathers them, with
#      the events in the generator's order and in time order;
#   3. the same writes through `DynamoStore` against DynamoDB Local, started
#      with scripts/dynamodb-local.sh (the toolchain from scripts/aws-tools.sh)
#      unless AWS_ENDPOINT_URL_DYNAMODB names a running one. If it cannot be
#      started, the report says so and still holds the memory figures.
#
# Knobs: SCANLY_BENCH_RUNS (5); SCANLY_BENCH_DYNAMODB (auto | off | an
# endpoint URL); SCANLY_BENCH_DYNAMODB_ROWS (all | template: the template's
# row only, ~2 minutes less). A full run takes ~9 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${SCANLY_BENCH_RUNS:-5}
dynamodb=${SCANLY_BENCH_DYNAMODB:-auto}
dynamodb_rows=${SCANLY_BENCH_DYNAMODB_ROWS:-all}
say() { echo "bench/rollup: $*" >&2; }

# Java and DynamoDB Local for part 3: scripts/aws-tools.sh installs them
# (cached) and prints their paths; without them, part 3 is skipped.
if [[ $dynamodb == auto && -z ${AWS_ENDPOINT_URL_DYNAMODB:-} ]]; then
  if tools=$(bash scripts/aws-tools.sh); then
    eval "$tools"
  else
    say "scripts/aws-tools.sh failed (messages above): DynamoDB Local will not start; the memory store is measured anyway"
  fi
fi

say "building the benchmark (release)"
cargo build -q --release --locked -p scanly-rollup --example rollup_bench

mkdir -p target/bench
report=target/bench/rollup.md
{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(rustc --version), $(date -u +%F)"
  echo
  target/release/examples/rollup_bench --runs "$runs" --dynamodb "$dynamodb" --dynamodb-rows "$dynamodb_rows"
} | tee "$report.partial"
mv "$report.partial" "$report"
if [[ $dynamodb == off ]] || grep -q 'DynamoDB Local could not be started\|DynamoDB Local failed' "$report"; then
  say "DynamoDB Local was not used: the report has the memory store only"
fi
say "report saved to $report"
