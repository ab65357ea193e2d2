"""Bad input gets a clear error: which file, which line, which field, and what was expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from export_fixtures import FIXTURES

from analysis.literature import (
    NoYearFieldError,
    RecordFormatError,
    detect_format,
    iter_records,
    read_records,
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


WOS_RECORD = "PT J\nTI A title\nPY 2019\nER\n"


@pytest.mark.parametrize(
    ("name", "text", "fields"),
    [
        ("no_year.csv", "Title,DOI,Source\nA,10.1/x,Scopus\n", ["Title", "DOI", "Source"]),
        ("no_year.bib", "@article{a, title={T}, journal={J}}\n", ["journal", "title"]),
        ("no_year.txt", "FN Clarivate\nVR 1.0\nPT J\nTI T\nSO J\nER\nEF\n",
         ["PT", "SO", "TI"]),
        ("no_year.ris", "TY  - JOUR\nTI  - T\nER  - \n", ["TI", "TY"]),
        ("no_year.jsonl", '{"id": "W1", "title": "T"}\n', ["id", "title"]),
    ],
)
def test_no_year_field_lists_the_fields_found(tmp_path, name, text, fields):
    path = write(tmp_path, name, text)
    with pytest.raises(NoYearFieldError) as caught:
        read_records(path)
    assert caught.value.fields == fields
    assert str(path) in str(caught.value) and "expected one of" in str(caught.value)


def test_xlsx_without_year_column_lists_its_columns(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["ID", "Autor", "Titel"])
    workbook.active.append([1, "A", "T"])
    workbook.save(tmp_path / "no_year.xlsx")
    with pytest.raises(NoYearFieldError, match="ID, Autor, Titel"):
        read_records(tmp_path / "no_year.xlsx")


@pytest.mark.parametrize(
    ("name", "text", "located"),
    [
        ("unclosed.txt", "FN x\nVR 1.0\n" + WOS_RECORD + "PT J\nTI B\nPY 2020\n",
         r"unclosed.txt, row 7: record never ends"),
        ("garbage.txt", "FN x\nVR 1.0\nPT J\nTI A\nnot a tag line\nER\n",
         r"garbage.txt, row 5: unexpected line 'not a tag line'"),
        ("missing_er.ris", "TY  - JOUR\nPY  - 2019\nTY  - JOUR\nPY  - 2020\nER  - \n",
         r"missing_er.ris, row 3: new record starts before the record of line 1 ended"),
        ("bad_year.ris", "TY  - JOUR\nPY  - 2019\nER  - \nTY  - JOUR\nPY  - n.d.\nER  - \n",
         r"bad_year.ris, row 4, column 'PY': 'n.d.' holds no year"),
        ("wide.csv", "Title,Year\nA,2019\nB,2020,extra\n", r"wide.csv, row 3: row has 3 cells"),
        ("quote.csv", 'Title,Year\n"A "x" b",2019\n', r"quote.csv, row 2: malformed CSV"),
        ("bad.jsonl", '{"publication_year": 2019}\n{"publication_year": \n',
         r"bad.jsonl, row 2: malformed JSON line"),
        ("bad_year.csv", "Title,Year\nA,2019\nB,forthcoming\n",
         r"bad_year.csv, row 3, column 'Year': 'forthcoming' holds no year"),
    ],
)
def test_malformed_records_are_located(tmp_path, name, text, located):
    path = write(tmp_path, name, text)
    with pytest.raises(RecordFormatError, match=located):
        read_records(path)


@pytest.mark.parametrize("engine", ["full", "fast"])
def test_unbalanced_bibtex_entry_is_located(tmp_path, engine):
    path = write(tmp_path, "broken.bib",
                 "@article{a, title={ok}, year={2018}}\n\n@article{b,\n title={broken,\n"
                 " year={2019}\n}\n@article{c, title={fine}, year={2020}}\n")
    with pytest.raises(RecordFormatError, match=r"broken.bib, row 3: .*(not closed|malformed)"):
        read_records(path, bibtex_engine=engine)


def test_duplicate_bibtex_field_is_an_error(tmp_path):
    path = write(tmp_path, "dup.bib", "@article{a,\n title={x},\n year={2019},\n year={2020}\n}\n")
    with pytest.raises(RecordFormatError, match=r"dup.bib, row 4: .*'year' appears twice"):
        read_records(path, bibtex_engine="fast")


def test_records_before_an_error_stream_out_first(tmp_path, monkeypatch):
    """Readers stream: records of earlier blocks come out before a later error is found."""
    from analysis.literature.formats import tagged

    monkeypatch.setattr(tagged, "BLOCK_CHARS", 16)
    path = write(tmp_path, "late.txt", "FN x\n" + WOS_RECORD * 2 + "PT J\nbad line\nER\n")
    stream = iter_records(path)
    assert [next(stream).year, next(stream).year] == [2019, 2019]
    with pytest.raises(RecordFormatError, match="row 11: unexpected line"):
        next(stream)


def test_utf16_tab_delimited_export_reads_like_utf8(tmp_path):
    text = (FIXTURES / "wos_tab.txt").read_text(encoding="utf-8-sig")
    path = write(tmp_path, "utf16.txt", "\ufeff" + text, encoding="utf-16-le")
    assert detect_format(path) == "wos-tab"
    assert read_records(path) == read_records(FIXTURES / "wos_tab.txt")


@pytest.mark.parametrize(
    ("name", "content"),
    [("latin1.ris", b"TY  - JOUR\nTI  - Caf\xe9\nPY  - 2019\nER  - \n"),
     ("latin1.csv", b"Title,Year\nCaf\xe9,2019\n"),
     ("latin1.bib", b"@article{a, title={Caf\xe9}, year={2019}}\n")],
)
def test_invalid_utf8_is_located(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RecordFormatError, match=rf"{name}, row \d+ \(approximately\): .*UTF-8"):
        read_records(path)


def test_bom_and_renamed_files_are_detected_from_content(tmp_path):
    ris = write(tmp_path, "export.bib", "\ufeff\n\nTY  - JOUR\nPY  - 2019\nER  - \n")
    assert detect_format(ris) == "ris"
    csv_named_txt = shutil.copy(FIXTURES / "scopus_en.csv", tmp_path / "savedrecs.txt")
    assert detect_format(csv_named_txt) == "csv"
    xlsx_named_csv = shutil.copy(FIXTURES / "citavi_sample.xlsx", tmp_path / "export.csv")
    assert detect_format(xlsx_named_csv) == "xlsx"
    assert read_records(xlsx_named_csv) == read_records(FIXTURES / "citavi_sample.xlsx")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "not a readable .xls workbook"),
        (b"Just some notes\nwithout structure\n", "unrecognised export format"),
    ],
)
def test_unrecognised_content(tmp_path, content, message):
    path = tmp_path / "file.dat"
    path.write_bytes(content)
    with pytest.raises(RecordFormatError, match=message):
        read_records(path)


def test_explicit_format_and_unknown_format(tmp_path):
    assert len(read_records(FIXTURES / "ris.ris", format="ris")) == 4
    assert len(read_records(FIXTURES / "wos.bib", format="wos-bibtex")) == 2
    with pytest.raises(RecordFormatError, match="unknown format 'endnote'"):
        read_records(FIXTURES / "ris.ris", format="endnote")
    with pytest.raises(RecordFormatError, match="no such file"):
        read_records(tmp_path / "missing.ris")


def test_tagged_records_split_across_read_blocks(tmp_path, monkeypatch):
    """Records cut at every possible block boundary read the same as in one block."""
    from analysis.literature.formats import tagged

    text = (FIXTURES / "wos_plain.txt").read_text(encoding="utf-8-sig")
    path = write(tmp_path, "wos.txt", text)
    expected = read_records(path)
    for size in (1, 2, 3, 7, 64):
        monkeypatch.setattr(tagged, "BLOCK_CHARS", size)
        assert read_records(path) == expected


def test_line_that_only_starts_like_er_is_not_an_end(tmp_path):
    text = "PT J\nTI T\nPY 2019\nER\n\nPT J\nTI U\nERX odd line\nPY 2020\nER\n"
    with pytest.raises(RecordFormatError, match=r"erx.txt, row 8: unexpected line 'ERX odd line'"):
        read_records(write(tmp_path, "erx.txt", text))


def test_bibtex_entries_split_across_read_blocks(tmp_path, monkeypatch):
    """The fast BibTeX engine cuts entries the same way at every block size."""
    from analysis.literature.formats import bibtex

    expected = read_records(FIXTURES / "macros.bib", bibtex_engine="fast")
    for size in (1, 2, 5, 13, 64):
        monkeypatch.setattr(bibtex, "BLOCK_CHARS", size)
        assert read_records(FIXTURES / "macros.bib", bibtex_engine="fast") == expected
