"""Extract, merge, report and check the translation catalogues (locales/).

``python -m analysis.i18n update | init LANG LOCALE | report | check``:

``update`` re-extracts every message and merges it into every catalogue (fuzzy where a source
changed); ``init de de_DE`` starts a new language; ``report`` lists untranslated entries
(``make all``, never fails on them); ``check`` fails on any missing or fuzzy entry (``make test``).
A catalogue that does not compile, or a translation that drops a ``{placeholder}``, fails both.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from analysis import cli
from analysis.i18n import catalogues
from analysis.paths import Paths


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="re-extract messages and merge them into every .po")
    init = sub.add_parser("init", help="start the catalogues of a new language")
    init.add_argument("lang", help="the run parameter, e.g. de")
    init.add_argument("locale", help="its CLDR locale, e.g. de_DE (numbers, plurals, direction)")
    sub.add_parser("report", help="say which entries are untranslated (does not fail on them)")
    sub.add_parser("check", help="fail on any missing or fuzzy entry of a shipped language")


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    if args.command in ("update", "init"):
        for path in catalogues.update(getattr(args, "lang", None), getattr(args, "locale", None),
                                      paths=paths):
            print(f"wrote {paths.relative(path)}")
        return 0
    problems = catalogues.check(paths=paths)
    broken = [p for p in problems if p.kind in ("compile", "placeholder")]
    shown = problems if args.command == "check" else broken
    for problem in shown:
        print(problem, file=sys.stderr)
    counts = Counter((p.lang, p.kind) for p in problems)
    summary = ", ".join(f"{lang} {kind}: {n}" for (lang, kind), n in sorted(counts.items()))
    untranslated = Counter((p.lang, p.path) for p in problems if p.kind in ("missing", "fuzzy"))
    if args.command == "report":
        for (lang, path), n in sorted(untranslated.items()):
            print(f"i18n: {path}: {n} untranslated or fuzzy [{lang}]")
    print(f"i18n: {summary or 'every catalogue complete (0 missing, 0 fuzzy)'}")
    return 1 if broken or (args.command == "check" and problems) else 0


if __name__ == "__main__":
    raise SystemExit(main())
