"""Bibliographic exports in, normalised records and counts per year out.

Public API (stable; other modules and notebooks rely on it)::

    from analysis.literature import read_records, iter_records, Record, count_per_year, deduplicate

    records = read_records(path)                  # list[Record], format detected from content
    for record in iter_records(path): ...         # same records, streamed (O(1) memory for
                                                  # WoS plain text, RIS, CSV/TSV, Excel, JSONL
                                                  # and fast-path BibTeX)
    counts = count_per_year(deduplicate(iter_many(files)), 2009, 2019)

Formats: Web of Science plain text / tab-delimited / BibTeX / Excel (.xls), Scopus CSV (any
interface language) and BibTeX, ScienceDirect BibTeX, Dimensions CSV, PubMed/MEDLINE (.nbib),
RIS, Citavi/Zotero CSV or Excel, OpenAlex works JSON and JSONL. See ``detect.py`` for how a
format is recognised and ``formats/bibtex.py`` for the choice between bibtexparser (full
fidelity) and the streaming fast path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from analysis.literature.counting import CountReport, count_per_year, tally
from analysis.literature.dedupe import DedupeStats, deduplicate
from analysis.literature.detect import FORMATS, canonical_format, detect_format, read_head
from analysis.literature.formats import read
from analysis.literature.records import (
    NoYearFieldError,
    Record,
    RecordFormatError,
    normalise_doi,
    normalise_title,
)

__all__ = [
    "FORMATS", "CountReport", "DedupeStats", "NoYearFieldError", "Record", "RecordFormatError",
    "count_per_year", "deduplicate", "detect_format", "iter_many", "iter_records",
    "normalise_doi", "normalise_title", "read_records", "resolve_format", "tally",
]


def resolve_format(path: Path, format: str = "auto") -> str:  # noqa: A002 - mirrors the CLI
    """The reader name for ``path``: detected from content for ``"auto"``, else validated."""
    path = Path(path)
    read_head(path)  # a missing, unreadable or directory path: one line naming it
    return detect_format(path) if format == "auto" else canonical_format(format)


def iter_records(
    path: Path | str, format: str = "auto", *, bibtex_engine: str = "auto"  # noqa: A002
) -> Iterator[Record]:
    """Stream the records of one export file.

    ``bibtex_engine``: "full" (bibtexparser: @string macros, every BibTeX subtlety; slow and
    memory-hungry), "fast" (streaming, O(1) memory), or "auto" (full for files up to
    ``formats.bibtex.FULL_ENGINE_MAX_BYTES``, fast above).
    """
    name = resolve_format(Path(path), format)
    return read(name, Path(path), engine=bibtex_engine)


def read_records(
    path: Path | str, format: str = "auto", *, bibtex_engine: str = "auto"  # noqa: A002
) -> list[Record]:
    """All records of one export file, as a list (use :func:`iter_records` to stream)."""
    return list(iter_records(path, format, bibtex_engine=bibtex_engine))


def iter_many(
    paths: Iterable[Path | str], format: str = "auto", *, bibtex_engine: str = "auto"  # noqa: A002
) -> Iterator[Record]:
    """Records of several files, one after the other (feed to :func:`deduplicate`)."""
    for path in paths:
        yield from iter_records(path, format, bibtex_engine=bibtex_engine)
