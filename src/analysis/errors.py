"""Error types whose messages a researcher can act on: file, row, column and what was expected."""

from __future__ import annotations

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
    return wrapper


def where(path: object, row: int | None = None, column: str | None = None) -> str:
    """Format a location as ``file, row N, column 'c'`` (rows are file lines, header = 1)."""
    parts = [str(path)]
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column '{column}'")
    return ", ".join(parts)
