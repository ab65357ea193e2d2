"""One reader per export format: ``READERS[name](path, **options) -> Iterator[Record]``.

Readers are generators wherever the format allows (WoS plain text, RIS, CSV, tab-delimited,
Excel, JSONL, fast BibTeX), so counting a 1M-record export needs O(1) memory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from analysis.literature.records import Record

Reader = Callable[..., Iterator[Record]]

# format -> (module, function); imported on first use so that e.g. a CSV count never imports
# openpyxl or bibtexparser.
_READERS: dict[str, tuple[str, str]] = {
    "wos-tagged": ("tagged", "iter_wos_tagged"),
    "ris": ("tagged", "iter_ris"),
    "wos-tab": ("tabular", "iter_wos_tab"),
    "csv": ("tabular", "iter_csv"),
    "dimensions-csv": ("tabular", "iter_dimensions_csv"),
    "xlsx": ("tabular", "iter_xlsx"),
    "xls": ("tabular", "iter_xls"),
    "nbib": ("tagged", "iter_nbib"),
    "bibtex": ("bibtex", "iter_bibtex"),
    "openalex-json": ("openalex_works", "iter_openalex_json"),
    "openalex-jsonl": ("openalex_works", "iter_openalex_jsonl"),
}


def reader(name: str) -> Reader:
    module, function = _READERS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def read(name: str, path: Path, **options: object) -> Iterator[Record]:
    """Records of ``path`` read as format ``name``; only the BibTeX reader takes options."""
    if name != "bibtex":
        options = {}
    return reader(name)(Path(path), **options)
