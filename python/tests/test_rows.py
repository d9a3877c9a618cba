"""Rows: one result per input row, in order; a bad row gets an error, the batch goes on."""

from __future__ import annotations

import math

import pandas
import pytest

import joblevel
from conftest import REPO, run_cli

VP = "Reporting to the CEO, you will own the entire operational structure of the company."
HEAD = "Supervise the day-to-day shift team on the warehouse floor and report to the Director."


@pytest.fixture(scope="module")
def clf() -> joblevel.Classifier:
    return joblevel.Classifier()


BAD_ROWS = [
    ("", "text is empty"),
    ("  \n\t ", "text is empty"),
    ("-- !! --", "text is empty"),
    (None, "text is missing (None or NaN)"),
    (float("nan"), "text is missing (None or NaN)"),
    (pandas.NA, "text is missing (None or NaN)"),
    (42, "text is int, not str"),
    (b"bytes", "text is bytes, not str"),
    ("\ud800 lone surrogate", "text is not valid UTF-8 (it holds a lone surrogate)"),
    ("x" * (joblevel.MAX_TEXT_BYTES + 1), "over the 1048576-byte limit"),
]


def test_bad_rows_get_their_reason_and_the_others_are_scored(clf):
    texts = [VP]
    for bad, _ in BAD_ROWS:
        texts += [bad, HEAD]
    rows = clf.classify_many(texts)
    assert len(rows) == len(texts)
    assert rows[0]["level"] == "vp"
    for i, (_, reason) in enumerate(BAD_ROWS):
        bad, after = rows[1 + 2 * i], rows[2 + 2 * i]
        assert list(bad) == ["error"] and reason in bad["error"]
        assert after["level"] == "head"


def test_columns_carry_none_results_and_the_error_for_a_bad_row(clf):
    columns = clf.classify_columns([VP, None, "", HEAD])
    assert list(columns) == [name for name, _ in joblevel.COLUMNS]
    assert all(len(values) == 4 for values in columns.values())
    assert columns["level"] == ["vp", None, None, "head"]
    assert columns["error"] == [None, "text is missing (None or NaN)", "text is empty", None]
    assert columns["confidence"][1] is None and columns["confidence"][0] > 1 / 3
    for name, kind in joblevel.COLUMNS:
        values = [v for v in columns[name] if v is not None]
        assert all(isinstance(v, {"str": str, "float": float}[kind]) for v in values), name


def test_the_named_level_answers_when_the_posting_names_one():
    clf = joblevel.Classifier()
    posting = "Director of Operations\n\n" + HEAD
    answer = clf.classify(posting)
    assert (answer["level"], answer["basis"]) == ("director", "named")
    assert answer["named"]["title"] == "Director of Operations"
    assert answer["described"]["level"] == "head" and answer["note"]
    described = clf.classify(posting, basis="described")
    assert (described["level"], described["basis"], described["named"]) == ("head", "described", None)
    columns = clf.classify_columns([posting, HEAD], ["VP, Operations", None])
    assert columns["level"] == ["vp", "head"]
    assert columns["basis"] == ["named", "described"]
    assert columns["named_level"] == ["vp", None]
    assert columns["named_title"] == ["VP, Operations", None]
    assert columns["described_level"] == ["head", "head"]
    with pytest.raises(ValueError, match="basis"):
        clf.classify(HEAD, basis="title")


def test_a_missing_title_means_no_title_and_a_wrong_type_is_a_row_error(clf):
    rows = clf.classify_many([VP, VP, VP], ["VP of Operations", None, 7])
    assert rows[0] == clf.classify(VP, "VP of Operations")
    assert rows[1] == clf.classify(VP)
    assert rows[2] == {"error": "title is int, not str"}


def test_single_text_errors_raise_value_error_with_the_reason(clf):
    with pytest.raises(ValueError, match="text is empty"):
        clf.classify("   ")


def test_caller_mistakes_raise_for_the_whole_call(clf):
    with pytest.raises(TypeError, match="not one str"):
        clf.classify_many(VP)
    with pytest.raises(ValueError, match="2 texts but 1 titles"):
        clf.classify_many([VP, HEAD], ["VP"])
    with pytest.raises(ValueError, match="threads must be at least 1"):
        clf.classify_many([VP], threads=0)
    with pytest.raises(TypeError):
        clf.classify_many(5)


