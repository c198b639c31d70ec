#!/usr/bin/env bash
# Runs Amazon's DynamoDB Local (in memory, no telemetry) for tests and local
# development, owned by whoever started it:
#
#   bash scripts/dynamodb-local.sh [--port N] [--until-signal]
#
# - Prints one line on stdout, the endpoint (`http://127.0.0.1:<port>`), once
#   the server answers a ListTables call; everything else goes to stderr.
# - Stops DynamoDB Local when its stdin reaches end of file (the owner closed
#   the pipe or died), on SIGTERM/SIGINT/SIGHUP, or if the server itself dies
#   (exit status 1 then). With --until-signal, stdin is ignored: use that when
#   starting it in the background of a shell (`&` gives it /dev/null as stdin).
# - Without --port it picks a free port, so parallel test runs don't collide.
#
# A test harness (any language) spawns it with stdin and stdout piped, reads
# the first stdout line, and keeps the stdin pipe open for as long as it needs
# the server. The harness should then use, for the AWS SDK:
#
#   AWS_ENDPOINT_URL_DYNAMODB=<the printed URL>
#   AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
#
# DynamoDB Local accepts any signature, but the access key id must be letters
# and digits only (`scanly_local` is refused with UnrecognizedClientException).
# It runs with -sharedDb: one database whatever the credentials and region
# (without it, each access key/region pair sees its own tables). Tests should
# create their own table under a unique name so that they can run in parallel.
#
# Network: DynamoDB Local binds every interface (it has no bind-address
# option), so while it runs it is reachable from the machine's network on its
# port. Where that matters, run it together with its tests in a private
# network namespace with only loopback up, e.g.:
#
#   unshare --net sh -c 'ip link set lo up && exec cargo test -p scanly-api'
#
# (as root; otherwise add --map-root-user). The tests then start this script
# inside the namespace, and nothing outside can reach the port.
#
# For S3 and SQS (and a second DynamoDB implementation), moto binds loopback
# only: `moto_server -H 127.0.0.1 -p <port>` (from scripts/aws-tools.sh), with
# AWS_ENDPOINT_URL=http://127.0.0.1:<port>.
set -euo pipefail
cd "$(dirname "$0")/.."

port=""
watch_stdin=1
while (($#)); do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --until-signal) watch_stdin=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "dynamodb-local: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "dynamodb-local: $*" >&2; }

# The jar and Java come from scripts/aws-tools.sh unless already in the
# environment (eval "$(bash scripts/aws-tools.sh)" sets them).
if [[ -z "${SCANLY_DYNAMODB_LOCAL_JAR:-}" || -z "${SCANLY_JAVA:-}" ]]; then
  eval "$(bash scripts/aws-tools.sh)"
fi
jar="$SCANLY_DYNAMODB_LOCAL_JAR"
lib="${SCANLY_DYNAMODB_LOCAL_LIB:-$(dirname "$jar")/DynamoDBLocal_lib}"
[[ -f "$jar" ]] || { log "no jar at $jar: run scripts/aws-tools.sh"; exit 1; }

if [[ -z "$port" ]]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
[[ "$port" =~ ^[0-9]+$ ]] || { log "bad port '$port'"; exit 2; }
endpoint="http://127.0.0.1:$port"

workdir=$(mktemp -d "${TMPDIR:-/tmp}/scanly-dynamodb-local.XXXXXX")
java_pid=""
watcher_pid=""
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  trap - EXIT INT TERM HUP
  if [[ -n "$watcher_pid" ]]; then kill "$watcher_pid" 2>/dev/null || true; fi
  if [[ -n "$java_pid" ]] && kill -0 "$java_pid" 2>/dev/null; then
    kill -TERM "$java_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$java_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$java_pid" 2>/dev/null || true
    wait "$java_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM HUP

# A small heap and serial GC suit a test server; SCANLY_DYNAMODB_LOCAL_JAVA_OPTS
# replaces them. setpriv --pdeathsig makes Java die with this script even if
# the script is killed with SIGKILL and cannot clean up.
read -r -a java_opts <<<"${SCANLY_DYNAMODB_LOCAL_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}"
pdeathsig=()
if command -v setpriv >/dev/null; then pdeathsig=(setpriv --pdeathsig TERM --); fi
(cd "$workdir" && exec "${pdeathsig[@]}" "$SCANLY_JAVA" "${java_opts[@]}" \
  "-Djava.library.path=$lib" -jar "$jar" \
  -inMemory -sharedDb -disableTelemetry -port "$port" </dev/null >"$workdir/server.log" 2>&1) &
java_pid=$!

# Ready when ListTables answers 200. Any alphanumeric access key and any
# signature are accepted; a request without Authorization is refused.
probe() {
  python3 - "$endpoint" <<'PY'
import sys, urllib.request
req = urllib.request.Request(
    sys.argv[1] + "/",
    data=b"{}",
    method="POST",
    headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "X-Amz-Date": "20260101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0",
    },
)
try:
    with urllib.request.urlopen(req, timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

deadline=$((SECONDS + ${SCANLY_DYNAMODB_LOCAL_START_TIMEOUT:-60}))
until probe; do
  if ! kill -0 "$java_pid" 2>/dev/null; then
    log "DynamoDB Local exited while starting (port $port taken?):"
    cat "$workdir/server.log" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    log "DynamoDB Local did not answer on $endpoint within ${SCANLY_DYNAMODB_LOCAL_START_TIMEOUT:-60}s:"
    cat "$workdir/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
log "ready on $endpoint (pid $java_pid; binds all interfaces, see the header of this script)"
echo "$endpoint"

if ((watch_stdin)); then
  # A background job's stdin is /dev/null unless redirected: hand it ours.
  cat >/dev/null <&3 3<&- &
  watcher_pid=$!
fi 3<&0

# Returns when Java exits, stdin closes, or a trapped signal arrives.
status=0
if [[ -n "$watcher_pid" ]]; then
  wait -n "$java_pid" "$watcher_pid" || status=$?
else
  wait "$java_pid" || status=$?
fi
if ! kill -0 "$java_pid" 2>/dev/null; then
  log "DynamoDB Local exited unexpectedly (status $status):"
  tail -n 20 "$workdir/server.log" >&2
  exit 1
fi
log "stdin closed: stopping"
exit 0
