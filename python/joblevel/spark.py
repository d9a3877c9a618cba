"""Score a Spark DataFrame with joblevel, in the executors' Python workers (`mapInArrow`).

>>> scored = joblevel.spark.score(df, text="description", title="title")   # doctest: +SKIP

Each executor's Python worker imports joblevel and loads the model once
(`joblevel.cached_classifier`), then scores every Arrow batch it is given (`score_batch`), the
GIL released; the batch's own columns go back as they came, unconverted. Spark before 3.3 has
no `mapInArrow`: there, `mapInPandas` and `score_frame` do the same. The package must be
installed on the executors (see docs/python.md, "Spark").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from . import COLUMNS, score_batch, score_frame

if TYPE_CHECKING:
    import pandas
    import pyarrow
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
    via: Optional[str] = None,
) -> "pyspark.sql.DataFrame":
    """`df` with the result columns appended: `score_batch` run on every partition.

    `model`: a built-in name, or a model file path readable on every executor (a shared file
    system, or the same path in every executor's image). `threads`: scoring threads per task;
    1 by default, since Spark already runs one task per executor core (`spark.task.cpus`).
    `levels`: `"five"` (individual to executive) or `"three"` (head, director, vp only). The
    result columns are `COLUMNS`: a score per rung (`score_individual` ... `score_executive`)
    whatever `levels`, so the schema does not depend on it. `via`: `"arrow"` (`mapInArrow`,
    Spark 3.3 and later: the input columns go back as they came) or `"pandas"` (`mapInPandas`,
    which converts every column to pandas and back); None takes Arrow where Spark has it.
    """
    if via is None:
        via = "arrow" if hasattr(df, "mapInArrow") else "pandas"
    if via == "arrow":

        def score_arrow(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
            for batch in batches:
                yield score_batch(batch, text, title, model=model, threads=threads, levels=levels)

        return df.mapInArrow(score_arrow, schema=result_schema(df))
    if via == "pandas":

        def score_pandas(batches: Iterator["pandas.DataFrame"]) -> Iterator["pandas.DataFrame"]:
            for batch in batches:
                yield score_frame(batch, text, title, model=model, threads=threads, levels=levels)

        return df.mapInPandas(score_pandas, schema=result_schema(df))
    raise ValueError(f'via {via!r}: expected "arrow", "pandas" or None')
