"""Growth statistics for annual publication counts, and explicit verdicts on the talk's claims.

A bar chart invites eyeballing ("it explodes after 2015"); these functions put numbers with
uncertainty on it instead:

- :func:`loglinear` — log-linear Poisson and negative-binomial (NB2) regressions of counts on
  year: annual growth rate and doubling time with Wald 95% CIs. Counts of an expanding field are
  overdispersed, so the NB fit is the one to read; the Poisson fit is shown for comparison.
- :func:`segmented` — a broken-stick model on the log mean (the growth rate changes at an
  estimated break year), found by grid search; likelihood-ratio test against no break, with a
  parametric-bootstrap p-value because the break year is estimated (the chi-square reference
  is then only approximate), and a profile-likelihood CI for the break year.
- :func:`fold_change` — ratio of the counts of two years with an exact conditional
  (Clopper-Pearson) CI, assuming Poisson counts.
- :func:`cagr` — bibliometrix's "annual growth rate", (last/first)^(1/(n-1)) - 1, for
  comparison with published bibliometric studies.
- :func:`surge_verdict` and :func:`tenfold_verdict` — one verdict per claim and series.

The bootstrap fits thousands of tiny models, so every likelihood is maximised by the batched
Newton solver of :mod:`analysis.literature._nb2`, and the distributions come from
``scipy.special``: the build imports neither statsmodels nor scipy.stats (seconds of start-up).
:mod:`analysis.literature._growth_reference` computes the same statistics with statsmodels; the
tests (``tests/literature/test_growth_fast.py``) hold the two to 1e-6.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import special

from analysis import i18n
from analysis.i18n import N_
from analysis.literature import _nb2

LEVEL = 0.95
FAMILIES = ("poisson", "negbin")
SEED = 20240531
#: Years before the first, or after the last, observed year that a break needs on each side.
MIN_SIDE = 2


def _arrays(years, counts) -> tuple[np.ndarray, np.ndarray]:
    """Validate and align a count series; fits need at least three distinct years."""
    y = np.asarray(years, dtype=float)
    c = np.asarray(counts, dtype=float)
    if y.shape != c.shape or y.ndim != 1:
        raise ValueError(f"years and counts must be 1-D of equal length, got {y.shape}, {c.shape}")
    if len(y) < 3:
        raise ValueError(f"a growth fit needs at least 3 years, got {len(y)}")
    if np.any(c < 0) or np.any(~np.isfinite(c)):
        raise ValueError("counts must be finite and non-negative")
    if not np.any(c > 0):
        raise ValueError("counts are all zero: a growth fit needs a non-zero count")
    order = np.argsort(y)
    return y[order], c[order]


@dataclass(frozen=True)
class _Fit:
    params: np.ndarray
    bse: np.ndarray
    llf: float
    alpha: float  # NB2 dispersion; nan for Poisson
    converged: bool


def _check_family(family: str) -> None:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")


def _fits(counts: np.ndarray, design: np.ndarray, family: str,
          need_se: bool = True) -> list[_Fit]:
    """Maximum-likelihood fits of a log-linear count model, one per row of ``counts``
    (``(m, n)``) with its design (``(n, k)`` shared or ``(m, n, k)``); ``params`` excludes NB's
    alpha. All rows are fitted at once (:mod:`analysis.literature._nb2`).

    NB2 has the Poisson model as its limit alpha -> 0. When the data show no overdispersion
    the maximum is on that boundary: the Poisson fit is returned with alpha = 0 (when the NB2
    likelihood is not above the Poisson one by more than 1e-9, when alpha < 1e-8, or when the
    NB2 fit is not finite). ``need_se=False`` skips the Hessian (profile and bootstrap fits only
    need the likelihood).
    """
    _check_family(family)
    batch = (_nb2.poisson if family == "poisson" else _nb2.negbin)(counts, design, need_se)
    return [_Fit(batch.params[i], batch.bse[i], float(batch.llf[i]), float(batch.alpha[i]),
                 bool(batch.converged[i])) for i in range(len(batch.llf))]


def _fit(counts: np.ndarray, design: np.ndarray, family: str, need_se: bool = True) -> _Fit:
    """One fit (see :func:`_fits`)."""
    return _fits(counts, design, family, need_se)[0]


def _chi2_1_ppf(q: float) -> float:
    """Quantile of chi-square(1); as scipy.stats.chi2.ppf computes it. The distributions here
    come from scipy.special because importing scipy.stats costs about a second."""
    return float(2 * special.gammaincinv(0.5, q))


def _linear_design(y: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(y), y - y.mean()])


@dataclass(frozen=True)
class _Engine:
    """Who maximises the likelihoods: the batched fast path here, or the statsmodels reference
    (``analysis.literature._growth_reference``) that the tests compare it with.

    ``fit(counts, design, family, need_se)`` is one fit; ``profile(years, counts, grid,
    family)`` the broken stick at each break of ``grid``; ``lr_statistics(years, simulated,
    grid, family, min_side)`` the LR statistic of each simulated series (a row of
    ``simulated``), as :func:`_lr_statistic` defines it.
    """

    fit: Callable[..., _Fit]
    profile: Callable[..., list[_Fit]]
    lr_statistics: Callable[..., np.ndarray]


@dataclass(frozen=True)
class LogLinearFit:
    """Annual growth from ``log E[count] = a + b * year``: rate = e^b - 1, doubling = ln 2 / b."""

    family: str
    year_from: int
    year_to: int
    n_years: int
    intercept: float
    origin: float
    slope: float
    slope_low: float
    slope_high: float
    growth_rate: float
    growth_low: float
    growth_high: float
    doubling_time: float
    doubling_low: float
    doubling_high: float
    alpha: float
    pearson_dispersion: float
    loglik: float
    converged: bool

    def as_row(self) -> dict:
        return asdict(self)

    def predict(self, years) -> np.ndarray:
        """Fitted mean count for each year (for drawing the curve)."""
        return np.exp(self.intercept + self.slope * (np.asarray(years, float) - self.origin))


def doubling_time(slope: float) -> float:
    """ln 2 / slope; infinite when the series does not grow (no doubling ever)."""
    return math.log(2) / slope if slope > 0 else math.inf


def _pearson_dispersion(counts: np.ndarray, design: np.ndarray, fit: _Fit) -> float:
    """Pearson chi-square / residual df: about 1 when the family's variance fits the data;
    far above 1 for Poisson means its CIs are too narrow (read the NB fit instead)."""
    mu = np.exp(design @ fit.params)
    variance = mu if math.isnan(fit.alpha) else mu + fit.alpha * mu**2
    df = len(counts) - design.shape[1] - (0 if math.isnan(fit.alpha) else 1)
    return float(np.sum((counts - mu) ** 2 / variance) / df) if df > 0 else math.nan


def loglinear(years, counts, family: str = "negbin", level: float = LEVEL) -> LogLinearFit:
    """Log-linear count regression on year with a Wald CI for the slope.

    Years are centred before fitting (numerical stability only; the slope is unchanged). The CI
    of the growth rate and doubling time are the slope's CI transformed, which is exact for a
    monotone transformation; a slope CI reaching 0 gives an infinite doubling-time bound.
    """
    return _loglinear(_FAST, years, counts, family, level)


def _loglinear(engine: _Engine, years, counts, family: str, level: float) -> LogLinearFit:
    y, c = _arrays(years, counts)
    design = _linear_design(y)
    fit = engine.fit(c, design, family, True)
    z = float(special.ndtri(0.5 + level / 2))
    slope, se = float(fit.params[1]), float(fit.bse[1])
    low, high = slope - z * se, slope + z * se
    return LogLinearFit(
        family=family, year_from=int(y[0]), year_to=int(y[-1]), n_years=len(y),
        intercept=float(fit.params[0]), origin=float(y.mean()), slope=slope, slope_low=low,
        slope_high=high,
        growth_rate=math.expm1(slope), growth_low=math.expm1(low), growth_high=math.expm1(high),
        doubling_time=doubling_time(slope), doubling_low=doubling_time(high),
        doubling_high=doubling_time(low), alpha=fit.alpha,
        pearson_dispersion=_pearson_dispersion(c, design, fit), loglik=fit.llf,
        converged=fit.converged,
    )


# --- segmented (broken-stick) model --------------------------------------------------------

def _estimable_matrix(years: np.ndarray, counts: np.ndarray, grid: np.ndarray,
                      min_side: int) -> np.ndarray:
    """``[i, j]``: the series ``counts[i]`` has ``min_side`` non-zero counts strictly on each
    side of ``grid[j]``."""
    keep = (np.atleast_2d(counts) > 0).astype(int)
    before = (years[None, :] < np.asarray(grid, dtype=float)[:, None]).astype(int)
    after = (years[None, :] > np.asarray(grid, dtype=float)[:, None]).astype(int)
    return (keep @ before.T >= min_side) & (keep @ after.T >= min_side)


def _estimable(years: np.ndarray, counts: np.ndarray | None, tau: float, min_side: int) -> bool:
    """``min_side`` years strictly on each side of ``tau`` (non-zero ones when counts are
    given). With fewer than two non-zero counts on a side, the slope there runs off to
    infinity (all-zero early years "separate") and the likelihood has no maximum."""
    c = np.ones_like(years) if counts is None else counts
    return bool(_estimable_matrix(years, c, np.array([tau]), min_side)[0, 0])


def break_grid(years, break_from: float, break_to: float, step: float = 1.0,
               min_side: int = MIN_SIDE, counts=None) -> np.ndarray:
    """Candidate break years in ``[break_from, break_to]`` (every ``step``) that leave
    ``min_side`` years, non-zero ones if ``counts`` is given, strictly before and after."""
    y = np.asarray(years, dtype=float)
    c = None if counts is None else np.asarray(counts, dtype=float)
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    grid = np.arange(break_from, break_to + step / 2, step)
    grid = grid[np.asarray([_estimable(y, c, t, min_side) for t in grid], dtype=bool)]
    if grid.size == 0:
        what = "years" if c is None else "years with a non-zero count"
        raise ValueError(f"no candidate break year in {break_from}-{break_to} leaves {min_side} "
                         f"{what} on each side in the series {int(y.min())}-{int(y.max())}")
    return grid


def _hinge_design(y: np.ndarray, tau: float, origin: float) -> np.ndarray:
    return np.column_stack([np.ones_like(y), y - origin, np.maximum(0.0, y - tau)])


def _hinge_designs(y: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """``(len(grid), n, 3)``: the broken-stick design of each candidate break."""
    return np.stack([_hinge_design(y, tau, y.mean()) for tau in grid])


def _profile(y: np.ndarray, c: np.ndarray, grid: np.ndarray, family: str) -> list[_Fit]:
    """Fit of the broken stick at each candidate break (each started from its own Poisson
    fit, which IRLS finds reliably); all candidates in one batch."""
    return _fits(np.broadcast_to(c, (len(grid), len(c))), _hinge_designs(y, grid), family,
                 need_se=False)


def _null_fit(engine: _Engine, y: np.ndarray, c: np.ndarray, family: str) -> _Fit:
    return engine.fit(c, _linear_design(y), family, False)


def _lr_statistic(engine: _Engine, y, c, grid, family, min_side: int = MIN_SIDE) -> float:
    """LR of the best estimable break of the grid against no break (0 if none is estimable:
    a simulated series can have more zeros than the observed one)."""
    grid = grid[_estimable_matrix(y, c, grid, min_side)[0]]
    if grid.size == 0:
        return 0.0
    null = _null_fit(engine, y, c, family)
    best = max(f.llf for f in engine.profile(y, c, grid, family))
    return max(0.0, 2 * (best - null.llf))


def _lr_statistics(y: np.ndarray, sims: np.ndarray, grid: np.ndarray, family: str,
                   min_side: int = MIN_SIDE) -> np.ndarray:
    """:func:`_lr_statistic` of every row of ``sims`` at once: one batch for the no-break
    fits, one for every (replicate, estimable break) pair."""
    ok = _estimable_matrix(y, sims, grid, min_side)
    lr = np.zeros(len(sims))
    fitted = np.flatnonzero(ok.any(axis=1))
    if fitted.size == 0:
        return lr
    null = np.array([f.llf for f in _fits(sims[fitted], _linear_design(y), family, False)])
    rep, cand = np.nonzero(ok)
    alt = np.array([f.llf for f in _fits(sims[rep], _hinge_designs(y, grid)[cand], family,
                                         False)])
    best = np.full(len(sims), -np.inf)
    np.maximum.at(best, rep, alt)
    lr[fitted] = np.maximum(0.0, 2 * (best[fitted] - null))
    return lr


_FAST = _Engine(fit=_fit, profile=_profile, lr_statistics=_lr_statistics)


def _simulate(mu: np.ndarray, family: str, alpha: float, rng: np.random.Generator) -> np.ndarray:
    if family == "poisson" or not alpha > 1e-8:
        return rng.poisson(mu).astype(float)
    size = 1.0 / alpha  # NB2: Var = mu + alpha mu^2
    return rng.negative_binomial(size, size / (size + mu)).astype(float)


@dataclass(frozen=True)
class BreakFit:
    """Broken-stick fit: ``log E[count] = a + b1 (year - y0) + b2 max(0, year - break)``."""

    family: str
    year_from: int
    year_to: int
    grid_from: float
    grid_to: float
    break_year: float
    break_low: float
    break_high: float
    ci_at_grid_edge: bool
    growth_before: float
    growth_after: float
    lr: float
    p_chi2: float
    p_bootstrap: float
    n_bootstrap: int
    params: tuple[float, float, float]
    origin: float
    profile: pd.DataFrame

    def as_row(self) -> dict:
        row = asdict(self)
        row.pop("profile")
        return row

    def predict(self, years) -> np.ndarray:
        """Fitted mean count of the best broken-stick model for each year."""
        y = np.asarray(years, float)
        return np.exp(_hinge_design(y, self.break_year, self.origin) @ np.asarray(self.params))


def segmented(years, counts, break_from: float, break_to: float, *, family: str = "negbin",
              step: float = 1.0, level: float = LEVEL, n_bootstrap: int = 199,
              seed: int = SEED, min_side: int = MIN_SIDE) -> BreakFit:
    """Grid-search the break year, test it against no break and give its profile CI.

    ``p_chi2`` refers the LR statistic to chi-square(1). That reference is approximate: the
    break year does not exist under the null, so the usual regularity conditions fail (Davies'
    problem) and the chi-square p-value tends to be too small. ``p_bootstrap`` is the parametric
    bootstrap p-value (simulate from the fitted no-break model, redo the whole grid search);
    read that one. The break-year CI keeps every grid year whose profile log-likelihood is
    within chi-square(1, level)/2 of the best; ``ci_at_grid_edge`` warns that it may extend
    beyond the searched range.
    """
    return _segmented(_FAST, years, counts, break_from, break_to, family=family, step=step,
                      level=level, n_bootstrap=n_bootstrap, seed=seed, min_side=min_side)


def _segmented(engine: _Engine, years, counts, break_from: float, break_to: float, *,
               family: str, step: float, level: float, n_bootstrap: int, seed: int,
               min_side: int) -> BreakFit:
    y, c = _arrays(years, counts)
    grid = break_grid(y, break_from, break_to, step, min_side, counts=c)
    null = _null_fit(engine, y, c, family)
    fits = engine.profile(y, c, grid, family)
    llf = np.array([f.llf for f in fits])
    best = int(np.argmax(llf))
    lr = max(0.0, 2 * (llf[best] - null.llf))
    inside = grid[2 * (llf[best] - llf) <= _chi2_1_ppf(level)]
    b1, b2 = fits[best].params[1], fits[best].params[2]
    p_boot = _bootstrap_p(engine, y, null, grid, family, lr, n_bootstrap, seed, min_side)
    return BreakFit(
        family=family, year_from=int(y[0]), year_to=int(y[-1]),
        grid_from=float(grid[0]), grid_to=float(grid[-1]), break_year=float(grid[best]),
        break_low=float(inside.min()), break_high=float(inside.max()),
        ci_at_grid_edge=bool(inside.min() == grid[0] or inside.max() == grid[-1]),
        growth_before=math.expm1(b1), growth_after=math.expm1(b1 + b2),
        lr=float(lr), p_chi2=float(special.chdtrc(1, lr)), p_bootstrap=p_boot,
        n_bootstrap=n_bootstrap,
        params=tuple(float(p) for p in fits[best].params), origin=float(y.mean()),
        profile=pd.DataFrame({"break_year": grid, "loglik": llf}),
    )


def _bootstrap_p(engine: _Engine, y: np.ndarray, null: _Fit, grid: np.ndarray, family: str,
                 lr: float, n_bootstrap: int, seed: int, min_side: int = MIN_SIDE) -> float:
    """(1 + #{LR* >= LR}) / (B + 1) under the fitted no-break model; nan when B = 0.

    The B series are drawn one after another from one generator (the same draws whoever
    fits them), then their LR statistics are computed together."""
    if n_bootstrap <= 0:
        return math.nan
    rng = np.random.default_rng(seed)
    mu = np.exp(_linear_design(y) @ null.params)
    sims = np.stack([_simulate(mu, family, null.alpha, rng) for _ in range(n_bootstrap)])
    exceed = int(np.sum(engine.lr_statistics(y, sims, grid, family, min_side) >= lr - 1e-9))
    return (1 + exceed) / (n_bootstrap + 1)


# --- fold change and CAGR ------------------------------------------------------------------

@dataclass(frozen=True)
class FoldChange:
    """count_to / count_from with an exact conditional CI (Poisson counts assumed)."""

    year_from: int
    year_to: int
    count_from: int
    count_to: int
    ratio: float
    low: float
    high: float


def _odds(p: float) -> float:
    return math.inf if p >= 1 else p / (1 - p)


def fold_change(year_from: int, count_from: int, year_to: int, count_to: int,
                level: float = LEVEL) -> FoldChange:
    """Ratio of two Poisson counts; CI from the binomial of count_to given the total.

    Conditional on n = count_from + count_to, count_to ~ Binomial(n, r / (1 + r)) where r is
    the rate ratio, so the Clopper-Pearson interval of that proportion maps to a CI for r.
    Overdispersion is ignored: for a single pair of years there is nothing to estimate it from.
    """
    return _fold_change(year_from, count_from, year_to, count_to, level, _clopper_pearson)


def _clopper_pearson(count: int, total: int, level: float) -> tuple[float, float]:
    """Central exact (Clopper-Pearson) interval of a binomial proportion, from beta quantiles;
    the bound is 0 (or 1) when the count is 0 (or the total)."""
    tail = (1 - level) / 2
    low = 0.0 if count == 0 else float(special.betaincinv(count, total - count + 1, tail))
    high = 1.0 if count == total else float(special.betainccinv(count + 1, total - count, tail))
    return low, high


def _fold_change(year_from: int, count_from: int, year_to: int, count_to: int, level: float,
                 interval: Callable[[int, int, float], tuple[float, float]]) -> FoldChange:
    total = count_from + count_to
    if total == 0:
        return FoldChange(year_from, year_to, 0, 0, math.nan, math.nan, math.nan)
    low, high = interval(count_to, total, level)
    ratio = math.inf if count_from == 0 else count_to / count_from
    return FoldChange(year_from, year_to, int(count_from), int(count_to), ratio,
                      _odds(float(low)), _odds(float(high)))


def fold_exceeds_p(count_from: int, count_to: int, threshold: float) -> float:
    """One-sided exact conditional p-value for H0: ratio <= threshold vs ratio > threshold:
    P(X >= count_to) for X ~ Binomial(count_from + count_to, threshold / (1 + threshold)),
    which is the regularized incomplete beta I_p(count_to, count_from + 1)."""
    if count_to <= 0:
        return 1.0
    prop = threshold / (1 + threshold)
    return float(special.betainc(count_to, count_from + 1, prop))


def cagr(year_from: int, count_from: float, year_to: int, count_to: float) -> float:
    """bibliometrix's annual growth rate, (last/first)^(1/(n-1)) - 1 over n = to - from + 1
    years; nan when the first count is 0 (undefined)."""
    if count_from <= 0 or year_to <= year_from:
        return math.nan
    return (count_to / count_from) ** (1 / (year_to - year_from)) - 1


# --- verdicts on the talk's claims ---------------------------------------------------------

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE, NOT_TESTABLE = (
    "supported", "not supported", "inconclusive", "not testable with this series")

_SURGE_TEXT = {  # English source; translated by the catalogue (i18n.messages)
    "no_break": N_("no significant change in the growth rate (bootstrap p = {p:.3f}); "
                   "best break {brk:g}"),
    "far": N_("break estimated at {brk:g} (95% CI {lo:g}-{hi:g}), more than {near:g} years "
              "from {year}"),
    "slows": N_("break near {year} ({brk:g}, 95% CI {lo:g}-{hi:g}) but growth slows after it "
                "({before:.0%}/yr before, {after:.0%}/yr after)"),
    "ok": N_("break at {brk:g} (95% CI {lo:g}-{hi:g}), growth {before:.0%}/yr before and "
             "{after:.0%}/yr after; bootstrap p = {p:.3f}"),
    "range": N_("{year} is not inside the series' searchable break range {gfrom:g}-{gto:g}"),
}


def surge_claim(year: int, lang: str = "en") -> str:
    return i18n.render(lang, "surge since {year}", year=year)


def fold_claim(threshold: float, year_from: int, year_to: int, lang: str = "en") -> str:
    return i18n.render(lang, "more than x{threshold:g} between {year_from} and {year_to}",
                       threshold=threshold, year_from=year_from, year_to=year_to)


@dataclass(frozen=True)
class Verdict:
    claim: str
    series: str
    verdict: str
    evidence: str


def surge_verdict(series: str, fit: BreakFit, claimed_year: int = 2015, near: float = 2.0,
                  alpha: float = 0.05, lang: str = "en") -> Verdict:
    """"Surge since 2015": a significant break, within ``near`` years of 2015, after which
    growth is faster. Significance uses the bootstrap p-value when available."""
    text = i18n.messages(_SURGE_TEXT, lang)
    claim = surge_claim(claimed_year, lang)
    p = fit.p_bootstrap if not math.isnan(fit.p_bootstrap) else fit.p_chi2
    values = {"p": p, "brk": fit.break_year, "lo": fit.break_low, "hi": fit.break_high,
              "near": near, "year": claimed_year, "before": fit.growth_before,
              "after": fit.growth_after, "gfrom": fit.grid_from, "gto": fit.grid_to}
    if not fit.grid_from - near <= claimed_year <= fit.grid_to + near:
        return Verdict(claim, series, NOT_TESTABLE, text["range"].format(**values))
    if p >= alpha:
        return Verdict(claim, series, NOT_SUPPORTED, text["no_break"].format(**values))
    if abs(fit.break_year - claimed_year) > near:
        return Verdict(claim, series, NOT_SUPPORTED, text["far"].format(**values))
    if fit.growth_after <= fit.growth_before:
        return Verdict(claim, series, NOT_SUPPORTED, text["slows"].format(**values))
    return Verdict(claim, series, SUPPORTED, text["ok"].format(**values))


_FOLD_TEXT = {  # English source; translated by the catalogue (i18n.messages)
    "untestable": N_("{missing} outside the series' search window {wfrom}-{wto}"),
    "result": N_("ratio {ratio:.2f} (95% CI {lo:.2f}-{hi:.2f}), {c1} -> {c2} records; "
                 "one-sided exact p (ratio > {thr:g}) = {p:.3g}"),
}


def tenfold_verdict(series: str, counts: dict[int, int], window: tuple[int, int],
                    year_from: int = 2015, year_to: int = 2021, threshold: float = 10.0,
                    level: float = LEVEL, lang: str = "en") -> Verdict:
    """"More than x10 between 2015 and 2021": both years must lie inside the search window
    (a year outside it is incomplete, not low). Supported when the CI lies above the
    threshold, not supported when it lies below, inconclusive otherwise."""
    text = i18n.messages(_FOLD_TEXT, lang)
    claim = fold_claim(threshold, year_from, year_to, lang)
    missing = [y for y in (year_from, year_to) if not (window[0] <= y <= window[1]
                                                       and y in counts)]
    if missing:
        return Verdict(claim, series, NOT_TESTABLE, text["untestable"].format(
            missing=", ".join(map(str, missing)), wfrom=window[0], wto=window[1]))
    fc = fold_change(year_from, counts[year_from], year_to, counts[year_to], level)
    p = fold_exceeds_p(fc.count_from, fc.count_to, threshold)
    verdict = SUPPORTED if fc.low > threshold else (
        NOT_SUPPORTED if fc.high < threshold else INCONCLUSIVE)
    return Verdict(claim, series, verdict, text["result"].format(
        ratio=fc.ratio, lo=fc.low, hi=fc.high, c1=fc.count_from, c2=fc.count_to,
        thr=threshold, p=p))
