"""Growth statistics on synthetic series whose truth is known, checked against independent
computations (closed forms, hand-written likelihoods optimised with scipy, scipy's own
distributions) rather than against the module itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, special, stats

from analysis.literature import growth

YEARS = np.arange(2009, 2020)
T = YEARS - YEARS.mean()


def exact_exponential(rate: float, start: float = 5.0) -> np.ndarray:
    """Expected counts (not rounded) growing by exactly ``rate`` per year."""
    return start * (1 + rate) ** (YEARS - YEARS[0])


def hinge_counts(break_year: float, before: float, after: float, start: float = 20.0):
    """Expected counts whose log mean has slope log(1+before), then log(1+after)."""
    b1, b2 = math.log1p(before), math.log1p(after) - math.log1p(before)
    return start * np.exp(b1 * (YEARS - YEARS[0]) + b2 * np.maximum(0, YEARS - break_year))


def poisson_loglik(beta, design, y):
    mu = np.exp(design @ beta)
    return float(np.sum(y * np.log(mu) - mu - special.gammaln(y + 1)))


def nb2_loglik(theta, design, y):
    beta, alpha = theta[:-1], math.exp(theta[-1])
    mu = np.exp(design @ beta)
    size = 1 / alpha
    return float(np.sum(special.gammaln(y + size) - special.gammaln(size)
                        - special.gammaln(y + 1) + size * np.log(size / (size + mu))
                        + y * np.log(mu / (size + mu))))


# --- log-linear fits ---------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [0.25, 0.6, -0.1])
def test_poisson_recovers_exact_rate_and_fisher_ci(rate):
    counts = exact_exponential(rate, start=200.0)
    fit = growth.loglinear(YEARS, counts, family="poisson")
    assert fit.growth_rate == pytest.approx(rate, abs=1e-7)
    # independent Wald SE: inverse Fisher information X' diag(mu) X at the true parameters
    design = np.column_stack([np.ones_like(T), T])
    info = design.T @ (counts[:, None] * design)
    se = math.sqrt(np.linalg.inv(info)[1, 1])
    z = stats.norm.ppf(0.975)
    assert fit.slope_low == pytest.approx(math.log1p(rate) - z * se, rel=1e-6)
    assert fit.growth_high == pytest.approx(math.expm1(math.log1p(rate) + z * se), rel=1e-6)
    assert fit.pearson_dispersion == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(fit.predict(YEARS), counts, rtol=1e-7)
    if rate > 0:
        assert fit.doubling_time == pytest.approx(math.log(2) / math.log1p(rate), rel=1e-7)
        assert fit.doubling_low < fit.doubling_time < fit.doubling_high
    else:
        assert fit.doubling_time == math.inf


def test_negbin_matches_handwritten_nb2_likelihood():
    rng = np.random.default_rng(7)
    mu = exact_exponential(0.35, start=10.0)
    size = 1 / 0.15
    counts = rng.negative_binomial(size, size / (size + mu)).astype(float)
    fit = growth.loglinear(YEARS, counts, family="negbin")
    design = np.column_stack([np.ones_like(T), T])
    start = np.array([math.log(counts.mean()), 0.3, math.log(0.1)])
    best = optimize.minimize(lambda th: -nb2_loglik(th, design, counts), start,
                             method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12,
                                                            "maxiter": 20000})
    assert fit.converged
    assert fit.slope == pytest.approx(best.x[1], abs=1e-4)
    assert fit.alpha == pytest.approx(math.exp(best.x[2]), rel=1e-3)
    assert fit.loglik == pytest.approx(-best.fun, abs=1e-6)


def test_negbin_without_overdispersion_gives_the_poisson_rate():
    counts = exact_exponential(0.4, start=50.0)
    fit = growth.loglinear(YEARS, counts, family="negbin")
    assert fit.growth_rate == pytest.approx(0.4, abs=1e-3)
    assert fit.alpha < 1e-3


def test_poisson_ci_covers_true_rate_about_95_percent():
    rng = np.random.default_rng(11)
    mu = exact_exponential(0.3, start=20.0)
    hits = 0
    n = 300
    for _ in range(n):
        fit = growth.loglinear(YEARS, rng.poisson(mu), family="poisson")
        hits += fit.growth_low <= 0.3 <= fit.growth_high
    assert 0.91 <= hits / n <= 0.99


def test_rejects_bad_input():
    with pytest.raises(ValueError, match="at least 3"):
        growth.loglinear([2010, 2011], [1, 2])
    with pytest.raises(ValueError, match="non-negative"):
        growth.loglinear([2010, 2011, 2012], [1, -2, 3])
    with pytest.raises(ValueError, match="all zero"):
        growth.loglinear([2010, 2011, 2012], [0, 0, 0])
    with pytest.raises(ValueError, match="family"):
        growth.loglinear(YEARS, exact_exponential(0.2), family="gaussian")


# --- segmented model ---------------------------------------------------------------------------

def test_break_grid_keeps_two_years_each_side():
    grid = growth.break_grid(YEARS, 2005, 2025)
    assert grid[0] == 2011 and grid[-1] == 2017
    assert list(growth.break_grid(YEARS, 2012, 2014, step=0.5)) == [2012, 2012.5, 2013,
                                                                   2013.5, 2014]
    with pytest.raises(ValueError, match="no candidate"):
        growth.break_grid(YEARS, 2018, 2025)


def test_break_grid_needs_two_nonzero_counts_each_side():
    counts = np.array([0, 0, 2, 1, 6, 10, 23, 46, 45, 64, 75])
    assert list(growth.break_grid(YEARS, 2010, 2018, counts=counts)) == [2013, 2014, 2015,
                                                                         2016, 2017]
    with pytest.raises(ValueError, match="non-zero"):
        growth.break_grid(YEARS, 2010, 2018, counts=np.r_[np.zeros(9), 4, 5])


def test_negbin_profile_matches_scipy_nbinom_maximisation():
    rng = np.random.default_rng(21)
    mu = hinge_counts(2015, before=0.5, after=0.2, start=4.0)
    size = 1 / 0.08
    counts = rng.negative_binomial(size, size / (size + mu)).astype(float)
    fit = growth.segmented(YEARS, counts, 2014, 2016, family="negbin", n_bootstrap=0)

    def best(design):
        pois = optimize.minimize(lambda b: -poisson_loglik(b, design, counts),
                                 np.r_[math.log(counts.mean()), 0.3, np.zeros(design.shape[1]
                                                                              - 2)],
                                 method="BFGS")
        value = -pois.fun  # the alpha -> 0 limit
        for log_alpha in (-3.0, -1.0):
            res = optimize.minimize(
                lambda th: -stats.nbinom.logpmf(
                    counts, 1 / math.exp(th[-1]),
                    1 / (1 + math.exp(th[-1]) * np.exp(design @ th[:-1]))).sum(),
                np.r_[pois.x, log_alpha], method="BFGS", options={"gtol": 1e-8})
            value = max(value, -res.fun)
        return value

    for tau, loglik in zip(fit.profile["break_year"], fit.profile["loglik"], strict=True):
        design = np.column_stack([np.ones_like(T), T, np.maximum(0, YEARS - tau)])
        assert loglik == pytest.approx(best(design), abs=2e-3), tau
    null = best(np.column_stack([np.ones_like(T), T]))
    assert fit.lr == pytest.approx(2 * (fit.profile["loglik"].max() - null), abs=5e-3)


def test_segmented_finds_known_break_and_rates():
    counts = hinge_counts(2014, before=0.6, after=0.15)
    fit = growth.segmented(YEARS, counts, 2011, 2017, family="poisson", n_bootstrap=0)
    assert fit.break_year == 2014
    assert fit.growth_before == pytest.approx(0.6, abs=1e-6)
    assert fit.growth_after == pytest.approx(0.15, abs=1e-6)
    np.testing.assert_allclose(fit.predict(YEARS), counts, rtol=1e-6)
    # at the true break the model is saturated: its log-likelihood is sum(y log y - y - lgamma)
    saturated = float(np.sum(counts * np.log(counts) - counts - special.gammaln(counts + 1)))
    profile = fit.profile.set_index("break_year")["loglik"]
    assert profile[2014] == pytest.approx(saturated, abs=1e-6)
    assert (profile.drop(2014) < saturated - 1e-3).all()
    # the no-break Poisson fit maximised independently gives the LR statistic
    design = np.column_stack([np.ones_like(T), T])
    null = optimize.minimize(lambda b: -poisson_loglik(b, design, counts), [3.0, 0.3],
                             method="BFGS")
    assert fit.lr == pytest.approx(2 * (saturated + null.fun), rel=1e-5)
    assert fit.p_chi2 == pytest.approx(stats.chi2.sf(fit.lr, 1), rel=1e-9)


def test_segmented_profile_ci_matches_independent_profile():
    rng = np.random.default_rng(3)
    counts = rng.poisson(hinge_counts(2015, before=0.2, after=0.5)).astype(float)
    fit = growth.segmented(YEARS, counts, 2011, 2017, family="poisson", n_bootstrap=0)
    lls = {}
    for tau in range(2011, 2018):
        design = np.column_stack([np.ones_like(T), T, np.maximum(0, YEARS - tau)])
        res = optimize.minimize(lambda b, d=design: -poisson_loglik(b, d, counts),
                                [math.log(counts.mean()), 0.2, 0.0], method="BFGS")
        lls[tau] = -res.fun
    best = max(lls, key=lls.get)
    inside = [t for t, ll in lls.items() if 2 * (lls[best] - ll) <= stats.chi2.ppf(0.95, 1)]
    assert fit.break_year == best
    assert (fit.break_low, fit.break_high) == (min(inside), max(inside))


def test_no_break_series_is_not_significant_and_bootstrap_is_deterministic():
    counts = exact_exponential(0.3, start=30.0)
    fit = growth.segmented(YEARS, counts, 2011, 2017, family="poisson", n_bootstrap=19)
    assert fit.lr == pytest.approx(0.0, abs=1e-6)
    assert fit.p_bootstrap == 1.0  # every simulated LR is >= 0
    rng = np.random.default_rng(5)
    noisy = rng.poisson(counts).astype(float)
    a = growth.segmented(YEARS, noisy, 2011, 2017, family="poisson", n_bootstrap=39, seed=1)
    b = growth.segmented(YEARS, noisy, 2011, 2017, family="poisson", n_bootstrap=39, seed=1)
    assert a.p_bootstrap == b.p_bootstrap
    assert (a.p_bootstrap * 40) == pytest.approx(round(a.p_bootstrap * 40))  # (1+k)/(B+1)


def test_strong_break_has_smallest_bootstrap_p_under_negbin():
    rng = np.random.default_rng(9)
    mu = hinge_counts(2014, before=0.8, after=0.05, start=50.0)
    size = 1 / 0.01
    counts = rng.negative_binomial(size, size / (size + mu)).astype(float)
    fit = growth.segmented(YEARS, counts, 2011, 2017, family="negbin", n_bootstrap=19)
    assert abs(fit.break_year - 2014) <= 1
    assert fit.p_bootstrap == pytest.approx(1 / 20)


# --- fold change and CAGR ----------------------------------------------------------------------

@pytest.mark.parametrize(("c1", "c2"), [(317, 1117), (12, 150), (0, 4), (9, 0)])
def test_fold_change_ci_is_clopper_pearson_mapped_to_ratio(c1, c2):
    fc = growth.fold_change(2015, c1, 2019, c2)
    n = c1 + c2
    p_low = stats.beta.ppf(0.025, c2, n - c2 + 1) if c2 > 0 else 0.0
    p_high = stats.beta.ppf(0.975, c2 + 1, n - c2) if c2 < n else 1.0
    expected_high = math.inf if p_high == 1.0 else p_high / (1 - p_high)
    assert fc.low == pytest.approx(p_low / (1 - p_low), rel=1e-6)
    assert fc.high == pytest.approx(expected_high, rel=1e-6)
    assert fc.ratio == (math.inf if c1 == 0 else c2 / c1)


def test_fold_exceeds_p_is_the_exact_binomial_test():
    for c1, c2, thr in [(20, 260, 10), (20, 150, 10), (100, 400, 3)]:
        expected = stats.binomtest(c2, c1 + c2, thr / (1 + thr), alternative="greater").pvalue
        assert growth.fold_exceeds_p(c1, c2, thr) == pytest.approx(expected, rel=1e-9)


def test_cagr_is_bibliometrix_formula():
    assert growth.cagr(2010, 1, 2013, 8) == pytest.approx(1.0)
    assert growth.cagr(2009, 3, 2019, 1117) == pytest.approx((1117 / 3) ** 0.1 - 1)
    assert math.isnan(growth.cagr(2009, 0, 2019, 10))


# --- verdicts ----------------------------------------------------------------------------------

def _surge(counts):
    fit = growth.segmented(YEARS, counts, 2011, 2016, family="poisson", n_bootstrap=39)
    return growth.surge_verdict("s", fit, claimed_year=2015, near=1)


def test_surge_verdicts_on_known_shapes():
    assert _surge(hinge_counts(2015, before=0.1, after=0.6)).verdict == growth.SUPPORTED
    slows = _surge(hinge_counts(2015, before=0.6, after=0.1))
    assert slows.verdict == growth.NOT_SUPPORTED and "slows" in slows.evidence
    far = _surge(hinge_counts(2011, before=0.1, after=0.6))
    assert far.verdict == growth.NOT_SUPPORTED and "2011" in far.evidence
    flat = _surge(exact_exponential(0.3, start=30.0))
    assert flat.verdict == growth.NOT_SUPPORTED and "no significant" in flat.evidence


def test_surge_not_testable_when_2015_outside_break_range():
    years = np.arange(1995, 2006)
    fit = growth.segmented(years, np.arange(11) + 5.0, 1997, 2003, family="poisson",
                           n_bootstrap=0)
    verdict = growth.surge_verdict("old", fit, near=2, lang="fr")
    assert verdict.verdict == growth.NOT_TESTABLE and "2015" in verdict.evidence


@pytest.mark.parametrize(("c2015", "c2021", "expected"), [
    (20, 400, growth.SUPPORTED), (1000, 5000, growth.NOT_SUPPORTED),
    (20, 200, growth.INCONCLUSIVE)])
def test_tenfold_verdicts(c2015, c2021, expected):
    verdict = growth.tenfold_verdict("s", {2015: c2015, 2021: c2021}, (2000, 2021))
    assert verdict.verdict == expected


def test_tenfold_not_testable_outside_window():
    counts = {2015: 317, 2020: 252, 2021: 1}
    verdict = growth.tenfold_verdict("corpus_all", counts, (2009, 2019))
    assert verdict.verdict == growth.NOT_TESTABLE
    assert "2021" in verdict.evidence and "2015" not in verdict.evidence.split(" outside")[0]
