"""YAML files mean one thing or are refused with the file, line and column."""

from __future__ import annotations

import pytest

from analysis import yamlfile
from analysis.errors import ConfigError
from analysis.literature import openalex
from analysis.pipeline import makedeps

RUN = "  - {name: a, notebook: notebooks/02_value_grid.ipynb, parameters: {lang: fr, lang: en}}\n"


def test_a_repeated_key_in_build_yml_is_refused_instead_of_silently_building_the_last(
        tmp_path, monkeypatch):
    config = tmp_path / "build.yml"
    config.write_text("runs:\n" + RUN, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"build.yml, line 2, column \d+: key 'lang' appears "
                                          r"twice \(first at line 2\)"):
        makedeps.load_config(config)


def test_a_utf16_build_yml_is_named_as_not_utf8(tmp_path):
    config = tmp_path / "build.yml"
    config.write_bytes(("runs:\n" + RUN).encode("utf-16"))
    with pytest.raises(ConfigError, match=r"build.yml, row 1: byte 0 is not UTF-8"):
        makedeps.load_config(config)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yml"
    path.write_bytes("\ufeffa: 1\n".encode())
    assert yamlfile.load(path) == {"a": 1}


def test_nested_aliases_beyond_the_bound_are_refused(tmp_path):
    layers = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        layers.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    path = tmp_path / "bomb.yml"
    path.write_text("\n".join(layers) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bomb.yml, line \d+, column \d+: more than 16 aliases"):
        yamlfile.load(path)
    assert yamlfile.loads("base: &b {x: 1}\nuse: *b\n") == {"base": {"x": 1}, "use": {"x": 1}}


@pytest.mark.parametrize(("text", "message"), [
    ("series: [a, b]\n", "series must be a mapping"),
    ("series:\n  sharifi: 3\n", "series 'sharifi' must be a mapping"),
    ("series:\n  sharifi:\n    openalex: {query: 3, year_from: 2000, year_to: 2001}\n",
     "query has the wrong type"),
    ("series:\n  sharifi:\n    openalex: {query: q, query: r, year_from: 1, year_to: 2}\n",
     "key 'query' appears twice"),
    ("- just a list\n", "the file must be a mapping"),
])
def test_a_broken_queries_file_is_a_located_error_not_a_traceback(tmp_path, text, message):
    path = tmp_path / "queries.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        openalex.load_series("sharifi", path)
    assert str(path) in str(err.value)


def test_verify_parses_the_yaml_resources_it_checksums(scratch_data):
    paths = scratch_data.paths
    import json

    from analysis import datapackage
    from analysis.fileio import sha256_file

    queries = paths.data / "queries.yml"
    queries.write_text("a: 1\na: 2\n", encoding="utf-8")
    descriptor = {"name": "scratch", "resources": [{
        "name": "queries", "path": "queries.yml", "profile": "data-resource",
        "sources": [{"title": "ours", "path": "https://example.org"}],
        "licenses": [{"name": "CC0-1.0"}], "hash": f"sha256:{sha256_file(queries)}"}]}
    paths.datapackage.write_text(json.dumps(descriptor), encoding="utf-8")
    (problem,) = datapackage.verify_all(paths=paths)
    assert "queries.yml, line 2, column 1: key 'a' appears twice" in problem
