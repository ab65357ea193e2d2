"""The one parser of comma-separated lists: notebook parameters, ``# one of:`` comments, options.

Papermill passes a notebook parameter as text when given on the command line (``-p series
all,governance``), and a list when a JSON file or the config gives one; both end up here.
"""

from __future__ import annotations

from collections.abc import Iterable


def items(value: str | Iterable[object]) -> list[str]:
    """The non-empty, stripped items of ``value``, in order.

    >>> items("a, b,,c ")
    ['a', 'b', 'c']
    >>> items(["a", " b ", ""])
    ['a', 'b']
    >>> items("")
    []
    """
    parts = value.split(",") if isinstance(value, str) else (str(v) for v in value)
    return [part.strip() for part in parts if part.strip()]
