"""The fast growth statistics against statsmodels, number by number.

growth.py maximises its likelihoods with its own batched Newton solver (_nb2); the reference
module computes the same models with statsmodels (GLM IRLS, NegativeBinomial nb2, BFGS polished
by Newton, proportion_confint, test_poisson_2indep). Every estimate, standard error,
log-likelihood and LR statistic must agree to 1e-6 relative, and the bootstrap must reach the
same p-value from the same draws.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from analysis.literature import _growth_reference as ref
from analysis.literature import _nb2, growth
from analysis.literature import series as series_mod

REL = 1e-6
YEARS = np.arange(2009, 2020, dtype=float)
CORPUS = ("corpus_all", "corpus_governance")


def corpus(key: str) -> tuple[np.ndarray, np.ndarray]:
    """The years and counts notebook 01 fits (report.analyse with year_from 1978, year_to
    2022)."""
    rows = series_mod.corpus_series(key).in_window(1978, 2022)
    return rows["year"].to_numpy(float), rows["records"].to_numpy(float)


def nb_counts(seed: int, mu: np.ndarray, alpha: float) -> np.ndarray:
    size = 1 / alpha
    return np.random.default_rng(seed).negative_binomial(size, size / (size + mu)).astype(float)


def hinge_mu(tau: float, start: float, before: float, after: float) -> np.ndarray:
    b1, b2 = math.log1p(before), math.log1p(after) - math.log1p(before)
    return start * np.exp(b1 * (YEARS - YEARS[0]) + b2 * np.maximum(0, YEARS - tau))


def assert_same_fit(fast: growth._Fit, slow: growth._Fit) -> None:
    np.testing.assert_allclose(fast.params, slow.params, rtol=REL)
    assert fast.llf == pytest.approx(slow.llf, rel=REL)
    if math.isnan(slow.alpha):
        assert math.isnan(fast.alpha)
    else:
        assert fast.alpha == pytest.approx(slow.alpha, rel=REL, abs=0 if slow.alpha else 1e-300)
    np.testing.assert_allclose(fast.bse, slow.bse, rtol=REL)


def assert_same_or_better(fast: growth._Fit, slow: growth._Fit) -> bool:
    """Equal fits where statsmodels can tell; True if it could.

    statsmodels cannot when its BFGS stops with 0 < alpha < POLISH_FROM on the way to the
    Poisson boundary: there its NB2 log-likelihood, lgamma(y + 1/alpha) - lgamma(1/alpha),
    is off by up to ~1e-6, more than the 1e-9 by which the boundary rule compares it with the
    Poisson one. Then the fast fit must be at least as likely (up to that error) and near
    or on the boundary.
    """
    if slow.alpha == 0 or not slow.alpha < ref.POLISH_FROM:
        assert_same_fit(fast, slow)
        return True
    assert fast.llf >= slow.llf - 2e-6
    assert fast.alpha < ref.POLISH_FROM
    return False


def designs(y: np.ndarray, c: np.ndarray) -> list[np.ndarray]:
    """The no-break design and the broken stick at every break the grid allows (the others
    have no maximum: see growth._estimable)."""
    return [growth._linear_design(y)] + [growth._hinge_design(y, tau, y.mean())
                                         for tau in growth.break_grid(y, 2010, 2018, counts=c)]


# --- single fits ---------------------------------------------------------------------------------

@pytest.mark.parametrize("key", CORPUS)
@pytest.mark.parametrize("family", growth.FAMILIES)
def test_default_series_loglinear_fits_equal_statsmodels(key, family):
    y, c = corpus(key)
    fast, slow = growth.loglinear(y, c, family), ref.loglinear(y, c, family)
    for name in ("intercept", "slope", "slope_low", "slope_high", "growth_rate", "growth_low",
                 "growth_high", "doubling_time", "loglik", "pearson_dispersion"):
        assert getattr(fast, name) == pytest.approx(getattr(slow, name), rel=REL), name
    assert fast.converged and slow.converged
    if family == "negbin":
        assert fast.alpha == pytest.approx(slow.alpha, rel=REL) and fast.alpha > 0.05


@pytest.mark.parametrize("key", CORPUS)
@pytest.mark.parametrize("family", growth.FAMILIES)
def test_default_series_hinge_fits_and_their_standard_errors_equal_statsmodels(key, family):
    y, c = corpus(key)
    for design in designs(y, c):
        assert_same_fit(growth._fit(c, design, family), ref.fit(c, design, family))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("family", growth.FAMILIES)
def test_synthetic_seeded_series_fits_equal_statsmodels(seed, family):
    mu = hinge_mu(2014 + seed % 3, start=3.0 + 10 * seed, before=0.6, after=0.1 + 0.1 * seed)
    c = nb_counts(seed, mu, alpha=0.05 + 0.05 * seed)
    resolved = [assert_same_or_better(growth._fit(c, design, family), ref.fit(c, design, family))
                for design in designs(YEARS, c)]
    assert sum(resolved) >= len(resolved) - 1


def test_underdispersed_series_is_the_poisson_fit_in_both():
    # counts closer to their trend than Poisson allows: the NB2 maximum is at alpha -> 0
    c = np.round(40 * 1.3 ** (YEARS - YEARS[0])) + np.array([1, -1] * 5 + [0])
    design = growth._linear_design(YEARS)
    pois = growth._fit(c, design, "poisson")
    fast, slow = growth._fit(c, design, "negbin"), ref.fit(c, design, "negbin")
    assert fast.alpha == slow.alpha == 0.0
    assert_same_fit(fast, slow)
    np.testing.assert_array_equal(fast.params, pois.params)
    assert fast.llf == pois.llf
    # and the boundary is real: statsmodels' NB2 likelihood at a small alpha is below Poisson's
    from statsmodels.discrete.discrete_model import NegativeBinomial

    model = NegativeBinomial(c, design, loglike_method="nb2")
    model._transparams = False
    assert model.loglike(np.append(pois.params, 1e-3)) < pois.llf


def test_separated_break_side_is_left_out_and_the_rest_equals_statsmodels():
    # all-zero early years: breaks before 2014 have fewer than two non-zero years on the left
    c = np.array([0, 0, 0, 0, 2, 5, 9, 30, 44, 60, 71.0])
    grid = growth.break_grid(YEARS, 2010, 2018, counts=c)
    assert grid[0] == 2015
    for family in growth.FAMILIES:
        fast = growth.segmented(YEARS, c, 2010, 2018, family=family, n_bootstrap=0)
        slow = ref.segmented(YEARS, c, 2010, 2018, family=family, n_bootstrap=0)
        np.testing.assert_allclose(fast.profile["loglik"], slow.profile["loglik"], rtol=REL)
        assert fast.lr == pytest.approx(slow.lr, rel=REL)
        np.testing.assert_allclose(fast.params, slow.params, rtol=REL)
        for design in designs(YEARS, c):
            assert_same_fit(growth._fit(c, design, family), ref.fit(c, design, family))


# --- segmented model and bootstrap -----------------------------------------------------------

@pytest.mark.parametrize("key", CORPUS)
@pytest.mark.parametrize("family", growth.FAMILIES)
def test_default_series_break_profile_and_lr_equal_statsmodels(key, family):
    y, c = corpus(key)
    fast = growth.segmented(y, c, 2010, 2018, family=family, n_bootstrap=0)
    slow = ref.segmented(y, c, 2010, 2018, family=family, n_bootstrap=0)
    np.testing.assert_allclose(fast.profile["loglik"], slow.profile["loglik"], rtol=REL)
    np.testing.assert_allclose(fast.params, slow.params, rtol=REL)
    assert fast.lr == pytest.approx(slow.lr, rel=REL)
    assert fast.p_chi2 == pytest.approx(slow.p_chi2, rel=1e-5)
    assert (fast.break_year, fast.break_low, fast.break_high) == (
        slow.break_year, slow.break_low, slow.break_high)


def simulated(y: np.ndarray, c: np.ndarray, family: str, n: int) -> np.ndarray:
    """The bootstrap's draws: n series from the fitted no-break model, seed SEED."""
    null = growth._fit(c, growth._linear_design(y), family, need_se=False)
    rng = np.random.default_rng(growth.SEED)
    mu = np.exp(growth._linear_design(y) @ null.params)
    return np.stack([growth._simulate(mu, family, null.alpha, rng) for _ in range(n)])


