"""Write build/MANIFEST.json: every artifact, its checksum, the run that made it and its inputs.

A reviewer can take any file in build/ and find the notebook and parameters that produced it,
the exact data files (by sha256) it was computed from, the commit and the package versions.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata

from analysis import paths
from analysis.errors import CompendiumError, reports_errors
from analysis.fileio import sha256_file, write_json
from analysis.pipeline import origin
from analysis.pipeline.makedeps import load_config


def git_commit() -> str:
    """HEAD of the project, with ``-dirty`` when tracked files differ from it.

    An unzipped `make dist` archive is no git checkout: its ARCHIVE-INFO names the commit.
    """
    if info := origin.archive_info():
        return info["commit"]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=paths.ROOT, capture_output=True, text=True,
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


def _artifacts(runs: list[dict]) -> list[dict]:
    artifacts, owners = [], {}
    for run in runs:
        for output in run["outputs"]:
            if output["path"] in owners:
                raise CompendiumError(f"{output['path']} is written by two runs: "
                                      f"{owners[output['path']]} and {run['name']}")
            owners[output["path"]] = run["name"]
            file = _checked_output(run, output)
            artifacts.append({"path": output["path"], "sha256": output["sha256"],
                              "bytes": file.stat().st_size, "run": run["name"],
                              "notebook": run["notebook"], "parameters": run["parameters"],
                              "inputs": run["inputs"]})
        executed = paths.BUILD / run["executed"].removeprefix("build/")
        artifacts.append({"path": run["executed"], "sha256": sha256_file(executed),
                          "bytes": executed.stat().st_size, "run": run["name"],
                          "notebook": run["notebook"], "parameters": run["parameters"],
                          "inputs": run["inputs"]})
    return sorted(artifacts, key=lambda a: a["path"])


def _checked_output(run: dict, output: dict):
    """The artifact's file, if its bytes are those the run recorded; otherwise the run's
    executed notebook is removed, so the next ``make all`` re-runs it, and the step fails."""
    file = paths.BUILD / output["path"].removeprefix("build/")
    actual = sha256_file(file) if file.is_file() else "missing"
    if actual != output["sha256"]:
        (paths.BUILD / run["executed"].removeprefix("build/")).unlink(missing_ok=True)
        raise CompendiumError(f"{output['path']}: {'missing' if actual == 'missing' else 'damaged'}"
                              f" (its sha256 is not the one run {run['name']} recorded); "
                              f"`make all` will re-run {run['name']}")
    return file


def build_manifest() -> dict:
    runs = []
    for run in load_config()["runs"]:
        record = paths.RUNS / f"{run['name']}.json"
        if not record.exists():
            raise CompendiumError(f"{record}: missing; run `make all` first")
        runs.append(json.loads(record.read_text(encoding="utf-8")))
    return {
        "git_commit": git_commit(),
        "source_date_epoch": int(os.environ.get("SOURCE_DATE_EPOCH", "0")),
        "python": platform.python_version(),
        "packages": package_versions(),
        "runs": runs,
        "artifacts": _artifacts(runs),
    }


@reports_errors
def main() -> int:
    manifest = build_manifest()
    write_json(paths.MANIFEST, manifest)
    print(f"wrote {paths.relative(paths.MANIFEST)}: {len(manifest['artifacts'])} artifacts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
