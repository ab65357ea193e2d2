#!/usr/bin/env bash
# Make a Java runtime available for Spark in local mode (`--engine spark`, `make spark`, the
# Spark test): Debian's default-jre-headless, installed only when `java` is missing.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian-package.sh" java default-jre-headless
