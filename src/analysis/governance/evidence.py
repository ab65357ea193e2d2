"""Interview excerpts quoted on slides 3.2–3.6 of the talk, and checks that they are verbatim.

The talk's text layer marks italics with ``*`` and bold with ``**``. ``text_fr_markup`` keeps
those marks exactly as in the text layer; ``text_fr`` is the same text with the marks removed
(the talk's words, ellipses, brackets and guillemets are kept). Arabic text is the talk's
DeepL translation, with the text layer's line breaks collapsed to single spaces.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import datapackage
from analysis.errors import DataError, where
from analysis.governance.labels import ARABIC_STATUS
from analysis.paths import PROCESS, Paths

RESOURCE = "evidence_excerpts"
ID_SEPARATOR = ";"


def strip_markup(text: str) -> str:
    """Remove the text layer's emphasis marks; the excerpts hold no literal asterisk."""
    return text.replace("*", "")


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def split_ids(cell: object) -> list[str]:
    """Excerpt ids of a ``;``-separated cell (empty or missing cell -> no ids)."""
    if cell is None or pd.isna(cell):
        return []
    return [part.strip() for part in str(cell).split(ID_SEPARATOR) if part.strip()]


def file_row(index: int) -> int:
    """File line of a DataFrame row read from a CSV with one header line and no multi-line
    cells (the convention of :func:`analysis.errors.where`: header = row 1)."""
    return int(index) + 2


def check_excerpts(frame: pd.DataFrame, path: Path | str) -> None:
    """Row-level consistency the schema cannot express, with file/row/column errors."""
    for index, row in frame.iterrows():
        at = file_row(index)
        code = row["respondent_code"]
        if row["case"] != code[0]:
            raise DataError(f"{where(path, at, 'case')}: case {row['case']!r} does not match "
                            f"respondent code {code!r} (expected {code[0]!r}, its first letter)")
        if row["excerpt_id"] != f"{code}@{row['slide']}":
            raise DataError(f"{where(path, at, 'excerpt_id')}: expected "
                            f"'{code}@{row['slide']}' (respondent code @ slide)")
        if row["text_fr"] != strip_markup(row["text_fr_markup"]):
            raise DataError(f"{where(path, at, 'text_fr')}: must equal text_fr_markup with "
                            "the '*' emphasis marks removed")
        has_ar = not pd.isna(row["text_ar"])
        if has_ar == (row["text_ar_status"] == "not available"):
            raise DataError(f"{where(path, at, 'text_ar_status')}: {row['text_ar_status']!r} "
                            f"but text_ar is {'present' if has_ar else 'empty'} (one of "
                            f"{', '.join(ARABIC_STATUS)}; 'not available' iff text_ar is empty)")


def load_excerpts(*, paths: Paths = PROCESS) -> pd.DataFrame:
    """The excerpts resource, checksum- and schema-checked, then row-checked."""
    frame = datapackage.load(RESOURCE, paths=paths)
    check_excerpts(frame, datapackage.resource_path(RESOURCE, paths=paths))
    return frame


def verbatim_problems(frame: pd.DataFrame, seed: str) -> list[str]:
    """Every way the excerpts differ from the talk's text layer (empty list = all verbatim).

    French must appear exactly (with its emphasis marks); Arabic after collapsing whitespace,
    since the text layer breaks Arabic lines mid-sentence; role and code as in the slide's
    ``Source : ROLE (CODE)`` line; the slide title as written.
    """
    flat_seed = normalise_space(seed)
    problems = []
    for _, row in frame.iterrows():
        key = row["excerpt_id"]
        if row["text_fr_markup"] not in seed:
            problems.append(f"{key}: French text not found verbatim in the seed")
        if not pd.isna(row["text_ar"]) and normalise_space(row["text_ar"]) not in flat_seed:
            problems.append(f"{key}: Arabic text not found in the seed")
        if f"Source : {row['role']} ({row['respondent_code']})" not in seed:
            problems.append(f"{key}: role/code line 'Source : {row['role']} "
                            f"({row['respondent_code']})' not in the seed")
        if f"{row['slide']}. {row['slide_title']}" not in seed:
            problems.append(f"{key}: slide heading '{row['slide']}. {row['slide_title']}' "
                            "not in the seed")
    return problems


def read_seed(*, paths: Paths = PROCESS) -> str:
    """The talk's text layer at ``paths.seed_talk`` (raises FileNotFoundError if it is absent)."""
    return paths.seed_talk.read_text(encoding="utf-8")
