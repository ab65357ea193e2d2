"""Data loading refuses bad input with messages naming file, row, column and what was expected."""

from __future__ import annotations

import json

import pytest

from analysis import datapackage
from analysis.errors import DataError
from analysis.paths import Paths

FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "label", "type": "string"},
]


@pytest.fixture
def paths(scratch_data) -> Paths:
    """The scratch package's paths: its own data folder and a temporary build/."""
    return scratch_data.paths


@pytest.fixture
def exported(paths, monkeypatch) -> None:
    """The same paths for the command line (``main`` reads the environment): a project rooted
    at the scratch folder, whose data/ is the scratch package."""
    monkeypatch.setenv("ANALYSIS_ROOT", str(paths.data.parent))
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(paths.build))


def test_good_file_loads_with_schema_types(scratch_data, paths):
    scratch_data("good", "id,count,label\na,1,x\nb,,y\n", FIELDS)
    frame = datapackage.load("good", paths=paths)
    assert list(frame.columns) == ["id", "count", "label"]
    assert str(frame["count"].dtype) == "Int64"
    assert frame["count"].isna().tolist() == [False, True]


def test_not_available_is_data_not_a_number(scratch_data, paths):
    scratch_data("na", "id,count,label\na,not available,x\n", FIELDS,
                 missingValues=["", "not available"])
    assert datapackage.load("na", paths=paths)["count"].isna().all()


