"""Tabular exports: Citavi Excel (the default corpus), Scopus CSV in several languages, Zotero,
Web of Science tab-delimited. Expected counts are computed independently of the importer."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from export_fixtures import FIXTURES

from analysis.literature import (
    DedupeStats,
    NoYearFieldError,
    Record,
    count_per_year,
    deduplicate,
    detect_format,
    iter_records,
    read_records,
)
from analysis.paths import PROCESS

CORPUS = PROCESS.slr_corpus_xlsx
ZH_CSV = PROCESS.shared / "fixtures" / "exports" / "scopus-csv-zh" / "q-smart-city-2000.csv"


def test_citavi_sample_fields_are_normalised():
    records = read_records(FIXTURES / "citavi_sample.xlsx")
    assert detect_format(FIXTURES / "citavi_sample.xlsx") == "xlsx"
    assert [r.year for r in records] == [2015, 2016, 2016, None, 2015, 2019]
    assert records[1].doi == "10.9999/synthetic.0002"  # URL form, upper case in the file
    assert records[4].doi == "10.9999/synthetic.0001"  # "doi:" prefix
    assert records[2].doi is None
    assert records[0].abstract == "Governance of a synthetic city."
    assert records[1].abstract is None
    assert all(isinstance(r, Record) for r in records)


def test_citavi_sample_dedupe_and_counts():
    stats = DedupeStats()
    unique = list(deduplicate(read_records(FIXTURES / "citavi_sample.xlsx"), stats))
    assert (stats.read, stats.removed, stats.by_doi) == (6, 1, 1)
    assert count_per_year(unique) == {2015: 1, 2016: 2, 2017: 0, 2018: 0, 2019: 1}


def _openpyxl_year_counts(path: Path, column: str) -> Counter:
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    header = list(next(rows))
    index = header.index(column)
    years = Counter(str(row[index]).strip() for row in rows if any(c is not None for c in row))
    workbook.close()
    return years


@pytest.mark.skipif(not CORPUS.exists(), reason="needs ../shared corpus")
def test_real_citavi_corpus_matches_independent_count():
    expected = _openpyxl_year_counts(CORPUS, "Jahr ermittelt")
    without = expected.pop("", 0) + expected.pop("None", 0)
    records = list(iter_records(CORPUS))
    assert len(records) == sum(expected.values()) + without
    assert sum(r.year is None for r in records) == without
    assert count_per_year(records, fill=False) == {int(y): n for y, n in sorted(expected.items())}
    assert all(r.abstract is None or r.abstract.strip() for r in records)


@pytest.mark.skipif(not ZH_CSV.exists(), reason="needs ../shared fixtures")
def test_chinese_scopus_csv_without_year_names_its_columns():
    assert detect_format(ZH_CSV) == "csv"
    with pytest.raises(NoYearFieldError) as caught:
        read_records(ZH_CSV)
    message = str(caught.value)
    for column in ("标题", "链接", "作者关键字", "索引关键字"):
        assert column in message
    assert caught.value.fields == ["标题", "链接", "作者关键字", "索引关键字"]  # BOM stripped
    assert "Year" in message and "年份" in message  # says what it looked for


def _csv_year_counts(path: Path, column: str, delimiter: str = ",") -> Counter:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return Counter(row[column] for row in csv.DictReader(handle, delimiter=delimiter))


@pytest.mark.parametrize(
    ("name", "year_column"),
    [
        ("scopus_en.csv", "Year"),
        ("scopus_fr.csv", "Année"),
        ("scopus_zh_with_year.csv", "年份"),
        ("zotero.csv", "Publication Year"),
    ],
)
def test_csv_exports_match_independent_count(name, year_column):
    path = FIXTURES / name
    assert detect_format(path) == "csv"
    expected = _csv_year_counts(path, year_column)
    records = read_records(path)
    assert len(records) == sum(expected.values())
    assert sum(r.year is None for r in records) == expected.pop("", 0)
    assert count_per_year(records, fill=False) == {int(y): n for y, n in sorted(expected.items())}
