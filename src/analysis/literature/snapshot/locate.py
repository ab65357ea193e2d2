"""Naming the bad file, line and column when an engine fails on a part file.

Engines report a failure for a whole batch and not always with a line (DuckDB counts lines of a
record split over two lines differently); these helpers re-read the one file to say exactly where.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import duckdb

from analysis.errors import where
from analysis.literature.snapshot.layout import SnapshotError
from analysis.literature.snapshot.rule import Rule

ABSTRACT = "abstract_inverted_index"


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def check_parquet_columns(files: list[Path], rule: Rule,
                          con: duckdb.DuckDBPyConnection | None = None) -> str:
    """Every file has the columns the rule reads (footers only); the abstract column's type."""
    con = con or duckdb.connect()
    needed = ["publication_year", "type", "title"] + ([ABSTRACT] if rule.abstract else [])
    abstract_type = "JSON"
    for path in files:
        try:
            columns = dict(con.execute(
                f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                f"read_parquet({literal(str(path))}))").fetchall())
        except duckdb.Error as exc:
            reason = first_line(exc)
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