@pytest.mark.parametrize("key", CORPUS)
def test_bootstrap_lr_statistics_equal_statsmodels_replicate_by_replicate(key):
    y, c = corpus(key)
    grid = growth.break_grid(y, 2010, 2018, counts=c)
    sims = simulated(y, c, "negbin", 19)
    fast = growth._lr_statistics(y, sims, grid, "negbin")
    np.testing.assert_allclose(fast, ref.lr_statistics(y, sims, grid, "negbin"), rtol=REL)
    assert len(set(np.round(fast, 6))) > 15  # a spread of values, not a row of zeros


@pytest.mark.parametrize("key", CORPUS)
def test_default_series_bootstrap_p_equals_statsmodels(key):
    y, c = corpus(key)
    fast = growth.segmented(y, c, 2010, 2018, n_bootstrap=19)
    slow = ref.segmented(y, c, 2010, 2018, n_bootstrap=19)
    assert fast.p_bootstrap == slow.p_bootstrap


def test_bootstrap_p_equals_statsmodels_where_it_is_not_at_its_floor():
    # a weak break: the observed LR sits inside the bootstrap distribution
    c = nb_counts(4, hinge_mu(2015, start=20.0, before=0.3, after=0.2), alpha=0.05)
    fast = growth.segmented(YEARS, c, 2010, 2018, n_bootstrap=19, seed=3)
    slow = ref.segmented(YEARS, c, 2010, 2018, n_bootstrap=19, seed=3)
    assert 0.2 < fast.p_bootstrap < 0.9
    assert fast.p_bootstrap == slow.p_bootstrap


