"""The importer benchmark's synthetic exports are read back completely by every reader (no speed
assertions here: speed is measured by `python -m analysis.bench importers`)."""

from __future__ import annotations

import pytest

from analysis.bench import importers
from analysis.literature import count_per_year, detect_format, read_records


@pytest.mark.parametrize("case", importers.CASES, ids=[case[0] for case in importers.CASES])
def test_generated_exports_read_back(tmp_path, case):
    name, fmt, engine, generator, _ = case
    path = tmp_path / f"{name}.dat"
    importers.generate(generator, path, 40)
    assert detect_format(path) == fmt
    records = read_records(path, bibtex_engine=engine)
    assert len(records) == 40
    # generator years cycle through 1991..2021: 40 records -> 1991..2021 once, 1991..1999 twice
    counts = count_per_year(records)
    assert counts[1991] == 2 and counts[2000] == 1 and sum(counts.values()) == 40
    assert all(r.doi == f"10.9999/bench.{i}" for i, r in enumerate(records))


def test_measure_reports_records_time_and_memory(tmp_path):
    path = tmp_path / "ris.dat"
    importers.generate(importers._ris, path, 25)
    result = importers.measure(path, "ris", "auto")
    assert result["records"] == 25
    assert result["seconds"] > 0 and result["cpu_seconds"] >= 0
    assert result["peak_rss_increase_mb"] >= 0
