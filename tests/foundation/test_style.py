"""The code follows the ruff configuration in pyproject.toml (what `make lint` checks)."""

from __future__ import annotations

import subprocess
import sys

from analysis.paths import PROCESS


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests"],
                            cwd=PROCESS.root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
