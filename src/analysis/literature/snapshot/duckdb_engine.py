"""DuckDB engine: one SQL query over a batch of part files, streaming and memory-bounded.

DuckDB reads gzip JSON Lines and Parquet natively, in parallel across files (and row groups),
and only the grouped result — (file, year, matched, count), a few hundred rows — is held.
``memory_limit`` and ``threads`` are set on the connection; spill files, if any, go to the
run's own folder under build/.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analysis.errors import where
from analysis.literature.snapshot.counts import FileCount, from_rows
from analysis.literature.snapshot.layout import SnapshotError
from analysis.literature.snapshot.rule import Rule

NAME = "duckdb"
VERSION = duckdb.__version__
ABSTRACT = "abstract_inverted_index"
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
    abstract_type = _check_parquet(con, files, rule) if fmt == "parquet" else "JSON"
    sql = query(files, fmt, rule, abstract_type)
    try:
        rows = con.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise locate_error(con, files, fmt, rule, abstract_type, exc) from None
    return from_rows(rows)


def query(files: list[Path], fmt: str, rule: Rule, abstract_type: str = "JSON") -> str:
    """The SQL of one batch (also recorded, so the rule can be read as DuckDB runs it)."""
    listed = "[" + ", ".join(_literal(str(f)) for f in files) + "]"
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
    tests = [f"regexp_matches({text}, {_literal(p)}, 'i')" for p in rule.title_regex]
    if rule.types:
        kinds = ", ".join(_literal(t.lower()) for t in rule.types)
        tests.append(f"coalesce(lower(type) IN ({kinds}), false)")
    return "(" + " AND ".join(tests) + ")"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_parquet(con: duckdb.DuckDBPyConnection, files: list[Path], rule: Rule) -> str:
    """Every file has the columns the rule reads; returns the abstract column's type."""
    needed = ["publication_year", "type", "title"] + ([ABSTRACT] if rule.abstract else [])
    abstract_type = "JSON"
    for path in files:
        try:
            columns = dict(con.execute(
                f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                f"read_parquet({_literal(str(path))}))").fetchall())
        except duckdb.Error as exc:
            reason = _first_line(exc)
            raise SnapshotError(f"{path}: not a readable Parquet file ({reason})") from None
        missing = [c for c in needed if c not in columns]
        if missing:
            raise SnapshotError(f"{where(path, column=missing[0])}: column missing (an OpenAlex "
                                f"works file has {', '.join(needed)})")
        if rule.abstract:
            abstract_type = columns[ABSTRACT]
            if not abstract_type.startswith(("MAP", "VARCHAR", "JSON")):
                raise SnapshotError(
                    f"{where(path, column=ABSTRACT)}: type {abstract_type} (expected a JSON "
                    "string or MAP(VARCHAR, INTEGER[]))")
    return abstract_type


def locate_error(con: duckdb.DuckDBPyConnection, files: list[Path], fmt: str, rule: Rule,
                 abstract_type: str, exc: duckdb.Error) -> SnapshotError:
    """The batch failed: find the file (and for JSON Lines the line) and say what is wrong."""
    for path in files:
        if fmt == "jsonl" and (message := scan_jsonl(path)):
            return SnapshotError(message)
        try:
            con.execute(query([path], fmt, rule, abstract_type)).fetchall()
        except duckdb.Error as one:
            return SnapshotError(f"{path}: {_first_line(one)}")
    return SnapshotError(f"{', '.join(map(str, files))}: {_first_line(exc)}")


def scan_jsonl(path: Path) -> str | None:
    """Read a gzip JSON Lines file in Python to name the first bad line (only after a failure)."""
    line = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line, text in enumerate(handle, 1):  # noqa: B007 - used in messages
                if not text.strip():
                    continue
                work = json.loads(text)
                if not isinstance(work, dict):
                    return f"{where(path, line)}: expected a JSON object (a work)"
                year = work.get("publication_year")
                if year is not None and not isinstance(year, int):
                    return (f"{where(path, line, 'publication_year')}: {year!r} is not a year "
                            "(expected an integer or null)")
    except json.JSONDecodeError as exc:
        return f"{where(path, line)}: malformed JSON line ({exc.msg}, column {exc.colno})"
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        return (f"{path}: truncated or corrupt gzip after row {line} ({exc}); "
                "download the file again")
    except UnicodeDecodeError as exc:
        return f"{where(path, line + 1)}: bytes are not valid UTF-8 ({exc.reason})"
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
