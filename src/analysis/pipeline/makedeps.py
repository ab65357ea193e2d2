"""Turn config/build.yml into make rules with honest dependencies (build/runs.mk).

Snakemake-style, the configuration is validated against a JSON schema, and each run's
parameters against its notebook's ``parameters`` cell, before anything runs. Each run then
depends on: its notebook, its own parameters file (rewritten only when its values change),
the ``analysis`` modules the notebook imports (followed transitively, found statically), the
runner's own modules and the environment stamp. The data files it reads are added after its
first run from the trace the kernel writes (build/deps/NAME.d, included by the Makefile).
"""

from __future__ import annotations

import argparse
import ast
import json
from pathlib import Path

from analysis import cli, yamlfile
from analysis._startup import skip_unused_imports
from analysis.errors import CompendiumError, ConfigError
from analysis.fileio import write_text_if_changed
from analysis.paths import PROCESS, Paths
from analysis.pipeline import parameters

#: Modules every run uses through the runner, whatever the notebook imports.
RUNNER_MODULES = ("analysis", "analysis.pipeline", "analysis.pipeline.run",
                  "analysis.pipeline.parameters", "analysis.pipeline.trace",
                  "analysis.pipeline.normalise", "analysis.pipeline.makesyntax", "analysis.paths",
                  "analysis.fileio", "analysis.errors", "analysis._startup")


def load_config(path: Path | None = None, *, paths: Paths = PROCESS) -> dict:
    """Parse and schema-validate the build configuration (``paths.config`` unless given)."""
    path = Path(path or paths.config)
    config = yamlfile.load(path)
    skip_unused_imports()
    import jsonschema

    schema = json.loads(paths.config_schema.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(config),
                    key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]
        raise ConfigError(f"{path}: does not match {paths.config_schema.name}:\n  "
                          + "\n  ".join(lines))
    names = [run["name"] for run in config["runs"]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: run names must be unique; repeated: {', '.join(duplicates)}")
    return config


def module_file(module: str, *, paths: Paths = PROCESS) -> Path | None:
    """Source file of an ``analysis`` module or package, if it exists under src/."""
    base = paths.root / "src" / Path(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.exists():
            return candidate
    return None


def _imports(tree: ast.AST, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "analysis" or m.startswith("analysis.")}


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def module_closure(roots: set[str], *, paths: Paths = PROCESS) -> list[Path]:
    """Files of the given modules and of every ``analysis`` module they import, transitively."""
    todo = [m for root in roots for m in _with_parents(root)]
    seen: dict[str, Path] = {}
    while todo:
        module = todo.pop()
        if module in seen or (path := module_file(module, paths=paths)) is None:
            continue
        seen[module] = path
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for imported in _imports(ast.parse(path.read_text(encoding="utf-8")), package):
            todo.extend(_with_parents(imported))
    return sorted(set(seen.values()))


def notebook_modules(notebook: Path) -> set[str]:
    """``analysis`` modules imported by a notebook's code cells."""
    nb = parameters.load_notebook_json(notebook)
    found: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            found |= _imports(ast.parse("\n".join(lines)), "analysis")
        except SyntaxError as exc:
            raise ConfigError(f"{notebook}, cell {cell.get('id')}: syntax error ({exc.msg})") \
                from exc
    return found


def rules(config: dict, *, paths: Paths = PROCESS) -> str:
    """The make fragment: variables listing runs, one rule per run, and dep-file includes."""
    out = ["# Generated by `python -m analysis.pipeline.makedeps` from config/build.yml. "
           "Do not edit.", ""]
    targets = []
    for run in config["runs"]:
        notebook = paths.root / run["notebook"]
        try:
            params = parameters.validate(notebook, run["parameters"])
        except CompendiumError as exc:
            raise ConfigError(f"{paths.config}: run '{run['name']}': {exc}") from exc
        params_file = paths.params / f"{run['name']}.json"
        write_text_if_changed(params_file, json.dumps(params, indent=2, sort_keys=True) + "\n")
        modules = module_closure(notebook_modules(notebook) | set(RUNNER_MODULES), paths=paths)
        target = f"$(BUILD)/notebooks/{run['name']}.ipynb"
        targets.append(target)
        deps = [run["notebook"], f"$(BUILD)/params/{run['name']}.json",
                *(paths.relative(m) for m in modules), "$(ENV_STAMP)"]
        # $(DATA_DIRS): a file added to or removed from a data folder (a new OpenAlex series
        # file, say) changes the folder, so every run sees it; edits to a file are traced
        out += [f"{target}: {' '.join(deps)} $(DATA_DIRS) | $(DATA_OK)",
                f"\t$(RUN) {run['notebook']} --name {run['name']} "
                f"--params-json $(BUILD)/params/{run['name']}.json",
                f"-include $(BUILD)/deps/{run['name']}.d", ""]
    out.insert(2, "EXECUTED := " + " ".join(targets))
    out.insert(3, "RUN_NAMES := " + " ".join(run["name"] for run in config["runs"]))
    return "\n".join(out) + "\n"


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", type=Path,
                        help="the make fragment to write (default: build/runs.mk)")


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    target = args.target or paths.runs_mk
    write_text_if_changed(target, rules(load_config(paths=paths), paths=paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
