"""BibTeX exports (Web of Science, Scopus, ScienceDirect, reference managers).

Two engines produce the same records:

- ``full``: bibtexparser 2.x. Full BibTeX fidelity (its own splitter, ``@string`` resolution,
  error blocks), but it holds the whole library in memory: about 4k entries/s and 12 KB per
  entry, so a 50k-entry export takes ~13 s and ~0.6 GB.
- ``fast``: a streaming reader written here. It cuts the file into entries by brace depth, line
  by line, then scans each entry's fields with a few regular expressions. It resolves
  ``@string`` macros and ``#`` concatenation, skips ``@comment``/``@preamble``, and keeps one
  entry in memory at a time. It does not accept entries delimited by ``( )`` (no export we know
  writes them; the full engine does).

``auto`` (the default) uses ``full`` for files up to :data:`FULL_ENGINE_MAX_BYTES` and ``fast``
above, so small files get full fidelity and large exports stay fast and flat in memory. The
benchmark (``python -m analysis.bench importers``) reports both side by side.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import where
from analysis.literature.formats.textio import decode_error, open_text
from analysis.literature.records import (
    NoYearFieldError,
    Record,
    RecordFormatError,
    clean_text,
    new_record,
    normalise_doi,
    parse_year,
    scopus_eid,
)

#: Above this size ``engine="auto"`` streams with the fast engine (bibtexparser would need
#: roughly 3-4 times the file size per 1 KB entry and about 1 s per 4,000 entries).
FULL_ENGINE_MAX_BYTES = 4 * 1024 * 1024
ENGINES = ("auto", "full", "fast")

_FIELDS_SAMPLE = 50
_SKIPPED_TYPES = frozenset({"comment", "preamble"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

Entry = tuple[int, str, dict[str, str]]  # (start line, entry type, {lower-case field: value})


def iter_bibtex(path: Path, engine: str = "auto") -> Iterator[Record]:
    path = Path(path)
    if engine not in ENGINES:
        raise RecordFormatError(f"unknown BibTeX engine {engine!r}; expected one of {ENGINES}")
    if engine == "auto":
        engine = "full" if path.stat().st_size <= FULL_ENGINE_MAX_BYTES else "fast"
        entries = _full_or_fast(path) if engine == "full" else _fast_entries(path)
    else:
        entries = _full_entries(path) if engine == "full" else _fast_entries(path)
    return _records(path, entries, _database_hint(path))


def _full_or_fast(path: Path) -> Iterator[Entry]:
    """bibtexparser's entries, or the streaming engine's when bibtexparser rejects an entry that
    the streaming engine reads (WoS wraps long lines inside TeX escapes, splitting ``\\}``).
    bibtexparser parses the whole file before the first entry comes out, so nothing is
    yielded twice; a file neither engine reads gets the streaming engine's located error."""
    try:
        entries = list(_full_entries(path))
    except _FullEngineRejected as rejected:
        fast = list(_fast_entries(path))  # raises its own located error if it cannot read it
        print(f"note: {rejected}; read with the streaming BibTeX engine instead",
              file=sys.stderr)
        entries = fast
    yield from entries


# --- entries -> records (shared by both engines) ------------------------------------------------


def _records(path: Path, entries: Iterator[Entry], hint: str | None) -> Iterator[Record]:
    count, seen, has_year = 0, set(), False
    for start, entry_type, fields in entries:
        if count < _FIELDS_SAMPLE:
            seen.update(fields)
        count += 1
        year_field = "year" if "year" in fields else "date"
        has_year = has_year or year_field in fields
        yield new_record(
            year=parse_year(fields.get(year_field), path, start, year_field),
            title=_text(fields.get("title")),
            doi=normalise_doi(fields.get("doi")),
            source_database=_database(fields) or hint,
            document_type=_text(fields.get("type")) or entry_type,
            accession=_text(fields.get("unique-id")) or scopus_eid(fields.get("url")),
            abstract=_text(fields.get("abstract")) or None,
        )
    if count == 0:
        raise RecordFormatError(f"{path}: no BibTeX entries found")
    if not has_year:
        raise NoYearFieldError(path, sorted(seen), "year or date")


def _text(value: str | None) -> str:
    """Drop BibTeX protection braces (WoS writes ``{{Title}}``) and collapse whitespace."""
    if not value:
        return ""
    return clean_text(value.replace("{", "").replace("}", ""))


