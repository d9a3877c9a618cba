"""The ladder's five rungs in every result, and `levels="three"` as `--levels three`: the same
dicts and columns the CLI gives, answers among head, director and vp only."""

from __future__ import annotations

import pandas
import pytest

import joblevel
from conftest import REPO, cli_json

RUNGS = ["individual", "head", "director", "vp", "executive"]
BARISTA = (
    "Make coffee for customers, keep the bar clean and take payments at the till. "
    "You report to the shift supervisor."
)
CEO = (
    "Reporting to the board of directors, you lead the whole organisation, own its P&L and "
    "chair the executive committee."
)
EXAMPLES = sorted((REPO / "corpora").glob("*.txt"))


def test_the_ladder_is_five_rungs_lowest_first_in_every_result():
    assert joblevel.LEVELS == RUNGS
    scores = [name for name, _ in joblevel.COLUMNS if name.startswith("score_")]
    assert scores == [f"score_{rung}" for rung in RUNGS]
    answer = joblevel.Classifier().classify(BARISTA)
    for key in ["probabilities", "scores"]:
        assert list(answer["described"][key]) == RUNGS, key
    assert sum(answer["described"]["probabilities"].values()) == pytest.approx(1.0)
    fitted = joblevel.fit("Head of Operations", BARISTA)
    assert list(fitted["description"]["probabilities"]) == RUNGS


@pytest.mark.parametrize("levels", ["five", "three"])
def test_a_five_rung_model_answers_as_the_cli_does(cli, five_rung_model, tmp_path, levels):
    clf = joblevel.Classifier(str(five_rung_model), levels=levels)
    assert clf.levels == levels
    kept = RUNGS if levels == "five" else ["head", "director", "vp"]
    assert clf.answers == kept
    for text in [BARISTA, CEO]:
        path = tmp_path / "posting.txt"
        path.write_text(text)
        flags = ["--model", str(five_rung_model), "--levels", levels]
        answer = clf.classify(text)
        assert answer == cli_json(cli, "classify", *flags, str(path))
        assert answer["level"] in kept
        probabilities = answer["described"]["probabilities"]
        assert [rung for rung in RUNGS if probabilities[rung] > 0] == kept
        fitted = clf.fit("Head of Operations", text)
        assert fitted == cli_json(cli, "fit", *flags, "--title", "Head of Operations", str(path))


def test_the_outer_rungs_are_answered_by_a_model_that_knows_them(five_rung_model):
    # Postings the small model was trained on.
    columns = joblevel.Classifier(str(five_rung_model)).classify_columns([BARISTA, CEO])
    assert columns["level"] == ["individual", "executive"]
    for rung in RUNGS:
        assert all(isinstance(s, float) for s in columns[f"score_{rung}"]), rung
    three = joblevel.Classifier(str(five_rung_model), levels="three")
    assert set(three.classify_columns([BARISTA, CEO])["level"]) <= {"head", "director", "vp"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_levels_three_is_the_cli_flag_on_the_shipped_model(cli, path):
    expected = cli_json(cli, "classify", "--levels", "three", str(path))
    assert joblevel.classify(path.read_text(), levels="three") == expected
    assert expected["level"] in {"head", "director", "vp"}
    expected = cli_json(cli, "fit", "--levels", "three", "--title", "Operations Analyst", str(path))
    assert joblevel.fit("Operations Analyst", path.read_text(), levels="three") == expected
    assert expected["verdict"] == "title-not-a-level"


def test_score_frame_takes_levels_and_a_wrong_one_is_refused(five_rung_model):
    df = pandas.DataFrame({"description": [BARISTA, CEO]})
    scored = joblevel.score_frame(df, model=str(five_rung_model), levels="three")
    assert set(scored.level) <= {"head", "director", "vp"}
    assert (scored.score_individual.notna()).all()
    assert repr(joblevel.Classifier(levels="three")) == (
        'joblevel.Classifier(model="default", levels="three")'
    )
    assert joblevel.cached_classifier("default", "three") is joblevel.cached_classifier(
        "default", "three"
    )
    assert joblevel.cached_classifier("default", "three") is not joblevel.cached_classifier()
    with pytest.raises(ValueError, match="levels 'four'|levels \"four\""):
        joblevel.Classifier(levels="four")
