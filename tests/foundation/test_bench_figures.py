"""The figure-time probe of `make bench`: it runs a notebook's code with its parameters and
times every savefig (the timings themselves are only reported, never asserted)."""

from __future__ import annotations

from analysis.bench import figures
from analysis.bench.build import FLOOR_NOTEBOOK


def test_the_parameters_are_assigned_right_after_the_parameters_cell():
    cells = figures._code_cells(FLOOR_NOTEBOOK, {"lang": "ar"})
    assert cells[0].startswith("lang = ") and cells[1] == "lang = 'ar'\n"
    assert "figures.save(" in cells[2]


def test_the_floor_saves_one_figure_in_three_formats_into_the_given_build(tmp_paths, tmp_path):
    probe = figures._probe(FLOOR_NOTEBOOK, {"lang": "en"}, tmp_path / "probe-build", tmp_paths)
    assert probe["saves"] == 3
    assert 0 < probe["savefig_seconds"] <= probe["cells_seconds"]
    written = sorted(p.name for p in (tmp_path / "probe-build" / "figures").iterdir())
    assert written == [f"bench_floor.{ext}" for ext in ("json", "pdf", "png", "svg")]
