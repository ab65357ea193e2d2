"""Line-tagged exports: Web of Science plain text (``PT J`` ... ``ER``), RIS (``TY  -`` ...
``ER  -``) and PubMed/MEDLINE (``PMID- `` ..., records separated by blank lines).

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
    scopus_eid,
)

BLOCK_CHARS = 1 << 20
#: Tags seen in the first records are listed when the file turns out to have no year tag.
_FIELDS_SAMPLE = 50


@dataclass(frozen=True)
class _Layout:
    """How one tagged format writes a record. Keys include the newline that precedes a line."""

    name: str
    start: str  # opens a record, e.g. "\nPT "
    end_line: str  # the line closing it, with its newlines, e.g. "\nER\n"
    loose_end: str  # how an end line with trailing blanks starts ("\nER ")
    end_pattern: re.Pattern[str]  # end lines with or without trailing blanks
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
    name="Web of Science plain text", start="\nPT ", end_line="\nER\n", loose_end="\nER ",
    end_pattern=re.compile(r"\nER[ \t]*\n"),
    fields=_fields("PY TI DI DT UT AB", " ", "   [^\n]*"),  # continuation: 3 spaces
    bad_line=re.compile(r"\n(?![A-Z][A-Z0-9][ \n]|   |[ \t]*\n)[^\n]+"),
    tag=re.compile(r"^([A-Z][A-Z0-9])(?: |$)", re.MULTILINE),
    preamble=frozenset({"FN", "VR", "EF"}), year_tags=("PY",), example="PT J",
)
RIS = _Layout(
    name="RIS", start="\nTY  -", end_line="\nER  -\n", loose_end="\nER  - ",
    end_pattern=re.compile(r"\nER  -[ \t]*\n"),
    # continuation: any non-blank untagged line (exporters wrap abstracts that way)
    fields=_fields("TY PY Y1 DA TI T1 CT DO UR DB DP AB N2 AN", "  - ?",
                   r"(?![A-Z][A-Z0-9]  -|[ \t]*\n)[^\n]+"),
    bad_line=None,
    tag=re.compile(r"^([A-Z][A-Z0-9])  -", re.MULTILINE),
    preamble=frozenset(), year_tags=("PY", "Y1", "DA"), example="TY  - JOUR",
)


# --- cutting the file into records ---------------------------------------------------------------


def _record_texts(path: Path, layout: _Layout) -> Iterator[tuple[int, str, bool]]:
    """``(line, text, complete)`` per record; the last item (``complete`` False) is what follows
    the last ER line: the EF trailer, blank lines, or an unterminated record.

    Each text starts with a newline, which ``line`` ends (line 0 is a virtual line before the
    file), so a character's line is ``line + text.count("\n", 0, offset)``.
    """
    line, tail = 0, "\n"  # line: the line that text[0] is on
    with open_text(path, newline=None) as handle:
        try:
            while block := handle.read(BLOCK_CHARS):
                text = tail + block
                _check_lines(path, layout, text, line)
                records, tail, line = _split(text, layout, line)
                yield from records
        except UnicodeDecodeError as error:
            raise decode_error(path, line + tail.count("\n") + 1, handle, error) from None
    text = tail + "\n"
    _check_lines(path, layout, text, line)
    records, tail, line = _split(text, layout, line)
    yield from records
    yield (line, tail, False) if tail.startswith("\n") else (line - 1, "\n" + tail, False)


def _split(text: str, layout: _Layout, line: int) -> tuple[list, str, int]:
    """Complete records of ``text`` (cut by ``str.split`` at ER lines), the unfinished tail and
    the line its first character is on."""
    if layout.loose_end in text:  # "ER " with trailing blanks: make every end line identical
        text = layout.end_pattern.sub(layout.end_line, text)
    parts = text.split(layout.end_line)
    records = []
    for part in parts[:-1]:
        if part.startswith("\n"):
            records.append((line, part, True))
        else:  # no blank line between records: give the text its leading newline
            records.append((line - 1, "\n" + part, True))
        line += part.count("\n") + 2  # the part's lines, then the ER line
    return records, parts[-1], line


def _check_lines(path: Path, layout: _Layout, text: str, line: int) -> None:
    """One scan per block for a line that fits no rule (complete lines only)."""
    if layout.bad_line is None:
        return
    bad = layout.bad_line.search(text, 0, text.rfind("\n") + 1)
    if bad is not None:
        raise _unexpected(path, layout, _line_of(line, text, bad.start() + 1), bad.group(0))


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
        if not has_year:
            has_year = any(tag in fields for tag in layout.year_tags)
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
    for start, fields in iter_tagged(path, WOS):
        get = fields.get
        yield new_record(
            year=parse_year(get("PY"), path, start, "PY"),
            title=get("TI", ""),
            doi=normalise_doi(get("DI")),
            source_database="Web of Science",
            document_type=get("DT"),
            accession=get("UT"),
            abstract=get("AB"),
        )


def iter_ris(path: Path) -> Iterator[Record]:
    for start, fields in iter_tagged(path, RIS):
        get = fields.get
        year_tag = "PY" if "PY" in fields else "Y1" if "Y1" in fields else "DA"
        doi = get("DO")
        if doi is None and "doi.org/" in (url := get("UR") or ""):
            doi = url
        yield new_record(
            year=parse_year(get(year_tag), path, start, year_tag),
            title=get("TI") or get("T1") or get("CT") or "",
            doi=normalise_doi(doi),
            source_database=get("DB") or get("DP"),
            document_type=get("TY"),
            accession=get("AN") or scopus_eid(get("UR")),
            abstract=get("AB") or get("N2"),
        )


# --- PubMed / MEDLINE (.nbib) -------------------------------------------------------------------
# "PMID- 31978945", "DP  - 2020 Feb 20": a tag of up to 4 characters padded to 4, then "- ";
# continuation lines start with 6 spaces; records are separated by a blank line and PubMed
# writes SO (source) as the last field of every record.

_NBIB_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) *- ?")
_NBIB_DOI = re.compile(r"(\S+) \[doi\]")


def iter_nbib(path: Path) -> Iterator[Record]:
    """PubMed's "citation manager" export; the DOI is the LID/AID value marked "[doi]" (other
    fields, such as CIN comments, cite other papers' DOIs)."""
    count, has_year = 0, False
    for start, fields in _nbib_records(path):
        count += 1
        has_year = has_year or "DP" in fields
        dois = [m.group(1) for tag in ("LID", "AID") for v in fields.get(tag, ())
                if (m := _NBIB_DOI.fullmatch(v))]
        yield new_record(
            year=parse_year(_first(fields, "DP"), path, start, "DP"),
            title=_first(fields, "TI") or "",
            doi=normalise_doi(dois[0]) if dois else None,
            source_database="PubMed",
            document_type=_first(fields, "PT"),
            accession=_first(fields, "PMID"),
            abstract=_first(fields, "AB"),
        )
    if count == 0:
        raise RecordFormatError(f"{path}: no PubMed/MEDLINE records found (expected 'PMID- ')")
    if not has_year:
        raise NoYearFieldError(path, [], "DP")


