"""joblevel: at which rung is a job description? An individual contributor's role, a Head, a
Director, a VP or the C-suite (executive); how sure, and why.

The scoring engine is the joblevel Rust library, compiled in (`joblevel._joblevel`); the
answers are the ones `joblevel classify --format json` prints.

>>> import joblevel
>>> clf = joblevel.Classifier()                      # the default model, built in
>>> answer = clf.classify("Reporting to the CEO, you will own the entire operational structure.")
>>> answer["level"], answer["basis"], answer["described"]["level"]
('vp', 'described', 'vp')
>>> joblevel.title("Sr. Director of Ops")["level"]
'director'
>>> joblevel.LEVELS                                  # the ladder, lowest first
['individual', 'head', 'director', 'vp', 'executive']

Every answer has a probability and a score for each of the five rungs; a rung the model does not
know, or that `levels="three"` leaves out, has probability 0. `levels="three"` keeps the answer
among head, director and vp, for data that holds only leadership postings:

>>> joblevel.Classifier(levels="three").answers
['head', 'director', 'vp']

Many rows at once, in parallel with the GIL released, one result per row, errors per row:

>>> rows = clf.classify_many(["Supervise the shift team on the warehouse floor.", ""])
>>> rows[0]["level"], rows[1]
('head', {'error': 'text is empty'})

Columns rather than dicts, cheaper when the evidence is not wanted: `classify_columns` gives a
dict of lists named by `COLUMNS`; `score_frame(df, text="description")` appends those columns to
a pandas DataFrame, `score_batch(batch, text="description")` to a pyarrow RecordBatch. Spark:
`joblevel.spark.score(df, text="description")` does the same through `mapInArrow`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterable, Optional

from ._joblevel import COLUMNS, LEVELS, MAX_TEXT_BYTES, MODELS, Classifier, title

if TYPE_CHECKING:
    import pandas
    import pyarrow

__all__ = [
    "COLUMNS",
    "LEVELS",
    "MAX_TEXT_BYTES",
    "MODELS",
    "Classifier",
    "cached_classifier",
    "classify",
    "fit",
    "score_batch",
    "score_frame",
    "title",
]


def cached_classifier(model: str = "default", levels: str = "five") -> Classifier:
    """The classifier for `model` and `levels`, built once per process and shared.

    Spark executors and pandas UDFs call this, so a worker process loads the model once
    however many batches it scores.
    """
    return _cached(model, levels)


@functools.lru_cache(maxsize=None)
def _cached(model: str, levels: str = "five") -> Classifier:
    return Classifier(model, levels=levels)


def classify(
    text: str,
    title: Optional[str] = None,
    *,
    model: str = "default",
    basis: str = "named",
    levels: str = "five",
) -> dict[str, Any]:
    """`Classifier(model, levels=levels).classify(text, title, basis)`, the model loaded once
    per process."""
    return cached_classifier(model, levels).classify(text, title, basis)


def fit(
    title: str,
    text: str,
    *,
    model: str = "default",
    min_confidence: float = 0.5,
    levels: str = "five",
) -> dict[str, Any]:
    """Does `title` fit the level `text` describes, on the ladder individual < head < director
    < vp < executive? What `joblevel fit --format json` prints."""
    return cached_classifier(model, levels).fit(title, text, min_confidence)


def score_frame(
    df: "pandas.DataFrame",
    text: str = "description",
    title: Optional[str] = None,
    *,
    model: str = "default",
    threads: Optional[int] = None,
    levels: str = "five",
) -> "pandas.DataFrame":
    """`df` with the result columns (`COLUMNS`) appended, one result per row, index kept.

    `text` names the text column; `title`, if given, the title column: a row's title is its
    named level and is masked out of the text before the described level is scored (without
    one, the title is read from the text). A row that cannot be scored gets `None` results and
    its reason in `error`. The scores are one column per rung, `score_individual` to
    `score_executive`; `levels="three"` answers among head, director and vp only. A column of
    `df` already named like a result column is kept, and the result column is named
    `joblevel_<name>` instead.
    """
    import pandas

    titles: Optional[Iterable[Any]] = df[title] if title is not None else None
    columns = cached_classifier(model, levels).classify_columns(df[text], titles, threads)
    taken = set(df.columns)
    renamed = {name: f"joblevel_{name}" if name in taken else name for name in columns}
    results = pandas.DataFrame(
        {renamed[name]: values for name, values in columns.items()}, index=df.index
    )
    return pandas.concat([df, results], axis=1)


def score_batch(
    batch: "pyarrow.RecordBatch",
    text: str = "description",
    title: Optional[str] = None,
    *,
    model: str = "default",
    threads: Optional[int] = None,
    levels: str = "five",
) -> "pyarrow.RecordBatch":
    """`batch` with the result columns (`COLUMNS`) appended: `score_frame` for Arrow.

    The same arguments, rows and results as `score_frame`; `batch`'s own columns are passed on
    as they are, not converted. The string columns have the type of the text column (`string`
    or `large_string`), the others are `float64`; a row that cannot be scored has nulls and
    its reason in `error`. What `joblevel.spark.score` runs on each Arrow batch.
    """
    import pyarrow

    texts = batch.column(text)
    titles = batch.column(title).to_pylist() if title is not None else None
    columns = cached_classifier(model, levels).classify_columns(
        texts.to_pylist(), titles, threads
    )
    string = pyarrow.large_string() if pyarrow.types.is_large_string(texts.type) else pyarrow.string()
    types = {"str": string, "float": pyarrow.float64()}
    taken = set(batch.schema.names)
    names = list(batch.schema.names)
    arrays = list(batch.columns)
    for name, kind in COLUMNS:
        names.append(f"joblevel_{name}" if name in taken else name)
        arrays.append(pyarrow.array(columns[name], type=types[kind]))
    return pyarrow.RecordBatch.from_arrays(arrays, names=names)
