"""Shared fixtures (a scratch data package, a temporary build folder, the tiny configuration
built once per session), and a guard: the test session fails if it changed anything in the
user's real build/ folder."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis._startup import skip_unused_imports
from analysis.paths import PROCESS, Paths

skip_unused_imports()  # before any test module imports nbformat or jsonschema (1.5 s each worker)

_REAL_BUILD = PROCESS.root / "build"


def _build_state() -> dict[str, tuple[int, int]]:
    if not _REAL_BUILD.exists():
        return {}
    return {p.relative_to(_REAL_BUILD).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(_REAL_BUILD.rglob("*")) if p.is_file()}


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the xdist controller, or a plain run
        session.config.stash[_BUILD_KEY] = (_REAL_BUILD.exists(), _build_state())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BUILD_KEY, None)
    if before is None:
        return
    after = (_REAL_BUILD.exists(), _build_state())
    if after != before:
        changed = sorted(set(before[1].items()) ^ set(after[1].items()))
        names = sorted({name for name, _ in changed}) or ["build/ itself"]
        print(f"\nerror: the tests changed the real {_REAL_BUILD}: {', '.join(names[:10])}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BUILD_KEY = pytest.StashKey[tuple[bool, dict]]()


class ScratchPackage:
    """A data folder of a test's own: ``package(name, text, fields)`` adds a CSV resource."""

    def __init__(self, paths: Paths, add) -> None:
        self.paths, self._add = paths, add

    def __call__(self, name: str, text: str, fields: list[dict], **schema_extra) -> Path:
        return self._add(name, text, fields, **schema_extra)


@pytest.fixture
def scratch_data(tmp_path) -> ScratchPackage:
    """An empty data folder with its own datapackage.json (``.paths`` points at it and at a
    temporary build/); call it to add resources."""
    data = tmp_path / "data"
    data.mkdir()
    descriptor = {"name": "scratch", "resources": []}

    def add(name: str, text: str, fields: list[dict], **schema_extra) -> Path:
        from analysis.fileio import sha256_file

        path = data / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        descriptor["resources"].append({
            "name": name, "path": path.name, "schema": {"fields": fields, **schema_extra},
            "sources": [{"title": "test fixture", "path": "https://example.org/fixture"}],
            "licenses": [{"name": "CC0-1.0"}], "hash": f"sha256:{sha256_file(path)}"})
        (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        return path

    return ScratchPackage(PROCESS.replace(data=data, build=tmp_path / "build"), add)


@pytest.fixture
def tmp_build(tmp_path, monkeypatch) -> Path:
    """A temporary build/, exported for the kernels and tools the test starts."""
    build = tmp_path / "build"
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(build))
    return build


@pytest.fixture
def tmp_paths(tmp_build) -> Paths:
    """The project's paths with a temporary build/ (also exported, for the kernel and CLIs)."""
    return PROCESS.replace(build=tmp_build)


@pytest.fixture
def package_copy(tmp_path) -> Path:
    """A copy of the real data/ folder (descriptor and files) that a test may edit freely."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROCESS.data, data)
    return data


@pytest.fixture
def package_paths(package_copy, tmp_path) -> Paths:
    """The project's paths with a copy of data/ and a temporary build/."""
    return PROCESS.replace(data=package_copy, build=tmp_path / "build")


CI = "CONFIG=config/ci.yml"
#: The slowest modules, longest first, so the two workers end together (xdist hands out whole
#: modules in this order: `make test` passes --no-loadscope-reorder). The module that builds
#: ``ci_build`` starts first, so by the turn of test_dist_e2e, which copies it, it is built.
SLOWEST_FIRST = ("tests/foundation/test_build_e2e.py", "tests/literature/test_snapshot_spark.py",
                 "tests/site/test_browser.py", "tests/governance/test_notebook.py",
                 "tests/literature/test_notebook01.py", "tests/deposit/test_dist_e2e.py",
                 "tests/site/test_site_render.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return SLOWEST_FIRST.index(module) if module in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)  # stable: the other modules keep their collection order


@dataclass(frozen=True)
class SharedBuild:
    """The tiny configuration, built once per test session in a copy of the project: read it,
    or ``copy`` it to change it."""

    path: Path
    stdout: str
    stderr: str

    def copy(self, dest: Path) -> Path:
        """A copy that make takes as up to date: same files, same times, same git commit."""
        shutil.copytree(self.path, dest, symlinks=True)
        return dest


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def ci_build(tmp_path_factory: pytest.TempPathFactory) -> SharedBuild:
    """`make CONFIG=config/ci.yml all` in a copy of the project, once for all xdist workers:
    the first to ask builds it under a lock in their common temporary folder; the others wait
    for it, then read the same folder."""
    from analysis.pipeline.workspace import copy_project, make

    common = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        common = common.parent
    folder = common / "ci-build"
    with _exclusive(common / "ci-build.lock"):
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            result = make(copy_project(folder / "compendium"), CI, "all")
            (folder / "stdout").write_text(result.stdout, encoding="utf-8")
            (folder / "stderr").write_text(result.stderr, encoding="utf-8")
            (folder / "done").touch()
    return SharedBuild(folder / "compendium", (folder / "stdout").read_text(encoding="utf-8"),
                       (folder / "stderr").read_text(encoding="utf-8"))
