"""The value grid of slide 1.4: Csukas & Szabo components × Harrison et al. × Jørgensen & Bozeman.

The data are stored long-form (one row per value in a cell) so that the slide's table, the
crosswalk, the incidence matrix and the counts are all derived from the same four files and
cannot disagree with one another.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import datapackage, i18n
from analysis.i18n import N_
from analysis.paths import PROCESS, Paths

FRAMEWORKS = ("harrison2012", "jorgensen2007")
#: How values are joined inside one cell of the slide-style table.
CELL_SEPARATOR = "; "

FRAMEWORK_AUTHORS = {"csukas2021": "Csukas & Szabo (2021)",
                     "harrison2012": "Harrison et al. (2012)",
                     "jorgensen2007": "Jørgensen & Bozeman (2007)"}
_HEADINGS = {"component": N_("Component"), "framework": N_("Framework"), "value": N_("Value"),
             "n_components": N_("Number of components"), "components": N_("Components")}


@dataclass(frozen=True)
class ValueGrid:
    components: pd.DataFrame
    frameworks: pd.DataFrame
    values: pd.DataFrame
    links: pd.DataFrame


def load(*, paths: Paths = PROCESS) -> ValueGrid:
    """Load the four value-grid resources (checksum- and schema-verified)."""
    def resource(name: str) -> pd.DataFrame:
        return datapackage.load(name, paths=paths)

    return ValueGrid(components=resource("valuegrid_components").sort_values("position"),
                     frameworks=resource("valuegrid_frameworks"),
                     values=resource("valuegrid_values"),
                     links=resource("valuegrid_component_values"))


def heading(key: str, lang: str) -> str:
    return i18n.gettext(i18n.check_lang(lang), _HEADINGS[key])


def framework_heading(grid: ValueGrid, framework: str, lang: str) -> str:
    """Column heading of a framework, with its authors as on the slide."""
    labels = i18n.data_column(grid.frameworks, "column_heading", lang)
    label = labels[grid.frameworks["framework"] == framework].iloc[0]
    return f"{label} — {i18n.isolate(FRAMEWORK_AUTHORS[framework], lang)}"


def crosswalk(grid: ValueGrid, lang: str) -> pd.DataFrame:
    """Long form: one row per component × framework × value, in the slide's order."""
    components = grid.components.assign(component=i18n.data_column(grid.components,
                                                                   "component", lang))
    values = grid.values.assign(label=i18n.data_column(grid.values, "label", lang))
    merged = (grid.links
              .merge(components[["component_id", "position", "component"]],
                     on="component_id", validate="many_to_one")
              .merge(values, on=["framework", "value_id"], validate="many_to_one")
              .sort_values(["position", "framework", "position_in_cell"]))
    return pd.DataFrame({
        "component_id": merged["component_id"],
        heading("component", lang): merged["component"],
        "framework": merged["framework"],
        heading("framework", lang): merged["framework"].map(FRAMEWORK_AUTHORS),
        "value_id": merged["value_id"],
        heading("value", lang): merged["label"],
    }).reset_index(drop=True)


def slide_table(grid: ValueGrid, lang: str) -> pd.DataFrame:
    """The table as the talk shows it: one row per component, values joined within a cell."""
    long = crosswalk(grid, lang)
    value_col = heading("value", lang)
    cells = (long.groupby(["component_id", "framework"], sort=False)[value_col]
             .agg(CELL_SEPARATOR.join).unstack())
    table = grid.components.set_index("component_id")
    return pd.DataFrame({
        heading("component", lang): i18n.data_column(table, "component", lang),
        framework_heading(grid, "csukas2021", lang): i18n.quoted_column(table,
                                                                        "characterisation", lang),
        **{framework_heading(grid, fw, lang): cells.loc[table.index, fw] for fw in FRAMEWORKS},
    }).reset_index(drop=True)


def incidence(grid: ValueGrid, framework: str, lang: str) -> pd.DataFrame:
    """0/1 matrix: components (rows, slide order) × values of one framework (first-seen order)."""
    long = crosswalk(grid, lang)
    long = long[long["framework"] == framework]
    value_col, comp_col = heading("value", lang), heading("component", lang)
    matrix = pd.crosstab(long[comp_col], long[value_col])
    rows = i18n.data_column(grid.components, "component", lang).tolist()
    return matrix.reindex(index=rows, columns=long[value_col].unique(), fill_value=0)


