"""Coding files written by the tests themselves (test data, never shipped as results).

Imported by the test modules (pytest puts this folder on sys.path); conftest.py wraps it
as fixtures.
"""

from __future__ import annotations

import csv
from pathlib import Path

from analysis.governance import coding

HEADER = [f["name"] for f in coding.read_schema()["fields"]]

#: A small coding of two invented cases, X and Y, used only to exercise the code.
ROWS = [
    ["x1", "X", "2016", "fixture action", "proactive", "efficiency", "economic;strategic", "", ""],
    ["x2", "X", "2016", "fixture action", "proactive", "effectiveness", "economic", "privacy", ""],
    ["x3", "X", "2018-2019", "fixture action", "open", "participation; collaboration",
     "social;political", "", "A-301@3.6"],
    ["x4", "X", "2018-2019", "fixture action", "proactive", "", "strategic", "", ""],
    ["y1", "Y", "2017", "fixture action", "open", "transparency", "political",
     "digital exclusion", ""],
    ["y2", "Y", "2017", "fixture action", "open", "collaboration", "social;quality of life", "",
     "B-501@3.6;B-501@3.4"],
    ["y3", "Y", "2015", "fixture action", "proactive", "efficiency", "economic", "", ""],
    ["y4", "Y", "2017", "fixture action", "proactive", "", "", "environmental footprint", ""],
]


def write_coding(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path
