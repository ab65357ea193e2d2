"""The typed run-record reader: the fields the runner writes, and one-line errors otherwise."""

from __future__ import annotations

import dataclasses
import json

import pytest

from analysis import runrecord
from analysis.runrecord import RunRecordError

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
