"""Run a command while holding an exclusive lock on a file: two builds of one checkout take turns.

    python3 tools/build_lock.py build/.lock make COMPENDIUM_LOCK=1 all

Used by the Makefile before the environment exists, so it needs nothing but the standard
library. The lock is an ``flock`` on the file, released by the kernel when the command exits,
however it exits (a SIGKILL included): there is no stale lock to clean up.
"""

from __future__ import annotations

import fcntl
import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: build_lock.py LOCKFILE COMMAND...", file=sys.stderr)
        return 2
    lock_path, command = argv[0], argv[1:]
    os.makedirs(os.path.dirname(lock_path) or ".", exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        print(f"make: another build of this checkout is running (pid {holder}, lock "
              f"{lock_path}); waiting for it to finish", file=sys.stderr, flush=True)
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    os.set_inheritable(fd, True)  # the lock lives as long as the command, which keeps the fd
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"build_lock.py: cannot run {command[0]}: {exc}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
