"""``python -m analysis.literature count``: the report, de-duplication across files, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from export_fixtures import EXPORTS, FIXTURES, SCOPUS_BIB, needs_shared

from analysis.literature.__main__ import main

ZH_CSV = EXPORTS / "scopus-csv-zh" / "q-smart-city-2000.csv"


def count_json(capsys, *args: str) -> dict:
    assert main(["count", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@needs_shared
def test_same_export_twice_reports_duplicates_removed(capsys):
    text = SCOPUS_BIB.read_text(encoding="utf-8")
    entries = len(re.findall(r"^@\w+\{", text, flags=re.MULTILINE))
    years = [int(y) for y in re.findall(r"^\s*year = \{(\d{4})\}", text, flags=re.MULTILINE)]
    report = count_json(capsys, str(SCOPUS_BIB), str(SCOPUS_BIB))
    assert report["records_read"] == 2 * entries
    assert report["duplicates_removed"] == entries
    assert report["per_year"] == {str(y): years.count(y) for y in range(min(years), max(years) + 1)}
    assert [f["records"] for f in report["files"]] == [entries, entries]
    assert {f["format"] for f in report["files"]} == {"bibtex"}


def test_year_range_and_bookkeeping(capsys):
    files = [FIXTURES / n for n in ("wos_plain.txt", "wos_tab.txt", "ris.ris", "scopus_en.csv")]
    report = count_json(capsys, *map(str, files), "--from", "2017", "--to", "2020")
    assert report["records_read"] == 18 and report["duplicates_removed"] == 6
    assert list(report["per_year"]) == ["2017", "2018", "2019", "2020"]  # zero-filled range
    assert report["per_year"]["2020"] == 0
    # every record read is counted, a duplicate, without a year, or outside the range
    assert report["records_read"] == (report["counted"] + report["duplicates_removed"]
                                      + report["without_year"] + report["outside_range"])
    assert report["outside_range"] > 0


def test_keep_duplicates(capsys):
    path = str(FIXTURES / "wos_plain.txt")
    report = count_json(capsys, path, path, "--keep-duplicates")
    assert report["duplicates_removed"] == 0 and report["counted"] == 6


def test_text_report(capsys):
    assert main(["count", str(FIXTURES / "wos_plain.txt"), str(FIXTURES / "wos_tab.txt")]) == 0
    out = capsys.readouterr().out
    assert "records read            9" in out
    assert "duplicates removed      4" in out
    assert "records without a year  1" in out
    assert "2019  1" in out


@needs_shared
def test_chinese_csv_fails_with_its_columns(capsys):
    assert main(["count", str(ZH_CSV)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "标题, 链接, 作者关键字, 索引关键字" in err
    assert "Traceback" not in err


def test_bad_inputs_exit_non_zero_with_a_message(tmp_path, capsys):
    assert main(["count", str(tmp_path / "missing.ris")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["count", str(FIXTURES / "ris.ris"), "--from", "2020", "--to", "2010"]) == 1
    assert "from > to" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["count", "--format", "endnote", str(FIXTURES / "ris.ris")])
    assert usage.value.code == 2


def test_detect_command(capsys):
    assert main(["detect", str(FIXTURES / "wos_plain.txt"), str(FIXTURES / "ris.ris")]) == 0
    assert capsys.readouterr().out.split() == [
        str(FIXTURES / "wos_plain.txt"), "wos-tagged", str(FIXTURES / "ris.ris"), "ris"]


@pytest.mark.slow
def test_module_entry_point_runs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "analysis.literature", "count", "--json",
         str(FIXTURES / "openalex_works.json"), str(FIXTURES / "openalex_works.jsonl")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["duplicates_removed"] == 1  # work three is in both files
    assert report["per_year"] == {"2019": 1, "2020": 2, "2021": 1}
