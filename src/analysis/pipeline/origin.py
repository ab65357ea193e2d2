"""Where this tree comes from when it is an unzipped archive rather than a git checkout.

`make dist` writes ``ARCHIVE-INFO`` at the archive's root: the commit the archive was made
from and its SOURCE_DATE_EPOCH, as ``key=value`` lines so the Makefile can read them with sed
before any Python environment exists. A rebuild from the archive then records the same commit
and dates as the original build, which is what makes it byte-identical.
"""

from __future__ import annotations

from pathlib import Path

from analysis.errors import CompendiumError, where
from analysis.paths import PROCESS, Paths

KEYS = ("commit", "source_date_epoch", "name", "version")


def format_info(values: dict[str, str]) -> str:
    """The file's text: one ``key=value`` line per key, in a fixed order."""
    return "".join(f"{key}={values[key]}\n" for key in KEYS)


def archive_info(path: Path | None = None, *, paths: Paths = PROCESS) -> dict[str, str] | None:
    """The recorded values, or None when the tree has no ARCHIVE-INFO (a git checkout)."""
    path = Path(path or paths.archive_info)
    if not path.is_file():
        return None
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        key, sep, value = line.partition("=")
        if not sep or key not in KEYS:
            raise CompendiumError(f"{where(path, number)}: expected one of "
                                  f"{', '.join(k + '=...' for k in KEYS)}, got {line!r}")
        values[key] = value
    missing = [key for key in KEYS if key not in values]
    if missing:
        raise CompendiumError(f"{path}: lacks {', '.join(missing)}")
    return values
