"""Atomic writes and hashing: an artifact is either the old good file or the new complete one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.errors import CompendiumError


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks so large exports do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        if exc.filename:
            raise
        raise OSError(exc.errno, exc.strerror, str(target)) from None  # name the file


def write_text(target: Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_json(target: Path, value: object) -> None:
    """``value`` as the project writes every record: indented, sorted keys, UTF-8, a final
    newline, so two builds of the same content give the same bytes."""
    write_text(target, json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def write_text_if_changed(target: Path, text: str) -> bool:
    """Write only when the content differs, so make does not see a fresh mtime for nothing."""
    target = Path(target)
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    write_text(target, text)
    return True


class Saved(list):
    """The files one ``figures.save``/``tables.save`` call wrote, shown by name only.

    A notebook cell that ends with a save call displays its result; listing full paths would
    publish the staging folder (``/home/.../build/.work.NAME.PID.*/...``) in the executed
    notebook, the site and the manifest, so two builds in two folders would differ.
    """

    def __repr__(self) -> str:
        return f"saved: {', '.join(Path(p).name for p in self)}"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's display hook
        printer.text(repr(self))


@contextmanager
def private_folder(parent: Path, label: str, sweep: str | None = None) -> Iterator[Path]:
    """A folder of this process only (``LABEL.PID.random``), removed on every way out.

    Two builds of one checkout never share it; SIGTERM and Ctrl-C unwind through here like
    an error, and what a SIGKILL leaves behind is swept by the next process that asks for a
    folder with the same label, or with any label matching ``sweep`` (see
    :func:`sweep_abandoned`).
    """
    sweep = sweep or label
    parent.mkdir(parents=True, exist_ok=True)
    sweep_abandoned(parent, sweep)
    folder = Path(tempfile.mkdtemp(prefix=f"{label}.{os.getpid()}.", dir=parent))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def sweep_abandoned(parent: Path, label: str) -> None:
    """Remove ``LABEL.PID.*`` folders whose process no longer exists (``label="*"``: any)."""
    for folder in Path(parent).glob(f"{label}.*.*"):
        pid = folder.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every ``finally`` cleans up; errors.reports_errors then
    re-raises the signal itself."""
    interrupt = KeyboardInterrupt(f"signal {signum}")
    interrupt.signum = signum
    raise interrupt


def read_utf8(path: Path, what: str, error: type[CompendiumError]) -> str:
    """The text of a file a researcher gave, BOM dropped; else one ``error`` naming the file.

    ``what`` names the expected file ("a YAML file"): it ends each message, so a folder, a
    missing file and a wrong encoding each say what was expected, with the line of the first
    byte that is not UTF-8.
    """
    path = Path(path)
    if path.is_dir():
        raise error(f"{path}: is a folder; expected {what}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: not found; expected {what}") from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"{path}, row {line}: byte {exc.start} is not UTF-8 ({exc.reason}); "
                    f"expected {what}, saved as UTF-8") from None
