"""A small build tree with the shape the pipeline writes (test data, not project data).

Three runs of one notebook (en, fr, ar), a figure and a table per run, one data resource (and
one declared but missing and unused), a
bibliography with a complete, an incomplete and an uncited entry, and a manifest tying them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.paths import Paths, user

SDE = 1_700_000_000  # 2023-11-14 22:13:20 UTC
CODE_MARK = "secret_code_marker = 42"
BIB = """\
@article{smith2020,
  author  = {Smith, Jane and Dupont, Andr{\\'e}},
  title   = {Values of Smart Cities in Brussels},
  journal = {Cities},
  year    = {2020},
  volume  = {1},
  pages   = {1--2},
  doi     = {10.1000/xyz}
}

@misc{doe2021,
  author   = {Doe and others},
  year     = {2021},
  note     = {Cited on slide 2; no trustworthy record found},
  keywords = {incomplete}
}

@article{notitle2022,
  author  = {Roe, Richard},
  title   = {A work without a year},
  journal = {Somewhere},
  url     = {https://example.org/notitle}
}

@book{uncited2019,
  author    = {Nobody, Ann},
  title     = {Never cited here},
  publisher = {Press},
  year      = {2019}
}
"""


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG of one colour (so a browser reports a real naturalWidth)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def _notebook(lang: str, figure_png: bytes) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(f"# Demo notebook ({lang})\n\nValues as in [@smith2020, p. 3; @doe2021]. "
                          "See also \\cite{notitle2022} and [the HAL page](https://hal.science/x)."
                          "\n\n#### A deep heading", id="intro"),
        new_code_cell(f"lang = '{lang}'", id="params", metadata={"tags": ["parameters"]}),
        new_code_cell(f"{CODE_MARK}\nfigures.save(fig, f\"demo_plot_{{lang}}\", alt=a, caption=c)",
                      id="plot", execution_count=1, outputs=[
                          new_output("display_data", data={
                              "image/png": base64.b64encode(png(8, 6, (10, 90, 200))).decode(),
                              "text/plain": "<Figure>"}),
                      ]),
        new_code_cell("print('hello')\ntable", id="table", execution_count=2, outputs=[
            new_output("stream", name="stdout", text="hello\n"),
            new_output("execute_result", execution_count=2, data={
                "text/html": "<table><thead><tr><th>a</th></tr></thead>"
                             "<tbody><tr><td>1</td></tr></tbody></table>",
                "text/plain": "a\n1"}),
        ]),
        new_code_cell("show_saved()", id="saved", execution_count=3, outputs=[
            new_output("display_data", data={"image/png": base64.b64encode(figure_png).decode(),
                                             "text/plain": "<Image>"}),
        ]),
        new_markdown_cell("## Results\n\nNothing more.", id="results"),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                            "display_name": "Python 3",
                                                            "language": "python"},
                                             "language_info": {"name": "python"}})
    return nb


def make_tree(base: Path) -> Paths:
    """Write the tree under ``base`` (a project at ``base/repo``) and return its paths."""
    root = base / "repo"
    build, data = root / "build", root / "data"
    (data / "demo").mkdir(parents=True)
    csv = data / "demo" / "values.csv"
    csv.write_text("year,count\n2019,3\n2020,5\n", encoding="utf-8")
    resource = {
        "name": "demo_values", "path": "demo/values.csv", "title": "Demo values",
        "description": "Test data.", "hash": f"sha256:{_sha(csv)}", "bytes": csv.stat().st_size,
        "schema": {"fields": [{"name": "year", "type": "integer", "description": "Year"},
                              {"name": "count", "type": "integer", "description": "Count",
                               "constraints": {"minimum": 0}}]},
        "sources": [{"title": "Smith and Dupont 2020, table 2", "citekey": "smith2020",
                     "page": "p. 7", "path": "https://example.org/data"}],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
    }
    missing = {"name": "demo_missing", "path": "demo/missing.csv", "title": "Missing values",
               "sources": [], "licenses": []}  # declared, never written, read by no run
    _json(data / "datapackage.json", {"name": "demo", "title": "Demo package",
                                      "description": "Test package.",
                                      "licenses": [{"name": "CC-BY-4.0", "title": "Test licence"}],
                                      "resources": [resource, missing]})
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    runs, artifacts = [], []
    for lang in ("en", "fr", "ar"):
        name = f"demo-{lang}"
        fig_png = png(12, 9, (30, 160, 60) if lang == "en" else (160, 60, 30))
        figs, tabs = build / "figures", build / "tables"
        figs.mkdir(parents=True, exist_ok=True)
        tabs.mkdir(parents=True, exist_ok=True)
        fig = f"demo_plot_{lang}"
        (figs / f"{fig}.png").write_bytes(fig_png)
        (figs / f"{fig}.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" '
                                         'height="3"><rect width="4" height="3"/></svg>\n')
        (figs / f"{fig}.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        _json(figs / f"{fig}.json", {"name": fig, "alt": f"Bar chart of counts by year ({lang})",
                                     "caption": f"Counts by year, after [@smith2020] ({lang}).",
                                     "source": "data/demo/values.csv",
                                     "files": [f"{fig}.png", f"{fig}.svg", f"{fig}.pdf"]})
        tab = f"demo_table_{lang}"
        (tabs / f"{tab}.csv").write_text("year,count\n2019,3\n")
        (tabs / f"{tab}.md").write_text("| year | count |\n")
        (tabs / f"{tab}.tex").write_text("\\begin{table}\\end{table}\n")
        (tabs / f"{tab}.html").write_text(
            f"<figure>\n<figcaption>Counts ({lang})</figcaption>\n<table class=\"data-table\">"
            "<thead><tr><th>year</th><th>count</th></tr></thead><tbody><tr><td>2019</td>"
            "<td>3</td></tr></tbody></table>\n</figure>\n")
        _json(tabs / f"{tab}.json", {"name": tab, "caption": f"Counts ({lang})",
                                     "source": "data/demo/values.csv", "columns": ["year", "count"],
                                     "rows": 1, "files": [f"{tab}.{x}" for x in
                                                          ("csv", "md", "tex", "html")]})
        executed = build / "notebooks" / f"{name}.ipynb"
        executed.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(_notebook(lang, fig_png), executed)
        outputs = [{"path": f"build/figures/{fig}.{x}", "artifact": "figure", "name": fig,
                    "sha256": _sha(figs / f"{fig}.{x}")} for x in ("json", "pdf", "png", "svg")]
        outputs += [{"path": f"build/tables/{tab}.{x}", "artifact": "table", "name": tab,
                     "sha256": _sha(tabs / f"{tab}.{x}")}
                    for x in ("csv", "html", "json", "md", "tex")]
        inputs = [{"path": "data/demo/values.csv", "sha256": _sha(csv),
                   "resource": "demo_values"}]
        runs.append({"name": name, "notebook": "notebooks/demo.ipynb",
                     "parameters": {"lang": lang}, "executed": f"build/notebooks/{name}.ipynb",
                     "inputs": inputs, "outputs": outputs})
        artifacts += [{"path": o["path"], "sha256": o["sha256"], "bytes": 1, "run": name,
                       "notebook": "notebooks/demo.ipynb", "parameters": {"lang": lang},
                       "inputs": inputs} for o in outputs]
    _json(build / "MANIFEST.json", {"git_commit": "0123456789abcdef", "source_date_epoch": SDE,
                                    "python": "3.11.7", "packages": {"pandas": "2.2.3",
                                                                     "nbconvert": "7.17.2"},
                                    "runs": runs, "artifacts": artifacts})
    return user(root)  # the usual layout: build/ and data/ inside, shared/ beside it
