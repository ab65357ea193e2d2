"""The site's web fonts: WOFF2 files made from the TTFs bundled in ``analysis/fonts``.

Arabic pages must not depend on what fonts the reader's system has, and the site sends no
request off the machine, so the bundled Amiri is served with the pages. fontTools writes WOFF2
(brotli) in about two seconds; the result is a build output, ``build/webfonts/``, named by the
TTF's sha256, so a site rebuild reuses it and two builds give the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from analysis import i18n
from analysis.fileio import sha256_file, write_bytes
from analysis.paths import PROCESS, Paths


def woff2(ttf: Path) -> bytes:
    """``ttf`` as WOFF2 (same glyphs, compressed for the web)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(ttf), recalcTimestamp=False)  # else "modified" = now: not reproducible
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def web_fonts(*, paths: Paths = PROCESS) -> list[tuple[str, bytes]]:
    """(``Name.woff2``, bytes) of every bundled font, converted once and cached in the build."""
    found = []
    for ttf in sorted(i18n.FONTS.glob("*.ttf")):
        cached = paths.webfonts / f"{ttf.stem}-{sha256_file(ttf)[:16]}.woff2"
        if not cached.is_file():
            write_bytes(cached, woff2(ttf))
        found.append((f"{ttf.stem}.woff2", cached.read_bytes()))
    return found
