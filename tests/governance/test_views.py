"""Figures and tables of notebook 03 say what they encode and link every step to its evidence."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from analysis.errors import ParameterError
from analysis.governance import evidence, plots
from analysis.governance import trajectories as gov
from analysis.governance.labels import text


@pytest.fixture(scope="module")
def data() -> gov.GovernanceData:
    return gov.load()


def all_text(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "Encodage schématique des propos de l'exposé"),
    ("en", "Schematic encoding of the talk's statements"),
])
def test_trajectory_figure_says_it_is_a_schematic_encoding(data, lang, words):
    fig = plots.trajectory_figure(data.trajectories, data.dimensions, data.regions, ["A", "B"],
                                  lang)
    texts = all_text(fig)
    assert any(t.startswith(words) for t in texts)
    assert not any("Figure 21" in t for t in texts)


def test_every_step_is_drawn_with_its_label_and_evidence(data):
    fig = plots.trajectory_figure(data.trajectories, data.dimensions, data.regions, ["A", "B"],
                                  "en")
    plane = fig.axes[0]
    labels = [t.get_text() for t in plane.texts]
    for step in data.trajectories.itertuples():
        assert step.step_id in labels
        assert f"[{', '.join(evidence.split_ids(step.excerpt_ids))}]" in labels
    # one marker per step, filled only when the talk states the step
    markers = [line for line in plane.get_lines() if line.get_marker() == "o"]
    filled = [m.get_markerfacecolor() != "white" for m in markers]
    assert filled == [b == "stated in the talk" for b in data.trajectories["basis"]]
    assert len(plane.patches) == len(data.trajectories) - data.trajectories["case"].nunique()
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert text("legend_schematic", "en") in legend and text("legend_evidence", "en") in legend


def test_one_case_draws_only_that_case(data):
    steps = gov.select_cases(data.trajectories, ["B"], {"A", "B"})
    fig = plots.trajectory_figure(steps, data.dimensions, data.regions, ["B"], "fr")
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"B1", "B2"} <= labels and not {"A1", "A2"} & labels


def test_grid_figure_shows_the_four_plain_descriptions(data):
    for lang in ("fr", "en"):
        texts = [t.replace("\n", " ") for t in all_text(plots.grid_figure(data.dimensions,
                                                                          data.regions, lang))]
        for region in data.regions[f"label_{lang}"]:
            assert region in texts


def test_cases_parameter(data):
    assert gov.parse_cases("A, B,A") == ["A", "B"]
    assert gov.parse_cases(["B"]) == ["B"]
    with pytest.raises(ParameterError, match="no case"):
        gov.parse_cases(" , ")
    with pytest.raises(ParameterError, match=r"unknown case\(s\) C; available: A, B"):
        gov.select_cases(data.trajectories, ["A", "C"], {"A", "B"})


def test_evidence_table_is_excerpt_by_theme_by_dimension(data):
    short = gov.evidence_table(data, "en", show_quotes=False)
    assert list(short.columns) == ["excerpt", "case", "role (as written)", "slide", "theme",
                                   "dimension", "steps"]
    assert len(short) == len(data.excerpts)
    quoted = gov.evidence_table(data, "fr", show_quotes=True)
    assert quoted["texte (FR, verbatim)"].tolist() == data.excerpts["text_fr"].tolist()
    assert quoted.set_index("extrait").loc["A-502@3.4", "arabe"] == "non disponible"


def test_coverage_lists_each_step_and_each_excerpt(data):
    table = gov.coverage_table(data, "en")
    steps = table[table["item"] == "step"]
    assert steps["id"].tolist() == data.trajectories["step_id"].tolist()
    assert all(s.startswith("ok:") for s in steps["status"])
    excerpts = table[table["item"] == "excerpt"].set_index("id")
    assert excerpts.loc["A-302@3.3", "status"].startswith("unused: Speaks to HR")
    assert excerpts.loc["A-301@3.6", "linked to"] == "A1; A2"


def test_coding_figure_marks_every_case_period_apart(coding_file):
    from analysis.governance import coding

    frame = coding.load_coding(coding_file, {"A-301@3.6", "B-501@3.6", "B-501@3.4"})
    periods = coding.derive_trajectories(frame)
    # make X's and Y's first periods share a position: their marks must still be apart
    periods.loc[periods["case"] == "Y", ["proactive", "open"]] = [[2, 0], [1, 2]]
    fig = plots.coding_figure(periods, ["X", "Y"], "en", coding_file.name)
    ax = fig.axes[0]
    points = [tuple(xy) for line in ax.get_lines() for xy in line.get_xydata()]
    assert len(points) == len(set(points)) == len(periods)
    assert sorted(t.get_text() for t in ax.texts) == sorted(periods["period"])
    assert len(ax.patches) == len(periods) - periods["case"].nunique()


def test_the_trajectory_alt_text_lists_each_step_with_its_levels_and_excerpts():
    import pandas as pd

    steps = pd.DataFrame({"step_id": ["A1", "A2"], "proactivity": ["low", "high"],
                          "openness": ["low", "medium"], "excerpt_ids": ["E1", "E2;E3"]})
    assert plots.steps_text(steps) == "A1: low/low [E1]; A2: high/medium [E2;E3]"
