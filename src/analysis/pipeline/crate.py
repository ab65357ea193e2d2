"""Write build/ro-crate-metadata.json: the build as a Process Run Crate (RO-Crate 1.3).

Why Process Run Crate 0.5 and not Provenance Run Crate: Provenance Run Crate describes the run
of a *computational workflow* (a ComputationalWorkflow main entity whose steps, HowToSteps,
are executed by a workflow engine, each step with its own ControlAction). This build has no
workflow file of that kind: make runs independent notebooks, listed in config/build.yml, and
make's dependency graph is generated, not a declared workflow with formal parameters. Process
Run Crate describes exactly what happened: tools (here, notebooks) executed, each execution a
CreateAction with its ``instrument`` (the notebook), its ``object`` (the data files it read and
its parameters, as PropertyValues) and its ``result`` (the files it wrote, with sha256).

What the crate covers, and where each part comes from:

- the runs: the run records in build/runs/ (analysis.pipeline.runrecord, the same records
  MANIFEST.json is made from), never a scan of build/;
- every data file declared in data/datapackage.json, with its licences and sources;
- the software: each notebook (SoftwareSourceCode) requires every package pinned in
  requirements.lock, at its pinned version, and the Python that ran the build;
- the authors, licence, title, version and keywords from CITATION.cff; the talk it reproduces
  (CITATION.cff's reference, HAL hal-04618370) as the root's ``citation``.

Why RO-Crate 1.3: it is what ``rocrate`` writes by default, and its JSON-LD context ships with
``rocrate``, so the tests can run the profile checker (roc-validator) without network. That
checker's Process Run Crate profile inherits the RO-Crate 1.1 checks (which want
``conformsTo`` 1.1), so the tests check the RO-Crate 1.3 profile and the Process Run Crate
profile's own checks separately; every required check of both passes.

Identifiers are paths relative to the project root ("data/...", "build/figures/..."), as in
the run records: the crate describes the whole tree, and `make dist` puts it at the root of the
archive, where every id resolves. In build/ it stays beside the manifest because nothing is
written outside build/.

Deterministic: entities in a fixed order, keys sorted, no wall-clock time. ``datePublished``
is SOURCE_DATE_EPOCH (the last commit); the actions carry no ``endTime`` (the profile
recommends one, but a real one would make two clean builds differ, and a made-up one would be
false).

    python -m analysis.pipeline.crate
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import cli
from analysis.fileio import sha256_file, write_text
from analysis.paths import PROCESS, Paths
from analysis.pipeline import citation, runrecord
from analysis.pipeline.runrecord import RunRecord, TracedFile

RO_CRATE_VERSION = "1.3"
PROFILE = "https://w3id.org/ro/wfrun/process/0.5"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
#: Fixed media types (the mimetypes module reads /etc/mime.types, which differs by machine).
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json", ".png": "image/png",
               ".svg": "image/svg+xml", ".pdf": "application/pdf", ".md": "text/markdown",
               ".tex": "application/x-tex", ".html": "text/html", ".yml": "application/yaml",
               ".ipynb": "application/x-ipynb+json", ".txt": "text/plain",
               ".lock": "text/plain", ".cff": "application/yaml"}


def iso_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def locked_packages(lock: Path | None = None, *, paths: Paths = PROCESS
                    ) -> list[tuple[str, str]]:
    """(name, version) of every pin in requirements.lock, in the lock's order."""
    text = Path(lock or paths.lock).read_text(encoding="utf-8")
    return [(m[1], m[2]) for line in text.splitlines() if (m := _PIN.match(line))]


def _media(path: str) -> dict[str, str]:
    kind = MEDIA_TYPES.get(Path(path).suffix)
    return {"encodingFormat": kind} if kind else {}


def _single(values: list) -> Any:
    """A one-element list as its element: RO-Crate 1.3 recommends no singleton arrays."""
    return values[0] if len(values) == 1 else values


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-").lower()


class _Builder:
    """Adds entities to one ROCrate; each context entity is added once, by its id."""

    def __init__(self) -> None:
        from rocrate.model.contextentity import ContextEntity
        from rocrate.rocrate import ROCrate

        self.crate = ROCrate(version=RO_CRATE_VERSION)
        self._context = ContextEntity

    def ref(self, identifier: str) -> dict[str, str]:
        return {"@id": identifier}

    def entity(self, identifier: str, properties: dict[str, Any]) -> dict[str, str]:
        """A contextual entity (person, licence, software, ...); returns a reference to it."""
        if self.crate.get(identifier) is None:
            self.crate.add(self._context(self.crate, identifier, properties=properties))
        return self.ref(identifier)

    def file(self, rel: str, properties: dict[str, Any]) -> dict[str, str]:
        """A file of the tree, by its path relative to the project root."""
        existing = self.crate.get(rel)
        if existing is None:
            return self.ref(self.crate.add_file(dest_path=rel,
                                                properties={**_media(rel), **properties}).id)
        for key, value in properties.items():
            existing.setdefault(key, value)
        return self.ref(existing.id)


