"""Pieces of the notebook renderer that do not need nbconvert to run."""

from __future__ import annotations

from pathlib import Path

from analysis.pipeline.runrecord import RunRecord
from analysis.site import notebooks
from analysis.site.model import Artifact, Run


def _figure(name: str) -> Artifact:
    record = RunRecord(name="r", notebook="n.ipynb", parameters={},
                       executed="build/notebooks/r.ipynb", inputs=(), outputs=())
    run = Run(record, executed=Path("build/notebooks/r.ipynb"))
    return Artifact("figure", name, {"alt": f"alt of {name}"}, run, [f"{name}.png"])


def test_headings_get_one_h1_and_keep_their_depth():
    html = "<h2 id='a'>T</h2><p>x</p><h2>B</h2><h3>c</h3><h2>D</h2>"
    assert notebooks.normalise_headings(html) == (
        "<h1 id='a'>T</h1><p>x</p><h2>B</h2><h3>c</h3><h2>D</h2>")


def test_headings_never_skip_a_level():
    html = "<h1>T</h1><h4>deep</h4><h2>B</h2><h1>again</h1><h3>c</h3>"
    assert notebooks.normalise_headings(html) == (
        "<h1>T</h1><h2>deep</h2><h3>B</h3><h2>again</h2><h3>c</h3>")


def test_external_links_become_visible_text():
    html = ('<p><a href="https://hal.science/x">HAL</a> <a href="https://a.b/">https://a.b/</a>'
            ' <a href="#local">here</a></p>')
    assert notebooks.delink(html) == ('<p>HAL (<span class="url">https://hal.science/x</span>)'
                                      ' https://a.b/ <a href="#local">here</a></p>')


def test_saved_figures_matches_literal_and_fstring_names():
    figs = [_figure("plot_en"), _figure("plot_fr"), _figure("other_en")]
    source = 'figures.save(fig, f"plot_{lang}", alt=a)\nfigures.save(fig2, name="other_en")'
    assert [f.name for f in notebooks.saved_figures(source, figs)] == [
        "plot_en", "plot_fr", "other_en"]
    assert notebooks.saved_figures("%matplotlib inline\nx", figs) == []
    assert notebooks.saved_figures("tables.save(df, 'unknown')", figs) == []
