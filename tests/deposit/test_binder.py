"""Binder / repo2docker: it picks environment.yml (the lock's pins) and then runs postBuild,
which installs the package; repo2docker itself is asked for the build plan (no container)."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

from analysis.paths import PROCESS

REPO2DOCKER = Path(sys.executable).with_name("repo2docker")


def test_repo2docker_picks_the_conda_buildpack_from_environment_yml(monkeypatch):
    from repo2docker.app import Repo2Docker
    from repo2docker.buildpacks import CondaBuildPack

    monkeypatch.chdir(PROCESS.root)  # buildpacks detect their files in the current folder
    app = Repo2Docker()
    picked = next(bp for bp in (BP(base_image=app.base_image) for BP in app.buildpacks)
                  if bp.detect())
    assert type(picked) is CondaBuildPack
    # a binder/ folder would take precedence; requirements.txt/runtime.txt would be ignored
    # beside environment.yml: neither may exist, so there is one environment specification
    assert not any((PROCESS.root / f).exists()
                   for f in ("binder", ".binder", "requirements.txt", "runtime.txt"))


def test_the_build_plan_installs_environment_yml_with_the_locked_python_then_postbuild():
    result = subprocess.run([str(REPO2DOCKER), "--no-build", "--user-id", "1000",
                             "--user-name", "jovyan", str(PROCESS.root)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    locked = re.search(r"--python-version (\d+\.\d+)", PROCESS.lock.read_text())[1]
    assert f"Building conda environment for python={locked}" in result.stderr
    dockerfile = result.stdout
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in dockerfile
    assert dockerfile.index("environment.yml") < dockerfile.index("RUN ./postBuild")


def test_postbuild_installs_only_the_package_and_is_executable():
    post = PROCESS.root / "postBuild"
    assert post.stat().st_mode & stat.S_IXUSR
    commands = [ln for ln in post.read_text().splitlines()
                if ln.strip() and not ln.startswith("#") and not ln.startswith("set ")]
    assert commands == ["pip install --no-deps -e ."]
