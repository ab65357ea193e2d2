"""``python -m analysis.literature snapshot ROOT``: count a whole OpenAlex snapshot, resumably.

Files are counted in batches (at most ``--batch-files`` part files of one partition per query).
After each batch the per-file results go to a state file under the output folder, so an
interrupted run restarts from the files already done; the state is removed once the dated
series file is written. Progress (files done of total, records/s, MB/s, time left) goes to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analysis import textlist
from analysis.errors import ConfigError
from analysis.fileio import sha256_file, write_text
from analysis.literature.counting import CountReport
from analysis.literature.records import YEAR_MAX, YEAR_MIN
from analysis.literature.snapshot.counts import FileCount, normal_path
from analysis.literature.snapshot.layout import (
    FORMATS,
    PartFile,
    Snapshot,
    SnapshotError,
    open_snapshot,
)
from analysis.literature.snapshot.rule import Rule, series_rule
from analysis.paths import PROCESS, Paths

ENGINES = ("duckdb", "spark")
KIND = "openalex-snapshot-count"
LABEL = ("OpenAlex snapshot (CC0), counted with an exact title rule chosen by this compendium: "
         "an independent series, not the Web of Science figure of Sharifi et al. (2021) or "
         "Allam et al. (2022)")
BatchCounter = Callable[[list[Path]], dict[str, FileCount]]


@dataclass
class Engine:
    """An engine bound to one snapshot format and rule: ``count(files)`` per batch."""

    name: str
    version: str
    settings: dict[str, object]
    count: BatchCounter
    expression: str
    close: Callable[[], None] = field(default=lambda: None)


def default_out(paths: Paths = PROCESS) -> Path:
    return paths.snapshot_out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", type=Path, metavar="ROOT",
                        help="local copy of the snapshot (the folder holding data/), or a "
                             "works folder")
    parser.add_argument("--series", choices=("sharifi", "allam"),
                        help="rule from data/literature/queries.yml (series NAME, snapshot)")
    parser.add_argument("--title-regex", action="append", metavar="RE",
                        help="case-insensitive pattern the title must match (repeat: all must)")
    parser.add_argument("--abstract", action="store_true",
                        help="match the title or the abstract rebuilt from "
                             "abstract_inverted_index")
    parser.add_argument("--from", dest="year_from", type=int, metavar="Y")
    parser.add_argument("--to", dest="year_to", type=int, metavar="Y")
    parser.add_argument("--types", help="OpenAlex work types, comma-separated (article,review)")
    parser.add_argument("--format", choices=FORMATS,
                        help="copy to read (default: parquet when present, else jsonl)")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb")
    parser.add_argument("--spark-master", metavar="URL",
                        help="Spark master for --engine spark (default: local[THREADS]); ROOT "
                             "must then be readable at the same path by every executor")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory-limit", default="2GB",
                        help="DuckDB memory_limit, Spark driver memory (default: 2GB)")
    parser.add_argument("--batch-files", type=int, default=8,
                        help="part files per query; the unit of resumption (default: 8)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder of the series file and the resume state "
                             "(default: build/snapshot)")
    parser.add_argument("--restart", action="store_true",
                        help="ignore the state of an interrupted run and count from zero")
    parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    parser.add_argument("--json", action="store_true",
                        help="print the counts as JSON (the shape of `count --json`)")


def rule_from_args(args: argparse.Namespace, *, paths: Paths = PROCESS) -> Rule:
    if args.series and args.title_regex:
        raise ConfigError("snapshot: give --series or --title-regex, not both")
    types = tuple(textlist.items(args.types or ""))
    if args.series:
        base = series_rule(args.series, paths=paths)
        return Rule(
            name=base.name, title_regex=base.title_regex, abstract=base.abstract or args.abstract,
            types=types or base.types, source=base.source,
            year_from=base.year_from if args.year_from is None else args.year_from,
            year_to=base.year_to if args.year_to is None else args.year_to)
    return Rule(name="custom", title_regex=tuple(args.title_regex or ()), abstract=args.abstract,
                types=types, year_from=args.year_from, year_to=args.year_to)


def command(args: argparse.Namespace, paths: Paths) -> int:
    """``snapshot``: count, resumably, then write the dated series file."""
    rule = rule_from_args(args, paths=paths)
    if args.batch_files < 1 or args.threads < 1:
        raise ConfigError("snapshot: --batch-files and --threads must be at least 1")
    snapshot = open_snapshot(args.root, args.format)
    out = Path(args.out or default_out(paths))
    engine = make_engine(args.engine, snapshot.format, rule, args.threads, args.memory_limit, out,
                         spark_master=args.spark_master)
    try:
        result = count_snapshot(snapshot, rule, engine, out, args.batch_files,
                                restart=args.restart, progress=not args.no_progress)
    finally:
        engine.close()
    target = write_series(result, out)
    if args.json:
        print(json.dumps({**count_payload(result), "series_file": str(target)}, indent=2,
                         ensure_ascii=False))
        return 0
    report = result.report
    for label, value in (("records read", report.records_read),
                         ("not matching the rule", result.not_matched),
                         ("matching, without a year", report.without_year),
                         ("matching, outside the year range", report.outside_range),
                         ("matching, counted", report.counted)):
        print(f"{label:<34}{value}")
    print("year  works")
    for year, n in report.per_year.items():
        print(f"{year}  {n}")
    print(f"wrote {target}")
    return 0


def make_engine(name: str, fmt: str, rule: Rule, threads: int, memory_limit: str,
                out: Path, spark_master: str | None = None) -> Engine:
    if name == "spark":
        from analysis.literature.snapshot import spark_engine

        return spark_engine.engine(fmt, rule, threads, memory_limit, out,
                                   master=spark_master or f"local[{threads}]")
    from analysis.literature.snapshot import duckdb_engine as ddb

    settings = ddb.Settings(threads, memory_limit, out / "duckdb.tmp")
    con = ddb.connect(settings)
    return Engine(name=ddb.NAME, version=ddb.VERSION, settings=settings.as_dict(),
                  count=lambda files: ddb.count_files(con, files, fmt, rule),
                  expression=ddb.match_sql(rule), close=con.close)


# --- counting with resumption -----------------------------------------------------------------


@dataclass
class Result:
    snapshot: Snapshot
    rule: Rule
    engine: Engine
    per_file: dict[str, FileCount]
    report: CountReport
    not_matched: int
    seconds: float  # wall time of every run that counted part of it (resumed runs included)
    resumed_files: int


def count_snapshot(snapshot: Snapshot, rule: Rule, engine: Engine, out: Path, batch_files: int,
                   *, restart: bool = False, progress: bool = True) -> Result:
    started = time.perf_counter()
    state_path = out / f"state-{fingerprint(snapshot, rule, engine)}.json"
    done, earlier = ({}, 0.0) if restart else load_state(state_path)
    resumed = len(done)
    meter = Progress(snapshot.files, done, enabled=progress)
    for batch in batches(snapshot.files, batch_files, done):
        counted = engine.count([f.path for f in batch])
        if strays := set(counted) - {str(f.path) for f in batch}:
            raise SnapshotError(f"{engine.name} named files it was not given ({sorted(strays)[0]}"
                                f"); expected one of {batch[0].path} ...: nothing counted")
        for part in batch:
            done[snapshot.relative(part.path)] = counted.get(
                normal_path(str(part.path)), FileCount())
        spent = earlier + time.perf_counter() - started
        write_text(state_path, json.dumps({"seconds": spent,
                                           "files": {k: v.as_dict() for k, v in done.items()}}))
        meter.step(batch, sum(done[snapshot.relative(f.path)].records for f in batch))
    report, not_matched = summarise(done, rule)
    state_path.unlink(missing_ok=True)
    return Result(snapshot, rule, engine, done, report, not_matched,
                  earlier + time.perf_counter() - started, resumed)


def fingerprint(snapshot: Snapshot, rule: Rule, engine: Engine) -> str:
    """Same root, files, rule and engine: the state of an interrupted run may be resumed."""
    key = json.dumps([str(snapshot.works.resolve()), snapshot.format, rule.as_dict(),
                      engine.name, [(snapshot.relative(f.path), f.size) for f in snapshot.files]])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def load_state(path: Path) -> tuple[dict[str, FileCount], float]:
    """Files already counted by an interrupted run, and the wall time it spent."""
    if not path.is_file():
        return {}, 0.0
    try:
        state = json.loads(path.read_text())
        files = {k: FileCount.from_dict(v) for k, v in state["files"].items()}
        return files, float(state["seconds"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}, 0.0  # a state cut by a crash is worth nothing: count from zero


def batches(files: list[PartFile], size: int, done: dict[str, FileCount]) -> Iterator[list]:
    """Files not done yet, at most ``size`` per batch, never mixing two partitions."""
    batch: list[PartFile] = []
    for part in files:
        if _done(part, done):
            continue
        if batch and (len(batch) == size or batch[0].partition != part.partition):
            yield batch
            batch = []
        batch.append(part)
    if batch:
        yield batch


def _done(part: PartFile, done: dict[str, FileCount]) -> bool:
    """Keys are paths relative to the works folder: ``updated_date=…/part_NNNN.gz``."""
    return f"{part.path.parent.name}/{part.path.name}" in done


def summarise(per_file: dict[str, FileCount], rule: Rule) -> tuple[CountReport, int]:
    """Counts per year inside the range, zeros filled; years without a work are zeros.

    Without --from/--to the range is the first to the last plausible year seen (1000-2100, as
    for the importers); matching works of any other year count as outside the range.
    """
    matched: Counter = Counter()
    for result in per_file.values():
        matched.update(result.matched)
    records = sum(r.records for r in per_file.values())
    not_matched = records - sum(matched.values())
    report = CountReport(records_read=records, without_year=matched.pop(None, 0))
    plausible = [y for y in matched if YEAR_MIN <= y <= YEAR_MAX]
    low = rule.year_from if rule.year_from is not None else min(plausible, default=None)
    high = rule.year_to if rule.year_to is not None else max(plausible, default=None)
    if low is None or high is None:
        report.outside_range = sum(matched.values())
        return report, not_matched
    report.per_year = {y: matched.get(y, 0) for y in range(low, high + 1)}
    report.outside_range = sum(matched.values()) - report.counted
    return report, not_matched


class Progress:
    """One stderr line per batch: files done/total, records/s and MB/s of this run, time left."""

    def __init__(self, files: list[PartFile], done: dict[str, FileCount], enabled: bool) -> None:
        self.total, self.enabled = len(files), enabled
        self.left_bytes = sum(f.size for f in files if not _done(f, done))
        self.files_done, self.bytes, self.records = len(done), 0, 0
        self.started = time.perf_counter()

    def step(self, batch: list[PartFile], records: int) -> None:
        self.files_done += len(batch)
        size = sum(f.size for f in batch)
        self.bytes, self.records, self.left_bytes = (self.bytes + size, self.records + records,
                                                     self.left_bytes - size)
        if not self.enabled:
            return
        seconds = max(time.perf_counter() - self.started, 1e-9)
        eta = self.left_bytes / (self.bytes / seconds) if self.bytes else 0.0
        print(f"snapshot: {self.files_done}/{self.total} files, {self.records:,} records "
              f"({self.records / seconds:,.0f}/s, {self.bytes / seconds / 2**20:,.1f} MB/s), "
              f"about {_duration(eta)} left", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


# --- output -------------------------------------------------------------------------------------


def series_document(result: Result) -> dict[str, object]:
    """The dated series with its provenance (root, manifest, files, rule, engine, wall time)."""
    report, snapshot = result.report, result.snapshot
    years = list(report.per_year)
    return {
        "kind": KIND, "label": LABEL,
        "counted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rule": result.rule.as_dict(),
        "year_from": years[0] if years else result.rule.year_from,
        "year_to": years[-1] if years else result.rule.year_to,
        "counts": {str(y): n for y, n in report.per_year.items()},
        "records_read": report.records_read, "not_matched": result.not_matched,
        "without_year": report.without_year, "outside_range": report.outside_range,
        "counted": report.counted,
        "snapshot": snapshot.describe(),
        "files": [{"path": snapshot.relative(f.path), "bytes": f.size,
                   "records": result.per_file[snapshot.relative(f.path)].records}
                  for f in snapshot.files],
        "engine": {"name": result.engine.name, "version": result.engine.version,
                   **result.engine.settings, "match_expression": result.engine.expression},
        "wall_seconds": round(result.seconds, 3),
        "resumed_files": result.resumed_files,
    }


def write_series(result: Result, out: Path) -> Path:
    """``openalex-snapshot_<rule>_<from>-<to>_<day>.json`` and its ``.sha256`` beside it."""
    document = series_document(result)
    day = str(document["counted_at"])[:10]
    span = f"{document['year_from']}-{document['year_to']}"
    target = out / f"openalex-snapshot_{result.rule.name}_{span}_{day}.json"
    write_text(target, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    write_text(target.with_name(target.name + ".sha256"), f"{sha256_file(target)}  {target.name}\n")
    return target


def count_payload(result: Result) -> dict[str, object]:
    """The JSON of ``analysis.literature count --json``, plus ``not_matched``."""
    snapshot = result.snapshot
    files = [{"path": str(f.path), "format": f"openalex-snapshot-{snapshot.format}",
              "records": result.per_file[snapshot.relative(f.path)].records}
             for f in snapshot.files]
    return {"files": files, "year_from": result.rule.year_from, "year_to": result.rule.year_to,
            **result.report.as_dict(), "not_matched": result.not_matched}
