"""The match rule: exact, published and recorded in every output.

A work matches when every ``title_regex`` matches its title (case-insensitive; with ``abstract``,
the title or the abstract rebuilt from ``abstract_inverted_index``), its ``type`` is one of
``types`` (when given), and it is then counted under its ``publication_year``.

The patterns are run by RE2 (DuckDB), java.util.regex (Spark) and ``re`` (the tests), so they
must keep to the syntax the three share: literals, ``[...]`` classes, ``?*+{n,m}``, ``(a|b)``,
``(?:...)``, ``\\b``.
Titles are matched as stored in OpenAlex: HTML entities (``&amp;``, ``&nbsp;``) are not decoded
and tags (``<i>``) are not removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import ConfigError
from analysis.paths import PROCESS, Paths

_SHARED_SYNTAX = re.compile(r"\(\?(?!:)|\\[pPdDsSwWAZzQEG0-9]|\[\[:")


@dataclass(frozen=True)
class Rule:
    """What counts as a matching work; ``name`` is the series name or ``"custom"``."""

    name: str
    title_regex: tuple[str, ...]
    abstract: bool = False
    types: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    source: str = "command line"

    def __post_init__(self) -> None:
        if not self.title_regex:
            raise ConfigError("snapshot: give --series NAME or at least one --title-regex RE")
        for pattern in self.title_regex:
            check_pattern(pattern, self.source)
        if (self.year_from is not None and self.year_to is not None
                and self.year_from > self.year_to):
            raise ConfigError(f"year range {self.year_from}-{self.year_to} is empty (from > to)")

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "title_regex": list(self.title_regex),
            "case_insensitive": True, "all_patterns_must_match": True,
            "abstract": self.abstract, "types": list(self.types),
            "year_from": self.year_from, "year_to": self.year_to, "source": self.source,
            "text_matched": "title or abstract rebuilt from abstract_inverted_index"
                            if self.abstract else "title",
        }


def check_pattern(pattern: str, source: str) -> None:
    """Refuse patterns outside the syntax RE2, Java and Python share (one rule, three engines)."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{source}: title regex {pattern!r} is not valid ({exc})") from None
    if bad := _SHARED_SYNTAX.search(pattern):
        raise ConfigError(
            f"{source}: title regex {pattern!r} uses {bad.group()!r}, which the DuckDB, Spark "
            "and Python engines do not read alike; use literals, [...] classes, ?*+, (a|b), \\b")


def series_rule(name: str, path: Path | None = None, *, paths: Paths = PROCESS) -> Rule:
    """The ``snapshot`` rule of a series in data/literature/queries.yml."""
    from analysis.literature.openalex import series_section

    path = Path(path or paths.literature_queries)
    spec = series_section(name, "snapshot", ("title_regex", "year_from", "year_to"), path,
                          paths=paths)
    patterns = spec["title_regex"]
    return Rule(
        name=name, title_regex=tuple([patterns] if isinstance(patterns, str) else patterns),
        abstract=bool(spec.get("abstract", False)), types=tuple(spec.get("types") or ()),
        year_from=int(spec["year_from"]), year_to=int(spec["year_to"]),
        source=f"{paths.relative(path)}, series {name}, snapshot",
    )
