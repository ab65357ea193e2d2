"""Write build/dist/NAME-VERSION.zip: the deposit (Zenodo) archive of one commit and its build.

It holds, at the archive's root:

- the source tree at the commit (``git archive``), so it rebuilds with `make all`;
- ``build/``: MANIFEST.json, every artifact it lists (executed notebooks, figures, tables)
  and the site (html/);
- ``ro-crate-metadata.json`` (the build's RO-Crate, whose ids are relative to this root);
- ``ARCHIVE-INFO``: the commit and SOURCE_DATE_EPOCH, because an unzipped archive is no git
  checkout and a rebuild must record the same commit and dates to be byte-identical;
- ``SHA256SUMS`` (``sha256sum -c SHA256SUMS`` checks every other file).

Why build/dist/ and not dist/: the build writes nothing outside build/ and .venv/, so
`make clean` removes every file a build wrote.

Reproducible: entries sorted by name, every timestamp SOURCE_DATE_EPOCH (the commit's date),
permissions 0644, or 0755 where git records an executable, deflate at a fixed level, no
extra fields; two `make dist` runs on one commit give the same sha256.

Refused, with a one-line reason: a build whose manifest is not of a clean commit (what was
built would not be what the archive's source is), and a CITATION.cff that is not valid CFF 1.2.0
or whose version is not pyproject.toml's.

    python -m analysis.pipeline.dist
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis import cli
from analysis.errors import CompendiumError
from analysis.fileio import atomic_path, sha256_file
from analysis.paths import PROCESS, Paths
from analysis.pipeline import citation, origin, runrecord

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest time a zip entry can hold


class DistError(CompendiumError):
    """The archive cannot be made honestly from this tree (dirty build, bad citation, ...)."""


@dataclass(frozen=True)
class Entry:
    """One file of the archive: its name, bytes and whether it is executable."""

    name: str
    data: bytes
    executable: bool = False


def _git(*args: str, paths: Paths) -> bytes:
    try:
        return subprocess.run(["git", *args], cwd=paths.root, capture_output=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DistError(f"git {' '.join(args)} failed in {paths.root}: make dist needs the git "
                        f"checkout the build was made from ({exc})") from None


def built_commit(*, paths: Paths = PROCESS) -> tuple[str, int]:
    """(commit, SOURCE_DATE_EPOCH) recorded by the manifest, checked against HEAD and make."""
    manifest = runrecord.read_manifest(paths.manifest)
    commit, epoch = manifest.git_commit, manifest.source_date_epoch
    shown = paths.relative(paths.manifest)
    if not _COMMIT.match(commit):
        raise DistError(f"{shown}: built from {commit!r}, not from a "
                        "clean commit; commit your changes, then run `make dist` again")
    head = _git("rev-parse", "HEAD", paths=paths).decode().strip()
    if head != commit:
        raise DistError(f"{shown}: built from {commit}, but HEAD is "
                        f"{head}; run `make dist`, which re-makes the manifest, the crate "
                        "and the site for the new commit")
    env_epoch = int(os.environ.get("SOURCE_DATE_EPOCH", epoch))
    if env_epoch != epoch:
        raise DistError(f"{shown}: SOURCE_DATE_EPOCH {epoch}, but "
                        f"the environment says {env_epoch}; run `make clean && make dist`")
    return commit, epoch


def source_entries(commit: str, *, paths: Paths = PROCESS) -> list[Entry]:
    """The files of ``git archive`` at ``commit``, with git's executable bit."""
    entries = []
    tar_bytes = _git("archive", "--format=tar", commit, paths=paths)
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                entries.append(Entry(member.name, data, bool(member.mode & 0o111)))
            elif member.issym():
                raise DistError(f"{member.name}: symbolic links do not survive a zip; the "
                                "archive holds regular files only")
    return entries


def build_entries(*, paths: Paths = PROCESS) -> list[Entry]:
    """The manifest, every artifact it lists (figures, tables, executed notebooks) and the site.

    Artifacts come from the manifest, not from a listing of build/: a file left there by an
    earlier configuration is not part of this build and stays out of the deposit.
    """
    manifest = runrecord.read_manifest(paths.manifest)
    files = [paths.manifest]
    files += [paths.absolute(a.path) for a in manifest.artifacts]
    files += sorted(p for p in paths.html.rglob("*") if p.is_file())  # rendered from it
    missing = [paths.relative(f) for f in files if not f.is_file()]
    if missing:
        raise DistError(f"{paths.relative(paths.manifest)}: lists {missing[0]}, which does not "
                        "exist; run `make all` first")
    return [Entry(paths.relative(f), f.read_bytes()) for f in files]


def sha256sums(entries: list[Entry]) -> Entry:
    lines = [f"{hashlib.sha256(e.data).hexdigest()}  {e.name}\n"
             for e in sorted(entries, key=lambda e: e.name)]
    return Entry("SHA256SUMS", "".join(lines).encode("utf-8"))


def collect(commit: str, epoch: int, name: str, version: str, *,
            paths: Paths = PROCESS) -> list[Entry]:
    """Every entry of the archive, SHA256SUMS last; refuses two entries with one name."""
    if not paths.crate.is_file():
        raise DistError(f"{paths.relative(paths.crate)}: missing; run `make all` first")
    info = origin.format_info({"commit": commit, "source_date_epoch": str(epoch),
                               "name": name, "version": version})
    entries = [*source_entries(commit, paths=paths), *build_entries(paths=paths),
               Entry("ro-crate-metadata.json", paths.crate.read_bytes()),
               Entry("ARCHIVE-INFO", info.encode("utf-8"))]
    seen: set[str] = set()
    for entry in entries:
        if entry.name in seen:
            raise DistError(f"{entry.name}: would be written twice into the archive (it is "
                            "both in the source tree and generated)")
        seen.add(entry.name)
    return [*entries, sha256sums(entries)]


def write_zip(target: Path, entries: list[Entry], epoch: int) -> None:
    """Write the entries as a zip whose bytes depend only on the entries and ``epoch``."""
    moment = datetime.fromtimestamp(max(epoch, ZIP_EPOCH_MIN), tz=UTC)
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute,
             moment.second // 2 * 2)  # zip stores even seconds
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for entry in sorted(entries, key=lambda e: e.name):
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.create_system = 3  # unix, so the permission bits below are honoured
            info.external_attr = (0o100755 if entry.executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entry.data, compress_type=zipfile.ZIP_DEFLATED,
                             compresslevel=9)


def make_dist(*, paths: Paths = PROCESS) -> Path:
    """Validate, collect and write the archive; return its path."""
    citation.checked(paths=paths)
    name, version = citation.package(paths=paths)
    commit, epoch = built_commit(paths=paths)
    target = paths.dist / f"{name}-{version}.zip"
    write_zip(target, collect(commit, epoch, name, version, paths=paths), epoch)
    return target


@cli.command()
def main(args: argparse.Namespace, paths: Paths) -> int:
    target = make_dist(paths=paths)
    digest = sha256_file(target)
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"wrote {paths.relative(target)}: {count} files, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
