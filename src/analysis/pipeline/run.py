"""Execute one notebook run with papermill, atomically, and record what it read and wrote.

    python -m analysis.pipeline.run notebooks/02_value_grid.ipynb --name 02_value_grid-fr -p lang fr

1. Parameters are validated against the notebook's ``parameters`` cell before a kernel starts.
2. The kernel writes its figures and tables into a staging folder and logs every input and
   output (``analysis.pipeline.trace``).
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
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from analysis import cli
from analysis._startup import skip_unused_imports
from analysis.errors import CompendiumError, ParameterError
from analysis.fileio import private_folder, read_utf8, write_text
from analysis.i18n import notebooks as i18n_notebooks
from analysis.paths import PROCESS, Paths
from analysis.pipeline import parameters, runrecord, trace
from analysis.pipeline.makesyntax import escape_path
from analysis.pipeline.normalise import dumps, kernel_seconds, normalise
from analysis.pipeline.runrecord import RunRecord, RunRecordError, TracedFile


class NotebookFailed(CompendiumError):
    """A cell raised: the message names the notebook, the cell and the error."""


def _kernel_env(record: Path, staging: Path, paths: Paths) -> dict[str, str]:
    """Environment for the kernel: where to log reads/writes and stage outputs, and every
    folder of the runner's ``paths`` (the kernel's own ``PROCESS`` is read from these, so it
    reads the data and writes the build the runner was given); fixed seeds."""
    return {
        "ANALYSIS_RUN_RECORD": str(record),
        "ANALYSIS_STAGING_DIR": str(staging),
        **paths.environment(),
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        **_tool_folders(),
    }


def _tool_folders() -> dict[str, str]:
    """Where matplotlib, IPython and Jupyter keep their caches and settings during a run: in
    the environment that runs it (``sys.prefix/var``), never in $HOME. So a run writes nothing
    outside .venv/ and build/, and a user's IPython start-up files, Jupyter settings or own
    ``python3`` kernel spec cannot change what it computes. An environment that cannot be
    written (a system Python, a read-only image) keeps the tools' usual folders."""
    if not os.access(sys.prefix, os.W_OK):
        return {}
    var = Path(sys.prefix) / "var"
    return {"MPLCONFIGDIR": str(var / "matplotlib"), "IPYTHONDIR": str(var / "ipython"),
            "JUPYTER_CONFIG_DIR": str(var / "jupyter" / "config"),
            "JUPYTER_DATA_DIR": str(var / "jupyter" / "data"),
            "JUPYTER_RUNTIME_DIR": str(var / "jupyter" / "runtime")}


def _execute(notebook: Path, out: Path, params: dict[str, Any], env: dict[str, str],
             paths: Paths) -> None:
    skip_unused_imports()
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:  # the markdown in the run's language; an unknown language stops here, before a kernel
        source = nbformat.from_dict(i18n_notebooks.localised(notebook, params))
        # Every cell has replied and its outputs are in: the kernel has nothing left to save,
        # so it is stopped at once (a polite shutdown costs about 0.2 s of every run).
        papermill.execute_notebook(source, str(out), parameters=params,
                                   kernel_name="python3", cwd=str(notebook.parent),
                                   progress_bar=False, log_output=False,
                                   shutdown_kernel="immediate")
    except PapermillExecutionError as exc:
        raise NotebookFailed(_describe_failure(notebook, out, exc, paths)) from None
    except (DeadKernelError, RuntimeError) as exc:  # nbclient: "Kernel died before replying"
        raise NotebookFailed(_describe_dead_kernel(notebook, out, exc, paths)) from None
    except OSError as exc:  # papermill saving the partial notebook on a full disk
        if exc.filename:
            raise
        raise OSError(exc.errno, exc.strerror, paths.relative(out)) from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _describe_failure(notebook: Path, out: Path, exc: Any, paths: Paths) -> str:
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


