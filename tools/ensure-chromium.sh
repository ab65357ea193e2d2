#!/usr/bin/env bash
# Make Debian's headless Chromium available for the browser test (tests/site/test_browser.py).
# Idempotent: does nothing when `chromium` is already on PATH. Installs with apt-get otherwise
# (as root, or through sudo when available). Never downloads a browser through Playwright.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "ensure-chromium: found $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown')); nothing to do"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "ensure-chromium: chromium is missing and this user cannot install packages (not root, no sudo)." >&2
    echo "ensure-chromium: install it with: apt-get update && apt-get install -y chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: chromium is missing and apt-get is not available; install Chromium and put it on PATH" >&2
    exit 1
fi

echo "ensure-chromium: chromium not found; installing Debian's chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
echo "ensure-chromium: installed $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
