"""Score a Spark DataFrame with joblevel, in the executors' Python workers (`mapInPandas`).

>>> scored = joblevel.spark.score(df, text="description", title="title")   # doctest: +SKIP

Each executor's Python worker imports joblevel and loads the model once
(`joblevel.cached_classifier`), then scores every Arrow batch it is given in parallel, the GIL
released. The package must be installed on the executors (see README, "Python and Spark").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from . import COLUMNS, score_frame

if TYPE_CHECKING:
    import pandas
    import pyspark.sql


def result_schema(df: "pyspark.sql.DataFrame") -> "pyspark.sql.types.StructType":
    """`df`'s schema with the result columns appended (renamed `joblevel_<name>` on a clash)."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    types = {"str": StringType(), "float": DoubleType()}
    taken = set(df.columns)
    fields = list(df.schema.fields)
    for name, kind in COLUMNS:
        fields.append(StructField(f"joblevel_{name}" if name in taken else name, types[kind]))
    return StructType(fields)


def score(
    df: "pyspark.sql.DataFrame",
    text: str = "description",
    title: Optional[str] = None,
    *,
    model: str = "default",
    threads: Optional[int] = 1,
    levels: str = "five",
) -> "pyspark.sql.DataFrame":
    """`df` with the result columns appended: `score_frame` run on every partition.

    `model`: a built-in name, or a model file path readable on every executor (a shared file
    system, or the same path in every executor's image). `threads`: scoring threads per task;
    1 by default, since Spark already runs one task per executor core (`spark.task.cpus`).
    `levels`: `"five"` (individual to executive) or `"three"` (head, director, vp only). The
    result columns are `COLUMNS`: a score per rung (`score_individual` ... `score_executive`)
    whatever `levels`, so the schema does not depend on it.
    """

    def score_batches(batches: Iterator["pandas.DataFrame"]) -> Iterator["pandas.DataFrame"]:
        for batch in batches:
            yield score_frame(batch, text, title, model=model, threads=threads, levels=levels)

    return df.mapInPandas(score_batches, schema=result_schema(df))
