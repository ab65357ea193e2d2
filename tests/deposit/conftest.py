"""Fixtures of the deposit tests: a small build tree with real notebooks and data inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.fileio import sha256_file
from analysis.paths import Paths

RUNS = ("02_value_grid-en", "02_value_grid-fr")
NOTEBOOK = "notebooks/02_value_grid.ipynb"
INPUT = "data/valuegrid/components.csv"


def _json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture
def fake_build(tmp_paths: Paths, tmp_path: Path, monkeypatch) -> Paths:
    """Two runs of notebook 02 (en, fr), each with a figure and a table, their run records,
    a configuration listing them and a manifest written by analysis.pipeline.manifest.

    Returns the paths of that build; the configuration is also exported (ANALYSIS_CONFIG,
    beside the fixture's ANALYSIS_BUILD_DIR) for the command-line entry points."""
    from analysis.pipeline import manifest

    config = tmp_path / "build.yml"
    config.write_text("runs:\n" + "".join(
        f"  - {{name: {run}, notebook: {NOTEBOOK}, parameters: {{lang: {run[-2:]}}}}}\n"
        for run in RUNS), encoding="utf-8")
    paths = tmp_paths.replace(config=config)
    monkeypatch.setenv("ANALYSIS_CONFIG", str(config))
    for run in RUNS:
        lang = run[-2:]
        figure = paths.figures / f"demo_{lang}.png"
        table = paths.tables / f"demo_{lang}.csv"
        executed = paths.executed / f"{run}.ipynb"
        for path, text in ((figure, f"png {lang}"), (table, f"a,b\n1,{lang}\n"),
                           (executed, '{"cells": []}\n')):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        outputs = [{"kind": "output", "path": paths.relative(f), "sha256": sha256_file(f),
                    "artifact": kind, "name": f"demo_{lang}"}
                   for f, kind in ((figure, "figure"), (table, "table"))]
        inputs = [{"kind": "input", "path": INPUT, "resource": "valuegrid_components",
                   "sha256": sha256_file(paths.absolute(INPUT))}]
        _json(paths.runs / f"{run}.json", {"name": run, "notebook": NOTEBOOK,
                                           "parameters": {"lang": lang},
                                           "executed": paths.relative(executed),
                                           "inputs": inputs, "outputs": outputs})
    assert manifest.main([]) == 0
    return paths