def _database(fields: dict[str, str]) -> str | None:
    """Which database exported this entry, from the fields each one writes."""
    if _text(fields.get("source")).lower() == "scopus":
        return "Scopus"
    if "web-of-science-categories" in fields or _text(fields.get("unique-id")).startswith("WOS:"):
        return "Web of Science"
    url = fields.get("url", "")
    if "sciencedirect.com" in url:
        return "ScienceDirect"
    if "scopus.com" in url:
        return "Scopus"
    return None


def _database_hint(path: Path) -> str | None:
    """Scopus starts its BibTeX exports with a line "Scopus" (then "EXPORT DATE: ...")."""
    with open(path, "rb") as handle:
        head = handle.read(256).decode("utf-8-sig", errors="replace")
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return "Scopus" if first == "Scopus" else None


# --- full engine: bibtexparser ------------------------------------------------------------------


class _FullEngineRejected(RecordFormatError):
    """bibtexparser could not read an entry (the streaming engine may still read it)."""


def _full_entries(path: Path) -> Iterator[Entry]:
    import bibtexparser  # imported here: the fast path and other formats never pay for it
    from bibtexparser.model import DuplicateBlockKeyBlock, ImplicitComment, ParsingFailedBlock
    from bibtexparser.model import Entry as BibEntry

    with open_text(path) as handle:
        try:
            text = handle.read()
        except UnicodeDecodeError as error:
            raise decode_error(path, 1, handle, error) from None
    logger = logging.getLogger("bibtexparser.splitter")
    logger.disabled = True  # it logs a multi-line report of each failure; ours is one line
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.disabled = False
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            # Exports reuse citation keys ("Smith2020"); the entry is still a record, but
            # bibtexparser leaves it raw, so run the default middlewares on it here.
            block = _apply_parse_stack(library, block.ignore_error_block)
        elif isinstance(block, ParsingFailedBlock):
            detail = " ".join(str(block.error).split()) or "bibtexparser could not read it"
            raise _FullEngineRejected(
                f"{where(path, (block.start_line or 0) + 1)}: malformed BibTeX entry "
                f"({detail[:120]}); check its braces, quotes and commas"
            )
        elif isinstance(block, ImplicitComment):
            try:  # bibtexparser treats \{ as escaped, BibTeX (and the fast engine) count it
                check_outside(path, block.comment, (block.start_line or 0) + 1)
            except RecordFormatError as error:
                raise _FullEngineRejected(str(error)) from None
        if isinstance(block, BibEntry):
            fields = {key.lower(): str(field.value) for key, field in block.fields_dict.items()}
            yield (block.start_line or 0) + 1, block.entry_type.lower(), fields


def check_outside(path: Path, text: str, line: int) -> None:
    """Text between entries is a comment in BibTeX, but in an export it is a header ("Scopus",
    "EXPORT DATE: ...") or blank: an ``@`` line that starts no entry is an entry cut off
    (``@Articl``), and braces are an entry that lost its ``@``. Either would silently drop a
    record, so both are errors. Lines starting with ``%`` are comments."""
    for offset, content in enumerate(text.split("\n")):
        stripped = content.strip()
        if not stripped or stripped.startswith("%"):
            continue
        if stripped.startswith("@"):
            raise RecordFormatError(
                f"{where(path, line + offset)}: {stripped[:40]!r} starts no entry (expected "
                "'@type{key,'): the entry is cut off or damaged"
            )
        if _BRACES.search(stripped):
            raise RecordFormatError(
                f"{where(path, line + offset)}: text outside any entry looks like part of one "
                f"({stripped[:40]!r}): an entry without its '@type{{', or an extra brace?"
            )


def _apply_parse_stack(library: object, entry: object) -> object:
    from bibtexparser import Library
    from bibtexparser.middlewares.parsestack import default_parse_stack

    single = Library([*library.strings, entry])
    for middleware in default_parse_stack():
        single = middleware.transform(single)
    return single.entries[0] if single.entries else entry


# --- fast engine: streaming --------------------------------------------------------------------

