"""OpenAlex snapshot counting: records/s, MB/s and peak memory of each engine on >= 2M works.

A synthetic works snapshot in the 2026 layout (https://developers.openalex.org/download/
snapshot-format) is generated into a temporary folder: ``WORKS`` works in ``PARTS`` part files
of 250,000 (the real files hold up to 400,000) over four ``updated_date=`` partitions, as gzip
JSON Lines, as Parquet (written by DuckDB from the JSON Lines, nested fields kept as JSON text),
and as plain JSON Lines for the Python importer, which does not read gzip. Records are
synthetic (titles "Synthetic work N about smart cities", ~1.3 KB each with an abstract index,
authorships and references; real works average several KB, so uncompressed bytes/s is the
fairer figure for JSON Lines).

Each measurement is one subprocess counting with the ``sharifi`` rule (records/s exclude the
engine's start-up, reported apart: a Spark session takes seconds); peak memory is the
largest summed RSS of that process and all its descendants (the Spark JVM included), sampled
every 0.1 s from /proc. Memory "bounded" is checked by counting one partition (a quarter of the
works) and the whole, with the same engine: the peak must not grow with the input.
Projections to the real snapshot (about 250 million works; about 330 GB of gzip JSON Lines that
decompress to about 1.6 TB, per the documentation) are straight lines from the measured rates on
this machine: by records, and for JSON Lines also by uncompressed bytes (the synthetic works
repeat fixed fragments, so they compress far better than real ones and the gzip size is no
measure of the work).

Target: DuckDB on Parquet at least 20x the records/s of the Python JSON Lines reader.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from analysis import bench, cli
from analysis.paths import PROCESS, Paths

WORKS = int(os.environ.get("ANALYSIS_BENCH_SNAPSHOT_WORKS", "2000000"))
PER_PART = 250_000
DAYS = ("2025-12-01", "2026-02-17", "2026-04-30", "2026-06-24")
REAL_WORKS = 250_000_000
TARGET_SPEEDUP = 20.0
GROWTH_MB = 100.0  # "bounded": the whole snapshot's peak within this of one partition's
_TITLES = ("Synthetic work {i} about smart cities and urban governance",
           "Synthetic work {i} on public value", "Synthetic work {i}: smart-city platforms",
           "Synthetic work {i} about smart citizens")
_TYPES = ("article", "article", "review", "book-chapter", "paratext")
_WORDS = ("this", "synthetic", "abstract", "discusses", "digital", "platforms", "data",
          "governance", "and", "public", "value", "in", "smart", "cities", "with", "a",
          "realistic", "number", "of", "words", "per", "sentence")
_ABSTRACT = json.dumps({w: [i, i + len(_WORDS)] for i, w in enumerate(_WORDS)})
_AUTHORS = json.dumps([{"author_position": p, "author": {
    "id": f"https://openalex.org/A{k}", "display_name": f"Author {k}"},
    "institutions": [{"display_name": "Synthetic University"}]}
    for k, p in ((1, "first"), (2, "middle"), (3, "last"))])
_REFS = json.dumps([f"https://openalex.org/W{k}" for k in range(100, 112)])


def work_line(i: int) -> str:
    """One synthetic work as a JSON line (built from fixed fragments: generation stays fast)."""
    year = "null" if i % 97 == 0 else str(1990 + i % 36)
    title = json.dumps(_TITLES[i % len(_TITLES)].format(i=i))
    return (f'{{"id": "https://openalex.org/W{i}", "doi": "https://doi.org/10.9999/snap.{i}", '
            f'"title": {title}, "display_name": {title}, "publication_year": {year}, '
            f'"type": "{_TYPES[i % len(_TYPES)]}", "cited_by_count": {i % 50}, '
            f'"abstract_inverted_index": {_ABSTRACT}, "authorships": {_AUTHORS}, '
            f'"referenced_works": {_REFS}, "updated_date": "{DAYS[i * len(DAYS) // WORKS]}"}}\n')


def generate(root: Path, works: int) -> dict[str, object]:
    """gzip JSON Lines, plain JSON Lines and Parquet copies of the same works."""
    started = time.perf_counter()
    per_day: Counter[str] = Counter()
    for first in range(0, works, PER_PART):
        day = DAYS[first * len(DAYS) // works]
        name = f"updated_date={day}/part_{per_day[day]:04d}"
        per_day[day] += 1
        text = "".join(work_line(i) for i in range(first, min(first + PER_PART, works)))
        for target in (root / f"plain/{name}.jsonl", root / f"data/jsonl/works/{name}.gz"):
            target.parent.mkdir(parents=True, exist_ok=True)
        (root / f"plain/{name}.jsonl").write_text(text, encoding="utf-8")
        with gzip.open(root / f"data/jsonl/works/{name}.gz", "wt", encoding="utf-8") as out:
            out.write(text)
    _to_parquet(root)
    sizes = {key: round(sum(p.stat().st_size for p in root.glob(pattern)) / 2**20, 1)
             for key, pattern in (("jsonl_gz_mb", "data/jsonl/works/*/*.gz"),
                                  ("parquet_mb", "data/parquet/works/*/*.parquet"),
                                  ("plain_jsonl_mb", "plain/*/*.jsonl"))}
    return {"works": works, "part_files": sum(per_day.values()), "partitions": len(per_day),
            "seconds": round(time.perf_counter() - started, 1), **sizes}


def _to_parquet(root: Path) -> None:
    import duckdb

    columns = ("{'id': 'VARCHAR', 'doi': 'VARCHAR', 'title': 'VARCHAR', 'display_name': "
               "'VARCHAR', 'publication_year': 'INTEGER', 'type': 'VARCHAR', 'cited_by_count': "
               "'INTEGER', 'abstract_inverted_index': 'JSON', 'authorships': 'JSON', "
               "'referenced_works': 'VARCHAR[]', 'updated_date': 'VARCHAR'}")
    con = duckdb.connect(config={"threads": 2, "memory_limit": "2GB"})
    for part in sorted((root / "data/jsonl/works").glob("*/*.gz")):
        target = root / "data/parquet/works" / part.parent.name / f"{part.stem}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT * FROM read_json('{part}', format='newline_delimited', "
                    f"columns={columns})) TO '{target}' (FORMAT parquet, COMPRESSION snappy)")
    con.close()


# --- measurement ---------------------------------------------------------------------------------


def measure(engine: str, root: Path, out: Path) -> dict[str, object]:
    """In this (child) process: count ``root`` with one engine and the sharifi rule."""
    from analysis.literature.snapshot.rule import series_rule

    rule = series_rule("sharifi")
    start = time.perf_counter()
    if engine == "python-jsonl":
        records, counted = _python_count(root, rule)
        return {"records": records, "counted": counted, "startup_seconds": 0.0,
                "seconds": time.perf_counter() - start}
    from analysis.literature.snapshot import run
    from analysis.literature.snapshot.layout import open_snapshot

    name, fmt = engine.split("-")
    snapshot = open_snapshot(root, fmt)
    counter = run.make_engine(name, fmt, rule, os.cpu_count() or 1, "2GB", out)
    ready = time.perf_counter()  # a Spark session takes seconds to start: measured apart
    try:
        result = run.count_snapshot(snapshot, rule, counter, out, batch_files=8, progress=False)
    finally:
        counter.close()
    return {"records": result.report.records_read, "counted": result.report.counted,
            "startup_seconds": ready - start, "seconds": time.perf_counter() - ready}


def _python_count(root: Path, rule) -> tuple[int, int]:
    """The importer's OpenAlex JSON Lines reader, the same rule applied in Python."""
    from analysis.literature.formats.openalex_works import iter_openalex_jsonl

    patterns = [re.compile(p, re.IGNORECASE) for p in rule.title_regex]
    years: Counter = Counter()
    records = 0
    for path in sorted(root.glob("*/*.jsonl")):
        for record in iter_openalex_jsonl(path):
            records += 1
            if all(p.search(record.title) for p in patterns) and (
                    (record.document_type or "").lower() in rule.types):
                years[record.year] += 1
    return records, sum(n for y, n in years.items()
                        if y is not None and rule.year_from <= y <= rule.year_to)


