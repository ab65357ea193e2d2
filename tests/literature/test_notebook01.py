"""End to end: notebook 01 runs through the runner and writes its figures, tables and verdicts."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis.paths import PROCESS
from analysis.pipeline import run

pytestmark = pytest.mark.slow  # starts a kernel and runs the bootstrap

NOTEBOOK = PROCESS.notebooks / "01_literature_growth.ipynb"


@pytest.fixture
def build(tmp_build):
    return tmp_build


def test_notebook01_builds_figures_tables_and_verdicts(build):
    assert run.main([str(NOTEBOOK), "--name", "01_test-en", "-p", "lang", "en",
                     "-p", "series", "corpus_all,corpus_governance",
                     "-p", "n_bootstrap", "19"]) == 0
    figures, tables = build / "figures", build / "tables"
    for key in ("corpus_all", "corpus_governance"):
        for kind in ("growth", "fit"):
            meta = json.loads((figures / f"literature_{kind}_{key}_en.json").read_text())
            assert "not the Web of Science corpus" in meta["caption"]
            assert (figures / f"literature_{kind}_{key}_en.png").stat().st_size > 0
    assert (figures / "literature_published_facts_en.pdf").exists()
    claims = pd.read_csv(tables / "literature_claims_en.csv")
    assert len(claims) == 4 and set(claims["series"]) == {"corpus_all", "corpus_governance"}
    tenfold = claims[claims["claim"].str.startswith("more than")]
    assert (tenfold["verdict"] == "not testable with this series").all()
    growth = pd.read_csv(tables / "literature_growth_models_en.csv")
    assert set(growth["years"]) == {"2009-2019"}  # 2020-2021 are never fitted
    counts = pd.read_csv(tables / "literature_counts_en.csv")
    committed = pd.read_csv(PROCESS.literature / "corpus_counts.csv").dropna(subset=["year"])
    assert counts["records"].sum() == committed["records"].sum()
    executed = (build / "notebooks" / "01_test-en.ipynb").read_text()
    assert not re.search(r"at 0x[0-9a-f]+", executed), "a memory address leaked into outputs"
    assert '"output_type": "error"' not in executed


def test_notebook01_refuses_an_unknown_series(build, capsys):
    assert run.main([str(NOTEBOOK), "--name", "01_bad", "-p", "series", "wos"]) == 1
    assert "unknown series 'wos'" in capsys.readouterr().err
