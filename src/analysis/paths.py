"""The one object that knows where things live: a frozen ``Paths``, built once at the edge.

A command-line tool or a notebook kernel reads its paths from the environment once
(``from_env``); every function that touches a file takes a ``paths`` argument, defaulting to
that object, ``PROCESS``. A test builds its own with ``user(tmp_path)`` or
``PROCESS.replace(build=...)`` and passes it: nothing is monkeypatched.

Environment (read by ``from_env`` only; ``Paths.environment`` writes it for a child process):
``ANALYSIS_ROOT``, ``ANALYSIS_BUILD_DIR``, ``ANALYSIS_DATA_DIR``, ``ANALYSIS_SHARED_DIR``
(default ``../shared``: the raw corpus, the talk's text layer and the test fixtures),
``ANALYSIS_CONFIG`` (which runs to build), ``ANALYSIS_LOCALES_DIR`` and, set by the runner for
the kernel only, ``ANALYSIS_STAGING_DIR`` (where a running notebook's outputs wait until it
succeeds).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


class _Below:
    """A path below one of a ``Paths``' folders, computed when read: ``figures`` is
    ``_Below("build", "figures")``, so changing ``build`` moves it too."""

    def __init__(self, folder: str, *parts: str, doc: str = "") -> None:
        self.folder, self.parts = folder, parts
        self.__doc__ = doc or f"{folder}/{'/'.join(parts)}"

    def __get__(self, owner: object, kind: type | None = None) -> Path:
        if owner is None:
            return self  # type: ignore[return-value]  # the class attribute: for documentation
        return getattr(owner, self.folder).joinpath(*self.parts)


@dataclass(frozen=True)
class Paths:
    """Where the sources, the data, the build and the shared material are, for one process.

    >>> p = user(Path("/r"))
    >>> p.relative(Path("/r/build/figures/a.png")), p.relative(Path("/r/data/x.csv"))
    ('build/figures/a.png', 'data/x.csv')
    >>> p.absolute("build/figures/a.png"), p.absolute("data/x.csv")
    (PosixPath('/r/build/figures/a.png'), PosixPath('/r/data/x.csv'))
    """

    root: Path
    build: Path
    shared: Path
    config: Path
    data: Path
    #: The translation catalogues: they ship with the code, wherever the data and build are.
    locales: Path
    #: Inside a notebook run: where its outputs wait until every cell has succeeded.
    staging: Path | None = None

    def replace(self, **changes: Path | None) -> Paths:
        """A copy with some folders changed (a test's temporary build, say)."""
        return dataclasses.replace(self, **changes)

    def environment(self) -> dict[str, str]:
        """The ``ANALYSIS_*`` variables that give a child process (a kernel) these paths."""
        return {name: str(getattr(self, field)) for field, name in _VARIABLES.items()
                if field != "staging" and getattr(self, field) is not None}

    # -- the files and folders below them (one line each; see _Below)
    datapackage = _Below("data", "datapackage.json")
    notebooks = _Below("root", "notebooks")
    config_schema = _Below("root", "config", "build.schema.json")
    references_bib = _Below("root", "references.bib")
    lock = _Below("root", "requirements.lock")
    citation = _Below("root", "CITATION.cff")
    pyproject = _Below("root", "pyproject.toml")
    archive_info = _Below("root", "ARCHIVE-INFO", doc="Written by `make dist` into the archive "
                          "only: the commit and SOURCE_DATE_EPOCH of a tree that is no longer a "
                          "git checkout (the Makefile and the manifest fall back to it).")
    governance_coding_schema = _Below("data", "governance", "coding.schema.json",
                                      doc="Table Schema of a researcher's own coding file.")
    literature = _Below("data", "literature")
    literature_queries = _Below("data", "literature", "queries.yml")
    openalex_api_snapshots = _Below("data", "literature", "openalex", doc="Dated OpenAlex API "
                                    "counts (`python -m analysis.literature openalex`).")
    openalex_snapshot_counts = _Below("data", "literature", "openalex-snapshot",
                                      doc="Kept series files of whole-snapshot counts.")
    # everything the build writes is below build/
    executed = _Below("build", "notebooks")
    failed = _Below("build", "failed")
    runs = _Below("build", "runs")
    runs_mk = _Below("build", "runs.mk")
    deps = _Below("build", "deps")
    params = _Below("build", "params")
    timings = _Below("build", "timings")
    figures = _Below("build", "figures")
    tables = _Below("build", "tables")
    html = _Below("build", "html")
    manifest = _Below("build", "MANIFEST.json")
    data_ok = _Below("build", ".data-ok", doc="Written by ``datapackage verify``: the data "
                     "files it validated, by sha256, and the descriptor.")
    crate = _Below("build", "ro-crate-metadata.json")
    dist = _Below("build", "dist")
    bench = _Below("build", "bench.json")
    snapshot_out = _Below("build", "snapshot")
    webfonts = _Below("build", "webfonts")
    # read but never committed here
    seed_talk = _Below("shared", "seed", "frucquet-2024-el-jadida-talk.txt",
                       doc="Text layer of the talk (Frucquet 2024, HAL hal-04618370).")
    slr_corpus_xlsx = _Below("shared", "data", "smart-city-slr-corpus",
                             "All_Data_Set_Smart_City_Literature.xlsx",
                             doc="Record-level smart-city SLR corpus (yusufbzk/SLR-Text-Mining).")

    # -- a notebook run's outputs
    def output_dir(self, kind: str) -> Path:
        """Folder where a notebook writes artifacts of ``kind`` ("figures" or "tables").

        Inside a run, outputs go to the run's staging folder and are moved into ``build/`` only
        when the whole notebook succeeds, so a failed run never replaces a good artifact.
        """
        final = {"figures": self.figures, "tables": self.tables}[kind]
        if self.staging is None:
            final.mkdir(parents=True, exist_ok=True)
            return final
        # never re-create a staging folder the runner removed: a kernel that outlived its
        # killed runner must fail here, not leave files in build/.work.*
        target = self.staging / kind
        target.mkdir(exist_ok=True)
        return target

    def final_path(self, path: Path) -> Path:
        """Where a staged artifact will live once its run succeeds (identity outside a run)."""
        resolved = Path(path).resolve()
        if self.staging is None or not resolved.is_relative_to(self.staging.resolve()):
            return Path(path)
        return self.build / resolved.relative_to(self.staging.resolve())

    # -- the one pair of conversions between recorded and real paths
    def relative(self, path: Path) -> str:
        """Path as recorded in manifests: ``build/...`` for artifacts, else relative to the root.

        Artifacts keep the logical ``build/`` prefix even when the build folder is elsewhere, so
        two builds in different folders give identical manifests; other files are written
        relative to the project root (where make runs), never as /home/... paths.
        """
        path = Path(path).resolve()
        try:
            return "build/" + path.relative_to(self.build.resolve()).as_posix()
        except ValueError:
            return Path(os.path.relpath(path, self.root.resolve())).as_posix()

    def absolute(self, recorded: str) -> Path:
        """The file a recorded path names: the inverse of ``relative``."""
        if recorded == "build" or recorded.startswith("build/"):
            return self.build / recorded.removeprefix("build").lstrip("/")
        return Path(os.path.normpath(self.root / recorded))

    def given(self, path: str | Path) -> Path:
        """A file a researcher names in a notebook parameter: absolute, or relative to the
        project root (where make runs, whatever folder the kernel works in); ``~`` expanded.

        >>> user(Path("/r")).given("exports/wos.txt"), user(Path("/r")).given("/tmp/a.ris")
        (PosixPath('/r/exports/wos.txt'), PosixPath('/tmp/a.ris'))
        """
        return self.absolute(str(Path(path).expanduser()))


def user(root: Path = _CHECKOUT, **changes: Path | None) -> Paths:
    """The paths of a project at ``root``, with its usual layout, and any folder changed."""
    root = Path(root)
    default = Paths(root=root, build=root / "build", shared=root.parent / "shared",
                    config=root / "config" / "build.yml", data=root / "data",
                    locales=_CHECKOUT / "locales")
    return default.replace(**changes)


#: The environment variable of each folder (``root`` first: the others default below it).
_VARIABLES = {"root": "ANALYSIS_ROOT", "build": "ANALYSIS_BUILD_DIR", "data": "ANALYSIS_DATA_DIR",
              "shared": "ANALYSIS_SHARED_DIR", "config": "ANALYSIS_CONFIG",
              "locales": "ANALYSIS_LOCALES_DIR", "staging": "ANALYSIS_STAGING_DIR"}


def from_env(environ: Mapping[str, str] = os.environ) -> Paths:
    """This process's paths, from the ``ANALYSIS_*`` variables (each optional).

    >>> env = user(Path("/r"), data=Path("/d")).environment()
    >>> from_env(env) == user(Path("/r"), data=Path("/d"))
    True
    """
    given = {field: Path(environ[name]).resolve() for field, name in _VARIABLES.items()
             if environ.get(name)}
    return user(given.pop("root", _CHECKOUT), **given)


#: The paths of this process, read from the environment once, at import.
PROCESS: Paths = from_env()

