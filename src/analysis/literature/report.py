"""Run the growth statistics on each series and lay the results out as tables (notebook 01).

Everything here is bookkeeping around :mod:`analysis.literature.growth`: which years enter the
fits (in the search window AND in [year_from, year_to]), which year pairs get a fold change,
and one verdict per claim and series.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis import i18n, textlist
from analysis.errors import ParameterError
from analysis.i18n import N_
from analysis.literature import growth
from analysis.literature.series import CountSeries


@dataclass(frozen=True)
class GrowthConfig:
    """Notebook parameters that drive the statistics."""

    year_from: int
    year_to: int
    break_from: float
    break_to: float
    break_step: float = 1.0
    n_bootstrap: int = 199
    seed: int = growth.SEED
    surge_year: int = 2015
    surge_tolerance: float = 2.0
    claim_from: int = 2015
    claim_to: int = 2021
    claim_fold: float = 10.0
    fold_pairs: tuple[tuple[int, int], ...] = ()
    alpha: float = 0.05


@dataclass
class SeriesResult:
    series: CountSeries
    years: list[int]
    fits: list[growth.LogLinearFit] = field(default_factory=list)
    breaks: list[growth.BreakFit] = field(default_factory=list)
    folds: list[tuple[growth.FoldChange | None, str]] = field(default_factory=list)
    cagr: float = math.nan
    verdicts: list[growth.Verdict] = field(default_factory=list)
    skipped: str = ""

    def best_break(self, family: str = "negbin") -> growth.BreakFit | None:
        return next((b for b in self.breaks if b.family == family), None)


def parse_pairs(text: str, parameter: str = "fold_pairs") -> tuple[tuple[int, int], ...]:
    """``"2015-2019, 2010-2019"`` -> ``((2015, 2019), (2010, 2019))``.

    >>> parse_pairs("2015-2019, 2010-2019")
    ((2015, 2019), (2010, 2019))
    >>> parse_pairs("2019-2015,abc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.errors.ParameterError: parameter 'fold_pairs': '2019-2015' ends before it starts; ...
    """
    pairs = []
    for item in textlist.items(str(text)):
        match = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", item)
        problem = ("is not YEAR-YEAR" if not match else
                   "ends before it starts" if int(match[1]) > int(match[2]) else "")
        if problem:
            raise ParameterError(f"parameter {parameter!r}: {item!r} {problem}; expected "
                                 "YEAR-YEAR pairs, comma-separated, e.g. 2015-2019,2010-2019")
        pairs.append((int(match[1]), int(match[2])))
    return tuple(pairs)


def growth_config(year_from: int, year_to: int, break_from: float, break_to: float, *,
                  n_bootstrap: int, surge_tolerance: float, fold_pairs: str) -> GrowthConfig:
    """The statistics' settings from notebook 01's parameters; an empty range is refused
    before any series is read."""
    if year_from > year_to or break_from > break_to:
        raise ParameterError(f"empty range: year {year_from}-{year_to}, "
                             f"break {break_from}-{break_to}")
    return GrowthConfig(year_from=year_from, year_to=year_to, break_from=break_from,
                        break_to=break_to, n_bootstrap=n_bootstrap,
                        surge_tolerance=surge_tolerance, fold_pairs=parse_pairs(fold_pairs))


def analyse(series: CountSeries, cfg: GrowthConfig, lang: str = "en") -> SeriesResult:
    """Fits, break, fold changes, CAGR and verdicts for one series."""
    rows = series.in_window(cfg.year_from, cfg.year_to)
    years = [int(y) for y in rows["year"]]
    counts = [int(c) for c in rows["records"]]
    result = SeriesResult(series, years)
    window_counts = series.as_dict()
    result.folds = [_fold(window_counts, series.window, a, b)
                    for a, b in (*cfg.fold_pairs, (cfg.claim_from, cfg.claim_to))]
    result.verdicts.append(growth.tenfold_verdict(
        series.key, window_counts, series.window, cfg.claim_from, cfg.claim_to,
        cfg.claim_fold, lang=lang))
    if len(years) < 5:
        result.skipped = f"{len(years)} in-window years in {cfg.year_from}-{cfg.year_to}"
        result.verdicts.insert(0, growth.Verdict(
            growth.surge_claim(cfg.surge_year, lang), series.key, growth.NOT_TESTABLE,
            result.skipped))
        return result
    result.fits = [growth.loglinear(years, counts, family) for family in growth.FAMILIES]
    # The bootstrap (the costly part) runs for the negative binomial only: it carries the
    # verdict, while the Poisson fit is shown for comparison and is visibly overdispersed.
    result.breaks = [growth.segmented(years, counts, cfg.break_from, cfg.break_to,
                                      family=family, step=cfg.break_step,
                                      n_bootstrap=cfg.n_bootstrap if family == "negbin" else 0,
                                      seed=cfg.seed)
                     for family in growth.FAMILIES]
    result.cagr = growth.cagr(years[0], counts[0], years[-1], counts[-1])
    result.verdicts.insert(0, growth.surge_verdict(
        series.key, result.best_break(), cfg.surge_year, cfg.surge_tolerance, cfg.alpha, lang))
    return result


def _fold(counts: dict[int, int], window: tuple[int, int], first: int,
          last: int) -> tuple[growth.FoldChange | None, str]:
    outside = [y for y in (first, last) if y not in counts]
    if outside:
        return None, (f"{first}-{last}: {', '.join(map(str, outside))} outside the search "
                      f"window {window[0]}-{window[1]}")
    return growth.fold_change(first, counts[first], last, counts[last]), ""


# --- tables ----------------------------------------------------------------------------------

def _pct(x: float) -> float:
    return round(100 * x, 1) if math.isfinite(x) else math.nan


def _yrs(x: float) -> float:
    return round(x, 2) if math.isfinite(x) else math.nan


def growth_table(results: list[SeriesResult]) -> pd.DataFrame:
    """One row per series and family: growth rate and doubling time with 95% CIs, and CAGR."""
    return pd.DataFrame([_growth_row(res, fit) for res in results for fit in res.fits])


def _growth_row(res: SeriesResult, fit: growth.LogLinearFit) -> dict[str, object]:
    return {
        "series": res.series.key, "model": f"log-linear {fit.family}",
        "years": f"{fit.year_from}-{fit.year_to}", "n_years": fit.n_years,
        "growth_pct_per_year": _pct(fit.growth_rate),
        "growth_ci_low": _pct(fit.growth_low), "growth_ci_high": _pct(fit.growth_high),
        "doubling_years": _yrs(fit.doubling_time),
        "doubling_ci_low": _yrs(fit.doubling_low),
        "doubling_ci_high": _yrs(fit.doubling_high),
        "nb_alpha": round(fit.alpha, 4) if math.isfinite(fit.alpha) else math.nan,
        "pearson_dispersion": round(fit.pearson_dispersion, 2),
        "cagr_pct_bibliometrix": _pct(res.cagr),
    }


def break_table(results: list[SeriesResult]) -> pd.DataFrame:
    """One row per series and family: break year, its CI, growth before/after, LR test."""
    return pd.DataFrame([_break_row(res, brk) for res in results for brk in res.breaks])


def _break_row(res: SeriesResult, brk: growth.BreakFit) -> dict[str, object]:
    return {
        "series": res.series.key, "model": f"segmented {brk.family}",
        "break_search": f"{brk.grid_from:g}-{brk.grid_to:g}",
        "break_year": brk.break_year, "break_ci_low": brk.break_low,
        "break_ci_high": brk.break_high, "ci_at_search_edge": brk.ci_at_grid_edge,
        "growth_before_pct": _pct(brk.growth_before),
        "growth_after_pct": _pct(brk.growth_after),
        "lr_statistic": round(brk.lr, 2),
        "p_chi2_approx": float(f"{brk.p_chi2:.3g}"),
        "p_bootstrap": round(brk.p_bootstrap, 4) if brk.n_bootstrap else math.nan,
        "n_bootstrap": brk.n_bootstrap,
    }


def fold_table(results: list[SeriesResult]) -> pd.DataFrame:
    """Fold changes between year pairs with exact conditional 95% CIs (or why not)."""
    rows = []
    for res in results:
        for fold, why in res.folds:
            if fold is None:
                first, last = why.split(":")[0].split("-")
                rows.append({"series": res.series.key, "year_from": int(first),
                             "year_to": int(last), "count_from": pd.NA, "count_to": pd.NA,
                             "fold_change": math.nan, "ci_low": math.nan, "ci_high": math.nan,
                             "note": why})
                continue
            rows.append({"series": res.series.key, "year_from": fold.year_from,
                         "year_to": fold.year_to, "count_from": fold.count_from,
                         "count_to": fold.count_to, "fold_change": round(fold.ratio, 3),
                         "ci_low": round(fold.low, 3), "ci_high": round(fold.high, 3),
                         "note": "exact conditional (Clopper-Pearson) CI, Poisson counts"})
    return pd.DataFrame(rows)


def claims_table(results: list[SeriesResult], lang: str = "en") -> pd.DataFrame:
    """One verdict per claim and series (verdict wording in ``lang``)."""
    return pd.DataFrame([{"claim": v.claim, "series": v.series,
                          "verdict": verdict_text(v.verdict, lang), "evidence": v.evidence}
                         for res in results for v in res.verdicts])


def verdict_text(verdict: str, lang: str) -> str:
    return i18n.gettext(lang, verdict)


def counts_table(series: list[CountSeries], year_from: int, year_to: int) -> pd.DataFrame:
    """The plotted counts, long form, with the window flag and the cumulative in-window total."""
    columns = ["series", "year", "records", "in_search_window", "cumulative"]
    frames = []
    for s in series:
        rows = s.with_cumulative().assign(series=s.key)
        frames.append(rows[(rows["year"] >= year_from) & (rows["year"] <= year_to)][columns])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


# --- reading the results in words ---------------------------------------------------------------

_SUMMARY = {  # English source; translated by the catalogue (i18n.messages)
    "series": N_("**{key}** ({y0}–{y1}, {n} years in the search window): the negative-binomial "
                 "log-linear fit gives {rate:.0f}% a year (95% CI {lo:.0f}–{hi:.0f}%), a "
                 "doubling time of {dbl:.1f} years; the bibliometrix CAGR is {cagr}."),
    "break": N_(" The best broken stick puts the change in growth rate at {brk:g} (95% profile "
                "CI {blo:g}–{bhi:g}): {before:.0f}% a year before, {after:.0f}% after "
                "(bootstrap p = {p:.3f}, B = {b})."),
    "verdict": N_("- *{claim}* — **{verdict}**: {evidence}."),
    "skipped": N_("**{key}**: too few in-window years for the fits ({why})."),
    "none": N_("No series was selected."),
}
#: Column codes of the tables of notebook 01, marked for the catalogue (headers in fr/ar).
_COLUMNS = (N_("series"), N_("model"), N_("years"), N_("n_years"), N_("growth_pct_per_year"),
            N_("growth_ci_low"), N_("growth_ci_high"), N_("doubling_years"),
            N_("doubling_ci_low"), N_("doubling_ci_high"), N_("nb_alpha"),
            N_("pearson_dispersion"), N_("cagr_pct_bibliometrix"), N_("break_search"),
            N_("break_year"), N_("break_ci_low"), N_("break_ci_high"), N_("ci_at_search_edge"),
            N_("growth_before_pct"), N_("growth_after_pct"), N_("lr_statistic"),
            N_("p_chi2_approx"), N_("p_bootstrap"), N_("n_bootstrap"), N_("year_from"),
            N_("year_to"), N_("count_from"), N_("count_to"), N_("fold_change"), N_("ci_low"),
            N_("ci_high"), N_("claim"), N_("verdict"), N_("evidence"), N_("year"),
            N_("records"), N_("in_search_window"), N_("cumulative"), N_("fact_id"),
            N_("source"), N_("location"), N_("quantity"), N_("comparator"), N_("unit"),
            N_("quote"))
#: Verdict codes, marked so that the catalogue lists them (their English text is the code).
_VERDICTS = (N_("supported"), N_("not supported"), N_("inconclusive"),
             N_("not testable with this series"))


def summary_markdown(results: list[SeriesResult], lang: str = "en") -> str:
    """Sentences computed from the results, so the reading follows the data."""
    text = i18n.messages(_SUMMARY, lang)
    if not results:
        return str(text["none"])
    parts = []
    for res in results:
        nb = next((f for f in res.fits if f.family == "negbin"), None)
        if nb is None:
            parts.append(text["skipped"].format(key=res.series.key, why=res.skipped))
        else:
            cagr = (i18n.gettext(lang, "n/a") if math.isnan(res.cagr)
                    else i18n.percent(res.cagr, lang, 0))
            para = text["series"].format(
                key=res.series.key, y0=nb.year_from, y1=nb.year_to, n=nb.n_years,
                rate=100 * nb.growth_rate, lo=100 * nb.growth_low, hi=100 * nb.growth_high,
                dbl=nb.doubling_time, cagr=cagr)
            brk = res.best_break()
            if brk is not None:
                para += text["break"].format(
                    brk=brk.break_year, blo=brk.break_low, bhi=brk.break_high,
                    before=100 * brk.growth_before, after=100 * brk.growth_after,
                    p=brk.p_bootstrap, b=brk.n_bootstrap)
            parts.append(para)
        for v in res.verdicts:
            parts.append(text["verdict"].format(claim=v.claim,
                                                verdict=verdict_text(v.verdict, lang),
                                                evidence=v.evidence))
    return "\n\n".join(parts)
