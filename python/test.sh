#!/usr/bin/env bash
# Builds the Python package and runs its tests, PySpark on local[2] included. Run by .ci/run.
#
# Installs what the tests need on a fresh machine: a headless JRE from Debian's packages when
# `java` is missing (PySpark), and a virtualenv under target/ with maturin, pytest, pandas,
# pyarrow and pyspark from PyPI (pip installs nothing that is already there). Then builds the
# CLI and the generator the tests compare against, builds the abi3 wheel with maturin, installs
# it, and runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
venv="$target/pyenv"

if ! command -v java >/dev/null; then
    sudo=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        openjdk-17-jre-headless >/dev/null
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# pandas < 3: PySpark 4 supports pandas 2.x and warns on 3.
"$venv/bin/pip" install -q --disable-pip-version-check \
    "maturin>=1.9.4,<2" pytest "pandas>=2.2,<3" "pyarrow>=15" "pyspark>=4,<5"

# The CLI the tests compare against, and the row generator: debug builds, which `cargo test`
# (run before this by .ci/run) has all but made; a release build would compile every
# dev-dependency again.
nice cargo build --locked --bin joblevel --example gen_postings
export JOBLEVEL_BIN="$target/debug/joblevel" JOBLEVEL_GEN="$target/debug/examples/gen_postings"
rm -rf "$target/wheels"
nice "$venv/bin/maturin" build --release --locked --quiet -m python/Cargo.toml \
    -i "$venv/bin/python" -o "$target/wheels"
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps \
    "$target"/wheels/joblevel-*.whl

"$venv/bin/python" -m pytest python/tests -p no:cacheprovider
