"""Execute one notebook run with papermill, atomically, and record what it read and wrote.

    python -m analysis.run notebooks/02_value_grid.ipynb --name 02_value_grid-fr -p lang fr

1. Parameters are validated against the notebook's ``parameters`` cell before a kernel starts.
2. The kernel writes its figures and tables into a staging folder and logs every input and
   output (``analysis.trace``).
3. Only if every cell succeeds are the staged artifacts moved into ``build/``, the run record
   and make dependency file written, and the normalised notebook renamed into
   ``build/notebooks/`` — last, because it is the target make looks at.
4. If a cell fails, nothing in ``build/`` changes: the partial notebook and staged artifacts
   go to ``build/failed/`` for reading, and the error names the notebook and the cell.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from analysis import parameters, paths, trace
from analysis.errors import CompendiumError
from analysis.fileio import write_text
from analysis.normalise import dumps, kernel_seconds, normalise


class NotebookFailed(CompendiumError):
    """A cell raised: the message names the notebook, the cell and the error."""


def _kernel_env(record: Path, staging: Path) -> dict[str, str]:
    """Environment for the kernel: where to log reads/writes and stage outputs; fixed seeds."""
    return {
        "ANALYSIS_RUN_RECORD": str(record),
        "ANALYSIS_STAGING_DIR": str(staging),
        "ANALYSIS_BUILD_DIR": str(paths.BUILD),
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }


def _execute(notebook: Path, out: Path, params: dict[str, Any], env: dict[str, str]) -> None:
    sys.modules.setdefault("rfc3987_syntax", None)  # see analysis.datapackage: ~1.5 s saved
    import papermill
    from papermill.exceptions import PapermillExecutionError

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        papermill.execute_notebook(str(notebook), str(out), parameters=params,
                                   kernel_name="python3", cwd=str(notebook.parent),
                                   progress_bar=False, log_output=False)
    except PapermillExecutionError as exc:
        raise NotebookFailed(_describe_failure(notebook, out, exc)) from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _describe_failure(notebook: Path, out: Path, exc: Any) -> str:
    """Name the failing cell by its position in the source notebook, its id and first line."""
    position, cell_id, first_line = exc.cell_index, "?", ""
    if out.exists():
        cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
        source_cells = [c for c in cells if "papermill-error-cell-tag" not in
                        c.get("metadata", {}).get("tags", [])]
        failed = [i for i, c in enumerate(source_cells)
                  if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        if failed:
            position = failed[0]
            cell = source_cells[position]
            cell_id = cell.get("id", "?")
            lines = "".join(cell["source"]).strip().splitlines()
            first_line = lines[0][:80] if lines else ""
    return (f"{paths.relative(notebook)}: cell {position} (id '{cell_id}', "
            f"execution count {exc.exec_count}) failed: {exc.ename}: {exc.evalue}\n"
            f"  cell starts with: {first_line}")


def _promote(staging: Path) -> None:
    """Move every staged artifact to its final place in build/ (each move is atomic)."""
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):
        final = paths.BUILD / staged.relative_to(staging)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)


def _remove_stale(previous: Path, current: list[dict]) -> None:
    """Delete artifacts the previous version of this run wrote but this one no longer does."""
    if not previous.exists():
        return
    keep = {entry["path"] for entry in current}
    for entry in json.loads(previous.read_text(encoding="utf-8")).get("outputs", []):
        if entry["path"] not in keep and entry["path"].startswith("build/"):
            (paths.BUILD / entry["path"].removeprefix("build/")).unlink(missing_ok=True)


def _deps_text(name: str, inputs: list[dict]) -> str:
    """A make fragment: the run depends on every file the kernel read (like gcc -MD -MP).

    Paths stay as the trace wrote them (relative to the project root, where make runs), and
    the target is spelled ``$(BUILD)/notebooks/NAME.ipynb`` exactly as in build/runs.mk.
    """
    files = sorted({e["path"] for e in inputs})
    lines = [f"$(BUILD)/notebooks/{name}.ipynb: {' '.join(files)}", ""]
    lines += [f"{f}:" for f in files]  # empty rules: a deleted input re-runs, not breaks, make
    return "\n".join(lines) + "\n"


def run(notebook: Path, name: str, params: dict[str, Any], output: Path | None = None) -> Path:
    """Execute ``notebook`` as run ``name``; return the executed notebook's path."""
    notebook = Path(notebook).resolve()
    target = Path(output) if output else paths.EXECUTED / f"{name}.ipynb"
    work = paths.BUILD / ".work" / name
    shutil.rmtree(work, ignore_errors=True)
    staging, record, partial = work / "staging", work / "record.jsonl", work / f"{name}.ipynb"
    staging.mkdir(parents=True)
    started = time.perf_counter()
    try:
        _execute(notebook, partial, params, _kernel_env(record, staging))
    except NotebookFailed:
        _quarantine(name, work, partial)
        raise
    nb = json.loads(partial.read_text(encoding="utf-8"))
    entries = trace.read_record(record)
    inputs = [e for e in entries if e["kind"] == "input"]
    outputs = [e for e in entries if e["kind"] == "output"]
    _remove_stale(paths.RUNS / f"{name}.json", outputs)
    _promote(staging)
    run_record = {"name": name, "notebook": paths.relative(notebook), "parameters": params,
                  "executed": paths.relative(target), "inputs": inputs, "outputs": outputs}
    write_text(paths.RUNS / f"{name}.json", json.dumps(run_record, indent=2, sort_keys=True,
                                                       ensure_ascii=False) + "\n")
    write_text(paths.DEPS / f"{name}.d", _deps_text(name, inputs))
    timing = {"wall_seconds": round(time.perf_counter() - started, 4),
              "kernel_seconds": kernel_seconds(nb)}
    write_text(paths.TIMINGS / f"{name}.json", json.dumps(timing, sort_keys=True) + "\n")
    # innermost first: staging is under build/, which is usually under the project root
    where = {f"{staging}/": "build/", f"{paths.BUILD}/": "build/", f"{paths.ROOT}/": ""}
    write_text(target, dumps(normalise(nb, where)))
    shutil.rmtree(work, ignore_errors=True)
    return target


def _quarantine(name: str, work: Path, partial: Path) -> None:
    """Keep the partial notebook and staged outputs readable in build/failed/, out of make's way."""
    failed_dir = paths.FAILED / name
    shutil.rmtree(failed_dir, ignore_errors=True)
    failed_dir.parent.mkdir(parents=True, exist_ok=True)
    if partial.exists():
        os.replace(partial, paths.FAILED / f"{name}.ipynb")
    os.replace(work, failed_dir)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m analysis.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--name", help="run name (default: the notebook's stem)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="set a parameter (repeatable)")
    parser.add_argument("--params-json", type=Path, help="JSON file of typed parameters")
    parser.add_argument("--output", type=Path, help="executed notebook path (default: "
                        "build/notebooks/NAME.ipynb)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    name = args.name or args.notebook.stem
    try:
        params = {}
        if args.params_json:
            params.update(parameters.validate(args.notebook,
                                              json.loads(args.params_json.read_text())))
        params.update(parameters.validate(args.notebook, dict(args.parameter), from_text=True))
        target = run(args.notebook, name, params, args.output)
    except CompendiumError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, NotebookFailed):
            print(f"  partial notebook kept in {paths.relative(paths.FAILED / (name + '.ipynb'))}; "
                  "earlier outputs are unchanged", file=sys.stderr)
        return 1
    print(f"ran {name} -> {paths.relative(target)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