BLOCK_CHARS = 1 << 20
_ENTRY_START = re.compile(r"\n[ \t]*@[ \t]*([A-Za-z]+)[ \t]*([{(])")
_HEAD = re.compile(r"\s*@\s*([A-Za-z]+)\s*\{\s*")
_KEY = re.compile(r"([^,{}]*),")  # Scopus writes keys with spaces: "De Benedictis2025"
# The common entry: every value is ``{...}`` (braces nested at most twice, as in WoS's
# ``{{Title with {IoT}}}``), ``"..."`` or a bare number/macro, no ``#``. ``_BODY`` checks that
# shape for the whole entry in one match, then ``_SIMPLE_FIELDS.findall`` extracts every field
# in one call; anything else (or a duplicate field) goes through the general scanner below.
_VALUE = (r'(?:\{[^{}]*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}[^{}]*)*\}'
          r'|"[^"{}]*(?:\{[^{}]*\}[^"{}]*)*"|[A-Za-z0-9_.:+/\-]+)')
_ONE_FIELD = rf'\s*[^\s=,{{}}"#]+\s*=\s*{_VALUE}\s*'
_BODY = re.compile(rf"(?:{_ONE_FIELD},)*(?:{_ONE_FIELD})?\s*\}}")
_SIMPLE_FIELDS = re.compile(rf'\s*([^\s=,{{}}"#]+)\s*=\s*({_VALUE})\s*[,}}]')
_FIELD = re.compile(r"\s*([^\s=,{}\"#]+)\s*=\s*")
_BARE = re.compile(r"[^\s,{}\"#]+")
_SPACE = re.compile(r"\s*")
_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACES = re.compile(r'[{}"]')


def _fast_entries(path: Path) -> Iterator[Entry]:
    macros = {month: month for month in _MONTHS}
    for start, text, next_start in _entry_texts(path):
        entry = _EntryParser(path, start, text, macros, next_start).parse()
        if entry is not None:
            yield entry


def _entry_texts(path: Path) -> Iterator[tuple[int, str, int | None]]:
    """``(line, text, line of the next entry or None)`` per entry, cut at lines starting with
    ``@type{``; text after an entry's closing brace is a comment (as in BibTeX). Reads 1 MiB
    blocks and cuts them with one regular expression: no per-line Python loop."""
    line, pending = 0, "\n"  # line: number of the line that text[0] (a newline) ends
    with open_text(path, newline=None) as handle:
        try:
            while block := handle.read(BLOCK_CHARS):
                entries, pending, line = _cut(path, pending + block, line, final=False)
                yield from entries
        except UnicodeDecodeError as error:
            raise decode_error(path, line + pending.count("\n") + 1, handle, error) from None
    entries, _, _ = _cut(path, pending + "\n", line, final=True)
    yield from entries


def _cut(
    path: Path, text: str, line: int, final: bool
) -> tuple[list[tuple[int, str, int | None]], str, int]:
    """Complete entries of ``text``, the unfinished tail, and the line its first newline ends."""
    entries: list[tuple[int, str, int | None]] = []
    previous, previous_line, cursor, first_line = None, line, 0, line
    for match in _ENTRY_START.finditer(text):
        here = match.start()
        line += text.count("\n", cursor, here)
        cursor = here
        if match.group(2) == "(":
            raise RecordFormatError(
                f"{where(path, line + 1)}: entry delimited by '( )'; the fast BibTeX engine "
                "reads '{ }' only: use --bibtex-engine full"
            )
        if previous is not None:
            entries.append((previous_line + 1, text[previous + 1 : here], line + 1))
        else:  # the text before the first entry of this block (the file's header, if any)
            check_outside(path, text[:here], first_line)
        previous, previous_line = here, line
    if previous is None:  # comment text only: keep its last line, which may start an entry
        tail = text.rfind("\n")
        if final:
            tail = len(text)
        check_outside(path, text[:tail], first_line)
        return entries, text[tail:], line + text.count("\n", cursor, tail)
    if final:
        entries.append((previous_line + 1, text[previous + 1 :], None))
    return entries, text[previous:], previous_line


