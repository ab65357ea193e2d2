"""Site render time: the whole site, beyond the notebooks, in one warm process.

Renders the real build tree (build/MANIFEST.json and what it lists) into a temporary folder,
several times in this process, and reports the median of the warm renders against the 2 s
target, plus the first (cold) render and the import of the renderer, which ``make html``
pays once. Executing the notebooks is not part of it (that is the runner's benchmark).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from analysis import bench, cli
from analysis.paths import PROCESS, Paths

REPEATS = 5
TARGET_S = 2.0


def run(*, paths: Paths = PROCESS) -> dict:
    if not paths.manifest.exists():
        return {"skipped": f"{paths.relative(paths.manifest)} missing: run `make all` first"}
    started = time.perf_counter()
    cold_import = "analysis.site.build" not in sys.modules
    from analysis.site.build import build_site

    import_s = time.perf_counter() - started
    times, phases = [], []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        for i in range(REPEATS + 1):
            start = time.perf_counter()
            result = build_site(out=Path(tmp) / "html", paths=paths)
            elapsed = time.perf_counter() - start
            if i:  # the first render builds the exporter and compiles templates
                times.append(elapsed)
                phases.append(result.phases)
            else:
                first_s = elapsed
    median = statistics.median(times)
    return {
        "pages": result.pages,
        "files": result.files,
        "runs": result.runs,
        "repeats": REPEATS,
        "median_s": round(median, 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "first_render_s": round(first_s, 3),
        "import_s": round(import_s, 3) if cold_import else None,
        "phases_median_s": {k: round(statistics.median(p[k] for p in phases), 3)
                            for k in phases[0]},
        "target_s": TARGET_S,
        "within_target": median < TARGET_S,
    }


@cli.command()
def main(args: argparse.Namespace, paths: Paths) -> int:
    return bench.run_alone(args, paths, run)


if __name__ == "__main__":
    raise SystemExit(main())
