"""CSV, tab-delimited and Excel exports: Scopus CSV (any interface language), Web of Science
tab-delimited, Citavi and Zotero tables.

All of them are "one header row, one record per row", so one column map (``columns.py``) drives
them; only the way rows are read differs. CSV rows stream (O(1) memory); Excel is read with
openpyxl in read-only mode, which also streams rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import where
from analysis.literature.columns import database_from_header, map_columns, year_aliases
from analysis.literature.formats.textio import decode_error, open_text
from analysis.literature.records import (
    NoYearFieldError,
    Record,
    RecordFormatError,
    clean_text,
    new_record,
    normalise_doi,
    optional_text,
    parse_year,
    split_categories,
)

_DELIMITERS = (",", ";", "\t")

# csv's default field limit (128 KB) is below some real abstracts and reference lists.
csv.field_size_limit(1 << 30)


@dataclass(frozen=True, slots=True)
class _Columns:
    """Column indexes of one file's canonical fields (-1 when absent)."""

    path: Path
    header: tuple[str, ...]
    year: int
    title: int
    doi: int
    document_type: int
    source_database: int
    subject_categories: int
    abstract: int
    default_database: str | None
    origin: str  # "path:" prefix of Record.origin

    @classmethod
    def from_header(cls, path: Path, header: list[str], default_database: str | None) -> _Columns:
        found = map_columns(header)
        if "year" not in found:
            named = [h for h in header if str(h or "").strip()]
            raise NoYearFieldError(path, named, year_aliases())
        get = lambda name: found.get(name, -1)  # noqa: E731 - tiny local accessor
        return cls(
            path=path, header=tuple(str(h) for h in header), year=get("year"),
            title=get("title"), doi=get("doi"), document_type=get("document_type"),
            source_database=get("source_database"),
            subject_categories=get("subject_categories"), abstract=get("abstract"),
            default_database=database_from_header(header) or default_database,
            origin=f"{path}:",
        )

    def record(self, row: list, line: int) -> Record:
        """Build the record of one row (at least as wide as the header)."""
        title, doi, kind, database, categories, abstract = (
            self.title, self.doi, self.document_type, self.source_database,
            self.subject_categories, self.abstract,
        )
        return new_record(
            year=parse_year(row[self.year], self.path, line, self.header[self.year]),
            title=clean_text(row[title]) if title >= 0 else "",
            doi=normalise_doi(row[doi]) if doi >= 0 else None,
            source_database=(optional_text(row[database]) if database >= 0 else None)
            or self.default_database,
            document_type=optional_text(row[kind]) if kind >= 0 else None,
            subject_categories=split_categories(row[categories]) if categories >= 0 else (),
            abstract=optional_text(row[abstract]) if abstract >= 0 else None,
            origin=f"{self.origin}{line}",
        )


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most cells (CSV headers hold no quotes
    around delimiters in any export we know)."""
    return max(_DELIMITERS, key=header_line.count)


def iter_csv(
    path: Path, *, delimiter: str | None = None, quoting: int = csv.QUOTE_MINIMAL,
    default_database: str | None = None,
) -> Iterator[Record]:
    """Stream records from a delimited text file (header row first)."""
    path = Path(path)
    reader = None
    with open_text(path) as handle:
        try:
            if delimiter is None:
                delimiter = sniff_delimiter(handle.readline())
                handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter, quoting=quoting, strict=True)
            yield from _records_from_rows(path, reader, default_database)
        except UnicodeDecodeError as error:
            line = (reader.line_num if reader is not None else 0) + 1
            raise decode_error(path, line, handle, error) from None


def iter_wos_tab(path: Path) -> Iterator[Record]:
    """Web of Science tab-delimited: no quoting (titles may contain lone quotes)."""
    return iter_csv(
        path, delimiter="\t", quoting=csv.QUOTE_NONE, default_database="Web of Science"
    )


def _records_from_rows(
    path: Path, reader: csv._reader, default_database: str | None
) -> Iterator[Record]:
    try:
        header = next(reader, None)
        if header is None:
            raise RecordFormatError(f"{path}: empty file (expected a header row)")
        columns = _Columns.from_header(path, header, default_database)
        width = len(header)
        start = reader.line_num + 1
        for row in reader:
            if len(row) != width:
                _check_width(path, row, width, start)
            if row:
                yield columns.record(row, start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise RecordFormatError(f"{where(path, reader.line_num)}: malformed CSV: {error}") from None


def _check_width(path: Path, row: list[str], width: int, line: int) -> None:
    """Rows may end with empty extra cells (WoS writes a trailing tab) but not carry more data
    or miss cells: that means a broken quote or a truncated line."""
    if not row or (len(row) > width and not any(cell.strip() for cell in row[width:])):
        return
    raise RecordFormatError(
        f"{where(path, line)}: row has {len(row)} cells but the header has {width} "
        "(a broken quote or a truncated line?)"
    )


def iter_xlsx(path: Path) -> Iterator[Record]:
    """Stream records from the first sheet of an Excel workbook (Citavi, Zotero via Excel, ...)."""
    import openpyxl  # imported here: only Excel users pay for it

    path = Path(path)
    # A file handle, not the path: openpyxl refuses names not ending in .xlsx, and exports
    # are often renamed; the content was already recognised as a workbook.
    with open(path, "rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises several unrelated types for a bad workbook
            raise RecordFormatError(f"{path}: not a readable .xlsx workbook ({error})") from None
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            yield from _records_from_cells(path, enumerate(rows, 1))
        finally:
            workbook.close()


def _records_from_cells(path: Path, rows: Iterable[tuple[int, tuple]]) -> Iterator[Record]:
    columns = None
    for number, cells in rows:
        if columns is None:
            if any(cell not in (None, "") for cell in cells):
                header = ["" if cell is None else str(cell) for cell in cells]
                columns = _Columns.from_header(path, header, None)
            continue
        if any(cell not in (None, "") for cell in cells):
            row = list(cells)
            row.extend([None] * (len(columns.header) - len(row)))
            yield columns.record(row, number)
    if columns is None:
        raise RecordFormatError(f"{path}: empty workbook (expected a header row)")
