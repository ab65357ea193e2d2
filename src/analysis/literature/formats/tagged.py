"""Line-tagged exports: Web of Science plain text (``PT J`` ... ``ER``) and RIS (``TY  -`` ...
``ER  -``).

Both are "two-letter tag, value, continuation lines; a record ends with an ER line", so one
streaming reader serves both. For speed it does not loop over lines in Python: it reads 1 MiB
blocks, cuts them into records at ER lines with ``str.find``, looks up only the tags a
:class:`Record` needs (``str.find`` again), and checks the whole record for lines that fit no
rule with one regular expression. Memory is O(one block) whatever the file size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import where
from analysis.literature.formats.textio import decode_error, open_text
from analysis.literature.records import (
    NoYearFieldError,
    Record,
    RecordFormatError,
    new_record,
    normalise_doi,
    parse_year,
    split_categories,
)

BLOCK_CHARS = 1 << 20
#: Tags seen in the first records are listed when the file turns out to have no year tag.
_FIELDS_SAMPLE = 50


@dataclass(frozen=True)
class _Layout:
    """How one tagged format writes a record. Keys include the newline that precedes a line."""

    name: str
    start: str  # opens a record, e.g. "\nPT "
    end: str  # closes it, e.g. "\nER"
    fields: re.Pattern[str]  # (tag, value and its continuation lines) of the wanted tags
    bad_line: re.Pattern[str] | None  # a line inside a record that fits no rule
    tag: re.Pattern[str]  # any tag line (for the list of fields found)
    preamble: frozenset[str]  # file header/trailer tags allowed outside records
    year_tags: tuple[str, ...]
    example: str


def _fields(tags: str, separator: str, continuation: str) -> re.Pattern[str]:
    """One pass over a record finds every wanted tag line with its continuation lines (a
    pattern starting with a literal newline is far faster in ``re`` than ``^`` in MULTILINE)."""
    return re.compile(rf"\n({tags.replace(' ', '|')}){separator}([^\n]*(?:\n{continuation})*)")


WOS = _Layout(
    name="Web of Science plain text", start="\nPT ", end="\nER",
    fields=_fields("PY TI DI DT WC AB", " ", "   [^\n]*"),  # continuation: 3 spaces
    bad_line=re.compile(r"\n(?![A-Z][A-Z0-9][ \n]|   |[ \t]*\n)[^\n]+"),
    tag=re.compile(r"^([A-Z][A-Z0-9])(?: |$)", re.MULTILINE),
    preamble=frozenset({"FN", "VR", "EF"}), year_tags=("PY",), example="PT J",
)
RIS = _Layout(
    name="RIS", start="\nTY  -", end="\nER  -",
    # continuation: any non-blank untagged line (exporters wrap abstracts that way)
    fields=_fields("TY PY Y1 DA TI T1 CT DO UR DB DP AB N2", "  - ?",
                   r"(?![A-Z][A-Z0-9]  -|[ \t]*\n)[^\n]+"),
    bad_line=None,
    tag=re.compile(r"^([A-Z][A-Z0-9])  -", re.MULTILINE),
    preamble=frozenset(), year_tags=("PY", "Y1", "DA"), example="TY  - JOUR",
)


# --- cutting the file into records ---------------------------------------------------------------


def _record_texts(path: Path, layout: _Layout) -> Iterator[tuple[int, str, bool]]:
    """``(line of the text's leading newline, text, complete)`` per record.

    Each text starts with the newline that ends the previous record (line 0 is a virtual line
    before the file) and ends with a newline; the last item is what follows the last ER line
    (``complete`` False): the EF trailer, blank lines, or an unterminated record.
    """
    line, pending = 0, "\n"
    with open_text(path, newline=None) as handle:
        try:
            while block := handle.read(BLOCK_CHARS):
                text = pending + block
                records, line, position = _split(text, layout.end, line, final=False)
                for first_line, record in records:
                    yield first_line, record, True
                pending = text[position:]
        except UnicodeDecodeError as error:
            raise decode_error(path, line + pending.count("\n") + 1, handle, error) from None
    text = pending + "\n"
    records, line, position = _split(text, layout.end, line, final=True)
    for first_line, record in records:
        yield first_line, record, True
    yield line, text[position:], False


def _split(
    text: str, end: str, line: int, final: bool
) -> tuple[list[tuple[int, str]], int, int]:
    """Records of ``text`` as ``(line at their leading newline, record)``, plus the line and
    offset where the unfinished tail starts."""
    records, position, cursor, width = [], 0, 0, len(end)
    while (found := text.find(end, cursor)) != -1:
        line_end = text.find("\n", found + width)
        if line_end == -1 and not final:
            break  # the ER line continues in the next block
        if end == "\nER" and text[found + width : line_end].strip():
            cursor = found + 1  # a line such as "ERx ...": not an end line
            continue
        records.append((line, text[position : found + 1]))
        line += text.count("\n", position, line_end)
        position = cursor = line_end
    return records, line, position


# --- one record ----------------------------------------------------------------------------------


def iter_tagged(path: Path, layout: _Layout) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line of the record's first tag, {tag: value})`` for the wanted tags of each record."""
    count, seen, has_year = 0, set(), False
    for line, text, complete in _record_texts(path, layout):
        if not text:
            continue
        if not complete:
            _check_trailer(path, layout, line, text)
            break
        start, fields = _parse_record(path, layout, line, text)
        if count < _FIELDS_SAMPLE:
            seen.update(layout.tag.findall(text))
        count += 1
        has_year = has_year or any(tag in fields for tag in layout.year_tags)
        yield start, fields
    if count == 0:
        raise RecordFormatError(f"{path}: no {layout.name} records found")
    if not has_year:
        fields = sorted(seen - layout.preamble - {"ER"})  # record fields, not file structure
        raise NoYearFieldError(path, fields, " or ".join(layout.year_tags))


def _parse_record(path: Path, layout: _Layout, line: int, text: str) -> tuple[int, dict]:
    opening = text.find(layout.start)
    if opening == -1:
        raise RecordFormatError(
            f"{where(path, _line_of(line, text, len(text) - len(text.lstrip()) ))}: an ER line "
            f"closes a record that never opened (expected '{layout.example}' first)"
        )
    if opening and text[:opening].strip():
        _check_outside(path, layout, line, text, opening)
    start = _line_of(line, text, opening + 1)
    again = text.find(layout.start, opening + 1)
    if again != -1:
        raise RecordFormatError(
            f"{where(path, _line_of(line, text, again + 1))}: new record starts before the "
            f"record of line {start} ended (missing ER line)"
        )
    if layout.bad_line is not None and (bad := layout.bad_line.search(text, opening)):
        raise _unexpected(path, layout, _line_of(line, text, bad.start() + 1), bad.group(0))
    fields: dict[str, str] = {}
    for tag, value in layout.fields.findall(text, opening):
        if tag not in fields:  # the first occurrence wins
            fields[tag] = " ".join(value.split()) if "\n" in value else value.strip()
    return start, fields


def _check_outside(path: Path, layout: _Layout, line: int, text: str, upto: int) -> None:
    """Between records only blank lines and preamble tags (FN, VR, EF) may appear."""
    offset = 0
    for content in text[:upto].split("\n"):
        if content.strip() and content[:2] not in layout.preamble:
            raise _unexpected(path, layout, _line_of(line, text, offset), content)
        offset += len(content) + 1


def _check_trailer(path: Path, layout: _Layout, line: int, text: str) -> None:
    opening = text.find(layout.start)
    if opening != -1:
        raise RecordFormatError(
            f"{where(path, _line_of(line, text, opening + 1))}: record never ends "
            "(no ER line before the end of the file)"
        )
    _check_outside(path, layout, line, text, len(text))


def _line_of(line: int, text: str, offset: int) -> int:
    return line + text.count("\n", 0, offset)


def _unexpected(path: Path, layout: _Layout, line: int, content: str) -> RecordFormatError:
    return RecordFormatError(
        f"{where(path, line)}: unexpected line {content.strip()[:60]!r} in {layout.name} "
        f"(expected a two-letter tag line such as '{layout.example}', a continuation line or a "
        "blank line)"
    )


# --- records -------------------------------------------------------------------------------------


def iter_wos_tagged(path: Path) -> Iterator[Record]:
    origin = f"{path}:"
    for start, fields in iter_tagged(path, WOS):
        get = fields.get
        yield new_record(
            year=parse_year(get("PY"), path, start, "PY"),
            title=get("TI", ""),
            doi=normalise_doi(get("DI")),
            source_database="Web of Science",
            document_type=get("DT"),
            subject_categories=split_categories(get("WC")),
            abstract=get("AB"),
            origin=f"{origin}{start}",
        )


def iter_ris(path: Path) -> Iterator[Record]:
    origin = f"{path}:"
    for start, fields in iter_tagged(path, RIS):
        get = fields.get
        year_tag = next((tag for tag in RIS.year_tags if tag in fields), "PY")
        url = get("UR")
        doi = get("DO") or (url if url and "doi.org/" in url else None)
        yield new_record(
            year=parse_year(get(year_tag), path, start, year_tag),
            title=get("TI") or get("T1") or get("CT") or "",
            doi=normalise_doi(doi),
            source_database=get("DB") or get("DP"),
            document_type=get("TY"),
            abstract=get("AB") or get("N2"),
            origin=f"{origin}{start}",
        )
