#!/usr/bin/env bash
# Make a command from a Debian package available: ensure-debian-package.sh COMMAND PACKAGE...
# Idempotent: does nothing when COMMAND is already on PATH. Installs the packages with apt-get
# otherwise (as root, or through sudo when available). Used by ensure-chromium.sh (browser test)
# and ensure-java.sh (Spark); never downloads anything from outside Debian's archive.
set -euo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: ensure-debian-package.sh COMMAND PACKAGE..." >&2
    exit 2
fi
COMMAND="$1"; shift
NAME="ensure-$COMMAND"
version() { "$COMMAND" --version 2>/dev/null | head -1 || echo 'version unknown'; }

if command -v "$COMMAND" >/dev/null 2>&1; then
    echo "$NAME: found $(command -v "$COMMAND") ($(version)); nothing to do"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "$NAME: $COMMAND is missing and this user cannot install packages (not root, no sudo)." >&2
    echo "$NAME: install it with: apt-get update && apt-get install -y $*" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "$NAME: $COMMAND is missing and apt-get is not available; install $* and put $COMMAND on PATH" >&2
    exit 1
fi

echo "$NAME: $COMMAND not found; installing Debian's $* with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "$@"
echo "$NAME: installed $(command -v "$COMMAND") ($(version))"
