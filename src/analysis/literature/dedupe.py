"""De-duplication across exports: same normalised DOI, else same normalised title and year.

Two records with *different* DOIs are never merged on their titles (a conference paper and its
journal version share a title but are two publications); a record without a DOI merges with an
earlier record of the same title and year, with or without a DOI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from analysis.literature.records import Record, normalise_title


@dataclass
class DedupeStats:
    """Filled in while :func:`deduplicate` is consumed."""

    read: int = 0
    removed: int = 0
    by_doi: int = 0
    by_title_year: int = 0


def deduplicate(records: Iterable[Record], stats: DedupeStats | None = None) -> Iterator[Record]:
    """Yield each publication once, keeping the first record seen (file order is kept).

    Memory grows with the number of distinct publications (one DOI and one title key each),
    not with the size of the records.
    """
    stats = stats if stats is not None else DedupeStats()
    dois: set[str] = set()
    # (title key, year) -> True when a record with that key had no DOI, False when all had one
    titles: dict[tuple[str, int | None], bool] = {}
    for record in records:
        stats.read += 1
        if record.doi is not None and record.doi in dois:
            stats.removed += 1
            stats.by_doi += 1
            continue
        key = (normalise_title(record.title), record.year) if record.title else None
        if key is not None and key in titles and (record.doi is None or titles[key]):
            stats.removed += 1
            stats.by_title_year += 1
            continue
        if record.doi is not None:
            dois.add(record.doi)
        if key is not None:
            titles[key] = titles.get(key, False) or record.doi is None
        yield record
