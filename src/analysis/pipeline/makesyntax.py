"""Writing file names into make rules safely.

A make fragment is code: a prerequisite named ``x$(shell touch P).csv`` would run ``touch P``
on every later ``make``, and ``my coding.csv`` would be read as two files. Every path the
build writes into ``build/runs.mk`` or ``build/deps/*.d`` goes through :func:`escape_path`.

>>> escape_path("data/my coding.csv")
'data/my\\\\ coding.csv'
>>> escape_path("x$(shell touch P).csv")
'x$$(shell\\\\ touch\\\\ P).csv'
>>> escape_path("a#b[1]*.csv")
'a\\\\#b\\\\[1\\\\]\\\\*.csv'
>>> escape_path("a:b.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
analysis.errors.ConfigError: file name 'a:b.csv' cannot be written ... (it contains ':'); ...
"""

from __future__ import annotations

from analysis.errors import ConfigError

#: Characters make reads specially in a prerequisite list, and how each is written literally.
_ESCAPES = {"$": "$$", " ": "\\ ", "#": "\\#", "*": "\\*", "?": "\\?", "[": "\\[", "]": "\\]",
            "%": "\\%"}
#: Characters no escape makes safe in a rule (separators, line breaks, quoting).
_REFUSED = (":", ";", "\n", "\r", "\t", "\\", "\0", "|", "=")


def escape_path(path: str) -> str:
    """``path`` spelled so make reads it as exactly one file name, or a ConfigError."""
    bad = next((c for c in _REFUSED if c in path), None)
    if bad is not None:
        raise ConfigError(f"file name {path!r} cannot be written into a make rule (it contains "
                          f"{bad!r}); rename the file")
    return "".join(_ESCAPES.get(c, c) for c in path)
