"""The package gives the answers the CLI gives: same dicts, same levels, same scores."""

from __future__ import annotations

import csv
import json

import pytest

import joblevel
from conftest import REPO, cli_json, run_cli

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
        titles = [row["title"] for row in csv.DictReader(f) if row["title"].strip()]
    assert len(titles) > 300
    # `joblevel title -` answers one title per stdin line, one JSON object per line
    done = run_cli(cli, "title", "--format", "json", "-", stdin="\n".join(titles).encode())
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(titles), done.stderr.decode()
    for title, answer in zip(titles, answers):
        assert joblevel.title(title) == answer, title


def test_a_blank_title_is_an_error_as_in_the_cli(cli):
    assert run_cli(cli, "title", " ").returncode == 3
    with pytest.raises(ValueError, match="the title is empty"):
        joblevel.title(" ")


def test_generated_rows_get_the_dict_classify_prints_with_and_without_title(
    cli, generated, tmp_path
):
    path = tmp_path / "posting.txt"
    clf = joblevel.Classifier()
    for _, row in generated.iloc[::2000].iterrows():
        path.write_text(row.description)
        with_title = cli_json(cli, "classify", "--title", row.title, str(path))
        assert clf.classify(row.description, row.title) == with_title
        assert clf.classify(row.description) == cli_json(cli, "classify", str(path))
        described = cli_json(cli, "classify", "--basis", "described", str(path))
        assert clf.classify(row.description, basis="described") == described


def test_columns_on_generated_rows_match_cli_batch(generated, cli_batch):
    assert len(generated) == 20_000
    columns = joblevel.Classifier().classify_columns(generated.description, generated.title)
    expected = cli_batch.loc[generated.id]
    for name in ["level", "basis", "named_level", "described_level"]:
        assert columns[name] == list(expected[name]), name
    assert columns["error"] == [None] * len(generated)
    # The generated rows are leadership postings: at least head, director and vp.
    assert len(set(columns["level"])) >= 3, "the generated rows should cover every level"
    assert len(set(columns["described_level"])) >= 3
    # batch writes 4 decimals
    for name in ["confidence"] + [f"score_{level}" for level in joblevel.LEVELS]:
        worst = max(abs(a - b) for a, b in zip(columns[name], expected[name]))
        assert worst <= 0.00005 + 1e-9, name


def test_many_rows_are_the_single_answers_in_order(generated):
    rows = generated.head(300)
    clf = joblevel.Classifier()
    many = clf.classify_many(rows.description, rows.title)
    columns = clf.classify_columns(rows.description, rows.title)
    assert [r["level"] for r in many] == columns["level"]
    for answer, (_, row) in zip(many, rows.iterrows()):
        assert answer == clf.classify(row.description, row.title)


def _shape(value):
    """The keys of every dict in `value`, in order, nested as `value` nests them."""
    if isinstance(value, dict):
        return [(key, _shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def test_many_rows_are_the_cli_json_key_order_and_types_included(cli, generated, tmp_path):
    rows = generated.iloc[::2000]
    many = joblevel.Classifier().classify_many(rows.description, rows.title)
    path = tmp_path / "posting.txt"
    for answer, (_, row) in zip(many, rows.iterrows()):
        path.write_text(row.description)
        expected = cli_json(cli, "classify", "--title", row.title, str(path))
        assert answer == expected
        assert _shape(answer) == _shape(expected)
