"""Shared fixtures: a throw-away copy of the project to build in, and a scratch data package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import paths

REPO = paths.ROOT
VENV = REPO / ".venv"


def project_files() -> list[str]:
    """Files git would ship: tracked plus untracked-but-not-ignored (the working tree's state)."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                         capture_output=True, check=True).stdout.decode()
    return sorted(f for f in out.split("\0") if f and (REPO / f).is_file())


def copy_project(dest: Path) -> Path:
    """Copy the project (as a fresh clone would have it) and commit it, so git-derived fields work."""
    for rel in project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-qm", "snapshot"], cwd=dest, check=True)
    return dest


def make(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run make in a project copy with the already-installed environment and the copy's code."""
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "ANALYSIS_ROOT": str(project),
           "ANALYSIS_SHARED_DIR": str(paths.SHARED)}
    for key in ("ANALYSIS_BUILD_DIR", "ANALYSIS_CONFIG", "ANALYSIS_RUN_RECORD",
                "ANALYSIS_STAGING_DIR", "MAKEFLAGS", "MAKELEVEL"):
        env.pop(key, None)
    result = subprocess.run(["make", f"VENV={VENV}", "NO_ENV_SETUP=1", *args], cwd=project,
                            env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


@pytest.fixture
def scratch_data(tmp_path, monkeypatch):
    """An empty data folder with its own datapackage.json; returns a function adding resources."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(paths, "DATA", data)
    monkeypatch.setattr(paths, "DATAPACKAGE", data / "datapackage.json")
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

    return add
