"""CITATION.cff: read it, validate it against the CFF 1.2.0 schema, and check its version.

`make dist` refuses an archive whose CITATION.cff would not be accepted by Zenodo or GitHub, or
whose version differs from the package's: a deposit cited as 0.1.0 must contain 0.1.0. The
check is the one `cffconvert --validate` makes (timestamps read as text, then jsonschema with
format checks), run with the schema in ``analysis/schemas/`` because cffconvert itself cannot
be installed beside this lock (see that folder's README).

    python -m analysis.pipeline.citation   # validate; exit 1 with the failing field named
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from analysis import cli
from analysis._startup import skip_unused_imports
from analysis.errors import CompendiumError
from analysis.paths import PROCESS, Paths

SCHEMA = Path(__file__).parent / "schemas" / "cff-1.2.0.schema.json"


class CitationError(CompendiumError):
    """CITATION.cff is not valid CFF 1.2.0, or its version is not the package's."""


class _TextDates(yaml.SafeLoader):
    """SafeLoader that keeps dates as written: CFF's schema expects "2024-06-21", a string."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(path: Path | None = None, *, paths: Paths = PROCESS) -> dict[str, Any]:
    """Parse CITATION.cff (YAML) into a mapping; a YAML error names the line."""
    path = Path(path or paths.citation)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)  # noqa: S506
    except FileNotFoundError:
        raise CitationError(f"{path}: not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise CitationError(f"{path}{line}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise CitationError(f"{path}: expected a mapping of CFF keys, got {type(data).__name__}")
    return data


def validate(data: dict[str, Any], path: Path | str = "CITATION.cff") -> None:
    """Raise CitationError naming the first failing field (by its YAML path) and why."""
    skip_unused_imports()
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        first = errors[0]
        field = ".".join(str(p) for p in first.absolute_path) or "(top level)"
        raise CitationError(f"{path}, field {field}: {first.message} "
                            f"(CFF 1.2.0; {len(errors)} problem(s) in all)")


def project(*, paths: Paths = PROCESS) -> dict[str, Any]:
    """The [project] table of pyproject.toml."""
    return tomllib.loads(paths.pyproject.read_text(encoding="utf-8"))["project"]


def package(*, paths: Paths = PROCESS) -> tuple[str, str]:
    """(name, version) of the package, from pyproject.toml: the archive's name and version."""
    meta = project(paths=paths)
    return meta["name"], meta["version"]


def checked(path: Path | None = None, *, paths: Paths = PROCESS) -> dict[str, Any]:
    """CITATION.cff parsed, valid, and of the package's version; else CitationError."""
    path = Path(path or paths.citation)
    data = load(path)
    validate(data, paths.relative(path))
    _, version = package(paths=paths)
    if str(data.get("version")) != version:
        raise CitationError(f"{paths.relative(path)}, field version: {data.get('version')!r}, "
                            f"but pyproject.toml says {version!r} (they must match)")
    return data


@cli.command()
def main(args: argparse.Namespace, paths: Paths) -> int:
    data = checked(paths=paths)
    print(f"{paths.relative(paths.citation)}: valid CFF {data['cff-version']}, "
          f"version {data['version']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