def value_counts(grid: ValueGrid, lang: str) -> pd.DataFrame:
    """How many components carry each value, per framework, most frequent first."""
    long = crosswalk(grid, lang)
    fw_col, value_col = heading("framework", lang), heading("value", lang)
    comp_col = heading("component", lang)
    counts = (long.groupby(["framework", fw_col, "value_id", value_col], sort=False)
              .agg(**{heading("n_components", lang): (comp_col, "nunique"),
                      heading("components", lang): (comp_col, CELL_SEPARATOR.join)})
              .reset_index())
    counts = counts.sort_values(["framework", heading("n_components", lang), "value_id"],
                                ascending=[True, False, True], kind="stable")
    return counts.reset_index(drop=True)


def plot_heatmap(matrix: pd.DataFrame, lang: str):
    """Heatmap of a 0/1 component × value matrix; cells are marked, not shaded by magnitude."""
    import matplotlib.pyplot as plt

    from analysis.figures import marked_heatmap

    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    marked_heatmap(ax, matrix, colors=("#f4f4f4", "#2b6a99"),
                   marks=matrix.replace({0: "", 1: "●"}), mark_style={"color": "white",
                                                                      "fontsize": 11})
    ax.set_xlabel(f"{heading('value', lang)} — {FRAMEWORK_AUTHORS['harrison2012']}")
    ax.set_ylabel(f"{heading('component', lang)} — {FRAMEWORK_AUTHORS['csukas2021']}")
    ax.tick_params(axis="x", rotation=35)
    plt.setp(ax.get_xticklabels(), ha="right")
    fig.tight_layout()
    return fig


def plot_value_counts(counts: pd.DataFrame, lang: str):
    """One horizontal bar panel per framework: number of components carrying each value."""
    import matplotlib.pyplot as plt

    n_col, value_col = heading("n_components", lang), heading("value", lang)
    sizes = [int((counts["framework"] == fw).sum()) for fw in FRAMEWORKS]
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.5), gridspec_kw={"width_ratios": sizes})
    for ax, fw in zip(axes, FRAMEWORKS, strict=True):
        part = counts[counts["framework"] == fw].iloc[::-1]
        ax.barh(part[value_col], part[n_col], color="#2b6a99")
        ax.set_title(FRAMEWORK_AUTHORS[fw], fontsize=10)
        ax.set_xlabel(n_col)
        ax.set_xlim(0, len(part) and max(counts[n_col]) + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def _top_values(counts: pd.DataFrame, framework: str, lang: str) -> tuple[list[str], int]:
    part = counts[counts["framework"] == framework]
    n_col = heading("n_components", lang)
    top = int(part[n_col].max())
    return part.loc[part[n_col] == top, heading("value", lang)].tolist(), top


def summary(counts: pd.DataFrame, n_components: int, lang: str) -> str:
    """A sentence per framework naming the most frequently linked values, from the data."""
    lines = []
    for fw in FRAMEWORKS:
        names, top = _top_values(counts, fw, lang)
        listed = ", ".join(f"*{n}*" for n in names)
        sentence = i18n.ngettext(
            lang, "- {authors}: the most often linked value ({listed}) is named for {top} of "
            "the {n} components.", "- {authors}: the most often linked values ({listed}) are "
            "named for {top} of the {n} components.", len(names))
        lines.append(sentence.format(authors=i18n.isolate(FRAMEWORK_AUTHORS[fw], lang),
                                     listed=listed, top=i18n.integer(top, lang),
                                     n=i18n.integer(n_components, lang)))
    return "\n".join(lines)


def counts_alt_text(counts: pd.DataFrame, lang: str) -> str:
    """Alt text for the counts figure, with the numbers of values read from the data."""
    sizes = [int((counts["framework"] == fw).sum()) for fw in FRAMEWORKS]
    return i18n.gettext(
        lang, "Two horizontal bar charts: left, the {left} Harrison et al. value types; right, "
        "the {right} Jørgensen & Bozeman values; each bar is the number of components linked "
        "to it.").format(left=i18n.integer(sizes[0], lang), right=i18n.integer(sizes[1], lang))
