"""Where the importer tests find real exports: the small files here, and the shared exports
(``../shared/fixtures/exports/`` by default) that are never committed."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import PROCESS

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = PROCESS.shared / "fixtures" / "exports"
SCOPUS_BIB = EXPORTS / "scopus-bibtex" / "scopus_2.bib"
needs_shared = pytest.mark.skipif(not EXPORTS.is_dir(), reason="needs ../shared fixtures")
