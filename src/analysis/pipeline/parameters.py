"""Read a notebook's ``parameters`` cell and check requested values against it.

Papermill only warns about an unknown parameter and injects any value as given, so a typo
(``-p lnag en``) silently builds the wrong thing. We validate names, types and declared
choices before a kernel starts. A parameter's type is the type of its default value; a
trailing comment ``# one of: fr, en`` declares the allowed values, and ``range: 19..`` (or
``0..10``) in the comment the allowed interval of a number. A float is always finite.

>>> _range_of("n = 199  # replicates; range: 19..")
(19.0, None)
>>> _range_of("x = 2.0  # years; range: 0..10")
(0.0, 10.0)
>>> _range_of("lang = 'fr'  # one of: fr, en") is None
True
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError
from analysis.textlist import items

_CHOICES = re.compile(r"#\s*one of:\s*(?P<values>.+)$")
#: ``# one of: the languages in locales/``: the choices are the catalogue's languages.
LANGUAGES_CHOICE = "the languages in locales/"


def _choices(text: str) -> tuple[str, ...]:
    """The allowed values of a ``# one of:`` comment (the catalogue's, for languages)."""
    if text.strip().startswith(LANGUAGES_CHOICE):
        from analysis import i18n

        return i18n.languages()
    return tuple(items(text))


_RANGE = re.compile(r"#.*\brange:\s*(?P<low>-?[0-9.]+)?\s*\.\.\s*(?P<high>-?[0-9.]+)?")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class _OutOfRange(ValueError):
    """A value of the right type outside the parameter's declared range."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    choices: tuple[str, ...] = ()
    line: int = 0
    bounds: tuple[float | None, float | None] | None = None

    def check_bounds(self, value: Any) -> None:
        """Raise ValueError for a number outside the declared range, or a non-finite float."""
        if isinstance(value, float) and not math.isfinite(value):
            raise _OutOfRange("expected a finite number")
        if self.bounds is None or isinstance(value, bool) or not isinstance(value, int | float):
            return
        low, high = self.bounds
        if (low is not None and value < low) or (high is not None and value > high):
            shown = f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}"
            raise _OutOfRange(f"expected a value in the range {shown}")

    @property
    def type_name(self) -> str:
        return type(self.default).__name__


def load_notebook_json(notebook: Path) -> dict:
    try:
        return json.loads(Path(notebook).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ParameterError(f"{notebook}: notebook not found") from exc
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{notebook}, line {exc.lineno}: not valid notebook JSON") from exc


def parameters_cell(nb: dict, notebook: Path) -> tuple[int, str]:
    """Index and source of the cell tagged ``parameters``."""
    for index, cell in enumerate(nb.get("cells", [])):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            return index, "".join(source) if isinstance(source, list) else source
    raise ParameterError(f"{notebook}: no cell is tagged 'parameters'")


def declared(notebook: Path) -> dict[str, Parameter]:
    """The parameters a notebook declares, in order, with defaults and allowed values."""
    nb = load_notebook_json(notebook)
    index, source = parameters_cell(nb, notebook)
    lines = source.splitlines()
    found: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise ParameterError(f"{notebook}, cell {index}, line {node.lineno}: the parameters "
                                 "cell may only hold `name = literal` lines")
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ParameterError(f"{notebook}, cell {index}, line {node.lineno}: default of "
                                 f"'{node.targets[0].id}' must be a literal") from exc
        match = _CHOICES.search(lines[node.lineno - 1])
        choices = _choices(match["values"]) if match else ()
        name = node.targets[0].id
        found[name] = Parameter(name, default, choices, node.lineno,
                                _range_of(lines[node.lineno - 1]))
    return found


def _range_of(line: str) -> tuple[float | None, float | None] | None:
    match = _RANGE.search(line)
    if not match:
        return None
    return tuple(None if match[key] is None else float(match[key])  # type: ignore[return-value]
                 for key in ("low", "high"))


def _coerce_text(param: Parameter, text: str) -> Any:
    """Turn a command-line string into the type of the parameter's default."""
    default = param.default
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError("expected a boolean (true/false)")
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    if isinstance(default, list | tuple):
        inner = type(default[0]) if default else str
        return [inner(item) for item in items(text)]
    return text


def _check_type(param: Parameter, value: Any) -> Any:
    default = param.default
    if default is None:
        return value
    expected = type(default)
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(default, list | tuple) and isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, bool) != isinstance(default, bool) or not isinstance(value, expected):
        raise ValueError(f"expected {expected.__name__}, got {type(value).__name__}")
    return value


def validate(notebook: Path, given: dict[str, Any], *, from_text: bool = False) -> dict[str, Any]:
    """Return the typed parameters, or raise ParameterError naming the notebook and parameter."""
    params = declared(notebook)
    checked: dict[str, Any] = {}
    for name, value in given.items():
        if name not in params:
            known = ", ".join(f"{p.name} ({p.type_name})" for p in params.values())
            raise ParameterError(f"{notebook}: unknown parameter '{name}'; "
                                 f"the parameters cell declares: {known}")
        param = params[name]
        try:
            typed = _coerce_text(param, value) if from_text else _check_type(param, value)
            param.check_bounds(typed)
        except (ValueError, TypeError) as exc:
            problem = "is out of range" if isinstance(exc, _OutOfRange) else "has the wrong type"
            raise ParameterError(f"{notebook}: parameter '{name}' = {value!r} {problem}: {exc} "
                                 f"(default is {param.default!r})") from exc
        values = typed if isinstance(typed, list) else [typed]
        if param.choices and any(str(v) not in param.choices for v in values):
            raise ParameterError(f"{notebook}: parameter '{name}' = {value!r} is not one of "
                                 f"{', '.join(param.choices)}")
        checked[name] = typed
    return checked
