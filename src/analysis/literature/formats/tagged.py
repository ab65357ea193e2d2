"""Line-tagged exports: Web of Science plain text (``PT J`` ... ``ER``) and RIS (``TY  -`` ...
``ER  -``).

Both are "two-letter tag, value; a record ends with ER", so one streaming loop reads both, keeping
only the tags a :class:`Record` needs. Memory is O(one record) whatever the file size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import where
from analysis.literature.formats.textio import decode_error, open_text
from analysis.literature.records import (
    NoYearFieldError,
    Record,
    RecordFormatError,
    normalise_doi,
    parse_year,
    split_categories,
)

#: Tags seen in the first records are listed when the file turns out to have no year tag.
_FIELDS_SAMPLE = 50


@dataclass(frozen=True)
class _Layout:
    """How one tagged format lays out a line and a record."""

    name: str
    start: str  # tag opening a record
    value_at: int  # where the value starts on a tag line
    marker: str  # what follows the two-letter tag on a tag line ("" = a space or end of line)
    preamble: frozenset[str]  # tags allowed between records (file header / trailer)
    wanted: frozenset[str]
    year_tags: tuple[str, ...]


WOS = _Layout(
    name="Web of Science plain text", start="PT", value_at=3, marker="",
    preamble=frozenset({"FN", "VR", "EF"}),
    wanted=frozenset({"PY", "TI", "DI", "DT", "WC", "AB"}), year_tags=("PY",),
)
RIS = _Layout(
    name="RIS", start="TY", value_at=6, marker="  -", preamble=frozenset(),
    wanted=frozenset({"TY", "PY", "Y1", "DA", "TI", "T1", "CT", "DO", "UR", "DB", "DP", "AB",
                      "N2"}),
    year_tags=("PY", "Y1", "DA"),
)


def _is_tag_line(line: str, layout: _Layout) -> bool:
    if not line[:2].isalnum():
        return False
    if layout.marker:
        return line[2:5] == layout.marker
    return line[2:3] in (" ", "\n", "\r", "")


def iter_tagged(path: Path, layout: _Layout) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """``(start line, {tag: [lines]})`` per record; continuation lines extend the last tag."""
    record: dict[str, list[str]] | None = None
    start, number, tag, records = 0, 0, "", 0
    seen: set[str] = set()
    wanted, value_at, opener = layout.wanted, layout.value_at, layout.start
    with open_text(path) as handle:
        try:
            for number, line in enumerate(handle, 1):  # noqa: B007 - used in messages
                if not _is_tag_line(line, layout):
                    if not line.strip():
                        continue
                    if record is None or (not layout.marker and not line.startswith("   ")):
                        raise _unexpected(path, number, line, layout)
                    if tag in wanted:
                        record[tag].append(line.strip())
                    continue
                tag = line[:2]
                if records < _FIELDS_SAMPLE:
                    seen.add(tag)
                if record is None:
                    if tag == opener:
                        record, start = {}, number
                    elif tag in layout.preamble:
                        continue
                    else:
                        raise _unexpected(path, number, line, layout)
                elif tag == "ER":
                    records += 1
                    yield start, record
                    record = None
                    continue
                elif tag == opener:
                    raise RecordFormatError(
                        f"{where(path, number)}: new record starts before the record of line "
                        f"{start} ended (missing ER line)"
                    )
                if tag in wanted:
                    record.setdefault(tag, []).append(line[value_at:].strip())
        except UnicodeDecodeError as error:
            raise decode_error(path, number + 1, handle, error) from None
    if record is not None:
        raise RecordFormatError(
            f"{where(path, start)}: record never ends (no ER line before the end of the file)"
        )
    _check_has_year(path, layout, records, seen)


def _unexpected(path: Path, number: int, line: str, layout: _Layout) -> RecordFormatError:
    return RecordFormatError(
        f"{where(path, number)}: unexpected line {line.strip()[:60]!r} in {layout.name} "
        f"(expected a two-letter tag line such as '{layout.start}"
        f"{layout.marker or ''} ...' or a continuation line)"
    )


def _check_has_year(path: Path, layout: _Layout, records: int, seen: set[str]) -> None:
    if records == 0:
        raise RecordFormatError(f"{path}: no {layout.name} records found")
    if not seen & set(layout.year_tags):
        fields = sorted(seen - layout.preamble - {"ER"})  # record fields, not file structure
        raise NoYearFieldError(path, fields, " or ".join(layout.year_tags))


def _first(record: dict[str, list[str]], *tags: str) -> tuple[str, str | None]:
    """(tag, value joined over its lines) of the first present tag."""
    for tag in tags:
        lines = record.get(tag)
        if lines:
            return tag, " ".join(lines)
    return tags[0], None


def iter_wos_tagged(path: Path) -> Iterator[Record]:
    for start, record in iter_tagged(path, WOS):
        yield Record(
            year=parse_year(_first(record, "PY")[1], path, start, "PY"),
            title=_first(record, "TI")[1] or "",
            doi=normalise_doi(_first(record, "DI")[1]),
            source_database="Web of Science",
            document_type=_first(record, "DT")[1],
            subject_categories=split_categories(_first(record, "WC")[1]),
            abstract=_first(record, "AB")[1],
            origin=f"{path}:{start}",
        )


def iter_ris(path: Path) -> Iterator[Record]:
    for start, record in iter_tagged(path, RIS):
        year_tag, year = _first(record, *RIS.year_tags)
        url = _first(record, "UR")[1]
        doi = _first(record, "DO")[1] or (url if url and "doi.org/" in url else None)
        yield Record(
            year=parse_year(year, path, start, year_tag),
            title=_first(record, "TI", "T1", "CT")[1] or "",
            doi=normalise_doi(doi),
            source_database=_first(record, "DB", "DP")[1],
            document_type=_first(record, "TY")[1],
            abstract=_first(record, "AB", "N2")[1],
            origin=f"{path}:{start}",
        )
