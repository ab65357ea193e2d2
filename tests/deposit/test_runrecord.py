"""The typed run-record reader: the fields the runner writes, and one-line errors otherwise."""

from __future__ import annotations

import dataclasses
import json

import pytest

from analysis.pipeline import runrecord
from analysis.pipeline.runrecord import RunRecordError

RECORD = {"name": "r", "notebook": "notebooks/n.ipynb", "parameters": {"lang": "en"},
          "executed": "build/notebooks/r.ipynb",
          "inputs": [{"kind": "input", "path": "data/a.csv", "sha256": "a" * 64,
                      "resource": "a"}],
          "outputs": [{"kind": "output", "path": "build/figures/f.png", "sha256": "b" * 64,
                       "artifact": "figure", "name": "f"}]}


def test_a_run_record_reads_into_frozen_typed_fields(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(RECORD))
    record = runrecord.read(path)
    assert (record.name, record.notebook, record.parameters) == ("r", "notebooks/n.ipynb",
                                                                 {"lang": "en"})
    assert record.inputs[0].resource == "a" and record.inputs[0].artifact is None
    assert (record.outputs[0].path, record.outputs[0].artifact) == ("build/figures/f.png",
                                                                    "figure")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "other"  # type: ignore[misc]


def test_a_record_without_outputs_is_named_with_its_file_and_the_field(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({k: v for k, v in RECORD.items() if k != "outputs"}))
    with pytest.raises(RunRecordError, match=r"r\.json: no field 'outputs'"):
        runrecord.read(path)


def test_an_output_without_checksum_is_refused(tmp_path):
    broken = {**RECORD, "outputs": [{"path": "build/figures/f.png"}]}
    with pytest.raises(RunRecordError, match="no field 'sha256'"):
        runrecord.RunRecord.from_json(broken, "r.json")


def test_invalid_json_is_named_with_line_and_column(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"name": "r",\n  oops}')
    with pytest.raises(RunRecordError, match=r"r\.json, line 2, column 3: invalid JSON"):
        runrecord.read(path)


def test_a_missing_record_says_to_run_make_all(tmp_path):
    with pytest.raises(RunRecordError, match="missing; run `make all` first"):
        runrecord.read(tmp_path / "absent.json")


def test_a_run_record_written_and_read_again_keeps_every_field(tmp_path):
    record = runrecord.RunRecord.from_json(RECORD, "r.json")
    runrecord.write(tmp_path / "r.json", record)
    assert json.loads((tmp_path / "r.json").read_text()) == RECORD
    assert runrecord.read(tmp_path / "r.json") == record


def test_a_manifest_round_trips_and_each_artifact_points_at_its_run(tmp_path):
    manifest = {"git_commit": "abc", "source_date_epoch": 0, "python": "3.11.9",
                "packages": {"pandas": "2.2.3"}, "runs": [RECORD],
                "artifacts": [{"path": "build/figures/f.png", "sha256": "b" * 64, "bytes": 3,
                               "run": "r", "notebook": RECORD["notebook"],
                               "parameters": RECORD["parameters"],
                               "inputs": RECORD["inputs"]}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    read = runrecord.read_manifest(tmp_path / "m.json")
    assert read.artifacts[0].run is read.runs[0]
    runrecord.write(tmp_path / "again.json", read)
    assert json.loads((tmp_path / "again.json").read_text()) == manifest


def test_an_artifact_naming_an_unknown_run_is_refused(tmp_path):
    manifest = {"git_commit": "abc", "source_date_epoch": 0, "python": "3", "packages": {},
                "runs": [], "artifacts": [{"path": "build/x", "sha256": "0", "bytes": 1,
                                           "run": "ghost"}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    with pytest.raises(RunRecordError, match=r"m\.json: no field or run 'ghost'"):
        runrecord.read_manifest(tmp_path / "m.json")
