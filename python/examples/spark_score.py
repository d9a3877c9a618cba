"""Score a CSV of postings with Spark: joblevel runs in the executors' Python workers.

    python python/examples/spark_score.py postings.csv scored/ [--master local[2]]
    spark-submit python/examples/spark_score.py postings.csv scored/      # on a cluster

Reads the CSV (header, quoted multi-line fields), scores the `description` column with the
`title` column masked out, and writes Parquet with every input column plus joblevel's result
columns (level, the named and described levels, a score per rung: score_individual ...
score_executive). The joblevel wheel must be installed on every executor (docs/python.md, "Spark").
"""

from __future__ import annotations

import argparse

from pyspark.sql import SparkSession

import joblevel.spark


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("input", help="CSV with a header row")
    args.add_argument("output", help="output directory (Parquet)")
    args.add_argument("--text-column", default="description")
    args.add_argument("--title-column", default="title", help="'' for none")
    args.add_argument(
        "--model", default="default", help="default, articles, or a model file on every executor"
    )
    args.add_argument(
        "--levels",
        default="five",
        choices=["five", "three"],
        help="five rungs (individual to executive), or head, director and vp only",
    )
    args.add_argument("--master", help="e.g. local[2]; spark-submit sets it otherwise")
    a = args.parse_args()

    builder = SparkSession.builder.appName("joblevel")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    df = spark.read.csv(a.input, header=True, multiLine=True, escape='"')
    scored = joblevel.spark.score(
        df, text=a.text_column, title=a.title_column or None, model=a.model, levels=a.levels
    )
    scored.write.mode("overwrite").parquet(a.output)
    # Counted from the written files: counting `scored` would score every row again.
    counts = spark.read.parquet(a.output).groupBy("level").count().orderBy("level").collect()
    print(", ".join(f"{row['level'] or 'error'}: {row['count']}" for row in counts))
    spark.stop()


if __name__ == "__main__":
    main()
