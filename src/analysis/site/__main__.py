"""Render the reviewer site (build/html/) from the build tree, atomically.

``python -m analysis.site [--out DIR]`` reads the manifest, the executed notebooks, their
figures and tables, data/datapackage.json and references.bib, renders every page into a
temporary folder, checks it, and only then replaces the previous site.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from analysis import cli
from analysis.paths import Paths


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: build/html)")


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    start = time.perf_counter()
    from analysis.site.build import build_site

    result = build_site(out=args.out, paths=paths)
    for alt in result.generic_alt:
        print(f"warning: no alt text found, used: {alt}", file=sys.stderr)
    print(f"wrote {paths.relative(result.out)}: {result.pages} pages, {result.files} files "
          f"in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
