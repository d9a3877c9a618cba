"""The Python guide (docs/python.md) and the package's page (python/README.md): their Python
examples run and say what they show."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pandas

from conftest import REPO, TARGET

SECTION = (REPO / "docs/python.md").read_text()
PAGES = {"docs/python.md": SECTION, "python/README.md": (REPO / "python/README.md").read_text()}


def test_the_python_example_runs_as_written(monkeypatch):
    monkeypatch.chdir(REPO)
    for name, page in PAGES.items():
        blocks = re.findall(r"```python\n(.*?)```", page, re.S)
        assert blocks, name
        for block in blocks:
            exec(compile(block, name, "exec"), {})


def test_the_wheel_readme_names_is_the_one_built():
    wheels = [p.name for p in (TARGET / "wheels").glob("*.whl")]
    assert len(wheels) == 1, wheels
    assert "abi3" in wheels[0]
    assert wheels[0] in SECTION


def test_the_spark_example_script_scores_a_csv(generated_csv, cli_batch, tmp_path):
    # A small file: this starts its own Spark, as a user would.
    small = tmp_path / "postings.csv"
    pandas.read_csv(generated_csv, dtype=str, nrows=500).to_csv(small, index=False)
    out = tmp_path / "scored"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    done = subprocess.run(
        [sys.executable, str(REPO / "python/examples/spark_score.py"), str(small), str(out),
         "--master", "local[2]"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    scored = pandas.read_parquet(out).set_index("id")
    assert len(scored) == 500
    assert list(scored.level.loc[cli_batch.index[:500]]) == list(cli_batch.level[:500])
    counts = dict(line.split(": ") for line in done.stdout.strip().splitlines()[-1].split(", "))
    assert counts == {k: str(v) for k, v in scored.level.value_counts().items()}