def _person_or_org(b: _Builder, author: dict) -> dict[str, str]:
    """A CFF person (family/given names) or entity (name) as a Person or Organization."""
    if "family-names" in author:
        name = " ".join(p for p in (author.get("given-names"), author["family-names"]) if p)
        ident = author.get("orcid") or f"#person-{_slug(name)}"
        props = {"@type": "Person", "name": name, "familyName": author["family-names"]}
        if author.get("given-names"):
            props["givenName"] = author["given-names"]
    else:
        name = str(author.get("name") or "not available")
        ident = f"#organization-{_slug(name)}"
        props = {"@type": "Organization", "name": name}
    return b.entity(ident, props)


def _talk(b: _Builder, cff: dict) -> list[dict[str, str]]:
    """The works CITATION.cff asks to cite with the compendium (the talk), as citations."""
    cited = []
    for i, ref in enumerate(cff.get("references", [])):
        doi = f"https://doi.org/{ref['doi']}" if ref.get("doi") else None
        ident = ref.get("url") or doi or f"#reference-{i}"
        props: dict[str, Any] = {
            "@type": "PresentationDigitalDocument" if ref.get("type") == "conference-paper"
            else "CreativeWork", "name": ref["title"],
            "author": _single([_person_or_org(b, a)
                               for a in ref.get("authors", [])])}
        if ref.get("year"):
            props["datePublished"] = str(ref["year"])
        if ref.get("url"):
            props["url"] = ref["url"]
        identifiers = [str(x["value"]) for x in ref.get("identifiers", [])]
        if identifiers:
            props["identifier"] = _single(identifiers)
        if ref.get("conference", {}).get("name"):
            props["description"] = f"Talk given at the {ref['conference']['name']}"
        cited.append(b.entity(ident, props))
    return cited


def _licence(b: _Builder, lic: dict) -> dict[str, str]:
    """A data-package licence; "not-available" stays visibly not available."""
    name = str(lic.get("name", "not-available"))
    ident = lic.get("path") or (f"https://spdx.org/licenses/{name}" if name != "not-available"
                                else "#license-not-available")
    return b.entity(ident, {"@type": "CreativeWork", "name": name,
                            "description": lic.get("title", "")} if ident.startswith("#")
                    else {"@type": "CreativeWork", "name": name})


def _source(b: _Builder, resource: str, number: int, src: dict) -> dict[str, str]:
    """A data-package source, one entity per resource and source: the page is its own."""
    props: dict[str, Any] = {"@type": "CreativeWork", "name": src.get("title", "not available")}
    url = src.get("path") if str(src.get("path", "")).startswith("http") else None
    url = url or (f"https://doi.org/{src['doi']}" if src.get("doi") else None)
    if url:
        props["url"] = url
    if src.get("page"):
        props["description"] = f"Location in the source: {src['page']}"
    if src.get("citekey"):
        props["identifier"] = f"references.bib:{src['citekey']}"
    return b.entity(f"#source-{_slug(resource)}-{number}", props)


def _data_files(b: _Builder, package: dict) -> list[dict[str, str]]:
    """Every resource of data/datapackage.json, with licences, sources and declared sha256."""
    refs = []
    for res in package.get("resources", []):
        props: dict[str, Any] = {
            "name": res.get("title") or res["name"], "identifier": res["name"],
            "license": _single([_licence(b, lic) for lic in res.get("licenses", [])]),
            "isBasedOn": _single([_source(b, res["name"], i, src)
                                  for i, src in enumerate(res.get("sources", []), start=1)])}
        if res.get("description"):
            props["description"] = res["description"]
        if str(res.get("hash", "")).startswith("sha256:"):
            props["sha256"] = res["hash"].removeprefix("sha256:")
        if res.get("bytes") is not None:
            props["contentSize"] = str(res["bytes"])
        refs.append(b.file(f"data/{res['path']}", props))
    return refs


