"""Strip what varies between two executions of the same notebook on the same inputs.

Papermill and nbclient stamp start/end times and durations on the notebook and on every
cell, and record the input/output paths. Removing them (and writing with sorted keys) makes
two clean builds byte-identical; the durations are kept aside for the benchmark.
"""

from __future__ import annotations

import json

INJECTED_CELL_ID = "injected-parameters"
_NOTEBOOK_VOLATILE = ("start_time", "end_time", "duration", "input_path", "output_path",
                      "exception", "environment_variables", "version")
_CELL_VOLATILE = ("execution", "papermill", "ExecuteTime", "collapsed", "scrolled")


def kernel_seconds(nb: dict) -> float:
    """Sum of the cells' execution durations, as papermill measured them in the kernel."""
    return round(sum((cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)
                     for cell in nb.get("cells", [])), 4)


def normalise(nb: dict) -> dict:
    """The notebook without timestamps, durations and paths; the injected cell gets a fixed id."""
    meta = nb.get("metadata", {})
    papermill = meta.get("papermill", {})
    for key in _NOTEBOOK_VOLATILE:
        papermill.pop(key, None)
    meta.pop("widgets", None)
    for cell in nb.get("cells", []):
        cell_meta = cell.get("metadata", {})
        for key in _CELL_VOLATILE:
            cell_meta.pop(key, None)
        if "injected-parameters" in cell_meta.get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    return nb


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
