"""joblevel: is a job description a Head, a Director or a VP level role? How sure, and why.

The scoring engine is the joblevel Rust library, compiled in (`joblevel._joblevel`); the
answers are the ones `joblevel classify --format json` prints.

>>> import joblevel
>>> clf = joblevel.Classifier()                      # the default model, built in
>>> answer = clf.classify("Reporting to the CEO, you will own the entire operational structure.")
>>> answer["level"], answer["basis"], answer["described"]["level"]
('vp', 'described', 'vp')
>>> joblevel.title("Sr. Director of Ops")["level"]
'director'

Many rows at once, in parallel with the GIL released, one result per row, errors per row:

>>> rows = clf.classify_many(["Supervise the shift team on the warehouse floor.", ""])
>>> rows[0]["level"], rows[1]
('head', {'error': 'text is empty'})

pandas: `score_frame(df, text="description")` appends the result columns to a DataFrame.
Spark: `joblevel.spark.score(df, text="description")` does the same through `mapInPandas`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterable, Optional

from ._joblevel import COLUMNS, MAX_TEXT_BYTES, MODELS, Classifier, title

if TYPE_CHECKING:
    import pandas

__all__ = [
    "COLUMNS",
    "MAX_TEXT_BYTES",
    "MODELS",
    "Classifier",
    "cached_classifier",
    "classify",
    "fit",
    "score_frame",
    "title",
]


def cached_classifier(model: str = "default") -> Classifier:
    """The classifier for `model`, built once per process and shared.

    Spark executors and pandas UDFs call this, so a worker process loads the model once
    however many batches it scores.
    """
    return _cached(model)


@functools.lru_cache(maxsize=None)
def _cached(model: str) -> Classifier:
    return Classifier(model)


def classify(
    text: str, title: Optional[str] = None, *, model: str = "default", basis: str = "named"
) -> dict[str, Any]:
    """`Classifier(model).classify(text, title, basis)`, the model loaded once per process."""
    return cached_classifier(model).classify(text, title, basis)


def fit(
    title: str, text: str, *, model: str = "default", min_confidence: float = 0.5
) -> dict[str, Any]:
    """Does `title` fit the level `text` describes? What `joblevel fit --format json` prints."""
    return cached_classifier(model).fit(title, text, min_confidence)


def score_frame(
    df: "pandas.DataFrame",
    text: str = "description",
    title: Optional[str] = None,
    *,
    model: str = "default",
    threads: Optional[int] = None,
) -> "pandas.DataFrame":
    """`df` with the result columns (`COLUMNS`) appended, one result per row, index kept.

    `text` names the text column; `title`, if given, the title column: a row's title is its
    named level and is masked out of the text before the described level is scored (without
    one, the title is read from the text). A row that cannot be scored gets `None` results and
    its reason in `error`. A column of `df` already named like a
    result column is kept, and the result column is named `joblevel_<name>` instead.
    """
    import pandas

    titles: Optional[Iterable[Any]] = df[title] if title is not None else None
    columns = cached_classifier(model).classify_columns(df[text], titles, threads)
    taken = set(df.columns)
    renamed = {name: f"joblevel_{name}" if name in taken else name for name in columns}
    results = pandas.DataFrame(
        {renamed[name]: values for name, values in columns.items()}, index=df.index
    )
    return pandas.concat([df, results], axis=1)
