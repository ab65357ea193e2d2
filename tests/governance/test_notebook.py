"""End-to-end: notebook 03 run by the runner from a coding file the test writes, twice
(byte-identical artifacts); and a step citing a missing excerpt stops the run, naming it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from governance_fixtures import HEADER, ROWS, write_coding
from scipy import stats

from analysis.fileio import sha256_file
from analysis.paths import PROCESS

pytestmark = pytest.mark.slow
NOTEBOOK = "notebooks/03_governance_trajectories.ipynb"
LEAKS = ("ANALYSIS_BUILD_DIR", "ANALYSIS_RUN_RECORD", "ANALYSIS_STAGING_DIR", "ANALYSIS_ROOT")


def run_notebook(root: Path, name: str, *params: str) -> subprocess.CompletedProcess:
    """``python -m analysis.pipeline.run``, ``root`` as project root, ``root/build`` as build."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKS}
    env.update({"ANALYSIS_ROOT": str(root), "ANALYSIS_BUILD_DIR": str(root / "build")})
    pairs = [arg for i in range(0, len(params), 2) for arg in ("-p", *params[i:i + 2])]
    return subprocess.run([sys.executable, "-m", "analysis.pipeline.run", str(root / NOTEBOOK),
                           "--name", name, *pairs], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)


def project_copy(dest: Path) -> Path:
    """The data, the notebook and the run-name schema: all a run of notebook 03 reads from
    the project."""
    shutil.copytree(PROCESS.data, dest / "data")
    (dest / "config").mkdir(parents=True)
    shutil.copy2(PROCESS.config_schema, dest / "config" / PROCESS.config_schema.name)
    (dest / "notebooks").mkdir(parents=True)
    shutil.copy2(PROCESS.root / NOTEBOOK, dest / NOTEBOOK)
    return dest


def artifacts(root: Path) -> dict[str, str]:
    build = root / "build"
    return {p.relative_to(build).as_posix(): sha256_file(p)
            for kind in ("figures", "tables") for p in sorted((build / kind).iterdir())}


@pytest.fixture(scope="module")
def coded_runs(tmp_path_factory):
    """Two runs from clean of the same coding file, in two separate project copies."""
    roots = []
    for n in (1, 2):
        root = project_copy(tmp_path_factory.mktemp(f"run{n}"))
        coding = write_coding(root / "fixture_coding.csv", ROWS)
        result = run_notebook(root, "03_governance-coding", "lang", "en", "cases", "A,B,X,Y",
                              "coding_file", coding.name)
        assert result.returncode == 0, result.stderr[-3000:]
        roots.append(root)
    return roots


def table(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / "build" / "tables" / f"{name}_en_fixture-coding.csv",
                       keep_default_na=False)


def test_runs_from_a_coding_file_are_byte_identical(coded_runs):
    first, second = (artifacts(root) for root in coded_runs)
    assert first == second
    stems = {Path(p).name.split(".")[0] for p in first}
    assert {"governance_grid_en_fixture-coding", "governance_trajectories_en_fixture-coding",
            "governance_coding_trajectories_en_fixture-coding"} <= stems
    assert {f"governance_grid_en_fixture-coding.{ext}" for ext in ("png", "svg", "pdf")} <= {
        Path(p).name for p in first}


def test_notebook_regenerates_trajectories_by_period(coded_runs):
    periods = table(coded_runs[0], "governance_coding_periods")
    rows = pd.DataFrame(ROWS, columns=HEADER)
    for (case, period), group in rows.groupby(["case", "period"]):
        got = periods[(periods["case"] == case) & (periods["period"].astype(str) == period)]
        assert got[["actions", "proactive", "open"]].values.tolist() == [[
            len(group), int((group["governance_mode"] == "proactive").sum()),
            int((group["governance_mode"] == "open").sum())]]


def test_notebook_cross_table_and_test_agree_with_scipy(coded_runs):
    crosstab = table(coded_runs[0], "governance_coding_crosstab").set_index("governance_mode")
    pairs = [(r[HEADER.index("governance_mode")], t) for r in ROWS
             for t in r[HEADER.index("value_created")].split(";") if t]
    expected = pd.crosstab(pd.Series([m for m, _ in pairs]), pd.Series([t for _, t in pairs]))
    for mode in expected.index:
        for value_type in expected.columns:
            assert crosstab.loc[mode, value_type] == expected.loc[mode, value_type]
    chi2, p, dof, _ = stats.chi2_contingency(expected.to_numpy())
    test = table(coded_runs[0], "governance_coding_test").iloc[0]
    assert test["test"] == "Pearson chi-square" and int(test["dof"]) == dof
    assert test["statistic"] == pytest.approx(chi2, abs=1e-6)
    assert test["p_value"] == pytest.approx(p, abs=1e-6)


def test_executed_notebook_has_no_memory_addresses(coded_runs):
    executed = coded_runs[0] / "build" / "notebooks" / "03_governance-coding.ipynb"
    text = json.dumps(json.loads(executed.read_text(encoding="utf-8"))["cells"])
    assert " at 0x" not in text


def test_a_step_citing_a_missing_excerpt_stops_the_run_naming_it(tmp_path):
    root = project_copy(tmp_path)
    steps = root / "data" / "governance" / "trajectories.csv"
    steps.write_text(steps.read_text(encoding="utf-8").replace(",Bc-101@3.2,", ",Bc-999@3.2,"),
                     encoding="utf-8")
    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:  # a deliberate edit: checksum updated, so only the
        if res["name"] == "governance_trajectories":  # cross-file check can catch it
            res["hash"] = f"sha256:{hashlib.sha256(steps.read_bytes()).hexdigest()}"
    (root / "data" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run_notebook(root, "03_governance-broken", "lang", "fr")
    assert result.returncode != 0
    assert "step B1 cites unknown excerpt id(s) Bc-999@3.2" in result.stderr
    assert "trajectories.csv, row 4, column 'excerpt_ids'" in result.stderr
    assert not (root / "build" / "notebooks" / "03_governance-broken.ipynb").exists()
