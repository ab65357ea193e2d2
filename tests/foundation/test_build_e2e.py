"""End-to-end: clean builds are byte-identical, no-op builds run nothing, and bad input or a
failing notebook leaves every earlier output untouched. Works on a copy of the session's build
of the tiny config/ci.yml (``ci_build``: a copy of the project as a fresh clone would have it,
built sequentially with the already-installed environment), then builds it again from clean
with -j2, killing one build mid-run while a second waits to finish it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.fileio import sha256_file
from analysis.pipeline.workspace import installed_venv, make
from analysis.site.browser import check_in_browser, find_chromium
from analysis.site.check import check_site

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
class Interrupted:
    """A clean -j2 build SIGKILLed while a kernel writes, and the -j2 build that waited on the
    lock and finished it. ``killed_done``: the runs whose executed notebook the killed build
    had published (its "ran" line may be lost in the kill)."""
    killed_done: list[str]
    waiting_returncode: int
    waiting_out: str
    waiting_err: str
    leftovers: list[str]


@dataclass
class Builds:
    path: Path
    first_ran: list[str]
    first_hashes: dict[str, str]
    first_site: dict[str, str]
    first_stderr: str
    second_ran: list[str]
    second_hashes: dict[str, str]
    second_site: dict[str, str]
    interrupted: Interrupted


@pytest.fixture(scope="module")
def builds(ci_build, tmp_path_factory) -> Builds:
    """The session's sequential build, copied; then, from clean, a -j2 build killed mid-run
    and the -j2 build that finishes it (so the second clean build is also the crash test)."""
    project = ci_build.copy(tmp_path_factory.mktemp("e2e") / "compendium")
    first_hashes, first_site = artifact_hashes(project), site_hashes(project)
    make(project, "clean")
    interrupted = _interrupted_build(project, tmp_path_factory.mktemp("interrupted"))
    assert interrupted.waiting_returncode == 0, interrupted.waiting_out + interrupted.waiting_err
    return Builds(project, RAN.findall(ci_build.stdout), first_hashes, first_site,
                  ci_build.stderr, interrupted.killed_done + RAN.findall(interrupted.waiting_out),
                  artifact_hashes(project), site_hashes(project), interrupted)


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
    assert builds.second_site == builds.first_site


def test_every_figure_a_notebook_shows_carries_the_alt_text_of_its_saved_file(builds):
    """Notebooks show the saved PNG (figures.save(show=True)), so the site finds its sidecar's
    alt text instead of a generic "image output of cell N" (which it warns about)."""
    assert "no alt text found" not in builds.first_stderr


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


def _env_for(project):
    from analysis.pipeline.workspace import clean_env

    return clean_env(project)


def _make_process(project, *args: str, stderr=subprocess.PIPE) -> subprocess.Popen:
    """A make in its own session (so a SIGKILL of its group reaches only it)."""
    return subprocess.Popen(["make", f"VENV={installed_venv()}", "NO_ENV_SETUP=1", CI,
                             *args], cwd=project, env=_env_for(project), text=True,
                            stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)


def _wait_for(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _kernel_is_working(project) -> bool:
    return any(p.is_file() for p in (project / "build").glob(".work.*/staging/**/*"))


def _interrupted_build(project: Path, tmp: Path) -> Interrupted:
    """Start a -j2 build, start a second that waits on the lock, SIGKILL the first while a
    kernel writes; the second then builds what the first left undone."""
    first = _make_process(project, "-j2", "all")
    _wait_for(lambda: _kernel_is_working(project))  # a kernel runs: the first holds the lock
    waiting = tmp / "second.err"
    with waiting.open("w") as err_file:
        second = _make_process(project, "-j2", "all", stderr=err_file)
        _wait_for(lambda: "another build of this checkout is running" in waiting.read_text())
        _wait_for(lambda: _kernel_is_working(project))
        os.killpg(first.pid, signal.SIGKILL)
        first.communicate()
        # the waiting make needs far longer than this to finish a run of its own
        done = sorted(p.stem for p in (project / "build" / "notebooks").glob("*.ipynb"))
        out, _ = second.communicate(timeout=600)
    build = project / "build"
    leftovers = [p.name for pattern in (".work.*", ".html.*") for p in build.glob(pattern)]
    return Interrupted(done, second.returncode, out, waiting.read_text(), leftovers)


def test_a_build_killed_mid_run_while_another_waits_ends_byte_identical_to_a_clean_build(
        builds):
    """SIGKILL a build while a kernel writes; the build that waited on the lock then finishes
    it: every artifact and page equals the clean build's, and no temporary folder is left."""
    interrupted = builds.interrupted
    assert interrupted.waiting_returncode == 0
    assert "another build of this checkout is running" in interrupted.waiting_err
    assert RAN.findall(interrupted.waiting_out), "the waiting build had nothing left to run"
    assert builds.second_hashes == builds.first_hashes
    assert builds.second_site == builds.first_site
    assert interrupted.leftovers == []


def test_a_deleted_or_damaged_artifact_or_run_record_is_rebuilt_by_make_all(builds, project):
    manifest = json.loads((project / "build" / "MANIFEST.json").read_text())
    by_run = {}
    for artifact in manifest["artifacts"]:
        if not artifact["path"].startswith("build/notebooks/"):
            by_run.setdefault(artifact["run"], artifact["path"])
    # three runs of the two quick notebooks: which run is damaged does not change what make
    # must do, and notebook 01 would cost most of the rebuild
    quick = sorted((run, path) for run, path in by_run.items() if not run.startswith("01_"))
    (deleted_run, deleted), (damaged_run, damaged), (record_run, _) = quick[:3]
    (project / deleted).unlink()
    with open(project / damaged, "r+b") as handle:
        handle.truncate(10)
    (project / "build" / "runs" / f"{record_run}.json").unlink()
    question = make(project, CI, "-q", "all", check=False)
    assert question.returncode != 0, "make takes a damaged build as up to date"
    result = make(project, CI, "all")
    assert set(RAN.findall(result.stdout)) == {deleted_run, damaged_run, record_run}
    assert artifact_hashes(project) == builds.first_hashes


def test_a_finished_build_leaves_no_temporary_folder_in_build(builds):
    hidden = [p.name for p in (builds.path / "build").iterdir() if p.is_dir()
              and p.name.startswith(".")]
    assert hidden == []


def test_switching_the_configuration_remakes_the_run_rules_and_the_manifest(builds, project):
    """Last in this file: it leaves the build as it was, but re-makes its manifest and site."""
    from analysis import yamlfile

    def runs(config: str) -> dict[str, dict]:
        return {run["name"]: run.get("parameters", {})
                for run in yamlfile.load(project / "config" / config)["runs"]}

    full, tiny = runs("build.yml"), runs("ci.yml")
    planned = make(project, "CONFIG=config/build.yml", "-n", "all").stdout
    # every run only the full configuration has is planned: its rules were made again
    assert set(full) - set(tiny) <= set(re.findall(r"--name (\S+)", planned))
    assert "analysis.pipeline.manifest" in planned
    back = make(project, CI, "all")  # back to the tiny configuration, an older file
    changed = sorted(name for name in tiny if full.get(name) != tiny[name])  # n_bootstrap
    assert sorted(RAN.findall(back.stdout)) == changed and changed
    assert "analysis.pipeline.manifest" in back.stdout
    assert artifact_hashes(project) == builds.first_hashes
