"""The package gives the answers the CLI gives: same dicts, same levels, same scores."""

from __future__ import annotations

import csv

import pytest

import joblevel
from conftest import REPO, cli_json

EXAMPLES = sorted((REPO / "corpora").glob("*.txt"))
MODELS = ["default", "articles"]


def test_the_bundled_examples_are_there():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_classify_returns_the_dict_classify_format_json_prints(cli, path, model):
    expected = cli_json(cli, "classify", "--model", model, str(path))
    assert joblevel.Classifier(model).classify(path.read_text()) == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_top_sets_the_evidence_kept_as_the_cli_flag_does(cli, path):
    expected = cli_json(cli, "classify", "--top", "2", str(path))
    assert joblevel.Classifier(top=2).classify(path.read_text()) == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "title", ["Head of Operations", "Director of Operations", "VP, Operations", "Chef"]
)
def test_fit_returns_the_dict_fit_format_json_prints(cli, path, title):
    expected = cli_json(cli, "fit", "--title", title, str(path))
    assert joblevel.fit(title, path.read_text()) == expected


def test_title_returns_the_dict_title_format_json_prints_for_every_table_title(cli):
    with open(REPO / "tests" / "data" / "titles.csv", newline="") as f:
        titles = [row["title"] for row in csv.DictReader(f)]
    assert len(titles) > 300
    for title in titles:
        assert joblevel.title(title) == cli_json(cli, "title", title), title


def test_classify_with_a_title_is_the_description_fit_scores(cli, generated, tmp_path):
    """`fit` scores the description with its title masked out; so does classify(text, title)."""
    path = tmp_path / "posting.txt"
    for _, row in generated.head(10).iterrows():
        path.write_text(row.description)
        expected = cli_json(cli, "fit", "--title", row.title, str(path))["description"]
        assert joblevel.classify(row.description, row.title) == expected


def test_columns_on_generated_rows_match_cli_batch(generated, cli_batch):
    assert len(generated) == 20_000
    columns = joblevel.Classifier().classify_columns(generated.description, generated.title)
    expected = cli_batch.loc[generated.id]
    assert columns["level"] == list(expected.level)
    assert columns["error"] == [None] * len(generated)
    assert len(set(columns["level"])) == 3, "the generated rows should cover every level"
    # batch writes 4 decimals
    for name in ["confidence", "score_head", "score_director", "score_vp"]:
        worst = max(abs(a - b) for a, b in zip(columns[name], expected[name]))
        assert worst <= 0.00005 + 1e-9, name


def test_many_rows_are_the_single_answers_in_order(generated, cli_batch):
    rows = generated.head(300)
    many = joblevel.Classifier().classify_many(rows.description, rows.title)
    assert [r["level"] for r in many] == list(cli_batch.loc[rows.id].level)
    clf = joblevel.Classifier()
    for answer, (_, row) in zip(many, rows.iterrows()):
        assert answer == clf.classify(row.description, row.title)
