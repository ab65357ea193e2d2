"""Seeded property test over every export format: a truncated or byte-flipped export gives the
right number of records or one located error, never another exception and never a silent
undercount.

For a cut after byte k the right number is the number of records complete before k, computed
here without the importer (brace depth for BibTeX, end lines for the tagged formats, a
quote-aware row scanner for CSV, line ends for JSONL; a whole JSON document or workbook is
complete only uncut). A single flipped byte must leave the count as it was or be an error.
Samples are the real exports in ../shared (cut to a few records, so each case is fast) and
synthetic files in each format's layout. Hypothesis is derandomised: the same cases every run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from export_fixtures import EXPORTS, FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_hardening import (
    DIMENSIONS_HEADER,
    DIMENSIONS_PREAMBLE,
    NBIB,
    WOS_XLS_HEADER,
    write_xls,
)

from analysis.errors import CompendiumError
from analysis.literature import read_records

#: Examples per (sample, mutation); 21 samples x 2 mutations x 50 = 2,100 cases.
EXAMPLES = 50

Truth = Callable[[bytes, int], int]  # (original bytes, cut) -> records complete before the cut


# --- independent counts of the records complete before a cut -------------------------------------


def _complete(ends: list[int], cut: int) -> int:
    return sum(end <= cut for end in ends)


def bibtex_ends(data: bytes) -> list[int]:
    """Offset after the closing brace of each record entry (BibTeX counts every brace)."""
    ends = []
    for match in re.finditer(rb"^[ \t]*@[ \t]*(\w+)[ \t]*\{", data, flags=re.MULTILINE):
        depth, pos = 1, match.end()
        while depth:
            depth += {ord("{"): 1, ord("}"): -1}.get(data[pos], 0)
            pos += 1
        if match.group(1).lower() not in {b"string", b"comment", b"preamble"}:
            ends.append(pos)
    return ends


def row_ends(data: bytes, quoted: bool = True) -> list[tuple[int, bool]]:
    """(offset of each row's line end, whether the row ends with a closing quote)."""
    ends, inside, start = [], False, 0
    for pos, byte in enumerate(data):
        if quoted and byte == ord('"'):
            inside = not inside
        elif byte == ord("\n") and not inside:
            end = pos - 1 if data[pos - 1 : pos] == b"\r" else pos
            if end > start:
                ends.append((end, data[end - 1 : end] == b'"'))
            start = pos + 1
    return ends


def table_truth(header_rows: int, quoted: bool = True) -> Truth:
    def truth(data: bytes, cut: int) -> int:
        rows = row_ends(data, quoted)[header_rows:]
        return sum(cut > end or (cut == end and closed) for end, closed in rows)
    return truth


def tagged_truth(end_line: bytes) -> Truth:
    def truth(data: bytes, cut: int) -> int:
        ends = [m.end() for m in re.finditer(re.escape(b"\n" + end_line), data)]
        return _complete(ends, cut)
    return truth


def bibtex_truth(data: bytes, cut: int) -> int:
    return _complete(bibtex_ends(data), cut)


def jsonl_truth(data: bytes, cut: int) -> int:
    ends, offset = [], 0
    for line in data.split(b"\n"):
        if line.strip():
            ends.append(offset + len(line.rstrip()))
        offset += len(line) + 1
    return _complete(ends, cut)


def nbib_truth(data: bytes, cut: int) -> int:
    return _complete([m.end() for m in re.finditer(rb"^SO  - [^\n]*\n", data, re.M)], cut)


def whole(records: int) -> Truth:
    """Formats that are one document (JSON, a workbook): complete only uncut."""
    return lambda data, cut: records if cut >= len(data.rstrip()) else 0


# --- samples -------------------------------------------------------------------------------------


def _first_entries(path: Path, n: int) -> bytes:
    data = path.read_bytes()
    return data[: bibtex_ends(data)[n - 1]] + b"\n"


def _first_rows(path: Path, n: int) -> bytes:
    data = path.read_bytes()
    return data[: row_ends(data)[n][0]] + b"\n"


def _dimensions() -> bytes:
    rows = ['"1","pub.1000000001","10.1234/dim1","","","Smart cities, one","An ""abstract"".",'
            '"Journal of Tests","2020-03-01","2020","Article","Meyer, A"',
            '"2","pub.1000000002","","","","Smart cities two","","Journal of Tests","2019",'
            '"2019","Article","Smith, J"']
    lines = [DIMENSIONS_PREAMBLE, DIMENSIONS_HEADER, *rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def _xls(tmp: Path) -> bytes:
    rows = [WOS_XLS_HEADER] + [["J", f"Author {i}", f"Smart city {i}", "J URBAN", 2015 + i,
                                f"10.9999/xls.{i}", f"WOS:00000000000050{i}"] for i in range(4)]
    return write_xls(tmp / "sample.xls", rows).read_bytes()


def samples(tmp: Path) -> dict[str, tuple[bytes, Truth, dict]]:
    """name -> (bytes, truth, read options)."""
    found: dict[str, tuple[bytes, Truth, dict]] = {}
    if EXPORTS.is_dir():
        scopus = _first_entries(EXPORTS / "scopus-bibtex" / "scopus_2.bib", 5)
        direct = _first_entries(
            EXPORTS / "sciencedirect-bibtex" / "ScienceDirect_citations_1721933036744.bib", 4)
        for engine in ("full", "fast"):
            found[f"scopus-bib-{engine}"] = (scopus, bibtex_truth, {"bibtex_engine": engine})
            found[f"sciencedirect-bib-{engine}"] = (direct, bibtex_truth,
                                                    {"bibtex_engine": engine})
        zh = _first_rows(EXPORTS / "scopus-csv-zh" / "q-smart-city-2000.csv", 4)
        found["scopus-csv-zh"] = (zh, table_truth(1), {})  # no year column: always an error
    for name in ("wos.bib", "macros.bib"):
        for engine in ("full", "fast"):
            found[f"{name}-{engine}"] = ((FIXTURES / name).read_bytes(), bibtex_truth,
                                         {"bibtex_engine": engine})
    found["wos_plain.txt"] = ((FIXTURES / "wos_plain.txt").read_bytes(), tagged_truth(b"ER"), {})
    found["ris.ris"] = ((FIXTURES / "ris.ris").read_bytes(), tagged_truth(b"ER  -"), {})
    found["wos_tab.txt"] = ((FIXTURES / "wos_tab.txt").read_bytes(), table_truth(1, False), {})
    for name in ("scopus_en.csv", "scopus_fr.csv", "zotero.csv"):
        found[name] = ((FIXTURES / name).read_bytes(), table_truth(1), {})
    found["dimensions.csv"] = (_dimensions(), table_truth(2), {})
    found["pubmed.nbib"] = (NBIB.encode(), nbib_truth, {})
    found["openalex_works.jsonl"] = ((FIXTURES / "openalex_works.jsonl").read_bytes(),
                                     jsonl_truth, {})
    found["openalex_works.json"] = ((FIXTURES / "openalex_works.json").read_bytes(), None, {})
    found["citavi_sample.xlsx"] = ((FIXTURES / "citavi_sample.xlsx").read_bytes(), None, {})
    found["savedrecs.xls"] = (_xls(tmp), None, {})
    return found


class Samples(dict):
    """The samples, with a short repr: Hypothesis prints its arguments on failure."""

    def __repr__(self) -> str:
        return f"<{len(self)} samples>"


@pytest.fixture(scope="module")
def sample_set(tmp_path_factory) -> tuple[Path, Samples]:
    tmp = tmp_path_factory.mktemp("properties")
    found = Samples(samples(tmp))
    for name, (data, truth, options) in list(found.items()):
        if truth is None:  # one document: its record count, read from the intact file
            (tmp / name).write_bytes(data)
            found[name] = (data, whole(len(read_records(tmp / name, **options))), options)
    return tmp, found


NAMES = [
    *([f"{real}-{engine}" for real in ("scopus-bib", "sciencedirect-bib")
       for engine in ("full", "fast")] + ["scopus-csv-zh"] if EXPORTS.is_dir() else []),
    *(f"{name}-{engine}" for name in ("wos.bib", "macros.bib") for engine in ("full", "fast")),
    "wos_plain.txt", "ris.ris", "wos_tab.txt", "scopus_en.csv", "scopus_fr.csv", "zotero.csv",
    "dimensions.csv", "pubmed.nbib", "openalex_works.jsonl", "openalex_works.json",
    "citavi_sample.xlsx", "savedrecs.xls",
]


def outcome(path: Path, options: dict) -> int | None:
    """The number of records read, or None for a located error (anything else fails the test)."""
    try:
        return len(read_records(path, **options))
    except CompendiumError as error:
        message = str(error)
        assert str(path) in message, f"error does not name the file: {message}"
        assert "\n" not in message, f"error is not one line: {message!r}"
        return None


SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(st.data())
def test_a_truncated_export_gives_its_complete_records_or_a_located_error(
    sample_set, name, data
):
    tmp, found = sample_set
    content, truth, options = found[name]
    cut = data.draw(st.integers(0, len(content)), label="cut")
    path = tmp / f"cut-{name}"
    path.write_bytes(content[:cut])
    got = outcome(path, options)
    assert got is None or got == truth(content, cut), (cut, got, truth(content, cut))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(st.data())
def test_a_flipped_byte_keeps_the_count_or_gives_a_located_error(sample_set, name, data):
    tmp, found = sample_set
    content, truth, options = found[name]
    position = data.draw(st.integers(0, len(content) - 1), label="position")
    value = data.draw(st.integers(0, 255).filter(lambda v: v != content[position]), label="byte")
    path = tmp / f"flip-{name}"
    path.write_bytes(content[:position] + bytes([value]) + content[position + 1 :])
    got = outcome(path, options)
    assert got is None or got == truth(content, len(content)), (position, value, got)
