"""The value grid reproduces slide 1.4 cell for cell, and its derived views agree with it."""

from __future__ import annotations

import pytest

from analysis import i18n, valuegrid
from analysis.errors import ParameterError
from analysis.paths import PROCESS


@pytest.fixture(scope="module")
def grid():
    return valuegrid.load()


def slide_rows_from_seed() -> list[list[str]]:
    """The nine table rows of slide 1.4, read straight from the talk's text layer."""
    if not PROCESS.seed_talk.exists():
        pytest.skip(f"seed text not available at {PROCESS.seed_talk}")
    lines = PROCESS.seed_talk.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Composante\tCaractérisation"))
    rows = [ln.split("\t") for ln in lines[start + 1:start + 10]]
    assert all(len(r) == 4 for r in rows)
    return [[cell.strip() for cell in row] for row in rows]


def test_slide_table_matches_slide_1_4_cell_for_cell(grid):
    table = valuegrid.slide_table(grid, "fr")
    expected = slide_rows_from_seed()
    assert table.shape == (9, 4)
    for got, want in zip(table.itertuples(index=False), expected, strict=True):
        # the slide separates the values of one cell with spaces; we use "; "
        cells = [got[0], got[1], *(c.replace(valuegrid.CELL_SEPARATOR, " ") for c in got[2:])]
        assert cells == want


def test_headings_follow_the_slide(grid):
    columns = list(valuegrid.slide_table(grid, "fr").columns)
    assert columns[0] == "Composante"
    assert columns[1].startswith("Caractérisation — Csukas")
    assert columns[2].startswith("Types de valeur publique — Harrison")
    assert columns[3].startswith("Valeurs publiques — Jørgensen")


def test_crosswalk_has_one_row_per_link_in_both_languages(grid):
    for lang in i18n.languages():
        long = valuegrid.crosswalk(grid, lang)
        assert len(long) == len(grid.links)
        assert not long.isna().any().any()
    en = valuegrid.crosswalk(grid, "en")
    assert en.loc[en["component_id"] == "efficiency", "Value"].tolist()[:2] == \
        ["Economic", "Strategic"]


def test_incidence_and_counts_agree_with_the_links(grid):
    matrix = valuegrid.incidence(grid, "harrison2012", "en")
    harrison_links = grid.links[grid.links["framework"] == "harrison2012"]
    assert matrix.shape == (9, harrison_links["value_id"].nunique())
    assert int(matrix.to_numpy().sum()) == len(harrison_links)
    counts = valuegrid.value_counts(grid, "en")
    per_value = harrison_links.groupby("value_id")["component_id"].nunique()
    got = counts[counts["framework"] == "harrison2012"].set_index("value_id")
    assert got["Number of components"].to_dict() == per_value.to_dict()
    assert counts["Number of components"].sum() == len(grid.links)


def test_summary_is_computed_from_the_counts(grid):
    counts = valuegrid.value_counts(grid, "en")
    text = valuegrid.summary(counts, 9, "en")
    top = counts[counts["framework"] == "harrison2012"]["Number of components"].max()
    assert f"named for {top} of the 9 components" in text


def test_unknown_language_is_refused_naming_the_available_ones(grid):
    with pytest.raises(ParameterError, match="expected one of en, ar, fr"):
        valuegrid.crosswalk(grid, "de")
