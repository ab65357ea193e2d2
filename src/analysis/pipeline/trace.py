"""Records what a notebook run reads and writes, for the manifest and for make's dependencies.

The runner sets ``ANALYSIS_RUN_RECORD`` to a JSON-lines file before starting the kernel; the
loaders and savers here append one line per file. Outside a run this is a no-op, so notebooks
behave the same in JupyterLab. Paths are recorded as ``Paths.relative`` spells them, by the
kernel's own paths (``PROCESS``: its build and staging folders come from the runner) unless a
caller passes others.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from analysis.fileio import sha256_file
from analysis.paths import PROCESS, Paths


def _record(kind: str, path: Path, paths: Paths, extra: dict[str, object]) -> None:
    target = os.environ.get("ANALYSIS_RUN_RECORD")
    if not target:
        return
    # a staged artifact is recorded where it will live once the run succeeds
    entry = {"kind": kind, "path": paths.relative(paths.final_path(Path(path)))}
    entry["sha256"] = sha256_file(path)
    entry.update(extra)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")


def record_input(path: Path, *, paths: Paths = PROCESS, **extra: object) -> None:
    """Note that the running notebook read ``path``."""
    _record("input", path, paths, extra)


def record_output(path: Path, *, paths: Paths = PROCESS, **extra: object) -> None:
    """Note that the running notebook wrote ``path`` (a staged artifact)."""
    _record("output", path, paths, extra)


def read_record(path: Path) -> list[dict]:
    """Entries of a run record, de-duplicated, in a stable order."""
    if not Path(path).exists():
        return []
    seen: dict[tuple[str, str], dict] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            seen[(entry["kind"], entry["path"])] = entry
    return [seen[key] for key in sorted(seen)]