def _describe_dead_kernel(notebook: Path, out: Path, exc: Exception, paths: Paths) -> str:
    """Name the cell the kernel was running when it died: the last one papermill started."""
    position, cell_id = "?", "?"
    if out.exists():
        cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
        started = [i for i, c in enumerate(cells)
                   if c.get("metadata", {}).get("papermill", {}).get("start_time")]
        if started:
            position, cell_id = started[-1], cells[started[-1]].get("id", "?")
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (f"{paths.relative(notebook)}: cell {position} (id '{cell_id}') did not finish: the "
            f"kernel died ({first}); was it killed, or out of memory?")


def _promote(staging: Path, paths: Paths) -> None:
    """Move every staged artifact to its final place in build/ (each move is atomic)."""
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):
        final = paths.build / staged.relative_to(staging)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)


def _remove_stale(previous: Path, current: tuple[TracedFile, ...], paths: Paths) -> None:
    """Delete artifacts the previous version of this run wrote but this one no longer does.

    A previous record that is missing or unreadable (edited by hand, truncated) names nothing
    to delete: it must not stop the run that replaces it.
    """
    if not previous.exists():
        return
    try:
        before = runrecord.read(previous).outputs
    except RunRecordError:
        return
    keep = {entry.path for entry in current}
    for entry in before:
        if entry.path not in keep and entry.path.startswith("build/"):
            paths.absolute(entry.path).unlink(missing_ok=True)


def _deps_text(name: str, inputs: list[str], outputs: list[str] | None = None) -> str:
    """A make fragment: the run depends on every file the kernel read (like gcc -MD -MP), and
    on what it wrote.

    Paths stay as the trace wrote them (relative to the project root, where make runs), and
    the target is spelled ``$(BUILD)/notebooks/NAME.ipynb`` exactly as in build/runs.mk.
    The outputs and the run record are written before the target, so they are never newer
    than it unless someone edits, truncates or deletes one: then the run is out of date and
    ``make all`` re-runs it, instead of the manifest step failing on a damaged file.
    """
    files = sorted(set(inputs))
    made = sorted({path.removeprefix("build/") for path in outputs or []} | {f"runs/{name}.json"})
    spelled = [escape_path(f) for f in files] + ["$(BUILD)/" + escape_path(f) for f in made]
    lines = [f"$(BUILD)/notebooks/{name}.ipynb: {' '.join(spelled)}", ""]
    lines += [f"{f}:" for f in spelled]  # empty rules: a deleted file re-runs, not breaks, make
    return "\n".join(lines) + "\n"


def check_run_name(name: str, *, paths: Paths = PROCESS) -> str:
    """Refuse a run name that is not a plain file name (``..``, ``a/b``, ``$(shell ...)``).

    The name becomes a folder and file names under build/, so it uses the very pattern
    config/build.schema.json gives for names in build.yml: one place defines it.
    """
    schema = json.loads(paths.config_schema.read_text(encoding="utf-8"))
    pattern = schema["properties"]["runs"]["items"]["properties"]["name"]["pattern"]
    if not re.fullmatch(pattern, name) or name in {".", ".."}:
        raise ParameterError(f"run name {name!r}: expected letters, digits, '_', '.' and '-', "
                             f"starting with a letter or digit (pattern {pattern})")
    return name


def run(notebook: Path, name: str, params: dict[str, Any], output: Path | None = None, *,
        paths: Paths = PROCESS) -> Path:
    """Execute ``notebook`` as run ``name``; return the executed notebook's path."""
    notebook = Path(notebook).resolve()
    check_run_name(name, paths=paths)
    target = Path(output) if output else paths.executed / f"{name}.ipynb"
    with private_folder(paths.build, f".work.{name}", sweep=".work.*") as work:
        staging, record, partial = work / "staging", work / "record.jsonl", work / f"{name}.ipynb"
        staging.mkdir()
        started = time.perf_counter()
        try:
            _execute(notebook, partial, params, _kernel_env(record, staging, paths), paths)
        except NotebookFailed as exc:
            _quarantine(name, work, partial, paths)
            kept = paths.relative(paths.failed / f"{name}.ipynb")
            raise NotebookFailed(f"{exc}\n  partial notebook kept in {kept}; earlier outputs "
                                 "are unchanged") from None
        _publish(name, notebook, target, params, partial, record, staging, started, paths)
    return target


