"""Bad, cut-off and unusual exports: a located one-line error or the right records, never a
silent undercount or a traceback. Fixtures are made here (small, in each export's real layout)
or cut from the real exports in ../shared."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from export_fixtures import FIXTURES, SCOPUS_BIB, needs_shared

from analysis.literature import (
    NoYearFieldError,
    RecordFormatError,
    count_per_year,
    deduplicate,
    detect_format,
    read_records,
)
from analysis.literature.__main__ import main
from analysis.literature.formats import tabular

ENGINES = ["full", "fast"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def entry_starts(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"^@", text, flags=re.MULTILINE)]


# --- BibTeX cut mid-entry ----------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("engine", ENGINES)
def test_a_bibtex_export_cut_inside_an_entry_type_is_located(tmp_path, engine):
    text = SCOPUS_BIB.read_text(encoding="utf-8")
    fifth = entry_starts(text)[4]
    path = write(tmp_path, "cut.bib", text[: fifth + len("@ARTICL")])
    line = text.count("\n", 0, fifth) + 1
    with pytest.raises(RecordFormatError, match=rf"cut.bib, row {line}: '@ARTICL' starts no"):
        read_records(path, bibtex_engine=engine)


@needs_shared
@pytest.mark.parametrize("engine", ENGINES)
def test_a_bibtex_entry_missing_its_closing_brace_is_located(tmp_path, engine):
    text = SCOPUS_BIB.read_text(encoding="utf-8")
    starts = entry_starts(text)
    last = text[: starts[4]].rstrip()
    assert last.endswith("}")
    path = write(tmp_path, "open.bib", last[:-1] + "\n")
    line = text.count("\n", 0, starts[3]) + 1
    with pytest.raises(RecordFormatError, match=rf"open.bib, row {line}: "):
        read_records(path, bibtex_engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_entry_that_lost_its_at_sign_is_not_silently_dropped(tmp_path, engine):
    path = write(tmp_path, "lost.bib", "@article{a, title={A}, year={2019}}\n\n"
                 "article{b, title={B}, year={2020}}\n")
    with pytest.raises(RecordFormatError, match=r"lost.bib, row 3: text outside any entry"):
        read_records(path, bibtex_engine=engine)


# WoS wraps long lines anywhere, here between "\" and "}" of an escaped brace: BibTeX counts
# "\{" as a brace (as the streaming engine does), bibtexparser does not.
WRAPPED = ("@article{ WOS:000000000000201,\nTitle = {{Smart cities \\{and\\\n} governance}},\n"
           "Year = {{2019}},\nUnique-ID = {{WOS:000000000000201}},\n}\n\n"
           "@article{ WOS:000000000000202,\nTitle = {{Second}},\nYear = {{2020}},\n}\n")


def test_bibtexparser_rejecting_what_streaming_reads_falls_back_with_a_note(tmp_path, capsys):
    path = write(tmp_path, "wrapped.bib", WRAPPED)
    with pytest.raises(RecordFormatError) as rejected:
        read_records(path, bibtex_engine="full")
    assert "\n" not in str(rejected.value) and "wrapped.bib, row 3" in str(rejected.value)
    assert capsys.readouterr().err == ""  # bibtexparser's own multi-line report is silenced
    records = read_records(path)
    assert [r.year for r in records] == [2019, 2020]
    assert records[0].accession == "WOS:000000000000201"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"note: {path}, row 3: ")
    assert "streaming BibTeX engine" in err


# --- DOIs, accession numbers ------------------------------------------------------------------

WOS_PLAIN = ("FN Clarivate Analytics Web of Science\nVR 1.0\n"
             "PT J\nTI Grey systems paper\nPY 2021\nDI 10.1162/GREY_A_00389\n"
             "UT WOS:000000000000301\nER\n\nEF\n")
WOS_BIB = ("@article{ WOS:000000000000301,\nTitle = {{Grey systems paper}},\nYear = {{2021}},\n"
           "DOI = {{10.1162/grey\\_a\\_00389}},\nUnique-ID = {{WOS:000000000000301}},\n}\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_one_wos_paper_as_plain_text_and_as_bibtex_is_one_record(tmp_path, engine):
    plain = read_records(write(tmp_path, "savedrecs.txt", WOS_PLAIN))
    bib = read_records(write(tmp_path, "savedrecs.bib", WOS_BIB), bibtex_engine=engine)
    assert bib[0].doi == plain[0].doi == "10.1162/grey_a_00389"
    assert len(list(deduplicate(plain + bib))) == 1


def test_wos_records_sharing_a_doi_with_different_ut_are_both_counted(tmp_path):
    text = WOS_PLAIN.replace("ER\n\nEF\n", "ER\n\n") + (
        "PT J\nTI Another paper with the same DOI\nPY 2021\nDI 10.1162/grey_a_00389\n"
        "UT WOS:000000000000302\nER\n\nEF\n")
    records = read_records(write(tmp_path, "same_doi.txt", text))
    assert [r.accession for r in records] == ["WOS:000000000000301", "WOS:000000000000302"]
    assert len(list(deduplicate(records))) == 2
    assert len(list(deduplicate(records + records))) == 2  # the same export twice still merges


# --- CSV: duplicate headers, BOM, separators, Dimensions ------------------------------------------


def test_a_header_naming_a_column_twice_is_refused_with_file_row_and_column(tmp_path):
    path = write(tmp_path, "twice.csv", "Title,Year,DOI,Year\nA,2019,,2020\n")
    with pytest.raises(RecordFormatError, match=r"twice.csv, row 1, column 'Year': .*twice"):
        read_records(path)


def test_a_header_naming_a_column_twice_in_excel_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Titel", "Jahr", "Jahr"])
    workbook.active.append(["A", 2019, 2020])
    workbook.save(tmp_path / "twice.xlsx")
    with pytest.raises(RecordFormatError, match=r"twice.xlsx, row 1, column 'Jahr'"):
        read_records(tmp_path / "twice.xlsx")


def test_excel_bom_is_invisible_in_csv_and_xlsx_headers(tmp_path):
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbfYear,Title\n2019,A\n")
    assert [r.year for r in read_records(csv_path)] == [2019]
    workbook = openpyxl.Workbook()
    workbook.active.append(["\ufeffYear", "Title"])
    workbook.active.append([2020, "B"])
    workbook.save(tmp_path / "bom.xlsx")
    assert [r.year for r in read_records(tmp_path / "bom.xlsx")] == [2020]


def test_a_semicolon_file_is_read_by_its_separator_even_with_commas_in_the_header(tmp_path):
    path = write(tmp_path, "fr.csv", "Titre, sous-titre;Année;DOI\n\"Villes, données\";2019;\n")
    assert [r.year for r in read_records(path)] == [2019]


def test_a_wrong_separator_is_named_in_one_line(tmp_path, capsys):
    path = write(tmp_path, "semi.txt", "PT;AU;TI;PY;UT\nJ;A;Title;2019;WOS:1\n")
    assert main(["count", "--format", "wos-tab", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "semi.txt, row 1: " in err and "separated by semicolons" in err


DIMENSIONS_HEADER = ('"Rank","Publication ID","DOI","PMID","PMCID","Title","Abstract",'
                     '"Source title","Publication Date","PubYear","Publication Type","Authors"')
DIMENSIONS_PREAMBLE = ('"About the data: Exported on Sep 30, 2026. Criteria: \'smart city\' in '
                       'title and abstract; Publication Year is 2019 or 2020; '
                       + "Research Categories is 33 Built Environment and Design; " * 12
                       + '© 2026 Digital Science & Research Solutions Inc."')


def dimensions_csv(tmp_path: Path, rows: list[str]) -> Path:
    return write(tmp_path, "Dimensions-Publication-2026-09-30.csv",
                 "\ufeff" + "\r\n".join([DIMENSIONS_PREAMBLE, DIMENSIONS_HEADER, *rows]) + "\r\n")


def test_dimensions_csv_is_detected_and_read_after_its_preamble(tmp_path):
    path = dimensions_csv(tmp_path, [
        '"1","pub.1000000001","10.1234/dim1","","","Smart cities one","An abstract.",'
        '"Journal of Tests","2020-03-01","2020","Article","Meyer, A"',
        '"2","pub.1000000002","","","","Smart cities two","","Journal of Tests","2019","2019",'
        '"Article","Smith, J"',
    ])
    assert detect_format(path) == "dimensions-csv"
    records = read_records(path)
    assert [(r.year, r.accession, r.source_database) for r in records] == [
        (2020, "pub.1000000001", "Dimensions"), (2019, "pub.1000000002", "Dimensions")]
    assert records[0].doi == "10.1234/dim1"


def test_dimensions_errors_count_the_preamble_line_and_never_dump_it(tmp_path):
    path = dimensions_csv(tmp_path, ['"1","pub.1","","","","T","","J","2020","soon","A","B"'])
    with pytest.raises(RecordFormatError, match=r"row 3, column 'PubYear': 'soon'"):
        read_records(path)
    with pytest.raises(NoYearFieldError) as caught:  # read as plain CSV: the preamble is the header
        read_records(path, format="csv")
    assert len(DIMENSIONS_PREAMBLE) > 700 and len(str(caught.value)) < 600
    assert "About the data" in str(caught.value)


def test_a_csv_cut_in_its_last_row_is_an_error_not_half_a_record(tmp_path):
    path = write(tmp_path, "cut.csv", "Title,Year,DOI\nA,2019,10.1/a\nB,2020,10.1/b")
    with pytest.raises(RecordFormatError, match=r"cut.csv, row 3: the last row does not end"):
        read_records(path)
    quoted = write(tmp_path, "quoted.csv", '"Title","Year"\n"A","2019"')
    assert len(read_records(quoted)) == 1  # a closing quote ends the row


# --- PubMed / MEDLINE -------------------------------------------------------------------------

NBIB = """PMID- 31978945
OWN - NLM
DP  - 2020 Feb 20
TI  - A Novel Coronavirus from Patients with Pneumonia in China, 2019.
LID - 10.1056/NEJMoa2001017 [doi]
CIN - N Engl J Med. 2020;382(8):760-762. doi: 10.1056/NEJMe2001126. PMID:
      31978944
