"""The count series notebook 01 can show, each with its search window and its origin.

Three kinds, all INDEPENDENT of the Web of Science corpora behind the published figures:

- ``corpus_all`` / ``corpus_governance``: the committed counts derived from the smart-city SLR
  corpus (``data/literature/corpus_counts.csv``, search window 2009–2019);
- ``openalex``: every dated snapshot in ``data/literature/openalex/`` (written by
  ``python -m analysis.literature openalex``), one series each;
- ``openalex-snapshot``: every series file counted from a whole local OpenAlex snapshot
  (``python -m analysis.literature snapshot`` writes it to ``build/snapshot/``) and kept, with
  its ``.sha256``, in ``data/literature/openalex-snapshot/``: inputs live in data/, never in
  build/, so a kept file is a versioned input and a new one re-runs notebook 01;
- ``export``: a researcher's own exports (Web of Science, Scopus, RIS...), read with
  :func:`analysis.literature.read_records`, de-duplicated, and counted.

A year outside a series' search window (or not yet complete when a snapshot was taken) is kept
but flagged: the figures mark it and the fits leave it out, so it is never read as a decline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import datapackage, i18n, textlist
from analysis.errors import DataError, ParameterError
from analysis.i18n import Text
from analysis.literature import corpus
from analysis.paths import PROCESS, Paths
from analysis.pipeline import trace

CORPUS_SERIES = tuple(corpus.SERIES)

_PAPER = {"corpus_all": "Sharifi et al. 2021", "corpus_governance": "Allam et al. 2022"}
_CORPUS_TITLE = {
    "corpus_all": Text("Smart-city articles per year"),
    "corpus_governance": Text("Smart-city articles mentioning governance, per year"),
}


@dataclass(frozen=True)
class CountSeries:
    """Annual counts with the window inside which they are complete.

    ``counts`` has columns ``year``, ``records`` and ``in_search_window`` (one row per year,
    zeros included); ``no_year`` counts records without a year; ``title`` and ``origin`` are
    per-language strings for the figure (``origin`` is the "this is not the Web of Science
    corpus" subtitle); ``source`` is the provenance line written beside figures and tables.
    """

    key: str
    title: Text
    origin: Text
    source: str
    counts: pd.DataFrame
    window: tuple[int, int]
    no_year: int = 0

    def in_window(self, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
        """Rows inside the search window and inside [year_from, year_to]: what the fits use."""
        rows = self.counts[self.counts["in_search_window"]]
        if year_from is not None:
            rows = rows[rows["year"] >= year_from]
        if year_to is not None:
            rows = rows[rows["year"] <= year_to]
        return rows.reset_index(drop=True)

    def shown(self, year_from: int, year_to: int) -> pd.DataFrame:
        """Rows of [year_from, year_to], in and out of the window (what the figure shows)."""
        rows = self.counts
        return rows[(rows["year"] >= year_from) & (rows["year"] <= year_to)].reset_index(drop=True)

    def with_cumulative(self) -> pd.DataFrame:
        """Counts plus ``cumulative``: the running total over in-window years (empty outside
        the window, where an incomplete year must not extend the curve)."""
        out = self.counts.copy()
        inside = out["in_search_window"]
        out["cumulative"] = out["records"].where(inside, 0).cumsum().where(inside)
        return out

    def as_dict(self) -> dict[int, int]:
        """``{year: records}`` of the in-window years."""
        rows = self.in_window()
        return dict(zip(rows["year"].astype(int), rows["records"].astype(int), strict=True))


def _frame(per_year: dict[int, int], window: tuple[int, int]) -> pd.DataFrame:
    years = sorted(per_year)
    return pd.DataFrame({
        "year": years,
        "records": [int(per_year[y]) for y in years],
        "in_search_window": [window[0] <= y <= window[1] for y in years],
    })


# --- the committed corpus series -----------------------------------------------------------

def corpus_series(key: str, *, paths: Paths = PROCESS) -> CountSeries:
    """``corpus_all`` or ``corpus_governance`` from the committed, checksum-verified counts."""
    if key not in CORPUS_SERIES:
        raise ParameterError(f"unknown corpus series {key!r} (known: {', '.join(CORPUS_SERIES)})")
    counts = datapackage.load(corpus.COUNTS_RESOURCE, paths=paths)
    definition = datapackage.load(corpus.SERIES_RESOURCE, paths=paths).set_index("series").loc[key]
    window = (int(definition["search_window_from"]), int(definition["search_window_to"]))
    rows = counts[counts["series"] == key]
    dated = rows[rows["year"].notna()]
    per_year = dict(zip(dated["year"].astype(int), dated["records"].astype(int), strict=True))
    corpus_text = Text("Independent corpus (yusufbzk/SLR-Text-Mining, Citavi export, {w0}–{w1})",
                       w0=window[0], w1=window[1])
    if key == "corpus_governance":
        corpus_text = Text("{corpus}; subset: 'governance' in title or abstract",
                           corpus=corpus_text)
    origin = Text("{corpus} — not the Web of Science corpus of {paper}", corpus=corpus_text,
                  paper=_PAPER[key])
    return CountSeries(
        key=key, title=_CORPUS_TITLE[key], origin=origin, window=window,
        counts=_frame(per_year, window),
        no_year=int(rows.loc[rows["year"].isna(), "records"].sum()),
        source=f"{paths.relative(corpus.counts_file(paths))} (derived from "
               f"{definition['source']}, {corpus.SOURCE_LICENSE}; "
               f"selection: {definition['selection']})",
    )


# --- OpenAlex snapshots -----------------------------------------------------------------------

_OPENALEX_KEYS = ("query", "year_from", "year_to", "url", "retrieved", "counts")


def openalex_snapshots(folder: Path | None = None, *, paths: Paths = PROCESS) -> list[Path]:
    """Snapshot files present, sorted by name (``<series>_<from>-<to>_<day>.json``)."""
    folder = Path(folder or paths.openalex_api_snapshots)
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def openalex_series(path: Path, *, paths: Paths = PROCESS) -> CountSeries:
    """One snapshot as a series; the retrieval year and later ones count as incomplete."""
    path = Path(path)
    try:
        snap = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    missing = [k for k in _OPENALEX_KEYS if k not in snap]
    if missing:
        raise DataError(f"{path}: OpenAlex snapshot lacks {', '.join(missing)} "
                        f"(expected keys: {', '.join(_OPENALEX_KEYS)})")
    retrieved = date.fromisoformat(str(snap["retrieved"])[:10])
    window = (int(snap["year_from"]), min(int(snap["year_to"]), retrieved.year - 1))
    per_year = {int(y): int(n) for y, n in snap["counts"].items()}
    trace.record_input(path, resource="openalex_snapshot", paths=paths)
    name = path.stem.split("_")[0]
    query = snap["query"]
    origin = Text("Independent OpenAlex series (query {query}, retrieved {retrieved}, CC0) — "
                  "not the Web of Science corpus of Sharifi et al. 2021 or Allam et al. 2022",
                  query=query, retrieved=retrieved)
    return CountSeries(
        key=f"openalex:{name}", origin=origin, window=window, counts=_frame(per_year, window),
        title=Text("OpenAlex works per year ({name})", name=name),
        source=f"{paths.relative(path)} ({snap['url']}, retrieved {snap['retrieved']}, CC0)",
    )


# --- counts of a whole OpenAlex snapshot -------------------------------------------------------

SNAPSHOT_KIND = "openalex-snapshot-count"
_SNAPSHOT_KEYS = ("kind", "rule", "year_from", "year_to", "counts", "without_year", "snapshot",
                  "engine", "counted_at")


def snapshot_series_files(folders: list[Path] | None = None, *,
                          paths: Paths = PROCESS) -> list[Path]:
    """Series files of ``snapshot`` runs, sorted by name within each folder (data/ first)."""
    folders = folders or [paths.openalex_snapshot_counts]
    return [p for folder in map(Path, folders) if folder.is_dir()
            for p in sorted(folder.glob("openalex-snapshot_*.json"))]


def snapshot_series(path: Path, *, paths: Paths = PROCESS) -> CountSeries:
    """One ``snapshot`` series file, verified against its ``.sha256``, as an independent series.

    Years from the year of the snapshot's newest partition on count as incomplete (works keep
    arriving), as the retrieval year does for the API snapshots.
    """
    path = Path(path)
    snap = _verified_json(path)
    missing = [k for k in _SNAPSHOT_KEYS if k not in snap]
    if missing or snap.get("kind") != SNAPSHOT_KIND:
        raise DataError(f"{path}: not a snapshot series file (lacks {', '.join(missing) or 'kind'};"
                        f" expected keys: {', '.join(_SNAPSHOT_KEYS)})")
    newest = date.fromisoformat(str(snap["snapshot"]["newest_partition"]))
    window = (int(snap["year_from"]), min(int(snap["year_to"]), newest.year - 1))
    per_year = {int(y): int(n) for y, n in snap["counts"].items()}
    trace.record_input(path, resource="openalex_snapshot_count", paths=paths)
    rule, engine = snap["rule"], snap["engine"]
    origin = Text("Independent series from the whole OpenAlex snapshot (partitions up to "
                  "{newest}; rule {patterns} ({where}), {kinds}; counted {counted} with {engine};"
                  " CC0) — not the Web of Science corpus of Sharifi et al. 2021 or Allam et al. "
                  "2022", newest=str(newest), patterns=" AND ".join(rule["title_regex"]),
                  where=Text("title or abstract") if rule["abstract"] else Text("title"),
                  kinds=", ".join(rule["types"]) or Text("all types"),
                  counted=str(snap["counted_at"])[:10],
                  engine=f"{engine['name']} {engine['version']}")
    return CountSeries(
        key=f"openalex-snapshot:{rule['name']}", origin=origin, window=window,
        counts=_frame(per_year, window), no_year=int(snap["without_year"]),
        title=Text("OpenAlex snapshot: works per year ({name})", name=rule["name"]),
        source=f"{paths.relative(path)} (OpenAlex snapshot at {snap['snapshot']['root']}, "
               f"{snap['snapshot']['files']} files, newest partition {newest}, CC0)",
    )


def _verified_json(path: Path) -> dict:
    """The file's JSON, after checking it against ``<file>.sha256`` (written beside it)."""
    from analysis.fileio import sha256_file

    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.is_file():
        raise DataError(f"{path}: no checksum file {sidecar.name} beside it")
    expected = sidecar.read_text(encoding="utf-8").split()[0]
    if sha256_file(path) != expected:
        raise DataError(f"{path}: sha256 does not match {sidecar.name} (file changed after it "
                        "was written; count again)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc


# --- a researcher's own exports ---------------------------------------------------------------

def export_series(files: list[str | Path], window: tuple[int, int] | None = None, *,
                  paths: Paths = PROCESS) -> CountSeries:
    """Count the researcher's export files (any format ``read_records`` knows), de-duplicated.

    ``window`` is the search window of the export (e.g. 1991–2020 for a search run in early
    2021); by default the years seen. Years outside it are flagged like 2020–2021 in the corpus.
    """
    from analysis.literature import DedupeStats, deduplicate, iter_many, tally

    if not files:
        raise ParameterError("export_files is empty: give one or more export files")
    stats = DedupeStats()
    report = tally(deduplicate(iter_many(files), stats))
    if not report.per_year:
        raise DataError(f"{', '.join(map(str, files))}: no record with a year")
    for file in files:
        trace.record_input(Path(file), resource="researcher_export", paths=paths)
    years = list(report.per_year)
    window = window or (min(years), max(years))
    names = ", ".join(Path(f).name for f in files)
    origin = Text("Researcher's export ({names}; {removed} duplicates removed) — identical "
                  "to a published figure only with the paper's query, database and search date",
                  names=names, removed=stats.removed)
    return CountSeries(
        key="export", origin=origin, window=window, counts=_frame(report.per_year, window),
        title=Text("Records per year in your export"),
        no_year=report.without_year, source=f"researcher's export files: {names}",
    )


# --- choosing series from notebook parameters --------------------------------------------------

def parse_window(text: str) -> tuple[int, int] | None:
    """``"1991-2020"`` -> ``(1991, 2020)``; ``""`` -> None."""
    text = str(text).strip()
    if not text:
        return None
    try:
        first, last = (int(part) for part in text.split("-"))
    except ValueError as exc:
        raise ParameterError(f"export_window {text!r}: expected 'YYYY-YYYY'") from exc
    if first > last:
        raise ParameterError(f"export_window {text!r}: first year after last year")
    return first, last


def select(names: list[str], export_files: list[str] | None = None,
           export_window: tuple[int, int] | None = None, *,
           paths: Paths = PROCESS) -> list[CountSeries]:
    """The series asked for: corpus names, ``openalex`` (every API snapshot),
    ``openalex-snapshot`` (every series file of a whole-snapshot count) and ``export``.

    ``openalex`` or ``openalex-snapshot`` with no file present is skipped (an offline build has
    none); an unknown name is an error listing the known ones.
    """
    chosen: list[CountSeries] = []
    for name in names:
        if name in CORPUS_SERIES:
            chosen.append(corpus_series(name, paths=paths))
        elif name == "openalex":
            chosen += [openalex_series(p, paths=paths) for p in openalex_snapshots(paths=paths)]
        elif name == "openalex-snapshot":
            chosen += [snapshot_series(p, paths=paths)
                       for p in snapshot_series_files(paths=paths)]
        elif name == "export":
            chosen.append(export_series(export_files or [], export_window, paths=paths))
        else:
            known = ", ".join([*CORPUS_SERIES, "openalex", "openalex-snapshot", "export"])
            raise ParameterError(f"parameter series: unknown series {name!r} (known: {known})")
    if export_files and "export" not in names:
        chosen.append(export_series(export_files, export_window, paths=paths))
    return chosen


def from_parameters(series: str, export_files: str = "", export_window: str = "", *,
                    paths: Paths = PROCESS) -> list[CountSeries]:
    """The series notebook 01's parameters ask for (each a comma list, or ``YYYY-YYYY``)."""
    files = [paths.given(name) for name in textlist.items(export_files)]
    return select(textlist.items(series), files, parse_window(export_window), paths=paths)


def describe(chosen: list[CountSeries], lang: str) -> str:
    """One line per series (its records, years or not, and search window), each ending in a
    newline: what notebook 01 prints under its parameters."""
    return "".join(
        i18n.render(lang, "{key}: {n} records, search window {w0}-{w1}", key=s.key,
                    n=i18n.integer(int(s.counts["records"].sum()) + s.no_year, lang),
                    w0=s.window[0], w1=s.window[1]) + "\n"
        for s in chosen)


def sources(chosen: list[CountSeries]) -> str:
    """Where the values of several series come from, for a table that combines them."""
    return "; ".join(s.source for s in chosen)
