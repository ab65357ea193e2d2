"""Controlled vocabularies of the governance data and their French / English display labels.

The data files store stable English codes; figures and tables show them in the notebook's
language. Labels of things the talk names (dimensions, regions, steps) live in the data files;
only the small closed vocabularies below live here.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import ParameterError

LANGS = ("fr", "en")
LEVELS = ("low", "medium", "high")
THEMES = ("leadership", "data and organisation", "HR and skills", "co-creation",
          "open governance", "phasing")
DIMENSIONS = ("proactivity", "openness", "proactivity and openness")
BASES = ("stated in the talk", "schematic")
ARABIC_STATUS = ("full", "partial", "not available")
MODES = ("proactive", "open")

_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "low": "faible", "medium": "moyenne", "high": "élevée",
        "leadership": "leadership", "data and organisation": "données et organisation",
        "HR and skills": "RH et compétences", "co-creation": "co-création",
        "open governance": "gouvernance ouverte", "phasing": "phasage",
        "proactivity": "proactivité", "openness": "ouverture",
        "proactivity and openness": "proactivité et ouverture",
        "stated in the talk": "énoncé dans l'exposé", "schematic": "schématique",
        "full": "complète", "partial": "partielle", "not available": "non disponible",
        "proactive": "proactive", "open": "ouverte",
    },
    "en": {},
}

#: Sentences shown on figures and in tables, per language.
TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "encoding": "Encodage schématique des propos de l'exposé — « une représentation "
                    "possible » (diapositive 2.1) ; niveaux ordinaux, non mesurés",
        "grid_title": "Grille de lecture de la gouvernance : proactivité × ouverture",
        "grid_note": "Dimensions : Carassus et Baldé (2020), reprises diapositive 3.1. Les noms "
                     "des cases dans la source ne sont pas disponibles ; les régions sont "
                     "décrites en termes simples.",
        "traj_title": "Deux trajectoires de mise en œuvre",
        "case": "Cas", "step": "étape", "evidence": "extraits",
        "legend_stated": "étape énoncée dans l'exposé",
        "legend_schematic": "étape schématique (notre lecture)",
        "legend_arrow": "flèche : ordre des étapes",
        "legend_evidence": "[ids] : extraits à l'appui (tableau des preuves)",
        "coding_title": "Trajectoires dérivées d'un fichier de codage",
        "coding_x": "actions à dominante proactive (nombre)",
        "coding_y": "actions à dominante ouverte (nombre)",
        "coding_note": "Chaque point : un cas sur une période ; source : {file}",
    },
    "en": {
        "encoding": "Schematic encoding of the talk's statements — «une représentation "
                    "possible» (slide 2.1); ordinal levels, not measurements",
        "grid_title": "Governance reading grid: proactivity × openness",
        "grid_note": "Dimensions: Carassus and Baldé (2020), as used on slide 3.1. The source's "
                     "names for the cells are not available; regions are described plainly.",
        "traj_title": "Two implementation trajectories",
        "case": "Case", "step": "step", "evidence": "excerpts",
        "legend_stated": "step stated in the talk",
        "legend_schematic": "schematic step (our reading)",
        "legend_arrow": "arrow: order of steps",
        "legend_evidence": "[ids]: supporting excerpts (evidence table)",
        "coding_title": "Trajectories derived from a coding file",
        "coding_x": "actions with proactive dominant mode (count)",
        "coding_y": "actions with open dominant mode (count)",
        "coding_note": "Each point: one case in one period; source: {file}",
    },
}


def check_lang(lang: str) -> str:
    """Reject a language we have no labels for, naming the allowed ones."""
    if lang not in LANGS:
        raise ParameterError(f"parameter 'lang': got {lang!r}, expected one of {', '.join(LANGS)}")
    return lang


def label(code: str, lang: str) -> str:
    """Display label of a vocabulary code (English codes are their own English label)."""
    return _LABELS[check_lang(lang)].get(code, code)


def text(key: str, lang: str) -> str:
    return TEXT[check_lang(lang)][key]


_COLUMNS_FR = {
    "case": "cas", "period": "période", "actions": "actions", "proactive": "proactive",
    "open": "ouverte", "open_share": "part ouverte", "dominant": "dominante", "step": "étape",
    "governance_mode": "mode de gouvernance", "value_type": "type de valeur",
    "proactive_with": "proactive, avec", "proactive_without": "proactive, sans",
    "open_with": "ouverte, avec", "open_without": "ouverte, sans", "odds_ratio": "rapport de cotes",
    "p_value": "p", "test": "test", "table": "tableau", "statistic": "statistique",
    "dof": "ddl", "note": "note",
}


def columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column headers in the notebook's language (codes stay as they are in the data)."""
    return frame.rename(columns=_COLUMNS_FR) if check_lang(lang) == "fr" else frame
