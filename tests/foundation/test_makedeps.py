"""The build configuration is validated first, and each run's dependencies are complete."""

from __future__ import annotations

import pytest

from analysis.errors import ConfigError
from analysis.paths import PROCESS, Paths
from analysis.pipeline import makedeps


def write_config(tmp_path, text: str) -> Paths:
    """The project's paths with this configuration and a temporary build/ (for params/)."""
    config = tmp_path / "build.yml"
    config.write_text(text)
    return PROCESS.replace(config=config, build=tmp_path / "build")


def test_value_grid_run_depends_on_the_modules_it_imports_transitively():
    files = {p.name for p in makedeps.module_closure(
        makedeps.notebook_modules(PROCESS.notebooks / "02_value_grid.ipynb"))}
    # valuegrid imports datapackage, which imports trace, fileio, errors, paths
    assert {"valuegrid.py", "datapackage.py", "trace.py", "fileio.py", "errors.py",
            "paths.py", "figures.py", "tables.py", "__init__.py"} <= files
    assert "makedeps.py" not in files


@pytest.mark.parametrize(("text", "fragment"), [
    ("runs: []\n", "should be non-empty"),
    ("runs:\n  - {name: a, notebook: notebooks/02_value_grid.ipynb}\n",
     "'parameters' is a required property"),
    ("runs:\n  - {name: 'bad name', notebook: notebooks/02_value_grid.ipynb, parameters: {}}\n",
     "does not match"),
    ("runs:\n  - {name: a, notebook: notebooks/02_value_grid.ipynb, parameters: {}, extra: 1}\n",
     "Additional properties"),
    ("runs: [\n", "not valid YAML"),
])
def test_config_errors_are_reported_before_anything_runs(tmp_path, text, fragment):
    paths = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=fragment):
        makedeps.load_config(paths=paths)


def test_duplicate_run_names_are_refused(tmp_path):
    run = "  - {name: a, notebook: notebooks/02_value_grid.ipynb, parameters: {}}\n"
    paths = write_config(tmp_path, "runs:\n" + run + run)
    with pytest.raises(ConfigError, match="repeated: a"):
        makedeps.load_config(paths=paths)


def test_run_parameters_are_checked_against_the_notebook(tmp_path):
    paths = write_config(tmp_path, "runs:\n  - {name: a, notebook: "
                         "notebooks/02_value_grid.ipynb, parameters: {lang: de}}\n")
    with pytest.raises(ConfigError, match="run 'a'.*not one of en, ar, fr"):
        makedeps.rules(makedeps.load_config(paths=paths), paths=paths)


def test_params_file_is_rewritten_only_when_values_change(tmp_path):
    paths = write_config(tmp_path, "runs:\n  - {name: a, notebook: "
                         "notebooks/02_value_grid.ipynb, parameters: {lang: en}}\n")
    rules = makedeps.rules(makedeps.load_config(paths=paths), paths=paths)
    params = paths.params / "a.json"
    assert "$(BUILD)/notebooks/a.ipynb:" in rules and "src/analysis/valuegrid.py" in rules
    stamp = params.stat().st_mtime_ns
    makedeps.rules(makedeps.load_config(paths=paths), paths=paths)
    assert params.stat().st_mtime_ns == stamp
    paths = write_config(tmp_path, "runs:\n  - {name: a, notebook: "
                         "notebooks/02_value_grid.ipynb, parameters: {lang: fr}}\n")
    makedeps.rules(makedeps.load_config(paths=paths), paths=paths)
    assert '"fr"' in params.read_text()
