"""The default literature series: derivation rules, provenance, and committed counts equal to a
fresh, independently computed derivation from the real corpus in ../shared."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from analysis import datapackage
from analysis.errors import DataError
from analysis.fileio import sha256_file
from analysis.literature import corpus
from analysis.paths import PROCESS

needs_shared = pytest.mark.skipif(
    not PROCESS.slr_corpus_xlsx.exists(),
    reason=f"record-level corpus not present at {PROCESS.slr_corpus_xlsx} (../shared is absent)")


def rec(year, title="", abstract=None):
    return SimpleNamespace(year=year, title=title, abstract=abstract)


# --- derivation rules (synthetic records) ----------------------------------------------------

@pytest.mark.parametrize(("title", "abstract", "expected"), [
    ("Smart city Governance", None, True),
    ("Smart cities", "An E-Governance platform", True),
    ("Smart cities", "egovernance and IT-governance", True),
    ("GOVERNANCES of smart cities", "", True),
    ("Local government in smart cities", "governing the city; govern", False),
    ("Smart cities", None, False),
])
def test_governance_rule(title, abstract, expected):
    assert corpus.mentions_governance(rec(2015, title, abstract)) is expected


def test_derive_counts_fills_years_flags_window_and_keeps_no_year():
    records = [rec(2010, "a"), rec(2010, "governance b"), rec(2012, "c"), rec(2020, "d"),
               rec(None, "e governance")]
    counts = corpus.derive_counts(records, window=(2009, 2019))
    all_ = counts[counts.series == "corpus_all"].set_index("year")
    assert list(all_.index[:-1]) == list(range(2009, 2021))
    assert all_.loc[2010, "records"] == 2 and all_.loc[2011, "records"] == 0
    assert bool(all_.loc[2019, "in_search_window"]) and not all_.loc[2020, "in_search_window"]
    assert all_["records"].sum() == len(records)
    assert all_.iloc[-1]["records"] == 1 and pd.isna(all_.index[-1])
    gov = counts[counts.series == "corpus_governance"]
    assert list(gov["year"].dropna()) == list(all_.index[:-1])  # same span as the corpus
    assert gov["records"].sum() == 2 and gov["year"].isna().sum() == 1
    assert gov.loc[gov.year.isna(), "records"].item() == 1


def test_csv_uses_frictionless_booleans_and_empty_missing_year():
    text = corpus.to_csv(corpus.derive_counts([rec(2009), rec(None)], window=(2009, 2009)))
    assert text.splitlines() == [
        "series,year,in_search_window,records",
        "corpus_all,2009,true,1", "corpus_all,,false,1",
        "corpus_governance,2009,true,0", "corpus_governance,,false,0"]


# --- obtaining the source file ----------------------------------------------------------------

def test_sha256_mismatch_names_origin_and_both_hashes(tmp_path):
    bogus = tmp_path / "corpus.xlsx"
    bogus.write_bytes(b"not the corpus")
    with pytest.raises(DataError) as err:
        corpus.check_sha256(bogus, corpus.SOURCE_URL)
    message = str(err.value)
    assert corpus.SOURCE_URL in message and corpus.SOURCE_SHA256 in message
    assert "e3b0" not in message  # not the empty-file hash: the actual one is computed
    import hashlib
    assert hashlib.sha256(b"not the corpus").hexdigest() in message


def test_download_path_is_checked_before_use(tmp_path, monkeypatch):
    def fake_download(url, target, timeout=60.0, *, paths=PROCESS):
        assert url == corpus.SOURCE_URL
        target.write_bytes(b"tampered")

    monkeypatch.setattr(corpus, "download", fake_download)
    with pytest.raises(DataError, match="sha256 mismatch"), \
            corpus.source_file(shared_copy=tmp_path / "absent.xlsx"):
        pytest.fail("a file with the wrong hash must never be used")


@needs_shared
def test_download_path_accepts_the_pinned_file(tmp_path, monkeypatch):
    def download(url, target, timeout=60.0, *, paths=PROCESS):
        shutil.copy(PROCESS.slr_corpus_xlsx, target)

    monkeypatch.setattr(corpus, "download", download)
    with corpus.source_file(shared_copy=tmp_path / "absent.xlsx") as path:
        assert path.name == "absent.xlsx" and path.parent != tmp_path  # a temporary download
        assert path.exists()


def test_deriving_updates_only_hash_and_bytes_and_keeps_a_hand_edit(package_paths):
    descriptor_path = package_paths.datapackage
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    by_name = {res["name"]: res for res in descriptor["resources"]}
    by_name[corpus.COUNTS_RESOURCE]["title"] = "a title edited by hand"
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    lines = corpus.write_outputs(corpus.derive_counts([rec(2010, "a"), rec(None, "b")]),
                                 paths=package_paths)

    assert lines[0].startswith("wrote ") and lines[0].endswith("literature/corpus_counts.csv")
    assert lines[1].startswith(f"{corpus.COUNTS_RESOURCE}: updated hash sha256:")
    assert len(lines) == 2  # the series file and its entry were already up to date
    counts = by_name[corpus.COUNTS_RESOURCE]
    counts["hash"] = f"sha256:{sha256_file(corpus.counts_file(package_paths))}"
    counts["bytes"] = corpus.counts_file(package_paths).stat().st_size
    assert json.loads(descriptor_path.read_text(encoding="utf-8")) == descriptor


# --- committed data ---------------------------------------------------------------------------

def test_committed_resources_carry_full_provenance():
    for name in (corpus.COUNTS_RESOURCE, corpus.SERIES_RESOURCE):
        res = datapackage.resource(name)
        source = res["sources"][0]
        assert source["commit"] == corpus.SOURCE_COMMIT
        assert source["sha256"] == corpus.SOURCE_SHA256
        assert source["path"] == corpus.SOURCE_URL and corpus.SOURCE_COMMIT in source["path"]
        assert source["repository"].endswith(corpus.SOURCE_REPO)
        assert source["license"] == "GPL-3.0" and res["licenses"][0]["name"] == "GPL-3.0"
        assert source["derivation"] == corpus.DERIVATION_COMMAND
        assert source["governance_rule"] == corpus.GOVERNANCE_RULE_TEXT
        datapackage.verify_checksum(name)
        datapackage.validate_schema(name)


def test_committed_counts_match_the_corpus_description():
    """SOURCE.md: 4,219 records, 1 without a year, 253 dated 2020 or 2021 (after the window)."""
    counts = datapackage.load(corpus.COUNTS_RESOURCE)
    everything = counts[counts.series == "corpus_all"]
    assert everything["records"].sum() == 4219
    assert everything.loc[everything.year.isna(), "records"].item() == 1
    late = everything[everything.year.isin([2020, 2021])]
    assert late["records"].sum() == 253 and not late["in_search_window"].any()
    assert everything.loc[everything.year.between(2009, 2019), "in_search_window"].all()
    gov = counts[counts.series == "corpus_governance"]
    assert 0 < gov["records"].sum() < everything["records"].sum()
    assert (gov.set_index("year")["records"] <= everything.set_index("year")["records"]).all()


def independent_counts(path: Path) -> dict[tuple[str, int | None], int]:
    """Count straight from the worksheet with openpyxl (no importer, no pandas)."""
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    iy, it, ia = (header.index(c) for c in ("Jahr ermittelt", "Titel", "Abstract"))
    tally: Counter = Counter()
    for row in rows:
        if all(v is None for v in row):
            continue
        year = None if row[iy] in (None, "") else int(float(row[iy]))
        tally[("corpus_all", year)] += 1
        text = f"{row[it] or ''} {row[ia] or ''}".lower()
        if "governance" in text:
            tally[("corpus_governance", year)] += 1
    return tally


@needs_shared
def test_committed_counts_equal_an_independent_fresh_derivation():
    committed = datapackage.load(corpus.COUNTS_RESOURCE)
    fresh = independent_counts(PROCESS.slr_corpus_xlsx)
    got = {(r.series, None if pd.isna(r.year) else int(r.year)): int(r.records)
           for r in committed.itertuples()}
    nonzero = {k: v for k, v in got.items() if v}
    assert nonzero == dict(fresh)
    # and the module's own derivation (through the importer) writes exactly the committed file
    with corpus.source_file() as path:
        text = corpus.to_csv(corpus.derive_counts(corpus.read_corpus(path)))
    assert text == corpus.counts_file().read_text(encoding="utf-8")


@needs_shared
def test_substring_rule_differs_from_word_rule_only_on_governance_compounds():
    """Documents the choice: the word-bounded rule would only lose glued forms."""
    extra = set()
    for record in corpus.read_corpus(PROCESS.slr_corpus_xlsx):
        text = f"{record.title}\n{record.abstract or ''}"
        if corpus.mentions_governance(record) and not re.search(r"\bgovernance\b", text, re.I):
            extra.update(w.lower() for w in re.findall(r"\w*governance\w*", text, re.I))
    assert extra and all(w != "governance" for w in extra)
    assert all(w.endswith(("governance", "governances")) or w[-1].isdigit() for w in extra)


def test_series_table_matches_module_rules():
    table = datapackage.load(corpus.SERIES_RESOURCE).set_index("series")
    assert table.loc["corpus_governance", "selection"] == corpus.GOVERNANCE_RULE_TEXT
    assert (table["search_window_from"] == corpus.SEARCH_WINDOW[0]).all()
    assert (table["search_window_to"] == corpus.SEARCH_WINDOW[1]).all()
    assert PROCESS.relative(corpus.counts_file()) == "data/literature/corpus_counts.csv"


@needs_shared
def test_cli_check_passes_on_committed_counts(capsys):
    assert corpus.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "corpus_all: 4219 records" in out and "matches a fresh derivation" in out
