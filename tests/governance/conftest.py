"""Fixtures of the governance tests: a coding file written in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from governance_fixtures import ROWS, write_coding


@pytest.fixture
def coding_file(tmp_path) -> Path:
    return write_coding(tmp_path / "fixture_coding.csv", ROWS)
