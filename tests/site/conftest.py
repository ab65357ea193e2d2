"""Fixtures of the site tests: a fabricated build tree and the site rendered from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_tree import make_tree

from analysis.paths import Paths


@pytest.fixture
def tree(tmp_path: Path) -> Paths:
    return make_tree(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site rendered from the test tree, shared by the read-only tests of a module."""
    from analysis.site.build import build_site

    return build_site(paths=make_tree(tmp_path_factory.mktemp("site"))).out