def _publish(name: str, notebook: Path, target: Path, params: dict[str, Any], partial: Path,
             record: Path, staging: Path, started: float, paths: Paths) -> None:
    """Move a successful run's artifacts into build/, then its records, the notebook last."""
    nb = json.loads(partial.read_text(encoding="utf-8"))
    entries = [TracedFile.from_json(entry) for entry in trace.read_record(record)]
    inputs = tuple(e for e in entries if e.kind == "input")
    outputs = tuple(e for e in entries if e.kind == "output")
    # first: a name make cannot spell moves nothing
    deps = _deps_text(name, [e.path for e in inputs], [e.path for e in outputs])
    _remove_stale(paths.runs / f"{name}.json", outputs, paths)
    _promote(staging, paths)
    runrecord.write(paths.runs / f"{name}.json", RunRecord(
        name=name, notebook=paths.relative(notebook), parameters=params,
        executed=paths.relative(target), inputs=inputs, outputs=outputs))
    write_text(paths.deps / f"{name}.d", deps)
    timing = {"wall_seconds": round(time.perf_counter() - started, 4),
              "kernel_seconds": kernel_seconds(nb)}
    write_text(paths.timings / f"{name}.json", json.dumps(timing, sort_keys=True) + "\n")
    # innermost first: staging is under build/, which is usually under the project root
    where = {f"{staging}/": "build/", f"{paths.build}/": "build/", f"{paths.root}/": ""}
    write_text(target, dumps(normalise(nb, where)))
    (paths.failed / f"{name}.ipynb").unlink(missing_ok=True)  # an old failure is history now
    shutil.rmtree(paths.failed / name, ignore_errors=True)


def _quarantine(name: str, work: Path, partial: Path, paths: Paths) -> None:
    """Keep the partial notebook and staged outputs readable in build/failed/, out of make's way."""
    failed_dir = paths.failed / name
    shutil.rmtree(failed_dir, ignore_errors=True)
    failed_dir.parent.mkdir(parents=True, exist_ok=True)
    if partial.exists():
        os.replace(partial, paths.failed / f"{name}.ipynb")
    shutil.copytree(work, failed_dir)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--name", help="run name (default: the notebook's stem)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                        metavar=("NAME", "VALUE"), help="set a parameter (repeatable)")
    parser.add_argument("--params-json", type=Path, help="JSON file of typed parameters")
    parser.add_argument("--output", type=Path, help="executed notebook path (default: "
                        "build/notebooks/NAME.ipynb)")


def _params_file(path: Path) -> dict[str, Any]:
    """The typed parameters of a ``--params-json`` file: a JSON object, UTF-8."""
    text = read_utf8(path, "a JSON file of parameters", ParameterError)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON "
                             f"({exc.msg}); expected an object of parameters") from None
    if not isinstance(value, dict):
        raise ParameterError(f"{path}: expected a JSON object of parameters "
                             f"({{\"name\": value}}), found a {type(value).__name__}")
    return value


def _output_path(output: Path | None, paths: Paths) -> Path | None:
    """``--output`` must stay inside build/: the build never writes anywhere else."""
    if output is None:
        return None
    resolved = Path(output).resolve()
    if not resolved.is_relative_to(paths.build.resolve()):
        raise ParameterError(f"--output {output}: must be inside {paths.build}")
    return resolved


def _checked_notebook(notebook: Path) -> Path:
    if notebook.is_dir():
        raise ParameterError(f"{notebook}: is a folder; expected a notebook (.ipynb) file")
    return notebook


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    name = args.notebook.stem if args.name is None else args.name
    notebook = _checked_notebook(args.notebook)
    check_run_name(name, paths=paths)
    params = {}
    if args.params_json:
        params.update(parameters.validate(notebook, _params_file(args.params_json)))
    params.update(parameters.validate(notebook, dict(args.parameter), from_text=True))
    target = run(notebook, name, params, _output_path(args.output, paths), paths=paths)
    print(f"ran {name} -> {paths.relative(target)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
