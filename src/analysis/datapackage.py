"""Read the versioned data through its Frictionless Data Package descriptor.

``load(name)`` is the only way notebooks read data: it checks the file's sha256 against
``data/datapackage.json`` and validates every row against the table schema (with
frictionless-py) before returning a DataFrame, and records the read for the manifest.

CLI::

    python -m analysis.datapackage verify          # every resource: checksum + schema
    python -m analysis.datapackage rehash NAME...  # after a deliberate, reviewed edit
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from analysis import cli
from analysis._startup import skip_unused_imports
from analysis.errors import CompendiumError, DataError, Problems, where
from analysis.fileio import sha256_file, write_text
from analysis.paths import PROCESS, Paths
from analysis.pipeline import trace

#: Keys every resource must carry so a reviewer can trace each value to its origin.
REQUIRED_RESOURCE_KEYS = ("name", "path", "sources", "licenses", "hash")
#: Tables (CSV) carry a Table Schema; other files (YAML, JSON) are checked by checksum and by
#: the module that reads them.
TABULAR_PROFILE = "tabular-data-resource"
SOURCE_LOCATORS = ("path", "page", "commit", "doi")
MAX_REPORTED_ERRORS = 20

_PANDAS_TYPES = {
    "string": "string",
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


def read_descriptor(path: Path | None = None, *, paths: Paths = PROCESS) -> dict:
    """The package descriptor as a dict, with a clear error if it is not valid JSON."""
    path = Path(path or paths.datapackage)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: data package descriptor not found") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"{where(path, exc.lineno)}: invalid JSON ({exc.msg})") from exc


def resource_names(descriptor: dict | None = None, *, paths: Paths = PROCESS) -> list[str]:
    return [res["name"] for res in (descriptor or read_descriptor(paths=paths))["resources"]]


def resource(name: str, descriptor: dict | None = None, *, paths: Paths = PROCESS) -> dict:
    """The descriptor entry of one resource, checked for provenance fields."""
    descriptor = descriptor or read_descriptor(paths=paths)
    for res in descriptor["resources"]:
        if res.get("name") == name:
            _check_resource_metadata(res, paths)
            return res
    known = ", ".join(resource_names(descriptor, paths=paths))
    raise DataError(f"{paths.datapackage}: no resource named '{name}' (known: {known})")


def resource_path(name: str, descriptor: dict | None = None, *, paths: Paths = PROCESS) -> Path:
    return paths.data / resource(name, descriptor, paths=paths)["path"]


def _check_resource_metadata(res: dict, paths: Paths) -> None:
    label = f"{paths.datapackage}: resource '{res.get('name', '?')}'"
    required = (*REQUIRED_RESOURCE_KEYS, *(("schema",) if is_tabular(res) else ()))
    missing = [key for key in required if not res.get(key)]
    if missing:
        raise DataError(f"{label} lacks {', '.join(missing)} (every resource needs "
                        f"{', '.join(required)})")
    for i, source in enumerate(res["sources"], start=1):
        if not source.get("title") or not any(source.get(k) for k in SOURCE_LOCATORS):
            raise DataError(f"{label}, source {i}: needs a title and one of "
                            f"{', '.join(SOURCE_LOCATORS)}")
    for i, licence in enumerate(res["licenses"], start=1):
        if not (licence.get("name") or licence.get("path")):
            raise DataError(f"{label}, licence {i}: needs a name or path")
    if not str(res["hash"]).startswith("sha256:"):
        raise DataError(f"{label}: hash must read 'sha256:<hex>', found {res['hash']!r}")
    _check_inside_data(label, res["path"], paths)


def _check_inside_data(label: str, path: object, paths: Paths) -> None:
    """A resource path is relative and stays inside data/: the build reads, copies and
    publishes these files, so ``../../secret.txt`` must never resolve."""
    text = str(path)
    inside = (paths.data / text).resolve().is_relative_to(paths.data.resolve())
    if not isinstance(path, str) or text.startswith("/") or ".." in Path(text).parts \
            or not inside:
        raise DataError(f"{label}: path {path!r} must be a relative path inside data/")


def verify_checksum(name: str, descriptor: dict | None = None, *,
                    paths: Paths = PROCESS) -> Path:
    """Raise DataError naming the file and both checksums if the file was changed."""
    res = resource(name, descriptor, paths=paths)
    path = paths.data / res["path"]
    if not path.exists():
        raise DataError(f"{path}: file of resource '{name}' not found")
    expected = res["hash"].split(":", 1)[1]
    actual = sha256_file(path)
    if actual != expected:
        raise DataError(
            f"{path}: checksum mismatch for resource '{name}': datapackage.json expects "
            f"sha256 {expected}, the file has {actual}. If the edit is deliberate and reviewed, "
            f"run `python -m analysis.datapackage rehash {name}`."
        )
    return path


def is_tabular(res: dict) -> bool:
    return res.get("profile", TABULAR_PROFILE) == TABULAR_PROFILE


def validate_schema(name: str, descriptor: dict | None = None, *,
                    paths: Paths = PROCESS) -> None:
    """Validate every row with frictionless; raise DataError listing file, row and column."""
    res = resource(name, descriptor, paths=paths)
    path = paths.data / res["path"]
    if not is_tabular(res):
        _parse_non_tabular(path)
        return
    if path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty; expected a header row with columns "
                        f"{_field_names(res)}")
    report = _frictionless_resource(res, paths).validate()
    problems = Problems(f"{path}: {{n}} schema error(s) in resource '{name}'")
    problems.extend([_describe(path, res, err) for err in report.flatten(
        ["rowNumber", "fieldName", "type", "note", "message"])])
    if not problems:
        problems.extend(_foreign_key_problems(res, descriptor or read_descriptor(paths=paths),
                                              paths))
    problems.raise_if_any(DataError, limit=MAX_REPORTED_ERRORS)


def _parse_non_tabular(path: Path) -> None:
    """A YAML or JSON resource must at least parse (strictly), so ``verify`` catches it first."""
    from analysis import yamlfile

    try:
        if path.suffix in {".yml", ".yaml"}:
            yamlfile.load(path)
        elif path.suffix == ".json":
            read_descriptor(path)
    except CompendiumError as exc:
        raise DataError(str(exc)) from None


def _field_names(res: dict) -> str:
    return ", ".join(field["name"] for field in res["schema"]["fields"])


def _field(res: dict, name: str | None) -> dict:
    return next((f for f in res["schema"]["fields"] if f["name"] == name), {})


def _describe(path: Path, res: dict, err: list) -> str:
    row, column, kind, note, message = err
    field = _field(res, column)
    expected = field.get("type", "")
    constraints = field.get("constraints")
    if kind == "missing-label":
        return f"{where(path, 1, column)}: column missing; expected columns {_field_names(res)}"
    if kind == "extra-cell":
        return f"{where(path, row)}: more cells than the {len(res['schema']['fields'])} columns"
    if kind == "missing-cell":
        return f"{where(path, row, column)}: cell missing (row too short)"
    if kind in {"type-error", "constraint-error"}:
        detail = f"expected {expected}"
        if constraints:
            detail += f" with constraints {constraints}"
        return f"{where(path, row, column)}: {kind} ({note}); {detail}"
    return f"{where(path, row, column)}: {kind}: {message}"


def _read_strings(path: Path, columns: list[str]) -> list[tuple[str, ...]]:
    """The given columns of a CSV file as text tuples, or DataError naming file and column.

    The foreign-key check reads another resource than the one validated; that file may be
    the broken one (a dropped column, a bad quote, binary, Latin-1, deleted), which its own
    check reports in full, so here one line says why the key cannot be checked.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: not a readable UTF-8 CSV table ({first})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{where(path, 1, missing[0])}: column missing")
    return list(frame[columns].itertuples(index=False, name=None))


