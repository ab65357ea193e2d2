"""Run every benchmark section (or those named) and write build/bench.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys

import analysis.bench as bench_pkg
from analysis import paths
from analysis.fileio import write_text


def sections() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench_pkg.__path__)
                  if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench")
    parser.add_argument("names", nargs="*", help=f"sections to run (default: all of {sections()})")
    args = parser.parse_args(argv)
    results = json.loads(paths.BENCH.read_text()) if paths.BENCH.exists() else {}
    for name in args.names or sections():
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results[name] = importlib.import_module(f"analysis.bench.{name}").run()
    write_text(paths.BENCH, json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {paths.BENCH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
