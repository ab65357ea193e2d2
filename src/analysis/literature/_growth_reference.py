"""The growth statistics computed with statsmodels: the reference the fast path is tested against.

:mod:`analysis.literature.growth` maximises its likelihoods with its own batched Newton solver
(:mod:`analysis.literature._nb2`) because the break test's bootstrap fits thousands of tiny
models and statsmodels' per-fit overhead made it the slowest step of notebook 01; importing
statsmodels alone also took seconds. This module keeps the statsmodels computation so the tests
can check, number by number, that the fast path finds the same maxima: GLM IRLS for Poisson,
``NegativeBinomial(loglike_method="nb2")`` for NB2, ``proportion_confint(method="beta")`` and
``test_poisson_2indep(method="exact-cond")`` for the fold change. The model choices (starts,
the Poisson boundary rule, the grid, the bootstrap draws) are growth's own, so only who
maximises differs. Nothing in the build imports this module.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import test_poisson_2indep
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationWarning,
)

from analysis.literature import growth
from analysis.literature.growth import LEVEL, MIN_SIDE, SEED, _Fit

#: Gradient tolerance of BFGS (on the mean log-likelihood; statsmodels' default).
BFGS_GTOL = 1e-5
#: Newton polishes BFGS's result when alpha is above this (see :func:`fit`).
POLISH_FROM = 1e-4


def _poisson(counts: np.ndarray, design: np.ndarray) -> _Fit:
    with warnings.catch_warnings():
        # a perfect fit (exact expected counts, or a kink through the last two points) is a
        # legitimate maximum, not a separation problem
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        res = sm.GLM(counts, design, family=sm.families.Poisson()).fit(tol=1e-13)
    return _Fit(res.params, res.bse, float(res.llf), math.nan, bool(res.converged))


def fit(counts: np.ndarray, design: np.ndarray, family: str, need_se: bool = True) -> _Fit:
    """growth's fit computed by statsmodels (same start, same Poisson boundary rule).

    growth.py used to run BFGS from the Poisson fit and alpha = 0.1 with statsmodels' default
    tolerances, which stops about 1e-6 (relative) short of the maximum in alpha and in the
    standard errors (measured on corpus_all). To be a reference at 1e-6, BFGS (which picks
    the basin, as before) is followed by statsmodels' own Newton iterations in (beta, alpha)
    from where it stopped, with its analytic score and Hessian, until the step is below 1e-12;
    Newton's quadratic convergence near the maximum makes the result exact. (The Poisson GLM
    likewise iterates to a deviance change of 1e-13 instead of 1e-8.)

    The polish runs only for alpha > POLISH_FROM. Closer to the Poisson boundary a Newton step
    in alpha can leave alpha > 0 (statsmodels then spends a minute on NaN), and statsmodels'
    log-likelihood itself loses digits: lgamma(y + 1/alpha) - lgamma(1/alpha) at 1/alpha ~ 1e8
    is off by ~1e-7 per point, more than the 1e-9 of the boundary rule. Such fits stay BFGS's,
    and the tests hold the fast path to them only as "at least as likely".
    """
    growth._check_family(family)
    pois = _poisson(counts, design)
    if family == "poisson":
        return pois
    k = design.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, HessianInversionWarning,
                                         RuntimeWarning))
        model = NegativeBinomial(counts, design, loglike_method="nb2")
        start = np.append(pois.params, 0.1)
        # BFGS, not Newton: Newton diverges from Poisson starts on steep series (and then
        # reports NaN estimates as converged)
        res = model.fit(start_params=start, method="bfgs", maxiter=1000, disp=0,
                        skip_hessian=True, gtol=BFGS_GTOL)
        params, llf = np.asarray(res.params), float(res.llf)
        converged = bool(res.mle_retvals.get("converged", False))
        if np.all(np.isfinite(params)) and params[k] > POLISH_FROM:
            polished = model.fit(start_params=params, method="newton", maxiter=50, disp=0,
                                 skip_hessian=True, tol=1e-12)
            if (np.isfinite(polished.llf) and polished.llf >= llf - 1e-9
                    and polished.params[k] > 0):
                params, llf = np.asarray(polished.params), float(polished.llf)
                converged = converged or bool(polished.mle_retvals.get("converged", False))
        boundary = (not np.isfinite(llf) or llf <= pois.llf + 1e-9 or params[k] < 1e-8
                    or not np.all(np.isfinite(params)))
        if boundary:
            return _Fit(pois.params, pois.bse, pois.llf, 0.0, pois.converged)
        bse = np.sqrt(np.diag(np.linalg.inv(-model.hessian(params))))[:k] if need_se \
            else np.full(k, math.nan)
    return _Fit(params[:k], bse, llf, float(params[k]), converged)


def profile(y: np.ndarray, c: np.ndarray, grid: np.ndarray, family: str) -> list[_Fit]:
    """The broken stick at each candidate break, one statsmodels fit each."""
    return [fit(c, growth._hinge_design(y, tau, y.mean()), family, False) for tau in grid]


def lr_statistics(y: np.ndarray, sims: np.ndarray, grid: np.ndarray, family: str,
                  min_side: int = MIN_SIDE) -> np.ndarray:
    """growth's LR statistic of each simulated series, one series (and fit) at a time."""
    return np.array([growth._lr_statistic(ENGINE, y, sim, grid, family, min_side)
                     for sim in sims])


ENGINE = growth._Engine(fit=fit, profile=profile, lr_statistics=lr_statistics)


def loglinear(years, counts, family: str = "negbin", level: float = LEVEL):
    """:func:`growth.loglinear`, maximised by statsmodels."""
    return growth._loglinear(ENGINE, years, counts, family, level)


def segmented(years, counts, break_from: float, break_to: float, *, family: str = "negbin",
              step: float = 1.0, level: float = LEVEL, n_bootstrap: int = 199,
              seed: int = SEED, min_side: int = MIN_SIDE):
    """:func:`growth.segmented`, every fit (bootstrap included) by statsmodels."""
    return growth._segmented(ENGINE, years, counts, break_from, break_to, family=family,
                             step=step, level=level, n_bootstrap=n_bootstrap, seed=seed,
                             min_side=min_side)


def _beta_interval(count: int, total: int, level: float) -> tuple[float, float]:
    low, high = proportion_confint(count, total, alpha=1 - level, method="beta")
    return float(low), float(high)


def fold_change(year_from: int, count_from: int, year_to: int, count_to: int,
                level: float = LEVEL):
    """:func:`growth.fold_change` with statsmodels' Clopper-Pearson interval."""
    return growth._fold_change(year_from, count_from, year_to, count_to, level, _beta_interval)


def fold_exceeds_p(count_from: int, count_to: int, threshold: float) -> float:
    """:func:`growth.fold_exceeds_p` as statsmodels' exact conditional test of two rates."""
    res = test_poisson_2indep(count_to, 1, count_from, 1, value=threshold,
                              method="exact-cond", compare="ratio", alternative="larger")
    return float(res.pvalue)
