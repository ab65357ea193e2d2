"""What the site shows, read from the build tree: runs, artifacts, data resources and the manifest.

Everything here is plain data, loaded once and sorted, so the pages render in a fixed order and
two builds of the same tree give the same bytes. The manifest is the authority on which runs
exist and which artifacts each made: a stale file left in build/ never reaches the site.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.errors import CompendiumError

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


class SiteError(CompendiumError):
    """The build tree cannot be turned into a site (missing file, dangling reference)."""


@dataclass(frozen=True)
class Sources:
    """Where the site's inputs live; tests point these at a temporary build tree."""

    root: Path = paths.ROOT
    build: Path = paths.BUILD
    datapackage: Path = paths.DATAPACKAGE
    bib: Path = paths.REFERENCES_BIB
    shared: Path = paths.SHARED

    @property
    def manifest(self) -> Path:
        return self.build / "MANIFEST.json"

    @property
    def crate(self) -> Path:
        """The build's RO-Crate (analysis.pipeline.crate); the build page links to its copy."""
        return self.build / "ro-crate-metadata.json"

    @property
    def data(self) -> Path:
        return self.datapackage.parent

    def resolve(self, rel: str) -> Path:
        """A manifest path ("build/...", "../shared/..." or repo-relative) as a file path."""
        if rel.startswith("build/"):
            return self.build / rel.removeprefix("build/")
        if rel.startswith("../shared/"):
            return self.shared / rel.removeprefix("../shared/")
        return self.root / rel


@dataclass
class Run:
    """One executed notebook run, with what it read and wrote."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    executed: Path
    inputs: list[dict]
    outputs: list[dict]
    nb: Any = None  # the executed notebook (nbformat node), loaded by the renderer
    title: str = ""

    @property
    def lang(self) -> str | None:
        value = str(self.parameters.get("lang", ""))
        return value if _LANG.match(value) else None

    @property
    def parameter_text(self) -> str:
        """``lang='fr'`` (code, never translated); empty when the run has no parameters."""
        return ", ".join(f"{k}={v!r}" for k, v in sorted(self.parameters.items()))


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

    manifest: dict
    runs: list[Run]
    figures: list[Artifact]
    tables: list[Artifact]
    package: dict
    resources: list[Resource]
    other_inputs: list[OtherInput]
    build_date: str


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SiteError(f"{path}: {what} not found; run `make all` (or the step that writes it) "
                        "before `make html`") from exc
    except json.JSONDecodeError as exc:
        raise SiteError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from exc


def build_date(manifest: dict) -> str:
    """The build date from SOURCE_DATE_EPOCH (as recorded in the manifest), never the clock;
    empty when unset (the page says so in its own language)."""
    epoch = manifest.get("source_date_epoch", os.environ.get("SOURCE_DATE_EPOCH"))
    if epoch in (None, ""):
        return ""
    moment = datetime.fromtimestamp(int(epoch), tz=UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC (SOURCE_DATE_EPOCH={int(epoch)})"


def _runs(manifest: dict, src: Sources) -> list[Run]:
    runs = []
    for i, entry in enumerate(manifest.get("runs", [])):
        missing = [k for k in ("name", "notebook", "executed") if not entry.get(k)]
        if missing:
            raise SiteError(f"{src.manifest}: runs[{i}] lacks {', '.join(missing)}")
        runs.append(Run(name=entry["name"], notebook=entry["notebook"],
                        parameters=dict(entry.get("parameters") or {}),
                        executed=src.resolve(entry["executed"]),
                        inputs=list(entry.get("inputs") or []),
                        outputs=list(entry.get("outputs") or [])))
    return sorted(runs, key=lambda r: r.name)


def _png_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height from the PNG header, so the page reserves the image's space."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None, None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _artifact(kind: str, name: str, run: Run, src: Sources) -> Artifact:
    folder = src.build / ("figures" if kind == "figure" else "tables")
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


def _artifacts(runs: list[Run], src: Sources) -> tuple[list[Artifact], list[Artifact]]:
    found: dict[tuple[str, str], Artifact] = {}
    for run in runs:
        for out in run.outputs:
            kind, name = out.get("artifact"), out.get("name")
            if kind in {"figure", "table"} and name and (kind, name) not in found:
                found[(kind, name)] = _artifact(kind, name, run, src)
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
        for item in sorted(run.inputs, key=lambda i: i.get("path", "")):
            res = resources.get(item.get("resource") or "") or by_path.get(item.get("path", ""))
            if res is None:
                other = others.setdefault(item["path"], OtherInput(item["path"],
                                                                   item.get("sha256", "")))
                other.runs.append(run)
                continue
            if run not in res.runs:
                res.runs.append(run)
                res.used_by.extend(a for a in made if a not in res.used_by)
    return ([resources[k] for k in sorted(resources)], [others[k] for k in sorted(others)])


def load(src: Sources) -> Site:
    """Read manifest, sidecars and data package; raise SiteError naming any missing file."""
    manifest = _read_json(src.manifest, "build manifest")
    runs = _runs(manifest, src)
    for run in runs:
        if not run.executed.is_file():
            raise SiteError(f"{run.executed}: executed notebook of run {run.name} not found "
                            f"(listed in {src.manifest})")
    figures, tables = _artifacts(runs, src)
    package = _read_json(src.datapackage, "data package descriptor")
    resources, others = _link_inputs(runs, [*figures, *tables], package)
    return Site(manifest=manifest, runs=runs, figures=figures, tables=tables, package=package,
                resources=resources, other_inputs=others, build_date=build_date(manifest))
