"""The build page links the RO-Crate, and the site carries its own copy (offline, checked)."""

from __future__ import annotations

from analysis.site.build import build_site
from analysis.site.check import check_site


def test_build_page_links_the_crate_copied_into_the_site(tree):
    crate = tree.build / "ro-crate-metadata.json"
    crate.write_text('{"@context": "https://w3id.org/ro/crate/1.3/context", "@graph": []}\n')
    site = build_site(paths=tree).out
    assert (site / "ro-crate-metadata.json").read_bytes() == crate.read_bytes()
    page = (site / "build.html").read_text(encoding="utf-8")
    assert '<a href="ro-crate-metadata.json">ro-crate-metadata.json</a>' in page
    assert check_site(site) == []


def test_without_a_crate_the_build_page_says_so_and_links_nothing(built):
    page = (built / "build.html").read_text(encoding="utf-8")
    assert "<dt>RO-Crate</dt><dd>not built</dd>" in page
    assert not (built / "ro-crate-metadata.json").exists()
