"""End-to-end: `make dist` twice on one build gives the same sha256, and the unzipped archive,
which is no git checkout, rebuilds byte-identical artifacts with `make all`. Works on a copy of
the session's build of the tiny config/ci.yml (``ci_build``), which make takes as up to date.

That two clean builds give the same artifacts and site is checked by
tests/foundation/test_build_e2e.py (sequentially, then with -j2), and again here by the
unzipped archive's own rebuild; so the archive step is checked for determinism on one build,
without paying a third full build."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.pipeline.workspace import commit, make, project_files

pytestmark = pytest.mark.slow
CI = "CONFIG=config/ci.yml"
RAN = re.compile(r"^ran (\S+) ->", re.MULTILINE)


@dataclass
class Dists:
    project: Path
    copy_up_to_date: int
    head: str
    ran_for_the_first: list[str]
    first: bytes
    second: bytes
    archive: Path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_name(project: Path) -> str:
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    return f"{meta['name']}-{meta['version']}.zip"


def extract(archive: Path, dest: Path) -> Path:
    """Unzip keeping the permission bits (zipfile.extractall drops them)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = Path(zf.extract(info, dest))
            target.chmod(info.external_attr >> 16 & 0o777)
    return dest


@pytest.fixture(scope="module")
def dists(ci_build, tmp_path_factory) -> Dists:
    project = ci_build.copy(tmp_path_factory.mktemp("dist") / "compendium")
    up_to_date = make(project, CI, "-q", "all", check=False).returncode
    head = commit(project, "after the build")  # what a user does before `make dist`
    target = project / "build" / "dist" / archive_name(project)
    ran = RAN.findall(make(project, CI, "dist").stdout)
    first = target.read_bytes()
    kept = tmp_path_factory.mktemp("kept") / target.name
    kept.write_bytes(first)
    shutil.rmtree(target.parent)  # the archive again, from the same build
    make(project, CI, "dist")
    return Dists(project, up_to_date, head, ran, first, target.read_bytes(), kept)



@pytest.fixture(scope="module")
def members(dists) -> dict[str, bytes]:
    with zipfile.ZipFile(dists.archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_a_copied_built_checkout_is_up_to_date(dists):
    """Nothing in build/ names the folder it was built in, so a moved checkout needs no work."""
    assert dists.copy_up_to_date == 0, "make -q: a copy of a finished build is out of date"


def test_make_dist_after_a_new_commit_names_it_without_running_a_notebook(dists, members):
    """The manifest, crate and site name the commit: a new one re-makes them, not the runs."""
    info = dict(line.split("=", 1) for line in members["ARCHIVE-INFO"].decode().splitlines())
    assert info["commit"] == dists.head
    assert json.loads(members["build/MANIFEST.json"])["git_commit"] == dists.head
    assert dists.ran_for_the_first == []


def test_two_make_dist_on_one_build_give_the_same_sha256(dists):
    assert sha(dists.first) == sha(dists.second)
    print(f"archive {dists.archive.name}: {len(dists.first)} bytes, sha256 {sha(dists.first)}")


def test_the_archive_holds_source_build_crate_and_checksums(dists, members):
    names = set(members)
    assert set(project_files(dists.project)) <= names  # the source at the commit
    for prefix in ("build/html/", "build/notebooks/", "build/figures/", "build/tables/"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert {"build/html/index.html", "build/html/ro-crate-metadata.json", "build/MANIFEST.json",
            "ro-crate-metadata.json", "ARCHIVE-INFO", "SHA256SUMS"} <= names
    sums = dict(reversed(line.split("  ", 1))
                for line in members["SHA256SUMS"].decode().splitlines())
    assert set(sums) == names - {"SHA256SUMS"}
    assert all(sha(members[n]) == digest for n, digest in sums.items())


def test_every_result_of_the_root_crate_is_in_the_archive_with_its_checksum(members):
    crate = json.loads(members["ro-crate-metadata.json"])
    by_id = {e["@id"]: e for e in crate["@graph"]}
    results = [r["@id"] for e in crate["@graph"] if e.get("@type") == "CreateAction"
               for r in (e["result"] if isinstance(e["result"], list) else [e["result"]])]
    assert results
    assert all(sha(members[r]) == by_id[r]["sha256"] for r in results)


def test_archive_info_records_the_commit_and_its_date(dists, members):
    info = dict(line.split("=", 1) for line in members["ARCHIVE-INFO"].decode().splitlines())
    manifest = json.loads(members["build/MANIFEST.json"])
    assert info["commit"] == manifest["git_commit"]
    assert re.fullmatch(r"[0-9a-f]{40}", info["commit"])
    assert int(info["source_date_epoch"]) == manifest["source_date_epoch"] > 0


def test_the_unzipped_archive_rebuilds_byte_identical_artifacts(dists, members, tmp_path):
    tree = extract(dists.archive, tmp_path / "unzipped")
    assert not (tree / ".git").exists()
    result = make(tree, CI, "all")
    config_runs = re.findall(r"name: (\S+)", (tree / "config" / "ci.yml").read_text())
    assert sorted(RAN.findall(result.stdout)) == sorted(config_runs)  # really rebuilt
    rebuilt = json.loads((tree / "build" / "MANIFEST.json").read_text())
    archived = json.loads(members["build/MANIFEST.json"])
    assert {a["path"]: a["sha256"] for a in rebuilt["artifacts"]} == \
        {a["path"]: a["sha256"] for a in archived["artifacts"]}
    assert (tree / "build" / "MANIFEST.json").read_bytes() == members["build/MANIFEST.json"]
    assert (tree / "build" / "ro-crate-metadata.json").read_bytes() == \
        members["ro-crate-metadata.json"]
