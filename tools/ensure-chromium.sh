#!/usr/bin/env bash
# Make Debian's headless Chromium available for the browser test (tests/site/test_browser.py).
# Installed only when `chromium` is missing; never downloads a browser through Playwright.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-package.sh" chromium chromium fonts-dejavu-core
