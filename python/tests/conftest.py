"""Shared fixtures: the CLI binary built from the same sources, and generated postings.

`python/test.sh` builds both (`cargo build --bin joblevel --example gen_postings`) and points
JOBLEVEL_BIN and JOBLEVEL_GEN at them; without those, the debug builds under target/ are used.
A missing binary fails the tests, it never skips them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas
import pytest

REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
if not TARGET.is_absolute():
    TARGET = REPO / TARGET


def _binary(env: str, default: Path) -> Path:
    path = Path(os.environ.get(env, default)).resolve()
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: build it with "
            f"`cargo build --bin joblevel --example gen_postings` (or set {env})"
        )
    return path


@pytest.fixture(scope="session")
def cli() -> Path:
    """The joblevel binary."""
    return _binary("JOBLEVEL_BIN", TARGET / "debug" / "joblevel")


def run_cli(cli: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], input=stdin, capture_output=True, check=False)


def cli_json(cli: Path, *args: str) -> dict:
    done = run_cli(cli, *args, "--format", "json")
    assert done.stdout, done.stderr.decode()
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def generated_csv(tmp_path_factory) -> Path:
    """20,000 postings from examples/gen_postings.rs (deterministic): id, title, company,
    description."""
    gen = _binary("JOBLEVEL_GEN", TARGET / "debug" / "examples" / "gen_postings")
    path = tmp_path_factory.mktemp("generated") / "postings.csv"
    with open(path, "wb") as out:
        subprocess.run([str(gen), "20000"], stdout=out, check=True)
    return path


@pytest.fixture(scope="session")
def generated(generated_csv) -> pandas.DataFrame:
    return pandas.read_csv(generated_csv, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def cli_batch(cli, generated_csv) -> pandas.DataFrame:
    """`joblevel batch --format jsonl` on the generated file, indexed by id."""
    done = run_cli(cli, "batch", "-q", "--format", "jsonl", str(generated_csv))
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return pandas.DataFrame(rows).set_index("id")



@pytest.fixture(scope="session")
def five_rung_model(cli, tmp_path_factory) -> Path:
    """A small model that answers on all five rungs whatever the shipped one knows: trained on
    tests/data/five_rungs.csv and corpora/labelled.csv, as the Rust tests train it (the article
    weight 0.3 so that its nine outer-rung postings are not outweighed by the articles)."""
    path = tmp_path_factory.mktemp("model") / "five-rungs.json"
    done = run_cli(
        cli, "train", "--article-weight", "0.3",
        "--labelled", str(REPO / "tests" / "data" / "five_rungs.csv"),
        "--labelled", str(REPO / "corpora" / "labelled.csv"),
        "-o", str(path),
    )
    assert done.returncode == 0, done.stderr.decode()
    return path
