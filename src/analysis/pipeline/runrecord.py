"""The typed records of a build: one run (build/runs/NAME.json) and the manifest's artifacts.

The runner writes run records, the manifest collects them, and the RO-Crate and the site read
both. One frozen type per record, with one reader (``from_json``) and one writer
(``to_json``), keeps them one source of truth: a field the runner renames fails here, with the
file named, instead of silently vanishing from one of the descriptions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from analysis.errors import CompendiumError
from analysis.fileio import write_json
from analysis.paths import PROCESS, Paths
from analysis.pipeline.makedeps import load_config


class RunRecordError(CompendiumError):
    """A run record is missing, is not JSON, or lacks a field the runner always writes."""


@dataclass(frozen=True)
class TracedFile:
    """A file the kernel read or wrote, as the trace logged it (path relative to the root)."""

    path: str
    sha256: str
    kind: str = "input"  # "input" or "output"
    resource: str | None = None  # data-package resource name, for inputs that are resources
    artifact: str | None = None  # "figure" or "table", for outputs
    name: str | None = None  # the artifact's name, for outputs

    @classmethod
    def from_json(cls, entry: dict) -> TracedFile:
        """One entry of a record (or one line of the trace); KeyError without path or sha256."""
        return cls(path=str(entry["path"]), sha256=str(entry["sha256"]),
                   kind=str(entry.get("kind", "input")), resource=entry.get("resource"),
                   artifact=entry.get("artifact"), name=entry.get("name"))

    def to_json(self) -> dict[str, str]:
        """The entry as recorded: the fields that are set."""
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class RunRecord:
    """One executed notebook run: what ran, with which parameters, on what, producing what."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    executed: str
    inputs: tuple[TracedFile, ...]
    outputs: tuple[TracedFile, ...]

    @classmethod
    def from_json(cls, data: dict, source: Path | str = "run record") -> RunRecord:
        """Build from the parsed JSON; raise RunRecordError naming ``source`` and the field."""
        with _reading(source, "a run record", "no field", "name, notebook, parameters, "
                      "executed, inputs and outputs, each entry with path and sha256"):
            return cls(name=str(data["name"]), notebook=str(data["notebook"]),
                       parameters=dict(data["parameters"]), executed=str(data["executed"]),
                       inputs=tuple(TracedFile.from_json(e) for e in data["inputs"]),
                       outputs=tuple(TracedFile.from_json(e) for e in data["outputs"]))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "notebook": self.notebook, "parameters": self.parameters,
                "executed": self.executed, "inputs": [e.to_json() for e in self.inputs],
                "outputs": [e.to_json() for e in self.outputs]}


@dataclass(frozen=True)
class Artifact:
    """One file of the build, as the manifest lists it: its bytes and the run that made it."""

    path: str
    sha256: str
    bytes: int
    run: RunRecord

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.bytes,
                "run": self.run.name, "notebook": self.run.notebook,
                "parameters": self.run.parameters,
                "inputs": [e.to_json() for e in self.run.inputs]}


@dataclass(frozen=True)
class Manifest:
    """build/MANIFEST.json: the commit, the environment, every run and every artifact."""

    git_commit: str
    source_date_epoch: int
    python: str
    packages: dict[str, str]
    runs: tuple[RunRecord, ...]
    artifacts: tuple[Artifact, ...]

    def to_json(self) -> dict[str, Any]:
        return {"git_commit": self.git_commit, "source_date_epoch": self.source_date_epoch,
                "python": self.python, "packages": self.packages,
                "runs": [run.to_json() for run in self.runs],
                "artifacts": [artifact.to_json() for artifact in self.artifacts]}

    @classmethod
    def from_json(cls, data: dict, source: Path | str = "manifest") -> Manifest:
        """Build from the parsed JSON; each artifact must name a run the manifest lists."""
        with _reading(source, "a manifest", "no field or run", "git_commit, "
                      "source_date_epoch, python, packages, runs and artifacts, each artifact "
                      "naming one of the runs"):
            runs = tuple(RunRecord.from_json(run, source) for run in data["runs"])
            by_name = {run.name: run for run in runs}
            artifacts = tuple(Artifact(path=str(a["path"]), sha256=str(a["sha256"]),
                                       bytes=int(a["bytes"]), run=by_name[a["run"]])
                              for a in data["artifacts"])
            return cls(git_commit=str(data["git_commit"]),
                       source_date_epoch=int(data["source_date_epoch"]),
                       python=str(data["python"]), packages=dict(data["packages"]),
                       runs=runs, artifacts=artifacts)


@contextmanager
def _reading(source: Path | str, what: str, missing: str, expected: str) -> Iterator[None]:
    """A missing key or a value of the wrong type becomes one RunRecordError naming ``source``."""
    try:
        yield
    except KeyError as exc:
        raise RunRecordError(f"{source}: {missing} {exc} (expected {expected})") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise RunRecordError(f"{source}: not {what} ({exc})") from None


def _load(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunRecordError(f"{path}: missing; run `make all` first") from None
    except json.JSONDecodeError as exc:
        raise RunRecordError(f"{path}, line {exc.lineno}, column {exc.colno}: invalid JSON "
                             f"({exc.msg})") from None


def read(path: Path) -> RunRecord:
    """Read one run record file."""
    return RunRecord.from_json(_load(path), path)


def read_manifest(path: Path) -> Manifest:
    """Read build/MANIFEST.json."""
    return Manifest.from_json(_load(path), path)


def write(path: Path, record: RunRecord | Manifest) -> None:
    """Write a run record or the manifest (sorted keys, so two builds give the same bytes)."""
    write_json(path, record.to_json())


def configured(*, paths: Paths = PROCESS) -> list[RunRecord]:
    """The records of every run in the build configuration, in the configuration's order."""
    return [read(paths.runs / f"{run['name']}.json")
            for run in load_config(paths=paths)["runs"]]