def test_checksum_mismatch_names_file_and_both_hashes(scratch_data, paths):
    path = scratch_data("sums", "id,count,label\na,1,x\n", FIELDS)
    path.write_text("id,count,label\na,2,x\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        datapackage.load("sums", paths=paths)
    message = str(err.value)
    assert str(path) in message and "checksum mismatch" in message
    assert json.loads(paths.datapackage.read_text())["resources"][0]["hash"][7:] in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,count,label\na,1,x\nb,2,y,extra\n", ["row 3", "more cells"]),
        ("id,count,label\na,1,x\nb,two,y\n", ["row 3", "column 'count'", "integer"]),
        ("id,count,label\na,1,x\nb,-4,y\n", ["row 3", "column 'count'", "minimum"]),
        ("id,count\na,1\n", ["column 'label'", "column missing", "expected columns id, count"]),
        ("id,count,label\na,1,x\na,2,y\n", ["row 3", "column 'id'", "unique"]),
        ("", ["file is empty", "id, count, label"]),
    ],
    ids=["extra-cell", "type-error", "constraint", "missing-column", "duplicate", "empty-file"],
)
def test_bad_input_names_location_and_expectation(scratch_data, paths, text, expected):
    path = scratch_data("bad", text, FIELDS)
    with pytest.raises(DataError) as err:
        datapackage.load("bad", paths=paths)
    message = str(err.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message, message


def test_foreign_key_violation_names_row_and_column(scratch_data, paths):
    scratch_data("parent", "id,count,label\na,1,x\n", FIELDS)
    scratch_data("child", "id,parent_id\nc1,a\nc2,zzz\n",
                 [{"name": "id", "type": "string"}, {"name": "parent_id", "type": "string"}],
                 foreignKeys=[{"fields": ["parent_id"],
                               "reference": {"resource": "parent", "fields": ["id"]}}])
    with pytest.raises(DataError, match=r"row 3, column 'parent_id'.*'zzz'.*parent"):
        datapackage.load("child", paths=paths)


def test_resource_without_provenance_is_refused(scratch_data, paths):
    scratch_data("bare", "id,count,label\na,1,x\n", FIELDS)
    descriptor = json.loads(paths.datapackage.read_text())
    del descriptor["resources"][0]["sources"]
    paths.datapackage.write_text(json.dumps(descriptor))
    with pytest.raises(DataError, match="lacks sources"):
        datapackage.load("bare", paths=paths)


def test_unknown_resource_lists_known_ones(scratch_data, paths):
    scratch_data("known", "id,count,label\na,1,x\n", FIELDS)
    with pytest.raises(DataError, match="no resource named 'nope' .known: known"):
        datapackage.load("nope", paths=paths)


def test_verify_cli_fails_on_mismatch_and_rehash_needs_names(scratch_data, paths, exported, capsys):
    path = scratch_data("cli", "id,count,label\na,1,x\n", FIELDS)
    assert datapackage.main(["verify"]) == 0
    path.write_text("id,count,label\na,1,y\n", encoding="utf-8")
    assert datapackage.main(["verify"]) == 1
    assert "checksum mismatch" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        datapackage.main(["rehash"])
    assert datapackage.main(["rehash", "cli"]) == 0
    assert datapackage.main(["verify"]) == 0


def test_committed_data_package_verifies():
    """Every committed data file matches its checksum, schema and provenance requirements."""
    assert datapackage.verify_all() == []
    for name in datapackage.resource_names():
        datapackage.resource(name)  # raises if sources/licences/hash are missing


def test_non_tabular_resource_is_checksummed_but_not_read_as_a_table(scratch_data, paths):
    scratch_data("table", "id,count,label\na,1,x\n", FIELDS)
    queries = paths.data / "queries.yml"
    queries.write_text("q: smart city\n", encoding="utf-8")
    descriptor = json.loads(paths.datapackage.read_text())
    from analysis.fileio import sha256_file

    descriptor["resources"].append({
        "name": "queries", "path": "queries.yml", "profile": "data-resource",
        "sources": [{"title": "ours", "path": "https://example.org"}],
        "licenses": [{"name": "CC0-1.0"}], "hash": f"sha256:{sha256_file(queries)}"})
    paths.datapackage.write_text(json.dumps(descriptor))
    assert datapackage.load_path("queries", paths=paths) == queries
    with pytest.raises(DataError, match="not a table"):
        datapackage.load("queries", paths=paths)
    queries.write_text("q: smart cities\n", encoding="utf-8")
    assert any("checksum mismatch" in p for p in datapackage.verify_all(paths=paths))


def _count_validations(monkeypatch) -> list[str]:
    calls: list[str] = []
    original = datapackage.validate_schema
    monkeypatch.setattr(datapackage, "validate_schema",
                        lambda name, descriptor=None, **kw: calls.append(name) or original(
                            name, descriptor, **kw))
    return calls


def test_a_kernel_skips_row_validation_only_for_bytes_verify_already_vouched_for(
        scratch_data, paths, exported, monkeypatch):
    scratch_data("good", "id,count,label\na,1,x\n", FIELDS)
    calls = _count_validations(monkeypatch)
    datapackage.load("good", paths=paths)
    assert calls == ["good"]  # no stamp yet: validated row by row
    assert datapackage.main(["verify"]) == 0
    calls.clear()
    datapackage.load("good", paths=paths)
    assert calls == []  # verify validated these very bytes against this very descriptor


def test_a_changed_schema_after_verify_is_validated_again_and_fails(scratch_data, paths,
                                                                   exported):
    scratch_data("good", "id,count,label\na,1,x\n", FIELDS)
    assert datapackage.main(["verify"]) == 0
    descriptor = json.loads(paths.datapackage.read_text())
    descriptor["resources"][0]["schema"]["fields"][1]["constraints"] = {"minimum": 5}
    paths.datapackage.write_text(json.dumps(descriptor))
    with pytest.raises(DataError, match="constraint-error"):
        datapackage.load("good", paths=paths)


def test_a_foreign_key_target_edited_after_verify_is_checked_again(scratch_data, paths,
                                                                  exported):
    scratch_data("codes", "id,count,label\na,1,x\n", FIELDS)
    scratch_data("uses", "id,count,label\na,1,x\n", FIELDS,
                 foreignKeys=[{"fields": "id", "reference": {"resource": "codes",
                                                             "fields": "id"}}])
    assert datapackage.main(["verify"]) == 0
    (paths.data / "codes.csv").write_text("id,count,label\nb,1,x\n", encoding="utf-8")
    with pytest.raises(DataError, match="not found in codes"):
        datapackage.load("uses", paths=paths)


@pytest.mark.parametrize("escape", ["../../secret.txt", "/etc/hostname", "sub/../../x.csv"])
def test_a_resource_path_leaving_data_is_refused_even_with_the_right_hash(
        scratch_data, paths, tmp_path, escape):
    scratch_data("table", "id,count,label\na,1,x\n", FIELDS)
    secret = tmp_path / "secret.txt"
    secret.write_text("id,count,label\na,1,x\n", encoding="utf-8")
    descriptor = json.loads(paths.datapackage.read_text())
    descriptor["resources"][0]["path"] = escape
    paths.datapackage.write_text(json.dumps(descriptor))
    problems = datapackage.verify_all(paths=paths)
    assert len(problems) == 1 and "must be a relative path inside data/" in problems[0]
    assert escape in problems[0]


@pytest.mark.parametrize("damage", [
    b"label,count\nx,1\n",            # the key column dropped
    b'id,count,label\n"a,1,x\n',      # a quote never closed
    b"",                              # empty
    b"\x00\x01\x02\xff\xfe binary",    # binary
    "id,count,label\ncafé,1,x\n".encode("latin-1"),
    None,                             # deleted
])
def test_a_broken_foreign_key_target_gives_located_lines_not_a_traceback(scratch_data, paths,
                                                                        damage):
    target = scratch_data("codes", "id,count,label\na,1,x\n", FIELDS)
    scratch_data("uses", "id,count,label\na,1,x\n", FIELDS,
                 foreignKeys=[{"fields": "id", "reference": {"resource": "codes",
                                                             "fields": "id"}}])
    if damage is None:
        target.unlink()
    else:
        target.write_bytes(damage)
        datapackage.refresh_checksums(["codes"], paths=paths)  # a deliberate edit: checksum matches
    problems = datapackage.verify_all(paths=paths)
    uses = [p for p in problems if "uses.csv" in p.split(":")[0]]
    assert uses and "foreign key to codes cannot be checked" in uses[0]
    assert all("Traceback" not in p for p in problems)


def test_refreshing_checksums_touches_only_hash_and_bytes_of_the_named_resource(
        scratch_data, paths):
    path = scratch_data("edited", "id,count,label\na,1,x\n", FIELDS)
    scratch_data("other", "id,count,label\nb,2,y\n", FIELDS)
    before = json.loads(paths.datapackage.read_text())
    path.write_text("id,count,label\na,1,xyz\n", encoding="utf-8")
    (paths.data / "other.csv").write_text("id,count,label\nb,2,changed\n", encoding="utf-8")

    lines = datapackage.refresh_checksums(["edited"], paths=paths)

    assert len(lines) == 1 and lines[0].startswith("edited: updated hash sha256:")
    assert lines[0].endswith("bytes None -> 23")  # the scratch entry had no bytes yet
    after = json.loads(paths.datapackage.read_text())
    assert after["resources"][1] == before["resources"][1]  # "other" is not named: untouched
    edited = {k: v for k, v in after["resources"][0].items() if k not in {"hash", "bytes"}}
    assert edited == {k: v for k, v in before["resources"][0].items() if k != "hash"}
    assert datapackage.refresh_checksums(["edited"], paths=paths) == []  # nothing left to update


def test_refreshing_an_undescribed_resource_says_to_describe_it_by_hand(scratch_data, paths):
    scratch_data("known", "id,count,label\na,1,x\n", FIELDS)
    with pytest.raises(DataError, match="no resource named new .describe a new resource there"):
        datapackage.refresh_checksums(["new"], paths=paths)
