"""The runner is atomic: a failing notebook changes nothing in build/ and names the cell."""

from __future__ import annotations

import json

import nbformat
import pytest

from analysis.pipeline import run

pytestmark = pytest.mark.slow  # each test starts a kernel


@pytest.fixture
def build(tmp_paths):
    """A temporary build/, exported to the runner (its ``main`` reads the environment)."""
    return tmp_paths.build


def notebook(path, body: str):
    params = nbformat.v4.new_code_cell('label = "ok"', id="params")
    params.metadata["tags"] = ["parameters"]
    cells = [params,
             nbformat.v4.new_code_cell(
                 "import pandas as pd\nfrom analysis import tables\n"
                 "tables.save(pd.DataFrame({'x': [label]}), 'out', caption='c')", id="save"),
             nbformat.v4.new_code_cell(body, id="last")]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


def test_success_then_failure_keeps_the_good_outputs(build, tmp_path, capsys):
    good = notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(good), "--name", "demo", "-p", "label", "first"]) == 0
    executed = build / "notebooks" / "demo.ipynb"
    before = {p: p.read_bytes() for p in [executed, build / "tables" / "out.csv"]}
    assert "first" in before[build / "tables" / "out.csv"].decode()
    record = json.loads((build / "runs" / "demo.json").read_text())
    assert record["parameters"] == {"label": "first"}
    assert "build/tables/out.csv" in {o["path"] for o in record["outputs"]}

    notebook(tmp_path / "nb.ipynb", "raise RuntimeError('boom')")
    assert run.main([str(good), "--name", "demo", "-p", "label", "second"]) == 1
    err = capsys.readouterr().err
    assert "nb.ipynb: cell 3 (id 'last'" in err and "RuntimeError: boom" in err
    assert {p: p.read_bytes() for p in before} == before, "a failed run changed build/"
    assert (build / "failed" / "demo.ipynb").exists()
    assert "second" in (build / "failed" / "demo" / "staging" / "tables" / "out.csv").read_text()


def test_normalised_notebook_has_no_timestamps_and_a_fixed_injected_id(build, tmp_path):
    nb_path = notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(nb_path), "--name", "n", "-p", "label", "x"]) == 0
    text = (build / "notebooks" / "n.ipynb").read_text()
    for volatile in ("start_time", "end_time", "duration", "input_path", "output_path"):
        assert volatile not in text
    ids = [c["id"] for c in json.loads(text)["cells"]]
    assert ids == ["params", "injected-parameters", "save", "last"]
    timing = json.loads((build / "timings" / "n.json").read_text())
    assert timing["kernel_seconds"] > 0


def test_parameters_are_refused_before_a_kernel_starts(build, tmp_path, capsys):
    nb_path = notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(nb_path), "-p", "lable", "x"]) == 1
    assert "unknown parameter 'lable'" in capsys.readouterr().err
    assert not list(build.glob(".work*")), "a kernel was prepared for invalid parameters"


def test_printed_staging_paths_are_written_as_build_paths(build, tmp_path):
    """A cell that shows where it saved (a staging path) must not tie the notebook's bytes to
    the folder it was built in: an unzipped deposit archive rebuilds it elsewhere."""
    nb = notebook(tmp_path / "nb.ipynb",
                  "from analysis.paths import PROCESS\nPROCESS.output_dir('tables')")
    assert run.main([str(nb), "--name", "where"]) == 0
    shown = json.loads((build / "notebooks" / "where.ipynb").read_text())["cells"][-1]
    text = "".join(shown["outputs"][0]["data"]["text/plain"])
    assert text == "PosixPath('build/tables')"
    assert str(build) not in json.dumps(shown)


def test_the_kernel_gets_every_folder_of_the_runners_paths(tmp_paths, tmp_path):
    """A run given other paths (a copy of data/, say) reads and writes exactly those."""
    given = tmp_paths.replace(data=tmp_path / "my-data", shared=tmp_path / "my-shared")
    nb = notebook(tmp_path / "nb.ipynb",
                  "from analysis.paths import PROCESS\n"
                  "print(PROCESS.data.name, PROCESS.shared.name, PROCESS.build == PROCESS.build)")
    run.run(nb, "kernel-paths", {}, paths=given)
    shown = json.loads((given.executed / "kernel-paths.ipynb").read_text())["cells"][-1]
    assert "".join(shown["outputs"][0]["text"]) == "my-data my-shared True\n"
    assert (given.runs / "kernel-paths.json").is_file()


def test_a_run_writes_nothing_in_the_home_folder(tmp_paths, tmp_path, monkeypatch):
    """matplotlib's font list, IPython's profile and Jupyter's files go to the environment's
    var/ folder: the user's home is neither written nor read (no start-up file runs)."""
    home = tmp_path / "home"
    (home / ".ipython" / "profile_default" / "startup").mkdir(parents=True)
    (home / ".ipython" / "profile_default" / "startup" / "00-user.py").write_text(
        "raise SystemExit('a user start-up file ran in the kernel')\n")
    before = sorted(p.relative_to(home) for p in home.rglob("*"))
    monkeypatch.setenv("HOME", str(home))
    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "MPLCONFIGDIR",
                     "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        monkeypatch.delenv(variable, raising=False)
    nb = notebook(tmp_path / "nb.ipynb",
                  "import matplotlib.pyplot as plt\nfrom analysis import figures\n"
                  "fig, ax = plt.subplots()\n"
                  "figures.save(fig, 'home_check', alt='A blank plot.', caption='Blank.')")
    run.run(nb, "home-check", {}, paths=tmp_paths)
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == before
