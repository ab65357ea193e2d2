"""Read the project's YAML files strictly: one meaning per file, and a located error otherwise.

PyYAML's ``safe_load`` keeps the last of two equal keys (``{lang: fr, lang: en}`` silently
builds ``en``) and expands aliases without limit (a "billion laughs" file fills memory). This
loader refuses both, and reports where: the file, line and column.

>>> loads("runs: [{lang: fr}]")
{'runs': [{'lang': 'fr'}]}
>>> loads("{lang: fr, lang: en}", "b.yml")
Traceback (most recent call last):
...
analysis.errors.ConfigError: b.yml, line 1, column 12: key 'lang' appears twice (first at line 1)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis.errors import ConfigError
from analysis.fileio import read_utf8

#: Aliases one file may use: the shipped files use none, and a few nested aliases already
#: stand for millions of values once a consumer walks them ("billion laughs").
MAX_ALIASES = 16


class _Refused(yaml.constructor.ConstructorError):
    """Valid YAML that this loader refuses (a repeated key, too many aliases)."""


class _StrictLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases_seen = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _Refused(
                    None, None, f"more than {MAX_ALIASES} aliases; expected plain data", mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _Refused(
                    None, None, f"key {key!r} appears twice (first at line "
                    f"{seen[key].line + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def loads(text: str, name: str = "<text>") -> Any:
    """Parse YAML text strictly; errors name ``name``, the line and the column."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if not isinstance(exc, _Refused):
            problem = f"not valid YAML ({problem})"
        raise ConfigError(f"{name}{where}: {problem}") from None


def load(path: Path) -> Any:
    """Parse a UTF-8 YAML file strictly (see :func:`loads`)."""
    return loads(read_utf8(path, "a YAML file", ConfigError), str(path))
