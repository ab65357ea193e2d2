"""Re-derive the committed literature counts from the real smart-city SLR corpus (make data).

The corpus (4,219 articles with "smart city"/"smart cities" in the title, 2009–2019, from
IEEE, EBSCO, ACM and Web of Science, merged in Citavi 6) is published by the GitHub repository
yusufbzk/SLR-Text-Mining under GPL-3.0. Its abstracts are publishers' text, so the record file
is never committed here: this module turns it into annual counts, and only those counts (with
their provenance) live in ``data/literature/``.

CLI (``make data``)::

    python -m analysis.literature.corpus            # re-derive and write the counts
    python -m analysis.literature.corpus --check    # re-derive, compare, write nothing

The source file is ``../shared/data/smart-city-slr-corpus/`` (its default location,
``Paths.slr_corpus_xlsx``) when present; otherwise the pinned raw URL is downloaded to a
temporary file and its sha256 checked before use. The descriptors of the two derived files are
written by hand in ``data/datapackage.json``: this module updates only their ``hash`` and
``bytes``.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import pandas as pd

from analysis import cli, datapackage
from analysis.errors import DataError
from analysis.fileio import sha256_file, write_text_if_changed
from analysis.paths import PROCESS, Paths

SOURCE_REPO = "yusufbzk/SLR-Text-Mining"
SOURCE_COMMIT = "b0d142ef2565544e47ccbdc657755d9250b93a54"
SOURCE_PATH = "Dataset/All_Data_Set_Smart_City_Literature.xlsx"
SOURCE_URL = f"https://raw.githubusercontent.com/{SOURCE_REPO}/{SOURCE_COMMIT}/{SOURCE_PATH}"
SOURCE_SHA256 = "9b62062aab139622246d271638794c41cdee35c93ec1d82992c0d77907891568"
SOURCE_LICENSE = "GPL-3.0"

#: The corpus's own search window (the repository's README: articles published 2009–2019).
SEARCH_WINDOW = (2009, 2019)

#: A record belongs to the governance subset when its title or abstract contains "governance"
#: in any case, also inside a longer word. In this corpus that catches "governance",
#: "governances", "e-governance", "egovernance", "IT-governance", "governance-based" (all the
#: governance concept; the word-bounded ``\bgovernance\b`` would miss "egovernance") but not
#: "government", "governing" or "govern", which name the institution or the verb rather than
#: the governance topic of Allam et al. (2022).
GOVERNANCE_RULE = "governance"
GOVERNANCE_PATTERN = re.compile(GOVERNANCE_RULE, re.IGNORECASE)
GOVERNANCE_RULE_TEXT = (
    "title or abstract matches the case-insensitive regular expression 'governance' "
    "anywhere (so also governances, e-governance, egovernance, IT-governance, "
    "governance-based; not government, governing or govern)"
)

COUNTS_RESOURCE = "literature_corpus_counts"
SERIES_RESOURCE = "literature_corpus_series"
#: How the derived files are made, as their hand-written descriptors record it (tested).
DERIVATION_COMMAND = "python -m analysis.literature.corpus  (make data)"

SERIES = {
    "corpus_all": "all records of the corpus",
    "corpus_governance": GOVERNANCE_RULE_TEXT,
}


def counts_file(paths: Paths = PROCESS) -> Path:
    """The committed annual counts, where the data package puts them."""
    return datapackage.resource_path(COUNTS_RESOURCE, paths=paths)


def series_file(paths: Paths = PROCESS) -> Path:
    """The committed series definitions, where the data package puts them."""
    return datapackage.resource_path(SERIES_RESOURCE, paths=paths)


class RecordLike(Protocol):
    year: int | None
    title: str
    abstract: str | None


def mentions_governance(record: RecordLike) -> bool:
    """True when the title or the abstract matches :data:`GOVERNANCE_PATTERN`."""
    text = f"{record.title or ''}\n{record.abstract or ''}"
    return GOVERNANCE_PATTERN.search(text) is not None


def count_series(years: Iterable[int | None], name: str,
                 window: tuple[int, int] = SEARCH_WINDOW,
                 span: tuple[int, int] | None = None) -> pd.DataFrame:
    """Rows ``series, year, in_search_window, records`` for one series.

    Every year of ``span`` (default: the window widened to the years seen) gets a row, zeros
    included, so a gap is never read as missing data. Records without a year get one row with
    an empty year, so the totals still add up to the number of records.
    """
    counts = Counter(years)
    no_year = counts.pop(None, 0)
    first, last = span or (min([window[0], *counts]), max([window[1], *counts]))
    outside = sorted(y for y in counts if not first <= y <= last)
    if outside:
        raise ValueError(f"series {name}: years {outside} fall outside the span {first}-{last}")
    rows = [{"series": name, "year": year, "in_search_window": window[0] <= year <= window[1],
             "records": counts.get(year, 0)} for year in range(first, last + 1)]
    rows.append({"series": name, "year": None, "in_search_window": False, "records": no_year})
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def derive_counts(records: Iterable[RecordLike],
                  window: tuple[int, int] = SEARCH_WINDOW) -> pd.DataFrame:
    """Annual counts of the whole corpus and of its governance subset, in one long table.

    Both series share the year span of the whole corpus, so they line up row for row.
    """
    records = list(records)
    years = [r.year for r in records if r.year is not None]
    span = (min([window[0], *years]), max([window[1], *years]))
    governance = [r for r in records if mentions_governance(r)]
    return pd.concat([
        count_series((r.year for r in records), "corpus_all", window, span),
        count_series((r.year for r in governance), "corpus_governance", window, span),
    ], ignore_index=True)


def series_table(window: tuple[int, int] = SEARCH_WINDOW) -> pd.DataFrame:
    """One row per derived series: what it selects and the search window it comes from."""
    return pd.DataFrame([{
        "series": name,
        "selection": selection,
        "search_window_from": window[0],
        "search_window_to": window[1],
        "source": f"{SOURCE_REPO}@{SOURCE_COMMIT[:12]}:{SOURCE_PATH}",
        "database": "IEEE, EBSCO, ACM and Web of Science, merged in Citavi 6 "
                    "(not the Web of Science corpus of Sharifi et al. 2021 or Allam et al. 2022)",
    } for name, selection in SERIES.items()])


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text with ``true``/``false`` booleans and empty missing values (Frictionless style)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "true", False: "false"})
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


# --- obtaining the source file -------------------------------------------------------------

def check_sha256(path: Path, origin: str) -> None:
    """Refuse a file whose sha256 is not the pinned one; the message names both hashes."""
    actual = sha256_file(path)
    if actual != SOURCE_SHA256:
        raise DataError(
            f"{origin}: sha256 mismatch for the smart-city SLR corpus: expected {SOURCE_SHA256}, "
            f"got {actual}. The file is not the pinned version ({SOURCE_REPO} at commit "
            f"{SOURCE_COMMIT}); refusing to derive counts from it."
        )


def download(url: str, target: Path, timeout: float = 60.0, *,
             paths: Paths = PROCESS) -> None:
    """Fetch ``url`` into ``target``, with an error that names the URL on failure."""
    import requests

    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise DataError(f"{url}: download of the smart-city SLR corpus failed ({exc}). "
                        f"Put a copy at {paths.slr_corpus_xlsx} to derive offline.") from exc
    target.write_bytes(response.content)


@contextmanager
def source_file(shared_copy: Path | None = None, url: str = SOURCE_URL, *,
                paths: Paths = PROCESS):
    """Yield a checked path to the corpus: the local copy (by default the one in the shared
    folder), else a verified download."""
    shared_copy = Path(shared_copy or paths.slr_corpus_xlsx)
    if shared_copy.exists():
        check_sha256(shared_copy, str(shared_copy))
        yield shared_copy
        return
    with tempfile.TemporaryDirectory(prefix="slr-corpus-") as folder:
        target = Path(folder) / shared_copy.name
        download(url, target, paths=paths)
        check_sha256(target, url)
        yield target


def read_corpus(path: Path) -> list[RecordLike]:
    """Records of the Citavi export, read by the compendium's own importer."""
    from analysis.literature import read_records

    return list(read_records(path))


