"""What the site shows, read from the build tree: runs, artifacts, data resources and the manifest.

Everything here is plain data, loaded once and sorted, so the pages render in a fixed order and
two builds of the same tree give the same bytes. The manifest is the authority on which runs
exist and which artifacts each made: a stale file left in build/ never reaches the site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.errors import CompendiumError
from analysis.paths import PROCESS, Paths
from analysis.pipeline.runrecord import Manifest, RunRecord, RunRecordError, read_manifest

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


class SiteError(CompendiumError):
    """The build tree cannot be turned into a site (missing file, dangling reference)."""


@dataclass
class Run:
    """One executed notebook run (its record in the manifest), and what the renderer adds."""

    record: RunRecord
    executed: Path  # the executed notebook's file
    nb: Any = None  # the executed notebook (nbformat node), loaded by the renderer
    title: str = ""

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def notebook(self) -> str:
        return self.record.notebook

    @property
    def lang(self) -> str | None:
        value = str(self.record.parameters.get("lang", ""))
        return value if _LANG.match(value) else None

    @property
    def parameter_text(self) -> str:
        """``lang='fr'`` (code, never translated); empty when the run has no parameters."""
        return ", ".join(f"{k}={v!r}" for k, v in sorted(self.record.parameters.items()))


@dataclass
class Artifact:
    """A figure or table: its sidecar metadata, the files written, and the run that made it."""

    kind: str  # "figure" or "table"
    name: str
    meta: dict
    run: Run
    files: list[str]
    table_html: str = ""
    width: int | None = None
    height: int | None = None

    @property
    def anchor(self) -> str:
        return f"{'fig' if self.kind == 'figure' else 'tab'}-{self.name}"

    @property
    def folder(self) -> str:
        return "figures" if self.kind == "figure" else "tables"

    @property
    def image(self) -> str | None:
        return next((f for f in self.files if f.endswith(".png")), None)


@dataclass
class Resource:
    """A data file declared in datapackage.json, with the artifacts computed from it."""

    desc: dict
    used_by: list[Artifact] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    copied: bool = False  # the file exists and is copied into the site

    @property
    def name(self) -> str:
        return self.desc["name"]

    @property
    def sha256(self) -> str:
        return str(self.desc.get("hash", "")).removeprefix("sha256:")


@dataclass
class OtherInput:
    """A file a run read that is not a data-package resource (shown so nothing is hidden)."""

    path: str
    sha256: str
    runs: list[Run] = field(default_factory=list)


@dataclass
class Site:
    """Everything the pages need, in display order."""

    manifest: Manifest
    runs: list[Run]
    figures: list[Artifact]
    tables: list[Artifact]
    package: dict
    resources: list[Resource]
    other_inputs: list[OtherInput]
    build_date: str


def _not_found(path: Path, what: str) -> SiteError:
    return SiteError(f"{path}: {what} not found; run `make all` (or the step that writes it) "
                     "before `make html`")


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _not_found(path, what) from None
    except json.JSONDecodeError as exc:
        raise SiteError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from exc


def _manifest(path: Path) -> Manifest:
    """The manifest, read by its one reader; a missing one is named as an input of the site."""
    try:
        return read_manifest(path)
    except RunRecordError:
        if path.exists():
            raise
        raise _not_found(path, "build manifest") from None


def build_date(epoch: int) -> str:
    """The build date from SOURCE_DATE_EPOCH as the manifest records it, never the clock."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC (SOURCE_DATE_EPOCH={epoch})"


def _runs(manifest: Manifest, *, paths: Paths = PROCESS) -> list[Run]:
    runs = [Run(record, executed=paths.absolute(record.executed)) for record in manifest.runs]
    return sorted(runs, key=lambda r: r.name)


def _png_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height from the PNG header, so the page reserves the image's space."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None, None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def artifact_folder(kind: str, *, paths: Paths = PROCESS) -> Path:
    """Where the build keeps the files of a ``kind`` ("figure" or "table") of artifact."""
    return paths.figures if kind == "figure" else paths.tables


