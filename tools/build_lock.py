"""Run a command while holding an exclusive lock on the build folder: two builds take turns.

    python3 tools/build_lock.py build make COMPENDIUM_LOCK=1 all

Used by the Makefile before the environment exists, so it needs nothing but the standard
library. The lock is an ``flock`` on the folder itself (no lock file is left behind), released
by the kernel when the command exits, however it exits (a SIGKILL included).
"""

from __future__ import annotations

import fcntl
import os
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: build_lock.py BUILD_FOLDER COMMAND...", file=sys.stderr)
        return 2
    folder, command = argv[0], argv[1:]
    os.makedirs(folder, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"make: another build of this checkout is running (it holds a lock on {folder}/); "
              "waiting for it to finish", file=sys.stderr, flush=True)
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.set_inheritable(fd, True)  # the lock lives as long as the command, which keeps the fd
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"build_lock.py: cannot run {command[0]}: {exc}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
