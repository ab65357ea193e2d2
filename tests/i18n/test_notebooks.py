"""Notebook markdown in the run's language, paragraph by paragraph, and the glossary in use."""

from __future__ import annotations

import csv
import json
import re

import pytest

from analysis import i18n
from analysis.errors import ParameterError
from analysis.i18n import notebooks
from analysis.paths import PROCESS

NOTEBOOKS = sorted(PROCESS.notebooks.glob("*.ipynb"))
ARABIC = re.compile(r"[\u0600-\u06FF]")


def test_paragraphs_keep_fenced_code_whole_and_skip_it():
    text = "Intro line\nstill intro\n\n```\ncode\n\nmore code\n```\n\nEnd."
    assert notebooks.paragraphs(text) == ["Intro line\nstill intro", "```\ncode\n\nmore code\n```",
                                          "End."]
    assert [notebooks.translatable(p) for p in notebooks.paragraphs(text)] == [True, False, True]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_markdown_paragraph_of_a_run_is_in_its_language(notebook, lang):
    source = [p for p, _cell in notebooks.messages(notebook)]
    nb = notebooks.localised(notebook, {"lang": lang})
    shown = [p for c in nb["cells"] if c["cell_type"] == "markdown"
             for p in notebooks.paragraphs(c["source"]) if notebooks.translatable(p)]
    assert len(shown) == len(source)
    untranslated = [p[:60] for p, s in zip(shown, source, strict=True) if p == s]
    assert untranslated == []
    if i18n.is_rtl(lang):
        assert [p[:60] for p in shown if not ARABIC.search(p)] == []
    assert nb["metadata"]["i18n"]["lang"] == lang


def test_an_unknown_language_is_refused_before_any_kernel():
    with pytest.raises(ParameterError, match="expected one of en, ar, fr"):
        notebooks.localised(NOTEBOOKS[0], {"lang": "xx"})


def test_an_english_run_keeps_the_source_text():
    nb = notebooks.localised(NOTEBOOKS[0], {"lang": "en"})
    original = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    first = "".join(original["cells"][0]["source"])
    assert nb["cells"][0]["source"] == "\n\n".join(notebooks.paragraphs(first))


def test_the_talks_arabic_terms_of_the_glossary_are_the_ones_the_catalogue_uses():
    with open(PROCESS.locales / "glossary.csv", encoding="utf-8", newline="") as handle:
        terms = [row for row in csv.DictReader(handle) if row["ar_source"].startswith("talk")]
    catalogues = "".join(p.read_text(encoding="utf-8")
                         for p in (PROCESS.locales / "ar" / "LC_MESSAGES").glob("*.po"))
    core = ("smart_city", "public_value", "governance", "proactivity", "openness")
    assert {t["term_id"] for t in terms} >= set(core)
    assert [t["ar"] for t in terms if t["term_id"] in core and t["ar"] not in catalogues] == []
