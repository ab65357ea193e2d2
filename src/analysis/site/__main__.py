"""``python -m analysis.site [--out DIR]``: render build/html from the build tree, atomically."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from analysis import paths
from analysis.errors import reports_errors


@reports_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.site", description=__doc__)
    parser.add_argument("--out", type=Path, default=paths.HTML,
                        help=f"output folder (default: {paths.relative(paths.HTML)})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    start = time.perf_counter()
    from analysis.site.build import build_site

    result = build_site(out=args.out)
    for alt in result.generic_alt:
        print(f"warning: no alt text found, used: {alt}", file=sys.stderr)
    print(f"wrote {paths.relative(result.out)}: {result.pages} pages, {result.files} files "
          f"in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
