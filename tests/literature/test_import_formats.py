"""Counts per year from every export fixture match a count made independently of the importer
(regular expressions over the raw text, the csv module, the json module).

Covers every file in ../shared/fixtures/exports/ (real exports) and the small synthetic fixtures
in tests/literature/fixtures/ for the formats missing there.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from types import GeneratorType

import pytest
from export_fixtures import EXPORTS, FIXTURES, needs_shared

from analysis.literature import count_per_year, detect_format, iter_records, read_records


def bibtex_truth(path: Path) -> tuple[int, Counter]:
    """(entries, years): '@type{' lines that are not @string/@comment/@preamble, and the
    first 4-digit number of each `year = ...` line."""
    text = path.read_text(encoding="utf-8-sig")
    entries = re.findall(r"^\s*@(\w+)\s*\{", text, flags=re.MULTILINE)
    n = sum(kind.lower() not in {"string", "comment", "preamble"} for kind in entries)
    years = re.findall(r"^\s*year\s*=\s*\W*(\d{4})", text, flags=re.MULTILINE | re.IGNORECASE)
    return n, Counter(int(y) for y in years)


def tagged_truth(path: Path, end: str, year: str) -> tuple[int, Counter]:
    """(records, years) of a tagged file: blocks closed by an `end` line, first year tag each."""
    text = path.read_text(encoding="utf-8-sig")
    blocks = re.split(rf"^{end}.*$", text, flags=re.MULTILINE)[:-1]
    years = Counter()
    for block in blocks:
        found = re.search(rf"^{year}\D*(\d{{4}})", block, flags=re.MULTILINE)
        if found:
            years[int(found.group(1))] += 1
    return len(blocks), years


def csv_truth(path: Path, column: str, delimiter: str = ",") -> tuple[int, Counter]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        rows = list(csv.DictReader(handle, delimiter=delimiter, quoting=quoting))
    return len(rows), Counter(int(r[column]) for r in rows if r[column].strip())


def json_truth(path: Path) -> tuple[int, Counter]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        works = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        works = json.loads(text)["results"]
    return len(works), Counter(w["publication_year"] for w in works if w["publication_year"])


def assert_matches(path: Path, truth: tuple[int, Counter], **options: str) -> None:
    records, years = truth
    read = read_records(path, **options)
    assert len(read) == records
    assert count_per_year(read, fill=False) == dict(sorted(years.items()))
    assert sum(r.year is None for r in read) == records - sum(years.values())


@needs_shared
@pytest.mark.parametrize("engine", ["full", "fast"])
@pytest.mark.parametrize(
    "relative",
    ["scopus-bibtex/scopus_2.bib",
     "sciencedirect-bibtex/ScienceDirect_citations_1721933036744.bib"],
)
def test_shared_bibtex_exports_match_independent_count(relative, engine):
    path = EXPORTS / relative
    assert detect_format(path) == "bibtex"
    assert_matches(path, bibtex_truth(path), bibtex_engine=engine)


@needs_shared
def test_every_shared_export_is_covered():
    """A new file in ../shared/fixtures/exports must get a test here too."""
    covered = {
        "scopus-bibtex/scopus_2.bib",
        "sciencedirect-bibtex/ScienceDirect_citations_1721933036744.bib",
        "scopus-csv-zh/q-smart-city-2000.csv",  # no year column: test_import_tabular.py
    }
    found = {p.relative_to(EXPORTS).as_posix() for p in EXPORTS.rglob("*")
             if p.is_file() and p.suffix in {".bib", ".csv", ".txt", ".ris", ".json", ".xlsx"}}
    assert found == covered


@needs_shared
def test_real_bibtex_fields_and_databases():
    scopus = read_records(EXPORTS / "scopus-bibtex" / "scopus_2.bib")
    assert {r.source_database for r in scopus} == {"Scopus"}
    assert scopus[0].doi == "10.14569/ijacsa.2025.0160399"
    assert scopus[0].accession == "2-s2.0-105001640226"  # the eid of its record link
    assert scopus[0].document_type == "Article"
    sciencedirect = read_records(
        EXPORTS / "sciencedirect-bibtex" / "ScienceDirect_citations_1721933036744.bib"
    )
    assert {r.source_database for r in sciencedirect} == {"ScienceDirect"}
    # the export writes full https://doi.org/ URLs; records keep the bare, lower-case DOI
    assert sciencedirect[0].doi == "10.1016/j.worlddev.2023.106392"
    assert all(r.doi is None or r.doi.startswith("10.") for r in sciencedirect)


@needs_shared
def test_both_bibtex_engines_give_identical_records():
    path = EXPORTS / "scopus-bibtex" / "scopus_2.bib"
    full, fast = read_records(path, bibtex_engine="full"), read_records(path, bibtex_engine="fast")
    assert full == fast


@pytest.mark.parametrize(
    ("name", "kind", "truth"),
    [
        ("wos_plain.txt", "wos-tagged", lambda p: tagged_truth(p, "ER", "PY ")),
        ("ris.ris", "ris", lambda p: tagged_truth(p, "ER  -", "(?:PY|Y1|DA)  - ")),
        ("wos_tab.txt", "wos-tab", lambda p: csv_truth(p, "PY", "\t")),
        ("wos.bib", "bibtex", bibtex_truth),
        ("openalex_works.json", "openalex-json", json_truth),
        ("openalex_works.jsonl", "openalex-jsonl", json_truth),
    ],
)
def test_own_fixtures_match_independent_count(name, kind, truth):
    path = FIXTURES / name
    assert detect_format(path) == kind
    assert_matches(path, truth(path))


@pytest.mark.parametrize("engine", ["full", "fast"])
def test_bibtex_macros_concatenation_and_date(engine):
    records = read_records(FIXTURES / "macros.bib", bibtex_engine=engine)
    assert [r.year for r in records] == [2013, 2014, 2012, None]  # bare, @string, date, none
    assert records[0].title == "Synthetic record with a quoted title"
    assert records[0].doi == "10.9999/syn.macro.0001"
    assert [r.document_type for r in records] == ["article", "article", "online", "misc"]


def test_web_of_science_fields():
    plain = read_records(FIXTURES / "wos_plain.txt")
    first = plain[0]
    assert first.title.endswith("a title that runs over two lines")  # continuation line
    assert first.abstract == "A synthetic abstract that is also wrapped over two lines."
    assert plain[1].doi == "10.9999/syn.wos.0002"  # upper case in the file
    assert plain[2].doi is None and plain[3].year is None  # early access: EA but no PY
    assert {r.source_database for r in plain} == {"Web of Science"}
    tab = read_records(FIXTURES / "wos_tab.txt")
    assert tab[:4] == plain  # the same four records exported as tab-delimited
    assert tab[4].title == 'Synthetic record five with a "lone quote in its title'
    bib = read_records(FIXTURES / "wos.bib")
    assert bib[0].title == "Synthetic Web of Science BibTeX record one: IoT and the city"
    assert bib[0].year == 2015 and bib[0].document_type == "Article"  # not DA (date added)
    assert bib[0].accession == "WOS:000000000000101"
    assert {r.source_database for r in bib} == {"Web of Science"}


def test_ris_fields():
    records = read_records(FIXTURES / "ris.ris")
    assert records[0].abstract.endswith("onto a second line without a tag.")
    assert records[0].source_database == "Scopus" and records[0].document_type == "JOUR"
    assert records[1].doi == "10.9999/syn.ris.0002"  # taken from a doi.org UR
    assert records[1].title == "Synthetic RIS record two"  # T1
    assert [r.year for r in records] == [2021, 2018, 2017, None]


def test_openalex_fields():
    first = read_records(FIXTURES / "openalex_works.json")[0]
    assert first.doi == "10.9999/syn.oa.0001"
    assert first.abstract == "the city and the city again"  # rebuilt from the inverted index
    assert first.source_database == "OpenAlex" and first.document_type == "article"


@pytest.mark.parametrize("name", ["wos_plain.txt", "ris.ris", "wos_tab.txt", "scopus_en.csv",
                                  "openalex_works.jsonl"])
def test_streaming_readers_are_generators(name):
    stream = iter_records(FIXTURES / name)
    assert isinstance(stream, GeneratorType)
    assert next(stream) == read_records(FIXTURES / name)[0]
