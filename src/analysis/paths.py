"""The one place that knows where things live.

Every other module and every notebook asks this module for paths, so a student who moves the
data or the build folder changes one environment variable, not twenty files.

Environment overrides (used by the tests, which build into temporary folders):
``ANALYSIS_ROOT``, ``ANALYSIS_BUILD_DIR``, ``ANALYSIS_SHARED_DIR`` (default ``../shared``: the raw
corpus, the talk's text layer and the test fixtures) and, set by the runner for the kernel only,
``ANALYSIS_STAGING_DIR`` (where a running notebook's outputs wait until it succeeds).
"""

from __future__ import annotations

import os
from pathlib import Path


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


ROOT: Path = _env_path("ANALYSIS_ROOT", Path(__file__).resolve().parents[2])
DATA: Path = ROOT / "data"
DATAPACKAGE: Path = DATA / "datapackage.json"
NOTEBOOKS: Path = ROOT / "notebooks"
#: Which runs to build; CI and the end-to-end tests use the tiny config/ci.yml.
CONFIG: Path = _env_path("ANALYSIS_CONFIG", ROOT / "config" / "build.yml")
CONFIG_SCHEMA: Path = ROOT / "config" / "build.schema.json"
REFERENCES_BIB: Path = ROOT / "references.bib"
LOCK: Path = ROOT / "requirements.lock"
CITATION: Path = ROOT / "CITATION.cff"
PYPROJECT: Path = ROOT / "pyproject.toml"
#: Written by `make dist` into the archive only: the commit and SOURCE_DATE_EPOCH of a tree
#: that is no longer a git checkout (the Makefile and the manifest fall back to it).
ARCHIVE_INFO: Path = ROOT / "ARCHIVE-INFO"

BUILD: Path = _env_path("ANALYSIS_BUILD_DIR", ROOT / "build")
EXECUTED: Path = BUILD / "notebooks"
FAILED: Path = BUILD / "failed"
RUNS: Path = BUILD / "runs"
DEPS: Path = BUILD / "deps"
PARAMS: Path = BUILD / "params"
TIMINGS: Path = BUILD / "timings"
FIGURES: Path = BUILD / "figures"
TABLES: Path = BUILD / "tables"
HTML: Path = BUILD / "html"
MANIFEST: Path = BUILD / "MANIFEST.json"
#: Written by ``datapackage verify``: the data files it validated, by sha256, and the descriptor.
DATA_OK: Path = BUILD / ".data-ok"
#: The RO-Crate of the build; its ids are relative to the project root (analysis.pipeline.crate).
CRATE: Path = BUILD / "ro-crate-metadata.json"
DIST: Path = BUILD / "dist"
BENCH: Path = BUILD / "bench.json"

#: Material read but never committed here: the talk's text layer, the raw corpus and the test
#: fixtures. Default location: ``../shared`` beside the checkout (``ANALYSIS_SHARED_DIR``).
SHARED: Path = _env_path("ANALYSIS_SHARED_DIR", ROOT.parent / "shared")
#: Text layer of the talk (Frucquet 2024, HAL hal-04618370); tests check verbatim quotes against it.
SEED_TALK: Path = SHARED / "seed" / "frucquet-2024-el-jadida-talk.txt"
#: Frictionless Table Schema of a researcher's own governance coding file (not a shipped resource).
GOVERNANCE_CODING_SCHEMA: Path = DATA / "governance" / "coding.schema.json"
#: Literature-growth data: OpenAlex/WoS query definitions and dated OpenAlex snapshots .
LITERATURE: Path = DATA / "literature"
LITERATURE_QUERIES: Path = LITERATURE / "queries.yml"
OPENALEX_SNAPSHOTS: Path = LITERATURE / "openalex"
#: Record-level smart-city SLR corpus (yusufbzk/SLR-Text-Mining); never copied into data/.
SLR_CORPUS_XLSX: Path = (SHARED / "data" / "smart-city-slr-corpus"
                         / "All_Data_Set_Smart_City_Literature.xlsx")


def output_dir(kind: str) -> Path:
    """Folder where a notebook writes artifacts of ``kind`` ("figures" or "tables").

    Inside a run, outputs go to the run's staging folder and are moved into ``build/`` only
    when the whole notebook succeeds, so a failed run never replaces a good artifact.
    """
    final = {"figures": FIGURES, "tables": TABLES}[kind]
    staging = os.environ.get("ANALYSIS_STAGING_DIR")
    if not staging:
        final.mkdir(parents=True, exist_ok=True)
        return final
    # never re-create a staging folder the runner removed: a kernel that outlived its
    # killed runner must fail here, not leave files in build/.work.*
    target = Path(staging) / kind
    target.mkdir(exist_ok=True)
    return target


def final_path(path: Path) -> Path:
    """Where a staged artifact will live once its run succeeds (identity outside a run)."""
    staging = os.environ.get("ANALYSIS_STAGING_DIR")
    if not staging or not Path(path).resolve().is_relative_to(Path(staging).resolve()):
        return path
    return BUILD / Path(path).resolve().relative_to(Path(staging).resolve())


def relative(path: Path) -> str:
    """Path as recorded in manifests: ``build/...`` for artifacts, else relative to the root.

    Artifacts keep the logical ``build/`` prefix even when the build folder is elsewhere, so
    two builds in different folders give identical manifests; other files are written
    relative to the project root (where make runs), never as /home/... paths.
    """
    path = Path(path).resolve()
    try:
        return "build/" + path.relative_to(BUILD.resolve()).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, ROOT.resolve())).as_posix()
