"""Governance data: excerpts verbatim from the talk, steps resolving, vocabularies agreeing."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import datapackage
from analysis.errors import DataError
from analysis.governance import coding, evidence
from analysis.governance import trajectories as gov
from analysis.paths import PROCESS

#: Respondent codes in the order the talk quotes them: B-501 appears twice.
TALK_ORDER = ["A-501", "Bc-101", "A-302", "A-502", "B-501", "B-401", "A-301", "B-501"]


@pytest.fixture(scope="module")
def data() -> gov.GovernanceData:
    return gov.load()


@pytest.fixture(scope="module")
def seed() -> str:
    if not PROCESS.seed_talk.exists():
        pytest.skip(f"talk text layer not available at {PROCESS.seed_talk} (../shared is absent)")
    return evidence.read_seed()


def test_all_eight_occurrences_in_talk_order_with_unique_ids(data):
    excerpts = data.excerpts.sort_values("talk_order")
    assert excerpts["respondent_code"].tolist() == TALK_ORDER
    assert excerpts["excerpt_id"].is_unique
    assert set(excerpts["slide"]) == {"3.2", "3.3", "3.4", "3.5", "3.6"}
    assert excerpts.set_index("respondent_code").loc["Bc-101", "case"] == "B"


def test_every_source_line_of_the_talk_is_an_excerpt(data, seed):
    """Independent of our anchors: each 'Source : ROLE (CODE)' line of the talk is one row."""
    found = re.findall(r"^Source : (.+) \(([A-Z][a-z]?-\d{3})\)$", seed, flags=re.MULTILINE)
    ours = data.excerpts.sort_values("talk_order")
    assert [code for _, code in found] == ours["respondent_code"].tolist()
    assert [role for role, _ in found] == ours["role"].tolist()


def test_excerpts_match_the_talk_verbatim(data, seed):
    assert evidence.verbatim_problems(data.excerpts, seed) == []


def test_verbatim_check_catches_a_one_character_change(data, seed):
    altered = data.excerpts.copy()
    altered.loc[3, "text_fr_markup"] = altered.loc[3, "text_fr_markup"].replace("(...)", "(…)", 1)
    altered.loc[5, "text_ar"] = altered.loc[5, "text_ar"][:-1] + "!"
    problems = evidence.verbatim_problems(altered, seed)
    assert [p.split(":")[0] for p in problems] == [altered.loc[3, "excerpt_id"],
                                                   altered.loc[5, "excerpt_id"]]


def test_arabic_is_copied_up_to_where_the_slide_stops(data, seed):
    """After each Arabic text the talk goes on with a new slide or another excerpt's Arabic,
    so nothing the slide gives was cut; A-501 is 'partial' because the slide stops early."""
    flat = evidence.normalise_space(seed)
    given = data.excerpts.dropna(subset=["text_ar"])
    starts = [text[:12] for text in given["text_ar"]]
    for _, row in given.iterrows():
        after = flat[flat.index(row["text_ar"]) + len(row["text_ar"]):].lstrip()
        assert re.match(r"\d\. ", after) or any(after.startswith(s) for s in starts), row.excerpt_id
    status = dict(zip(data.excerpts["excerpt_id"], data.excerpts["text_ar_status"], strict=True))
    assert status["A-501@3.2"] == "partial"
    assert status["A-502@3.4"] == status["B-501@3.4"] == "not available"


def test_row_checks_name_file_row_and_column(data):
    bad = data.excerpts.copy()
    bad.loc[1, "case"] = "A"  # Bc-101 is case B
    with pytest.raises(DataError, match=r"excerpts\.csv, row 3, column 'case'.*Bc-101"):
        evidence.check_excerpts(bad, "data/evidence/excerpts.csv")
    bad = data.excerpts.copy()
    bad.loc[0, "text_fr"] = bad.loc[0, "text_fr_markup"]
    with pytest.raises(DataError, match=r"row 2, column 'text_fr'"):
        evidence.check_excerpts(bad, "excerpts.csv")


def test_every_step_resolves_to_existing_excerpts(data):
    known = set(data.excerpts["excerpt_id"])
    for cell in data.trajectories["excerpt_ids"]:
        ids = evidence.split_ids(cell)
        assert ids and set(ids) <= known


@pytest.mark.parametrize(("cell", "message"), [
    ("Bc-101@3.2;X-999@3.2", r"trajectories\.csv, row 4, column 'excerpt_ids'.*step B1.*X-999"),
    ("", r"row 4, column 'excerpt_ids'.*step B1 cites no excerpt"),
])
def test_a_step_without_valid_evidence_stops_the_build_naming_it(data, cell, message):
    steps = data.trajectories.copy()
    steps.loc[2, "excerpt_ids"] = cell or pd.NA
    with pytest.raises(DataError, match=message):
        gov.check_steps(steps, data.excerpts, "data/governance/trajectories.csv")


def test_a_rationale_quote_must_come_from_the_cited_excerpts(data):
    steps = data.trajectories.copy()
    steps.loc[0, "rationale"] += " «une gouvernance exemplaire»"
    with pytest.raises(DataError, match=r"row 2, column 'rationale'.*step A1"):
        gov.check_steps(steps, data.excerpts, "trajectories.csv")


def test_steps_must_run_from_one_without_gaps(data):
    steps = data.trajectories.copy()
    steps.loc[steps["step_id"] == "A2", "step"] = 3
    with pytest.raises(DataError, match=r"case A has steps \[1, 3\]"):
        gov.check_steps(steps, data.excerpts, "trajectories.csv")


def test_each_excerpt_is_used_or_explained(data):
    cited = {i for c in data.trajectories["excerpt_ids"] for i in evidence.split_ids(c)}
    assert cited | set(data.unused["excerpt_id"]) == set(data.excerpts["excerpt_id"])
    with pytest.raises(DataError, match="neither cited"):
        gov.check_unused(data.unused.iloc[0:0], data.trajectories, data.excerpts, "unused.csv")
    also_cited = pd.DataFrame({"excerpt_id": ["A-501@3.2"], "reason_fr": ["x"], "reason_en": ["x"]})
    with pytest.raises(DataError, match=r"row 2, column 'excerpt_id'.*cites it"):
        gov.check_unused(also_cited, data.trajectories, data.excerpts, "unused.csv")


def test_grid_invents_no_cell_names_and_covers_the_plane(data):
    assert set(data.regions["source_cell_name"]) == {"not available"}
    assert set(data.dimensions["source_definition"]) == {"not available"}
    assert set(zip(data.regions["proactivity"], data.regions["openness"], strict=True)) == {
        ("low", "low"), ("low", "high"), ("high", "low"), ("high", "high")}
    assert set(data.dimensions["label_fr"]) == {"proactivité", "ouverture"}


def test_trajectories_are_described_as_a_schematic_encoding():
    res = datapackage.resource(gov.TRAJECTORIES)
    assert "schematic encoding of the talk's statements" in res["description"]
    assert "Figure 21" not in json.dumps(res, ensure_ascii=False)


def test_coding_schema_agrees_with_vocabulary_template_and_package():
    schema = coding.read_schema()
    vocab = datapackage.load("governance_coding_vocabulary")
    terms = {f: g["term"].tolist() for f, g in vocab.groupby("field", sort=False)}
    assert coding.vocabulary(schema) == terms
    for field in schema["fields"]:
        if field.get("x-terms"):
            assert field["constraints"]["pattern"] == coding.list_pattern(field["x-terms"])
    template = datapackage.resource_path("governance_coding_template").read_text(encoding="utf-8")
    assert template.strip().split(",") == [f["name"] for f in schema["fields"]]
    shipped = {k: v for k, v in schema.items() if k != "$comment"}
    assert datapackage.resource("governance_coding_template")["schema"] == shipped


def test_value_types_are_the_harrison_types_of_the_value_grid():
    vocab = datapackage.load("governance_coding_vocabulary")
    ours = vocab[vocab["field"] == "value_created"]
    grid = datapackage.load("valuegrid_values")
    harrison = grid[grid["framework"] == "harrison2012"]
    assert sorted(t.replace(" ", "_") for t in ours["term"]) == sorted(harrison["value_id"])
    assert sorted(ours["label_fr"]) == sorted(harrison["label_fr"])


def test_value_destroyed_labels_are_the_words_of_slide_4_2(seed):
    vocab = datapackage.load("governance_coding_vocabulary")
    slide = seed[seed.index("4.2. Un agenda"):seed.index("Merci pour votre attention")]
    for label_fr in vocab.loc[vocab["field"] == "value_destroyed", "label_fr"]:
        assert label_fr in slide
