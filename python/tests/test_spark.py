"""PySpark end to end on local[2]: every generated row comes back once, with the CLI's level,
through the package (`mapInArrow`, `mapInPandas`) and through the binary itself (`RDD.pipe`)."""

from __future__ import annotations

import json
import os
import sys

import pandas

import pytest
from pyspark.sql import SparkSession

import joblevel
import joblevel.spark


@pytest.fixture(scope="module")
def spark():
    # The workers must run this interpreter, where the wheel is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("joblevel-test")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.parametrize("via", ["arrow", "pandas"])
def test_score_gives_every_row_once_with_the_cli_level(spark, generated, cli_batch, via):
    """Through `mapInArrow` (the default) and `mapInPandas` (Spark before 3.3)."""
    assert len(generated) >= 20_000
    df = spark.createDataFrame(generated[["id", "title", "description"]]).repartition(8)
    scored = joblevel.spark.score(df, text="description", title="title", via=via)
    assert scored.columns == ["id", "title", "description"] + [n for n, _ in joblevel.COLUMNS]
    got = scored.select("id", "level", "described_level", "confidence", "error").toPandas()
    assert len(got) == len(generated)
    assert got.id.is_unique and set(got.id) == set(generated.id)
    got = got.set_index("id").loc[cli_batch.index]
    assert list(got.level) == list(cli_batch.level)
    assert list(got.described_level) == list(cli_batch.described_level)
    assert got.error.isna().all()
    assert (got.confidence - cli_batch.confidence).abs().max() <= 0.00005 + 1e-9


def test_a_bad_row_gets_an_error_and_the_partition_goes_on(spark):
    rows = pandas.DataFrame(
        {"id": ["1", "2", "3"], "description": ["Set the strategy of the division.", "", None]}
    )
    scored = joblevel.spark.score(spark.createDataFrame(rows), text="description")
    got = scored.toPandas().set_index("id")
    assert got.level["1"] in {"head", "director", "vp"}
    assert got.error["2"] == "text is empty"
    assert got.error["3"] == "text is missing (None or NaN)"
    assert got.level.isna().sum() == 2


def test_the_model_loads_once_per_worker_process(spark, generated):
    df = spark.createDataFrame(generated[["id", "description"]].head(4000)).repartition(16)

    def loads(batches):
        for batch in batches:
            joblevel.cached_classifier("default").classify_columns(batch.description, threads=1)
            info = joblevel._cached.cache_info()
            yield pandas.DataFrame({"pid": [os.getpid()], "misses": [info.misses]})

    seen = df.mapInPandas(loads, schema="pid long, misses long").toPandas()
    assert len(seen) >= 16
    assert (seen.misses == 1).all(), seen
    assert seen.pid.nunique() < len(seen), "workers should be reused across batches"


def test_rdd_pipe_runs_the_cli_as_a_line_filter(spark, generated, cli_batch, cli):
    """`joblevel batch - --input-format jsonl --format jsonl` in each partition, as README
    says: one JSON line in, one out, every row once, the same answers as the CSV run."""
    lines = [
        json.dumps({"id": r.id, "title": r.title, "description": r.description})
        for r in generated.itertuples()
    ]
    command = f"{cli} batch - --input-format jsonl --format jsonl --quiet"
    out = spark.sparkContext.parallelize(lines, 4).pipe(command).map(json.loads).collect()
    got = pandas.DataFrame(out)
    assert len(got) == len(generated) >= 20_000
    assert got.id.is_unique and set(got.id) == set(generated.id)
    got = got.set_index("id").loc[cli_batch.index]
    for name in ["level", "basis", "named_level", "described_level", "confidence", "error"]:
        assert list(got[name]) == list(cli_batch[name]), name


# Last: it loads another model in the workers, which the once-per-worker count above would see.
def test_levels_three_keeps_the_schema_and_answers_among_the_three(spark, five_rung_model):
    rows = pandas.DataFrame(
        {
            "id": ["1", "2"],
            "description": [
                "Make coffee for customers, keep the bar clean and take payments at the till.",
                "Reporting to the board of directors, you lead the whole organisation.",
            ],
        }
    )
    df = spark.createDataFrame(rows)
    five = joblevel.spark.score(df, text="description", model=str(five_rung_model))
    three = joblevel.spark.score(df, text="description", model=str(five_rung_model), levels="three")
    assert five.schema == three.schema
    names = [f.name for f in five.schema.fields]
    assert [n for n in names if n.startswith("score_")] == [
        f"score_{level}" for level in joblevel.LEVELS
    ]
    got = three.toPandas().set_index("id")
    assert set(got.level) <= {"head", "director", "vp"}
    assert got.error.isna().all()
