"""Figures and tables are byte-identical across saves and carry their alt text and captions."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import figures, tables  # noqa: E402


@pytest.fixture
def out(tmp_paths):
    """The project's paths with a temporary build/, outside any run (no staging folder)."""
    return tmp_paths.replace(staging=None)


def _figure():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 3])
    ax.set_title("Évolution — test")
    return fig


def test_figures_are_byte_identical_across_saves(out):
    first, second = ({p.name: p.read_bytes()
                      for p in figures.save(_figure(), "f", alt="a", caption="c", paths=out)}
                     for _ in range(2))
    assert set(first) == {"f.png", "f.svg", "f.pdf", "f.json"}
    assert first == second


def test_figure_files_carry_no_dates(out):
    figures.save(_figure(), "g", alt="a", caption="c", paths=out)
    assert b"<dc:date>" not in (out.build / "figures" / "g.svg").read_bytes()
    assert b"CreationDate" not in (out.build / "figures" / "g.pdf").read_bytes()


def test_figure_sidecar_has_alt_and_caption_and_both_are_required(out):
    figures.save(_figure(), "h", alt="Two bars", caption="A caption", source="data/x.csv",
                 paths=out)
    meta = json.loads((out.build / "figures" / "h.json").read_text())
    assert (meta["alt"], meta["caption"], meta["source"]) == ("Two bars", "A caption", "data/x.csv")
    with pytest.raises(ValueError, match="alt text and caption"):
        figures.save(_figure(), "h2", alt=" ", caption="c", paths=out)


def test_tables_in_four_formats_with_header_cells(out):
    frame = pd.DataFrame({"Composante": ["Efficience", "Qualité <de> vie"], "n": [2, 1]})
    written = tables.save(frame, "t", caption="Légende", paths=out)
    assert sorted(p.suffix for p in written) == [".csv", ".html", ".json", ".md", ".tex"]
    html = (out.build / "tables" / "t.html").read_text()
    assert "<th>Composante</th>" in html and "&lt;de&gt;" in html and "Légende" in html
    assert (out.build / "tables" / "t.csv").read_text() == \
        "Composante,n\nEfficience,2\nQualité <de> vie,1\n"
    assert "\\caption{Légende}" in (out.build / "tables" / "t.tex").read_text()


def test_a_cell_ending_in_a_save_shows_file_names_not_the_staging_folder(out):
    shown = repr(figures.save(_figure(), "shown", alt="a", caption="c", paths=out))
    assert shown == "saved: shown.png, shown.svg, shown.pdf, shown.json"
    assert str(out) not in shown


def test_a_full_disk_is_one_line_naming_the_file_and_keeps_the_old_file(tmp_path, monkeypatch,
                                                                        capsys):
    import errno
    import pathlib

    from analysis import fileio
    from analysis.errors import reports_errors

    target = tmp_path / "kept.txt"
    target.write_text("old", encoding="utf-8")

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pathlib.Path, "write_bytes", full)
    assert reports_errors(lambda: fileio.write_text(target, "new") or 0)() == 1
    err = capsys.readouterr().err
    assert err == (f"error: {target}: No space left on device (the disk is full; earlier outputs "
                   "are unchanged, free space and run make again)\n")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]
