"""Opening export files as text: BOM-aware, with decoding errors reported by file and line."""

from __future__ import annotations

import codecs
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


def open_text(path: Path, newline: str | None = "") -> IO[str]:
    """Text handle with the encoding its BOM implies; ``newline=""`` keeps line ends for csv."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    return open(path, encoding=encoding_of(head), newline=newline)


def decode_error(
    path: Path, line: int, handle: IO[str], error: UnicodeDecodeError
) -> RecordFormatError:
    """A located error for bytes that are not text in the file's encoding.

    Text is decoded in blocks, so the line is where reading stopped: the bad byte is there or a
    few lines further on.
    """
    return RecordFormatError(
        f"{where(path, line)} (approximately): bytes are not valid {handle.encoding} "
        f"({error.reason}); re-export the file as UTF-8"
    )
