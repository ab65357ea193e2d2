"""Citations in text and the pybtex rendering of references.bib."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_tree import BIB

from analysis.site import bibliography as bib
from analysis.site.model import SiteError


@pytest.fixture
def refs(tmp_path: Path) -> dict[str, bib.Reference]:
    path = tmp_path / "references.bib"
    path.write_text(BIB, encoding="utf-8")
    return bib.load(path)


def test_cited_keys_reads_pandoc_and_latex_forms_but_not_code_or_mail():
    text = ("[@a] and [see @b, p. 2; -@c] and \\citep{d, e}. `[@code]` and\n```\n[@block]\n```\n"
            "[write to x@y.org] [@f](https://link) @bare")
    assert bib.cited_keys(text) == ["a", "b", "c", "d", "e"]


def test_single_citation_becomes_a_markdown_link(refs):
    out = bib.link_markdown("As shown [@smith2020].", refs, "../bibliography.html")
    assert out == ("As shown ([Smith and Dupont 2020](../bibliography.html#ref-smith2020)).")


def test_citation_group_keeps_prefix_and_locator(refs):
    out = bib.link_markdown("[see @smith2020, p. 3; @doe2021]", refs, "b.html")
    assert out == "(see [Smith and Dupont 2020](b.html#ref-smith2020), p. 3; " \
                  "[Doe et al. 2021](b.html#ref-doe2021))"


def test_link_html_escapes_text_around_citations(refs):
    out = bib.link_html("A <b> & [@smith2020]", refs, "bibliography.html")
    assert out == ('A &lt;b&gt; &amp; (<a href="bibliography.html#ref-smith2020">'
                   "Smith and Dupont 2020</a>)")


def test_entries_marked_incomplete_by_keyword_or_missing_field(refs):
    assert refs["doe2021"].incomplete and refs["doe2021"].missing == []
    assert refs["notitle2022"].incomplete and refs["notitle2022"].missing == ["year"]
    assert "[year not available]" in refs["notitle2022"].html
    assert refs["notitle2022"].label == "Roe n.d."
    assert not refs["smith2020"].incomplete


def test_titles_keep_their_case_and_addresses_are_text(refs):
    html = refs["smith2020"].html
    assert "Values of Smart Cities in Brussels" in html
    assert "doi:10.1000/xyz" in html and "<a" not in html
    assert "https://example.org/notitle" in refs["notitle2022"].html
    assert "<a" not in refs["notitle2022"].html
    assert "André" in html  # LaTeX accents decoded


def test_same_author_and_year_get_letters(tmp_path):
    path = tmp_path / "r.bib"
    path.write_text("@misc{b, author={Walravens, Nils}, title={Zebra}, year={2015}}\n"
                    "@misc{a, author={Walravens, Nils}, title={Apple}, year={2015}}\n")
    refs = bib.load(path)
    assert (refs["a"].label, refs["b"].label) == ("Walravens 2015a", "Walravens 2015b")


def test_unknown_key_is_refused_with_where_it_is_cited(refs, tmp_path):
    with pytest.raises(SiteError, match=r"@nokey: cited in report demo-en"):
        bib.check_cited({"nokey": ["report demo-en"], "smith2020": ["data x"]}, refs,
                        tmp_path / "references.bib")


def test_missing_bibliography_is_named(tmp_path):
    with pytest.raises(SiteError, match="references.bib: bibliography not found"):
        bib.load(tmp_path / "references.bib")
