"""Error types whose messages a researcher can act on: file, row, column and what was expected."""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable


class CompendiumError(Exception):
    """Base class: the CLI entry points print these without a traceback and exit non-zero."""


class DataError(CompendiumError):
    """A data file does not match its checksum or its schema."""


class ParameterError(CompendiumError):
    """A notebook parameter is unknown or of the wrong type."""


class ConfigError(CompendiumError):
    """The build configuration does not match its schema."""


def reports_errors(main: Callable[..., int]) -> Callable[..., int]:
    """Wrap a CLI entry point: a CompendiumError becomes one ``error: ...`` line and exit 1.

    Researchers should read what is wrong and where, not a traceback through our code.
    """
    @functools.wraps(main)
    def wrapper(*args: object, **kwargs: object) -> int:
        try:
            return main(*args, **kwargs)
        except CompendiumError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            if exc.errno not in ENVIRONMENT_ERRORS:
                raise
            print(f"error: {describe_os_error(exc)}", file=sys.stderr)
            return 1
    return wrapper


#: Failures of the machine, not of the code or the input: reported in one line, like bad input.
ENVIRONMENT_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                      errno.EIO, errno.EMFILE}


def describe_os_error(exc: OSError) -> str:
    """``path: No space left on device (the disk is full; ...)`` in one line."""
    hint = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the file system is read-only"}.get(exc.errno, "")
    where_ = f"{exc.filename}: " if exc.filename else ""
    advice = f" ({hint}; earlier outputs are unchanged, free space and run make again)" \
        if hint else ""
    return f"{where_}{exc.strerror or exc}{advice}"


def where(path: object, row: int | None = None, column: str | None = None) -> str:
    """Format a location as ``file, row N, column 'c'`` (rows are file lines, header = 1)."""
    parts = [str(path)]
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


class Problems:
    """Collect every problem of one input, then raise once, listing them (up to ``limit``).

    A researcher fixing a file wants all its errors in one pass, not one per run.

    >>> found = Problems("data.csv: {n} schema error(s)")
    >>> found.add("data.csv, row 2, column 'year': expected integer")
    >>> found.raise_if_any(DataError)
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: data.csv: 1 schema error(s):
      data.csv, row 2, column 'year': expected integer
    """

    def __init__(self, heading: str) -> None:
        self.heading = heading
        self.found: list[str] = []

    def add(self, problem: str) -> None:
        self.found.append(problem)

    def extend(self, problems: list[str]) -> None:
        self.found.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self, error: type[CompendiumError], limit: int = 20) -> None:
        if not self.found:
            return
        shown, hidden = self.found[:limit], len(self.found) - limit
        tail = [f"... and {hidden} more"] if hidden > 0 else []
        raise error(self.heading.format(n=len(self.found)) + ":\n  "
                    + "\n  ".join([*shown, *tail]))
