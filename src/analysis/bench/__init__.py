"""Benchmarks (`make bench`): each submodule's ``run(paths=...) -> dict`` is one bench.json section.

Speed and memory targets live here, never in timed unit tests: the machine is shared and noisy,
so each section reports medians over repeats and ratios measured within one run. Every section
takes the project's paths, whether it reads the project (the build, the site) or only inputs it
generates into a temporary folder (the importers, the snapshot engines), so `make bench` calls
them all alike.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.paths import Paths


@dataclass(frozen=True)
class Conditions:
    """When a section started and how loaded the machine was then: its report says both."""

    started: float = field(default_factory=time.perf_counter)
    load_before: float = field(default_factory=lambda: os.getloadavg()[0])

    def report(self) -> dict[str, object]:
        """The section's total time, and the 1-minute load average before and after it: the
        machine is shared, and a load above its core count slows wall-clock rates."""
        return {"total_seconds": round(time.perf_counter() - self.started, 1),
                "load_average_1min_before_after": [round(self.load_before, 2),
                                                   round(os.getloadavg()[0], 2)],
                "cpu_count": os.cpu_count()}


def worker_option(*metavar: str) -> Callable[[argparse.ArgumentParser], None]:
    """The ``--measure`` option of a section whose measurements each run in a child process."""
    def add(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--measure", nargs=len(metavar), metavar=metavar,
                            help="worker mode: take one measurement and print it as JSON")
    return add


def run_alone(args: argparse.Namespace, paths: Paths, run: Callable[..., dict],
              measure: Callable[..., dict] | None = None) -> int:
    """One section from the command line: a child's ``--measure``, or the whole section,
    printed as JSON (`make bench` writes every section into build/bench.json instead)."""
    if getattr(args, "measure", None) and measure is not None:
        print(json.dumps(measure(*args.measure)))
    else:
        print(json.dumps(run(paths=paths), indent=2))
    return 0
