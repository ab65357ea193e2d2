"""A researcher's own coding of a policy's actions (Frucquet et al. 2023 framework).

One row per action: case, period, dominant governance mode (proactive | open), the Harrison
et al. value-generating mechanisms, the public value types created, any public value destroyed
and, optionally, supporting excerpt ids. The file is checked against the shipped Frictionless
Table Schema (``data/governance/coding.schema.json``) plus the cross-file check on excerpt ids;
every error names file, row and column. From a valid file we derive each case's trajectory by
period and a governance-mode × value-type cross-table with an exact or chi-square test.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis._startup import skip_unused_imports
from analysis.errors import DataError, ParameterError, Problems, where
from analysis.fileio import read_utf8
from analysis.governance.evidence import split_ids
from analysis.governance.labels import MODES
from analysis.paths import PROCESS, Paths
from analysis.pipeline import trace

#: Columns whose cells hold ``;``-separated terms from the vocabulary.
LIST_FIELDS = ("mechanisms", "value_created", "value_destroyed", "excerpt_ids")
MAX_REPORTED_ERRORS = 20
MIN_EXPECTED = 5


def read_schema(path: Path | None = None, *, paths: Paths = PROCESS) -> dict:
    """The coding file's Table Schema (by default the shipped one)."""
    path = Path(path or paths.governance_coding_schema)
    return json.loads(path.read_text(encoding="utf-8"))


def list_pattern(terms: list[str]) -> str:
    """Regex for a ``;``-separated list of vocabulary terms (a space after ``;`` allowed)."""
    alternatives = "|".join(re.escape(t).replace("\\ ", " ") for t in terms)
    return f"^({alternatives})(; ?({alternatives}))*$"


