"""DuckDB engine: one SQL query over a batch of part files, streaming and memory-bounded.

DuckDB reads gzip JSON Lines and Parquet natively, in parallel across files (and row groups),
and only the grouped result — (file, year, matched, count), a few hundred rows — is held.
``memory_limit`` and ``threads`` are set on the connection; spill files, if any, go to the
run's own folder under build/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from analysis.literature.snapshot.counts import FileCount, from_rows
from analysis.literature.snapshot.layout import SnapshotError
from analysis.literature.snapshot.locate import (
    ABSTRACT,
    check_parquet_columns,
    first_line,
    literal,
    scan_jsonl,
)
from analysis.literature.snapshot.rule import Rule

NAME = "duckdb"
VERSION = duckdb.__version__
_JSON_COLUMNS = ("{'publication_year': 'BIGINT', 'type': 'VARCHAR', 'title': 'VARCHAR', "
                 "'abstract_inverted_index': 'JSON'}")
# {word: [positions]} -> the words in position order, space-separated
_REBUILD = ("array_to_string(list_transform(list_sort(flatten(list_transform(map_entries({m}), "
            "lambda e: list_transform(e.value, lambda p: {{'p': p, 'w': e.key}})))), "
            "lambda x: x.w), ' ')")


@dataclass(frozen=True)
class Settings:
    threads: int
    memory_limit: str
    temp_directory: Path

    def as_dict(self) -> dict[str, object]:
        return {"threads": self.threads, "memory_limit": self.memory_limit}


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    settings.temp_directory.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(config={
        "threads": settings.threads, "memory_limit": settings.memory_limit,
        "temp_directory": str(settings.temp_directory), "preserve_insertion_order": False,
    })


def count_files(con: duckdb.DuckDBPyConnection, files: list[Path], fmt: str,
                rule: Rule) -> dict[str, FileCount]:
    """Per-file records and matching works per year, from one query over ``files``."""
    abstract_type = check_parquet_columns(files, rule, con) if fmt == "parquet" else "JSON"
    sql = query(files, fmt, rule, abstract_type)
    try:
        rows = con.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise locate_error(con, files, fmt, rule, abstract_type, exc) from None
    return from_rows(rows)


def query(files: list[Path], fmt: str, rule: Rule, abstract_type: str = "JSON") -> str:
    """The SQL of one batch (also recorded, so the rule can be read as DuckDB runs it)."""
    listed = "[" + ", ".join(literal(str(f)) for f in files) + "]"
    if fmt == "jsonl":
        source = (f"read_json({listed}, format='newline_delimited', compression='gzip', "
                  f"columns={_JSON_COLUMNS}, filename=true)")
    else:
        source = f"read_parquet({listed}, filename=true, union_by_name=true)"
    return (f"SELECT filename, publication_year, {match_sql(rule, abstract_type)} AS matched, "
            f"count(*) FROM {source} GROUP BY ALL")


def match_sql(rule: Rule, abstract_type: str = "JSON") -> str:
    text = "coalesce(title, '')"
    if rule.abstract:
        index = ABSTRACT if abstract_type.startswith("MAP") else f"CAST({ABSTRACT} AS JSON)"
        rebuilt = _REBUILD.format(m=f"CAST({index} AS MAP(VARCHAR, INTEGER[]))")
        text = f"({text} || chr(10) || coalesce({rebuilt}, ''))"
    tests = [f"regexp_matches({text}, {literal(p)}, 'i')" for p in rule.title_regex]
    if rule.types:
        kinds = ", ".join(literal(t.lower()) for t in rule.types)
        tests.append(f"coalesce(lower(type) IN ({kinds}), false)")
    return "(" + " AND ".join(tests) + ")"


def locate_error(con: duckdb.DuckDBPyConnection, files: list[Path], fmt: str, rule: Rule,
                 abstract_type: str, exc: duckdb.Error) -> SnapshotError:
    """The batch failed: find the file (and for JSON Lines the line) and say what is wrong."""
    for path in files:
        if fmt == "jsonl" and (message := scan_jsonl(path)):
            return SnapshotError(message)
        try:
            con.execute(query([path], fmt, rule, abstract_type)).fetchall()
        except duckdb.Error as one:
            return SnapshotError(f"{path}: {first_line(one)}")
    return SnapshotError(f"{', '.join(map(str, files))}: {first_line(exc)}")