def _first(fields: dict[str, list[str]], tag: str) -> str | None:
    values = fields.get(tag)
    return values[0] if values else None


def _nbib_records(path: Path) -> Iterator[tuple[int, dict[str, list[str]]]]:
    """``(line of PMID, {tag: [values]})`` per record, streamed line by line."""
    start, fields, last, number, line = 0, {}, "", 0, "\n"
    with open_text(path, newline=None) as handle:
        try:
            for number, line in enumerate(handle, 1):  # noqa: B007 - used after the loop
                text = line.rstrip("\n")
                if not text.strip():
                    if not line.endswith("\n"):  # blanks cut off at the end: not a separator
                        break
                    if fields:
                        yield start, fields
                    fields, last = {}, ""
                elif text.startswith("      ") and fields:
                    fields[last][-1] += " " + text.strip()
                else:
                    last = _nbib_add(path, number, text, fields)
                    start = number if last == "PMID" else start
        except UnicodeDecodeError as error:
            raise decode_error(path, number + 1, handle, error) from None
    if fields:
        if last != "SO" or not line.endswith("\n"):
            raise RecordFormatError(
                f"{where(path, start)}: the last record ends without its complete SO line "
                "(PubMed writes SO last in every record): the file looks cut off"
            )
        yield start, fields


def _nbib_add(path: Path, number: int, text: str, fields: dict[str, list[str]]) -> str:
    """Add one tag line to the record being read; return its tag."""
    tag = _nbib_tag(path, number, text)
    if (tag == "PMID") == bool(fields):  # PMID opens a record, and only it
        expected = "a blank line between records" if fields else "a record to start with 'PMID- '"
        raise _nbib_error(path, number, text, expected)
    fields.setdefault(tag, []).append(text[_NBIB_TAG.match(text).end():].strip())
    return tag


def _nbib_tag(path: Path, number: int, text: str) -> str:
    match = _NBIB_TAG.match(text)
    if match is None or not (text[4:6] == "- " or text[4:] == "-"):
        raise _nbib_error(path, number, text, "a tag line such as 'DP  - 2020', a continuation "
                          "line of 6 spaces or a blank line")
    return match.group(1)


def _nbib_error(path: Path, number: int, text: str, expected: str) -> RecordFormatError:
    return RecordFormatError(
        f"{where(path, number)}: unexpected line {text.strip()[:60]!r} in PubMed/MEDLINE "
        f"(expected {expected})"
    )
