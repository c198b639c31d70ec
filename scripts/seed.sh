#!/usr/bin/env bash
# `make seed`: a demo account on the running local platform (`make dev`),
# with a few links and a page, so there is something to look at. Idempotent:
# a second run logs in and adds nothing that exists.
set -euo pipefail
api="http://127.0.0.1:${SCANLY_API_PORT:-8788}"
edge="http://127.0.0.1:${SCANLY_EDGE_PORT:-8787}"
email="demo@scanly.local"
password="demo password 2026"

curl -fsS -o /dev/null "$api/healthz" || {
  echo "seed: nothing answers on $api — start the platform with 'make dev' first" >&2
  exit 1
}
json_field() { sed -nE "s/.*\"$1\":\"([^\"]+)\".*/\1/p"; }
post() { curl -sS "$api$1" -H 'content-type: application/json' ${token:+-H "authorization: Bearer $token"} -d "$2"; }

token=$(post /v1/auth/signup "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Demo Café\"}" | json_field access_token)
if [[ -z "$token" ]]; then
  token=$(post /v1/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}" | json_field access_token)
fi
[[ -n "$token" ]] || { echo "seed: could not sign up or log in as $email" >&2; exit 1; }

create() { # code body
  local answer
  answer=$(post /v1/links "$2")
  if grep -q '"code_taken"' <<<"$answer"; then
    echo "  $edge/$1 (already there)"
  elif grep -q '"id"' <<<"$answer"; then
    echo "  $edge/$1"
  else
    echo "seed: creating $1 failed: $answer" >&2
    exit 1
  fi
}

echo "Demo account: $email / $password"
create menu '{"code":"menu","title":"Today’s menu","destination":"https://example.com/menu","tags":["print"],"utm":{"source":"qr","medium":"poster"}}'
create app '{"code":"app","title":"Get the app","destination":"https://example.com/app","rules":[{"when":{"os":["ios"]},"destination":"https://apps.apple.com/"},{"when":{"os":["android"]},"destination":"https://play.google.com/"}]}'
create spring '{"code":"spring","title":"Spring offer (first 50)","destination":"https://example.com/spring","max_scans":50}'
create cafe '{"code":"cafe","kind":"page","title":"Demo Café","page":{"title":"Demo Café","blocks":[{"type":"heading","text":"Demo Café"},{"type":"text","text":"Fresh bread every morning."},{"type":"link","label":"See the menu","url":"https://example.com/menu"}]}}'
echo "Sign in to the API with: curl -s $api/v1/auth/login -H 'content-type: application/json' -d '{\"email\":\"$email\",\"password\":\"$password\"}'"