def _artifact(kind: str, name: str, run: Run, *, paths: Paths = PROCESS) -> Artifact:
    folder = artifact_folder(kind, paths=paths)
    sidecar = folder / f"{name}.json"
    meta = _read_json(sidecar, f"sidecar of {kind} '{name}' (made by run {run.name})")
    files = sorted(str(f) for f in meta.get("files", []))
    for file in files:
        if not (folder / file).is_file():
            raise SiteError(f"{sidecar}: lists {file}, which does not exist in {folder}")
    art = Artifact(kind=kind, name=name, meta=meta, run=run, files=[*files, sidecar.name])
    needed = ("alt", "caption") if kind == "figure" else ("caption",)
    missing = [key for key in needed if not str(meta.get(key) or "").strip()]
    if missing:
        raise SiteError(f"{sidecar}: {kind} '{name}' has no {' or '.join(missing)} "
                        "(the site shows both to every reader)")
    if kind == "figure":
        if not art.image:
            raise SiteError(f"{sidecar}: figure '{name}' lists no PNG file in 'files'")
        art.width, art.height = _png_size(folder / art.image)
    if kind == "table":
        html = folder / f"{name}.html"
        art.table_html = html.read_text(encoding="utf-8") if html.is_file() else ""
    return art


def _artifacts(runs: list[Run], *, paths: Paths = PROCESS,
               ) -> tuple[list[Artifact], list[Artifact]]:
    found: dict[tuple[str, str], Artifact] = {}
    for run in runs:
        for out in run.record.outputs:
            kind, name = out.artifact, out.name
            if kind in {"figure", "table"} and name and (kind, name) not in found:
                found[(kind, name)] = _artifact(kind, name, run, paths=paths)
    ordered = [found[key] for key in sorted(found)]
    return ([a for a in ordered if a.kind == "figure"], [a for a in ordered if a.kind == "table"])


def _link_inputs(runs: list[Run], artifacts: list[Artifact], package: dict,
                 ) -> tuple[list[Resource], list[OtherInput]]:
    """Attach to each data file the runs that read it and the artifacts those runs made."""
    resources = {res["name"]: Resource(res) for res in package.get("resources", [])}
    by_path = {f"data/{r.desc.get('path', '')}": r for r in resources.values()}
    others: dict[str, OtherInput] = {}
    for run in runs:
        made = [a for a in artifacts if a.run is run]
        # shown as recorded, relative to the root: a file read from the default shared folder
        # as "../shared/...", never as an absolute path of this machine
        for item in sorted(run.record.inputs, key=lambda i: i.path):
            res = resources.get(item.resource or "") or by_path.get(item.path)
            if res is None:
                other = others.setdefault(item.path, OtherInput(item.path, item.sha256))
                other.runs.append(run)
                continue
            if run not in res.runs:
                res.runs.append(run)
                res.used_by.extend(a for a in made if a not in res.used_by)
    return ([resources[k] for k in sorted(resources)], [others[k] for k in sorted(others)])


def load(*, paths: Paths = PROCESS) -> Site:
    """Read manifest, sidecars and data package; raise SiteError naming any missing file."""
    manifest = _manifest(paths.manifest)
    runs = _runs(manifest, paths=paths)
    for run in runs:
        if not run.executed.is_file():
            raise SiteError(f"{run.executed}: executed notebook of run {run.name} not found "
                            f"(listed in {paths.manifest})")
    figures, tables = _artifacts(runs, paths=paths)
    package = _read_json(paths.datapackage, "data package descriptor")
    resources, others = _link_inputs(runs, [*figures, *tables], package)
    return Site(manifest=manifest, runs=runs, figures=figures, tables=tables, package=package,
                resources=resources, other_inputs=others,
                build_date=build_date(manifest.source_date_epoch))
