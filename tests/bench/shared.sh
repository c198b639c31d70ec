#!/usr/bin/env bash
# Runs the domain core's criterion benchmarks and prints a Markdown table of
# the median times, ready to paste into BENCHMARKS.md with the machine line.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo bench -p scanly-shared --bench core --locked -- "$@"
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(rustc --version), $(date -u +%F)"
echo
echo "| benchmark | median | 95% CI |"
echo "|---|---|---|"
find target/criterion -path '*/new/estimates.json' | sort | while read -r f; do
  name=${f#target/criterion/}; name=${name%/new/estimates.json}
  python3 - "$f" "$name" <<'PY'
import json, sys
est = json.load(open(sys.argv[1]))["median"]
def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns/scale:.2f} {unit}"
    return f"{ns:.0f} ns"
ci = est["confidence_interval"]
print(f"| {sys.argv[2]} | {fmt(est['point_estimate'])} | {fmt(ci['lower_bound'])} – {fmt(ci['upper_bound'])} |")
PY
done
