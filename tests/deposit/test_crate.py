"""The build's RO-Crate: parses back, checksums hold, one run per artifact, deterministic,
covers data, software, authors and the talk, and passes the Process Run Crate checker."""

from __future__ import annotations

import json
import re

import pytest
from crate_check import graded_issues, issues, lay_out, offline_context, prepared_queries

from analysis.fileio import sha256_file
from analysis.paths import Paths
from analysis.pipeline import crate

EPOCH = 1_717_000_000  # 2024-05-29 16:26:40 UTC


@pytest.fixture
def paths(fake_build) -> Paths:
    return fake_build


@pytest.fixture
def written(paths, monkeypatch) -> dict:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert crate.main([]) == 0
    return json.loads(paths.crate.read_text(encoding="utf-8"))


def entities(doc: dict) -> dict[str, dict]:
    return {e["@id"]: e for e in doc["@graph"]}


def ids(value) -> list[str]:
    return [v["@id"] for v in (value if isinstance(value, list) else [value])]


def actions(doc: dict) -> list[dict]:
    return [e for e in doc["@graph"] if e.get("@type") == "CreateAction"]


def test_the_crate_parses_back_with_rocrate_with_one_action_per_run(written, paths, tmp_path):
    from rocrate.rocrate import ROCrate

    root = lay_out(paths.crate, paths, tmp_path / "crate")
    read = ROCrate(root)
    runs = read.get_by_type("CreateAction")
    assert sorted(a.id for a in runs) == ["#run-02_value_grid-en", "#run-02_value_grid-fr"]
    for action in runs:
        assert action["instrument"].id == "notebooks/02_value_grid.ipynb"
        inputs = [o.id for o in action["object"]]
        assert "data/valuegrid/components.csv" in inputs
        lang = [o for o in action["object"] if getattr(o, "type", None) == "PropertyValue"]
        assert [(p["name"], p["value"]) for p in lang] == [("lang", action.id[-2:])]
    assert read.root_dataset["conformsTo"].id == crate.PROFILE


def test_every_result_exists_with_its_checksum(written, paths):
    by_id = entities(written)
    results = [r for a in actions(written) for r in ids(a["result"])]
    assert results
    for rel in results:
        assert paths.absolute(rel).is_file(), rel
        assert by_id[rel]["sha256"] == sha256_file(paths.absolute(rel)), rel
        assert by_id[rel]["contentSize"] == str(paths.absolute(rel).stat().st_size)


def test_every_manifest_artifact_is_the_result_of_exactly_one_run(written, paths):
    manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))
    owners: dict[str, list[str]] = {}
    for action in actions(written):
        for rel in ids(action["result"]):
            owners.setdefault(rel, []).append(action["@id"])
    artifacts = [a["path"] for a in manifest["artifacts"]]
    assert len(artifacts) == 6  # two runs x (figure, table, executed notebook)
    assert {path: owners.get(path) for path in artifacts} == {
        a["path"]: [f"#run-{a['run']}"] for a in manifest["artifacts"]}


def test_every_data_file_of_the_package_has_its_licences_and_sources(written, paths):
    by_id = entities(written)
    package = json.loads(paths.datapackage.read_text(encoding="utf-8"))
    for res in package["resources"]:
        entity = by_id[f"data/{res['path']}"]
        assert entity["sha256"] == res["hash"].removeprefix("sha256:")
        licences = [by_id[i]["name"] for i in ids(entity["license"])]
        assert licences == [lic["name"] for lic in res["licenses"]]
        sources = [by_id[i] for i in ids(entity["isBasedOn"])]
        assert [s["name"] for s in sources] == [s["title"] for s in res["sources"]]
    assert set(ids(by_id["./"]["hasPart"])) >= {f"data/{r['path']}" for r in package["resources"]}


def test_the_software_is_every_locked_package_at_its_pinned_version(written, paths):
    by_id = entities(written)
    pins = re.findall(r"^([A-Za-z0-9][\w.-]*)==([^\s;\\]+)", paths.lock.read_text(), re.M)
    assert len(pins) > 100
    notebook = by_id["notebooks/02_value_grid.ipynb"]
    required = set(ids(notebook["softwareRequirements"]))
    for name, version in pins:
        entity = by_id[f"https://pypi.org/project/{name}/{version}/"]
        assert (entity["name"], entity["version"]) == (name, version)
        assert entity["@id"] in required


def test_authors_licence_and_the_talk_come_from_citation_cff(written):
    by_id = entities(written)
    root = by_id["./"]
    assert root["name"].startswith("Smart City policies and public value")
    assert by_id[root["author"]["@id"]] == {"@id": "#organization-the-compendium-authors",
                                            "@type": "Organization",
                                            "name": "The compendium authors"}
    assert root["license"]["@id"] == "https://spdx.org/licenses/MIT"
    talk = by_id[root["citation"]["@id"]]
    assert talk["@id"] == "https://univ-pau.hal.science/hal-04618370v1"
    assert talk["identifier"] == "hal-04618370" and talk["datePublished"] == "2024"
    assert by_id[talk["author"]["@id"]]["familyName"] == "Frucquet"


def test_two_writes_are_byte_identical_and_dated_by_source_date_epoch(written, paths):
    first = paths.crate.read_bytes()
    assert crate.main([]) == 0
    assert paths.crate.read_bytes() == first
    assert entities(written)["./"]["datePublished"] == "2024-05-29T16:26:40Z"


def test_a_missing_run_record_is_one_error_line(paths, capsys):
    (paths.runs / "02_value_grid-fr.json").unlink()
    assert crate.main([]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "02_value_grid-fr.json: missing" in err
    assert len(err.splitlines()) == 1


def test_the_process_run_crate_checker_passes_every_required_check(written, paths, tmp_path,
                                                                   monkeypatch):
    offline_context(monkeypatch)
    prepared_queries(monkeypatch)
    root = lay_out(paths.crate, paths, tmp_path / "crate")
    assert issues(root, "ro-crate-1.3", "REQUIRED", tmp_path / "cache") == []
    graded = graded_issues(root, "process-run-crate-0.5", "RECOMMENDED", tmp_path / "cache")
    assert [text for grade, text in graded if grade == "REQUIRED"] == []
    recommended = [text for grade, text in graded if grade == "RECOMMENDED"]
    assert {grade for grade, _ in graded} <= {"REQUIRED", "RECOMMENDED"}
    # what is knowingly left out: no endTime (determinism), no agent (who ran make is not
    # recorded), and notebooks are files of the crate, so their ids are relative paths and
    # they have no url (the project records no public repository address)
    accepted = ("process-run-crate-0.5_8.4:", "process-run-crate-0.5_8.6:",
                "process-run-crate-0.5_5.1:", "process-run-crate-0.5_3.2:")
    assert [i for i in recommended if not i.startswith(accepted)] == []


def test_the_checker_rejects_a_run_without_its_notebook(written, paths, tmp_path, monkeypatch):
    """The check above can fail: a CreateAction without instrument breaks a MUST."""
    offline_context(monkeypatch)
    prepared_queries(monkeypatch)
    for entity in written["@graph"]:
        if entity.get("@type") == "CreateAction":
            del entity["instrument"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(written), encoding="utf-8")
    root = lay_out(broken, paths, tmp_path / "crate")
    # graded as the passing check above grades them: one RECOMMENDED-level validation sees a
    # broken MUST as REQUIRED
    graded = graded_issues(root, "process-run-crate-0.5", "RECOMMENDED", tmp_path / "cache")
    found = [text for grade, text in graded if grade == "REQUIRED"]
    assert found and all("instrument" in i for i in found)
