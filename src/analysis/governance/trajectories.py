"""The governance grid and the schematic trajectories of cases A and B, with cross-file checks.

A trajectory step is a schematic encoding of what the talk states, never a measurement: each
step names the excerpts it rests on, and the build stops (naming the step) if one of them does
not exist. The frictionless schemas in data/datapackage.json check each file on its own; the
checks here are the ones that span files (excerpt ids, coverage, quotes in rationales).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from analysis import datapackage, i18n, textlist
from analysis.errors import DataError, ParameterError, where
from analysis.governance import evidence
from analysis.governance.labels import label
from analysis.i18n import check_lang
from analysis.paths import PROCESS, Paths

DIMENSIONS = "governance_dimensions"
REGIONS = "governance_regions"
TRAJECTORIES = "governance_trajectories"
UNUSED = "governance_unused_excerpts"
_QUOTE = re.compile(r"«\s*([^»]+?)\s*»")


@dataclass(frozen=True)
class GovernanceData:
    """Everything notebook 03 draws, already cross-checked."""

    excerpts: pd.DataFrame
    dimensions: pd.DataFrame
    regions: pd.DataFrame
    trajectories: pd.DataFrame
    unused: pd.DataFrame


def check_steps(steps: pd.DataFrame, excerpts: pd.DataFrame, path: Path | str) -> None:
    """Each step cites >= 1 existing excerpt, steps run 1..n per case, quotes are verbatim."""
    known = set(excerpts["excerpt_id"])
    text = dict(zip(excerpts["excerpt_id"], excerpts["text_fr"], strict=True))
    for index, row in steps.iterrows():
        at, step = evidence.file_row(index), row["step_id"]
        ids = evidence.split_ids(row["excerpt_ids"])
        if not ids:
            raise DataError(f"{where(path, at, 'excerpt_ids')}: step {step} cites no excerpt; "
                            "every step needs at least one supporting excerpt id")
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise DataError(f"{where(path, at, 'excerpt_ids')}: step {step} cites unknown "
                            f"excerpt id(s) {', '.join(unknown)}; known ids: "
                            f"{', '.join(sorted(known))}")
        cited = " ".join(text[i] for i in ids)
        for quote in _QUOTE.findall(row["rationale"]):
            if quote not in cited:
                raise DataError(f"{where(path, at, 'rationale')}: step {step} quotes «{quote}», "
                                f"which is not in the text of its excerpts {', '.join(ids)}")
    for case, group in steps.groupby("case", sort=True):
        expected = list(range(1, len(group) + 1))
        if sorted(group["step"].tolist()) != expected:
            raise DataError(f"{where(path, column='step')}: case {case} has steps "
                            f"{sorted(group['step'].tolist())}; expected {expected}")


def check_unused(unused: pd.DataFrame, steps: pd.DataFrame, excerpts: pd.DataFrame,
                 path: Path | str) -> None:
    """Every excerpt is used by a step or listed as unused with a reason, never both."""
    used = {i for cell in steps["excerpt_ids"] for i in evidence.split_ids(cell)}
    known = set(excerpts["excerpt_id"])
    for index, row in unused.iterrows():
        at, key = evidence.file_row(index), row["excerpt_id"]
        if key not in known:
            raise DataError(f"{where(path, at, 'excerpt_id')}: unknown excerpt id {key!r}")
        if key in used:
            raise DataError(f"{where(path, at, 'excerpt_id')}: {key} is listed as unused but "
                            "a trajectory step cites it")
    orphans = sorted(known - used - set(unused["excerpt_id"]))
    if orphans:
        raise DataError(f"{path}: excerpt(s) {', '.join(orphans)} are neither cited by a "
                        "trajectory step nor listed here with a reason")


def load(*, paths: Paths = PROCESS) -> GovernanceData:
    """Load and cross-check all governance resources (raises DataError naming file/row)."""
    def resource(name: str) -> pd.DataFrame:
        return datapackage.load(name, paths=paths)

    excerpts = evidence.load_excerpts(paths=paths)
    steps = resource(TRAJECTORIES)
    check_steps(steps, excerpts, datapackage.resource_path(TRAJECTORIES, paths=paths))
    unused = resource(UNUSED)
    check_unused(unused, steps, excerpts, datapackage.resource_path(UNUSED, paths=paths))
    return GovernanceData(excerpts=excerpts, dimensions=resource(DIMENSIONS),
                          regions=resource(REGIONS),
                          trajectories=steps.sort_values(["case", "step"], ignore_index=True),
                          unused=unused)


def parse_cases(cases: str | list[str] | tuple[str, ...]) -> list[str]:
    """``"A,B"`` or ``["A", "B"]`` -> ``["A", "B"]`` (order kept, duplicates dropped)."""
    picked = list(dict.fromkeys(textlist.items(cases)))
    if not picked:
        raise ParameterError("parameter 'cases': no case given (e.g. \"A,B\")")
    return picked


def select_cases(steps: pd.DataFrame, cases: list[str], available: set[str]) -> pd.DataFrame:
    """Steps of the requested cases; a case known nowhere is a parameter error."""
    unknown = [c for c in cases if c not in available]
    if unknown:
        raise ParameterError(f"parameter 'cases': unknown case(s) {', '.join(unknown)}; "
                             f"available: {', '.join(sorted(available))}")
    return steps[steps["case"].isin(cases)].reset_index(drop=True)


def _steps_citing(steps: pd.DataFrame) -> dict[str, list[str]]:
    citing: dict[str, list[str]] = {}
    for _, row in steps.iterrows():
        for key in evidence.split_ids(row["excerpt_ids"]):
            citing.setdefault(key, []).append(row["step_id"])
    return citing


def evidence_table(data: GovernanceData, lang: str, show_quotes: bool,
                   cases: list[str] | None = None) -> pd.DataFrame:
    """Excerpt × theme × dimension, with the steps citing each excerpt (and the quotes)."""
    _ = partial(i18n.gettext, check_lang(lang))
    citing = _steps_citing(data.trajectories)
    rows = data.excerpts if cases is None else data.excerpts[data.excerpts["case"].isin(cases)]
    table = pd.DataFrame({
        i18n.gettext(lang, "excerpt"): rows["excerpt_id"],
        i18n.gettext(lang, "case"): rows["case"],
        i18n.gettext(lang, "role (as written)"): rows["role"],
        i18n.gettext(lang, "slide"): rows["slide"],
        i18n.gettext(lang, "theme"): [label(t, lang) for t in rows["theme"]],
        i18n.gettext(lang, "dimension"): [label(d, lang) for d in rows["dimension"]],
        i18n.gettext(lang, "steps"): ["; ".join(citing.get(k, [])) or "—"
                                      for k in rows["excerpt_id"]],
    })
    if show_quotes:  # quoted data: the talk's French and its Arabic, never translated
        table[_("French text (verbatim)")] = rows["text_fr"]
        table[_("Arabic text (talk)")] = (
            rows["text_ar"].fillna("").astype(str).where(rows["text_ar"].notna(), "—"))
        table[_("Arabic")] = [label(s, lang) for s in rows["text_ar_status"]]
    return table.reset_index(drop=True)


def coverage_table(data: GovernanceData, lang: str,
                   cases: list[str] | None = None) -> pd.DataFrame:
    """One row per step (its evidence) and per excerpt (the steps using it, or why unused)."""
    _ = partial(i18n.gettext, check_lang(lang))
    steps = data.trajectories if cases is None else data.trajectories[
        data.trajectories["case"].isin(cases)]
    citing = _steps_citing(steps)
    reason = dict(zip(data.unused["excerpt_id"], i18n.data_column(data.unused, "reason", lang),
                      strict=True))
    rows = []
    for _row, step in steps.iterrows():
        ids = evidence.split_ids(step["excerpt_ids"])
        status = i18n.ngettext(lang, "ok: {n} excerpt", "ok: {n} excerpts", len(ids))
        rows.append((_("step"), step["step_id"], "; ".join(ids),
                     status.format(n=i18n.integer(len(ids), lang))))
    excerpts = data.excerpts if cases is None else data.excerpts[
        data.excerpts["case"].isin(cases)]
    for key in excerpts["excerpt_id"]:
        if key in citing:
            rows.append((_("excerpt"), key, "; ".join(citing[key]), _("used")))
        elif key in reason:
            rows.append((_("excerpt"), key, "—",
                         i18n.gettext(lang, "unused: {reason}").format(reason=reason[key])))
        else:  # only reachable when `cases` hides the steps that cite this excerpt
            rows.append((_("excerpt"), key, "—", _("cited by a case not shown")))
    headers = [i18n.gettext(lang, "item"), "id", i18n.gettext(lang, "linked to"),
               i18n.gettext(lang, "status")]
    return pd.DataFrame(rows, columns=headers)
