"""Coding files as spreadsheets really save them: each problem is one line naming the file,
the line and what was expected, wherever in the file it sits."""

from __future__ import annotations

import pytest
from governance_fixtures import HEADER, ROWS, write_coding

from analysis.errors import DataError
from analysis.governance import coding
from analysis.governance.evidence import load_excerpts

KNOWN = set(load_excerpts()["excerpt_id"])


def _csv(rows: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(row) for row in [HEADER, *rows]) + "\n"


def test_excel_s_byte_order_mark_is_dropped_not_taken_for_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(ROWS).encode("utf-8"))
    frame = coding.load_coding(path, KNOWN)
    assert list(frame.columns) == HEADER and len(frame) == len(ROWS)


def test_a_semicolon_separated_file_is_named_as_such_in_one_line(tmp_path):
    path = tmp_path / "excel-fr.csv"
    path.write_text(_csv([[c.replace(";", ",") for c in r] for r in ROWS], ";"), "utf-8")
    with pytest.raises(DataError) as err:
        coding.load_coding(path, KNOWN)
    message = str(err.value)
    assert message == (f"{path}, row 1: columns are separated by semicolons (French Excel's "
                       "default); expected a comma-separated CSV file (in Excel: Save as > CSV "
                       "UTF-8)")


def test_a_row_with_an_extra_cell_is_named_by_its_line(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2].append("stray")
    path = write_coding(tmp_path / "extra.csv", rows)
    with pytest.raises(DataError, match=r"extra.csv, row 4: 10 cells, more than the 9 columns"):
        coding.load_coding(path, KNOWN)


def test_an_unclosed_quote_is_an_error_not_a_swallowed_rest_of_file(tmp_path):
    path = tmp_path / "quote.csv"
    text = _csv(ROWS).replace("fixture action", '"fixture action', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"quote.csv, row \d+: .*unclosed quote"):
        coding.load_coding(path, KNOWN)


def test_latin1_bytes_after_the_first_8_kb_are_named_by_line(tmp_path):
    rows = [[f"a{i}", "X", "2016", "fixture action", "proactive", "", "economic", "", ""]
            for i in range(400)]
    text = _csv(rows)
    assert len(text) > 8192
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("utf-8") + "a401,X,2016,action café,open,,,,\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1.csv, row 402: byte \d+ is not UTF-8"):
        coding.load_coding(path, KNOWN)


def test_a_folder_given_as_coding_file_is_named(tmp_path):
    with pytest.raises(DataError, match="is a folder; expected a coding file"):
        coding.load_coding(tmp_path, KNOWN)


def test_a_period_that_ends_before_it_starts_is_refused(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][HEADER.index("period")] = "2020-2016"
    path = write_coding(tmp_path / "period.csv", rows)
    with pytest.raises(DataError, match=r"row 4, column 'period': '2020-2016' ends before it "
                                         r"starts"):
        coding.load_coding(path, KNOWN)
