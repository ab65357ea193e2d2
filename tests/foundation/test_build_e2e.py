"""End-to-end: clean builds are byte-identical, no-op builds run nothing, and bad input or a
failing notebook leaves every earlier output untouched. Builds the tiny config/ci.yml in a copy
of the project (as a fresh clone would have it), with the already-installed environment."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.fileio import sha256_file
from analysis.site.browser import check_in_browser, find_chromium
from analysis.site.check import check_site
from analysis.workspace import copy_project, make

pytestmark = pytest.mark.slow
CI = "CONFIG=config/ci.yml"
RAN = re.compile(r"^ran (\S+) ->", re.MULTILINE)


def site_hashes(project) -> dict[str, str]:
    html = project / "build" / "html"
    return {p.relative_to(html).as_posix(): sha256_file(p) for p in sorted(html.rglob("*"))
            if p.is_file() and p.name != "screenshot.png"}


def artifact_hashes(project) -> dict[str, str]:
    manifest = json.loads((project / "build" / "MANIFEST.json").read_text())
    return {a["path"]: a["sha256"] for a in manifest["artifacts"]}


def executed_mtimes(project) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (project / "build" / "notebooks").glob("*.ipynb")}


@dataclass
class Builds:
    path: Path
    first_ran: list[str]
    first_hashes: dict[str, str]
    first_site: dict[str, str]
    second_ran: list[str]
    second_hashes: dict[str, str]


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    """A project copy built twice from clean: sequentially, then with -j2."""
    project = copy_project(tmp_path_factory.mktemp("compendium"))
    first = make(project, CI, "all")
    first_hashes, first_site = artifact_hashes(project), site_hashes(project)
    make(project, "clean")
    second = make(project, CI, "-j2", "all")
    return Builds(project, RAN.findall(first.stdout), first_hashes, first_site,
                  RAN.findall(second.stdout), artifact_hashes(project))


@pytest.fixture
def project(builds) -> Path:
    return builds.path


def test_two_clean_builds_are_byte_identical(builds):
    assert builds.first_ran, "the first build executed no notebook"
    assert sorted(builds.first_ran) == sorted(builds.second_ran)
    hashes = builds.first_hashes
    assert hashes == builds.second_hashes
    figures = [p for p in hashes if p.startswith("build/figures/")]
    assert {p.rsplit(".", 1)[1] for p in figures} >= {"png", "svg", "pdf"}
    assert any(p.startswith("build/tables/") for p in hashes)
    assert any(p.startswith("build/notebooks/") for p in hashes)


def test_two_clean_builds_give_a_byte_identical_site(builds):
    assert "index.html" in builds.first_site
    assert site_hashes(builds.path) == builds.first_site


@pytest.mark.browser
def test_built_site_loads_in_a_real_browser(builds):
    """Every page of the real site through file:// in headless Chromium; index screenshot kept."""
    chromium = find_chromium()
    if not chromium:
        message = "headless Chromium not found: run `bash tools/ensure-chromium.sh`"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    html = builds.path / "build" / "html"
    assert check_in_browser(html, chromium=chromium) == []
    assert check_site(html) == []
    assert (html / "screenshot.png").stat().st_size > 10_000


def test_manifest_traces_every_artifact_to_notebook_parameters_and_inputs(project):
    manifest = json.loads((project / "build" / "MANIFEST.json").read_text())
    assert re.fullmatch(r"[0-9a-f]{40}", manifest["git_commit"])
    assert manifest["packages"]["pandas"]
    for artifact in manifest["artifacts"]:
        assert artifact["notebook"].startswith("notebooks/")
        assert isinstance(artifact["parameters"], dict)
        assert all(re.fullmatch(r"[0-9a-f]{64}", i["sha256"]) for i in artifact["inputs"])
    grid = [a for a in manifest["artifacts"] if "valuegrid_slide" in a["path"]]
    assert grid and {"data/valuegrid/components.csv"} <= {i["path"] for i in grid[0]["inputs"]}


def test_noop_build_executes_no_notebook(project):
    before = executed_mtimes(project)
    started = time.perf_counter()
    result = make(project, CI, "all")
    elapsed = time.perf_counter() - started
    assert RAN.findall(result.stdout) == []
    assert executed_mtimes(project) == before
    print(f"no-op make all: {elapsed:.3f} s")  # reported, not asserted: the machine is shared


def test_touching_a_data_file_reruns_only_the_notebooks_that_read_it(builds, project):
    manifest = json.loads((project / "build" / "MANIFEST.json").read_text())
    readers = {run["name"] for run in manifest["runs"]
               if "data/valuegrid/values.csv" in {i["path"] for i in run["inputs"]}}
    assert readers, "no run reads data/valuegrid/values.csv"
    (project / "data" / "valuegrid" / "values.csv").touch()
    result = make(project, CI, "all")
    assert set(RAN.findall(result.stdout)) == readers
    assert artifact_hashes(project) == builds.second_hashes


def test_one_changed_byte_in_data_fails_naming_file_and_checksum(project):
    target = project / "data" / "valuegrid" / "components.csv"
    original = target.read_bytes()
    before = artifact_hashes(project)
    try:
        target.write_bytes(original.replace(b"Efficience", b"Efficiencf", 1))
        result = make(project, CI, "all", check=False)
        assert result.returncode != 0
        assert "data/valuegrid/components.csv" in result.stderr
        assert "checksum mismatch" in result.stderr
        assert RAN.findall(result.stdout) == []
        assert artifact_hashes(project) == before
    finally:
        target.write_bytes(original)
        os.utime(target)


def test_failing_notebook_names_the_cell_and_leaves_no_up_to_date_target(project):
    path = project / "notebooks" / "02_value_grid.ipynb"
    original = path.read_text()
    nb = json.loads(original)
    nb["cells"].insert(4, {"cell_type": "code", "id": "deliberate-failure", "metadata": {},
                           "execution_count": None, "outputs": [],
                           "source": ["raise ValueError('deliberate test failure')"]})
    before = artifact_hashes(project)
    try:
        path.write_text(json.dumps(nb))
        result = make(project, CI, "all", check=False)
        assert result.returncode != 0
        assert "id 'deliberate-failure'" in result.stderr
        assert "ValueError: deliberate test failure" in result.stderr
        assert artifact_hashes(project) == before
        assert (project / "build" / "failed").is_dir()
        question = make(project, CI, "-q", "all", check=False)
        assert question.returncode != 0, "make takes the failed build as up to date"
    finally:
        path.write_text(original)
