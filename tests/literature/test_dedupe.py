"""De-duplication rules: normalised DOI first, then normalised title + year."""

from __future__ import annotations

import pytest
from export_fixtures import FIXTURES, SCOPUS_BIB

from analysis.literature import (
    DedupeStats,
    Record,
    deduplicate,
    iter_many,
    normalise_doi,
    normalise_title,
    read_records,
)


def rec(title: str, year: int | None, doi: str | None = None, database: str | None = None,
        accession: str | None = None) -> Record:
    return Record(year=year, title=title, doi=normalise_doi(doi), source_database=database,
                  accession=accession)


def run(records: list[Record]) -> tuple[list[Record], DedupeStats]:
    stats = DedupeStats()
    return list(deduplicate(records, stats)), stats


@pytest.mark.parametrize(
    "raw",
    ["10.1000/ABC.1", "https://doi.org/10.1000/abc.1", "http://dx.doi.org/10.1000/Abc.1",
     "doi:10.1000/abc.1", "DOI: 10.1000/abc.1 ", "https://doi.org/10.1000%2Fabc.1"],
)
def test_doi_normalisation(raw):
    assert normalise_doi(raw) == "10.1000/abc.1"


@pytest.mark.parametrize("raw", [None, "", "n/a", "ISBN 978-3-16-148410-0"])
def test_values_without_a_doi_normalise_to_none(raw):
    assert normalise_doi(raw) is None


def test_title_normalisation_ignores_case_accents_and_punctuation():
    assert normalise_title("Smart  Cities: Governance, {Open} Data!") == normalise_title(
        "smart cities governance open data"
    )
    assert normalise_title("Gouvernance à Éclairs") == "gouvernance a eclairs"


def test_same_doi_in_any_spelling_is_one_record():
    kept, stats = run([rec("A", 2019, "10.1000/X"), rec("A (preprint)", 2020, "https://doi.org/10.1000/x")])
    assert [r.title for r in kept] == ["A"]
    assert (stats.read, stats.removed, stats.by_doi, stats.by_title_year) == (2, 1, 1, 0)


def test_title_and_year_merge_records_without_doi():
    kept, stats = run([rec("Smart City Governance", 2019, "10.1000/x"),
                       rec("SMART CITY GOVERNANCE.", 2019),
                       rec("Smart city governance", 2020)])
    assert [r.year for r in kept] == [2019, 2020]  # another year is another record
    assert stats.by_title_year == 1


def test_record_without_doi_first_then_with_doi():
    title = "Smart city governance"
    kept, _ = run([rec(title, 2019), rec(title, 2019, "10.1000/x")])
    assert len(kept) == 1


def test_different_dois_are_never_merged_on_title():
    kept, stats = run([rec("Smart cities", 2019, "10.1000/a"),
                       rec("Smart cities", 2019, "10.1000/b")])
    assert len(kept) == 2 and stats.removed == 0


def test_untitled_records_without_doi_are_kept():
    kept, _ = run([rec("", 2019), rec("", 2019)])
    assert len(kept) == 2


def test_overlapping_fixture_exports():
    """WoS plain text and tab-delimited of the same search overlap in 4 records; one RIS record
    shares a DOI (in other case) with the Scopus CSV and one has the title of a WoS record."""
    files = [FIXTURES / n for n in ("wos_plain.txt", "wos_tab.txt", "ris.ris", "scopus_en.csv")]
    total = sum(len(read_records(p)) for p in files)
    kept, stats = run(list(iter_many(files)))
    assert stats.read == total == 18
    assert (stats.by_doi, stats.by_title_year) == (4, 2)
    assert len(kept) == total - stats.removed
    assert len({r.doi for r in kept if r.doi}) == sum(1 for r in kept if r.doi)


@pytest.mark.skipif(not SCOPUS_BIB.exists(), reason="needs ../shared fixtures")
def test_same_real_export_twice_removes_every_second_copy():
    once = read_records(SCOPUS_BIB)
    kept_once, _ = run(once)
    kept, stats = run(once + read_records(SCOPUS_BIB))
    assert stats.removed == len(once) + (len(once) - len(kept_once))
    assert kept == kept_once


def test_fast_constructor_builds_the_same_frozen_record():
    import dataclasses
    import inspect

    from analysis.literature.records import new_record

    names = [f.name for f in dataclasses.fields(Record)]
    assert list(inspect.signature(new_record).parameters) == names
    values = (2019, "T", "10.1000/x", "Scopus", "Article", "2-s2.0-1", "abs")
    fast, slow = new_record(*values), Record(*values)
    assert fast == slow and hash(fast) == hash(slow)
    assert [getattr(fast, n) for n in names] == list(values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.year = 2020


def test_one_database_records_with_different_accession_numbers_are_never_merged():
    """WoS gives distinct records one DOI; the same record again, or in Scopus, still merges."""
    wos = "Web of Science"
    kept, stats = run([rec("Paper one", 2019, "10.1000/x", wos, "WOS:1"),
                       rec("Paper two", 2019, "10.1000/x", wos, "WOS:2"),
                       rec("Paper one", 2019, "10.1000/x", wos, "WOS:1"),
                       rec("Paper one", 2019, "10.1000/X", "Scopus", "2-s2.0-9")])
    assert [r.accession for r in kept] == ["WOS:1", "WOS:2"]
    assert (stats.removed, stats.by_doi, stats.kept_by_accession) == (2, 2, 1)


def test_accession_numbers_also_keep_same_title_records_apart():
    kept, _ = run([rec("Editorial", 2019, None, "PubMed", "1"),
                   rec("Editorial", 2019, None, "PubMed", "2"),
                   rec("Editorial", 2019, None, "Scopus", None)])
    assert [r.accession for r in kept] == ["1", "2"]


def test_tex_escaped_doi_is_the_plain_doi():
    assert normalise_doi(r"10.1162/grey\_a\_00389") == "10.1162/grey_a_00389"
    assert normalise_doi(r"{10.1000/a\&b}") == "10.1000/a&b"
