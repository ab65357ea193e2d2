"""How much of each run is saving figures, which faster code elsewhere cannot shorten.

Figures must stay byte-identical, which fixes what matplotlib does for each of them: draw it
once per format (PNG, SVG, PDF), each time after a layout pass for ``bbox_inches="tight"``,
and subset every font the PDF embeds. So, with matplotlib and fontTools as they are, the time
inside ``Figure.savefig`` bounds the build from below. Each run of the configuration, and
the floor, is executed here in a plain Python process (the notebook's code cells with its
parameters, no kernel), with ``savefig`` timed, writing into a temporary build folder.

The bound: if everything but saving figures cost what the floor costs, a sequential cold
build would still take ``runs × floor + Σ max(0, run's savefig − floor's savefig)``. Its ratio
to ``runs × floor`` is the lowest sequential ratio reachable with these figures; with ``-j2``,
half of it, if two runs always shared the two cores perfectly. The floor's wall time comes
from the ``build`` section when both run in one ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from analysis import cli
from analysis.bench import Conditions, run_alone, worker_option
from analysis.bench.build import FLOOR_NOTEBOOK, REPEATS
from analysis.paths import PROCESS, Paths


def _code_cells(notebook: Path, params: dict[str, Any]) -> list[str]:
    """The notebook's code, with the parameters assigned after its parameters cell."""
    from analysis.pipeline.parameters import load_notebook_json, parameters_cell

    nb = load_notebook_json(notebook)
    tagged, _ = parameters_cell(nb, notebook)
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cells.append("".join(cell["source"]))
        if index == tagged:
            cells.append("".join(f"{name} = {value!r}\n" for name, value in params.items()))
    return cells


def measure(notebook: str, params_json: str) -> dict:
    """Worker: run the notebook's cells here, timing every ``Figure.savefig``."""
    import matplotlib

    matplotlib.use("agg")
    from matplotlib.figure import Figure

    spent = {"seconds": 0.0, "saves": 0}
    original = Figure.savefig

    def timed(self: Figure, *args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - started
            spent["saves"] += 1

    Figure.savefig = timed
    started = time.perf_counter()
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for code in _code_cells(Path(notebook), json.loads(params_json)):
        exec(compile(code, notebook, "exec"), namespace)  # noqa: S102 (our own notebooks)
    return {"cells_seconds": round(time.perf_counter() - started, 3),
            "savefig_seconds": round(spent["seconds"], 3), "saves": spent["saves"]}


def _probe(notebook: Path, params: dict[str, Any], build: Path, paths: Paths) -> dict:
    env = {**os.environ, **paths.replace(build=build).environment(), "MPLBACKEND": "agg",
           "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-m", "analysis.bench.figures", "--measure",
                           str(notebook), json.dumps(params)], env=env, cwd=notebook.parent,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{notebook.name} {params}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median_probe(notebook: Path, params: dict[str, Any], tmp: Path, paths: Paths) -> dict:
    probes = [_probe(notebook, params, tmp / f"build-{i}", paths) for i in range(REPEATS)]
    return {key: statistics.median(p[key] for p in probes) for key in probes[0]}


def bound(runs: dict[str, dict], floor: dict, floor_wall: float) -> dict:
    """The lowest cold-build ratios these figures allow (see the module's docstring).

    >>> limits = bound({"a": {"savefig_seconds": 3.0}, "b": {"savefig_seconds": 1.0}},
    ...                {"savefig_seconds": 0.5}, 2.0)
    >>> limits["savefig_excess_seconds"], limits["sequential_over_floor_at_least"]
    (3.0, 1.75)
    >>> limits["j2_over_floor_at_least"]
    0.875
    """
    excess = sum(max(0.0, run["savefig_seconds"] - floor["savefig_seconds"])
                 for run in runs.values())
    base = len(runs) * floor_wall
    sequential = (base + excess) / base
    return {"savefig_excess_seconds": round(excess, 3),
            "sequential_over_floor_at_least": round(sequential, 3),
            "j2_over_floor_at_least": round(sequential / 2, 3)}


def _floor_wall(paths: Paths) -> float | None:
    """The floor's wall time from the ``build`` section of build/bench.json, if it is there."""
    if not paths.bench.is_file():
        return None
    return json.loads(paths.bench.read_text(encoding="utf-8")).get("build", {}).get(
        "floor_seconds")


def run(*, paths: Paths = PROCESS) -> dict:
    from analysis.pipeline.makedeps import load_config

    conditions, floor_wall = Conditions(), _floor_wall(paths)
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as tmp_name:
        tmp = Path(tmp_name)
        runs = {run["name"]: _median_probe(paths.absolute(run["notebook"]),
                                           run.get("parameters", {}), tmp / run["name"], paths)
                for run in load_config(paths=paths)["runs"]}
        floor = _median_probe(FLOOR_NOTEBOOK, {"lang": "en"}, tmp / "floor", paths)
    report = {"repeats": REPEATS, "floor": floor, "runs": runs,
              "savefig_seconds_total": round(sum(r["savefig_seconds"] for r in runs.values()), 3)}
    if floor_wall:
        report |= {"floor_wall_seconds_from_build_section": floor_wall,
                   **bound(runs, floor, floor_wall)}
    return report | conditions.report()


@cli.command(worker_option("NOTEBOOK", "PARAMS_JSON"))
def main(args: argparse.Namespace, paths: Paths) -> int:
    return run_alone(args, paths, run, measure)


if __name__ == "__main__":
    raise SystemExit(main())