AB  - In December 2019, a cluster of patients with pneumonia of unknown cause was
      linked to a seafood wholesale market.
PT  - Journal Article
AID - NJ202002203820808 [pii]
AID - 10.1056/NEJMoa2001017 [doi]
SO  - N Engl J Med. 2020 Feb 20;382(8):727-733. doi: 10.1056/NEJMoa2001017.

PMID- 22668778
DP  - 2012 Sep
TI  - LRRK2 kinase activity mediates toxic interactions between genetic mutation
      and oxidative stress in a Drosophila model: suppression by curcumin.
LID - 10.1016/j.nbd.2012.05.020 [doi]
SO  - Neurobiol Dis. 2012 Sep;47(3):385-92. doi: 10.1016/j.nbd.2012.05.020.
"""


def test_pubmed_nbib_is_detected_and_read_with_its_own_doi(tmp_path):
    path = write(tmp_path, "pubmed-export.nbib", NBIB)
    assert detect_format(path) == "nbib"
    first, second = read_records(path)
    assert (first.year, first.doi, first.accession) == (2020, "10.1056/nejmoa2001017", "31978945")
    assert first.abstract.endswith("seafood wholesale market.")  # continuation line
    assert second.title.endswith("suppression by curcumin.")
    assert second.source_database == "PubMed" and second.year == 2012
    assert first.document_type == "Journal Article"


@pytest.mark.parametrize(
    ("text", "located"),
    [(NBIB[: NBIB.index("LID - 10.1016")], r"row 15: the last record ends without its comp"),
     (NBIB.rstrip("\n"), r"row 15: the last record ends without its comp"),
     (NBIB.replace("\nPMID- 22668778", "PMID- 22668778"), r"row 14: unexpected line 'PMID- 2266"),
     (NBIB.replace("OWN - NLM", "OWN : NLM"), r"row 2: unexpected line 'OWN : NLM'")],
)
def test_a_cut_or_damaged_nbib_is_located(tmp_path, text, located):
    with pytest.raises(RecordFormatError, match=located):
        read_records(write(tmp_path, "bad.nbib", text))


# --- legacy Excel (.xls) ------------------------------------------------------------------------

WOS_XLS_HEADER = ["Publication Type", "Authors", "Article Title", "Source Title",
                  "Publication Year", "DOI", "UT (Unique WOS ID)"]


def write_xls(path: Path, rows: list[list[object]]) -> Path:
    """A real BIFF8 workbook, written by xlwt (test-only dependency), as WoS's Excel export."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("savedrecs")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def test_wos_legacy_xls_is_detected_and_read(tmp_path):
    path = write_xls(tmp_path / "savedrecs.xls", [
        WOS_XLS_HEADER,
        ["J", "Muster, A", "Smart city one", "J URBAN", 2019, "10.9999/xls.1",
         "WOS:000000000000401"],
        ["J", "Beispiel, B", "Smart city two", "J URBAN", 2021, "", "WOS:000000000000402"],
    ])
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert detect_format(path) == "xls"
    records = read_records(path)
    assert [(r.year, r.doi, r.accession) for r in records] == [
        (2019, "10.9999/xls.1", "WOS:000000000000401"), (2021, None, "WOS:000000000000402")]
    assert {r.source_database for r in records} == {"Web of Science"}


