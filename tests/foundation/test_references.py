"""references.bib parses, and every cite key used by the notebooks and the data resolves."""

from __future__ import annotations

import csv
import json
import re

import bibtexparser
import pytest

from analysis import datapackage
from analysis.paths import PROCESS

CITATION = re.compile(r"@([A-Za-z][\w:-]*[A-Za-z0-9])")
BRACKETED = re.compile(r"\[([^\]]*@[^\]]*)\]")


class FieldStub:
    value = ""


@pytest.fixture(scope="module")
def library():
    return bibtexparser.parse_file(str(PROCESS.references_bib))


def notebook_keys() -> dict[str, set[str]]:
    """Pandoc-style citations ``[@key]`` / ``[@a; @b]`` in the notebooks' markdown cells."""
    found = {}
    for nb_path in sorted(PROCESS.notebooks.glob("*.ipynb")):
        cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        found[nb_path.name] = {k for group in BRACKETED.findall(text)
                               for k in CITATION.findall(group)}
    return found


def data_keys() -> dict[str, set[str]]:
    """Keys in datapackage sources and in every data column whose name mentions a citekey."""
    found = {"datapackage.json": {s["citekey"] for r in datapackage.read_descriptor()["resources"]
                                  for s in r.get("sources", []) if s.get("citekey")}}
    for csv_path in sorted(PROCESS.data.rglob("*.csv")):
        with open(csv_path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        keys = {k.strip() for row in rows for col, value in row.items()
                if col and "citekey" in col and value for k in value.split(";")}
        found[csv_path.relative_to(PROCESS.data).as_posix()] = keys - {"not available"}
    return found


def test_bibliography_parses_without_failed_blocks(library):
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(keys)), "duplicate keys"
    assert len(keys) >= 25


def test_every_cite_key_resolves(library):
    known = {entry.key for entry in library.entries}
    used = {**notebook_keys(), **data_keys()}
    assert any(used.values()), "no citations found at all: the scan is broken"
    unresolved = {where: sorted(keys - known) for where, keys in used.items() if keys - known}
    assert not unresolved, f"cite keys without an entry in references.bib: {unresolved}"


def test_incomplete_entries_say_what_is_missing(library):
    incomplete = [e for e in library.entries
                  if "incomplete" in (e.fields_dict.get("keywords") or FieldStub).value]
    assert incomplete, "no entry is marked incomplete, although several lack verified fields"
    for entry in incomplete:
        assert "note" in entry.fields_dict, f"{entry.key}: incomplete entry without a note"


def test_works_cited_on_the_slides_are_in_the_bibliography(library):
    """Each author-year citation the talk makes has an entry (complete or marked incomplete)."""
    cited_in_talk = {"Sharifi": "2021", "Ruhlandt": "2018", "Lim": "2019", "Belot": "2017",
                     "Oural": "2018", "Nouvel": "2023", "Csukas": "2021", "Osella": "2016",
                     "Chatfield": "2019", "Neuroni": "2019", "Harrison": "2012",
                     "Jørgensen": "2007", "Gil-Garcia": "2023", "Grossi": "2020", "Allam": "2022",
                     "Frucquet": "2023", "Dameri": "2017", "Carassus": "2020", "Courmont": "2021",
                     "Walravens": "2015"}
    if not PROCESS.seed_talk.exists():
        pytest.skip("seed text not available")
    talk = PROCESS.seed_talk.read_text(encoding="utf-8")
    keys = {entry.key for entry in library.entries}
    for author, year in cited_in_talk.items():
        assert author in talk and year in talk, f"{author} {year}: not in the talk, fix the list"
        prefix = author.lower().replace("-", "").replace("ø", "o") + year
        assert any(key.startswith(prefix) for key in keys), f"no entry for {author} ({year})"
