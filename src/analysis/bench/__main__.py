"""Run every benchmark section (or those named) and write build/bench.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys

import analysis.bench as bench_pkg
from analysis import cli
from analysis.fileio import write_text
from analysis.paths import Paths


def sections() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench_pkg.__path__)
                  if not m.name.startswith("_"))


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", help=f"sections to run (default: all of {sections()})")


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    results = json.loads(paths.bench.read_text()) if paths.bench.exists() else {}
    for name in args.names or sections():
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results[name] = importlib.import_module(f"analysis.bench.{name}").run(paths=paths)
        # after each section: a later one may read it (figures reads build's floor), and a
        # failing one leaves the earlier results written
        write_text(paths.bench, json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {paths.bench}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
