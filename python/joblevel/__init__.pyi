"""Type stubs of the joblevel package (the compiled `joblevel._joblevel` and its helpers)."""

from typing import Any, Iterable, Literal, Optional, TypedDict

import pandas
import pyarrow

LevelName = Literal["individual", "head", "director", "vp", "executive"]
Basis = Literal["named", "described"]
Levels = Literal["five", "three"]
"""The rungs an answer may take: all five, or head, director and vp only (`--levels`)."""

class ByLevel(TypedDict):
    """One number per rung, every rung always present (probability 0 for a rung the model or
    `levels` leaves out)."""

    individual: float
    head: float
    director: float
    vp: float
    executive: float

class Evidence(TypedDict):
    level: LevelName
    term: str
    count: int
    weight: float

class Described(TypedDict):
    """The level the text describes, its own title masked out."""

    level: LevelName
    confidence: float
    probabilities: ByLevel
    scores: ByLevel
    evidence: list[Evidence]

class Named(TypedDict):
    """The level the posting names for itself, and where (byte offsets in the text)."""

    level: LevelName
    title: str
    start: int
    end: int
    reason: str

class Answer(TypedDict):
    """What `joblevel classify --format json` prints."""

    level: LevelName
    basis: Literal["named", "described"]
    named: Optional[Named]
    described: Described
    note: Optional[str]
    unnamed: Optional[str]

class RowError(TypedDict):
    """A row of `classify_many` that could not be scored."""

    error: str

class ParsedTitle(TypedDict):
    level: Optional[LevelName]
    function: Optional[str]
    reason: str

class Sides(TypedDict):
    """Probabilities that the described level lies below and above the title's."""
    below: float
    above: float

class FitAnswer(TypedDict):
    title: ParsedTitle
    description: Described
    verdict: Literal["fits", "over-titled", "under-titled", "title-not-a-level", "uncertain"]
    sides: Optional[Sides]
    min_confidence: float

MODELS: list[str]
"""The built-in model names: `default`, `articles`."""
MAX_TEXT_BYTES: int
"""Longest text scored by `classify_many` / `classify_columns`, in UTF-8 bytes (as `joblevel batch`)."""
COLUMNS: list[tuple[str, Literal["str", "float"]]]
"""The columns of `classify_columns`, in order, with the Python type of their values: a score
per rung, `score_individual` ... `score_executive`."""
LEVELS: list[LevelName]
"""The ladder, lowest first: `individual`, `head`, `director`, `vp`, `executive`."""

class Classifier:
    """Scores job descriptions on the ladder individual < head < director < vp < executive.

    `model`: "default", "articles" or the path of a file from `joblevel train -o`;
    `top`: evidence terms kept per level; `levels`: "five", or "three" for head, director
    and vp only. Thread-safe; scoring releases the GIL.
    """

    def __init__(self, model: str = "default", top: int = 5, levels: Levels = "five") -> None: ...
    @property
    def model(self) -> str: ...
    @property
    def levels(self) -> Levels: ...
    @property
    def answers(self) -> list[LevelName]:
        """The levels this classifier answers with, lowest first."""
    def classify(
        self, text: str, title: Optional[str] = None, basis: Basis = "named"
    ) -> Answer: ...
    def classify_many(
        self,
        texts: Iterable[Any],
        titles: Optional[Iterable[Any]] = None,
        threads: Optional[int] = None,
        basis: Basis = "named",
    ) -> list[Answer | RowError]: ...
    def classify_columns(
        self,
        texts: Iterable[Any],
        titles: Optional[Iterable[Any]] = None,
        threads: Optional[int] = None,
        basis: Basis = "named",
    ) -> dict[str, list[Any]]: ...
    def fit(self, title: str, text: str, min_confidence: float = 0.5) -> FitAnswer: ...

def title(title: str) -> ParsedTitle:
    """The level a job title names, its function and why (`joblevel title --format json`)."""

def cached_classifier(model: str = "default", levels: Levels = "five") -> Classifier:
    """The classifier for `model` and `levels`, built once per process and shared."""

def classify(
    text: str,
    title: Optional[str] = None,
    *,
    model: str = "default",
    basis: Basis = "named",
    levels: Levels = "five",
) -> Answer: ...
def fit(
    title: str,
    text: str,
    *,
    model: str = "default",
    min_confidence: float = 0.5,
    levels: Levels = "five",
) -> FitAnswer: ...
def score_frame(
    df: pandas.DataFrame,
    text: str = "description",
    title: Optional[str] = None,
    *,
    model: str = "default",
    threads: Optional[int] = None,
    levels: Levels = "five",
) -> pandas.DataFrame:
    """`df` with the result columns (`COLUMNS`) appended; errors per row in `error`."""
def score_batch(
    batch: pyarrow.RecordBatch,
    text: str = "description",
    title: Optional[str] = None,
    *,
    model: str = "default",
    threads: Optional[int] = None,
    levels: Levels = "five",
) -> pyarrow.RecordBatch:
    """`batch` with the result columns (`COLUMNS`) appended as Arrow arrays; its own columns
    passed on as they are."""