def _software(b: _Builder, paths: Paths) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(Python, [Python and every locked package]) as entities with their versions."""
    version = platform.python_version()
    release = f"https://www.python.org/downloads/release/python-{version.replace('.', '')}/"
    python = b.entity(release, {"@type": ["ComputerLanguage", "SoftwareApplication"],
                                "name": "Python", "version": version,
                                "url": "https://www.python.org/"})
    refs = [python]
    for name, pinned in locked_packages(paths=paths):
        refs.append(b.entity(f"https://pypi.org/project/{name}/{pinned}/",
                             {"@type": "SoftwareApplication", "name": name, "version": pinned,
                              "url": f"https://pypi.org/project/{name}/"}))
    return python, refs


def _input(b: _Builder, item: TracedFile) -> dict[str, str]:
    if item.path.startswith("../"):  # outside the tree (the shared corpus): not a crate file
        return b.entity(f"#external-{_slug(item.path)}",
                        {"@type": "CreativeWork", "name": item.path, "sha256": item.sha256,
                         "description": "Read from outside the project tree"})
    return b.file(item.path, {"sha256": item.sha256})


def _action(b: _Builder, run: RunRecord, instrument: dict[str, str], paths: Paths
            ) -> dict[str, str]:
    """One notebook run as a CreateAction: instrument, object (inputs, parameters), result."""
    params = [b.entity(f"#run-{run.name}-parameter-{key}",
                       {"@type": "PropertyValue", "name": key,
                        "value": json.dumps(value, ensure_ascii=False)
                        if not isinstance(value, str) else value})
              for key, value in sorted(run.parameters.items())]
    results = [b.file(out.path, {"sha256": out.sha256, **_artifact_props(out)})
               for out in run.outputs]
    results.append(b.file(run.executed, {"name": f"Executed notebook of run {run.name}",
                                         "sha256": sha256_file(paths.absolute(run.executed))}))
    for rel in [*(out.path for out in run.outputs), run.executed]:
        size = paths.absolute(rel).stat().st_size
        b.crate.get(rel).setdefault("contentSize", str(size))
    shown = ", ".join(f"{k}={v!r}" for k, v in sorted(run.parameters.items())) or "none"
    props = {"@type": "CreateAction", "name": f"Run {run.name}",
             "description": f"Execution of {run.notebook} with papermill (python -m "
                            f"analysis.pipeline.run), parameters: {shown}",
             "actionStatus": "http://schema.org/CompletedActionStatus"}  # a string, as the
    # profile's examples and checker have it; a record exists only if every cell succeeded
    action = b.crate.add_action(instrument, identifier=f"#run-{run.name}",
                                object=_single([*(_input(b, i) for i in run.inputs), *params]),
                                result=_single(results), properties=props)
    return b.ref(action.id)


def _artifact_props(out: TracedFile) -> dict[str, str]:
    if out.artifact and out.name:
        return {"name": f"{out.artifact} {out.name} ({Path(out.path).suffix.lstrip('.')})"}
    return {}


def _notebooks(b: _Builder, runs: list[RunRecord], software: list[dict], python: dict,
               version: str, paths: Paths) -> dict[str, dict[str, str]]:
    refs = {}
    for notebook in sorted({run.notebook for run in runs}):
        refs[notebook] = b.file(notebook, {
            "@type": ["File", "SoftwareSourceCode"], "name": Path(notebook).stem,
            "programmingLanguage": python, "version": version,
            "softwareRequirements": software,
            "sha256": sha256_file(paths.absolute(notebook))})
    return refs


def build_crate(epoch: int | None = None, *, paths: Paths = PROCESS) -> dict:
    """The crate as a JSON-LD dict, from the run records, CITATION.cff and the data package."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) if epoch is None else epoch
    cff = citation.load(paths=paths)
    runs = runrecord.configured(paths=paths)
    package = json.loads(paths.datapackage.read_text(encoding="utf-8"))
    b = _Builder()
    root = b.crate.root_dataset
    python, software = _software(b, paths)
    data = _data_files(b, package)
    notebooks = _notebooks(b, runs, software, python, str(cff.get("version", "")), paths)
    actions = [_action(b, run, notebooks[run.notebook], paths) for run in runs]
    extra = [b.file(rel, {"sha256": sha256_file(paths.absolute(rel))})
             for rel in ("requirements.lock", "CITATION.cff", "LICENSE", "DATA-LICENSE.md")
             if paths.absolute(rel).is_file()]
    extra.append(b.file(paths.relative(paths.manifest),
                        {"name": "Build manifest", "sha256": sha256_file(paths.manifest)}))
    licence = str(cff.get("license", "not available"))
    for key, value in {
        "name": cff["title"],
        "description": citation.project(paths=paths).get("description", ""),
        "version": str(cff.get("version", "")), "datePublished": iso_date(epoch),
        "keywords": list(cff.get("keywords", [])),
        "author": _single([_person_or_org(b, a)
                           for a in cff.get("authors", [])]),
        "license": b.entity(f"https://spdx.org/licenses/{licence}",
                            {"@type": "CreativeWork", "name": licence}),
        "citation": _single(_talk(b, cff)),
        "conformsTo": b.entity(PROFILE, {"@type": ["CreativeWork", "Profile"],
                                         "name": "Process Run Crate", "version": "0.5"}),
        "mentions": _single(actions),
    }.items():
        root[key] = value
    parts = [*data, *notebooks.values(), *extra]
    parts += [r for a in runs for r in _results(a)]
    parts += [{"@id": i.path} for a in runs for i in a.inputs if not i.path.startswith("../")]
    root["hasPart"] = sorted({p["@id"]: p for p in parts}.values(), key=lambda p: p["@id"])
    return b.crate.metadata.generate()


def _results(run: RunRecord) -> list[dict[str, str]]:
    return [{"@id": out.path} for out in run.outputs] + [{"@id": run.executed}]


def dumps(crate: dict) -> str:
    """Canonical text: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(crate, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@cli.command()
def main(args: argparse.Namespace, paths: Paths) -> int:
    crate = build_crate(paths=paths)
    write_text(paths.crate, dumps(crate))
    actions = sum(1 for e in crate["@graph"] if e.get("@type") == "CreateAction")
    print(f"wrote {paths.relative(paths.crate)}: {len(crate['@graph'])} entities, "
          f"{actions} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
