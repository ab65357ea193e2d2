"""Set-up, cold-build, no-op and per-notebook timings of the whole pipeline, against a floor.

The *floor* is what any notebook run costs before doing any work: the runner executes
``floor.ipynb``, whose one cell of work imports pandas and matplotlib and saves a one-bar
figure through ``analysis.figures.save``. Every ratio below divides by it, measured in the
same ``make bench`` run on the same copy of the project, so the ratios compare like with like
on a shared, noisy machine: absolute seconds vary between runs, ratios much less. Each timing
is repeated (``BENCH_REPEATS``, default 3) and reported as the median, with every value kept.

``BENCH_SKIP_SETUP=1`` skips the uv-vs-pip set-up comparison and ``BENCH_SKIP_FRESH=1`` the
fresh-clone ``make all`` and ``make test`` (each takes minutes; ``BENCH_FRESH_REPEATS`` sets
how many of those).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from analysis.paths import PROCESS, Paths, user
from analysis.pipeline import runrecord
from analysis.pipeline.workspace import clean_env, copy_project, installed_venv, make

NOOP_REPEATS = 5
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
#: A fresh clone's `make test` takes minutes: its repeats can be set apart.
FRESH_REPEATS = int(os.environ.get("BENCH_FRESH_REPEATS", str(REPEATS)))
FLOOR_NOTEBOOK = Path(__file__).with_name("floor.ipynb")
#: The targets of the fast-build work, checked (never asserted) in the report.
TARGETS = {"sequential_over_floor": 1.5, "j2_over_floor": 0.9, "notebook01_over_floor": 2.0,
           "fresh_make_all_seconds": 75.0, "fresh_make_test_seconds": 150.0,
           "noop_seconds": 0.1}


def _timed(func: Callable[..., object], *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    func(*args, **kwargs)
    return round(time.perf_counter() - started, 3)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _run(*cmd: str, cwd: Path | None = None, env: dict | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def _uv_version(paths: Paths) -> str:
    """The uv the Makefile pins (one place: the Makefile's UV_VERSION)."""
    for line in (paths.root / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("UV_VERSION :="):
            return line.split(":=", 1)[1].strip()
    raise RuntimeError("Makefile: no 'UV_VERSION :=' line")


def setup_seconds(tmp: Path, *, paths: Paths = PROCESS) -> dict:
    """Fresh venv + install from requirements.lock: with uv (as `make env` does) and with pip."""
    def with_uv() -> None:
        venv = tmp / "venv-uv"
        _run(sys.executable, "-m", "venv", str(venv))
        _run(str(venv / "bin/python"), "-m", "pip", "install", "-q", f"uv=={_uv_version(paths)}")
        _run(str(venv / "bin/uv"), "pip", "sync", "-q", "--compile-bytecode", "--python",
             str(venv / "bin/python"), "--require-hashes", str(paths.lock))

    def with_pip() -> None:
        venv = tmp / "venv-pip"
        _run(sys.executable, "-m", "venv", str(venv))
        _run(str(venv / "bin/python"), "-m", "pip", "install", "-q", "--require-hashes", "-r",
             str(paths.lock))

    uv, pip = _timed(with_uv), _timed(with_pip)
    return {"uv_seconds": uv, "pip_seconds": pip, "pip_over_uv": round(pip / uv, 2),
            "note": "package caches warm; both compile bytecode (pip by default, uv with "
                    "--compile-bytecode as `make env` does)"}


def floor_seconds(project: Path, *, paths: Paths = PROCESS) -> list[float]:
    """Wall time of the runner process executing the floor notebook, as make would call it."""
    env = clean_env(project, paths=paths) | {"ANALYSIS_BUILD_DIR": str(project / "build")}
    command = [str(installed_venv(paths=paths) / "bin/python"), "-m", "analysis.pipeline.run",
               str(FLOOR_NOTEBOOK), "--name", "bench_floor", "-p", "lang", "en"]
    return [_timed(_run, *command, cwd=project, env=env) for _ in range(REPEATS)]


def _timings(project: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text())
            for p in sorted((project / "build" / "timings").glob("*.json"))}


def _artifact_hashes(project: Path) -> dict[str, str]:
    manifest = runrecord.read_manifest(user(project).manifest)
    return {artifact.path: artifact.sha256 for artifact in manifest.artifacts}


def _clean_build(project: Path, *flags: str, paths: Paths) -> dict:
    make(project, "clean", paths=paths)
    wall = _timed(make, project, *flags, "all", paths=paths)
    return {"wall": wall, "runs": _timings(project), "hashes": _artifact_hashes(project)}


def _builds(project: Path, *flags: str, paths: Paths) -> dict:
    """REPEATS clean builds: median wall time, per-run medians, and whether all were identical."""
    builds = [_clean_build(project, *flags, paths=paths) for _ in range(REPEATS)]
    names = sorted(builds[0]["runs"])
    return {
        "wall_seconds": _median([b["wall"] for b in builds]),
        "wall_seconds_all": [b["wall"] for b in builds],
        "runs": {name: {key: _median([b["runs"][name][key] for b in builds])
                        for key in ("wall_seconds", "kernel_seconds")} for name in names},
        "identical": all(b["hashes"] == builds[0]["hashes"] for b in builds),
        "hashes": builds[0]["hashes"],
    }


def fresh_clone_seconds(tmp: Path, project: Path, *, paths: Paths = PROCESS) -> dict:
    """`make all` (environment included) and `make test` in a fresh clone, as CI runs them."""
    all_s, test_s = [], []
    for i in range(FRESH_REPEATS):
        clone = tmp / f"fresh-{i}" / "compendium"
        _run("git", "clone", "-q", str(project), str(clone))
        env = clean_env(clone, paths=paths)
        all_s.append(_timed(_run, "make", "all", cwd=clone, env=env))
        test_s.append(_timed(_run, "make", "test", cwd=clone, env=env))
    return {"repeats": FRESH_REPEATS,
            "make_all_seconds": _median(all_s), "make_all_seconds_all": all_s,
            "make_test_seconds": _median(test_s), "make_test_seconds_all": test_s,
            "note": "package caches warm; the Chromium check finds the browser installed"}


def _ratios(sequential: dict, parallel: dict, floor: float, fresh: dict | None) -> dict:
    n_runs = len(sequential["runs"])
    per_run = {name: round(run["wall_seconds"] / floor, 2)
               for name, run in sequential["runs"].items()}
    ratios = {"sequential_over_floor": round(sequential["wall_seconds"] / (n_runs * floor), 3),
              "j2_over_floor": round(parallel["wall_seconds"] / (n_runs * floor), 3),
              "notebook01_over_floor": max((v for k, v in per_run.items()
                                            if k.startswith("01_")), default=None)}
    if fresh:
        ratios |= {"fresh_make_all_seconds": fresh["make_all_seconds"],
                   "fresh_make_test_seconds": fresh["make_test_seconds"]}
    return {"per_run_over_floor": per_run, **ratios}


def _verdicts(measured: dict) -> dict:
    return {key: {"measured": measured[key], "target": target,
                  "met": measured[key] is not None and measured[key] <= target}
            for key, target in TARGETS.items() if key in measured}


def run(*, paths: Paths = PROCESS) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp_name:
        tmp = Path(tmp_name)
        project = copy_project(tmp / "project", paths=paths)
        floor = floor_seconds(project, paths=paths)
        sequential = _builds(project, paths=paths)
        noop = [_timed(make, project, "all", paths=paths) for _ in range(NOOP_REPEATS)]
        parallel = _builds(project, "-j2", paths=paths)
        fresh = (None if os.environ.get("BENCH_SKIP_FRESH")
                 else fresh_clone_seconds(tmp, project, paths=paths))
        setup = None if os.environ.get("BENCH_SKIP_SETUP") else setup_seconds(tmp, paths=paths)
    measured = _ratios(sequential, parallel, _median(floor), fresh)
    measured["noop_seconds"] = _median(noop)
    return {
        "repeats": REPEATS,
        "floor_seconds": _median(floor), "floor_seconds_all": floor,
        "targets": _verdicts(measured),
        **measured,
        "artifacts": len(sequential["hashes"]),
        "clean_builds_identical": (sequential["identical"] and parallel["identical"]
                                   and sequential["hashes"] == parallel["hashes"]),
        "noop_seconds_all": noop,
        "sequential": {k: v for k, v in sequential.items() if k != "hashes"},
        "parallel_j2": {k: v for k, v in parallel.items() if k != "hashes"},
        "fresh_clone": fresh,
        "setup": setup,
        "config": paths.relative(paths.config),
    }
