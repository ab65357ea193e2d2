"""Opening export files as text: BOM-aware, with decoding errors reported by file and line."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from analysis.errors import where
from analysis.literature.records import RecordFormatError

SNIFF_BYTES = 64 * 1024


def encoding_of(head: bytes) -> str:
    """UTF-16 when a UTF-16 BOM says so (old WoS tab-delimited exports), else UTF-8 (BOM or not)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def open_text(path: Path) -> IO[str]:
    with open(path, "rb") as handle:
        head = handle.read(4)
    return open(path, encoding=encoding_of(head), newline="")


def numbered_lines(path: Path, handle: IO[str]) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` pairs; a byte that is not valid text becomes a located error."""
    number = 0
    try:
        for number, line in enumerate(handle, 1):  # noqa: B007 - number is used after the loop
            yield number, line
    except UnicodeDecodeError as error:
        raise RecordFormatError(
            f"{where(path, number + 1)} (approximately): bytes are not valid "
            f"{handle.encoding} ({error.reason}); re-export the file as UTF-8"
        ) from None
