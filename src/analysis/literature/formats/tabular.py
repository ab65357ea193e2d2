"""CSV, tab-delimited and Excel exports: Scopus CSV (any interface language), Web of Science
tab-delimited, Citavi and Zotero tables.

All of them are "one header row, one record per row", so one column map (``columns.py``) drives
them; only the way rows are read differs. CSV rows stream (O(1) memory); Excel is read with
openpyxl in read-only mode, which also streams rows, after a bound on its uncompressed size;
legacy .xls with xlrd.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from analysis.errors import where
from analysis.literature import records as rec
from analysis.literature.columns import (
    database_from_header,
    map_columns,
    normalise_header,
    year_aliases,
)
from analysis.literature.formats.textio import decode_error, open_text

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
    source_database: int
    document_type: int
    accession: int
    abstract: int
    default_database: str | None

    @classmethod
    def from_header(cls, path: Path, header: list[str], default_database: str | None,
                    row: int = 1) -> _Columns:
        _check_unique(path, header, row)
        found = map_columns(header)
        if "year" not in found:
            named = [h for h in header if str(h or "").strip()]
            raise rec.NoYearFieldError(path, named, year_aliases())
        get = lambda name: found.get(name, -1)  # noqa: E731 - tiny local accessor
        return cls(
            path=path, header=tuple(str(h) for h in header), year=get("year"),
            title=get("title"), doi=get("doi"), source_database=get("source_database"),
            document_type=get("document_type"), accession=get("accession"),
            abstract=get("abstract"),
            default_database=database_from_header(header) or default_database,
        )

    def record(self, row: list, line: int) -> rec.Record:
        """Build the record of one row (at least as wide as the header)."""
        title, doi, database, kind, accession, abstract = (
            self.title, self.doi, self.source_database, self.document_type, self.accession,
            self.abstract,
        )
        return rec.new_record(
            year=rec.parse_year(row[self.year], self.path, line, self.header[self.year]),
            title=rec.clean_text(row[title]) if title >= 0 else "",
            doi=rec.normalise_doi(row[doi]) if doi >= 0 else None,
            source_database=(rec.optional_text(row[database]) if database >= 0 else None)
            or self.default_database,
            document_type=rec.optional_text(row[kind]) if kind >= 0 else None,
            accession=rec.optional_text(row[accession]) if accession >= 0 else None,
            abstract=rec.optional_text(row[abstract]) if abstract >= 0 else None,
        )


def _check_unique(path: Path, header: list[str], row: int) -> None:
    """Refuse a header naming one column twice: which of the two holds the data is a guess, and
    reading the first one silently counted the wrong column."""
    seen: set[str] = set()
    for name in header:
        key = normalise_header(name)
        if key and key in seen:
            raise rec.RecordFormatError(
                f"{where(path, row, str(name).strip())}: the header names this column twice; "
                "rename or delete one of them"
            )
        seen.add(key)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into a header with a year column, else the one
    that splits it into the most cells (CSV headers hold no quotes around delimiters in any
    export we know). French Excel writes ';', Web of Science tabs, most others ','."""
    with_year = [d for d in _DELIMITERS if "year" in map_columns(header_line.split(d))]
    return max(with_year or _DELIMITERS, key=header_line.count)


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _wrong_delimiter(path: Path, header_line: str, delimiter: str, row: int) -> None:
    """Name the separator when the header only has a year column split by another one."""
    for other in (*_DELIMITERS, "|"):
        if other != delimiter and "year" in map_columns(header_line.split(other)):
            raise rec.RecordFormatError(
                f"{where(path, row)}: the header has no year column when split by "
                f"{_DELIMITER_NAMES[delimiter]}, but has one when split by "
                f"{_DELIMITER_NAMES[other]}: the file is separated by {_DELIMITER_NAMES[other]}"
                f" (re-export it with {_DELIMITER_NAMES[delimiter]}, or let the format be "
                "detected)"
            )


def iter_csv(
    path: Path, *, delimiter: str | None = None, quoting: int = csv.QUOTE_MINIMAL,
    default_database: str | None = None, preamble_lines: int = 0,
) -> Iterator[rec.Record]:
    """Stream records from a delimited text file (header row first, after ``preamble_lines``
    lines that are not part of the table, such as Dimensions' "About the data" line)."""
    path = Path(path)
    reader = None
    with open_text(path) as handle:
        try:
            for _ in range(preamble_lines):
                handle.readline()
            header_line = handle.readline()
            handle.seek(0)
            for _ in range(preamble_lines):
                handle.readline()
            if delimiter is None:
                delimiter = sniff_delimiter(header_line)
            reader = csv.reader(handle, delimiter=delimiter, quoting=quoting, strict=True)
            try:
                yield from _records_from_rows(path, reader, default_database, preamble_lines)
            except rec.NoYearFieldError:
                _wrong_delimiter(path, header_line, delimiter, preamble_lines + 1)
                raise
        except UnicodeDecodeError as error:
            line = (reader.line_num if reader is not None else 0) + preamble_lines + 1
            raise decode_error(path, line, handle, error) from None


def iter_wos_tab(path: Path) -> Iterator[rec.Record]:
    """Web of Science tab-delimited: no quoting (titles may contain lone quotes)."""
    return iter_csv(
        path, delimiter="\t", quoting=csv.QUOTE_NONE, default_database="Web of Science"
    )


def iter_dimensions_csv(path: Path) -> Iterator[rec.Record]:
    """Dimensions CSV: one "About the data: Exported on ..." line, then the table."""
    return iter_csv(path, default_database="Dimensions", preamble_lines=1)


