"""A reviewer who clones the repository can follow every citation: no tracked file outside
tests/ sends them to material the repository does not contain.

Forbidden everywhere outside tests/: the developers' notes (SOURCES.md, LOCATIONS.md), numbers
of the project's own issue tracker ("issue 3"), and a "design map". Data cite their primary
sources instead (abstract, figure caption, page, URL), and code says why, not which ticket.

``../shared`` is allowed only as the documented default location of what is read but never
committed: the raw corpus (``make data``) and the test fixtures and the talk's text layer
(``analysis.paths``). Each allowed mention is one (file, pattern) pair below, with its reason;
any other line that mentions ``../shared`` fails. Tests may read ../shared (the fixtures and
the talk's text live there), so tests/ is not scanned.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from analysis.paths import PROCESS

#: (file, pattern the line must match, why the mention is allowed)
ALLOWED_SHARED = [
    ("Makefile", r"^data: .*raw corpus \(\.\./shared or pinned URL\)",
     "`make help`: where `make data` reads the raw corpus by default"),
    ("README.md", r"^\| `make data` \| .*raw corpus \(`\.\./shared` copy",
     "the README's `make data` line: the raw corpus's default location"),
    ("README.md", r"record-level smart-city corpus .* that `\.\./shared` holds",
     "the README says where the raw corpus is by default"),
    ("data/literature/README.md", r"`make data` reads `\.\./shared/data/smart-city-slr-corpus/`",
     "the raw corpus's default location"),
    ("notebooks/01_literature_growth.ipynb", r"re-derived by `make data` from `\.\./shared`",
     "the notebook says where the raw corpus is by default"),
    ("locales/01_literature_growth.pot", r"re-derived by `make data` from `\.\./shared`",
     "the catalogue template carries that notebook paragraph"),
    ("locales/fr/LC_MESSAGES/01_literature_growth.po",
     r"re-derived by `make data` from `\.\./shared`|redérivé par `make data` depuis `\.\./shared`",
     "the French catalogue carries that paragraph and its translation"),
    ("locales/ar/LC_MESSAGES/01_literature_growth.po",
     r"re-derived by `make data` from `\.\./shared`|اشتقاقها من `\.\./shared`",
     "the Arabic catalogue carries that paragraph and its translation"),
    ("src/analysis/literature/corpus.py",
     r"``\.\./shared/data/smart-city-slr-corpus/`` \(its default location",
     "the deriving module documents the raw corpus's default location"),
    ("src/analysis/paths.py", r"(?i)default(?: location:)? ``\.\./shared``",
     "the one module that defines the shared folder documents its default"),
    ("src/analysis/site/model.py", r'"\.\./shared/',
     "a manifest records a file read from the default shared folder as ../shared/..."),
]
#: The mentions of an issue tracker a reviewer CAN open: upstream projects' issues.
UPSTREAM_ISSUES = ["jsonschema issue #1428"]
FORBIDDEN = re.compile(r"SOURCES\.md|LOCATIONS\.md|design map|\bissues?\s+(no\.?\s*)?#?\d+",
                       re.IGNORECASE)
#: Lines waived while another change rewords them; each entry must still match a line (a stale
#: waiver fails), and nothing else is waived. Empty: nothing is waived today.
PENDING: list[tuple[str, str]] = []


def tracked_lines() -> list[tuple[str, int, str]]:
    """(path, line number, text) of every tracked text file outside tests/."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=PROCESS.root, check=True,
                           capture_output=True, text=True).stdout.split("\0")
    lines = []
    for name in names:
        if not name or name.startswith("tests/") or not (PROCESS.root / name).is_file():
            continue
        try:
            text = (PROCESS.root / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:  # images and other binary files cite nothing
            continue
        lines += [(name, number, line) for number, line in enumerate(text.splitlines(), 1)]
    return lines


def pending(name: str, line: str) -> bool:
    return any(name == path and text in line for path, text in PENDING)


def shared_allowed(name: str, line: str) -> bool:
    return any(name == path and re.search(pattern, line)
               for path, pattern, _why in ALLOWED_SHARED)


def forbidden(line: str) -> list[str]:
    for upstream in UPSTREAM_ISSUES:
        line = line.replace(upstream, "")
    return [m.group(0) for m in FORBIDDEN.finditer(line)]


@pytest.fixture(scope="module")
def lines():
    if not (PROCESS.root / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    return tracked_lines()


def test_no_tracked_file_mentions_shared_except_as_the_default_location(lines):
    bad = [f"{name}:{number}: {line.strip()[:120]}" for name, number, line in lines
           if "../shared" in line and not shared_allowed(name, line) and not pending(name, line)]
    assert not bad, "mentions of ../shared that are not its default location:\n" + "\n".join(bad)


def test_no_tracked_file_cites_notes_issue_numbers_or_a_design_map(lines):
    bad = [f"{name}:{number}: {', '.join(forbidden(line))}" for name, number, line in lines
           if forbidden(line) and not pending(name, line)]
    assert not bad, "citations a reviewer cannot follow:\n" + "\n".join(bad)


def test_every_allowed_mention_and_waiver_still_matches_a_line(lines):
    """A rule that matches nothing has outlived its line: delete it, so the list stays exact."""
    stale = [f"{path}: {pattern}" for path, pattern, _why in ALLOWED_SHARED
             if not any(name == path and re.search(pattern, line) for name, _n, line in lines)]
    stale += [f"{path}: {text} (pending)" for path, text in PENDING
              if not any(name == path and text in line for name, _n, line in lines)]
    assert not stale, "stale entries:\n" + "\n".join(stale)


@pytest.mark.parametrize(("line", "found"), [
    ("quotes from ../shared/references/SOURCES.md", ["SOURCES.md"]),
    ("see LOCATIONS.md", ["LOCATIONS.md"]),
    ("Target (issue 3): fast", ["issue 3"]),
    ("the flags of Issue #5", ["Issue #5"]),
    ("issues 4 and 5", ["issues 4"]),
    ("where this differs from the Design Map", ["Design Map"]),
    ("jsonschema issue #1428 (upstream)", []),
    ("an issue with 3 rows; reissue", []),
])
def test_the_forbidden_pattern_catches_citations_and_spares_upstream_issues(line, found):
    assert forbidden(line) == found


def test_an_unlisted_shared_mention_is_not_allowed():
    assert shared_allowed("src/analysis/paths.py", "default ``../shared``")
    assert not shared_allowed("src/analysis/paths.py", "read ../shared/references/x")
    assert not shared_allowed("src/analysis/other.py", "default ``../shared``")


def test_the_scan_sees_code_data_and_notebooks(lines):
    names = {name for name, _n, _line in lines}
    assert {"src/analysis/paths.py", "data/datapackage.json", "README.md",
            "notebooks/01_literature_growth.ipynb"} <= names
    assert not any(name.startswith("tests/") for name in names)