def test_replicates_without_an_estimable_break_give_zero_lr_in_both():
    grid = np.array([2013.0, 2015.0])
    sims = np.array([[0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9.0],  # no break leaves two non-zeros left
                     [1, 2, 4, 8, 15, 30, 40, 52, 60, 71, 80.0]])
    fast = growth._lr_statistics(YEARS, sims, grid, "negbin")
    np.testing.assert_allclose(fast, ref.lr_statistics(YEARS, sims, grid, "negbin"), rtol=REL)
    assert fast[0] == 0.0 and fast[1] > 0


# --- fold change ------------------------------------------------------------------------------

@pytest.mark.parametrize(("c1", "c2"), [(317, 1117), (23, 75), (12, 150), (0, 4), (9, 0),
                                        (1, 1), (500, 2)])
def test_fold_change_equals_statsmodels(c1, c2):
    fast, slow = growth.fold_change(2015, c1, 2019, c2), ref.fold_change(2015, c1, 2019, c2)
    assert (fast.ratio, fast.count_from, fast.count_to) == (slow.ratio, slow.count_from,
                                                           slow.count_to)
    assert fast.low == pytest.approx(slow.low, rel=1e-12)
    assert fast.high == pytest.approx(slow.high, rel=1e-12)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning",
                            "ignore:invalid value:RuntimeWarning")  # statsmodels' rate ratio
@pytest.mark.parametrize(("c1", "c2", "threshold"), [(20, 260, 10), (20, 150, 10),
                                                      (100, 400, 3), (317, 1117, 10),
                                                      (0, 5, 10), (7, 0, 2), (0, 0, 10)])
def test_fold_exceeds_p_equals_statsmodels(c1, c2, threshold):
    assert growth.fold_exceeds_p(c1, c2, threshold) == pytest.approx(
        ref.fold_exceeds_p(c1, c2, threshold), rel=1e-12)


# --- the solver itself ------------------------------------------------------------------------

@pytest.mark.parametrize("size", [0.5, 9.99, 10.0, 250.0, 1e5, 1e8])
def test_gamma_differences_match_exact_sums(size):
    """lgamma(s + y) - lgamma(s) - y log s = sum_k log1p(k/s); psi and psi1 differences are
    sum_k 1/(s + k) and -sum_k 1/(s + k)^2 (k < y), summed exactly here."""
    y = np.array([0.0, 1.0, 7.0, 120.0, 1117.0])
    lg, psi, tri = _nb2._gamma_differences(np.full_like(y, size), y, 2)
    for i, n in enumerate(y.astype(int)):
        ks = range(n)
        assert lg[i] == pytest.approx(math.fsum(math.log1p(k / size) for k in ks),
                                      rel=1e-12, abs=1e-13)
        assert psi[i] == pytest.approx(math.fsum(1 / (size + k) for k in ks), rel=1e-12,
                                       abs=1e-300)
        assert tri[i] == pytest.approx(-math.fsum(1 / (size + k) ** 2 for k in ks), rel=1e-10,
                                       abs=1e-300)


def test_batched_fits_equal_one_at_a_time_fits():
    rng = np.random.default_rng(2)
    c = np.stack([nb_counts(s, hinge_mu(2015, 10.0, 0.5, 0.2), 0.1) for s in range(5)])
    design = growth._hinge_design(YEARS, 2015, YEARS.mean())
    batch = _nb2.negbin(c, design)
    for i in rng.permutation(5):
        one = _nb2.negbin(c[i], design)
        np.testing.assert_allclose(batch.params[i], one.params[0], rtol=1e-12)
        assert batch.llf[i] == pytest.approx(one.llf[0], rel=1e-13)


def test_notebook_01_imports_neither_statsmodels_nor_scipy_stats():
    code = ("import sys\n"
            "from analysis.literature import growth, plots, report, series\n"
            "print(sorted({m.split('.')[0] + ('.stats' if m.startswith('scipy.stats') else '')"
            " for m in sys.modules if m.startswith(('statsmodels', 'scipy.stats'))}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
