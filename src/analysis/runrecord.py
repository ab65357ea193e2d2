"""A typed view of one run record (build/runs/NAME.json), as analysis.run writes it.

The manifest and the RO-Crate describe the same runs; reading the records through one frozen
type keeps them one source of truth: a field the runner renames fails here, with the file
named, instead of silently vanishing from one of the two descriptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import CompendiumError
from analysis.makedeps import load_config


class RunRecordError(CompendiumError):
    """A run record is missing, is not JSON, or lacks a field the runner always writes."""


@dataclass(frozen=True)
class TracedFile:
    """A file the kernel read or wrote, as the trace logged it (path relative to the root)."""

    path: str
    sha256: str
    resource: str | None = None  # data-package resource name, for inputs that are resources
    artifact: str | None = None  # "figure" or "table", for outputs
    name: str | None = None  # the artifact's name, for outputs


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
        try:
            return cls(name=str(data["name"]), notebook=str(data["notebook"]),
                       parameters=dict(data["parameters"]), executed=str(data["executed"]),
                       inputs=tuple(_traced(e) for e in data["inputs"]),
                       outputs=tuple(_traced(e) for e in data["outputs"]))
        except KeyError as exc:
            raise RunRecordError(f"{source}: no field {exc} (expected name, notebook, "
                                 "parameters, executed, inputs and outputs, each entry with "
                                 "path and sha256)") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise RunRecordError(f"{source}: not a run record ({exc})") from None


def _traced(entry: dict) -> TracedFile:
    return TracedFile(path=str(entry["path"]), sha256=str(entry["sha256"]),
                      resource=entry.get("resource"), artifact=entry.get("artifact"),
                      name=entry.get("name"))


def read(path: Path) -> RunRecord:
    """Read one run record file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunRecordError(f"{path}: missing; run `make all` first") from None
    except json.JSONDecodeError as exc:
        raise RunRecordError(f"{path}, line {exc.lineno}, column {exc.colno}: invalid JSON "
                             f"({exc.msg})") from None
    return RunRecord.from_json(data, path)


def configured() -> list[RunRecord]:
    """The records of every run in the build configuration, in the configuration's order."""
    return [read(paths.RUNS / f"{run['name']}.json") for run in load_config()["runs"]]
