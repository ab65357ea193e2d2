"""The deposit zip: bytes fixed by content and SOURCE_DATE_EPOCH, honest refusals, and the
ARCHIVE-INFO fallback that lets an unzipped archive record its commit."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from analysis.paths import PROCESS
from analysis.pipeline import dist, manifest, origin
from analysis.pipeline.dist import DistError, Entry

ENTRIES = [Entry("b/run", b"#!/bin/sh\n", executable=True), Entry("a.txt", b"alpha\n"),
           Entry("b/c.csv", b"x,y\n")]
EPOCH = 1_717_000_000  # 2024-05-29 16:26:40 UTC


def test_zip_bytes_depend_only_on_the_entries_and_the_epoch(tmp_path):
    one, two = tmp_path / "one.zip", tmp_path / "two.zip"
    dist.write_zip(one, ENTRIES, EPOCH)
    dist.write_zip(two, list(reversed(ENTRIES)), EPOCH)
    assert one.read_bytes() == two.read_bytes()
    dist.write_zip(two, ENTRIES, EPOCH + 3600)
    assert one.read_bytes() != two.read_bytes()


def test_zip_entries_are_sorted_dated_and_have_fixed_permissions(tmp_path):
    target = tmp_path / "a.zip"
    dist.write_zip(target, ENTRIES, EPOCH)
    with zipfile.ZipFile(target) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a.txt", "b/c.csv", "b/run"]
    assert {i.date_time for i in infos} == {(2024, 5, 29, 16, 26, 40)}
    assert [i.external_attr >> 16 for i in infos] == [0o100644, 0o100644, 0o100755]


def test_sha256sums_lists_every_other_entry_in_sha256sum_format():
    sums = dist.sha256sums(ENTRIES).data.decode().splitlines()
    assert sums == [f"{hashlib.sha256(e.data).hexdigest()}  {e.name}"
                    for e in sorted(ENTRIES, key=lambda e: e.name)]


def test_a_build_of_a_dirty_tree_is_refused(fake_build):
    data = json.loads(fake_build.manifest.read_text())
    data["git_commit"] = "0" * 40 + "-dirty"
    fake_build.manifest.write_text(json.dumps(data))
    with pytest.raises(DistError, match="not from a clean commit; commit your changes"):
        dist.built_commit(paths=fake_build)


def test_only_the_manifests_artifacts_and_the_site_are_packed(fake_build):
    (fake_build.figures / "stale_from_another_config.png").write_bytes(b"old")
    fake_build.html.mkdir()
    (fake_build.html / "index.html").write_text("<html></html>")
    names = {e.name for e in dist.build_entries(paths=fake_build)}
    assert {"build/MANIFEST.json", "build/figures/demo_en.png", "build/tables/demo_fr.csv",
            "build/notebooks/02_value_grid-en.ipynb", "build/html/index.html"} <= names
    assert "build/figures/stale_from_another_config.png" not in names


def test_an_artifact_missing_from_build_is_refused(fake_build):
    (fake_build.tables / "demo_fr.csv").unlink()
    with pytest.raises(DistError, match="lists build/tables/demo_fr.csv, which does not exist"):
        dist.build_entries(paths=fake_build)


def test_a_generated_file_shadowing_a_source_file_is_refused(fake_build, monkeypatch):
    fake_build.crate.write_text("{}")
    monkeypatch.setattr(dist, "source_entries",
                        lambda commit, paths: [Entry("ARCHIVE-INFO", b"")])
    with pytest.raises(DistError, match="ARCHIVE-INFO: would be written twice"):
        dist.collect("0" * 40, EPOCH, "n", "1", paths=fake_build)


def test_archive_info_round_trips(tmp_path):
    values = {"commit": "a" * 40, "source_date_epoch": str(EPOCH), "name": "n", "version": "1"}
    path = tmp_path / "ARCHIVE-INFO"
    path.write_text(origin.format_info(values))
    assert origin.archive_info(path) == values
    assert origin.archive_info(tmp_path / "absent") is None


def test_a_bad_archive_info_line_is_named_with_its_row(tmp_path):
    path = tmp_path / "ARCHIVE-INFO"
    path.write_text("commit=abc\nwhat\n")
    with pytest.raises(origin.CompendiumError, match=r"ARCHIVE-INFO, row 2: expected one of"):
        origin.archive_info(path)


def test_the_manifest_takes_the_commit_from_archive_info_outside_git(tmp_path):
    (tmp_path / "ARCHIVE-INFO").write_text(origin.format_info(
        {"commit": "c" * 40, "source_date_epoch": "1", "name": "n", "version": "1"}))
    unzipped = PROCESS.replace(root=tmp_path)  # an unzipped archive: no .git, ARCHIVE-INFO
    assert manifest.git_commit(paths=unzipped) == "c" * 40
