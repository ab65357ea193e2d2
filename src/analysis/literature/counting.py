"""Counts per year from a stream of records (O(number of years) memory)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from analysis.errors import ParameterError
from analysis.literature.records import Record


@dataclass
class CountReport:
    """What ``count`` reports: every record read is either counted, without a year, a duplicate,
    or outside the requested year range."""

    records_read: int = 0
    duplicates_removed: int = 0
    without_year: int = 0
    outside_range: int = 0
    per_year: dict[int, int] = field(default_factory=dict)

    @property
    def counted(self) -> int:
        return sum(self.per_year.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "records_read": self.records_read,
            "duplicates_removed": self.duplicates_removed,
            "without_year": self.without_year,
            "outside_range": self.outside_range,
            "counted": self.counted,
            "per_year": {str(year): n for year, n in self.per_year.items()},
        }


def count_per_year(
    records: Iterable[Record], year_from: int | None = None, year_to: int | None = None,
    *, fill: bool = True,
) -> dict[int, int]:
    """``{year: count}`` sorted by year, for records with a year inside [year_from, year_to].

    With ``fill`` every year of the range (or, without bounds, between the first and last year
    seen) is present, with 0 where nothing was published: an absent year is a zero, not a gap.
    Consumes any iterable, so it works on a streaming reader without holding the records.
    """
    return tally(records, year_from, year_to, fill=fill).per_year


def tally(
    records: Iterable[Record], year_from: int | None = None, year_to: int | None = None,
    *, fill: bool = True,
) -> CountReport:
    """Count per year and keep the bookkeeping (read, without year, outside range)."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ParameterError(f"year range {year_from}-{year_to} is empty (from > to)")
    counts: Counter[int] = Counter()
    read = 0
    for record in records:
        read += 1
        counts[record.year] += 1
    report = CountReport(records_read=read, without_year=counts.pop(None, 0))
    low = year_from if year_from is not None else min(counts, default=None)
    high = year_to if year_to is not None else max(counts, default=None)
    if low is None or high is None:  # nothing with a year, and no range asked for
        return report
    inside = {year: n for year, n in counts.items() if low <= year <= high}
    report.outside_range = sum(counts.values()) - sum(inside.values())
    years = range(low, high + 1) if fill else sorted(inside)
    report.per_year = {year: inside.get(year, 0) for year in years}
    return report