def vocabulary(schema: dict) -> dict[str, list[str]]:
    """Allowed terms of each list / enum field, read back from the schema's constraints."""
    terms = {}
    for field in schema["fields"]:
        constraints = field.get("constraints", {})
        if "enum" in constraints:
            terms[field["name"]] = list(constraints["enum"])
        elif field["name"] in LIST_FIELDS and field.get("x-terms"):
            terms[field["name"]] = list(field["x-terms"])
    return terms


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a coding file, read once and strictly.

    Excel's UTF-8 byte-order mark is dropped (it would hide inside the first column's name),
    a file saved with ``;`` separators (French Excel's default) is named as such, and an
    unclosed quote, a row with more cells than the header or a byte that is not UTF-8 is an
    error at its line, wherever it sits in the file.
    """
    text = read_utf8(path, "a coding file (CSV, UTF-8)", DataError)
    first = text.split("\n", 1)[0]
    for sep, what in ((";", "semicolons (French Excel's default)"), ("\t", "tabs")):
        if "," not in first and sep in first:
            raise DataError(f"{where(path, 1)}: columns are separated by {what}; expected a "
                            "comma-separated CSV file (in Excel: Save as > CSV UTF-8)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = [(reader.line_num, row) for row in reader if row]
    except csv.Error as exc:
        raise DataError(f"{where(path, reader.line_num)}: {exc} (an unclosed quote?); expected "
                        "one action per line, quotes closed on the same row") from None
    header = lines[0][1] if lines else []
    for number, row in lines[1:]:
        if len(row) > len(header):
            raise DataError(f"{where(path, number)}: {len(row)} cells, more than the "
                            f"{len(header)} columns of the header")
    return header, [row for _, row in lines[1:]]


def _check_header(path: Path, header: list[str], schema: dict) -> None:
    """Name every missing or unexpected column before any row is read (row 1 = header)."""
    expected = [f["name"] for f in schema["fields"]]
    if not header:
        raise DataError(f"{where(path, 1)}: file is empty; expected a header row with "
                        f"columns {', '.join(expected)}")
    problems = [f"{where(path, 1, name)}: column missing" for name in expected
                if name not in header]
    problems += [f"{where(path, 1, name)}: unexpected column" for name in header
                 if name not in expected]
    problems += [f"{where(path, 1, name)}: column appears twice" for name in set(header)
                 if header.count(name) > 1]
    if problems:
        raise DataError("\n  ".join([f"{path}: header does not match the coding schema "
                                     f"(expected columns {', '.join(expected)}):", *problems]))


def _describe(path: Path, error: list, schema: dict) -> str:
    row, column, kind, note, cell = error
    at = where(path, row, column)
    terms = vocabulary(schema)
    if kind == "constraint-error" and "required" in note:
        return f"{at}: value required"
    if kind == "constraint-error" and column in terms:
        bad = [t for t in (split_ids(cell) or [str(cell)]) if t not in terms[column]]
        what = f"unknown term(s) {', '.join(map(repr, bad))}" if bad else f"{cell!r} malformed"
        listed = " (';'-separated)" if column in LIST_FIELDS else ""
        return f"{at}: {what}; expected one of: {', '.join(terms[column])}{listed}"
    field = next((f for f in schema["fields"] if f["name"] == column), {})
    expected = f"; expected: {field['description']}" if field.get("description") else ""
    return f"{at}: {kind} ({note}) in cell {cell!r}{expected}"


def _frictionless_errors(header: list[str], rows: list[list[str]], schema: dict) -> list[list]:
    skip_unused_imports()
    from frictionless import Resource

    # The rows as read above (BOM dropped, strictly parsed), so row numbers are file lines.
    # The schema's fieldsMatch "equal" maps columns by header name, so a researcher's column
    # order does not matter (the header itself was already checked against the schema).
    resource = Resource({"name": "coding", "data": [header, *rows], "schema": schema})
    report = resource.validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note", "cell"])


def _check_periods(path: Path, frame: pd.DataFrame) -> list[str]:
    """A period ``2020-2016`` runs backwards: its years are swapped, not a real period."""
    problems = []
    for index, cell in frame["period"].items():
        match = re.fullmatch(r"(\d{4})-(\d{4})", str(cell))
        if match and int(match[1]) > int(match[2]):
            problems.append(f"{where(path, int(index) + 2, 'period')}: {cell!r} ends before it "
                            "starts; expected YYYY or YYYY-YYYY with the earlier year first")
    return problems


def _check_excerpt_ids(path: Path, frame: pd.DataFrame, known: set[str]) -> list[str]:
    problems = []
    for index, cell in frame["excerpt_ids"].items():
        unknown = [i for i in split_ids(cell) if i not in known]
        if unknown:
            problems.append(f"{where(path, int(index) + 2, 'excerpt_ids')}: unknown excerpt "
                            f"id(s) {', '.join(unknown)}; known ids: {', '.join(sorted(known))}")
    return problems


def _check_duplicates(path: Path, frame: pd.DataFrame) -> list[str]:
    problems = []
    for column in LIST_FIELDS:
        for index, cell in frame[column].items():
            items = split_ids(cell)
            if len(items) != len(set(items)):
                problems.append(f"{where(path, int(index) + 2, column)}: a term is listed twice "
                                f"in {cell!r} (it would be counted twice)")
    return problems


def load_coding(path: Path | str, known_excerpts: set[str],
                schema: dict | None = None, *, paths: Paths = PROCESS) -> pd.DataFrame:
    """Validate a coding file and return it; DataError lists every problem with row/column."""
    path = Path(path)
    schema = schema or read_schema(paths=paths)
    header, rows = _read_rows(path)
    _check_header(path, header, schema)
    problems = Problems(f"{path}: {{n}} problem(s) in the coding file")
    problems.extend([_describe(path, err, schema)
                     for err in _frictionless_errors(header, rows, schema)])
    padded = [row + [""] * (len(header) - len(row)) for row in rows]
    frame = pd.DataFrame(padded, columns=header, dtype="string").replace({"": pd.NA})
    problems.extend(_check_periods(path, frame))
    problems.extend(_check_excerpt_ids(path, frame, known_excerpts))
    problems.extend(_check_duplicates(path, frame))
    problems.raise_if_any(DataError, limit=MAX_REPORTED_ERRORS)
    trace.record_input(path, resource="governance coding file", paths=paths)
    return frame


def resolve(path: str | Path, *, paths: Paths = PROCESS) -> Path:
    """A coding file path as given to the notebook: absolute, or relative to the project root."""
    return paths.given(path)


def artifact_suffix(lang: str, coding_file: str) -> str:
    """``_fr`` for the shipped build; ``_fr_<file stem>`` for a researcher's coding run, so it
    never overwrites the shipped figures and tables."""
    if not coding_file:
        return f"_{lang}"
    stem = re.sub(r"[^a-z0-9]+", "-", Path(coding_file).stem.lower()).strip("-") or "coding"
    return f"_{lang}_{stem}"


def period_start(period: str) -> int:
    """``"2016"`` or ``"2016-2018"`` -> 2016 (the schema guarantees the shape)."""
    return int(str(period)[:4])


def derive_trajectories(coding: pd.DataFrame) -> pd.DataFrame:
    """Per case and period: number of actions, how many are dominantly proactive / open."""
    frame = coding.assign(start=coding["period"].map(period_start))
    rows = []
    for (case, _start, period), group in frame.groupby(["case", "start", "period"], sort=True):
        counts = group["governance_mode"].value_counts()
        n_pro, n_open = int(counts.get("proactive", 0)), int(counts.get("open", 0))
        rows.append({
            "case": case, "period": period, "actions": len(group),
            "proactive": n_pro, "open": n_open,
            "open_share": round(n_open / len(group), 3),
            "dominant": "proactive" if n_pro > n_open else "open" if n_open > n_pro else "tie",
        })
    table = pd.DataFrame(rows)
    if not table.empty:
        table["step"] = table.groupby("case").cumcount() + 1
    return table


def explode(coding: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per action × term of a list column (actions without a term are dropped)."""
    frame = coding.assign(term=coding[column].map(split_ids)).explode("term")
    return frame.dropna(subset=["term"]).reset_index(drop=True)


def crosstab(coding: pd.DataFrame, value_types: list[str]) -> pd.DataFrame:
    """Governance mode × public value type created: number of (action, type) pairs."""
    pairs = explode(coding, "value_created")
    table = pd.crosstab(pd.Categorical(pairs["governance_mode"], categories=list(MODES)),
                        pd.Categorical(pairs["term"], categories=value_types), dropna=False)
    table.index.name, table.columns.name = "governance_mode", "value_created"
    return table.astype(int)


@dataclass(frozen=True)
class ModeValueResult:
    """Outcome of the mode × value-type test, with the caveats a reader needs."""

    test: str
    statistic: float
    p_value: float
    dof: int | None
    shape: tuple[int, int]
    note: str


def mode_value_test(table: pd.DataFrame) -> ModeValueResult:
    """Fisher's exact test for a 2×2 table, otherwise chi-square with an expected-count note.

    Rows or columns that are all zero carry no information and are dropped first. A coded
    action that creates several value types counts once per type, so the pairs are not
    independent observations: the p-value is descriptive.
    """
    from scipy import stats  # imported here: seconds of start-up the shipped runs never need

    kept = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    shape = (int(kept.shape[0]), int(kept.shape[1]))
    caveat = ("An action creating several value types counts once per type; pairs are not "
              "independent, so read the p-value as descriptive.")
    if min(shape) < 2:
        return ModeValueResult("not computable", float("nan"), float("nan"), None, shape,
                          "Needs at least two governance modes and two value types with "
                          f"counts; the table has {shape[0]}×{shape[1]} non-empty.")
    if shape == (2, 2):
        result = stats.fisher_exact(kept.to_numpy())
        return ModeValueResult("Fisher exact (two-sided)", float(result.statistic),
                          float(result.pvalue), None, shape, f"Statistic: odds ratio. {caveat}")
    result = stats.chi2_contingency(kept.to_numpy())
    expected = np.asarray(result.expected_freq)
    low = int((expected < MIN_EXPECTED).sum())
    note = (f"{low} of {expected.size} cells have an expected count below {MIN_EXPECTED} "
            f"(smallest {expected.min():.2f}); the chi-square approximation is then unreliable. "
            if low else f"All expected counts are at least {MIN_EXPECTED}. ")
    return ModeValueResult("Pearson chi-square", float(result.statistic), float(result.pvalue),
                      int(result.dof), shape, note + caveat)


def per_type_fisher(coding: pd.DataFrame, value_types: list[str]) -> pd.DataFrame:
    """For each value type: mode × (action creates it or not), Fisher's exact test per action.

    Unlike the pooled cross-table, each action counts once here. P-values are not adjusted
    for multiple comparisons.
    """
    from scipy import stats  # see mode_value_test

    modes = coding["governance_mode"]
    created = coding["value_created"].map(lambda cell: set(split_ids(cell)))
    rows = []
    for value_type in value_types:
        has = created.map(lambda terms, v=value_type: v in terms)
        table = [[int(((modes == m) & has).sum()), int(((modes == m) & ~has).sum())]
                 for m in MODES]
        computable = all(sum(r) > 0 for r in table) and 0 < sum(r[0] for r in table) < len(modes)
        result = stats.fisher_exact(table) if computable else None
        rows.append({"value_type": value_type,
                     "proactive_with": table[0][0], "proactive_without": table[0][1],
                     "open_with": table[1][0], "open_without": table[1][1],
                     "odds_ratio": float(result.statistic) if result else float("nan"),
                     "p_value": float(result.pvalue) if result else float("nan")})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CodingAnalysis:
    """What notebook 03 shows for a coding file: periods, cross-table and tests."""

    periods: pd.DataFrame
    crosstab: pd.DataFrame
    test: ModeValueResult
    per_type: pd.DataFrame


def analyse(coded: pd.DataFrame, cases: list[str], schema: dict | None = None, *,
            paths: Paths = PROCESS) -> CodingAnalysis:
    """Trajectories by period, mode × value-type cross-table and tests, for the given cases."""
    picked = coded[coded["case"].isin(cases)].reset_index(drop=True)
    if picked.empty:
        raise ParameterError(f"parameter 'cases': none of {', '.join(cases)} is in the coding "
                             f"file (its cases: {', '.join(sorted(set(coded['case'])))})")
    value_types = vocabulary(schema or read_schema(paths=paths))["value_created"]
    table = crosstab(picked, value_types)
    return CodingAnalysis(derive_trajectories(picked), table, mode_value_test(table),
                          per_type_fisher(picked, value_types))


def test_frame(result: ModeValueResult) -> pd.DataFrame:
    """The test outcome as a one-row table (rounded for reading; NaN when not computable)."""
    return pd.DataFrame([{
        "test": result.test, "table": f"{result.shape[0]}×{result.shape[1]}",
        "statistic": round(result.statistic, 6), "dof": result.dof,
        "p_value": round(result.p_value, 6), "note": result.note,
    }])
