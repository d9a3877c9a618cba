"""Rows per second, and per CPU second, of the CLI, the Python package and Spark on one file.

    cargo build --release --bin joblevel && cargo build --example gen_postings
    target/debug/examples/gen_postings 20000 > postings.csv          # issue 21's 20,000 rows
    bash python/test.sh                        # or any venv with the wheel, pandas, pyspark
    target/pyenv/bin/python python/benches/throughput.py postings.csv

FILE defaults to the CSV `benches/throughput.sh 100000` writes
($TMPDIR/joblevel-throughput/postings-100000.csv). Every run scores the `description` column
with the `title` column as the named title, as `joblevel batch` does with that file:

- `joblevel batch` with 1 and 2 threads, CSV in, CSV out (median of 3; CPU from GNU time);
- in this process, on the texts already in memory (median of 3; CPU from getrusage):
  `Classifier.classify` once per row, `classify_many` (dicts with evidence) and
  `classify_columns` with 1 and 2 rayon threads, `score_frame` on the DataFrame and
  `score_batch` on the same rows as one Arrow RecordBatch (1 thread);
- Spark `local[2]`: the file as a cached DataFrame of 8 partitions, then
  `joblevel.spark.score(df)` through `mapInArrow` and through `mapInPandas`, written to
  Spark's `noop` sink (median of 3; CPU of the JVM and its Python workers, from /proc), and
  the same passes with an identity function, which is what Spark and Arrow cost without
  scoring.

"Rows per CPU s" is the per-core rate: on a shared machine other processes change it less
than the wall clock; "vs CLI" divides it by the CLI's with one thread, measured in the same
run: the ratio issue 21 sets targets on (0.6 for the package, 0.5 for Spark). Prints a
Markdown table.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas
import pyarrow

import joblevel
import joblevel.spark

REPO = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
TICK = os.sysconf("SC_CLK_TCK")


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def median3(run) -> tuple[float, float]:
    """Median wall time of three runs, with that run's CPU time."""
    runs = sorted(run() for _ in range(3))
    return runs[1]


def cli(path: Path, threads: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        times = Path(tmp) / "time.txt"
        out = Path(tmp) / "out.csv"
        subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S", "-o", str(times),
             str(TARGET / "release" / "joblevel"), "batch", "-q", "--threads", str(threads),
             str(path), "-o", str(out)],
            check=True,
        )
        wall, user, system = map(float, times.read_text().split()[-3:])
    return wall, user + system


def in_process(work) -> tuple[float, float]:
    start, cpu = time.perf_counter(), self_cpu()
    work()
    return time.perf_counter() - start, self_cpu() - cpu


def tree_cpu(root: int) -> float:
    """CPU seconds of `root` and its descendants, live and reaped."""
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry)
        parent[pid] = int(fields[1])
        cpu[pid] = sum(int(f) for f in fields[11:15]) / TICK
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo += [child for child, p in parent.items() if p == pid]
    return total


def spark_runs(frame: pandas.DataFrame) -> list[tuple[str, float, float]]:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("joblevel-throughput")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    jvm = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    df = spark.createDataFrame(frame).repartition(8).cache()
    df.count()

    def timed(make) -> tuple[float, float]:
        start, cpu = time.perf_counter(), tree_cpu(jvm) + self_cpu()
        make().write.format("noop").mode("overwrite").save()
        return time.perf_counter() - start, tree_cpu(jvm) + self_cpu() - cpu

    def identity(batches):
        yield from batches

    def score(via):
        return lambda: joblevel.spark.score(df, text="description", title="title", via=via)

    runs = [
        ("Spark local[2], `mapInArrow` identity (no scoring)",
         *median3(lambda: timed(lambda: df.mapInArrow(identity, schema=df.schema)))),
        ("Spark local[2], `joblevel.spark.score` (`mapInArrow`)",
         *median3(lambda: timed(score("arrow")))),
        ("Spark local[2], `mapInPandas` identity (no scoring)",
         *median3(lambda: timed(lambda: df.mapInPandas(identity, schema=df.schema)))),
        ("Spark local[2], `joblevel.spark.score(via=\"pandas\")` (`mapInPandas`)",
         *median3(lambda: timed(score("pandas")))),
    ]
    spark.stop()
    return runs


def main() -> None:
    default = Path(tempfile.gettempdir()) / "joblevel-throughput" / "postings-100000.csv"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    frame = pandas.read_csv(path, dtype=str, keep_default_na=False)
    texts, titles = list(frame.description), list(frame.title)
    clf = joblevel.Classifier()
    clf.classify_columns(texts[:1000], titles[:1000])  # warm up
    rows = len(frame)
    batch = pyarrow.RecordBatch.from_pandas(frame, preserve_index=False)
    results = [
        ("CLI `joblevel batch`, 1 thread", *median3(lambda: cli(path, 1))),
        ("CLI `joblevel batch`, 2 threads", *median3(lambda: cli(path, 2))),
        ("`classify`, one call per row",
         *median3(lambda: in_process(lambda: [clf.classify(*row) for row in zip(texts, titles)]))),
    ]
    for name, work in [
        ("`classify_many` (dicts with evidence)", clf.classify_many),
        ("`classify_columns` (dict of lists)", clf.classify_columns),
    ]:
        for threads in (1, 2):
            results.append((
                f"{name}, {threads} thread{'s' if threads > 1 else ''}",
                *median3(lambda: in_process(lambda: work(texts, titles, threads))),
            ))
    results += [
        ("`score_frame` (pandas), 1 thread",
         *median3(lambda: in_process(
             lambda: joblevel.score_frame(frame, "description", "title", threads=1)))),
        ("`score_batch` (Arrow), 1 thread",
         *median3(lambda: in_process(
             lambda: joblevel.score_batch(batch, "description", "title", threads=1)))),
    ]
    results += spark_runs(frame[["id", "title", "description"]])

    mb = path.stat().st_size / 1e6
    print(f"{rows} rows, {mb:.0f} MB ({path.name}), {os.cpu_count()} cores")
    print()
    print("| what | seconds | rows/s | CPU s | rows per CPU s | vs CLI |")
    print("|---|---:|---:|---:|---:|---:|")
    cli_cpu = results[0][2]
    for what, wall, cpu in results:
        print(f"| {what} | {wall:.2f} | {rows / wall:,.0f} | {cpu:.2f} | {rows / cpu:,.0f} "
              f"| {cli_cpu / cpu:.2f} |")


if __name__ == "__main__":
    main()
