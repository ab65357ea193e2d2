"""The data, build and bibliography pages speak French and Arabic, except where they show data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import i18n
from analysis.i18n import __main__ as i18n_cli

PAGES = ("data", "build", "bibliography")
#: Elements whose text is code, a path, a hash or data, never translated.
DATA_TAGS = {"code", "pre", "script", "style", "bdi"}
DATA_CLASSES = {"url", "sha", "reference"}
#: Names that read the same in every language (the test tree's citation label, two products,
#: the gallery's file formats).
NAMES = {"Smith and Dupont 2020", "Python", "RO-Crate", "CSV", "HTML", "JSON", "MD", "PDF", "PNG",
         "SVG", "TEX"}
#: English labels each page shows (checked there first), and never on its fr or ar version.
LABELS = {
    "data": ["Resource", "File", "Description", "Sources", "Licence", "Used by", "Column",
             "Type", "Constraints", "Columns of", "25 bytes", "Package licence:",
             "(not found when the site was built)", "no notebook run of this build reads it.",
             "none", "not stated"],
    "build": ["Git commit", "Build date", "Manifest", "(the full record this page is made from)",
              "not built", "Run", "Notebook", "Parameters", "Inputs", "Outputs", "File",
              "Bytes", "Package", "Version", "9 files"],
    "bibliography": ["Incomplete reference.", "Incomplete reference: no", "recorded.",
                     "Incomplete reference", "Cited in:", "report", "figure", "data",
                     "Rendered from", "(for instance cited by the talk or the README)"],
}


class _TextNodes(HTMLParser):
    """Text nodes of a page outside code and data (elements with a ``lang`` of their own, such
    as a datapackage.json description, or ``dir="ltr"`` runs of names)."""

    VOID = {"br", "img", "meta", "link", "input", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        data = (tag in DATA_TAGS or bool(DATA_CLASSES & set((a.get("class") or "").split()))
                or (tag != "html" and ("lang" in a or a.get("dir") == "ltr")))
        self.stack.append((tag, data or (bool(self.stack) and self.stack[-1][1])))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not (self.stack and self.stack[-1][1]):
            self.nodes.append(text)


def text_nodes(path: Path) -> list[str]:
    parser = _TextNodes()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.nodes


def page(site: Path, name: str, lang: str) -> Path:
    return site / (f"{name}.html" if lang == i18n.SOURCE_LANG else f"{name}.{lang}.html")


def shows(nodes: list[str], label: str) -> bool:
    """A label is shown when it is a text node or whole words of one (``Manifest`` is not in
    ``Manifeste``)."""
    words = re.compile(rf"(?<!\w){re.escape(label)}(?!\w)")
    return any(words.search(node) for node in nodes)


def _a_name(text: str, lang: str) -> bool:
    """Punctuation, a path, a number or an identifier, a name, or a word that ``lang`` writes
    as English does (``Description`` in French): the same on every page."""
    no_letters = not re.search(r"[^\W\d_]", text)
    identifier = " " not in text and bool(re.search(r"[\d._/=:'-]", text))
    same_word = i18n.gettext(lang, text) == text and i18n.catalogue(lang).get(text) is not None
    return no_letters or identifier or text in NAMES or same_word


@pytest.mark.parametrize("name", PAGES)
def test_the_english_page_shows_every_label_the_translations_replace(built, name):
    nodes = text_nodes(page(built, name, "en"))
    assert [label for label in LABELS[name] if not shows(nodes, label)] == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("name", PAGES)
def test_no_english_label_is_left_on_a_translated_page(built, name, lang):
    nodes = text_nodes(page(built, name, lang))
    english = [label for label in LABELS[name] if shows(nodes, label) and not _a_name(label, lang)]
    assert english == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("name", ["index", "gallery", *PAGES])
def test_every_text_shared_with_the_english_page_is_a_name_or_data(built, name, lang):
    english = set(text_nodes(page(built, name, "en")))
    shared = sorted(t for t in english & set(text_nodes(page(built, name, lang)))
                    if not _a_name(t, lang))
    assert shared == []


@pytest.mark.parametrize(("lang", "labels"), [
    ("fr", ["Ressource", "Utilisé par", "Contraintes", "25 octets", "Commit Git", "Manifeste",
            "Exécution", "Entrées", "9 fichiers", "Référence incomplète.", "Cité dans :"]),
    ("ar", ["المورد", "يستخدمه", "القيود", "\u206625\u2069 بايتًا", "إيداع \u2066Git\u2069",
            "البيان", "التشغيل", "المدخلات", "\u20669\u2069 ملفات", "مرجع ناقص.", "مذكور في:"])])
def test_the_translated_labels_and_plurals_are_shown(built, lang, labels):
    nodes = [n for name in PAGES for n in text_nodes(page(built, name, lang))]
    assert [label for label in labels if not shows(nodes, label)] == []


def test_a_datapackage_description_stays_english_and_says_so(built):
    for lang in ("fr", "ar"):
        html = page(built, "data", lang).read_text(encoding="utf-8")
        assert '<dd lang="en" dir="ltr">Test data.</dd>' in html
        assert '<h2 lang="en" dir="ltr">Demo values</h2>' in html
    assert '<dd>Test data.</dd>' in page(built, "data", "en").read_text(encoding="utf-8")


def test_the_bibliography_links_to_site_pages_in_its_own_language(built):
    html = page(built, "bibliography", "ar").read_text(encoding="utf-8")
    assert '<a href="data.ar.html#res-demo_values">' in html
    assert '<a href="gallery.ar.html#fig-demo_plot_en">' in html
    assert '<a href="reports/demo-fr.html">' in html  # a report is one run's own language


def test_the_shipped_catalogues_pass_the_i18n_check(capsys):
    assert i18n_cli.main(["check"]) == 0
    assert "0 missing, 0 fuzzy" in capsys.readouterr().out
