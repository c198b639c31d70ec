#!/usr/bin/env bash
# `make dev`: the whole platform on this machine.
#
#   edge           the real Worker in workerd (miniflare), local KV + Queue  :8787
#   control plane  API + ingest + rollup + outbox (scanly-local)             :8788
#
# Wired as in production: the API publishes records over the signed channel,
# the Worker's queue consumer ships scan batches to ingest, the rollup counts
# them. Data (and a generated signing secret) live under SCANLY_DATA_DIR
# (default .scanly/), so a restart keeps everything; delete it to start over.
# Ports: SCANLY_EDGE_PORT, SCANLY_API_PORT. Ctrl-C or SIGTERM stops every
# process started here.
set -euo pipefail
cd "$(dirname "$0")/.."

edge_port="${SCANLY_EDGE_PORT:-8787}"
api_port="${SCANLY_API_PORT:-8788}"
data="${SCANLY_DATA_DIR:-.scanly}"
mkdir -p "$data/logs"
data="$(cd "$data" && pwd)"

step() { echo "==> $*" >&2; }

step "edge toolchain (the first run builds it, ~20 min on 2 cores; cached afterwards)"
eval "$(bash scripts/edge-tools.sh)"
# SCANLY_EDGE_PREBUILT=1 and SCANLY_LOCAL_BIN=<path> use what is already
# built: the make-dev test runs inside `cargo test`, which holds the target
# directory's lock, so a nested cargo build would wait for ever.
if [[ "${SCANLY_EDGE_PREBUILT:-}" == 1 && -f edge-worker/build/index.js ]]; then
  step "using the edge Worker already built in edge-worker/build"
else
  step "building the edge Worker"
  bash scripts/build-edge.sh >"$data/logs/build-edge.log" 2>&1 || {
    cat "$data/logs/build-edge.log" >&2
    exit 1
  }
fi
if [[ -n "${SCANLY_LOCAL_BIN:-}" ]]; then
  control_plane="$SCANLY_LOCAL_BIN"
else
  step "building the control plane (cargo build -p scanly-local)"
  cargo build -p scanly-local --locked
  control_plane="${CARGO_TARGET_DIR:-target}/debug/scanly-local"
fi

# Secrets are generated once per data directory, never committed.
secrets="$data/secrets.env"
if [[ ! -s "$secrets" ]]; then
  random_hex() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
  (umask 077 && printf 'SCANLY_SIGNING_SECRET=%s\nSCANLY_JWT_SECRET=%s\n' "$(random_hex)" "$(random_hex)" >"$secrets")
fi
set -a
# shellcheck disable=SC1090
source "$secrets"
set +a

export SCANLY_DATA_DIR="$data"
export SCANLY_API_ADDR="127.0.0.1:$api_port"
export SCANLY_API_BASE_URL="http://127.0.0.1:$api_port"
export SCANLY_EDGE_PORT="$edge_port"
export SCANLY_EDGE_BASE_URL="http://127.0.0.1:$edge_port"
export SCANLY_EDGE_PUBLISH_URL="http://127.0.0.1:$edge_port"
export SCANLY_DEFAULT_HOSTS="127.0.0.1,localhost"
export INGEST_URL="http://127.0.0.1:$api_port/internal/scans"
export SCANLY_QUEUE_BATCH_TIMEOUT="${SCANLY_QUEUE_BATCH_TIMEOUT:-1}"
export RUST_LOG="${RUST_LOG:-info}"

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

step "starting the control plane on :$api_port (log: $data/logs/control-plane.log)"
"$control_plane" >>"$data/logs/control-plane.log" 2>&1 &
pids+=($!)
step "starting the edge Worker in workerd on :$edge_port (log: $data/logs/edge.log)"
node scripts/dev-edge.mjs >>"$data/logs/edge.log" 2>&1 &
pids+=($!)

# Both answer /healthz with 200 only once they are ready.
wait_ready() { # name url log
  local deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null --max-time 2 "$2/healthz" 2>/dev/null; do
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "dev: a process exited while starting; the end of $3:" >&2
        tail -n 30 "$3" >&2
        exit 1
      fi
    done
    if ((SECONDS > deadline)); then
      echo "dev: $1 did not become ready in 120 s; the end of $3:" >&2
      tail -n 30 "$3" >&2
      exit 1
    fi
    sleep 0.3
  done
}
wait_ready "the control plane" "http://127.0.0.1:$api_port" "$data/logs/control-plane.log"
wait_ready "the edge" "http://127.0.0.1:$edge_port" "$data/logs/edge.log"

cat <<BANNER

Scanly is running.
  edge (scans)     http://127.0.0.1:$edge_port/<code>
  control plane    http://127.0.0.1:$api_port/v1/…   (/healthz, /v1/openapi.json)
  data             $data   (delete it to start over)
  logs             $data/logs/

Try it:
  api=http://127.0.0.1:$api_port
  token=\$(curl -s \$api/v1/auth/signup -H 'content-type: application/json' \\
    -d '{"email":"you@example.com","password":"correct horse battery","name":"You"}' \\
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -s \$api/v1/links -H "authorization: Bearer \$token" -H 'content-type: application/json' \\
    -d '{"code":"hello","destination":"https://example.com/"}'
  # a phone's User-Agent: curl's own is a bot to the edge, answered but never counted
  curl -si -A 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148 Safari/604.1' \
    http://127.0.0.1:$edge_port/hello | head -n 3
  sleep 3; curl -s \$api/v1/analytics -H "authorization: Bearer \$token"
  # the QR code: GET \$api/v1/links/<id>/qr?format=svg (id from the create answer)

(make seed adds a demo account with a few links and a page.) Ctrl-C stops everything.
BANNER

# Runs until a child exits or we are told to stop (or our parent goes away).
parent=$PPID
while sleep 1; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "dev: a process exited; see $data/logs/" >&2
      exit 1
    fi
  done
  kill -0 "$parent" 2>/dev/null || exit 0
done
