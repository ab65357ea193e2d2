"""``python -m analysis.literature snapshot``: exact counts of a generated mini-snapshot in every
format and layout, the series file, resumption, progress, and located errors for bad input."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from snapshot_fixtures import ALLAM, SHARIFI, expected, write_jsonl, write_parquet, write_snapshot

from analysis.literature.__main__ import main
from analysis.literature.snapshot import run
from analysis.literature.snapshot.layout import open_snapshot

COUNT_KEYS = ("records_read", "without_year", "outside_range", "counted", "per_year",
              "not_matched")
CASES = [("2026", "jsonl"), ("2026", "parquet"), ("pre-2026", "jsonl")]


def snapshot_json(capsys, root: Path, out: Path, *options: str) -> dict:
    assert main(["snapshot", str(root), "--out", str(out), "--json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def counts_of(payload: dict) -> dict:
    return {key: payload[key] for key in COUNT_KEYS}


@pytest.mark.parametrize(("layout", "fmt"), CASES)
def test_every_format_and_layout_is_counted_exactly_for_both_series(tmp_path, capsys, layout,
                                                                    fmt):
    parts = write_snapshot(tmp_path / "s3", layout, (fmt,))
    sharifi = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--series", "sharifi")
    allam = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--series", "allam")
    kinds = ("article", "review")
    assert counts_of(sharifi) == expected(parts, SHARIFI, kinds, 1991, 2021)
    assert counts_of(allam) == expected(parts, ALLAM, kinds, 1978, 2022)
    assert sharifi["counted"] > allam["counted"] > 0
    assert len(sharifi["files"]) == 6 and {f["format"] for f in sharifi["files"]} == {
        f"openalex-snapshot-{fmt}"}


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_the_abstract_rebuilt_from_its_inverted_index_can_match(tmp_path, capsys, fmt):
    parts = write_snapshot(tmp_path / "s3", "2026", (fmt,))
    pattern = r"smart cit(y|ies)"
    title_only = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--title-regex",
                               pattern)
    with_abstract = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--title-regex",
                                  pattern, "--abstract")
    assert counts_of(title_only) == expected(parts, (pattern,))
    assert counts_of(with_abstract) == expected(parts, (pattern,), abstract=True)
    assert with_abstract["counted"] > title_only["counted"]


def test_years_without_a_work_are_zeros_and_types_are_filtered(tmp_path, capsys):
    parts = write_snapshot(tmp_path / "s3")
    got = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--title-regex", "smart",
                        "--types", "book-chapter,erratum", "--from", "1960", "--to", "2040")
    assert list(got["per_year"]) == [str(y) for y in range(1960, 2041)]
    assert got["per_year"]["1960"] == 0
    assert counts_of(got) == expected(parts, ("smart",), ("book-chapter", "erratum"), 1960, 2040)


def test_parquet_is_read_when_both_copies_are_present_unless_format_says_otherwise(tmp_path):
    write_snapshot(tmp_path / "s3", "2026", ("jsonl", "parquet"))
    assert open_snapshot(tmp_path / "s3").format == "parquet"
    chosen = open_snapshot(tmp_path / "s3", "jsonl")
    assert chosen.format == "jsonl" and chosen.files[0].path.name == "part_0000.gz"


@pytest.mark.parametrize("folder", ["data", "data/jsonl/works"])
def test_the_data_or_works_folder_itself_is_accepted(tmp_path, folder):
    write_snapshot(tmp_path / "s3")
    snapshot = open_snapshot(tmp_path / "s3" / folder)
    assert snapshot.works == tmp_path / "s3/data/jsonl/works" and len(snapshot.files) == 6
    assert snapshot.layout == "2026"


def test_the_legacy_works_folder_is_recognised_as_pre_2026(tmp_path):
    write_snapshot(tmp_path / "s3", "pre-2026")
    assert open_snapshot(tmp_path / "s3/data/works").layout == "pre-2026"
    assert open_snapshot(tmp_path / "s3").files[0].path.name == "part_000.gz"


def test_json_output_has_every_key_of_count_json(tmp_path, capsys):
    write_snapshot(tmp_path / "s3")
    export = Path(__file__).parent / "fixtures" / "openalex_works.jsonl"
    assert main(["count", str(export), "--json"]) == 0
    count_keys = set(json.loads(capsys.readouterr().out))
    got = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--series", "sharifi")
    assert count_keys <= set(got) and got["duplicates_removed"] == 0
    assert set(got["files"][0]) == {"path", "format", "records"}


def test_the_series_file_is_dated_checksummed_and_says_where_it_comes_from(tmp_path, capsys):
    write_snapshot(tmp_path / "s3")
    manifest = tmp_path / "s3/data/jsonl/manifest.json"
    manifest.write_text(json.dumps({"entries": [
        {"url": "s3://openalex/data/jsonl/works/updated_date=2026-06-24/part_0000.gz",
         "meta": {"content_length": 1, "record_count": 40}}]}))
    got = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--series", "sharifi")
    target = Path(got["series_file"])
    assert target.parent == tmp_path / "out" and target.name.startswith(
        "openalex-snapshot_sharifi_1991-2021_20")
    digest, name = target.with_name(target.name + ".sha256").read_text().split()
    assert name == target.name and digest == hashlib.sha256(target.read_bytes()).hexdigest()
    series = json.loads(target.read_text())
    assert series["counts"] == got["per_year"] and series["records_read"] == 240
    assert series["snapshot"]["newest_partition"] == "2026-06-24"
    assert series["snapshot"]["manifest"]["works_record_count"] == 40
    assert series["snapshot"]["manifest"]["path"] == "data/jsonl/manifest.json"
    assert [f["path"] for f in series["files"]][:2] == [
        "updated_date=2025-11-03/part_0000.gz", "updated_date=2025-11-03/part_0001.gz"]
    assert all(f["bytes"] > 0 and f["records"] == 40 for f in series["files"])
    assert series["engine"]["name"] == "duckdb" and series["engine"]["version"]
    assert series["engine"]["memory_limit"] == "2GB" and series["wall_seconds"] > 0
    assert series["rule"]["title_regex"] == list(SHARIFI)
    assert "not the Web of Science figure" in series["label"]
    assert not list((tmp_path / "out").glob("state-*"))  # done: nothing left to resume


class Interrupted(Exception):
    pass


def test_an_interrupted_run_restarts_from_the_files_already_done(tmp_path, capsys, monkeypatch):
    parts = write_snapshot(tmp_path / "s3")
    seen: list[list[str]] = []
    fail_at = [3]
    real = run.make_engine

    def failing_engine(*args, **kwargs):
        engine = real(*args, **kwargs)
        count = engine.count

        def counted(files):
            seen.append([f.name for f in files])
            if len(seen) == fail_at[0]:
                raise Interrupted
            return count(files)

        engine.count = counted
        return engine

    monkeypatch.setattr(run, "make_engine", failing_engine)
    options = ["--series", "sharifi", "--batch-files", "1"]
    with pytest.raises(Interrupted):
        main(["snapshot", str(tmp_path / "s3"), "--out", str(tmp_path / "out"), *options])
    (state,) = (tmp_path / "out").glob("state-*.json")
    assert len(json.loads(state.read_text())["files"]) == 2
    seen.clear()
    fail_at[0] = 0
    got = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", *options)
    assert len(seen) == 4  # the 2 files done before the interruption are not read again
    assert counts_of(got) == expected(parts, SHARIFI, ("article", "review"), 1991, 2021)
    series = json.loads(Path(got["series_file"]).read_text())
    assert series["resumed_files"] == 2 and series["wall_seconds"] > 0


def test_progress_shows_files_done_rate_and_time_left(tmp_path, capsys):
    write_snapshot(tmp_path / "s3")
    assert main(["snapshot", str(tmp_path / "s3"), "--out", str(tmp_path / "out"),
                 "--series", "sharifi", "--batch-files", "2"]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("snapshot: 2/6 files, 80 records (")
    assert lines[-1].startswith("snapshot: 6/6 files, 240 records")
    assert all("records/s" not in ln and "/s, " in ln and "MB/s" in ln and "left" in ln
               for ln in lines)


def test_a_year_outside_1000_2100_is_counted_outside_the_range(tmp_path, capsys):
    part = [{"title": "Smart city", "publication_year": year, "type": "article"}
            for year in (2019, 2019, 9999, 0)]
    folder = tmp_path / "works/updated_date=2026-01-01"
    folder.mkdir(parents=True)
    write_jsonl(folder / "part_0000.gz", part)
    got = snapshot_json(capsys, tmp_path / "works", tmp_path / "out", "--title-regex", "smart")
    assert got["per_year"] == {"2019": 2} and got["outside_range"] == 2


# --- bad input: one located line on stderr, exit 1 ------------------------------------------


def error_of(capsys, root: Path, tmp_path: Path, *options: str) -> str:
    status = main(["snapshot", str(root), "--out", str(tmp_path / "out"),
                   "--title-regex", "smart", "--no-progress", *options])
    err = capsys.readouterr().err.strip()
    assert status == 1 and len(err.splitlines()) == 1 and err.startswith("error: "), err
    return err


def test_a_truncated_gzip_is_named_with_its_file(tmp_path, capsys):
    write_snapshot(tmp_path / "s3")
    part = tmp_path / "s3/data/jsonl/works/updated_date=2026-02-17/part_0001.gz"
    part.write_bytes(part.read_bytes()[:300])
    err = error_of(capsys, tmp_path / "s3", tmp_path)
    assert f"{part}: truncated or corrupt gzip" in err


def test_a_malformed_json_line_is_named_with_its_file_and_line(tmp_path, capsys):
    write_snapshot(tmp_path / "s3")
    part = tmp_path / "s3/data/jsonl/works/updated_date=2026-06-24/part_0000.gz"
    lines = gzip.decompress(part.read_bytes()).decode().splitlines()
    lines[6] = lines[6][:-10]
    part.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    err = error_of(capsys, tmp_path / "s3", tmp_path)
    assert f"{part}, row 7: malformed JSON line" in err


def test_a_year_that_is_not_a_number_is_named_with_its_line(tmp_path, capsys):
    folder = tmp_path / "works/updated_date=2026-01-01"
    folder.mkdir(parents=True)
    write_jsonl(folder / "part_0000.gz", [{"title": "a", "publication_year": 2019},
                                          {"title": "b", "publication_year": "soon"}])
    err = error_of(capsys, tmp_path / "works", tmp_path)
    assert "part_0000.gz, row 2, column 'publication_year': 'soon' is not a year" in err


def test_a_parquet_file_without_a_column_is_named_with_the_column(tmp_path, capsys):
    parts = write_snapshot(tmp_path / "s3", "2026", ("parquet",))
    part = tmp_path / "s3/data/parquet/works/updated_date=2026-02-17/part_0000.parquet"
    write_parquet(part, parts[2], drop="publication_year")
    err = error_of(capsys, tmp_path / "s3", tmp_path)
    assert f"{part}, column 'publication_year': column missing" in err


def test_an_empty_root_is_not_a_snapshot(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    err = error_of(capsys, tmp_path / "empty", tmp_path)
    assert f"{tmp_path / 'empty'}: not an OpenAlex snapshot" in err


def test_a_works_folder_without_part_files_is_refused(tmp_path, capsys):
    (tmp_path / "s3/data/jsonl/works/updated_date=2026-01-01").mkdir(parents=True)
    err = error_of(capsys, tmp_path / "s3", tmp_path)
    assert "no part_NNNN.gz files in its 1 updated_date=… folders" in err


@pytest.mark.parametrize("make", ["file", "missing", "other-folder"])
def test_a_path_that_is_not_a_snapshot_is_refused(tmp_path, capsys, make):
    path = tmp_path / "thing"
    if make == "file":
        path.write_text("not a snapshot")
    elif make == "other-folder":
        (path / "data/authors").mkdir(parents=True)
    err = error_of(capsys, path, tmp_path)
    assert f"error: {path}: " in err


def test_a_pattern_the_engines_would_read_differently_is_refused(tmp_path, capsys):
    write_snapshot(tmp_path / "s3")
    status = main(["snapshot", str(tmp_path / "s3"), "--title-regex", r"smart\scity"])
    assert status == 1 and "'\\\\s'" in capsys.readouterr().err


def test_duckdb_agrees_with_the_python_openalex_jsonl_reader(tmp_path, capsys):
    """The importer reads plain JSON Lines: decompress each part and count its records."""
    import re

    from analysis.literature.formats.openalex_works import iter_openalex_jsonl

    write_snapshot(tmp_path / "s3")
    per_year: dict[int | None, int] = {}
    for part in sorted((tmp_path / "s3/data/jsonl/works").glob("*/part_*.gz")):
        plain = tmp_path / "plain" / f"{part.parent.name}-{part.stem}.jsonl"
        plain.parent.mkdir(exist_ok=True)
        plain.write_bytes(gzip.decompress(part.read_bytes()))
        for record in iter_openalex_jsonl(plain):
            if all(re.search(p, record.title, re.I) for p in SHARIFI) and (
                    (record.document_type or "").lower() in ("article", "review")):
                per_year[record.year] = per_year.get(record.year, 0) + 1
    got = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--series", "sharifi")
    assert got["without_year"] == per_year.pop(None)
    assert {int(y): n for y, n in got["per_year"].items() if n} == {
        y: n for y, n in per_year.items() if 1991 <= y <= 2021}


def test_pyspark_is_an_extra_pinned_with_hashes_outside_the_default_lock():
    from analysis.paths import PROCESS

    default = PROCESS.lock.read_text()
    extra = (PROCESS.root / "requirements-spark.lock").read_text()
    assert "\nduckdb==" in default and "pyspark==" not in default and "py4j==" not in default
    assert "\npyspark==" in extra and extra.count("--hash=sha256:") >= 2


# --- notebook 01 picks the series file up ------------------------------------------------------


def test_a_series_file_loads_as_an_independent_snapshot_series(tmp_path, capsys, monkeypatch):
    from analysis.literature import series as series_mod
    from analysis.paths import PROCESS

    parts = write_snapshot(tmp_path / "s3")
    monkeypatch.setenv("ANALYSIS_BUILD_DIR", str(tmp_path / "build"))  # the CLI's edge
    paths = PROCESS.replace(build=tmp_path / "build", data=tmp_path / "data")
    assert main(["snapshot", str(tmp_path / "s3"), "--series", "allam", "--no-progress"]) == 0
    capsys.readouterr()
    # written to build/, not yet kept in data/
    assert series_mod.snapshot_series_files(paths=paths) == []
    kept = paths.literature / "openalex-snapshot"
    kept.mkdir(parents=True)
    for written in (tmp_path / "build" / "snapshot").glob("openalex-snapshot_*"):
        shutil.copy2(written, kept / written.name)
    files = series_mod.snapshot_series_files(paths=paths)
    assert [f.parent for f in files] == [kept]
    chosen = series_mod.select(["openalex-snapshot"], paths=paths)
    assert len(chosen) == 1
    got = chosen[0]
    truth = expected(parts, ALLAM, ("article", "review"), 1978, 2022)
    assert got.key == "openalex-snapshot:allam" and got.no_year == truth["without_year"]
    assert dict(zip(got.counts["year"].astype(str), got.counts["records"], strict=True)) == (
        truth["per_year"])
    assert got.window == (1978, 2022)  # the newest partition is 2026-06-24: 2022 is complete
    assert "OpenAlex snapshot" in got.title["en"] and "not the Web of Science" in got.origin["en"]
    assert "Instantané OpenAlex" in got.title["fr"] and "(titre), article, review" in (
        got.origin["fr"])
    # every language of the catalogue names the series: an Arabic run plots it too
    from analysis import i18n

    for lang in i18n.languages():
        assert "allam" in got.title[lang] and "Sharifi et al. 2021" in got.origin[lang], lang
    assert "لقطة" in got.title["ar"] and "(العنوان)" in got.origin["ar"]


def test_a_series_file_changed_after_it_was_written_is_refused(tmp_path, capsys):
    from analysis.errors import DataError
    from analysis.literature import series as series_mod

    write_snapshot(tmp_path / "s3")
    target = Path(snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--series",
                                "sharifi")["series_file"])
    target.write_text(target.read_text().replace('"counted": ', '"counted": 1'))
    with pytest.raises(DataError, match=r"sha256 does not match .*\.json\.sha256"):
        series_mod.snapshot_series(target)
    target.with_name(target.name + ".sha256").unlink()
    with pytest.raises(DataError, match="no checksum file"):
        series_mod.snapshot_series(target)


def test_the_last_years_before_the_newest_partition_are_marked_incomplete(tmp_path, capsys):
    from analysis.literature import series as series_mod

    write_snapshot(tmp_path / "s3")
    target = snapshot_json(capsys, tmp_path / "s3", tmp_path / "out", "--title-regex", "smart",
                           "--from", "2015", "--to", "2030")["series_file"]
    got = series_mod.snapshot_series(Path(target))
    assert got.window == (2015, 2025)
    assert not got.counts.set_index("year").loc[2026, "in_search_window"]


def test_spark_without_pyspark_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    import sys

    write_snapshot(tmp_path / "s3")
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now fails
    err = error_of(capsys, tmp_path / "s3", tmp_path, "--engine", "spark")
    assert "--engine spark needs pyspark" in err and "make spark" in err


def test_a_relative_root_is_counted_like_an_absolute_one(tmp_path, capsys, monkeypatch):
    parts = write_snapshot(tmp_path / "s3")
    monkeypatch.chdir(tmp_path)
    got = snapshot_json(capsys, Path("s3"), tmp_path / "out", "--series", "sharifi")
    assert counts_of(got) == expected(parts, SHARIFI, ("article", "review"), 1991, 2021)


def test_spark_file_uris_are_compared_as_plain_paths():
    from analysis.literature.snapshot.counts import normal_path

    assert normal_path("file:///a%20b/updated_date=2026-06-24/part_0000.gz") == (
        "/a b/updated_date=2026-06-24/part_0000.gz")
    assert normal_path("file:/a/part_0000.gz") == "/a/part_0000.gz"
    assert normal_path("/a/part_0000.gz") == "/a/part_0000.gz"
