#!/usr/bin/env bash
# Make a Java runtime available for Spark in local mode (`--engine spark`, `make spark`, the
# Spark test). Idempotent: does nothing when `java` is already on PATH. Installs Debian's
# default-jre-headless with apt-get otherwise (as root, or through sudo when available).
set -euo pipefail

if command -v java >/dev/null 2>&1; then
    echo "ensure-java: found $(command -v java) ($(java -version 2>&1 | head -1)); nothing to do"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "ensure-java: java is missing and this user cannot install packages (not root, no sudo)." >&2
    echo "ensure-java: install it with: apt-get update && apt-get install -y default-jre-headless" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-java: java is missing and apt-get is not available; install a Java 17+ runtime and put it on PATH" >&2
    exit 1
fi

echo "ensure-java: java not found; installing Debian's default-jre-headless with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends default-jre-headless
echo "ensure-java: installed $(command -v java) ($(java -version 2>&1 | head -1))"
