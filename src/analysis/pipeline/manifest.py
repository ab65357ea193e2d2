"""Write build/MANIFEST.json: every artifact, its checksum, the run that made it and its inputs.

A reviewer can take any file in build/ and find the notebook and parameters that produced it,
the exact data files (by sha256) it was computed from, the commit and the package versions.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from analysis import cli
from analysis.errors import CompendiumError
from analysis.fileio import sha256_file
from analysis.paths import PROCESS, Paths
from analysis.pipeline import origin, runrecord
from analysis.pipeline.runrecord import Artifact, Manifest, RunRecord, TracedFile


def git_commit(*, paths: Paths = PROCESS) -> str:
    """HEAD of the project, with ``-dirty`` when tracked files differ from it.

    An unzipped `make dist` archive is no git checkout: its ARCHIVE-INFO names the commit.
    """
    if info := origin.archive_info(paths=paths):
        return info["commit"]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=paths.root, capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}-dirty" if dirty else commit


def package_versions() -> dict[str, str]:
    return dict(sorted((dist.metadata["Name"].lower(), dist.version)
                       for dist in metadata.distributions() if dist.metadata["Name"]))


def _artifacts(runs: list[RunRecord], paths: Paths) -> list[Artifact]:
    artifacts, owners = [], {}
    for run in runs:
        for output in run.outputs:
            if output.path in owners:
                raise CompendiumError(f"{output.path} is written by two runs: "
                                      f"{owners[output.path]} and {run.name}")
            owners[output.path] = run.name
            file = _checked_output(run, output, paths)
            artifacts.append(Artifact(output.path, output.sha256, file.stat().st_size, run))
        executed = paths.absolute(run.executed)
        artifacts.append(Artifact(run.executed, sha256_file(executed), executed.stat().st_size,
                                  run))
    return sorted(artifacts, key=lambda a: a.path)


def _checked_output(run: RunRecord, output: TracedFile, paths: Paths) -> Path:
    """The artifact's file, if its bytes are those the run recorded; otherwise the run's
    executed notebook is removed, so the next ``make all`` re-runs it, and the step fails."""
    file = paths.absolute(output.path)
    actual = sha256_file(file) if file.is_file() else "missing"
    if actual != output.sha256:
        paths.absolute(run.executed).unlink(missing_ok=True)
        raise CompendiumError(f"{output.path}: {'missing' if actual == 'missing' else 'damaged'}"
                              f" (its sha256 is not the one run {run.name} recorded); "
                              f"`make all` will re-run {run.name}")
    return file


def build_manifest(*, paths: Paths = PROCESS) -> Manifest:
    """The manifest of the build: every configured run's record and every file it made."""
    runs = runrecord.configured(paths=paths)
    return Manifest(git_commit=git_commit(paths=paths),
                    source_date_epoch=int(os.environ.get("SOURCE_DATE_EPOCH", "0")),
                    python=platform.python_version(), packages=package_versions(),
                    runs=tuple(runs), artifacts=tuple(_artifacts(runs, paths)))


@cli.command()
def main(args: argparse.Namespace, paths: Paths) -> int:
    manifest = build_manifest(paths=paths)
    runrecord.write(paths.manifest, manifest)
    print(f"wrote {paths.relative(paths.manifest)}: {len(manifest.artifacts)} artifacts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
