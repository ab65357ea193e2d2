"""Every command-line tool has the one shape of analysis.cli: same --help layout, same errors,
listed by `make help` and the README."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import pytest

from analysis import cli
from analysis.errors import CompendiumError
from analysis.paths import PROCESS

SRC = PROCESS.root / "src" / "analysis"
#: Run by spark-submit on a cluster with its own arguments, never by a user or make.
NOT_A_TOOL = {"analysis.literature.snapshot.spark_job", "analysis.cli"}
TOOLS = [tool.command for tool in cli.tools()]


def _script_modules() -> set[str]:
    found = set()
    for source in SRC.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
               for node in tree.body):
            parts = source.relative_to(SRC.parent).with_suffix("").parts
            found.add(".".join(parts))
    return found - NOT_A_TOOL


def test_every_module_run_as_a_script_is_a_cli_command():
    assert _script_modules() == {tool.module for tool in cli.tools()}


def test_each_tool_has_a_one_line_summary():
    assert all(tool.summary and len(tool.summary) < 100 for tool in cli.tools()), cli.tools()


@pytest.mark.parametrize("tool", cli.tools(), ids=lambda tool: tool.command)
def test_each_tool_answers_help_in_the_shared_layout(tool, capsys):
    imported = importlib.import_module(tool.module)
    assert getattr(imported.main, "is_command", False), f"{tool.module}.main is no cli.command"
    with pytest.raises(SystemExit) as ended:
        imported.main(["--help"])
    out = capsys.readouterr().out
    assert ended.value.code == 0
    assert out.startswith(f"usage: python -m {tool.command}")
    assert cli.EPILOG.split(".")[0] in " ".join(out.split())


def _fake():
    """A tool defined here, so its handler's behaviour is under the test's control."""
    @cli.command(lambda parser: parser.add_argument("--fail", action="store_true"))
    def main(args, paths):
        if args.fail:
            raise CompendiumError("data/x.csv, row 3, column 'year': expected an integer")
        print(paths.root)
        return 0
    return main


def test_a_tool_gets_the_paths_of_its_environment(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    assert _fake()([]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path.resolve())


def test_a_tool_reports_bad_input_in_one_line_and_exits_1(capsys):
    assert _fake()(["--fail"]) == 1
    err = capsys.readouterr().err
    assert err == "error: data/x.csv, row 3, column 'year': expected an integer\n"


def test_make_help_lists_every_tool():
    shown = subprocess.run(["make", "-s", "help"], cwd=PROCESS.root, capture_output=True,
                           text=True, check=True).stdout
    assert all(f"  {module} " in shown for module in TOOLS), shown


def test_the_readme_lists_every_tool():
    readme = (PROCESS.root / "README.md").read_text(encoding="utf-8")
    missing = [module for module in TOOLS if f"`python -m {module}`" not in readme]
    assert not missing


def test_the_tool_list_is_read_from_sources_without_importing_them():
    code = "import sys; from analysis import cli; cli.tools(); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(SRC.parent)}).stdout
    assert out.strip() == "False"
