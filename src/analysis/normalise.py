"""Strip what varies between two executions of the same notebook on the same inputs.

Papermill and nbclient stamp start/end times and durations on the notebook and on every
cell, and record the input/output paths. Removing them (and writing with sorted keys) makes
two clean builds byte-identical; the durations are kept aside for the benchmark. Absolute
paths a cell prints (a figure saved into the run's staging folder, say) are written as the
logical paths the manifest uses, so a build in another folder (an unzipped deposit archive)
gives the same bytes.
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


def _relocate(value: object, prefixes: dict[str, str]) -> object:
    """``value`` (an output's text, list of lines or mime bundle) with each prefix replaced."""
    if isinstance(value, str):
        for prefix, logical in prefixes.items():
            value = value.replace(prefix, logical)
        return value
    if isinstance(value, list):
        return [_relocate(v, prefixes) for v in value]
    if isinstance(value, dict):
        return {k: _relocate(v, prefixes) for k, v in value.items()}
    return value


def normalise(nb: dict, prefixes: dict[str, str] | None = None) -> dict:
    """The notebook without timestamps, durations and paths; the injected cell gets a fixed id.

    ``prefixes`` maps absolute folder prefixes to what outputs should show instead, applied in
    order (the innermost folder first).
    """
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
        if prefixes and cell.get("outputs"):
            cell["outputs"] = _relocate(cell["outputs"], prefixes)
    return nb


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
