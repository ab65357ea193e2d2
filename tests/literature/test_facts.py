"""published_facts.csv: every quote is found where it says it was read, every number of
SOURCES.md is recorded, and the unpublished per-year values stay 'not available'."""

from __future__ import annotations

import re

import pytest

from analysis import datapackage, paths
from analysis.literature import facts

SOURCES_MD = paths.SHARED / "references" / "SOURCES.md"
needs_shared = pytest.mark.skipif(not (SOURCES_MD.exists() and paths.SEED_TALK.exists()),
                                  reason="../shared (SOURCES.md, seed talk) is absent")


def squash(text: str) -> str:
    """Whitespace-normalised text without markdown emphasis (quotes span wrapped lines)."""
    return " ".join(text.replace("*", "").split())


@pytest.fixture(scope="module")
def table():
    return facts.load()


@needs_shared
def test_every_quote_is_found_where_it_was_read(table):
    texts = {"SOURCES.md": squash(SOURCES_MD.read_text(encoding="utf-8")),
             "seed talk": squash(paths.SEED_TALK.read_text(encoding="utf-8"))}
    for row in table.itertuples():
        assert squash(row.quote) in texts[row.read_in], f"{row.fact_id}: quote not in {row.read_in}"


@needs_shared
def test_verbatim_quotes_are_quotations_in_sources_md(table):
    text = squash(SOURCES_MD.read_text(encoding="utf-8"))
    for row in table[table.quote_verbatim & (table.read_in == "SOURCES.md")].itertuples():
        assert f'"{squash(row.quote)}"' in text, f"{row.fact_id}: not quoted in SOURCES.md"


@needs_shared
def test_every_number_of_sources_md_is_recorded(table):
    """Each number in a SOURCES.md statement (not in DOIs, URLs or identifiers) is in a row."""
    recorded = " ".join(" ".join(str(v) for v in row) for row in table.itertuples(index=False))
    missing = []
    for line in SOURCES_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):  # headings carry bibliographic data (volume, DOI)
            continue
        line = re.sub(r"https?://\S+|`[^`]*`|hal-\d+|s\d{6}|10\.\d+/\S+", " ", line)
        missing += [n for n in re.findall(r"\d+(?:\.\d+)?", line)
                    if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", recorded)]
    assert not missing, f"numbers of SOURCES.md without a row: {missing}"


def test_claims_tested_by_notebook_01_are_encoded_as_the_brief_says(table):
    row = table.set_index("fact_id").loc["frucquet2024these_tenfold"]
    assert (row.value, row.comparator, row.year_from, row.year_to) == ("10", ">", 2015, 2021)
    surge = table.set_index("fact_id").loc["frucquet2024eljadida_surge"]
    assert surge.year_from == 2015 and "depuis 2015" in surge.quote


def test_unpublished_per_year_values_are_not_available(table):
    by_id = table.set_index("fact_id")
    for fact_id in ("sharifi2021_fig1_caption", "allam2022_per_year_counts",
                    "allam2022_per_subperiod_counts"):
        assert by_id.loc[fact_id, "value"] == facts.NOT_AVAILABLE
    assert "not available" in by_id.loc["sharifi2021_fig1_caption", "note"].lower()


def test_citekeys_exist_in_references_bib(table):
    bib = paths.REFERENCES_BIB.read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.MULTILINE))
    used = set(table["citekey"].dropna())
    assert used and used <= keys, used - keys
    assert set(datapackage.cite_keys(facts.RESOURCE)) <= keys


def test_value_text_and_period_text(table):
    by_id = table.set_index("fact_id")
    assert facts.value_text(by_id.loc["frucquet2024these_tenfold"]) == \
        "> 10 fold (ratio of annual counts)"
    assert facts.value_text(by_id.loc["allam2022_per_year_counts"], "fr") == "non disponible"
    assert facts.period_text(by_id.loc["sharifi2021_period_1"]) == "1991–2015"
    assert facts.period_text(by_id.loc["sharifi2021_surge_from_2015"]) == "2015–"
    assert facts.growth_facts(table)["topic"].eq("literature_growth").all()