# --- writing the data files ------------------------------------------------------------------

def write_outputs(counts: pd.DataFrame, *, paths: Paths = PROCESS) -> list[str]:
    """Write both CSVs (only when changed) and refresh only their hash and bytes.

    Their descriptors (schema, provenance, licence) are written by hand in
    data/datapackage.json; the lines returned name each file written and each resource whose
    hash and bytes were updated.
    """
    changed = []
    for path, frame in ((counts_file(paths), counts), (series_file(paths), series_table())):
        if write_text_if_changed(path, to_csv(frame)):
            changed.append(f"wrote {paths.relative(path)}")
    return changed + datapackage.refresh_checksums([COUNTS_RESOURCE, SERIES_RESOURCE],
                                                   paths=paths)


def summary(counts: pd.DataFrame) -> str:
    """Totals a reviewer can compare with data/literature/README.md (4,219 records, 253 late)."""
    lines = []
    for name, group in counts.groupby("series", sort=False):
        total = int(group["records"].sum())
        inside = int(group.loc[group["in_search_window"], "records"].sum())
        no_year = int(group.loc[group["year"].isna(), "records"].sum())
        outside = total - inside - no_year
        lines.append(f"{name}: {total} records = {inside} in the search window "
                     f"{SEARCH_WINDOW[0]}-{SEARCH_WINDOW[1]} + {outside} dated outside it + "
                     f"{no_year} without a year")
    return "\n".join(lines)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="re-derive and compare with the committed counts; write nothing")


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    with source_file(paths=paths) as path:
        counts = derive_counts(read_corpus(path))
    print(summary(counts))
    if args.check:
        committed_file = counts_file(paths)
        committed = (committed_file.read_text(encoding="utf-8") if committed_file.exists()
                     else "")
        if committed != to_csv(counts):
            print(f"error: {committed_file} differs from a fresh derivation; run `make data`",
                  file=sys.stderr)
            return 1
        print(f"{paths.relative(committed_file)} matches a fresh derivation")
        return 0
    print("\n".join(write_outputs(counts, paths=paths)) or "counts unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
