"""Controlled vocabularies of the governance data; their labels come from the catalogue.

The data files store stable English codes; figures and tables show them in the notebook's
language. Labels of things the talk names (dimensions, regions, steps) live in the data files;
only the small closed vocabularies below live here.
"""

from __future__ import annotations

import pandas as pd

from analysis import i18n
from analysis.i18n import N_, check_lang

LEVELS = ("low", "medium", "high")
DIMENSIONS = ("proactivity", "openness", "proactivity and openness")
ARABIC_STATUS = ("full", "partial", "not available")
MODES = ("proactive", "open")

#: Sentences shown on figures and in tables (English source; translated by the catalogue).
TEXT: dict[str, str] = {
    "encoding": N_("Schematic encoding of the talk's statements — «une représentation "
                   "possible» (slide 2.1); ordinal levels, not measurements"),
    "grid_title": N_("Governance reading grid: proactivity × openness"),
    "grid_note": N_("Dimensions: Carassus and Baldé (2020), as used on slide 3.1. The source's "
                    "names for the cells are not available; regions are described plainly."),
    "traj_title": N_("Two implementation trajectories"),
    "case": N_("Case"), "step": N_("step"), "evidence": N_("excerpts"),
    "legend_stated": N_("step stated in the talk"),
    "legend_schematic": N_("schematic step (our reading)"),
    "legend_arrow": N_("arrow: order of steps"),
    "legend_evidence": N_("[ids]: supporting excerpts (evidence table)"),
    "coding_title": N_("Trajectories derived from a coding file"),
    "coding_x": N_("actions with proactive dominant mode (count)"),
    "coding_y": N_("actions with open dominant mode (count)"),
    "coding_note": N_("Each point: one case in one period; source: {file}"),
}
#: Codes of the closed vocabularies, marked so that the catalogue lists them.
_CODES = (N_("low"), N_("medium"), N_("high"), N_("leadership"), N_("data and organisation"),
          N_("HR and skills"), N_("co-creation"), N_("open governance"), N_("phasing"),
          N_("proactivity"), N_("openness"), N_("proactivity and openness"),
          N_("stated in the talk"), N_("schematic"), N_("full"), N_("partial"),
          N_("not available"), N_("proactive"), N_("open"))


def label(code: str, lang: str) -> str:
    """Display label of a vocabulary code (English codes are their own English label)."""
    return i18n.gettext(check_lang(lang), code)


def text(key: str, lang: str) -> str:
    return i18n.gettext(check_lang(lang), TEXT[key])


#: Column codes of the coding tables (English headers are the codes), marked for the catalogue.
_COLUMNS = (N_("case"), N_("period"), N_("actions"), N_("open_share"), N_("dominant"),
            N_("governance_mode"), N_("value_type"), N_("proactive_with"),
            N_("proactive_without"), N_("open_with"), N_("open_without"), N_("odds_ratio"),
            N_("p_value"), N_("test"), N_("table"), N_("statistic"), N_("dof"), N_("note"))


def columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column headers in the notebook's language (codes stay as they are in the data)."""
    check_lang(lang)
    return frame.rename(columns={c: i18n.gettext(lang, c) for c in frame.columns})
