"""The static checker names the page and the problem, and passes a sound page."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.site.check import check_site

GOOD = """<!DOCTYPE html>
<html lang="en"><head><title>t</title><link rel="stylesheet" href="static/s.css"></head>
<body><main id="content"><h1>Title</h1><h2 id="sec">Section</h2>
<img src="img/a.png" alt="A chart">
<a href="other.html#target">other</a> <a href="#sec">up</a> <a href="mailto:x@y.org">mail</a>
<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
<pre>&lt;h1&gt; in text is not a heading</pre>
</main></body></html>
"""
OTHER = ('<!DOCTYPE html><html lang="en"><body><h1 id="target">Other</h1>'
         '<a href="index.html">home</a></body></html>')


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(b"\x89PNG")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "s.css").write_text("body { color: black; }")
    (tmp_path / "index.html").write_text(GOOD)
    (tmp_path / "other.html").write_text(OTHER)
    return tmp_path


def _break(site: Path, old: str, new: str, page: str = "index.html") -> list[str]:
    path = site / page
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return check_site(site)


def test_sound_site_has_no_problem(site):
    assert check_site(site) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('src="img/a.png"', 'src="img/missing.png"', "img.src target not found: img/missing.png"),
    ('href="other.html#target"', 'href="gone.html"', "a.href target not found: gone.html"),
    ('href="other.html#target"', 'href="other.html#nope"', "missing anchor: other.html#nope"),
    (' alt="A chart"', "", "<img src='img/a.png'> has no alt text"),
    ('<html lang="en">', "<html>", "<html> has no lang attribute"),
    ("<h2 id=\"sec\">Section</h2>", "<h3 id=\"sec\">Section</h3>", "skips from <h1> to <h3>"),
    ("<h2 id=\"sec\">Section</h2>", "<h1 id=\"sec\">Section</h1>", "has 2 <h1> elements"),
    ("<th>h</th>", "<td>h</td>", "table 1 has no <th> header cell"),
    ('href="static/s.css"', 'href="https://cdn.example.org/s.css"',
     "link.href leaves the machine: https://cdn.example.org/s.css"),
    ('href="#sec"', 'href="/abs/path.html"', "absolute path /abs/path.html"),
    ('href="#sec"', 'href="../outside.html"', "points outside the site"),
    ('<a href="#sec">up</a>', '<a id="content" href="#sec">up</a>', "'content' is used more"),
])
def test_each_problem_is_named_with_its_page(site, old, new, expected):
    problems = _break(site, old, new)
    assert any(p.startswith("index.html: ") and expected in p for p in problems), problems


def test_stylesheet_loading_from_network_is_reported(site):
    (site / "static" / "s.css").write_text("@import 'https://fonts.example.org/f.css';")
    assert check_site(site) == ["static/s.css: stylesheet loads https://fonts.example.org/f.css"]


def test_inline_style_url_is_reported(site):
    problems = _break(site, "<h1>Title</h1>",
                       '<h1 style="background: url(https://x.org/b.png)">Title</h1>')
    assert problems == ["index.html: stylesheet loads https://x.org/b.png"]


def test_fragment_without_html_element_is_checked_for_links_only(site):
    (site / "frag.html").write_text('<figure><table><tr><th>a</th></tr></table></figure>')
    assert check_site(site) == []
    (site / "frag.html").write_text('<img src="nope.png" alt="x">')
    assert check_site(site) == ["frag.html: img.src target not found: nope.png"]


def test_the_command_line_prints_each_problem_and_exits_1_when_there_is_one(site, capsys):
    from analysis.site.check import main

    assert main([str(site)]) == 0
    assert capsys.readouterr().out == f"{site}: 0 problem(s)\n"
    (site / "img" / "a.png").unlink()
    assert main([str(site)]) == 1
    printed = capsys.readouterr()
    assert printed.err == "error: index.html: img.src target not found: img/a.png\n"
    assert printed.out == f"{site}: 1 problem(s)\n"


def test_the_command_line_checks_the_build_folders_site_by_default(
        site, tmp_path_factory, monkeypatch, capsys):
    import shutil

    from analysis.site.check import main

    build = tmp_path_factory.mktemp("elsewhere") / "build"
    shutil.copytree(site, build / "html")
    (build / "html" / "img" / "a.png").unlink()
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(build))
    assert main([]) == 1
    printed = capsys.readouterr()
    assert printed.err == "error: index.html: img.src target not found: img/a.png\n"
    assert printed.out == f"{build.resolve() / 'html'}: 1 problem(s)\n"
