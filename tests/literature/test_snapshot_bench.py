"""The snapshot benchmark's generator and measurements, on a few thousand works."""

from __future__ import annotations

import gzip
import json
import os

from analysis.bench import snapshot as bench


def test_the_generated_copies_hold_the_same_works(tmp_path):
    sizes = bench.generate(tmp_path, 3_000)
    assert sizes["works"] == 3_000 and sizes["part_files"] == 1
    part = next((tmp_path / "data/jsonl/works").glob("*/part_0000.gz"))
    lines = gzip.decompress(part.read_bytes()).decode().splitlines()
    assert len(lines) == 3_000 and json.loads(lines[-1])["id"].endswith("W2999")
    assert next((tmp_path / "plain").glob("*/part_0000.jsonl")).read_text().splitlines() == lines
    assert sizes["parquet_mb"] > 0


def test_duckdb_and_the_python_reader_measure_the_same_count(tmp_path):
    bench.generate(tmp_path / "snap", 3_000)
    duck = bench.measure("duckdb-parquet", tmp_path / "snap/data/parquet/works", tmp_path / "o")
    plain = bench.measure("python-jsonl", tmp_path / "snap/plain", tmp_path / "o")
    assert duck["records"] == plain["records"] == 3_000
    assert duck["counted"] == plain["counted"] > 0 and duck["seconds"] > 0


def test_peak_memory_is_read_for_a_process_and_its_children():
    assert 1 < bench._tree_rss_mb(os.getpid()) < 10_000
