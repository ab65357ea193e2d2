"""Shared fixtures: a scratch data package with its own descriptor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import paths


@pytest.fixture
def scratch_data(tmp_path, monkeypatch):
    """An empty data folder with its own datapackage.json; returns a function adding resources."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(paths, "DATA", data)
    monkeypatch.setattr(paths, "DATAPACKAGE", data / "datapackage.json")
    monkeypatch.setattr(paths, "DATA_OK", tmp_path / "build" / ".data-ok")
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


@pytest.fixture
def tmp_build(tmp_path, monkeypatch) -> Path:
    """Point every build path (and the kernel, through the environment) at a temporary build/."""
    build, original = tmp_path / "build", paths.BUILD
    for name in ("EXECUTED", "FAILED", "RUNS", "DEPS", "TIMINGS", "FIGURES", "TABLES",
                 "DATA_OK"):
        monkeypatch.setattr(paths, name, build / getattr(paths, name).relative_to(original))
    monkeypatch.setattr(paths, "BUILD", build)
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(build))
    return build