def _foreign_key_problems(res: dict, descriptor: dict, paths: Paths) -> list[str]:
    """Check foreign keys across resources (frictionless needs a whole package for this)."""
    path = paths.data / res["path"]
    problems = []
    for fk in res["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        ref_path = resource_path(ref["resource"], descriptor, paths=paths)
        try:
            allowed = set(_read_strings(ref_path, ref_fields))
        except DataError as exc:
            problems.append(f"{where(path, None, ', '.join(fields))}: foreign key to "
                            f"{ref['resource']} cannot be checked: {exc}")
            continue
        for line, row in enumerate(_read_strings(path, fields), start=2):
            if row not in allowed:
                problems.append(f"{where(path, line, ', '.join(fields))}: value {row!r} not "
                                f"found in {ref['resource']} ({ref_path.name}) columns "
                                f"{', '.join(ref_fields)}")
    return problems


def _frictionless_resource(res: dict, paths: Paths):
    skip_unused_imports()
    from frictionless import Resource

    descriptor = {k: v for k, v in res.items() if k not in {"hash", "bytes", "sources",
                                                            "licenses"}}
    descriptor["schema"] = {k: v for k, v in res["schema"].items() if k != "foreignKeys"}
    return Resource(descriptor, basepath=str(paths.data))


def load_path(name: str, *, paths: Paths = PROCESS) -> Path:
    """Checksum a non-tabular resource (YAML, JSON) and record the read; return its path."""
    path = verify_checksum(name, paths=paths)
    trace.record_input(path, paths=paths, resource=name)
    return path


def load(name: str, *, paths: Paths = PROCESS) -> pd.DataFrame:
    """Checksum, validate and read one tabular resource; record the read for the manifest."""
    descriptor = read_descriptor(paths=paths)
    if not is_tabular(resource(name, descriptor, paths=paths)):
        raise DataError(f"{paths.datapackage}: resource '{name}' is not a table; "
                        "use datapackage.load_path()")
    path = verify_checksum(name, descriptor, paths=paths)
    if not _validated_before(name, descriptor, paths):
        validate_schema(name, descriptor, paths=paths)
    res = resource(name, descriptor, paths=paths)
    fields = res["schema"]["fields"]
    missing = res["schema"].get("missingValues", [""])
    frame = pd.read_csv(
        path,
        dtype={f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields},
        keep_default_na=False,
        na_values=missing,
        encoding="utf-8",
    )
    trace.record_input(path, paths=paths, resource=name)
    return frame


def cite_keys(name: str, *, paths: Paths = PROCESS) -> list[str]:
    """Bibliography keys a resource's sources cite (``citekey`` in each source)."""
    return [s["citekey"] for s in resource(name, paths=paths)["sources"] if s.get("citekey")]


def verify_all(descriptor: dict | None = None, *, paths: Paths = PROCESS) -> list[str]:
    """Check every resource; return one message per failing resource (empty when all good)."""
    descriptor = descriptor or read_descriptor(paths=paths)
    problems = []
    for name in resource_names(descriptor, paths=paths):
        try:
            verify_checksum(name, descriptor, paths=paths)
            validate_schema(name, descriptor, paths=paths)
        except DataError as exc:
            problems.append(str(exc))
    return problems


def _stamp_content(descriptor: dict, paths: Paths) -> dict:
    """What a passing ``verify`` vouches for: this descriptor and these exact file bytes."""
    return {"descriptor_sha256": sha256_file(paths.datapackage),
            "files": {res["name"]: res["hash"] for res in descriptor["resources"]}}


def write_validated_stamp(descriptor: dict, *, paths: Paths = PROCESS) -> None:
    write_text(paths.data_ok, json.dumps(_stamp_content(descriptor, paths), indent=1,
                                         sort_keys=True) + "\n")


def _validated_before(name: str, descriptor: dict, paths: Paths) -> bool:
    """True when ``verify`` already validated this resource's schema for these same bytes.

    Row-by-row validation with frictionless costs about half a second per notebook; make runs
    ``verify`` before any notebook, so a kernel re-validates only what that run did not vouch
    for. The caller has just checked the file's sha256 against the descriptor, and the stamp
    holds the descriptor's own sha256, so same stamp means same bytes and same schema. Foreign
    keys read other files: those must still match their recorded checksums too.
    """
    try:
        stamp = json.loads(paths.data_ok.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp != _stamp_content(descriptor, paths):
        return False
    referenced = {fk["reference"]["resource"] for fk in
                  resource(name, descriptor, paths=paths)["schema"].get("foreignKeys", [])}
    return all(f"sha256:{sha256_file(resource_path(ref, descriptor, paths=paths))}"
               == stamp["files"].get(ref) for ref in referenced)


def refresh_checksums(names: list[str] | None = None, *, paths: Paths = PROCESS) -> list[str]:
    """Set the ``hash`` and ``bytes`` of the named resources (all when None) to their files'.

    The descriptor is written by hand: titles, schemas, sources and licences live only in
    data/datapackage.json. So code that derives or edits a data file may change these two
    fields and nothing else, and the file is rewritten only when one of them changed. Returns
    one line per resource it updated, naming the resource and both old and new values, so the
    caller can say what it touched.
    """
    descriptor = read_descriptor(paths=paths)
    unknown = set(names or ()) - set(resource_names(descriptor, paths=paths))
    if unknown:
        raise DataError(f"{paths.datapackage}: no resource named {', '.join(sorted(unknown))} "
                        "(describe a new resource there by hand; code only refreshes checksums)")
    changes = []
    for res in descriptor["resources"]:
        if names is not None and res["name"] not in names:
            continue
        path = paths.data / res["path"]
        if not path.exists():
            raise DataError(f"{path}: file of resource '{res['name']}' not found")
        new = {"hash": f"sha256:{sha256_file(path)}", "bytes": path.stat().st_size}
        old = {key: res.get(key) for key in new}
        if old != new:
            changes.append(f"{res['name']}: updated hash {old['hash']} -> {new['hash']}, "
                           f"bytes {old['bytes']} -> {new['bytes']}")
            res.update(new)
    if changes:
        write_text(paths.datapackage, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    return changes


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="check checksum and schema of every resource")
    re_p = sub.add_parser("rehash", help="record new checksums of the named resources")
    re_p.add_argument("names", nargs="*")
    re_p.add_argument("--all", action="store_true", help="rehash every resource")


@cli.command(_arguments)
def main(args: argparse.Namespace, paths: Paths) -> int:
    if args.command == "verify":
        return _verify(paths)
    if not args.names and not args.all:
        cli.parser_for(__name__, _arguments).error("name the resources to rehash, or pass --all")
    print("\n".join(refresh_checksums(None if args.all else args.names, paths=paths))
          or "hash and bytes already match; data/datapackage.json unchanged")
    return 0


def _verify(paths: Paths) -> int:
    """Check every resource; on success write the stamp make and the kernels rely on."""
    problems = verify_all(paths=paths)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print("refusing to build from data that does not match data/datapackage.json",
              file=sys.stderr)
        return 1
    descriptor = read_descriptor(paths=paths)
    write_validated_stamp(descriptor, paths=paths)
    count = len(resource_names(descriptor, paths=paths))
    print(f"data ok: {count} resources match their checksums and schemas")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
