"""The code follows the ruff configuration in pyproject.toml (what `make lint` checks)."""

from __future__ import annotations

import subprocess
import sys

from analysis.paths import PROCESS


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests"],
                            cwd=PROCESS.root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_configuration_keeps_functions_simple(tmp_path):
    """McCabe complexity above 10 fails the lint (C901), so a tangled function cannot land."""
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(11))
    (tmp_path / "tangled.py").write_text(f"def f(x):\n{branches}\n    return -1\n")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--config",
                             str(PROCESS.pyproject), str(tmp_path / "tangled.py")],
                            cwd=PROCESS.root, capture_output=True, text=True)
    assert result.returncode == 1 and "C901" in result.stdout
