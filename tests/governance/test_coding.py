"""A researcher's coding file: validation with located errors, derived paths, cross-table, tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from governance_fixtures import HEADER, ROWS, write_coding
from scipy import stats

from analysis.errors import DataError
from analysis.governance import coding

KNOWN = {"A-301@3.6", "B-501@3.6", "B-501@3.4"}
TYPES = coding.vocabulary(coding.read_schema())["value_created"]


def test_a_valid_file_loads_whatever_the_column_order(tmp_path):
    order = list(reversed(range(len(HEADER))))
    path = write_coding(tmp_path / "c.csv", [[r[i] for i in order] for r in ROWS],
                        [HEADER[i] for i in order])
    frame = coding.load_coding(path, KNOWN)
    assert frame["action_id"].tolist() == [r[0] for r in ROWS]


def _with(row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    return rows


@pytest.mark.parametrize(("rows", "header", "expected"), [
    (_with(1, "governance_mode", "reactive"), HEADER,
     r"row 3, column 'governance_mode': unknown term\(s\) 'reactive'; expected one of: "
     r"proactive, open"),
    (_with(0, "value_created", "economic;happiness"), HEADER,
     r"row 2, column 'value_created': unknown term\(s\) 'happiness'"),
    (_with(4, "excerpt_ids", "B-501@3.6;Z-999@3.9"), HEADER,
     r"row 6, column 'excerpt_ids': unknown excerpt id\(s\) Z-999@3.9"),
    (_with(5, "excerpt_ids", "B-501 at 3.6"), HEADER, r"row 7, column 'excerpt_ids'"),
    (_with(2, "period", "2018/19"), HEADER, r"row 4, column 'period'.*year range"),
    (_with(3, "action_id", "x1"), HEADER, r"row 5, column 'action_id': unique-error"),
    (_with(6, "governance_mode", ""), HEADER, r"row 8, column 'governance_mode': value required"),
    (_with(0, "mechanisms", "efficiency;efficiency"), HEADER,
     r"row 2, column 'mechanisms': a term is listed twice"),
    ([r[:6] + r[7:] for r in ROWS], HEADER[:6] + HEADER[7:],
     r"row 1, column 'value_created': column missing"),
    (ROWS, [*HEADER[:-1], "excerpts"],
     r"(?s)row 1, column 'excerpt_ids': column missing.*row 1, column 'excerpts': unexpected"),
])
def test_bad_coding_files_are_rejected_with_row_and_column(tmp_path, rows, header, expected):
    path = write_coding(tmp_path / "bad.csv", rows, header)
    with pytest.raises(DataError, match=expected) as caught:
        coding.load_coding(path, KNOWN)
    assert str(path) in str(caught.value)


def test_all_problems_are_reported_at_once(tmp_path):
    rows = _with(1, "governance_mode", "reactive")
    rows[4][HEADER.index("excerpt_ids")] = "Z-999@3.9"
    path = write_coding(tmp_path / "bad.csv", rows)
    with pytest.raises(DataError, match=r"2 problem\(s\)"):
        coding.load_coding(path, KNOWN)


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 1: file is empty"):
        coding.load_coding(path, KNOWN)


@pytest.fixture
def frame(coding_file) -> pd.DataFrame:
    return coding.load_coding(coding_file, KNOWN)


def test_trajectory_by_period_counts_modes_in_period_order(frame):
    periods = coding.derive_trajectories(frame)
    y = periods[periods["case"] == "Y"]
    assert y["period"].tolist() == ["2015", "2017"]
    assert y[["actions", "proactive", "open", "step"]].values.tolist() == [[1, 1, 0, 1],
                                                                            [3, 1, 2, 2]]
    x = periods[periods["case"] == "X"].set_index("period")
    assert x.loc["2018-2019", "dominant"] == "proactive" or x.loc["2018-2019", "proactive"] == 1
    assert x.loc["2018-2019", ["proactive", "open"]].tolist() == [1, 1]
    assert x.loc["2018-2019", "dominant"] == "tie"


def _manual_crosstab(rows) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        for term in filter(None, row[HEADER.index("value_created")].split(";")):
            key = (row[HEADER.index("governance_mode")], term.strip())
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_crosstab_counts_action_type_pairs(frame):
    table = coding.crosstab(frame, TYPES)
    manual = _manual_crosstab(ROWS)
    assert list(table.index) == ["proactive", "open"] and list(table.columns) == TYPES
    for mode in table.index:
        for value_type in TYPES:
            assert table.loc[mode, value_type] == manual.get((mode, value_type), 0)


def test_larger_table_uses_chi_square_as_scipy_does(frame):
    table = coding.crosstab(frame, TYPES)
    result = coding.mode_value_test(table)
    kept = table.loc[:, table.sum() > 0].to_numpy()
    chi2, p, dof, expected = stats.chi2_contingency(kept)
    assert result.test == "Pearson chi-square" and result.shape == kept.shape
    assert result.statistic == pytest.approx(chi2) and result.p_value == pytest.approx(p)
    assert result.dof == dof
    assert f"{int((expected < 5).sum())} of {expected.size} cells" in result.note


def test_two_by_two_table_uses_fisher_as_scipy_does(frame):
    two = frame[frame["value_created"].isin(["economic", "political"])]
    table = coding.crosstab(two, TYPES)
    result = coding.mode_value_test(table)
    odds, p = stats.fisher_exact(np.array([[2, 0], [0, 1]]))
    assert table.loc[:, ["economic", "political"]].to_numpy().tolist() == [[2, 0], [0, 1]]
    assert result.test.startswith("Fisher") and result.shape == (2, 2)
    assert result.p_value == pytest.approx(p)
    assert np.isinf(result.statistic) and np.isinf(odds)


def test_single_mode_is_not_computable(frame):
    table = coding.crosstab(frame[frame["governance_mode"] == "open"], TYPES)
    result = coding.mode_value_test(table)
    assert result.test == "not computable" and np.isnan(result.p_value)


def test_per_type_fisher_counts_each_action_once(frame):
    per_type = coding.per_type_fisher(frame, TYPES).set_index("value_type")
    # economic: proactive x1, x2, y3 (3 of 5 proactive actions); no open action (0 of 3)
    row = per_type.loc["economic"]
    assert [row.proactive_with, row.proactive_without, row.open_with, row.open_without] == [
        3, 2, 0, 3]
    assert row.p_value == pytest.approx(stats.fisher_exact([[3, 2], [0, 3]]).pvalue)
    assert np.isnan(per_type.loc["ideological", "p_value"])  # created by no action


def test_artifact_suffix_keeps_researcher_runs_apart():
    assert coding.artifact_suffix("fr", "") == "_fr"
    assert coding.artifact_suffix("en", "data/My Coding.v2.csv") == "_en_my-coding-v2"
