"""Set-up, cold-build, no-op and per-notebook timings of the whole pipeline.

Everything is measured within one `make bench` run on copies of the project, so the ratios
(uv vs pip set-up, build wall time vs kernel-side time, sequential vs -j2) compare like with
like on a shared, noisy machine. Absolute seconds vary between runs; ratios much less.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.workspace import copy_project, make

NOOP_REPEATS = 5
UV_VERSION = "0.13.9"


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return round(time.perf_counter() - started, 3)


def _run(*cmd: str, cwd: Path | None = None) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def setup_seconds(tmp: Path) -> dict:
    """Fresh venv + install from requirements.lock: with uv (as `make env` does) and with pip."""
    def with_uv() -> None:
        venv = tmp / "venv-uv"
        _run(sys.executable, "-m", "venv", str(venv))
        _run(str(venv / "bin/python"), "-m", "pip", "install", "-q", f"uv=={UV_VERSION}")
        _run(str(venv / "bin/uv"), "pip", "sync", "-q", "--python", str(venv / "bin/python"),
             "--require-hashes", str(paths.LOCK))

    def with_pip() -> None:
        venv = tmp / "venv-pip"
        _run(sys.executable, "-m", "venv", str(venv))
        _run(str(venv / "bin/python"), "-m", "pip", "install", "-q", "--require-hashes", "-r",
             str(paths.LOCK))

    uv, pip = _timed(with_uv), _timed(with_pip)
    return {"uv_seconds": uv, "pip_seconds": pip, "pip_over_uv": round(pip / uv, 2),
            "note": "package caches warm (as on a developer machine after the first set-up)"}


def _timings(project: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text())
            for p in sorted((project / "build" / "timings").glob("*.json"))}


def _artifact_hashes(project: Path) -> dict[str, str]:
    manifest = json.loads((project / "build" / "MANIFEST.json").read_text())
    return {a["path"]: a["sha256"] for a in manifest["artifacts"]}


def _build(project: Path, *flags: str) -> dict:
    make(project, "clean")
    wall = _timed(lambda: make(project, *flags, "all"))
    notebooks = _timings(project)
    kernel = round(sum(t["kernel_seconds"] for t in notebooks.values()), 3)
    return {"wall_seconds": wall, "kernel_seconds_sum": kernel,
            "wall_over_kernel": round(wall / kernel, 2) if kernel else None,
            "notebooks": notebooks, "hashes": _artifact_hashes(project)}


def _summary(build: dict) -> dict:
    return {k: v for k, v in build.items() if k not in {"notebooks", "hashes"}}


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp_name:
        tmp = Path(tmp_name)
        project = copy_project(tmp / "project")
        sequential = _build(project)
        noop = [_timed(lambda: make(project, "all")) for _ in range(NOOP_REPEATS)]
        parallel = _build(project, "-j2")
        setup = setup_seconds(tmp) if not os.environ.get("BENCH_SKIP_SETUP") else None
    differing = sorted(path for path in sequential["hashes"].keys() | parallel["hashes"].keys()
                       if sequential["hashes"].get(path) != parallel["hashes"].get(path))
    return {
        "setup": setup,
        "artifacts": len(sequential["hashes"]),
        "clean_builds_identical": not differing,
        "differing_artifacts": differing,
        "cold_build_seconds": sequential["wall_seconds"],
        "noop_seconds_median": statistics.median(noop),
        "noop_seconds_all": noop,
        "per_notebook": sequential["notebooks"],
        "sequential": _summary(sequential),
        "parallel_j2": _summary(parallel),
        "j2_speedup": round(sequential["wall_seconds"] / parallel["wall_seconds"], 2),
        "config": paths.relative(paths.CONFIG),
    }
