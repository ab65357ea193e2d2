"""The conda/Binder environment pins exactly what requirements.lock pins."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from analysis.paths import PROCESS


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in PROCESS.lock.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][\w.-]*)==([^\s;\\]+)", line):
            pins[match[1].lower()] = match[2]
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((PROCESS.root / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {name.lower(): version for name, version in (p.split("==") for p in pip_section)}


def test_lock_pins_every_package_with_hashes():
    text = PROCESS.lock.read_text()
    requirements = [ln for ln in text.splitlines() if ln and not ln.startswith((" ", "#"))]
    assert requirements and all("==" in ln for ln in requirements), "unpinned requirement"
    assert text.count("--hash=sha256:") >= len(requirements)


def test_environment_yml_agrees_with_lock():
    assert environment_pins() == lock_pins()


def test_direct_dependencies_are_locked():
    direct = [ln.split("==")[0].split("[")[0].strip().lower()
              for ln in (PROCESS.root / "requirements.in").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    missing = [name for name in direct if name not in lock_pins()]
    assert not missing, f"in requirements.in but not in requirements.lock: {missing}"


def _six_lock() -> str:
    """The lock's own entry for one small package with no dependencies."""
    lines = PROCESS.lock.read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("six=="))
    return "\n".join(ln for ln in lines[start:start + 3]) + "\n"


@pytest.mark.slow
def test_a_venv_left_without_pip_by_an_interrupted_setup_is_redone_by_make_env(tmp_path):
    """Ctrl-C right after `python -m venv` started leaves a venv without pip; make env recovers."""
    for rel in ("Makefile", "pyproject.toml", "tools/build_lock.py", "src/analysis/__init__.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROCESS.root / rel, tmp_path / rel)
    (tmp_path / "README.md").write_text("test\n", encoding="utf-8")
    (tmp_path / "requirements.lock").write_text(_six_lock(), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=tmp_path,
                   check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "ANALYSIS_"))}
    result = subprocess.run(["make", f"PYTHON={sys._base_executable}", "env"], cwd=tmp_path,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    check = subprocess.run([str(tmp_path / ".venv/bin/python"), "-c", "import six, pip"])
    assert check.returncode == 0
