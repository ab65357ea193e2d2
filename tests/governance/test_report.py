"""What notebook 03 runs from its parameters: the cases shown, and a researcher's coding file."""

from __future__ import annotations

import json

import pytest
from governance_fixtures import ROWS, write_coding

from analysis.errors import ParameterError
from analysis.governance import coding, report


def test_the_shipped_cases_are_selected_in_the_order_asked():
    picked = report.select("en", "B, A,B")
    assert picked.requested == ["B", "A"] and picked.shown == ["B", "A"]
    assert set(picked.steps["case"]) == {"A", "B"}
    assert picked.coded is None and picked.suffix == "_en"


def test_an_unknown_language_is_refused_before_any_data_is_read():
    with pytest.raises(ParameterError, match=r"parameter 'lang': got 'xx', expected one of en"):
        report.select("xx", "A")


@pytest.mark.parametrize(("cases", "message"), [
    (" , ", r"parameter 'cases': no case given \(e\.g\. \"A,B\"\)"),
    ("A,Z", r"parameter 'cases': unknown case\(s\) Z; available: A, B"),
])
def test_bad_cases_are_named_with_what_is_available(cases, message):
    with pytest.raises(ParameterError, match=message):
        report.select("fr", cases)


def test_a_coding_file_adds_its_cases_and_names_the_artifacts_after_it(tmp_path):
    path = write_coding(tmp_path / "My Coding.csv", ROWS)
    picked = report.select("fr", "X,A", str(path))
    assert picked.shown == ["A"]  # X has no shipped steps: it is drawn from the coding only
    assert set(picked.coded["case"]) == {"X", "Y"}
    assert picked.suffix == "_fr_my-coding"


def test_no_coding_file_says_so_and_writes_nothing(tmp_paths, capsys):
    report.show_coding(report.select("en", "A,B"), "en", paths=tmp_paths)
    assert "Markdown object" in capsys.readouterr().out
    assert not tmp_paths.figures.exists() and not tmp_paths.tables.exists()


def test_a_coding_file_gives_one_figure_and_four_tables_named_after_it(tmp_paths, tmp_path,
                                                                        capsys):
    path = write_coding(tmp_path / "coding.csv", ROWS)
    picked = report.select("en", "X,Y", str(path))
    report.show_coding(picked, "en", paths=tmp_paths)
    shown = capsys.readouterr().out
    assert "Image object" in shown  # the saved PNG, displayed
    meta = json.loads((tmp_paths.figures / "governance_coding_trajectories_en_coding.json")
                      .read_text(encoding="utf-8"))
    assert meta["source"] == "coding.csv" and "X 2016: 2/0" in meta["alt"]
    names = [key for key, _frame, _caption in
             report.coding_tables(coding.analyse(picked.coded, picked.requested), "en")]
    assert names == ["periods", "crosstab", "test", "per_type"]
    for key in names:
        table = json.loads((tmp_paths.tables / f"governance_coding_{key}_en_coding.json")
                           .read_text(encoding="utf-8"))
        assert table["caption"].endswith("(coding.csv)") and table["source"] == "coding.csv"
