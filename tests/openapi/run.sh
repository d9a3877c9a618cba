#!/usr/bin/env bash
# Validates the API's OpenAPI document and fuzzes `joblevel serve` from it with Schemathesis.
# Run by .ci/run after `cargo test` (whose tests/serve_openapi.rs holds the document to the
# handlers); this is the outside view: requests generated from the document, answers checked
# against it.
#
# Installs what it needs on a fresh machine: a virtualenv under target/ with Schemathesis and
# openapi-spec-validator from PyPI. Then starts a server with a token on a free loopback port
# and runs every default Schemathesis check, 200 generated requests per operation at most (an
# operation with no inputs has one), with a fixed seed so a run can be repeated
# (JOBLEVEL_FUZZ_SEED picks another); tests/openapi/schemathesis.toml says which statuses two
# checks also expect, and why. A few minutes at most: the whole run is cut at 10.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
venv="$target/openapi-env"
work="$target/openapi"

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check \
    "schemathesis>=4.32,<5" "openapi-spec-validator>=0.7,<1"

"$venv/bin/openapi-spec-validator" src/serve/openapi.json

# A debug build, as python/test.sh: `cargo test` has just made it.
nice cargo build --locked --quiet --bin joblevel
mkdir -p "$work"
log="$work/serve.log"
token="openapi-$$-$RANDOM"
"$target/debug/joblevel" serve --addr 127.0.0.1:0 --quiet --token "$token" 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
base=""
for _ in $(seq 300); do
    base="$(grep -a -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)"
    [ -n "$base" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }

# From $work, where Schemathesis leaves its cache and report.
cd "$work"
timeout 600 "$venv/bin/schemathesis" --config-file "$root/tests/openapi/schemathesis.toml" \
    run "$base/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --max-examples 200 \
    --seed "${JOBLEVEL_FUZZ_SEED:-23}" \
    --workers 1 \
    --generation-database none \
    --request-timeout 40 \
    --report junit --report-dir "$work/report" \
    --no-color
