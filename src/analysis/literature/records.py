"""The normalised record every importer yields, and the normalisations dedupe relies on.

One small frozen dataclass for all formats keeps counting and de-duplication independent of
where a record came from; per-format quirks stay in the readers (``analysis.literature.formats``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime
from urllib.parse import unquote

from analysis.errors import DataError, where

#: Plausible publication years; anything else (e.g. "0", "9999", a page number) is an error.
YEAR_MIN, YEAR_MAX = 1000, 2100

_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DOI_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+")
_NON_WORD_RE = re.compile(r"[\W_]+")
_EID_RE = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_TEX_ESCAPE = re.compile(r"\\([_&%#$~^{}])")


@dataclass(frozen=True, slots=True)
class Record:
    """One bibliographic record, normalised across export formats.

    ``doi`` is normalised (see :func:`normalise_doi`); ``title`` is ``""`` when the export has
    none; ``source_database`` and ``document_type`` keep the exporter's wording ("Web of
    Science", "Article", "JOUR", "journalArticle"; the OpenAlex snapshot bench filters on the
    type); ``accession`` is the database's own record number (WoS ``UT``, Scopus ``EID``, PubMed
    ``PMID``, Dimensions publication ID, OpenAlex work ID): two records of one database with
    different accession numbers are two publications even when they share a DOI, which WoS
    does give distinct records (see :mod:`analysis.literature.dedupe`).
    """

    year: int | None
    title: str
    doi: str | None
    source_database: str | None
    document_type: str | None = None
    accession: str | None = None
    abstract: str | None = None


_SET = tuple(vars(Record)[f.name].__set__ for f in fields(Record))
_NEW = object.__new__


def new_record(
    year: int | None, title: str, doi: str | None, source_database: str | None,
    document_type: str | None = None, accession: str | None = None, abstract: str | None = None,
) -> Record:
    """``Record(...)`` for the streaming readers' hot loops, about 3 times cheaper.

    A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``
    (~3 us per record, a sixth of the 50k records/s budget); this sets the same slots through
    their descriptors. The result is an ordinary, still frozen ``Record``; a test checks that
    this signature follows the dataclass fields.
    """
    record = _NEW(Record)
    s_year, s_title, s_doi, s_database, s_type, s_accession, s_abstract = _SET
    s_year(record, year)
    s_title(record, title)
    s_doi(record, doi)
    s_database(record, source_database)
    s_type(record, document_type)
    s_accession(record, accession)
    s_abstract(record, abstract)
    return record


class RecordFormatError(DataError):
    """A file (or one record in it) does not match the format it was read as."""


class NoYearFieldError(RecordFormatError):
    """The file has no usable year column or field; ``fields`` lists what it does have."""

    def __init__(self, path: object, fields: list[str], expected: str) -> None:
        self.path = str(path)
        self.fields = list(fields)
        shown = _shown(self.fields)
        super().__init__(
            f"{path}: no usable year column or field (expected one of: {expected}). "
            f"Columns/fields found: {shown}"
        )


def _shown(names: list[str], most: int = 25, width: int = 40) -> str:
    """A readable list of column names: a Dimensions preamble read as a header is one 700-character
    "column", and a wide export has hundreds, so each is cut and the list is capped."""
    if not names:
        return "(none)"
    cut = [name if len(name) <= width else name[: width - 1] + "…" for name in names[:most]]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(cut) + more


def normalise_doi(value: object) -> str | None:
    """``10.xxxx/...`` in lower case, without ``https://doi.org/``, ``doi:`` or URL wrapping.

    Returns None when the value holds no DOI at all, so junk such as "n/a" never merges records.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if "%" in text:  # Scopus links carry the DOI URL-encoded ("10.1145%2f2342509")
        text = unquote(text)
    if "\\" in text:  # WoS BibTeX escapes TeX specials: 10.1162/grey\_a\_00389
        text = _TEX_ESCAPE.sub(r"\1", text)
    match = _DOI_RE.search(text)
    if not match:
        return None
    return match.group(0).rstrip(".,;").lower()


def scopus_eid(url: object) -> str | None:
    """Scopus's record number from its record links (``...record.uri?eid=2-s2.0-85...``)."""
    match = _EID_RE.search(str(url or ""))
    return match.group(1) if match else None


def normalise_title(title: str) -> str:
    """Case-, accent-, brace- and punctuation-insensitive title key for duplicate detection."""
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD_RE.sub(" ", text).strip()


def parse_year(value: object, path: object, line: int | None, column: str) -> int | None:
    """Year from a field value ("2019", "2019///", "2019-05-01", 2019.0, a date), None if empty.

    A non-empty value that holds no plausible year is an error naming file, line and field:
    silently dropping it would change the counts without anyone noticing.
    """
    if value is None:
        return None
    if type(value) is str and len(value) == 4 and value.isdigit():  # the common case, fast
        year = int(value)
        if YEAR_MIN <= year <= YEAR_MAX:
            return year
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and YEAR_MIN <= int(value) <= YEAR_MAX:
            return int(value)
        raise RecordFormatError(f"{where(path, line, column)}: {value!r} is not a year")
    text = str(value).strip().strip("{}").strip()
    if not text:
        return None
    for match in _YEAR_RE.finditer(text):
        year = int(match.group(1))
        if YEAR_MIN <= year <= YEAR_MAX:
            return year
    raise RecordFormatError(
        f"{where(path, line, column)}: {text[:60]!r} holds no year (expected a 4-digit year)"
    )


def clean_text(value: object) -> str:
    """Collapse whitespace (exports wrap long titles over lines); ``""`` for a missing value."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        return " ".join(text.split())
    return text.strip()


def optional_text(value: object) -> str | None:
    return clean_text(value) or None


