"""Importer throughput (records/s) and peak memory on generated exports of 10k, 100k and 1M records.

For each format a synthetic export is generated into a temporary folder (records are synthetic:
"Synthetic title number N", DOIs under the unassigned 10.9999 prefix, ~250-character abstract),
then each measurement runs in its own subprocess so that peak memory is independent: the child
imports the reader, notes its peak RSS (``ru_maxrss``), streams the file through
``count_per_year`` (no de-duplication), and reports the time and the peak RSS increase.

Target, so that an export of any size imports in seconds and in memory that does not grow with
it: >= 50k records/s for Web of Science plain text, Scopus CSV and RIS, streaming,
with peak memory flat as N grows ("flat": the 1M-record peak exceeds the 10k-record peak by less
than ``FLAT_MB``). Reported values are medians over ``REPEATS`` runs at 10k and 100k and a single
run at 1M, with records/s from both wall-clock and CPU time: the machine is shared, and the load
average is recorded with the results.

Sizes, chosen to keep the section near three minutes on a 2-core machine: the three target
formats run at 10k, 100k and 1M. The other streaming readers (WoS tab-delimited, BibTeX fast
path, OpenAlex JSONL) run at 10k and 100k, and at 1M too when ``ANALYSIS_BENCH_IMPORTERS_FULL=1``
is set. Capped by design: bibtexparser (the BibTeX "full" engine: ~4k entries/s, ~12 KB per
entry) and Excel (openpyxl reads ~4k rows/s) at 10k and 30k; whole-document OpenAlex JSON (parsed
at once, not streamed) at 10k and 100k.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from analysis import bench, cli
from analysis.paths import PROCESS, Paths

SIZES = (10_000, 100_000, 1_000_000)
REPEATS = 3
SINGLE_RUN_SIZES = frozenset({30_000, 1_000_000})  # the slow caps and the largest files
TARGET_RECORDS_PER_S = 50_000
TARGET_FORMATS = ("wos-tagged", "scopus-csv", "ris")
FLAT_MB = 20.0

_ABSTRACT = (
    "This synthetic abstract stands in for a real one: it discusses smart cities, digital "
    "platforms, data governance and public value in a few sentences of ordinary length, so that "
    "records have a realistic size for the importer benchmark and nothing more than that."
)
_WOS_TAG_LINE = (
    "PT AU BA BE GP AF BF CA TI SO SE BS LA DT CT CY CL SP HO DE ID AB C1 C3 RP EM RI OI FU FP FX "
    "CR NR TC Z9 U1 U2 PU PI PA SN EI BN J9 JI PD PY VL IS PN SU SI MA BP EP AR DI DL D2 EA PG WC "
    "WE SC GA PM OA HC HP DA UT"
)
_WOS_TAGS = _WOS_TAG_LINE.split()
_SCOPUS_HEADER = (
    "Authors,Author full names,Author(s) ID,Title,Year,Source title,Volume,Issue,Art. No.,"
    "Page start,Page end,Page count,Cited by,DOI,Link,Abstract,Author Keywords,Index Keywords,"
    "Document Type,Publication Stage,Open Access,Source,EID\n"
)


def _year(i: int) -> int:
    return 1991 + i % 31


# --- generators: one synthetic record per call, written to an open text file -------------------


def _records(out: IO[str], n: int, record: Callable[[int], str], header: str = "",
             footer: str = "") -> None:
    """An export of ``n`` records: ``header``, ``record(0)`` ... ``record(n - 1)``, ``footer``."""
    out.write(header)
    out.writelines(record(i) for i in range(n))
    out.write(footer)


def _wos_tagged(out: IO[str], n: int) -> None:
    _records(out, n, _wos_tagged_record, "\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\n",
             "EF\n")


def _wos_tagged_record(i: int) -> str:
    return (f"PT J\nAU Author{i}, A\n   Second, B\nAF Author{i}, Anna\n   Second, Ben\n"
            f"TI Synthetic title number {i} about smart cities and urban governance, with a\n"
            f"   title long enough to wrap\nSO SYNTHETIC JOURNAL {i % 500}\nLA English\n"
            f"DT Article\nDE smart city; governance\nAB {_ABSTRACT}\n"
            f"WC Urban Studies; Regional & Urban Planning\nSC Urban Studies\nPY {_year(i)}\n"
            f"VL {i % 90}\nDI 10.9999/bench.{i}\nUT WOS:{i:015d}\nER\n\n")


def _wos_tab(out: IO[str], n: int) -> None:
    _records(out, n, _wos_tab_record, "\ufeff" + "\t".join(_WOS_TAGS) + "\n")


def _wos_tab_record(i: int) -> str:
    cells = dict.fromkeys(_WOS_TAGS, "") | {
        "PT": "J", "AU": f"Author{i}, A; Second, B",
        "TI": f"Synthetic title number {i} about smart cities and urban governance",
        "SO": f"SYNTHETIC JOURNAL {i % 500}", "DT": "Article", "AB": _ABSTRACT,
        "WC": "Urban Studies; Regional & Urban Planning", "PY": str(_year(i)),
        "DI": f"10.9999/bench.{i}", "UT": f"WOS:{i:015d}"}
    return "\t".join(cells.values()) + "\t\n"


def _scopus_csv(out: IO[str], n: int) -> None:
    _records(out, n, _scopus_record, "\ufeff" + _SCOPUS_HEADER)


def _scopus_record(i: int) -> str:
    return (f'"Author{i} A.; Second B.","Author{i}, Anna (1); Second, Ben (2)","{i};2",'
            f'"Synthetic title number {i} about smart cities, urban governance",{_year(i)},'
            f'"Synthetic Journal {i % 500}",{i % 90},1,,1,20,20,{i % 7},10.9999/bench.{i},'
            f'"https://www.scopus.com/inward/record.uri?eid=2-s2.0-{i}","{_ABSTRACT}",'
            f'"smart city; governance","Smart city; Urban planning",Article,Final,,Scopus,'
            f"2-s2.0-{i}\n")


def _ris(out: IO[str], n: int) -> None:
    _records(out, n, _ris_record)


def _ris_record(i: int) -> str:
    return (f"TY  - JOUR\nAU  - Author{i}, Anna\nAU  - Second, Ben\n"
            f"TI  - Synthetic title number {i} about smart cities and urban governance\n"
            f"T2  - Synthetic Journal {i % 500}\nPY  - {_year(i)}\nVL  - {i % 90}\n"
            f"DO  - 10.9999/bench.{i}\nAB  - {_ABSTRACT}\nKW  - smart city\nKW  - governance\n"
            f"DB  - Scopus\nER  - \n\n")


def _bibtex(out: IO[str], n: int) -> None:
    _records(out, n, _bibtex_record, "Scopus\nEXPORT DATE: synthetic\n\n")


def _bibtex_record(i: int) -> str:
    return (f"@ARTICLE{{Author{i},\n\tauthor = {{Author{i}, Anna and Second, Ben}},\n"
            f"\ttitle = {{Synthetic title number {i} about smart cities and {{urban}} "
            f"governance}},\n\tyear = {{{_year(i)}}},\n"
            f"\tjournal = {{Synthetic Journal {i % 500}}},\n\tvolume = {{{i % 90}}},\n"
            f"\tdoi = {{10.9999/bench.{i}}},\n\tabstract = {{{_ABSTRACT}}},\n"
            f"\tauthor_keywords = {{smart city; governance}},\n\ttype = {{Article}},\n"
            f"\tsource = {{Scopus}}\n}}\n\n")


def _openalex_work(i: int) -> str:
    return json.dumps({
        "id": f"https://openalex.org/W{i}", "doi": f"https://doi.org/10.9999/bench.{i}",
        "title": f"Synthetic title number {i} about smart cities and urban governance",
        "publication_year": _year(i), "type": "article",
        "topics": [{"display_name": "Smart Cities", "field": {"display_name": "Social Sciences"}}],
        "abstract_inverted_index": None, "abstract_text_for_size": _ABSTRACT,
    })


def _openalex_jsonl(out: IO[str], n: int) -> None:
    _records(out, n, lambda i: _openalex_work(i) + "\n")


def _openalex_json(out: IO[str], n: int) -> None:
    out.write(json.dumps({"meta": {"count": n}})[:-1] + ', "results": [\n')
    out.write(",\n".join(_openalex_work(i) for i in range(n)))
    out.write("\n]}\n")


def _xlsx(path: Path, n: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(["ID", "Autor", "Titel", "Jahr ermittelt", "Zeitschrift/Zeitung", "DOI",
                  "Abstract"])
    for i in range(n):
        sheet.append([i, f"A. Author{i}; B. Second",
                      f"Synthetic title number {i} about smart cities and urban governance",
                      str(_year(i)), f"Synthetic Journal {i % 500}", f"10.9999/bench.{i}",
                      _ABSTRACT])
    workbook.save(path)


FULL_ENV = "ANALYSIS_BENCH_IMPORTERS_FULL"
_STREAMING_1M = SIZES if os.environ.get(FULL_ENV) == "1" else SIZES[:2]

# (name, reader format, BibTeX engine, generator, sizes)
CASES: tuple[tuple[str, str, str, Callable, tuple[int, ...]], ...] = (
    ("wos-tagged", "wos-tagged", "auto", _wos_tagged, SIZES),
    ("scopus-csv", "csv", "auto", _scopus_csv, SIZES),
    ("ris", "ris", "auto", _ris, SIZES),
    ("wos-tab", "wos-tab", "auto", _wos_tab, _STREAMING_1M),
    ("bibtex-fast", "bibtex", "fast", _bibtex, _STREAMING_1M),
    ("bibtex-full", "bibtex", "full", _bibtex, (10_000, 30_000)),
    ("openalex-jsonl", "openalex-jsonl", "auto", _openalex_jsonl, _STREAMING_1M),
    ("openalex-json", "openalex-json", "auto", _openalex_json, (10_000, 100_000)),
    ("xlsx", "xlsx", "auto", _xlsx, (10_000, 30_000)),
)


def generate(generator: Callable, path: Path, n: int) -> None:
    if generator is _xlsx:
        _xlsx(path, n)
        return
    with open(path, "w", encoding="utf-8", newline="") as out:
        generator(out, n)


# --- measurement ---------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(path: Path, fmt: str, engine: str) -> dict[str, float]:
    """In this (fresh) process: stream ``path`` through count_per_year; time and peak RSS."""
    from analysis.literature import iter_records, tally
    from analysis.literature.formats import reader

    reader(fmt)  # import the reader (and openpyxl/bibtexparser) before the baseline
    if fmt == "bibtex" and engine == "full":
        import bibtexparser  # noqa: F401
    if fmt == "xlsx":
        import openpyxl  # noqa: F401
    baseline = _peak_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    report = tally(iter_records(path, fmt, bibtex_engine=engine))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {"records": report.records_read, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "peak_rss_increase_mb": _peak_rss_mb() - baseline, "baseline_rss_mb": baseline}


def _measure_in_subprocess(path: Path, fmt: str, engine: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "analysis.bench.importers", "--measure", str(path), fmt, engine],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"importer bench failed for {fmt} on {path}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _case(name: str, fmt: str, engine: str, generator: Callable, sizes: tuple[int, ...],
          folder: Path) -> list[dict]:
    rows = []
    for n in sizes:
        path = folder / f"{name}-{n}.dat"
        generate(generator, path, n)
        repeats = 1 if n in SINGLE_RUN_SIZES else REPEATS
        runs = [_measure_in_subprocess(path, fmt, engine) for _ in range(repeats)]
        if any(run["records"] != n for run in runs):
            raise RuntimeError(f"{name}: read {[r['records'] for r in runs]} records, wrote {n}")
        seconds = statistics.median(run["seconds"] for run in runs)
        cpu_seconds = statistics.median(run["cpu_seconds"] for run in runs)
        rows.append({
            "format": name, "reader": fmt, "bibtex_engine": engine if fmt == "bibtex" else None,
            "records": n, "repeats": repeats, "file_mb": round(path.stat().st_size / 2**20, 1),
            "seconds_median": round(seconds, 3),
            "records_per_s_median": round(n / seconds),
            "records_per_cpu_s_median": round(n / cpu_seconds),
            "peak_rss_increase_mb_median": round(
                statistics.median(run["peak_rss_increase_mb"] for run in runs), 1),
        })
        print(f"  {name:15} {n:>9,} {n / seconds:>10,.0f} rec/s {n / cpu_seconds:>10,.0f} "
              f"rec/cpu-s {rows[-1]['peak_rss_increase_mb_median']:>7.1f} MB",
              file=sys.stderr, flush=True)
        path.unlink()
    return rows


def _verdicts(rows: list[dict]) -> dict[str, dict]:
    verdicts = {}
    for name in TARGET_FORMATS:
        mine = {row["records"]: row for row in rows if row["format"] == name}
        slowest = min(row["records_per_s_median"] for row in mine.values())
        slowest_cpu = min(row["records_per_cpu_s_median"] for row in mine.values())
        growth = mine[max(mine)]["peak_rss_increase_mb_median"] - mine[min(mine)][
            "peak_rss_increase_mb_median"]
        verdicts[name] = {
            "min_records_per_s": slowest,
            "min_records_per_cpu_s": slowest_cpu,
            "records_per_s_target": TARGET_RECORDS_PER_S,
            "throughput_met_wall_clock": slowest >= TARGET_RECORDS_PER_S,
            "throughput_met_cpu_time": slowest_cpu >= TARGET_RECORDS_PER_S,
            "peak_growth_mb_10k_to_1m": round(growth, 1),
            "memory_flat": growth < FLAT_MB,
        }
    return verdicts


def _bibtex_side_by_side(rows: list[dict]) -> dict[str, object]:
    at = {(row["format"], row["records"]): row for row in rows}
    fast, full = at[("bibtex-fast", 10_000)], at[("bibtex-full", 10_000)]
    return {
        "records": 10_000,
        "fast_records_per_s": fast["records_per_s_median"],
        "full_records_per_s": full["records_per_s_median"],
        "speedup_fast_over_full": round(
            fast["records_per_s_median"] / full["records_per_s_median"], 1),
        "fast_peak_rss_increase_mb": fast["peak_rss_increase_mb_median"],
        "full_peak_rss_increase_mb": full["peak_rss_increase_mb_median"],
    }


def run(*, paths: Paths = PROCESS) -> dict:
    conditions = bench.Conditions()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-importers-") as folder:
        for case in CASES:
            rows.extend(_case(*case, Path(folder)))
    return {
        "about": __doc__.strip().splitlines()[0],
        "method": "median over repeats (3 at 10k/100k, 1 at 30k and 1M); each run "
                  "in its own subprocess; records/s from wall-clock time and records per CPU "
                  "second from process time; peak = ru_maxrss increase while streaming the "
                  "file through count_per_year (no de-duplication)",
        "python": sys.version.split()[0],
        "rows": rows,
        "targets": _verdicts(rows),
        "bibtex_fast_vs_full": _bibtex_side_by_side(rows),
        **conditions.report(),
    }


@cli.command(bench.worker_option("PATH", "FORMAT", "ENGINE"))
def main(args: argparse.Namespace, paths: Paths) -> int:
    return bench.run_alone(args, paths, run,
                           lambda path, fmt, engine: measure(Path(path), fmt, engine))


if __name__ == "__main__":
    raise SystemExit(main())
