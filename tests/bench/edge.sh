#!/usr/bin/env bash
# The edge Worker under load, next to the least a KV-backed redirector can
# do. One run:
#
#   1. builds the Worker (scripts/build-edge.sh; SCANLY_BENCH_SKIP_BUILD=1 skips);
#   2. generates SCANLY_BENCH_CODES (1000) "full rule engine" links
#      (edge-worker/examples/bench_records.rs: UTM, 3 rules, 2 A/B variants);
#   3. starts ONE Node process (tests/bench/edge/serve-both.mjs): one
#      Miniflare/workerd with the Scanly Worker and the JS baseline
#      (tests/bench/edge/baseline.mjs), each on its own port, both KV
#      namespaces seeded; the time from starting it to the first 302 from
#      the Scanly Worker is measured by polling with curl every 20 ms;
#   4. drives each Worker with the same wrk load (random code per request,
#      a mobile Safari User-Agent, -t2 -c32 by default) for
#      SCANLY_BENCH_SECONDS (20) after SCANLY_BENCH_WARMUP (3) seconds of
#      warm-up; scan events go through the queue to a 204 ingest server in
#      the Node process, so Scanly's figures include the queue send and the
#      consumer;
#      then the baseline again with a scan-event-sized queue send per
#      redirect, the like-for-like comparison;
#   5. runs shorter probes (SCANLY_BENCH_PROBE_SECONDS, default half) that
#      separate the costs: /healthz (no KV), a bot User-Agent (no scan
#      event), and Miniflare's entry socket (the path tests/edge uses);
#   6. repeats the three at about SCANLY_BENCH_PACED_RPS (500) req/s, below
#      saturation, for latencies without the overload artefacts;
#   7. prints a Markdown report, also saved to target/bench/edge.md (raw
#      numbers in target/bench/edge/).
#
# Other knobs: SCANLY_BENCH_THREADS (2), SCANLY_BENCH_CONNECTIONS (32).
# wrk comes from Debian's package and is installed if missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

seconds=${SCANLY_BENCH_SECONDS:-20}
warmup=${SCANLY_BENCH_WARMUP:-3}
probe_seconds=${SCANLY_BENCH_PROBE_SECONDS:-$(( seconds / 2 > 3 ? seconds / 2 : 3 ))}
codes_n=${SCANLY_BENCH_CODES:-1000}
threads=${SCANLY_BENCH_THREADS:-2}
paced_rps=${SCANLY_BENCH_PACED_RPS:-500}
connections=${SCANLY_BENCH_CONNECTIONS:-32}

