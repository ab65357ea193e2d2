"""The site rendered from a fabricated build tree: pages, links, accessibility, determinism."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_tree import CODE_MARK, make_tree

from analysis.site.build import build_site
from analysis.site.check import check_site
from analysis.site.model import SiteError

EXTERNAL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_page_is_written(built):
    expected = ["index.html", "gallery.html", "data.html", "build.html", "bibliography.html",
                "reports/demo-en.html", "reports/demo-fr.html", "notebooks/demo-en.html",
                "notebooks/demo-fr.html", "notebooks/demo-en.ipynb", "figures/demo_plot_en.png",
                "tables/demo_table_fr.csv", "data/demo/values.csv", "data/datapackage.json",
                "MANIFEST.json", "static/site.css", "static/notebook.css"]
    assert [rel for rel in expected if not (built / rel).is_file()] == []


def test_static_checker_finds_nothing_wrong(built):
    assert check_site(built) == []


def test_nothing_is_loaded_or_linked_from_the_network(built):
    offenders = [f"{p.relative_to(built)}: {m[0]}" for p in sorted(built.rglob("*.htm*"))
                 for m in EXTERNAL_ATTR.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []
    for css in built.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css.read_text()), css


def test_report_hides_code_and_full_notebook_shows_it(built):
    name = CODE_MARK.split()[0]  # pygments wraps each token in a span
    assert name not in read(built, "reports/demo-en.html")
    assert f'<span class="n">{name}</span>' in read(built, "notebooks/demo-en.html")
    assert "hello" in read(built, "reports/demo-en.html")  # outputs stay


def test_notebook_page_has_one_h1_from_the_notebook_and_a_lang(built):
    report = read(built, "reports/demo-fr.html")
    assert re.findall(r"<h1[ >].*?</h1>", report)[0].startswith('<h1 id="Demo-notebook-(fr)"')
    assert report.count("<h1") == 1
    assert '<h2 id="A-deep-heading">' in report  # "####" under the title
    assert '<html lang="fr" dir="ltr">' in report  # the whole page speaks the run's language


def test_notebook_images_are_files_with_the_figure_alt_text(built):
    report = read(built, "reports/demo-en.html")
    images = re.findall(r'<img src="([^"]*)" alt="([^"]*)"', report)
    assert images == [("../notebooks/demo-en_files/cell3-output1.png",
                       "Bar chart of counts by year (en)"),
                      ("../notebooks/demo-en_files/cell5-output1.png",
                       "Bar chart of counts by year (en)")]
    assert "base64" not in report


def test_citations_link_to_the_bibliography(built):
    report = read(built, "reports/demo-en.html")
    assert '(<a href="../bibliography.html#ref-smith2020">Smith and Dupont 2020</a>, p. 3;' \
        in report
    assert '<a href="../bibliography.html#ref-notitle2022">Roe n.d.</a>' in report
    assert 'the HAL page (<span class="url">https://hal.science/x</span>)' in report


def test_gallery_shows_each_figure_and_table_with_provenance(built):
    gallery = read(built, "gallery.html")
    for lang in ("en", "fr"):
        section = gallery.split(f'id="fig-demo_plot_{lang}">')[1]
        section = section.split("</section>")[0]
        assert f'<figure lang="{lang}">' in section  # the figure's language, not the chrome's
        assert f'<img src="figures/demo_plot_{lang}.png" alt="Bar chart of counts by year ' \
               f'({lang})" width="12" height="9">' in section
        assert f'<a href="reports/demo-{lang}.html">demo-{lang}</a>' in section
        assert '<a href="bibliography.html#ref-smith2020">Smith and Dupont 2020</a>' in section
        assert '<a href="data.html#res-demo_values">demo_values</a>' in section
        table = gallery.split(f'id="tab-demo_table_{lang}"')[1].split("</section>")[0]
        assert "<th>year</th>" in table and f"Counts ({lang})" in table


def test_index_shows_every_figure_and_table_and_leads_everywhere(built):
    index = read(built, "index.html")
    for target in ("gallery.html#fig-demo_plot_en", "gallery.html#tab-demo_table_fr",
                   "reports/demo-fr.html", "notebooks/demo-en.html", "bibliography.html",
                   "data.html", "build.html", 'src="figures/demo_plot_fr.png"'):
        assert target in index, target
    assert "<h3>Demo notebook (en)</h3>" in index


def test_data_page_gives_source_licence_checksum_and_users(built):
    data = read(built, "data.html")
    sha = json.loads(read(built, "data/datapackage.json"))["resources"][0]["hash"][7:]
    section = data.split('id="res-demo_values"')[1]
    assert sha in section and "CC-BY-4.0" in section and "p. 7" in section
    assert '<a href="data/demo/values.csv">data/demo/values.csv</a>' in section
    assert '<a href="gallery.html#fig-demo_plot_en">demo_plot_en</a>' in section
    assert '<a href="bibliography.html#ref-smith2020">Smith and Dupont 2020</a>' in section
    assert "<th scope=\"col\">Column</th>" in section


def test_build_page_uses_source_date_epoch_not_the_clock(built):
    page = read(built, "build.html")
    assert "2023-11-14 22:13:20 UTC (SOURCE_DATE_EPOCH=1700000000)" in page
    assert "0123456789abcdef" in page
    assert "<td><code>pandas</code></td><td><code>2.2.3</code></td>" in page
    assert '<a href="figures/demo_plot_en.png">build/figures/demo_plot_en.png</a>' in page


def test_bibliography_lists_each_cited_work_once_and_marks_incomplete(built):
    page = read(built, "bibliography.html")
    cited, uncited = page.split('<h2 id="uncited">')
    for key in ("smith2020", "doe2021", "notitle2022"):
        assert cited.count(f'id="ref-{key}"') == 1 and f'id="ref-{key}"' not in uncited
    assert 'id="ref-uncited2019"' in uncited
    entry = {key: cited.split(f'id="ref-{key}"')[1].split("</li>")[0]
             for key in ("smith2020", "doe2021", "notitle2022")}
    assert "Incomplete reference." in entry["doe2021"]
    assert "Incomplete reference: no <code>year</code> recorded." in entry["notitle2022"]
    assert "Incomplete" not in entry["smith2020"]
    assert ('<a href="data.html#res-demo_values">data <bdi dir="ltr">demo_values</bdi></a>'
            in entry["smith2020"])


def test_two_builds_from_different_folders_are_byte_identical(tmp_path):
    first = build_site(paths=make_tree(tmp_path / "one")).out
    second = build_site(paths=make_tree(tmp_path / "two")).out
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []


def test_site_works_after_a_trip_through_a_zip(built, tmp_path):
    archive = shutil.make_archive(str(tmp_path / "site"), "zip", built)
    shutil.unpack_archive(archive, tmp_path / "unzipped")
    assert check_site(tmp_path / "unzipped") == []


def test_failed_render_keeps_the_previous_site(tree):
    out = build_site(paths=tree).out
    before = (out / "index.html").read_bytes()
    (tree.build / "figures" / "demo_plot_en.json").unlink()
    with pytest.raises(SiteError, match=r"demo_plot_en\.json: sidecar of figure 'demo_plot_en'"):
        build_site(paths=tree)
    assert (out / "index.html").read_bytes() == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".html")] == []


def test_render_problem_found_by_the_checker_keeps_the_previous_site(tree):
    out = build_site(paths=tree).out
    sidecar = tree.build / "figures" / "demo_plot_en.json"
    meta = json.loads(sidecar.read_text())
    meta["caption"] = "See [@smith2020]."
    sidecar.write_text(json.dumps(meta))
    (tree.build / "figures" / "demo_plot_en.png").unlink()
    with pytest.raises(SiteError, match="demo_plot_en.png"):
        build_site(paths=tree)
    assert "See (" not in (out / "gallery.html").read_text()


def test_figure_without_alt_text_is_refused(tree):
    sidecar = tree.build / "figures" / "demo_plot_fr.json"
    sidecar.write_text(sidecar.read_text().replace('"alt": "Bar chart', '"alt": "", "x": "'))
    with pytest.raises(SiteError, match=r"demo_plot_fr.json: figure 'demo_plot_fr' has no alt"):
        build_site(paths=tree)


def test_unknown_citation_is_refused_naming_key_and_page(tree):
    nb = tree.build / "notebooks" / "demo-en.ipynb"
    nb.write_text(nb.read_text().replace("[@smith2020, p. 3; @doe2021]", "[@nokey]"))
    with pytest.raises(SiteError, match=r"@nokey: cited in report demo-en"):
        build_site(paths=tree)


def test_missing_manifest_is_named(tree):
    (tree.build / "MANIFEST.json").unlink()
    with pytest.raises(SiteError, match=r"MANIFEST.json: build manifest not found"):
        build_site(paths=tree)


@pytest.mark.slow
def test_command_line_writes_build_html(tree):
    env = {**os.environ, "ANALYSIS_ROOT": str(tree.root), "ANALYSIS_BUILD_DIR": str(tree.build)}
    done = subprocess.run([sys.executable, "-m", "analysis.site"], env=env, text=True,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tree.build / "html" / "index.html").is_file()
    # 5 site pages in each of 3 languages, and a report and a full page for each of 3 runs
    assert "21 pages" in done.stdout
    shutil.rmtree(tree.build / "html")
    (tree.build / "MANIFEST.json").unlink()
    done = subprocess.run([sys.executable, "-m", "analysis.site"], env=env, text=True,
                          capture_output=True, check=False)
    assert done.returncode == 1 and "build manifest not found" in done.stderr


def test_a_render_killed_earlier_leaves_nothing_once_the_next_render_has_run(tree):
    import subprocess

    from analysis.site.build import build_site

    child = subprocess.Popen(["true"])
    child.wait()  # a process that no longer exists: its folders are abandoned
    leftovers = [tree.build / f".html.{kind}.{child.pid}.x" for kind in ("new", "old")]
    for folder in leftovers:
        (folder / "figures").mkdir(parents=True)
    build_site(paths=tree)
    assert sorted(p.name for p in tree.build.iterdir() if p.name.startswith(".html")) == []
    assert (tree.build / "html" / "index.html").is_file()


def test_a_data_path_leaving_the_data_folder_is_never_copied_out_of_the_site(tree, tmp_path):
    import json

    import pytest

    from analysis.site.build import build_site
    from analysis.site.model import SiteError

    secret = tree.root / "secret.txt"
    secret.write_text("not for the site", encoding="utf-8")
    descriptor = json.loads(tree.datapackage.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../secret.txt"
    tree.datapackage.write_text(json.dumps(descriptor), encoding="utf-8")
    before = sorted(p for p in tree.root.rglob("*") if p.is_file())
    for escape in ("../secret.txt", "../../secret.txt"):
        descriptor["resources"][0]["path"] = escape
        tree.datapackage.write_text(json.dumps(descriptor), encoding="utf-8")
        with pytest.raises(SiteError, match="outside the data folder; not published"):
            build_site(paths=tree)
    assert sorted(p for p in tree.root.rglob("*") if p.is_file()) == before


def test_a_file_read_from_the_shared_folder_is_shown_as_recorded_wherever_shared_is(tree,
                                                                                    tmp_path):
    manifest = tree.build / "MANIFEST.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    talk = {"path": "../shared/seed/talk.txt", "sha256": "ab" * 32}
    recorded["runs"][0]["inputs"].append(talk)
    manifest.write_text(json.dumps(recorded), encoding="utf-8")
    site = build_site(paths=tree.replace(shared=tmp_path / "elsewhere")).out
    row = read(site, "data.html").split('<section id="other-inputs">')[1]
    assert "<td><code>../shared/seed/talk.txt</code></td>" in row
    assert '<a href="reports/demo-en.html">demo-en</a>' in row
    assert "<code>../shared/seed/talk.txt</code>" in read(site, "build.html")
