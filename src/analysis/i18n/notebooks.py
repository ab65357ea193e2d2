"""Notebook markdown translated paragraph by paragraph, as Sphinx's gettext builder does.

Each notebook keeps one English source. Its markdown cells are cut into paragraphs (blank
lines, fenced code kept whole); each paragraph is one message of the catalogue named after the
notebook (``locales/<lang>/LC_MESSAGES/<notebook stem>.po``). The runner calls
:func:`localised` before execution, so an executed ``lang=fr`` notebook reads in French from
its first line to its last, and records the language in its metadata.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from analysis import i18n

_FENCE = re.compile(r"^\s*(```|~~~)")


def paragraphs(source: str) -> list[str]:
    """Blank-line separated blocks of a markdown cell; a fenced block is never cut."""
    blocks: list[list[str]] = [[]]
    fenced = False
    for line in source.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if not line.strip() and not fenced:
            blocks.append([])
        else:
            blocks[-1].append(line)
    return ["\n".join(b) for b in blocks if b]


def translatable(paragraph: str) -> bool:
    """Code blocks and lines with no letters (rules, lone maths) are not messages."""
    return not _FENCE.match(paragraph) and bool(re.search(r"[^\W\d_]", paragraph))


def messages(notebook: Path) -> list[tuple[str, int]]:
    """(paragraph, cell number) of every translatable paragraph, in order."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found = []
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] == "markdown":
            found += [(p, number) for p in paragraphs(_text(cell["source"]))
                      if translatable(p)]
    return found


def code_cells(notebook: Path) -> list[tuple[int, str]]:
    """(cell number, source) of every code cell."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [(n, _text(c["source"])) for n, c in enumerate(nb["cells"], start=1)
            if c["cell_type"] == "code"]


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def translate_markdown(source: str, lang: str, domain: str) -> str:
    """A markdown cell with each paragraph replaced by its translation (source if none)."""
    table = i18n.translations(lang, domain)
    return "\n\n".join(table.gettext(p) if translatable(p) else p for p in paragraphs(source))


def localised(notebook: Path, params: dict[str, Any]) -> dict:
    """The notebook as JSON, its markdown in ``params['lang']`` and the language in metadata.

    An unknown language is refused here, before any kernel starts.
    """
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    if "lang" not in params:
        return nb
    lang = i18n.check_lang(params["lang"])
    out = copy.deepcopy(nb)
    domain = Path(notebook).stem
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = translate_markdown(_text(cell["source"]), lang, domain)
    # Not "language": nbconvert reads that key as the programming language.
    out.setdefault("metadata", {})["i18n"] = {"lang": lang, "dir": i18n.direction(lang),
                                              "locale": str(i18n.locale(lang))}
    return out
