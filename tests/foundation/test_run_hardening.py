"""The runner refuses what could escape build/, reports bad input in one located line, and
leaves nothing behind: not after a failure, a dead kernel or a killed process."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from test_run import notebook

from analysis import fileio
from analysis.paths import PROCESS
from analysis.pipeline import run, runrecord
from analysis.pipeline.runrecord import RunRecord, TracedFile


@pytest.fixture
def build(tmp_paths):
    """A temporary build/ (exported to the runner) holding an earlier output and a folder."""
    (tmp_paths.build / ".work").mkdir(parents=True)
    (tmp_paths.build / "keep.txt").write_text("an earlier good output", encoding="utf-8")
    return tmp_paths.build


def untouched(build, tmp_path) -> bool:
    return ((build / "keep.txt").exists() and (build / ".work").is_dir()
            and not (tmp_path / "P").exists() and (tmp_path / "nb.ipynb").exists())


@pytest.mark.parametrize("name", ["..", "../x", "../..", "a/b", "$(shell touch P)", ".hidden",
                                  "x y", ""])
def test_a_run_name_that_is_not_a_plain_file_name_is_refused_and_nothing_is_touched(
        build, tmp_path, capsys, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(nb), "--name", name]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: run name {name!r}: expected letters") and err.count("\n") == 1
    assert untouched(build, tmp_path)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"label": ', "line 1, column 11: not valid JSON"),
    (b'["label", "x"]', "expected a JSON object of parameters"),
    ('{"label": "x"}'.encode("utf-16"), "byte 0 is not UTF-8"),
])
def test_a_bad_params_json_gets_one_located_line(build, tmp_path, capsys, content, message):
    nb = notebook(tmp_path / "nb.ipynb", "print(label)")
    params = tmp_path / "params.json"
    params.write_bytes(content)
    assert run.main([str(nb), "--params-json", str(params)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {params}") and message in err and err.count("\n") == 1


def test_a_missing_params_json_a_folder_and_a_folder_as_notebook_are_named(
        build, tmp_path, capsys):
    nb = notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(nb), "--params-json", str(tmp_path / "none.json")]) == 1
    assert "none.json: not found; expected a JSON file of parameters" in capsys.readouterr().err
    assert run.main([str(nb), "--params-json", str(tmp_path)]) == 1
    assert "is a folder; expected a JSON file" in capsys.readouterr().err
    assert run.main([str(tmp_path)]) == 1
    assert "is a folder; expected a notebook" in capsys.readouterr().err


def test_an_output_outside_build_is_refused(build, tmp_path, capsys):
    nb = notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(nb), "--output", str(tmp_path / "out.ipynb")]) == 1
    assert "must be inside" in capsys.readouterr().err
    assert not (tmp_path / "out.ipynb").exists()


def test_input_names_are_written_so_make_reads_each_as_one_file_and_runs_nothing(tmp_path):
    odd = ["data/x$(shell touch P).csv", "data/my coding.csv", "data/a#b.csv"]
    (tmp_path / "data").mkdir()
    for name in odd:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "build" / "runs").mkdir(parents=True)
    (tmp_path / "build" / "runs" / "demo.json").write_text("{}", encoding="utf-8")
    deps = run._deps_text("demo", odd)
    (tmp_path / "Makefile").write_text(
        "BUILD := build\ninclude demo.d\n$(BUILD)/notebooks/demo.ipynb:\n\tmkdir -p $(@D) && "
        "touch $@\n", encoding="utf-8")
    (tmp_path / "demo.d").write_text(deps, encoding="utf-8")
    make = ["make", "-s", "build/notebooks/demo.ipynb"]
    subprocess.run(make, cwd=tmp_path, check=True, capture_output=True)
    assert not (tmp_path / "P").exists(), "a file name ran a shell command"
    assert subprocess.run(["make", "-q", *make[2:]], cwd=tmp_path).returncode == 0
    os.utime(tmp_path / "data/my coding.csv", ns=(2**62, 2**62))
    assert subprocess.run(["make", "-q", *make[2:]], cwd=tmp_path).returncode == 1


def test_a_file_name_make_cannot_spell_fails_the_run_before_anything_moves():
    with pytest.raises(run.CompendiumError, match="cannot be written into a make rule"):
        run._deps_text("demo", ["data/a:b.csv"])


def test_a_rerun_deletes_what_it_no_longer_writes_and_a_damaged_record_stops_nothing(
        tmp_paths):
    stale, kept = tmp_paths.figures / "old.png", tmp_paths.figures / "new.png"
    stale.parent.mkdir(parents=True)
    for file in (stale, kept):
        file.write_bytes(b"png")
    outputs = tuple(TracedFile(tmp_paths.relative(f), "0" * 64, "output") for f in (stale, kept))
    previous = tmp_paths.runs / "demo.json"
    runrecord.write(previous, RunRecord("demo", "notebooks/n.ipynb", {},
                                        "build/notebooks/demo.ipynb", (), outputs))
    run._remove_stale(previous, outputs[1:], tmp_paths)
    assert not stale.exists() and kept.exists()
    previous.write_text('{"name": "demo", "outp', encoding="utf-8")  # truncated by hand
    run._remove_stale(previous, (), tmp_paths)
    assert kept.exists()


def test_the_work_folder_of_a_killed_process_is_swept_by_the_next_run(build):
    dead = subprocess.run(["true"])  # a finished child: its pid is free
    assert dead.returncode == 0
    stale = build / f".work.demo.{_dead_pid()}.abc123"
    (stale / "staging").mkdir(parents=True)
    mine = build / f".work.demo.{os.getpid()}.def456"
    mine.mkdir()
    fileio.sweep_abandoned(build, ".work.demo")
    assert not stale.exists() and mine.exists()


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.mark.slow
def test_a_success_after_a_failure_clears_the_failure_and_leaves_no_work_folder(
        build, tmp_path):
    nb = notebook(tmp_path / "nb.ipynb", "raise RuntimeError('boom')")
    assert run.main([str(nb), "--name", "demo"]) == 1
    assert (build / "failed" / "demo.ipynb").exists()
    notebook(tmp_path / "nb.ipynb", "print(label)")
    assert run.main([str(nb), "--name", "demo"]) == 0
    assert not (build / "failed" / "demo.ipynb").exists()
    assert not (build / "failed" / "demo").exists()
    assert [p.name for p in build.glob(".work.*")] == []


@pytest.mark.slow
def test_a_killed_kernel_names_the_cell_and_keeps_the_partial_notebook(build, tmp_path, capsys):
    nb = notebook(tmp_path / "nb.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert run.main([str(nb), "--name", "dies"]) == 1
    err = capsys.readouterr().err
    assert "cell 2 (id 'last') did not finish: the kernel died" in err
    assert "Traceback" not in err
    assert (build / "failed" / "dies.ipynb").exists()
    assert (build / "keep.txt").exists()
    assert json.loads((build / "failed" / "dies.ipynb").read_text())["cells"]
    assert [p.name for p in build.glob(".work.*")] == []


def test_the_run_name_pattern_is_the_one_build_yml_is_validated_with():
    schema = json.loads(PROCESS.config_schema.read_text(encoding="utf-8"))
    pattern = schema["properties"]["runs"]["items"]["properties"]["name"]["pattern"]
    assert pattern in _error_for("../x")


def _error_for(name: str) -> str:
    with pytest.raises(run.CompendiumError) as err:
        run.check_run_name(name)
    return str(err.value)


@pytest.mark.slow
def test_sigterm_cleans_up_then_ends_the_run_by_the_same_signal(build, tmp_path):
    import signal
    import sys
    import time

    nb = notebook(tmp_path / "nb.ipynb", "import time\ntime.sleep(60)")
    env = {**os.environ, "ANALYSIS_BUILD_DIR": str(build)}
    child = subprocess.Popen([sys.executable, "-m", "analysis.pipeline.run", str(nb), "--name",
                              "slow"], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(build.glob(".work.slow.*/staging/tables/*")):
        assert time.monotonic() < deadline and child.poll() is None, "the run never started"
        time.sleep(0.1)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGTERM
    # the kernel, interrupted in its cell, logs that itself; the runner's word is the last line
    assert err.strip().splitlines()[-1] == ("error: interrupted (SIGTERM); earlier outputs are "
                                            "unchanged")
    assert list(build.glob(".work.*")) == []
    assert (build / "keep.txt").exists() and not (build / "notebooks" / "slow.ipynb").exists()