def _tree_rss_mb(pid: int) -> float:
    """Summed RSS of ``pid`` and its descendants, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {pid}, [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree.update(frontier)
    total = 0
    for member in tree:
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def _run_child(engine: str, root: Path, out: Path) -> dict[str, object]:
    child = subprocess.Popen(
        [sys.executable, "-m", "analysis.bench.snapshot", "--measure", engine, str(root),
         str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, _tree_rss_mb(child.pid))
        time.sleep(0.1)
    stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"snapshot bench failed for {engine}: {stderr[-2000:]}")
    return {**json.loads(stdout), "peak_rss_mb": round(peak, 1)}


CASES = (  # (engine, folder under the generated root, the size its MB/s is of)
    ("duckdb-jsonl", "data/jsonl/works", "plain_jsonl_mb"),
    ("duckdb-parquet", "data/parquet/works", "parquet_mb"),
    ("spark-parquet", "data/parquet/works", "parquet_mb"),
    ("python-jsonl", "plain", "plain_jsonl_mb"),
)
REAL_JSONL_UNCOMPRESSED_TB = 1.6


def _spark_available() -> bool:
    import importlib.util
    import shutil

    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


def _row(engine: str, sizes: dict, measured: dict, mb: float) -> dict[str, object]:
    rate = measured["records"] / measured["seconds"]
    row = {"engine": engine, "records": measured["records"], "counted": measured["counted"],
           "seconds": round(measured["seconds"], 2), "records_per_s": round(rate),
           "startup_seconds": round(measured["startup_seconds"], 2),
           "mb": mb, "mb_per_s": round(mb / measured["seconds"], 1),
           "peak_rss_mb": measured["peak_rss_mb"],
           "projected_hours_250m_works": round(REAL_WORKS / rate / 3600, 2)}
    if engine.endswith("jsonl"):  # JSON parsing costs per uncompressed byte
        row["projected_hours_1_6tb_jsonl_by_bytes"] = round(
            REAL_JSONL_UNCOMPRESSED_TB * 2**20 / row["mb_per_s"] / 3600, 2)
    return row


def run(*, paths: Paths = PROCESS) -> dict:
    conditions = bench.Conditions()
    rows, bounded = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as folder:
        root = Path(folder)
        sizes = generate(root / "snap", WORKS)
        print(f"  generated {sizes}", file=sys.stderr, flush=True)
        spark = _spark_available()
        for engine, sub, size_key in CASES:
            if engine.startswith("spark") and not spark:
                rows.append({"engine": engine, "skipped": "pyspark or java missing "
                                                          "(`make spark` installs them)"})
                continue
            measured = _run_child(engine, root / "snap" / sub, root / f"out-{engine}")
            rows.append(_row(engine, sizes, measured, sizes[size_key]))
            print(f"  {engine:15} {rows[-1]['records_per_s']:>12,} rec/s "
                  f"{rows[-1]['mb_per_s']:>8} MB/s {rows[-1]['peak_rss_mb']:>8} MB peak",
                  file=sys.stderr, flush=True)
            if engine.startswith("duckdb"):
                one_root = root / f"one-{engine}"
                one_root.mkdir()
                (one_root / f"updated_date={DAYS[0]}").symlink_to(
                    root / "snap" / sub / f"updated_date={DAYS[0]}")
                one = _run_child(engine, one_root, root / f"out-{engine}-one")
                bounded[engine] = {"one_partition_records": one["records"],
                                   "one_partition_peak_rss_mb": one["peak_rss_mb"],
                                   "all_records": measured["records"],
                                   "all_peak_rss_mb": measured["peak_rss_mb"],
                                   "bounded": measured["peak_rss_mb"] - one["peak_rss_mb"]
                                   < GROWTH_MB}
    by = {row["engine"]: row for row in rows if "records_per_s" in row}
    if len({row["counted"] for row in by.values()}) != 1:
        raise RuntimeError(f"engines disagree on the count: {by}")
    speedup = by["duckdb-parquet"]["records_per_s"] / by["python-jsonl"]["records_per_s"]
    return {
        "about": __doc__.strip().splitlines()[0],
        "generated": sizes, "rows": rows, "memory_bounded": bounded,
        "target": {"duckdb_parquet_over_python_jsonl": round(speedup, 1),
                   "required": TARGET_SPEEDUP, "met": speedup >= TARGET_SPEEDUP},
        **conditions.report(),
    }


@cli.command(bench.worker_option("ENGINE", "ROOT", "OUT"))
def main(args: argparse.Namespace, paths: Paths) -> int:
    return bench.run_alone(args, paths, run,
                           lambda engine, root, out: measure(engine, Path(root), Path(out)))


if __name__ == "__main__":
    raise SystemExit(main())
