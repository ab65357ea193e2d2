"""Published numbers and claims about the growth of Smart City research, as quoted data.

``data/literature/published_facts.csv`` holds one row per number or claim of
``../shared/references/SOURCES.md`` (and the two growth claims of the talk itself), each with
its citekey, location, URL, quote and, where there is one, its value. The per-year values of
the Sharifi et al. (2021) and Allam et al. (2022) figures are NOT published as text: their rows
say "not available", and nothing in the compendium estimates them.

    python -m analysis.literature.facts   # (re)register the file in data/datapackage.json
"""

from __future__ import annotations

import pandas as pd

from analysis import datapackage, i18n, paths

RESOURCE = "literature_published_facts"
FILE = paths.LITERATURE / "published_facts.csv"
NOT_AVAILABLE, NOT_APPLICABLE = "not available", "not applicable"
#: A value is a number, an ISO date, or one of the two explicit non-values.
VALUE_PATTERN = (r"^(-?[0-9]+(\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}|not available|"
                 r"not applicable)$")
TOPICS = ("literature_growth", "governance_framework", "openalex")
FIGURES = ("sharifi2021_fig1", "allam2022_fig2")


def load() -> pd.DataFrame:
    """The facts table, checksum- and schema-verified."""
    return datapackage.load(RESOURCE)


def growth_facts(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows about the growth of the literature (what the facts panel of notebook 01 shows)."""
    facts = load() if facts is None else facts
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


_FIELDS = [
    ("fact_id", "string", "stable identifier: <citekey or source>_<what>",
     {"required": True, "unique": True, "pattern": "^[a-z0-9_]+$"}),
    ("topic", "string", "literature_growth (notebook 01), governance_framework, or openalex",
     {"required": True, "enum": list(TOPICS)}),
    ("figure", "string", "published figure the fact is about: sharifi2021_fig1 (publications "
     "per year, Web of Science, 1991-early 2021), allam2022_fig2 ('Smart Urban Governance', "
     "1978-early 2022), or empty", {"enum": list(FIGURES)}),
    ("citekey", "string", "key in references.bib; empty for the OpenAlex API", {}),
    ("source", "string", "short human-readable source", {"required": True}),
    ("location", "string", "page, section, caption or 'not recorded in SOURCES.md'",
     {"required": True}),
    ("url", "string", "DOI link or URL of the source", {"required": True}),
    ("quote", "string", "the text the fact rests on, as written in read_in", {"required": True}),
    ("quote_verbatim", "boolean", "true: a quotation of the source itself (in quotation marks "
     "in SOURCES.md, or the talk's own text); false: SOURCES.md's summary wording",
     {"required": True}),
    ("read_in", "string", "where the quote was read: SOURCES.md (../shared/references) or the "
     "seed talk (../shared/seed)", {"required": True, "enum": ["SOURCES.md", "seed talk"]}),
    ("quantity", "string", "what the value is (corpus size, period boundary, fold change...)",
     {"required": True}),
    ("value", "string", "a number, an ISO date, 'not available' (a number exists but is not "
     "published as text) or 'not applicable' (the claim has no number)",
     {"required": True, "pattern": VALUE_PATTERN}),
    ("comparator", "string", "how the value bounds the quantity: =, > or empty",
     {"enum": ["=", ">", "<", ">=", "<="]}),
    ("unit", "string", "unit of the value", {}),
    ("year_from", "integer", "first year the fact refers to (empty if none)", {}),
    ("year_to", "integer", "last year the fact refers to (empty if none)", {}),
    ("note", "string", "caveats: partial years, inconsistencies, what is missing", {}),
]


def resource_entry() -> dict:
    """Descriptor entry (without hash) of the facts table."""
    fields = [{"name": n, "type": t, "description": d, **({"constraints": c} if c else {})}
              for n, t, d, c in _FIELDS]
    return {
        "name": RESOURCE,
        "path": "literature/published_facts.csv",
        "title": "Published numbers and claims on the growth of Smart City research",
        "description": (
            "One row per number or claim of ../shared/references/SOURCES.md (numbers and "
            "statements read verbatim on public pages) and per growth claim of the talk. The "
            "per-year values of Sharifi et al. (2021, Figure 1) and Allam et al. (2022, "
            "Figure 2) are not available as text and are recorded as 'not available'."),
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": ["fact_id"], "missingValues": [""]},
        "sources": [
            {"title": "Sharifi, Allam, Feizizadeh & Ghamari (2021), Three Decades of Research "
                      "on Smart Cities", "citekey": "sharifi2021three",
             "doi": "10.3390/su13137140", "page": "abstract; Figure 1"},
            {"title": "Allam, Sharifi, Bibri & Chabaud (2022), Emerging Trends and Knowledge "
                      "Structures of Smart Urban Governance", "citekey": "allam2022emerging",
             "doi": "10.3390/su14095275", "page": "abstract; Figure 2 (p. 8)"},
            {"title": "Frucquet (2024), thesis abstract", "citekey": "frucquet2024these",
             "path": "https://theses.fr/s342301"},
            {"title": "Frucquet et al., Smart City et mutations urbaines (HAL hal-04858902)",
             "citekey": "frucquet2024mutations",
             "path": "https://econpapers.repec.org/paper/haljournl/hal-04858902.htm"},
            {"title": "Frucquet (2024), El Jadida talk (HAL hal-04618370), sections 1.1 and 1.5",
             "citekey": "frucquet2024eljadida",
             "path": "https://univ-pau.hal.science/hal-04618370v1"},
            {"title": "Frucquet, Carassus, Chabaud & Marin (2023), Gestion et management public",
             "citekey": "frucquet2023gmp", "doi": "10.3917/gmp.pr1.0004", "page": "abstract"},
            {"title": "Carassus & Baldé (2020), Finance Contrôle Stratégie (HAL hal-02404770)",
             "citekey": "carassus2020gouvernance",
             "path": "https://journals.openedition.org/fcs/3990"},
            {"title": "OpenAlex API (works, group_by=publication_year)",
             "path": "https://api.openalex.org"},
            {"title": "Verified published facts of the workplace (../shared/references/"
                      "SOURCES.md)", "path": "../shared/references/SOURCES.md"},
        ],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Compendium authors' encoding; quotations remain their authors' "
                               "(short quotations for scholarly purposes)"}],
    }


def main() -> int:
    from analysis.literature.corpus import upsert_resources

    changed = upsert_resources([resource_entry()])
    print(f"{RESOURCE}: " + ("descriptor updated" if changed else "descriptor unchanged"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
