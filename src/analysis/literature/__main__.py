"""Count export records per year, detect their formats, count OpenAlex (API or snapshot).

``python -m analysis.literature {count,detect,openalex,snapshot} ...``:

    count FILE... [--format auto] [--from Y] [--to Y] [--json] [--bibtex-engine auto|full|fast]
                  [--keep-duplicates]
        Records read, duplicates removed (across all files), records without a year, and
        counts per year (every year of the range, 0 where none).
    detect FILE...
        The format each file is read as, one line per file (unreadable ones as error lines).
    openalex (--query Q --from Y --to Y | --series NAME) [--out DIR] [--base-url URL]
        Counts per year from the OpenAlex API into a dated snapshot (see openalex.py).
    snapshot ROOT (--series NAME | --title-regex RE [--abstract]) [--from Y] [--to Y]
             [--types article,review] [--format jsonl|parquet] [--engine duckdb|spark] [--json]
        Counts per year of a whole local OpenAlex snapshot into a dated, checksummed series
        file (see snapshot/run.py).

Bad input exits with status 1 and one line naming the file, line and field; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from analysis import cli
from analysis.errors import CompendiumError
from analysis.literature import (
    DedupeStats,
    Record,
    deduplicate,
    iter_records,
    resolve_format,
    tally,
)
from analysis.literature.detect import FORMAT_ALIASES, FORMATS
from analysis.literature.formats.bibtex import ENGINES
from analysis.paths import Paths


def _arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)

    count = commands.add_parser("count", help="count records per year in export files")
    count.add_argument("files", nargs="+", type=Path, metavar="FILE")
    count.add_argument("--format", default="auto",
                       choices=("auto", *FORMATS, *sorted(FORMAT_ALIASES)),
                       help="export format (default: detected from each file's content)")
    count.add_argument("--from", dest="year_from", type=int, metavar="Y")
    count.add_argument("--to", dest="year_to", type=int, metavar="Y")
    count.add_argument("--json", action="store_true", help="print the report as JSON")
    count.add_argument("--bibtex-engine", choices=ENGINES, default="auto",
                       help="BibTeX reader: bibtexparser (full) or streaming (fast); "
                            "auto = full up to 4 MiB")
    count.add_argument("--keep-duplicates", action="store_true",
                       help="count every record, without de-duplication")
    count.set_defaults(handler=_count)

    detect = commands.add_parser("detect", help="print the format detected for each file")
    detect.add_argument("files", nargs="+", type=Path, metavar="FILE")
    detect.set_defaults(handler=_detect)

    from analysis.literature.openalex import add_arguments, command

    openalex = commands.add_parser("openalex", help="counts per year from the OpenAlex API")
    add_arguments(openalex)
    openalex.set_defaults(handler=command)

    from analysis.literature.snapshot import run as snapshot_run

    snapshot = commands.add_parser("snapshot", help="counts per year of a whole OpenAlex snapshot")
    snapshot_run.add_arguments(snapshot)
    snapshot.set_defaults(handler=snapshot_run.command)


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    """Run the subcommand; a reader that closes the pipe (``count FILE | head -1``) ends it
    quietly (the decorator sees to that)."""
    return args.handler(args, paths)


def _count(args: argparse.Namespace, paths: Paths) -> int:
    files: list[dict[str, object]] = []
    stats = DedupeStats()

    def records() -> Iterator[Record]:
        for path in args.files:
            entry = {"path": str(path), "format": resolve_format(path, args.format), "records": 0}
            files.append(entry)
            for record in iter_records(path, entry["format"], bibtex_engine=args.bibtex_engine):
                entry["records"] += 1
                yield record

    stream = records() if args.keep_duplicates else deduplicate(records(), stats)
    report = tally(stream, args.year_from, args.year_to)
    report.records_read = sum(int(f["records"]) for f in files)
    report.duplicates_removed = stats.removed
    if args.json:
        payload = {"files": files, "year_from": args.year_from, "year_to": args.year_to,
                   **report.as_dict()}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    for entry in files:
        print(f"{entry['path']}: {entry['records']} records ({entry['format']})")
    rows = [
        ("records read", report.records_read),
        ("duplicates removed", report.duplicates_removed),
        ("records without a year", report.without_year),
    ]
    if args.year_from is not None or args.year_to is not None:
        rows.append(("records outside the year range", report.outside_range))
    rows.append(("records counted", report.counted))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("year  records")
    for year, n in report.per_year.items():
        print(f"{year}  {n}")
    return 0


def _detect(args: argparse.Namespace, paths: Paths) -> int:
    """One line per file; an unreadable file is an error line on stderr, and the others are
    still reported (exit 1 if any failed)."""
    failed = 0
    for path in args.files:
        try:
            print(f"{path}\t{resolve_format(path)}")
        except CompendiumError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
