"""The layout shows the architecture: the science reaches the build machinery through one
interface only (recording what a notebook reads and writes)."""

from __future__ import annotations

import ast

from analysis.paths import PROCESS

SRC = PROCESS.root / "src" / "analysis"
SCIENCE = [*(SRC / "literature").rglob("*.py"), *(SRC / "governance").rglob("*.py"),
           SRC / "valuegrid.py", SRC / "figures.py", SRC / "tables.py", SRC / "datapackage.py"]
INTERFACE = {"analysis.pipeline.trace"}


def pipeline_imports(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "analysis.pipeline":
                found |= {f"analysis.pipeline.{a.name}" for a in node.names}
            elif node.module.startswith("analysis.pipeline"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("analysis.pipeline")}
    return found


def test_the_science_uses_only_the_recording_interface_of_the_pipeline():
    outside = {p.relative_to(SRC).as_posix(): sorted(pipeline_imports(p) - INTERFACE)
               for p in SCIENCE}
    assert {k: v for k, v in outside.items() if v} == {}


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from analysis.pipeline import run, trace\nimport analysis.pipeline.crate\n",
                      encoding="utf-8")
    assert pipeline_imports(module) - INTERFACE == {"analysis.pipeline.run",
                                                    "analysis.pipeline.crate"}


def test_the_build_machinery_is_not_at_the_top_level():
    top = {p.stem for p in SRC.glob("*.py")}
    assert not top & {"run", "parameters", "makedeps", "manifest", "normalise", "trace",
                      "workspace", "crate", "dist", "runrecord"}


# --- one path object, passed in: nothing to monkeypatch ---------------------------------------

TESTS = PROCESS.root / "tests"


def patched_path_globals(path) -> list[str]:
    """``monkeypatch.setattr(<module>, "NAME", ...)`` calls whose target is a path: a module
    named ``paths``, or an upper-case name ending in a path word (``LOCALES``, ``BUILD_DIR``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setattr" and len(node.args) >= 2):
            continue
        target, name = ast.unparse(node.args[0]), node.args[1]
        named = name.value if isinstance(name, ast.Constant) else ""
        pathlike = str(named).isupper() and str(named).endswith(
            ("DIR", "PATH", "ROOT", "BUILD", "DATA", "LOCALES", "FILE", "FOLDER"))
        if target.split(".")[-1] == "paths" or pathlike:
            found.append(f"{path.name}:{node.lineno}: {target}.{named}")
    return found


def test_no_test_monkeypatches_a_path_global():
    assert [hit for test in TESTS.rglob("*.py") for hit in patched_path_globals(test)] == []


def test_the_check_sees_a_patched_path_global(tmp_path):
    module = tmp_path / "test_m.py"
    module.write_text('monkeypatch.setattr(paths, "BUILD", tmp)\n'
                      'monkeypatch.setattr(i18n, "LOCALES", copy)\n'
                      'monkeypatch.setattr(corpus, "download", fake)\n', encoding="utf-8")
    assert patched_path_globals(module) == ["test_m.py:1: paths.BUILD",
                                            "test_m.py:2: i18n.LOCALES"]


def test_paths_is_one_frozen_object_and_the_module_has_no_other_path_constant():
    import dataclasses

    import pytest

    from analysis import paths

    with pytest.raises(dataclasses.FrozenInstanceError):
        PROCESS.build = PROCESS.root  # type: ignore[misc]
    constants = [name for name, value in vars(paths).items()
                 if name.isupper() and not name.startswith("_")]
    assert constants == ["PROCESS"]  # the one Paths of this process, built at import
