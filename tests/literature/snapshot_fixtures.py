"""A seeded mini OpenAlex works snapshot in the real layouts, and an independent count of it.

Imported by the snapshot tests (pytest puts this folder on sys.path). Layouts as documented at
https://developers.openalex.org/download/snapshot-format : 2026 ``data/{jsonl,parquet}/works/
updated_date=…/part_NNNN.{gz,parquet}`` and pre-2026 ``data/works/updated_date=…/part_NNN.gz``.
Parquet files are written by DuckDB from typed rows (not from the JSON files).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from pathlib import Path

import duckdb

PARTITIONS = ("2025-11-03", "2026-02-17", "2026-06-24")
PARTS_PER_PARTITION = 2
WORKS_PER_PART = 40
SEED = 20261202

# Titles chosen for the edges of the rule; the expected outcome is computed, not written here.
TITLES = (
    "Smart City governance in Europe", "SMART CITIES and public value", "The smart-city paradigm",
    "Smartcity platforms for mobility", "Smart citizens and participation",
    "Smart&nbsp;city: an entity in the title", "Smart &amp; Sustainable Cities",
    "<i>Smart city</i> projects in Morocco", None, "", "Urban governance without the phrase",
    "Governance of smart cities", "Smart cityscape photography", "Smarter cities",
    "Smart city", "Public value of digital platforms",
)
ABSTRACTS = (None, {}, {"This": [0], "smart": [1], "city": [2], "study": [3]},
             {"governance": [2], "smart": [0], "cities": [1]}, {"Nothing": [0], "here": [1]})
TYPES = ("article", "article", "article", "review", "book-chapter", "paratext", None, "erratum")
YEARS = (None, 1970, 1985, 1991, 2005, 2015, 2019, 2020, 2021, 2022, 2024, 2030)

SHARIFI = (r"\bsmart[ -]?cit(y|ies)\b",)
ALLAM = (r"\bsmart[ -]?cit(y|ies)\b", r"\bgovernance\b")


def works(seed: int = SEED) -> list[list[dict]]:
    """One list of works per part file, in partition then part order."""
    rng = random.Random(seed)
    parts, number = [], 0
    for day in PARTITIONS:
        for _ in range(PARTS_PER_PARTITION):
            part = []
            for _ in range(WORKS_PER_PART):
                number += 1
                title = rng.choice(TITLES)
                part.append({
                    "id": f"https://openalex.org/W{number}", "doi": None,
                    "title": title, "display_name": title,
                    "publication_year": rng.choice(YEARS), "type": rng.choice(TYPES),
                    "abstract_inverted_index": rng.choice(ABSTRACTS), "updated_date": day,
                })
            parts.append(part)
    return parts


def write_snapshot(root: Path, layout: str = "2026", formats: tuple[str, ...] = ("jsonl",),
                   parts: list[list[dict]] | None = None) -> list[list[dict]]:
    """Write the works under ``root`` (the folder ``aws s3 sync`` would create)."""
    parts = parts if parts is not None else works()
    digits = 4 if layout == "2026" else 3
    per_day = Counter()
    for part in parts:
        day = part[0]["updated_date"]
        name = f"part_{per_day[day]:0{digits}d}"
        per_day[day] += 1
        for fmt in formats:
            base = root / "data" / ("works" if layout == "pre-2026" else f"{fmt}/works")
            folder = base / f"updated_date={day}"
            folder.mkdir(parents=True, exist_ok=True)
            if fmt == "jsonl":
                write_jsonl(folder / f"{name}.gz", part)
            else:
                write_parquet(folder / f"{name}.parquet", part)
    return parts


def write_jsonl(path: Path, part: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for work in part:
            out.write(json.dumps(work) + "\n")


def write_parquet(path: Path, part: list[dict], drop: str | None = None) -> None:
    """Typed columns; the abstract index is a JSON string, as JSON Lines hold it."""
    columns = {"id": "VARCHAR", "title": "VARCHAR", "display_name": "VARCHAR",
               "publication_year": "INTEGER", "type": "VARCHAR",
               "abstract_inverted_index": "VARCHAR", "updated_date": "VARCHAR"}
    columns.pop(drop, None)
    con = duckdb.connect()
    con.execute("CREATE TABLE works (" + ", ".join(f"{k} {t}" for k, t in columns.items()) + ")")
    rows = [[json.dumps(w[k]) if k == "abstract_inverted_index" and w[k] is not None else w[k]
             for k in columns] for w in part]
    con.executemany(f"INSERT INTO works VALUES ({', '.join('?' * len(columns))})", rows)
    con.execute(f"COPY works TO '{path}' (FORMAT parquet, COMPRESSION snappy)")
    con.close()


def abstract_text(index: dict | None) -> str:
    if not index:
        return ""
    return " ".join(w for _, w in sorted((p, w) for w, ps in index.items() for p in ps))


def expected(parts: list[list[dict]], patterns: tuple[str, ...], types: tuple[str, ...] = (),
             year_from: int | None = None, year_to: int | None = None,
             abstract: bool = False) -> dict[str, object]:
    """The counts of ``count --json``, computed in plain Python from the works written."""
    matched: Counter = Counter()
    records = 0
    for work in (w for part in parts for w in part):
        records += 1
        text = work["title"] or ""
        if abstract:
            text += "\n" + abstract_text(work["abstract_inverted_index"])
        kind = (work["type"] or "").lower()
        if all(re.search(p, text, re.IGNORECASE) for p in patterns) and (
                not types or kind in types):
            matched[work["publication_year"]] += 1
    without = matched.pop(None, 0)
    low = year_from if year_from is not None else min(matched)
    high = year_to if year_to is not None else max(matched)
    per_year = {str(y): matched.get(y, 0) for y in range(low, high + 1)}
    return {"records_read": records, "without_year": without,
            "outside_range": sum(matched.values()) - sum(per_year.values()),
            "counted": sum(per_year.values()), "per_year": per_year,
            "not_matched": records - without - sum(matched.values())}
