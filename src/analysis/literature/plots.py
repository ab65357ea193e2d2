"""Figures of notebook 01, in the style of the published literature-growth figures.

- :func:`growth_figure`: bars per year and a cumulative line on a twin axis (the form of
  Sharifi et al. 2021, Figure 1 and Allam et al. 2022, Figure 2). Years outside the series'
  search window are drawn as a hatched grey band with their counts written out, never as bars,
  so an incomplete year cannot look like a decline. The series' origin ("not the Web of Science
  corpus of ...") is printed on the figure itself.
- :func:`fit_figure`: the counts on a log scale with the log-linear and broken-stick fits and
  the break year's CI.
- :func:`facts_figure`: the published facts as quoted text, grouped by source figure. It has
  no bars: the per-year values of the published figures are not available.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis import i18n
from analysis.i18n import N_
from analysis.literature import facts as facts_mod
from analysis.literature.report import SeriesResult
from analysis.literature.series import CountSeries
from analysis.paths import PROCESS, Paths

BAR, LINE, OUTSIDE, FIT, BREAK = "#3b6ea5", "#c8553d", "0.88", "#2a9d8f", "#6a4c93"

#: Figure text in English (the source); :func:`_texts` gives it in the run's language.
TEXT = {
    "year": N_("Year"), "per_year": N_("Records per year"),
    "cumulative": N_("Cumulative (search window)"),
    "outside": N_("outside the search window {w0}–{w1}: incomplete, not a decline"),
    "source": N_("Source: {source}"),
    "observed": N_("observed (fitted years; zeros not drawn on the log scale)"),
    "loglinear": N_("log-linear {family}: {rate}/yr"),
    "segmented": N_("broken stick ({family}), break {brk}"),
    "break_ci": N_("95% CI of the break year"), "claim": N_("claimed surge year {year}"),
    "fit_title": N_("Growth fits: {title}"),
    "facts_title": N_("What the sources publish (quoted; per-year values not available)"),
    "value": N_("value"), "years": N_("years"),
}
#: Model families as the fits name them (shown in legends), marked for the catalogue.
_FAMILIES = (N_("poisson"), N_("negbin"))
FIGURE_TITLES = {
    "sharifi2021_fig1": N_("Sharifi et al. (2021), Figure 1 — Web of Science, 1991–early 2021"),
    "allam2022_fig2": N_("Allam et al. (2022), Figure 2 — 'Smart Urban Governance', "
                         "Web of Science, 1978–early 2022"),
}


def _texts(lang: str) -> dict[str, str]:
    return {key: i18n.gettext(lang, message) for key, message in TEXT.items()}


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _outside_blocks(years: list[int]) -> list[list[int]]:
    """Consecutive runs of years (each run becomes one hatched band)."""
    blocks: list[list[int]] = []
    for year in sorted(years):
        if blocks and year == blocks[-1][-1] + 1:
            blocks[-1].append(year)
        else:
            blocks.append([year])
    return blocks


def _mark_outside(ax, shown: pd.DataFrame, series: CountSeries, text: dict, lang: str) -> None:
    """Hatched band per run of out-of-window years, its counts written vertically inside."""
    outside = shown[~shown["in_search_window"]]
    counts = dict(zip(outside["year"], outside["records"], strict=True))
    for block in _outside_blocks(list(counts)):
        ax.axvspan(block[0] - 0.5, block[-1] + 0.5, facecolor=OUTSIDE, edgecolor="0.55",
                   hatch="///", linewidth=0, zorder=0)
        listing = "\n".join(i18n.isolate(f"{y}: {i18n.integer(counts[y], lang)}", lang)
                            for y in block)
        note = text["outside"].format(w0=series.window[0], w1=series.window[1])
        ax.text(np.mean(block), 0.5, f"{listing}\n{note}", transform=ax.get_xaxis_transform(),
                ha="center", va="center", rotation=90, fontsize=7, color="0.2",
                bbox={"facecolor": "white", "edgecolor": "0.6", "boxstyle": "round,pad=0.3"},
                zorder=5)


def _titles(fig: Figure, ax, series: CountSeries, lang: str, title: str) -> None:
    ax.set_title(_wrap(series.origin[lang], 105), loc="left", fontsize=8, color="0.2")
    fig.suptitle(title, x=0.02, y=1.0, ha="left", va="bottom", fontsize=12, fontweight="bold")


def _footer(fig: Figure, series: CountSeries, lang: str) -> None:
    lines = [i18n.gettext(lang, TEXT["source"]).format(source=i18n.isolate(series.source, lang))]
    if series.no_year:
        lines.insert(0, i18n.ngettext(lang, "{n} record without a year is not shown.",
                                      "{n} records without a year are not shown.",
                                      series.no_year).format(n=i18n.integer(series.no_year,
                                                                            lang)))
    fig.text(0.02, -0.02, _wrap(" ".join(lines), 150), fontsize=6.5, color="0.35",
             ha="left", va="top")


def growth_figure(series: CountSeries, lang: str, year_from: int, year_to: int,
                  log_scale: bool = False) -> Figure:
    """Bars per year and cumulative line; out-of-window years hatched and annotated."""
    text = _texts(lang)
    shown = series.with_cumulative()
    shown = shown[(shown["year"] >= year_from) & (shown["year"] <= year_to)]
    inside = shown[shown["in_search_window"]]
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    ax.bar(inside["year"], inside["records"], color=BAR, width=0.75, zorder=2,
           label=text["per_year"])
    _mark_outside(ax, shown, series, text, lang)
    ax.set_xlabel(text["year"])
    ax.set_ylabel(text["per_year"])
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlim(shown["year"].min() - 0.6, shown["year"].max() + 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    ax2.plot(inside["year"], inside["cumulative"], color=LINE, marker="o", markersize=3.5,
             linewidth=1.8, zorder=3, label=text["cumulative"])
    ax2.set_ylabel(text["cumulative"], color=LINE)
    ax2.tick_params(axis="y", colors=LINE)
    ax2.set_ylim(bottom=0)
    if not log_scale:  # counts in the locale's notation (fr 1 000, en 1,000); years stay plain
        for axis in (ax.yaxis, ax2.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda v, _pos: i18n.number(v, lang)))
    handles = [*ax.get_legend_handles_labels()[0], *ax2.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    _titles(fig, ax, series, lang, series.title[lang])
    _footer(fig, series, lang)
    return fig


def fit_figure(result: SeriesResult, lang: str, claimed_year: int, year_from: int,
               year_to: int) -> Figure:
    """Observed counts (log scale), log-linear and broken-stick fits, break-year CI."""
    text = _texts(lang)
    series = result.series
    shown = series.shown(year_from, year_to)
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    fitted = shown[shown["year"].isin(result.years) & (shown["records"] > 0)]
    ax.scatter(fitted["year"], fitted["records"], color=BAR, zorder=4, label=text["observed"])
    _mark_outside(ax, shown, series, text, lang)
    grid = np.linspace(min(result.years), max(result.years), 200)
    for fit, style in zip(result.fits, (":", "--"), strict=True):
        ax.plot(grid, fit.predict(grid), style, color=FIT, linewidth=1.4,
                label=text["loglinear"].format(family=i18n.gettext(lang, fit.family),
                                             rate=i18n.signed_percent(fit.growth_rate, lang)))
    brk = result.best_break()
    if brk is not None:
        ax.plot(grid, brk.predict(grid), color=BREAK, linewidth=2,
                label=text["segmented"].format(family=i18n.gettext(lang, brk.family),
                                             brk=i18n.year(brk.break_year, lang)))
        ax.axvspan(brk.break_low - 0.1, brk.break_high + 0.1, color=BREAK, alpha=0.12,
                   label=text["break_ci"])
    ax.axvline(claimed_year, color="0.3", linestyle=(0, (1, 2)), linewidth=1,
               label=text["claim"].format(year=claimed_year))
    ax.set_yscale("log")
    ax.set_xlabel(text["year"])
    ax.set_ylabel(text["per_year"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(shown["year"].min() - 0.6, shown["year"].max() + 0.6)
    ax.legend(loc="upper left", fontsize=7.5, frameon=False)
    _titles(fig, ax, series, lang, text["fit_title"].format(title=series.title[lang]))
    _footer(fig, series, lang)
    return fig


#: How the facts panel labels a quote that is not verbatim, by the text it was read in.
#: How a paraphrase names what it summarises (the facts' ``read_in``), in English.
SUMMARY_LABEL = {"abstract": N_("summary of the abstract"),
                 "figure caption": N_("summary of the caption"),
                 "talk text": N_("summary of the talk"), "source page": N_("summary of the source"),
                 "compendium": N_("compendium's note")}


def _fact_blocks(rows: pd.DataFrame, lang: str) -> list[tuple[str, str, list[str]]]:
    """(heading, quote, bullet lines): rows that rest on the same quote share one block.

    Only verbatim quotes get quotation marks; a summary is labelled with what it summarises
    (or as the compendium's own note), so the panel never puts words in an author's mouth.
    """
    # TRANSLATORS: how a verbatim quote is enclosed in this language (keep {quote}).
    quoted = i18n.gettext(lang, "“{quote}”")
    blocks: dict[tuple[str, str, str], list[str]] = {}
    for _, row in rows.iterrows():
        verbatim = str(row["quote_verbatim"]).lower() == "true"
        quote = (quoted.format(quote=row["quote"]) if verbatim
                 else f"[{i18n.gettext(lang, SUMMARY_LABEL[row['read_in']])}] {row['quote']}")
        location = row["location"]
        if location == facts_mod.NOT_AVAILABLE:  # only the source page is known
            location = i18n.gettext(lang, "place in the source not available")
        key = (row["source"], location, quote)
        period = facts_mod.period_text(row)
        value = facts_mod.value_text(row, lang)
        bullet = f"• {row['quantity']}: {value}" + (f"  [{period}]" if period else "")
        blocks.setdefault(key, []).append(bullet)
    return [(f"{src} — {loc}", quote, bullets) for (src, loc, quote), bullets in blocks.items()]


def facts_figure(table: pd.DataFrame, lang: str) -> Figure:
    """The quoted facts about the two published figures, as text (no bars)."""
    text = _texts(lang)
    lines: list[tuple[str, dict]] = []  # (text, style) one per printed line
    for key in facts_mod.FIGURES:
        lines.append((i18n.gettext(lang, FIGURE_TITLES[key]),
                      {"fontsize": 10, "fontweight": "bold", "x": 0.0}))
        for heading, quote, bullets in _fact_blocks(table[table["figure"] == key], lang):
            lines.append((heading, {"fontsize": 8, "fontweight": "bold", "x": 0.01}))
            for part in textwrap.wrap(quote, 125):
                lines.append((part, {"fontsize": 7.5, "style": "italic", "color": "0.25",
                                     "x": 0.03}))
            for bullet in bullets:
                for k, part in enumerate(textwrap.wrap(bullet, 120)):
                    lines.append((part, {"fontsize": 7.5, "x": 0.03 if k == 0 else 0.045}))
        lines.append(("", {}))
    line_height, top = 0.17, 0.2  # inches
    height = top + line_height * len(lines)
    fig = plt.figure(figsize=(10, height))
    fig.suptitle(text["facts_title"], x=0.0, y=1.0, ha="left", va="bottom", fontsize=12,
                 fontweight="bold")
    for index, (line, style) in enumerate(lines):
        if line:
            style = dict(style)
            x = style.pop("x")
            fig.text(x, 1 - (top + line_height * index) / height, line, va="top", **style)
    return fig


def alt_growth(series: CountSeries, lang: str, year_from: int, year_to: int) -> str:
    """Alt text computed from the plotted data, so it follows the data."""
    rows = series.in_window(year_from, year_to)
    outside = series.shown(year_from, year_to)
    outside = outside[~outside["in_search_window"]]
    first, last = rows.iloc[0], rows.iloc[-1]
    text = i18n.gettext(lang, "Bar chart of records per year from {y0} to {y1} ({n0} to {n1}), "
                        "with a cumulative line reaching {total}.").format(
        y0=int(first.year), y1=int(last.year), n0=i18n.integer(first.records, lang),
        n1=i18n.integer(last.records, lang), total=i18n.integer(rows["records"].sum(), lang))
    if len(outside):
        text += " " + i18n.gettext(lang, "Years {years} lie outside the search window: hatched "
                                   "band, no bar.").format(years=", ".join(map(str,
                                                                              outside["year"])))
    return text


# --- what notebook 01 saves and shows, one figure per series ----------------------------------

def artifact_key(series: CountSeries) -> str:
    """``openalex-snapshot:allam`` -> ``openalex-snapshot-allam``: a series key in a file name."""
    return series.key.replace(":", "-")


def save_growth_figures(chosen: list[CountSeries], lang: str, year_from: int, year_to: int,
                        log_scale: bool, *, paths: Paths = PROCESS) -> None:
    """Save and show each series' records-per-year figure, captioned by its title and origin."""
    from analysis import figures

    for series in chosen:
        fig = growth_figure(series, lang, year_from, year_to, log_scale)
        figures.save(fig, f"literature_growth_{artifact_key(series)}_{lang}",
                     source=series.source, caption=f"{series.title[lang]}. {series.origin[lang]}.",
                     alt=alt_growth(series, lang, year_from, year_to), show=True, paths=paths)


def save_fit_figures(results: list[SeriesResult], lang: str, claimed_year: int, year_from: int,
                     year_to: int, *, paths: Paths = PROCESS) -> None:
    """Save and show the fitted curves of each series that could be fitted (others have none)."""
    from analysis import figures

    for result in (r for r in results if r.fits):
        fig = fit_figure(result, lang, claimed_year, year_from, year_to)
        figures.save(
            fig, f"literature_fit_{artifact_key(result.series)}_{lang}",
            source=result.series.source,
            caption=i18n.gettext(lang, "Log-linear and broken-stick fits (log scale); band: 95% "
                                 "CI of the break year.") + " " + result.series.origin[lang] + ".",
            alt=i18n.render(lang, "Records per year from {y0} to {y1} on a log scale, with the "
                            "fitted curves and the estimated break.", y0=result.years[0],
                            y1=result.years[-1]), show=True, paths=paths)