work=target/bench/edge
mkdir -p "$work"
rm -f "$work"/*.jsonl "$work"/*.out "$work"/*.err "$work"/*.json "$work"/*.txt
say() { echo "bench/edge: $*" >&2; }

MOBILE_UA='Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
BOT_UA='Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
# The request.cf serve.mjs configures, sent as a header on the direct sockets.
CF_BLOB='{"country":"DE","region":"Berlin","city":"Berlin","timezone":"Europe/Berlin","colo":"TXL"}'

# --- tools -------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian package)"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get install -y -q wrk >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q wrk >&2; }
fi
for tool in curl gzip jq python3; do
  command -v "$tool" >/dev/null || { say "needs $tool"; exit 1; }
done
eval "$(bash scripts/edge-tools.sh)"

# --- build and records ---------------------------------------------------------
if [[ ${SCANLY_BENCH_SKIP_BUILD:-0} != 1 ]]; then
  say "building the Worker"
  bash scripts/build-edge.sh >&2
fi
wasm=edge-worker/build/index_bg.wasm
[[ -f $wasm && -f edge-worker/build/index.js ]] || { say "no built Worker in edge-worker/build/"; exit 1; }
wasm_raw=$(stat -c %s "$wasm")
wasm_gzip=$(gzip -9 -c "$wasm" | wc -c)

say "generating $codes_n records"
cargo run -q --release -p scanly-edge --example bench_records -- "$codes_n" > "$work/records.jsonl"
jq -r .code "$work/records.jsonl" > "$work/codes.txt"
probe_code=$(head -1 "$work/codes.txt")

# --- serve -------------------------------------------------------------------------
read -r port_scanly port_baseline < <(python3 - <<'PY'
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])
PY
)
node_pid=""
cleanup() {
  # Closing fd 9 closes the server's stdin, which makes it dispose workerd
  # and exit; SIGTERM does the same if it is still there after 5 s.
  exec 9>&- 2>/dev/null || true
  if [[ -n $node_pid ]]; then
    for _ in $(seq 50); do kill -0 "$node_pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -TERM "$node_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "starting workerd (scanly on :$port_scanly, baseline on :$port_baseline)"
t_start=$(now_ms)
exec 9> >(exec env SCANLY_BENCH_RECORDS="$work/records.jsonl" \
  SCANLY_BENCH_PORT_SCANLY="$port_scanly" SCANLY_BENCH_PORT_BASELINE="$port_baseline" \
  node tests/bench/edge/serve-both.mjs > "$work/serve.out" 2> "$work/serve.err")
node_pid=$!

server_failed() {
  say "the server failed:"; cat "$work/serve.out" "$work/serve.err" >&2; exit 1
}
first_302=""
while :; do
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    -H "User-Agent: $MOBILE_UA" -H "MF-CF-Blob: $CF_BLOB" \
    "http://127.0.0.1:$port_scanly/$probe_code" || true)
  if [[ $status == 302 ]]; then first_302=$(( $(now_ms) - t_start )); break; fi
  kill -0 "$node_pid" 2>/dev/null || server_failed
  grep -q '"event":"error"' "$work/serve.out" 2>/dev/null && server_failed
  (( $(now_ms) - t_start > 120000 )) && { say "no 302 after 120 s"; server_failed; }
  sleep 0.02
done
say "first 302 after $first_302 ms; seeding"
until grep -q '"event":"seeded"' "$work/serve.out"; do
  kill -0 "$node_pid" 2>/dev/null || server_failed
  grep -q '"event":"error"' "$work/serve.out" && server_failed
  sleep 0.1
done
ready=$(grep '"event":"ready"' "$work/serve.out")
seeded=$(grep '"event":"seeded"' "$work/serve.out")
url_scanly=$(jq -r .scanly <<<"$ready"); url_scanly=${url_scanly%/}
url_baseline=$(jq -r .baseline <<<"$ready"); url_baseline=${url_baseline%/}
url_entry=$(jq -r .entry <<<"$ready"); url_entry=${url_entry%/}
url_ingest_stats="$(jq -r .ingest <<<"$ready" | sed 's#/v1/ingest$##')/stats"
jq -c '{scanly, baseline, entry}' <<<"$ready"
workerd_pid=$(pgrep -P "$node_pid" -x workerd | head -1 || true)
[[ -n $workerd_pid ]] || say "workerd's pid not found: no CPU figures"

# Sanity: both answer 302 to a generated code, and to the same code.
for url in "$url_scanly" "$url_baseline"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "MF-CF-Blob: $CF_BLOB" "$url/$probe_code")
  [[ $status == 302 ]] || { say "$url/$probe_code answered $status, not 302"; exit 1; }
done

# --- load --------------------------------------------------------------------------
ticks() { [[ -n ${1:-} && -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# CPU of this shell's waited-for children (wrk), from `times`; it must run in
# this shell, not a subshell, so it writes a file that children_ms reads.
children_ms() {
  tail -1 "$work/times.txt" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%d", s * 1000 }'
}

# Queue sends Miniflare's broker refused: it sets a timer per message and
# allows 10,000 active timers, which a backlog under saturation reaches.
queue_failures() { grep -c 'exceeded the number of active timeouts' "$work/serve.out" || true; }

# load NAME PHASE URL UA SECONDS [PATH] [HEADER] [PAUSE_MS]: one wrk run,
# appended to runs.jsonl
load() {
  local name=$1 phase=$2 url=$3 ua=$4 secs=$5 path=${6:-} header=${7:-} pause=${8:-0}
  local q0 q1
  q0=$(queue_failures)
  local w0 n0 b0 c0 w1 n1 b1 c1 t0 t1 out
  times > "$work/times.txt"
  w0=$(ticks "$workerd_pid"); n0=$(ticks "$node_pid"); b0=$(busy_ticks); c0=$(children_ms); t0=$(now_ms)
  out=$(wrk -t"$threads" -c"$connections" -d"${secs}s" --timeout 5s -s tests/bench/edge/wrk.lua \
    "$url" -- "$root/$work/codes.txt" "$ua" "$CF_BLOB" "$path" "$header" "$pause")
  times > "$work/times.txt"
  w1=$(ticks "$workerd_pid"); n1=$(ticks "$node_pid"); b1=$(busy_ticks); c1=$(children_ms); t1=$(now_ms)
  # Failures are logged as they happen; let the last ones reach the file.
  sleep 0.5; q1=$(queue_failures)
  local json
  json=$(grep '^JSON ' <<<"$out" | sed 's/^JSON //')
  [[ -n $json ]] || { say "wrk printed no result:"; echo "$out" >&2; exit 1; }
  jq -c --arg name "$name" --arg phase "$phase" --arg url "$url$path" \
    --argjson workerd_ticks $(( w1 - w0 )) --argjson node_ticks $(( n1 - n0 )) \
    --argjson busy_ticks $(( b1 - b0 )) --argjson wrk_ms $(( c1 - c0 )) \
    --argjson wall_ms $(( t1 - t0 )) --argjson queue_failures $(( q1 - q0 )) \
    '. + {name: $name, phase: $phase, url: $url, workerd_ticks: $workerd_ticks,
          node_ticks: $node_ticks, busy_ticks: $busy_ticks, wrk_ms: $wrk_ms, wall_ms: $wall_ms,
          queue_failures: $queue_failures}' \
    <<<"$json" >> "$work/runs.jsonl"
  say "$(printf '%-28s %-7s %8.0f req/s' "$name" "$phase" \
    "$(jq -n "$json | .requests / (.duration_us / 1e6)")")"
}

events() { curl -s "$url_ingest_stats" | jq .events; }
# drain [NAME]: waits until the ingest count has not moved for 2 s and
# workerd is idle (at most ~60 s each); with a NAME, records the backlog it
# delivered and what that cost, in drains.jsonl.
drain() {
  local name=${1:-} last=-1 same=0 now=0 e0 w0 n0 t0 t_last
  e0=$(events); w0=$(ticks "$workerd_pid"); n0=$(ticks "$node_pid"); t0=$(now_ms); t_last=$t0
  for _ in $(seq 240); do
    now=$(events)
    if [[ $now == "$last" ]]; then same=$(( same + 1 )); else same=0; last=$now; t_last=$(now_ms); fi
    (( same >= 8 )) && break
    sleep 0.25
  done
  # A queue without the ingest server (the baseline's) shows only as CPU:
  # wait for workerd to go idle (< 3 ticks per 0.5 s).
  local a b
  for _ in $(seq 120); do
    a=$(ticks "$workerd_pid"); sleep 0.5; b=$(ticks "$workerd_pid")
    (( b - a < 3 )) && break
    t_last=$(now_ms)
  done
  if [[ -n $name ]]; then
    jq -nc --arg name "$name" --argjson events $(( now - e0 )) --argjson ms $(( t_last - t0 )) \
      --argjson workerd_ticks $(( $(ticks "$workerd_pid") - w0 )) \
      --argjson node_ticks $(( $(ticks "$node_pid") - n0 )) \
      '{name: $name, phase: "drain", events: $events, drain_ms: $ms,
        workerd_ticks: $workerd_ticks, node_ticks: $node_ticks}' >> "$work/drains.jsonl"
  fi
}

say "load: ${seconds}s per Worker after ${warmup}s warm-up each, wrk -t$threads -c$connections"
load "JS baseline" warmup "$url_baseline" "$MOBILE_UA" "$warmup"
load "Scanly (Rust/WASM)" warmup "$url_scanly" "$MOBILE_UA" "$warmup"
drain
load "JS baseline" main "$url_baseline" "$MOBILE_UA" "$seconds"
load "Scanly (Rust/WASM)" main "$url_scanly" "$MOBILE_UA" "$seconds"
# Miniflare's queue broker hands the consumer one batch at a time, and under
# load workerd's one thread barely gets to it: most of the run's events are
# still queued when wrk stops. Their delivery is part of Scanly's cost.
drain "Scanly (Rust/WASM)"
# The same JS Worker plus a scan-event-sized queue send: Scanly's figures
# include the queue, and Miniflare's queue costs a JS Worker as much.
load "JS baseline + queue send" main "$url_baseline" "$MOBILE_UA" "$seconds" "" "x-bench-queue: 1"
drain "JS baseline + queue send"
say "probes: ${probe_seconds}s each"
load "JS baseline, /healthz" probe "$url_baseline" "$MOBILE_UA" "$probe_seconds" /healthz
load "Scanly, /healthz" probe "$url_scanly" "$MOBILE_UA" "$probe_seconds" /healthz
load "Scanly, bot UA" probe "$url_scanly" "$BOT_UA" "$probe_seconds"
drain
load "Scanly, Miniflare entry socket" probe "$url_entry" "$MOBILE_UA" "$probe_seconds"
drain
# Below saturation, where Miniflare's queue keeps up: each connection pauses
# so that all of them together ask for about SCANLY_BENCH_PACED_RPS.
pause=$(( connections * 1000 / paced_rps ))
say "paced: ~$paced_rps req/s (${pause} ms pause per connection), ${probe_seconds}s each"
load "JS baseline" paced "$url_baseline" "$MOBILE_UA" "$probe_seconds" "" "" "$pause"
load "Scanly (Rust/WASM)" paced "$url_scanly" "$MOBILE_UA" "$probe_seconds" "" "" "$pause"
drain
load "JS baseline + queue send" paced "$url_baseline" "$MOBILE_UA" "$probe_seconds" "" "x-bench-queue: 1" "$pause"
drain
events_delivered=$(events)
event_bytes=$(curl -s "$url_ingest_stats" | jq .event_bytes)

# --- report ------------------------------------------------------------------------
jq -n \
  --argjson wasm_raw "$wasm_raw" --argjson wasm_gzip "$wasm_gzip" \
  --argjson first_302 "$first_302" --argjson ready "$ready" --argjson seeded "$seeded" \
  --argjson events_delivered "${events_delivered:-0}" --argjson event_bytes "${event_bytes:-0}" \
  --arg seconds "$seconds" --arg warmup "$warmup" --arg probe_seconds "$probe_seconds" \
  --arg codes "$codes_n" --arg threads "$threads" --arg connections "$connections" \
  --arg paced_rps "$paced_rps" --arg pause "$pause" \
  --arg mobile_ua "$MOBILE_UA" --arg bot_ua "$BOT_UA" \
  --arg cores "$(nproc)" \
  --arg mem "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
  --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  --arg node "$(node --version)" \
  --arg workerd "$("$MINIFLARE_WORKERD_PATH" --version 2>/dev/null | head -1)" \
  --arg miniflare "$(node -p 'require("miniflare/package.json").version')" \
  --arg wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f2)" \
  --arg rustc "$(rustc --version)" --arg date "$(date -u +%F)" \
  --arg loadavg "$loadavg_start" --arg clk_tck "$(getconf CLK_TCK)" \
  '$ARGS.named' > "$work/meta.json"
python3 tests/bench/edge/report.py "$work/meta.json" "$work/runs.jsonl" "$work/drains.jsonl" | tee target/bench/edge.md
