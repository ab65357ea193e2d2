"""OpenAlex works: an API page (``{"meta": ..., "results": [...]}``), a JSON list of works, one
work, or JSON Lines (one work per line, as in the OpenAlex snapshot and ``jq -c`` output).

JSON documents are parsed whole (that is how they are written); JSONL streams line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from analysis.errors import where
from analysis.literature import records as rec
from analysis.literature.formats.textio import decode_error, open_text

_FIELDS_SAMPLE = 50


def iter_openalex_json(path: Path) -> Iterator[rec.Record]:
    path = Path(path)
    with open_text(path) as handle:
        try:
            text = handle.read()
            check_depth(text, str(path))
            document = json.loads(text)
        except UnicodeDecodeError as error:
            raise decode_error(path, 1, handle, error) from None
        except json.JSONDecodeError as error:
            raise rec.RecordFormatError(
                f"{where(path, error.lineno)}: malformed JSON ({error.msg}, column {error.colno})"
            ) from None
    works = _works_of(path, document)
    return _records(path, ((index + 1, work) for index, work in enumerate(works)), "work")


def iter_openalex_jsonl(path: Path) -> Iterator[rec.Record]:
    path = Path(path)
    return _records(path, _jsonl_works(path), "line")


def _works_of(path: Path, document: object) -> list[object]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        if isinstance(document.get("results"), list):
            return document["results"]
        if "id" in document or "publication_year" in document:
            return [document]
        keys = ", ".join(sorted(document)) or "(none)"
        raise rec.RecordFormatError(
            f"{path}: JSON object is neither an OpenAlex works page (no 'results' list) nor a "
            f"work; keys found: {keys}"
        )
    kind = type(document).__name__
    raise rec.RecordFormatError(f"{path}: expected a JSON object or a list of works, got {kind}")


def _jsonl_works(path: Path) -> Iterator[tuple[int, object]]:
    number = 0
    with open_text(path) as handle:
        try:
            for number, line in enumerate(handle, 1):  # noqa: B007 - used in messages
                if not line.strip():
                    continue
                check_depth(line, where(path, number))
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise rec.RecordFormatError(
                        f"{where(path, number)}: malformed JSON line ({error.msg}, "
                        f"column {error.colno})"
                    ) from None
        except UnicodeDecodeError as error:
            raise decode_error(path, number + 1, handle, error) from None


def _records(path: Path, works: Iterable[tuple[int, object]], unit: str) -> Iterator[rec.Record]:
    count, seen, has_year = 0, set(), False
    for number, work in works:
        if not isinstance(work, dict):
            raise rec.RecordFormatError(f"{path}, {unit} {number}: expected a JSON object (a work)")
        if count < _FIELDS_SAMPLE:
            seen.update(work)
        count += 1
        has_year = has_year or "publication_year" in work
        yield _record(path, number, unit, work)
    if count == 0:
        raise rec.RecordFormatError(f"{path}: no OpenAlex works found")
    if not has_year:
        raise rec.NoYearFieldError(path, sorted(seen), "publication_year")


def _record(path: Path, number: int, unit: str, work: dict) -> rec.Record:
    location = number if unit == "line" else None
    label = "publication_year" if unit == "line" else f"work {number}: publication_year"
    title = work.get("title") or work.get("display_name")
    identifier, kind = work.get("id"), work.get("type")
    return rec.new_record(
        year=rec.parse_year(work.get("publication_year"), path, location, label),
        title=rec.clean_text(title) if isinstance(title, str) else "",
        doi=rec.normalise_doi(work.get("doi")),
        source_database="OpenAlex",
        document_type=kind if isinstance(kind, str) and kind else None,
        accession=identifier.rsplit("/", 1)[-1] if isinstance(identifier, str) else None,
        abstract=_abstract(path, number, unit, work.get("abstract_inverted_index")),
    )


def _abstract(path: Path, number: int, unit: str, inverted: object) -> str | None:
    """OpenAlex ships abstracts as {word: [positions]}; put the words back in order."""
    if inverted is None or inverted == {}:
        return None
    if not isinstance(inverted, dict) or not all(
        isinstance(where_, list) and all(type(pos) is int for pos in where_)
        for where_ in inverted.values()
    ):
        raise rec.RecordFormatError(
            f"{path}, {unit} {number}: abstract_inverted_index is not {{word: [positions]}} "
            f"(got {_shape(inverted)})"
        )
    positions = [(pos, word) for word, where_ in inverted.items() for pos in where_]
    return " ".join(word for _, word in sorted(positions)) or None


def _shape(value: object) -> str:
    if isinstance(value, dict):
        inner = next((v for v in value.values() if not isinstance(v, list)), None)
        return f"a value of type {type(inner).__name__}" if inner is not None else "a bad position"
    return type(value).__name__


#: Deepest JSON read. An OpenAlex work nests 5 levels; Python's parser overflows its stack
#: (RecursionError) near 1,000, so deeper input is refused before it is parsed.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")


def check_depth(text: str, where_: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH: strip strings and everything but brackets
    (in C, through ``re``), then peel innermost pairs, one level per pass. Unbalanced brackets
    are left to the parser, which locates them."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(MAX_JSON_DEPTH):
        peeled = _EMPTY_PAIR.sub("", brackets)
        if peeled == brackets:
            return
        brackets = peeled
    if _EMPTY_PAIR.search(brackets):
        raise rec.RecordFormatError(
            f"{where_}: JSON nested more than {MAX_JSON_DEPTH} levels deep (an OpenAlex work "
            "nests 5)"
        )
