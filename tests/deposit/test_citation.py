"""CITATION.cff is valid CFF 1.2.0 and carries the package's version; failures name the field."""

from __future__ import annotations

import hashlib
import json

import pytest

from analysis.paths import PROCESS
from analysis.pipeline import citation
from analysis.pipeline.citation import CitationError

VALID = """\
cff-version: 1.2.0
message: Cite it.
title: A title
authors:
  - name: Some authors
version: 0.1.0
date-released: 2024-06-21
"""


def test_the_project_citation_is_valid_cff_of_the_package_version():
    data = citation.checked()
    assert data["version"] == citation.package()[1]


def test_dates_stay_text_as_the_cff_schema_expects(tmp_path):
    path = tmp_path / "CITATION.cff"
    path.write_text(VALID)
    data = citation.load(path)
    assert data["date-released"] == "2024-06-21"
    citation.validate(data, path)


def test_a_misspelt_author_key_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "CITATION.cff"
    path.write_text(VALID.replace("  - name:", "  - nmae:"))
    with pytest.raises(CitationError, match=r"CITATION\.cff, field authors\.0: "):
        citation.validate(citation.load(path), path)


def test_a_version_other_than_pyprojects_is_refused(tmp_path):
    """A project whose CITATION.cff says 9.9.9 beside the real pyproject.toml."""
    (tmp_path / "CITATION.cff").write_text(VALID.replace("version: 0.1.0", "version: 9.9.9"))
    (tmp_path / "pyproject.toml").write_bytes(PROCESS.pyproject.read_bytes())
    with pytest.raises(CitationError, match=r"field version: '9\.9\.9', but pyproject\.toml"):
        citation.checked(paths=PROCESS.replace(root=tmp_path))


def test_invalid_yaml_is_named_with_its_line(tmp_path):
    path = tmp_path / "CITATION.cff"
    path.write_text("title: a\nauthors: [unclosed\n")
    with pytest.raises(CitationError, match=r"CITATION\.cff, line \d+: not valid YAML"):
        citation.load(path)


def test_the_schema_is_the_cff_1_2_0_schema_named_in_its_readme():
    readme = (citation.SCHEMA.parent / "README.md").read_text()
    assert hashlib.sha256(citation.SCHEMA.read_bytes()).hexdigest() in readme
    schema = json.loads(citation.SCHEMA.read_text())
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
