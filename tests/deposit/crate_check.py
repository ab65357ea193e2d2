"""Run the Process Run Crate checker (roc-validator) offline, on a crate laid out as its root.

The checker resolves the RO-Crate JSON-LD context over HTTP, and this machine reaches no web
host. The crate is RO-Crate 1.3, whose context document the ``rocrate`` package ships
(rocrate/data/ro-crate.jsonld, whose @id is that context's URL); the checker is handed that
copy for that one URL. Any other URL it asks for gets a 504, as an offline cache miss would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from analysis.paths import Paths

#: Files at the project root that the crate names.
ROOT_FILES = ("CITATION.cff", "LICENSE", "DATA-LICENSE.md", "requirements.lock")


def lay_out(crate: Path, paths: Paths, dest: Path) -> Path:
    """A folder shaped like the dist archive: the crate at its root, the tree (``paths``: the
    project's sources and its build) beside it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(crate, dest / "ro-crate-metadata.json")
    for name in ("data", "notebooks", *ROOT_FILES):
        (dest / name).symlink_to(paths.root / name)
    (dest / "build").symlink_to(paths.build)
    return dest


class _Response:
    headers = {"Content-Type": "application/ld+json"}
    from_cache = True

    def __init__(self, document: dict | None) -> None:
        self.document = document
        self.status_code = 200 if document is not None else 504

    def json(self) -> dict:
        if self.document is None:
            raise ValueError("offline: not available")
        return self.document

    @property
    def text(self) -> str:
        return json.dumps(self.document)


def offline_context(monkeypatch) -> None:
    """Serve the RO-Crate 1.3 context from the rocrate package; nothing else is reachable."""
    import rocrate
    from rocrate_validator.utils.http import HttpRequester

    context = json.loads((Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld")
                         .read_text(encoding="utf-8"))

    def get(self, url, **_kwargs):
        return _Response(context if url.rstrip("/") == context["@id"] else None)

    monkeypatch.setattr(HttpRequester, "get", get, raising=False)


def prepared_queries(monkeypatch) -> None:
    """Translate each SPARQL text once. pyshacl runs a SPARQL-based constraint once per focus
    node, and rdflib parses its text again each time (about 300 parses of three queries: most
    of a validation). A translated query is what rdflib's own ``prepareQuery`` hands out for
    reuse, so the results are the same."""
    from rdflib.plugins.sparql import processor

    translated: dict[tuple, object] = {}
    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in translated:
                translated[key] = processor.translateQuery(processor.parseQuery(strOrQuery),
                                                           base, initNs)
            strOrQuery = translated[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    monkeypatch.setattr(processor.SPARQLProcessor, "query", query)


def issues(root: Path, profile: str, severity: str, cache: Path) -> list[str]:
    """"CHECK-ID: message (entity)" for every failed check at or above ``severity``."""
    return [text for _, text in graded_issues(root, profile, severity, cache)]


def graded_issues(root: Path, profile: str, severity: str, cache: Path) -> list[tuple[str, str]]:
    """(severity name, "CHECK-ID: message (entity)") of every failed check at or above
    ``severity``: one validation at RECOMMENDED also answers for REQUIRED."""
    from rocrate_validator import services
    from rocrate_validator.models.settings import ValidationSettings
    from rocrate_validator.models.severity import Severity

    settings = ValidationSettings(
        rocrate_uri=str(root), profile_identifier=profile,
        # process-run-crate-0.5 inherits the RO-Crate 1.1 checks, which want a 1.1 crate;
        # this crate is RO-Crate 1.3, checked by its own profile separately
        enable_profile_inheritance=profile.startswith("ro-crate"),
        requirement_severity=getattr(Severity, severity), offline=True, cache_path=cache,
        skip_availability_check=True)
    result = services.validate(settings)
    return sorted((i.severity.name, f"{i.check.identifier}: {i.message} ({i.violatingEntity})")
                  for i in result.get_issues())