class _EntryParser:
    """Scan one entry's text: ``@type{key, name = value, ...}``."""

    def __init__(self, path: Path, start: int, text: str, macros: dict[str, str],
                 next_start: int | None) -> None:
        self.path, self.start, self.text, self.macros = path, start, text, macros
        self.next_start = next_start

    def error(self, pos: int, what: str) -> RecordFormatError:
        if pos >= len(self.text.rstrip()):  # ran off the end: the entry never closed
            after = (f"before the next entry starts on line {self.next_start}"
                     if self.next_start else "at the end of the file")
            return RecordFormatError(
                f"{where(self.path, self.start)}: entry is not closed (unbalanced braces or "
                f"quotes) {after}"
            )
        line = self.start + self.text.count("\n", 0, pos)
        return RecordFormatError(f"{where(self.path, line)}: malformed BibTeX entry: {what}")

    def parse(self) -> Entry | None:
        head = _HEAD.match(self.text)
        if head is None:
            raise self.error(0, "expected '@type{'")
        entry_type, pos = head.group(1).lower(), head.end()
        if entry_type in _SKIPPED_TYPES:
            return None
        if entry_type == "string":
            fields, end = self.fields(pos)
            self.check_after(end)
            self.macros.update({name: value for name, value in fields.items()})
            return None
        key = _KEY.match(self.text, pos)
        if key is None:
            raise self.error(pos, "expected a citation key followed by ','")
        fields, end = self.fields(key.end())
        self.check_after(end)
        return self.start, entry_type, fields

    def check_after(self, end: int) -> None:
        """The text between this entry's closing brace and the next entry (see check_outside)."""
        check_outside(self.path, self.text[end:], self.start + self.text.count("\n", 0, end))

    def fields(self, pos: int) -> tuple[dict[str, str], int]:
        body = _BODY.match(self.text, pos)
        if body is not None:
            fields = self.simple_fields(pos, body.end())
            if fields is not None:
                return fields, body.end()
        return self.scan_fields(pos)

    def simple_fields(self, pos: int, end: int) -> dict[str, str] | None:
        """Fields of an entry of the common shape; None if a field repeats (scan_fields then
        reports it with its line)."""
        fields, macros = {}, self.macros
        for name, raw in _SIMPLE_FIELDS.findall(self.text, pos, end):
            name = name.lower()
            if name in fields:
                return None
            if raw[0] in '{"':
                fields[name] = raw[1:-1]
            else:
                fields[name] = raw if raw.isdigit() else macros.get(raw.lower(), raw)
        return fields

    def scan_fields(self, pos: int) -> tuple[dict[str, str], int]:
        text, fields = self.text, {}
        while True:
            pos = _SPACE.match(text, pos).end()
            if text.startswith("}", pos):
                return fields, pos + 1
            match = _FIELD.match(text, pos)
            if match is None:
                raise self.error(pos, f"expected 'name = value' or '}}' at {text[pos:pos + 30]!r}")
            name = match.group(1).lower()
            value, end = self.value(match.end())
            self.add(fields, name, value, pos)
            pos = _SPACE.match(text, end).end()
            if text.startswith(",", pos):
                pos += 1
            elif not text.startswith("}", pos):
                raise self.error(pos, f"expected ',' or '}}' after field '{name}'")

    def add(self, fields: dict[str, str], name: str, value: str, pos: int) -> None:
        if name in fields:
            raise self.error(pos, f"field '{name}' appears twice")
        fields[name] = value

    def value(self, pos: int) -> tuple[str, int]:
        """A value: ``{...}``, ``"..."``, a number or a macro, joined by ``#``."""
        text, parts = self.text, []
        while True:
            char = text[pos : pos + 1]
            if char == "{":
                end = self.closing(pos, _BRACES)
                parts.append(text[pos + 1 : end])
                pos = end + 1
            elif char == '"':
                end = self.closing(pos, _QUOTE_OR_BRACES)
                parts.append(text[pos + 1 : end])
                pos = end + 1
            else:
                bare = _BARE.match(text, pos)
                if bare is None:
                    raise self.error(pos, "expected a value")
                token = bare.group(0)
                parts.append(token if token.isdigit() else self.macros.get(token.lower(), token))
                pos = bare.end()
            pos = _SPACE.match(text, pos).end()
            if not text.startswith("#", pos):
                return "".join(parts), pos
            pos = _SPACE.match(text, pos + 1).end()

    def closing(self, pos: int, tokens: re.Pattern[str]) -> int:
        """Index of the brace or quote closing the one at ``pos`` (braces nest inside both)."""
        depth = 0
        for match in tokens.finditer(self.text, pos + 1):
            char = match.group(0)
            if char == "{":
                depth += 1
            elif depth > 0 and char == "}":
                depth -= 1
            elif depth == 0:  # the closing '}' of a braced value or '"' of a quoted one
                return match.start()
        raise self.error(len(self.text), "value is not closed")
