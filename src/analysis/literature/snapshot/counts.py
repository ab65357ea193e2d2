"""What an engine returns for each part file: records seen, and matching works per year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

Year = int | None


@dataclass
class FileCount:
    """``records``: every work in the file; ``matched``: works of the rule, by year (None: no
    publication year)."""

    records: int = 0
    matched: Counter[Year] = field(default_factory=Counter)

    def add(self, year: Year, matched: bool, n: int) -> None:
        self.records += n
        if matched:
            self.matched[year] += n

    def as_dict(self) -> dict[str, object]:
        return {"records": self.records,
                "matched": {("null" if y is None else str(y)): n for y, n in self.matched.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> FileCount:
        matched = Counter({(None if y == "null" else int(y)): int(n)
                           for y, n in data["matched"].items()})
        return cls(records=int(data["records"]), matched=matched)


def from_rows(rows: list[tuple[str, Year, bool, int]]) -> dict[str, FileCount]:
    """Per-file counts from ``(file, year, matched, n)`` rows (the engines' GROUP BY)."""
    out: dict[str, FileCount] = {}
    for file, year, matched, n in rows:
        out.setdefault(normal_path(file), FileCount()).add(
            None if year is None else int(year), bool(matched), int(n))
    return out


def normal_path(name: str) -> str:
    """Spark names files as URIs (``file:///a%20b/part_0000.gz``); DuckDB as given (absolute,
    since the snapshot's paths are). Compare plain paths."""
    if name.startswith("file:"):
        name = unquote(name[len("file:"):])
        name = "/" + name.lstrip("/")
    return name
