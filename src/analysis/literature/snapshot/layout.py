"""Where the works are in a local copy of the OpenAlex snapshot, and what the copy says of itself.

The layout is documented at https://developers.openalex.org/download/snapshot-format :

- since 2026, two complete copies: ``data/jsonl/works/updated_date=YYYY-MM-DD/part_0000.gz`` (gzip
  JSON Lines) and ``data/parquet/works/updated_date=…/part_0000.parquet`` (snappy Parquet), each
  format with a combined ``data/{jsonl,parquet}/manifest.json``;
- before 2026, a flat ``data/works/updated_date=…/part_000.gz`` (JSON Lines only) with a
  Redshift-style ``manifest`` listing every file; the bucket keeps it under ``legacy-data/``.

ROOT may be the folder ``aws s3 sync s3://openalex ROOT --no-sign-request`` creates (it holds
``data/``), its ``data/`` folder, or a works folder itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analysis.errors import CompendiumError
from analysis.fileio import sha256_file

FORMATS = ("parquet", "jsonl")
_SUFFIX = {"parquet": ".parquet", "jsonl": ".gz"}
_PARTITION = re.compile(r"^updated_date=(\d{4}-\d{2}-\d{2})$")
# (folder under ROOT, format, layout); the first that exists wins for its format
_CANDIDATES = (
    ("data/parquet/works", "parquet", "2026"),
    ("data/jsonl/works", "jsonl", "2026"),
    ("data/works", "jsonl", "pre-2026"),
    ("legacy-data/works", "jsonl", "pre-2026"),
    ("parquet/works", "parquet", "2026"),
    ("jsonl/works", "jsonl", "2026"),
    ("works", "jsonl", "pre-2026"),
)


class SnapshotError(CompendiumError):
    """The path is not a readable OpenAlex works snapshot, or one of its files is bad."""


@dataclass(frozen=True)
class PartFile:
    path: Path
    partition: str  # the updated_date, e.g. "2026-06-24"
    size: int


@dataclass
class Snapshot:
    """The works files of one format, in partition order, and the copy's own metadata."""

    root: Path
    works: Path
    format: str
    layout: str
    files: list[PartFile]
    manifest: dict[str, object] | None = field(default=None)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def relative(self, path: Path) -> str:
        return Path(path).relative_to(self.works).as_posix()

    def describe(self) -> dict[str, object]:
        partitions = sorted({f.partition for f in self.files})
        return {
            "root": str(self.root), "works_folder": str(self.works), "format": self.format,
            "layout": self.layout, "partitions": len(partitions),
            "oldest_partition": partitions[0], "newest_partition": partitions[-1],
            "files": len(self.files), "bytes": self.total_bytes, "manifest": self.manifest,
            "documentation": "https://developers.openalex.org/download/snapshot-format",
        }


def open_snapshot(root: Path, fmt: str | None = None) -> Snapshot:
    """The works of ``root`` in ``fmt`` (default: Parquet when present, else JSON Lines)."""
    root = Path(root).expanduser().absolute()  # engines name files absolutely (not resolved)
    if not root.is_dir():
        raise SnapshotError(f"{root}: no such folder (expected a local copy of the OpenAlex "
                            "snapshot, the folder holding data/)")
    found = _works_folders(root)
    if not found:
        raise SnapshotError(
            f"{root}: not an OpenAlex snapshot (expected data/parquet/works, data/jsonl/works, "
            "data/works or updated_date=YYYY-MM-DD folders)")
    if fmt is not None and fmt not in found:
        raise SnapshotError(f"{root}: no {fmt} copy of the works (found: {', '.join(found)})")
    chosen = fmt or next(f for f in FORMATS if f in found)
    works, layout = found[chosen]
    files = _part_files(works, chosen)
    return Snapshot(root=root, works=works, format=chosen, layout=layout, files=files,
                    manifest=_manifest(root, works, chosen, layout))


def _works_folders(root: Path) -> dict[str, tuple[Path, str]]:
    found: dict[str, tuple[Path, str]] = {}
    if _partitions(root):
        suffixes = {p.suffix for d in _partitions(root) for p in d.iterdir()}
        fmt = "parquet" if ".parquet" in suffixes else "jsonl"
        return {fmt: (root, "2026" if fmt == "parquet" or _four_digit(root) else "pre-2026")}
    for folder, fmt, layout in _CANDIDATES:
        if fmt not in found and (root / folder).is_dir():
            found[fmt] = (root / folder, layout)
    return found


def _partitions(folder: Path) -> list[Path]:
    return sorted(d for d in folder.iterdir() if d.is_dir() and _PARTITION.match(d.name))


def _four_digit(works: Path) -> bool:
    """2026 part files are numbered with four digits (part_0000), older ones with three."""
    return any(re.fullmatch(r"part_\d{4}\.gz", p.name) for p in works.glob("*/part_*.gz"))


def _part_files(works: Path, fmt: str) -> list[PartFile]:
    partitions = _partitions(works)
    if not partitions:
        raise SnapshotError(f"{works}: no updated_date=YYYY-MM-DD partition folders")
    files = [
        PartFile(path=p, partition=_PARTITION.match(d.name).group(1), size=p.stat().st_size)
        for d in partitions for p in sorted(d.glob(f"part_*{_SUFFIX[fmt]}"))
    ]
    if not files:
        raise SnapshotError(f"{works}: no part_NNNN{_SUFFIX[fmt]} files in its "
                            f"{len(partitions)} updated_date=… folders")
    return files


def _manifest(root: Path, works: Path, fmt: str, layout: str) -> dict[str, object] | None:
    """The manifest's path, size, checksum and date, and what it declares (files, records)."""
    here = [works.parent / "manifest.json", works / "manifest", works / "manifest.json"]
    path = next((p for p in here if p.is_file()), None)
    if path is None:
        return None
    stat = path.stat()
    described: dict[str, object] = {
        "path": path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path),
        "bytes": stat.st_size, "sha256": sha256_file(path),
        # aws s3 sync gives each file the last-modified time of its S3 object
        "modified_utc": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
    }
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return described
    entries = document.get("entries") if isinstance(document, dict) else None
    if isinstance(entries, list):
        mine = [e for e in entries if isinstance(e, dict) and "/works/" in str(e.get("url", ""))]
        counts = [e.get("meta", {}).get("record_count") for e in mine]
        described["works_entries"] = len(mine)
        if mine and all(isinstance(c, int) for c in counts):
            described["works_record_count"] = sum(counts)
    return described
