"""published_facts.csv is the authority: each row names its primary source (URL, place in it,
kind of text), its quotes agree with each other and with references.bib, the talk's quotes are
the talk's words, and the unpublished per-year values stay 'not available'."""

from __future__ import annotations

import json
import re

import pytest

from analysis import datapackage
from analysis.fileio import sha256_file
from analysis.literature import facts, plots
from analysis.paths import PROCESS

TALK_URL = "https://univ-pau.hal.science/hal-04618370v1"
#: What a row's location must say for each kind of text its quote stands in.
LOCATION_OF = {"abstract": "abstract", "figure caption": "caption", "talk text": "section"}


def squash(text: str) -> str:
    """Whitespace-normalised text without markdown emphasis (quotes span wrapped lines)."""
    return " ".join(text.replace("*", "").split())


@pytest.fixture(scope="module")
def table():
    return facts.load()


def bib_locators() -> dict[str, str]:
    """Each references.bib entry's primary URL: its DOI link, else its url field."""
    text = PROCESS.references_bib.read_text(encoding="utf-8")
    found = {}
    for key, body in re.findall(r"^@\w+\{([^,]+),(.*?)^\}", text, flags=re.M | re.S):
        doi = re.search(r"^\s*doi\s*=\s*\{([^}]+)\}", body, flags=re.M)
        url = re.search(r"^\s*url\s*=\s*\{([^}]+)\}", body, flags=re.M)
        if doi or url:
            found[key] = f"https://doi.org/{doi.group(1)}" if doi else url.group(1)
    return found


def test_every_location_is_of_the_kind_of_text_its_quote_stands_in(table):
    for row in table.itertuples():
        if row.read_in in LOCATION_OF:
            assert LOCATION_OF[row.read_in] in row.location.lower(), row.fact_id
        elif row.read_in == "source page":  # only the page is known, not the place in it
            assert row.location == facts.NOT_AVAILABLE, row.fact_id
        else:
            assert row.read_in == "compendium" and not row.quote_verbatim, row.fact_id


def test_every_url_is_the_doi_or_url_of_the_cited_entry(table):
    locators = bib_locators()
    for row in table[table.citekey.notna()].itertuples():
        assert row.url == locators[row.citekey], f"{row.fact_id}: {row.url}"
    assert table[table.citekey.isna()].url.str.startswith("https://api.openalex.org").all()


def test_a_caption_is_quoted_complete_and_every_other_quote_of_it_is_part_of_it(table):
    captions = table[table.read_in == "figure caption"]
    assert len(captions) >= 2
    for _, group in captions.groupby(["citekey", "location"]):
        assert group.quote_verbatim.all()
        complete = max(group.quote, key=len)
        assert all(quote in complete for quote in group.quote)
    caption = table.set_index("fact_id").loc["sharifi2021_fig1_caption", "quote"]
    assert caption.startswith("The number of articles published per year.")
    assert "early 2021" in caption and caption.endswith("following years.")


def test_talk_quotes_are_the_talk_at_its_hal_url(table):
    talk = table[table.read_in == "talk text"]
    assert len(talk) >= 3 and talk.quote_verbatim.all()
    assert (talk.url == TALK_URL).all() and (talk.citekey == "frucquet2024eljadida").all()


@pytest.mark.skipif(not PROCESS.seed_talk.exists(),
                    reason=f"the talk's text layer is absent ({PROCESS.seed_talk})")
def test_talk_quotes_are_verbatim_in_the_talk_text(table):
    seed = squash(PROCESS.seed_talk.read_text(encoding="utf-8"))
    for row in table[table.read_in == "talk text"].itertuples():
        assert squash(row.quote) in seed, f"{row.fact_id}: quote not in the talk's text layer"


def test_the_descriptor_lists_the_values_the_code_reads():
    fields = {f["name"]: f for f in datapackage.resource(facts.RESOURCE)["schema"]["fields"]}
    assert fields["topic"]["constraints"]["enum"] == list(facts.TOPICS)
    assert fields["figure"]["constraints"]["enum"] == list(facts.FIGURES)
    assert fields["read_in"]["constraints"]["enum"] == list(plots.SUMMARY_LABEL)


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
    bib = PROCESS.references_bib.read_text(encoding="utf-8")
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


# --- the descriptor is written by hand; the command refreshes only hash and bytes -----------

def edit_descriptor(data) -> dict:
    """Hand-edit the facts resource's description; return the edited descriptor."""
    path = data / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    entry = next(r for r in descriptor["resources"] if r["name"] == facts.RESOURCE)
    entry["description"] = "a description edited by hand"
    entry["schema"]["fields"][-1]["description"] = "a field description edited by hand"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return descriptor


def test_the_facts_command_keeps_a_hand_edit_and_says_which_hash_it_updated(package_paths,
                                                                              capsys):
    package_copy = package_paths.data
    descriptor = edit_descriptor(package_copy)
    csv = package_copy / "literature" / "published_facts.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("The corpus starts in 1991.",
                                                           "The corpus starts in 1991 (edited)."),
                   encoding="utf-8")

    assert facts.main([], package_paths) == 0

    out = capsys.readouterr().out
    assert out.startswith(f"{facts.RESOURCE}: updated hash sha256:") and "bytes " in out
    entry = next(r for r in descriptor["resources"] if r["name"] == facts.RESOURCE)
    entry["hash"], entry["bytes"] = f"sha256:{sha256_file(csv)}", csv.stat().st_size
    assert json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8")) == descriptor


def test_the_facts_command_rewrites_nothing_when_hash_and_bytes_match(package_paths, capsys):
    package_copy = package_paths.data
    edit_descriptor(package_copy)
    before = (package_copy / "datapackage.json").read_bytes()
    assert facts.main([], package_paths) == 0
    assert "hash and bytes already match" in capsys.readouterr().out
    assert (package_copy / "datapackage.json").read_bytes() == before


def test_a_facts_edit_that_breaks_the_schema_is_located_and_not_hashed(package_paths, capsys):
    package_copy = package_paths.data
    csv = package_copy / "literature" / "published_facts.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",true,abstract,", ",true,SOURCES,", 1),
                   encoding="utf-8")
    before = (package_copy / "datapackage.json").read_bytes()
    assert facts.main([], package_paths) == 1
    err = capsys.readouterr().err
    assert "published_facts.csv" in err and "read_in" in err and "Traceback" not in err
    assert (package_copy / "datapackage.json").read_bytes() == before
