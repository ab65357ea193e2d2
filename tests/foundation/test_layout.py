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
