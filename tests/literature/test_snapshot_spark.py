"""Spark in local mode counts the mini-snapshot exactly as DuckDB does (pyspark is the optional
extra `make spark` installs; `make test` installs it, so this runs there)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from snapshot_fixtures import SHARIFI, write_snapshot

from analysis.literature.__main__ import main

pytest.importorskip("pyspark", reason="optional extra: `make spark` installs pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is missing: tools/ensure-java.sh installs Debian's JRE",
                allow_module_level=True)


@pytest.fixture(autouse=True)
def quick_jvm(monkeypatch):
    """These JVMs live seconds on a few kilobytes: the first JIT tier and the serial collector
    spend about a third less CPU than the defaults, which pay off on long jobs. Counts do not
    depend on either."""
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


def counted(capsys, root, out, *options) -> dict:
    assert main(["snapshot", str(root), "--out", str(out), "--json", "--no-progress",
                 "--threads", "2", *options]) == 0
    payload = json.loads(capsys.readouterr().out)
    payload.pop("series_file")
    return payload


@pytest.mark.parametrize(("layout", "fmt"), [("2026", "parquet"), ("pre-2026", "jsonl")])
def test_spark_and_duckdb_give_identical_counts(tmp_path, capsys, layout, fmt):
    root = tmp_path / "open alex"  # Spark names files as URIs: %20 must not lose a file
    write_snapshot(root, layout, (fmt,))
    for options in (["--series", "allam"], ["--title-regex", SHARIFI[0], "--abstract"]):
        duck = counted(capsys, root, tmp_path / "duck", *options)
        spark = counted(capsys, root, tmp_path / "spark", "--engine", "spark",
                        "--batch-files", "100", *options)
        assert spark == duck and duck["counted"] > 0


def test_the_spark_job_runs_as_a_standalone_script(tmp_path):
    """spark-submit with the script alone (as on a cluster), a rule file, paths with globs."""
    import pyspark

    from analysis.literature.snapshot import spark_job

    env = {**os.environ, "SPARK_HOME": str(Path(pyspark.__file__).parent),
           "PYSPARK_PYTHON": sys.executable}
    write_snapshot(tmp_path / "s3", "2026", ("parquet",))
    (tmp_path / "rule.json").write_text(json.dumps({"title_regex": list(SHARIFI),
                                                    "types": ["article", "review"]}))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "spark-submit"), "--master", "local[2]",
         spark_job.__file__, "--format", "parquet", "--rule",
         str(tmp_path / "rule.json"), "--out", str(tmp_path / "counts.json"),
         str(tmp_path / "s3/data/parquet/works/*/*.parquet")],
        capture_output=True, text=True, check=False, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads((tmp_path / "counts.json").read_text())["rows"]
    assert sum(n for *_, n in rows) == 240
    assert len({file for file, *_ in rows}) == 6


def test_spark_names_the_file_and_line_of_a_malformed_json_line(tmp_path, capsys):
    import gzip

    write_snapshot(tmp_path / "s3", "pre-2026", ("jsonl",))
    part = tmp_path / "s3/data/works/updated_date=2026-02-17/part_001.gz"
    lines = gzip.decompress(part.read_bytes()).decode().splitlines()
    lines[11] = lines[11][:25]
    part.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    status = main(["snapshot", str(tmp_path / "s3"), "--out", str(tmp_path / "out"),
                   "--engine", "spark", "--threads", "2", "--series", "sharifi",
                   "--no-progress"])
    err = capsys.readouterr().err.strip()
    lines = err.splitlines()
    assert status == 1 and f"error: {part}, row 12: malformed JSON line" in lines[-1]
    # the JVM may say two or three words as it starts, but no log lines or stack traces
    assert len(lines) <= 4 and not [ln for ln in lines if "Exception" in ln or "\tat " in ln]