def _records_from_rows(
    path: Path, reader: csv._reader, default_database: str | None, offset: int = 0
) -> Iterator[rec.Record]:
    """Records of the rows; ``offset`` is the number of lines before the header."""
    try:
        header = next(reader, None)
        if header is None:
            raise rec.RecordFormatError(f"{path}: empty file (expected a header row)")
        columns = _Columns.from_header(path, header, default_database, offset + 1)
        width = len(header)
        start = last = offset + reader.line_num + 1
        for row in reader:
            if len(row) != width:
                _check_width(path, row, width, start)
            if row:
                yield columns.record(row, start)
                last = start
            start = offset + reader.line_num + 1
    except csv.Error as error:
        line = offset + reader.line_num
        raise rec.RecordFormatError(f"{where(path, line)}: malformed CSV: {error}") from None
    _check_last_line(path, last)


def _check_last_line(path: Path, row: int) -> None:
    """A file whose last row neither ends with a line break nor with a closing quote was cut
    off mid-row (every export ends its rows so): counting that row would count half a record."""
    with open(path, "rb") as handle:
        handle.seek(max(0, handle.seek(0, 2) - 4))
        tail = handle.read().rstrip(b"\x00")
    if tail and not tail.endswith((b"\n", b"\r", b'"')):
        raise rec.RecordFormatError(
            f"{where(path, row)}: the last row does not end with a line break; the file looks "
            "cut off (if it is complete, end it with a line break)"
        )


def _check_width(path: Path, row: list[str], width: int, line: int) -> None:
    """Rows may end with empty extra cells (WoS writes a trailing tab) but not carry more data
    or miss cells: that means a broken quote or a truncated line."""
    if not row or (len(row) > width and not any(cell.strip() for cell in row[width:])):
        return
    raise rec.RecordFormatError(
        f"{where(path, line)}: row has {len(row)} cells but the header has {width} "
        "(a broken quote or a truncated line?)"
    )


#: Largest workbook read, counted uncompressed (the 4,219-record Citavi corpus is 7 MiB); checked
#: on the zip directory before parsing, so a zip bomb (1.1 GB of memory) is refused unopened.
MAX_WORKBOOK_BYTES = 256 * 1024 * 1024


def _check_xlsx_size(path: Path, handle: BinaryIO) -> None:
    try:
        members = zipfile.ZipFile(handle).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise rec.RecordFormatError(f"{path}: not a readable .xlsx workbook ({error})") from None
    size = sum(member.file_size for member in members)
    if size > MAX_WORKBOOK_BYTES:
        raise rec.RecordFormatError(
            f"{path}: workbook expands to {size / 2**20:.0f} MiB, more than the "
            f"{MAX_WORKBOOK_BYTES // 2**20} MiB read (a zip bomb, or an export to split or to "
            "save as CSV)"
        )
    handle.seek(0)


def iter_xlsx(path: Path) -> Iterator[rec.Record]:
    """Stream records from the first sheet of an Excel workbook (Citavi, Zotero via Excel, ...)."""
    import openpyxl  # imported here: only Excel users pay for it

    path = Path(path)
    # A file handle, not the path: openpyxl refuses names not ending in .xlsx, and exports
    # are often renamed; the content was already recognised as a workbook.
    with open(path, "rb") as handle:
        _check_xlsx_size(path, handle)
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises several unrelated types for a bad workbook
            raise rec.RecordFormatError(
                f"{path}: not a readable .xlsx workbook ({error})") from None
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            yield from _records_from_cells(path, _guarded(path, enumerate(rows, 1)))
        finally:
            workbook.close()


def _guarded(path: Path, rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    """Rows of a read-only sheet, parsed lazily: a damaged member (bad CRC, broken XML) shows
    up only while iterating, as zipfile, zlib or XML errors of several types."""
    number = 0
    try:
        for number, cells in rows:  # noqa: B007 - used in the message
            yield number, cells
    except Exception as error:  # the parsers' own types; ours are never raised in here
        raise rec.RecordFormatError(
            f"{where(path, number + 1)}: damaged .xlsx workbook ({type(error).__name__}: "
            f"{str(error)[:80]})"
        ) from None


def iter_xls(path: Path) -> Iterator[rec.Record]:
    """The first sheet of a legacy Excel .xls workbook (Web of Science's "Excel" export), read
    with xlrd (a workbook is read whole; it is bounded like .xlsx)."""
    import xlrd  # imported here: only .xls users pay for it

    path = Path(path)
    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise rec.RecordFormatError(
            f"{path}: .xls workbook larger than {MAX_WORKBOOK_BYTES // 2**20} MiB; save it as CSV"
        )
    try:
        book = xlrd.open_workbook(file_contents=path.read_bytes(), on_demand=True)
        sheet = book.sheet_by_index(0)
        rows = [(number, tuple(sheet.row_values(number - 1)))
                for number in range(1, sheet.nrows + 1)]
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct/Index errors ...
        raise rec.RecordFormatError(
            f"{path}: not a readable .xls workbook ({type(error).__name__}: {str(error)[:80]})"
        ) from None
    yield from _records_from_cells(path, rows)


def _records_from_cells(path: Path, rows: Iterable[tuple[int, tuple]]) -> Iterator[rec.Record]:
    columns = None
    for number, cells in rows:
        if columns is None:
            if any(cell not in (None, "") for cell in cells):
                header = ["" if cell is None else str(cell) for cell in cells]
                columns = _Columns.from_header(path, header, None, number)
            continue
        if any(cell not in (None, "") for cell in cells):
            row = list(cells)
            row.extend([None] * (len(columns.header) - len(row)))
            yield columns.record(row, number)
    if columns is None:
        raise rec.RecordFormatError(f"{path}: empty workbook (expected a header row)")
