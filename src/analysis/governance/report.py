"""What notebook 03 runs from its parameters: the cases shown, and a researcher's coding file.

The notebook keeps the narrative and calls these; they hold the bookkeeping (which cases, which
file, which artifact names) so that it is tested here, once, rather than re-read in a cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import figures, i18n, tables
from analysis.governance import coding, plots
from analysis.governance import trajectories as gov
from analysis.governance.labels import columns
from analysis.paths import PROCESS, Paths

#: The talk, as the provenance lines of the figures and tables cite it.
TALK = "Frucquet (2024), HAL hal-04618370"


@dataclass(frozen=True)
class Selection:
    """The notebook's parameters, checked and resolved against the data.

    ``requested``: the cases asked for, in order; ``shown``: those with shipped steps;
    ``steps``: their steps; ``coded``: the validated coding file (None when none is given);
    ``suffix``: the artifact-name suffix (``_fr``, or ``_fr_<file stem>`` for a coding run).
    """

    data: gov.GovernanceData
    requested: list[str]
    shown: list[str]
    steps: pd.DataFrame
    coded: pd.DataFrame | None
    coding_file: str
    suffix: str


def select(lang: str, cases: str, coding_file: str = "", *,
           paths: Paths = PROCESS) -> Selection:
    """Check ``lang`` and ``cases``, load the cross-checked data and the coding file, if any.

    Loading checks checksums and schemas, then that every step cites existing excerpts (the
    build stops here, naming the step, if one does not) and every excerpt is used or explained.
    A case known neither to the shipped data nor to the coding file is a parameter error.
    """
    i18n.check_lang(lang, paths=paths)
    requested = gov.parse_cases(cases)
    data = gov.load(paths=paths)
    coded = None
    if coding_file:
        coded = coding.load_coding(coding.resolve(coding_file, paths=paths),
                                   set(data.excerpts["excerpt_id"]), paths=paths)
    available = set(data.trajectories["case"]) | (set(coded["case"]) if coded is not None
                                                  else set())
    steps = gov.select_cases(data.trajectories, requested, available)
    shown = [c for c in requested if c in set(steps["case"])]
    return Selection(data=data, requested=requested, shown=shown, steps=steps, coded=coded,
                     coding_file=coding_file, suffix=coding.artifact_suffix(lang, coding_file))


def coding_tables(result: coding.CodingAnalysis, lang: str) -> list[tuple[str, pd.DataFrame, str]]:
    """(name, frame, caption) of each table derived from a coding file, in the notebook's order."""
    return [
        ("periods", result.periods, i18n.gettext(lang, "Actions by case and period")),
        ("crosstab", result.crosstab.reset_index(), i18n.gettext(
            lang, "Governance mode × public value type created (action × type pairs)")),
        ("test", coding.test_frame(result.test), i18n.gettext(
            lang, "Test of independence of the cross-table")),
        ("per_type", result.per_type, i18n.gettext(
            lang, "Per value type: Fisher's exact test, one count per action")),
    ]


def show_coding(selection: Selection, lang: str, *, paths: Paths = PROCESS) -> None:
    """Save and display the coding file's trajectories figure and tables (or say there is none).

    Each artifact's name carries the selection's suffix, so a researcher's run never overwrites
    the shipped figures and tables.
    """
    from IPython.display import Markdown, display

    if selection.coded is None:
        display(Markdown(i18n.gettext(lang, "No coding file given (`coding_file` is empty): "
                                      "only the shipped schematic trajectories are shown.")))
        return
    result = coding.analyse(selection.coded, selection.requested, paths=paths)
    coded_cases = [c for c in selection.requested if c in set(result.periods["case"])]
    name = coding.resolve(selection.coding_file, paths=paths).name
    figures.save(
        plots.coding_figure(result.periods, coded_cases, lang, name),
        f"governance_coding_trajectories{selection.suffix}", show=True, paths=paths,
        alt=i18n.gettext(lang, "Per case and period, number of actions with proactive (x) and "
                         "open (y) dominant mode, joined in period order: {points}").format(
            points="; ".join(f"{r.case} {r.period}: {r.proactive}/{r.open}"
                             for r in result.periods.itertuples())),
        caption=i18n.gettext(lang, "Trajectories derived from the coding file {name}.").format(
            name=name),
        source=name,
    )
    for key, frame, caption in coding_tables(result, lang):
        table = columns(frame, lang)
        tables.save(table, f"governance_coding_{key}{selection.suffix}",
                    caption=f"{caption} ({name})", source=name, lang=lang, paths=paths)
        display(tables.formatted(table, lang))
