"""Which export format a file is, decided from its content (never from the extension alone).

Exports are routinely renamed (``savedrecs.txt``, ``export.csv`` that is really tab-delimited,
``.bib`` files that are RIS), so the first bytes decide. Rules, in order:

1. ZIP magic -> ``xlsx``; OLE2 magic -> ``xls`` (legacy Excel, Web of Science's Excel export).
2. First non-blank line ``FN ``/``VR ``/``PT `` -> ``wos-tagged``; ``TY  -`` -> ``ris``;
   ``PMID- `` -> ``nbib`` (PubMed/MEDLINE); ``About the data:`` -> ``dimensions-csv``.
3. ``{``/``[`` -> ``openalex-json``, or ``openalex-jsonl`` when the first line is a whole JSON
   object (one work per line).
4. A line starting with ``@type{`` in the first 64 KB, before any delimited header -> ``bibtex``
   (Scopus BibTeX starts with "Scopus / EXPORT DATE" lines).
5. A tab-delimited header with Web of Science tags (PT, UT, ...) -> ``wos-tab``.
6. A header row split by ``,``, ``;`` or tab -> ``csv`` (Scopus, Zotero, Citavi ...).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analysis.literature.formats.textio import SNIFF_BYTES, encoding_of
from analysis.literature.records import RecordFormatError

FORMATS = (
    "wos-tagged", "wos-tab", "bibtex", "ris", "nbib", "csv", "dimensions-csv", "xlsx", "xls",
    "openalex-json", "openalex-jsonl",
)

#: Names a user may pass to ``--format``; they name the same readers (the database is then read
#: from the records themselves).
FORMAT_ALIASES = {
    "wos": "wos-tagged", "wos-plain": "wos-tagged", "wos-tsv": "wos-tab",
    "wos-bibtex": "bibtex", "scopus-bibtex": "bibtex", "sciencedirect-bibtex": "bibtex",
    "bib": "bibtex", "scopus-csv": "csv", "zotero-csv": "csv", "citavi-csv": "csv",
    "citavi-xlsx": "xlsx", "excel": "xlsx",
    "wos-xls": "xls", "medline": "nbib", "pubmed": "nbib", "dimensions": "dimensions-csv",
    "json": "openalex-json", "jsonl": "openalex-jsonl",
}

_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_WOS_TAB_TAGS = {"PT", "UT", "AU", "TI", "PY", "SO"}


def canonical_format(name: str) -> str:
    name = name.strip().lower()
    name = FORMAT_ALIASES.get(name, name)
    if name not in FORMATS:
        choices = ", ".join(("auto", *FORMATS, *FORMAT_ALIASES))
        raise RecordFormatError(f"unknown format {name!r}; expected one of: {choices}")
    return name


def detect_format(path: Path) -> str:
    """Name of the reader for ``path`` (one of ``FORMATS``), from its first 64 KB."""
    path = Path(path)
    head = read_head(path)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    text = head.decode(encoding_of(head), errors="replace").lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise RecordFormatError(f"{path}: empty file (no records)")
    found = _from_first_line(lines, text)
    if found:
        return found
    first = lines[0][:120]
    raise RecordFormatError(
        f"{path}: unrecognised export format (first line: {first!r}); expected Web of Science "
        "plain text or tab-delimited, BibTeX, RIS, PubMed/MEDLINE, CSV (Scopus, Dimensions, ...), "
        "Excel (.xlsx, .xls), or OpenAlex JSON/JSONL"
    )


def read_head(path: Path) -> bytes:
    """The first bytes of ``path``, or a one-line error for a directory or an unreadable file."""
    if path.is_dir():
        raise RecordFormatError(f"{path}: is a directory, not an export file")
    try:
        with open(path, "rb") as handle:
            return handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise RecordFormatError(f"{path}: no such file") from None
    except OSError as error:
        raise RecordFormatError(f"{path}: cannot be read ({error.strerror})") from None


def _from_first_line(lines: list[str], text: str) -> str | None:
    first = lines[0]
    if re.match(r"(FN|VR|PT) ", first):
        return "wos-tagged"
    if re.match(r"TY  -", first):
        return "ris"
    if first.startswith("PMID- "):
        return "nbib"
    if first.lstrip('"').startswith("About the data:"):
        return "dimensions-csv"
    if first.lstrip().startswith(("{", "[")):
        return _json_kind(lines)
    bibtex = _BIBTEX_ENTRY.search(text)
    if first.lstrip().startswith("@") or (bibtex and not _looks_tabular(first)):
        return "bibtex"
    if "\t" in first and {cell.strip() for cell in first.split("\t")} >= _WOS_TAB_TAGS:
        return "wos-tab"
    if _looks_tabular(first):
        return "csv"
    return None


def _looks_tabular(line: str) -> bool:
    return max(line.count(","), line.count(";"), line.count("\t")) >= 1


def _json_kind(lines: list[str]) -> str:
    """JSONL when the first line is a complete JSON object on its own, JSON otherwise."""
    try:
        first = json.loads(lines[0])
    except ValueError:
        return "openalex-json"
    if isinstance(first, dict) and not {"results", "meta"} & first.keys():
        return "openalex-jsonl"
    return "openalex-json"
