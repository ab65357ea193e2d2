"""The examples in docstrings are true: every module of src/ that shows one is run here."""

from __future__ import annotations

import doctest
import importlib

import pytest

from analysis.paths import PROCESS

SRC = PROCESS.root / "src"
WITH_EXAMPLES = sorted(
    ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    for p in (SRC / "analysis").rglob("*.py") if ">>> " in p.read_text(encoding="utf-8"))


def test_some_modules_show_examples():
    assert {"analysis.pipeline.makesyntax", "analysis.yamlfile",
            "analysis.pipeline.parameters"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("module", WITH_EXAMPLES)
def test_docstring_examples_hold(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