def test_any_iterable_works_generators_tuples_series(clf):
    expected = clf.classify_many([VP, HEAD])
    assert clf.classify_many(t for t in (VP, HEAD)) == expected
    assert clf.classify_many((VP, HEAD)) == expected
    assert clf.classify_many(pandas.Series([VP, HEAD], index=[10, 3])) == expected
    assert clf.classify_many([]) == []
    assert clf.classify_columns([])["level"] == []


def test_thread_counts_change_nothing_but_speed(generated):
    clf = joblevel.Classifier()
    rows = generated.head(2000)
    one = clf.classify_columns(rows.description, rows.title, threads=1)
    assert clf.classify_columns(rows.description, rows.title, threads=2) == one
    assert clf.classify_columns(rows.description, rows.title, threads=7) == one
    assert clf.classify_columns(rows.description, rows.title) == one


def test_models_by_name_and_by_file(cli, tmp_path):
    path = tmp_path / "small.json"
    done = run_cli(cli, "train", "--labelled", str(REPO / "corpora" / "labelled.csv"), "-o", str(path))
    assert done.returncode == 0, done.stderr.decode()
    from_file = joblevel.Classifier(str(path))
    assert from_file.model == str(path)
    assert from_file.classify(VP)["level"] == "vp"
    assert joblevel.Classifier("articles").classify(VP) != joblevel.Classifier().classify(VP)
    assert set(joblevel.MODELS) == {"default", "articles"}
    with pytest.raises(ValueError, match="nope.json"):
        joblevel.Classifier("nope.json")


def test_score_frame_appends_results_keeps_index_and_renames_clashing_columns():
    df = pandas.DataFrame(
        {"description": [HEAD, None, VP], "level": ["gold-a", "gold-b", "gold-c"]},
        index=["a", "b", "c"],
    )
    scored = joblevel.score_frame(df, text="description")
    assert list(scored.index) == ["a", "b", "c"]
    assert list(scored.level) == ["gold-a", "gold-b", "gold-c"]
    assert list(scored.joblevel_level.iloc[[0, 2]]) == ["head", "vp"]
    assert scored.error.iloc[1] == "text is missing (None or NaN)"
    assert math.isnan(scored.confidence.iloc[1])
    assert list(scored.columns[:2]) == ["description", "level"]


def test_score_batch_appends_the_score_frame_columns_to_an_arrow_batch():
    import pyarrow

    df = pandas.DataFrame(
        {"description": [HEAD, None, VP, ""], "level": ["gold-a", "gold-b", "gold-c", "gold-d"]}
    )
    batch = pyarrow.RecordBatch.from_pandas(df, preserve_index=False)
    scored = joblevel.score_batch(batch, text="description")
    assert scored.column(0) is batch.column(0) or scored.column(0).equals(batch.column(0))
    names = [f"joblevel_{n}" if n == "level" else n for n, _ in joblevel.COLUMNS]
    assert scored.schema.names == ["description", "level"] + names
    frame = joblevel.score_frame(df, text="description")
    assert scored.to_pandas().equals(frame)
    assert scored.schema.field("error").type == pyarrow.string()
    assert scored.schema.field("confidence").type == pyarrow.float64()
    assert scored.column("confidence").null_count == 2
    large = pyarrow.RecordBatch.from_arrays(
        [pyarrow.array([VP], type=pyarrow.large_string())], names=["text"]
    )
    scored = joblevel.score_batch(large, text="text")
    assert scored.schema.field("level").type == pyarrow.large_string()
    assert scored.column("level").to_pylist() == ["vp"]


def test_classify_many_leaves_the_garbage_collector_as_it_found_it(clf):
    import gc

    assert gc.isenabled()
    clf.classify_many([VP, HEAD, ""])
    assert gc.isenabled()
    gc.disable()
    try:
        clf.classify_many([VP])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_classifier_is_shared_per_process_and_described():
    assert joblevel.cached_classifier() is joblevel.cached_classifier("default")
    assert repr(joblevel.Classifier("articles")) == 'joblevel.Classifier(model="articles")'
    assert "GIL" in joblevel.Classifier.__doc__
    assert "error" in joblevel.Classifier.classify_many.__doc__