def test_a_damaged_xls_is_one_located_line(tmp_path):
    row = ["J", "A", "T", "S", 2019, "", ""]
    path = write_xls(tmp_path / "savedrecs.xls", [WOS_XLS_HEADER, row])
    path.write_bytes(path.read_bytes()[:1500])
    with pytest.raises(RecordFormatError, match=r"savedrecs.xls: not a readable .xls"):
        read_records(path)


# --- OpenAlex JSON: wrong types, depth -----------------------------------------------------------


@pytest.mark.parametrize("inverted", [{"city": 3}, ["city"], {"city": ["0"]}, "city"])
def test_openalex_abstract_of_the_wrong_type_is_located(tmp_path, inverted):
    work = {"id": "https://openalex.org/W1", "publication_year": 2020,
            "abstract_inverted_index": inverted}
    path = write(tmp_path, "works.jsonl", json.dumps(work) + "\n")
    with pytest.raises(RecordFormatError, match=r"works.jsonl, line 1: abstract_inverted_index"):
        read_records(path)


def test_openalex_topics_of_the_wrong_type_do_not_matter(tmp_path):
    work = {"id": "https://openalex.org/W1", "publication_year": 2020, "title": ["not text"],
            "topics": [{"field": "Social Sciences"}, 3]}
    (record,) = read_records(write(tmp_path, "works.json", json.dumps([work])))
    assert (record.year, record.accession, record.title) == (2020, "W1", "")


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_deeply_nested_json_is_refused_by_a_depth_limit(tmp_path, name):
    path = write(tmp_path, name, '{"results": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(RecordFormatError, match=rf"{name}.*nested more than 64 levels"):
        read_records(path, format="openalex-jsonl" if name.endswith("l") else "openalex-json")


# --- workbooks too large to open -----------------------------------------------------------------


def test_an_xlsx_zip_bomb_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "bomb.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Year"])
    workbook.save(path)
    chunk = b"<x/>" * (1 << 18)  # 1 MiB of XML, compressed about 1000-fold
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/sharedStrings2.xml", "w", force_zip64=True) as member:
        for _ in range(tabular.MAX_WORKBOOK_BYTES // len(chunk) + 1):
            member.write(chunk)
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(RecordFormatError, match=r"bomb.xlsx: workbook expands to 257 MiB"):
        read_records(path)


def test_a_damaged_xlsx_member_is_one_located_line(tmp_path):
    workbook = openpyxl.Workbook()
    for year in range(2000, 2400):
        workbook.active.append([f"Title {year}", year % 100 + 2000])
    workbook.active.insert_rows(1)
    workbook.active["A1"], workbook.active["B1"] = "Title", "Year"
    workbook.save(tmp_path / "ok.xlsx")
    data = bytearray((tmp_path / "ok.xlsx").read_bytes())
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0xFF
    (tmp_path / "bad.xlsx").write_bytes(bytes(data))
    with pytest.raises(RecordFormatError, match=r"bad.xlsx(, row \d+)?: (damaged|not a readable)"):
        read_records(tmp_path / "bad.xlsx")


# --- the command line -------------------------------------------------------------------------


def test_a_directory_given_as_a_file_is_one_line(tmp_path, capsys):
    assert main(["count", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path}: is a directory, not an export file\n"


def test_detect_reports_every_file_and_the_unreadable_ones_as_errors(tmp_path, capsys):
    empty = write(tmp_path, "empty.csv", "")
    files = [FIXTURES / "ris.ris", empty, tmp_path, FIXTURES / "wos_plain.txt"]
    assert main(["detect", *map(str, files)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"{FIXTURES / 'ris.ris'}\tris",
                                f"{FIXTURES / 'wos_plain.txt'}\twos-tagged"]
    assert err.splitlines() == [f"error: {empty}: empty file (no records)",
                                f"error: {tmp_path}: is a directory, not an export file"]


def test_count_into_a_closed_pipe_exits_quietly():
    """``count FILE | head -1``: the reader is gone before the report is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis.literature", "count", "--from", "1000", "--to", "2100",
         str(FIXTURES / "wos_plain.txt")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like head after its first line, but before anything is written
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert err == ""


def test_count_piped_into_head_prints_one_line_and_no_traceback():
    done = subprocess.run(
        f"{sys.executable} -m analysis.literature count --from 1000 --to 2100 "
        f"{FIXTURES / 'wos_plain.txt'} | head -1", shell=True, capture_output=True, text=True,
        check=False,
    )
    assert done.stdout == f"{FIXTURES / 'wos_plain.txt'}: 4 records (wos-tagged)\n"
    assert "Traceback" not in done.stderr and "Error" not in done.stderr


def test_the_count_of_a_real_export_is_unchanged_by_the_new_checks():
    if not SCOPUS_BIB.exists():
        pytest.skip("needs ../shared fixtures")
    counts = count_per_year(read_records(SCOPUS_BIB))
    assert sum(counts.values()) == len(entry_starts(SCOPUS_BIB.read_text(encoding="utf-8")))
