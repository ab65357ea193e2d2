"""Parameters are checked against the notebook's parameters cell before any kernel starts."""

from __future__ import annotations

import nbformat
import pytest

from analysis.errors import ParameterError
from analysis.paths import PROCESS
from analysis.pipeline import parameters


@pytest.fixture
def notebook(tmp_path):
    def build(source: str, tagged: bool = True):
        cell = nbformat.v4.new_code_cell(source, id="params")
        if tagged:
            cell.metadata["tags"] = ["parameters"]
        nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("x = 1", id="b")])
        path = tmp_path / "nb.ipynb"
        nbformat.write(nb, path)
        return path
    return build


SOURCE = ('lang = "fr"  # one of: fr, en\nyear_to = 2019\nratio = 0.5\nlog_scale = False\n'
          'series = ["a", "b"]\n')


def test_declared_reads_defaults_types_and_choices(notebook):
    declared = parameters.declared(notebook(SOURCE))
    assert list(declared) == ["lang", "year_to", "ratio", "log_scale", "series"]
    assert declared["lang"].choices == ("fr", "en")
    assert declared["year_to"].default == 2019


def test_text_values_are_coerced_to_the_default_type(notebook):
    path = notebook(SOURCE)
    given = {"lang": "en", "year_to": "2021", "ratio": "2", "log_scale": "true", "series": "x,y"}
    assert parameters.validate(path, given, from_text=True) == {
        "lang": "en", "year_to": 2021, "ratio": 2.0, "log_scale": True, "series": ["x", "y"]}


@pytest.mark.parametrize(("given", "from_text", "fragment"), [
    ({"lnag": "en"}, True, "unknown parameter 'lnag'"),
    ({"lang": "de"}, True, "not one of fr, en"),
    ({"year_to": "soon"}, True, "wrong type"),
    ({"log_scale": "maybe"}, True, "expected a boolean"),
    ({"year_to": "2021"}, False, "expected int, got str"),
    ({"log_scale": 1}, False, "expected bool"),
    ({"year_to": True}, False, "expected int, got bool"),
])
def test_bad_parameters_are_refused_with_the_name(notebook, given, from_text, fragment):
    with pytest.raises(ParameterError, match=fragment) as err:
        parameters.validate(notebook(SOURCE), given, from_text=from_text)
    assert "nb.ipynb" in str(err.value)


def test_unknown_parameter_message_lists_declared_ones(notebook):
    with pytest.raises(ParameterError, match=r"declares: lang \(str\), year_to \(int\)"):
        parameters.validate(notebook(SOURCE), {"nope": 1})


def test_notebook_without_parameters_cell_is_refused(notebook):
    with pytest.raises(ParameterError, match="no cell is tagged 'parameters'"):
        parameters.declared(notebook(SOURCE, tagged=False))


def test_parameters_cell_must_hold_literals(notebook):
    with pytest.raises(ParameterError, match="line 2: default of 'b' must be a literal"):
        parameters.declared(notebook("a = 1\nb = a + 1\n"))


@pytest.mark.parametrize(("name", "text", "message"), [
    ("n_bootstrap", "-5", "out of range: expected a value in the range 19.."),
    ("n_bootstrap", "0", "out of range"),
    ("surge_tolerance", "nan", "out of range: expected a finite number"),
    ("surge_tolerance", "inf", "expected a finite number"),
    ("surge_tolerance", "11", "range 0..10"),
])
def test_numbers_outside_their_documented_range_are_refused_before_a_kernel_starts(
        name, text, message):
    notebook = PROCESS.notebooks / "01_literature_growth.ipynb"
    with pytest.raises(ParameterError, match=message) as err:
        parameters.validate(notebook, {name: text}, from_text=True)
    assert f"parameter '{name}'" in str(err.value)
    assert parameters.validate(notebook, {"n_bootstrap": "19"}, from_text=True) == {
        "n_bootstrap": 19}
