"""Throw-away copies of the project, built with make: for end-to-end tests and benchmarks.

A copy holds exactly what a fresh clone would (tracked files plus untracked files git does not
ignore), committed in a new git repository so git-derived fields (commit, SOURCE_DATE_EPOCH)
work. It reuses the installed environment and imports the copy's own code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from analysis.paths import PROCESS, Paths

#: Variables of the current process that would leak this tree's settings into the copy: ours,
#: make's own, and the variables a `make VAR=value test` passes down to every child process.
_ISOLATE = ("ANALYSIS_BUILD_DIR", "ANALYSIS_CONFIG", "ANALYSIS_RUN_RECORD",
            "ANALYSIS_STAGING_DIR", "ANALYSIS_ROOT", "ANALYSIS_DATA_DIR", "ANALYSIS_LOCALES_DIR",
            "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "COMPENDIUM_LOCK", "BUILD", "CONFIG", "VENV",
            "NO_ENV_SETUP", "PYTHON")


def project_files(root: Path) -> list[str]:
    """The files a fresh clone of ``root`` would hold: tracked, or untracked and not ignored."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                         capture_output=True, check=True).stdout.decode()
    return sorted(f for f in out.split("\0") if f and (root / f).is_file())


def copy_project(dest: Path, *, paths: Paths = PROCESS) -> Path:
    """Copy the project at ``paths.root`` into ``dest`` as a fresh, committed git repository."""
    for rel in project_files(paths.root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(paths.root / rel, target)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    commit(dest, "snapshot")
    return dest


def commit(project: Path, message: str) -> str:
    """Commit everything staged (or nothing) in ``project`` as the copies' author; its sha."""
    git = ["git", "-c", "user.name=compendium", "-c", "user.email=compendium@example.org"]
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", message], cwd=project,
                   check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, check=True,
                          capture_output=True, text=True).stdout.strip()


def clean_env(project: Path, *, paths: Paths = PROCESS) -> dict[str, str]:
    """This process's environment without its build settings, reading the copy's own code
    and this project's shared folder (``paths.shared``)."""
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATE}
    env.update({"PYTHONPATH": str(project / "src"), "ANALYSIS_SHARED_DIR": str(paths.shared)})
    return env


def installed_venv(*, paths: Paths = PROCESS) -> Path:
    """The installed environment a copy reuses: this project's .venv."""
    return paths.root / ".venv"


def make(project: Path, *args: str, check: bool = True,
         paths: Paths = PROCESS) -> subprocess.CompletedProcess:
    """Run make in a copy with the installed environment (NO_ENV_SETUP) and the copy's code."""
    env = clean_env(project, paths=paths)
    command = ["make", f"VENV={installed_venv(paths=paths)}", "NO_ENV_SETUP=1", *args]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"make {' '.join(args)} failed ({result.returncode}) in {project}:\n"
                           f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result
