"""Validate the published facts after a hand edit and refresh their hash and bytes.

The facts are published numbers and claims about the growth of Smart City research, kept as
quoted data: ``data/literature/published_facts.csv`` holds one row per number or claim that
could be read in a primary source (a paper's abstract or figure caption, the thesis abstract,
the talk itself, the OpenAlex API), each with its citekey, location in that source, URL, quote
and, where there is one, its value. The per-year values of the Sharifi et al. (2021) and Allam
et al. (2022) figures are NOT published as text: their rows say "not available", and nothing in the
compendium estimates them.

Its descriptor (schema, sources, licence) is written by hand in ``data/datapackage.json``;
after a hand edit of the CSV this command validates the file and refreshes only the
resource's ``hash`` and ``bytes``, never the rest of the descriptor::

    python -m analysis.literature.facts
"""

from __future__ import annotations

import argparse

import pandas as pd

from analysis import cli, datapackage, i18n
from analysis.paths import PROCESS, Paths

RESOURCE = "literature_published_facts"
NOT_AVAILABLE, NOT_APPLICABLE = "not available", "not applicable"
#: The code reads these values; the descriptor's enums must list the same (tested).
TOPICS = ("literature_growth", "governance_framework", "openalex")
FIGURES = ("sharifi2021_fig1", "allam2022_fig2")
#: The provenance line written beside the facts figure and table of notebook 01.
SOURCE = ("data/literature/published_facts.csv (quotes from the papers' abstracts and figure "
          "captions, the thesis abstract and the talk; URL and location in each row)")


def load(*, paths: Paths = PROCESS) -> pd.DataFrame:
    """The facts table, checksum- and schema-verified."""
    return datapackage.load(RESOURCE, paths=paths)


def growth_facts(facts: pd.DataFrame | None = None, *, paths: Paths = PROCESS) -> pd.DataFrame:
    """Rows about the growth of the literature (what the facts panel of notebook 01 shows)."""
    facts = load(paths=paths) if facts is None else facts
    return facts[facts["topic"] == "literature_growth"].reset_index(drop=True)


def value_text(row: pd.Series, lang: str = "en") -> str:
    """``"> 10 fold ..."`` or the explicit non-value, for a table cell."""
    value = str(row["value"])
    if value == NOT_AVAILABLE:
        return i18n.gettext(lang, "not available")
    if value == NOT_APPLICABLE:
        return "—"
    comparator = "" if pd.isna(row["comparator"]) or row["comparator"] == "=" else \
        f"{row['comparator']} "
    unit = "" if pd.isna(row["unit"]) else f" {row['unit']}"
    return f"{comparator}{value}{unit}"


def period_text(row: pd.Series) -> str:
    """``1991–2015``, ``since 2015``-style span of a row's years ("" when it has none)."""
    start, end = row["year_from"], row["year_to"]
    if pd.isna(start) and pd.isna(end):
        return ""
    if pd.isna(end):
        return f"{int(start)}–"
    if pd.isna(start):
        return f"–{int(end)}"
    return f"{int(start)}" if start == end else f"{int(start)}–{int(end)}"


@cli.command()
def main(args: argparse.Namespace, paths: Paths) -> int:
    """After a hand edit of the CSV: validate it, then refresh only its hash and bytes."""
    datapackage.validate_schema(RESOURCE, paths=paths)
    print("\n".join(datapackage.refresh_checksums([RESOURCE], paths=paths))
          or f"{RESOURCE}: hash and bytes already match; descriptor unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
