"""Batched maximum likelihood for the log-linear Poisson and NB2 models of :mod:`growth`.

The bootstrap of the break test fits thousands of tiny models (at most 4 parameters, about 11
points); a general-purpose optimiser spends its time in Python overhead per fit. Here every fit
of a batch is one row of a few arrays: ``y`` is ``(m, n)``, the design ``(m, n, k)``, and one
damped Newton iteration updates all rows at once. The likelihoods are the usual ones (NB2:
Var = mu + alpha mu^2, alpha = 1 / size), so the estimates are the same maxima statsmodels
finds; ``analysis.literature._growth_reference`` computes them that way and the tests compare.

Dispersion is stepped on ``u = log(alpha)``, which keeps alpha > 0 and makes the drift towards
the Poisson boundary (alpha -> 0) a walk to -inf in ``u`` that stops once alpha < 1e-8. Near
that boundary ``lgamma(y + 1/alpha) - lgamma(1/alpha)`` loses all its digits to cancellation,
so for ``1/alpha >= 10`` the differences of lgamma, digamma and trigamma are taken from their
asymptotic (Stirling) series, whose terms cancel analytically instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

#: Below this alpha the NB2 fit is the Poisson one (the boundary rule of growth._fit).
ALPHA_FLOOR = 1e-8
#: The NB2 fit starts from the Poisson estimates and this dispersion.
ALPHA_START = 0.1
#: Series used for the lgamma/digamma/trigamma differences from this size (= 1/alpha) up.
_ASYMPTOTIC_FROM = 10.0
_MAXITER = 200
_HALVINGS = 40
_STEP_TOL = 1e-10
_FINAL_GAIN = 1e-10

# Stirling series coefficients B_2k / (2k (2k - 1)) of lgamma(x) - ((x - 1/2) log x - x + ...)
_LGAMMA_SERIES = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156,
                  -3617 / 122400)


@dataclass(frozen=True)
class Batch:
    """Fits of a batch, one row per problem (``bse`` is nan where it was not asked for)."""

    params: np.ndarray  # (m, k) regression coefficients
    bse: np.ndarray  # (m, k)
    llf: np.ndarray  # (m,)
    alpha: np.ndarray  # (m,) NB2 dispersion, 0 on the Poisson boundary, nan for Poisson
    converged: np.ndarray  # (m,) bool


def _series(x: np.ndarray, coefs: tuple[float, ...], power: int, first: int) -> np.ndarray:
    """sum_j coefs[j] / x^(first + power j), by Horner's rule in 1 / x^power."""
    inv = 1.0 / x ** power
    total = np.zeros_like(x)
    for c in reversed(coefs):
        total = total * inv + c
    return total / x ** first


def _lgamma_corr(x: np.ndarray) -> np.ndarray:
    """lgamma(x) - (x - 1/2) log x + x - log(2 pi)/2, for x >= 10 (error < 1e-17)."""
    return _series(x, _LGAMMA_SERIES, 2, 1)


def _digamma_corr(x: np.ndarray) -> np.ndarray:
    """log x - 1/(2x) - digamma(x): the derivative of -_lgamma_corr."""
    coefs = tuple(c * (2 * j + 1) for j, c in enumerate(_LGAMMA_SERIES))
    return _series(x, coefs, 2, 2)


def _trigamma_corr(x: np.ndarray) -> np.ndarray:
    """trigamma(x) - 1/x - 1/(2x^2): the second derivative of _lgamma_corr."""
    coefs = tuple(c * (2 * j + 1) * (2 * j + 2) for j, c in enumerate(_LGAMMA_SERIES))
    return _series(x, coefs, 2, 3)


def _gamma_differences(size: np.ndarray, y: np.ndarray, order: int):
    """``lgamma(size + y) - lgamma(size) - y log size`` and, for ``order`` 2, the digamma and
    trigamma differences ``psi(size + y) - psi(size)``, ``psi1(size + y) - psi1(size)``.

    Direct differences are exact enough for small sizes; large sizes (alpha -> 0) use the
    asymptotic series, where the leading terms combine into ``log1p(y / size)`` first.
    """
    big = size >= _ASYMPTOTIC_FROM
    s = np.where(big, size, _ASYMPTOTIC_FROM)  # keeps the unused branch finite
    lead = np.log1p(y / s)
    lg_big = (s + y - 0.5) * lead - y + _lgamma_corr(s + y) - _lgamma_corr(s)
    small = np.where(big, 1.0, size)
    lg_small = special.gammaln(small + y) - special.gammaln(small) - y * np.log(small)
    lg = np.where(big, lg_big, lg_small)
    if order < 2:
        return lg, None, None
    psi_big = lead + y / (2 * s * (s + y)) - _digamma_corr(s + y) + _digamma_corr(s)
    psi_small = special.digamma(small + y) - special.digamma(small)
    tri_big = (-y / (s * (s + y)) - y * (2 * s + y) / (2 * s**2 * (s + y) ** 2)
               + _trigamma_corr(s + y) - _trigamma_corr(s))
    tri_small = special.polygamma(1, small + y) - special.polygamma(1, small)
    return lg, np.where(big, psi_big, psi_small), np.where(big, tri_big, tri_small)


# --- objectives: value, gradient and Hessian of each row's log-likelihood --------------------

#: ``objective(theta, rows, order)``: log-likelihoods of problems ``rows`` at ``theta`` (one row
#: of parameters per problem), with gradients and Hessians when ``order`` is 2.
Objective = Callable[[np.ndarray, np.ndarray, int],
                     tuple[np.ndarray, np.ndarray | None, np.ndarray | None]]


def _poisson_objective(y: np.ndarray, design: np.ndarray) -> Objective:
    const = special.gammaln(y + 1)

    def evaluate(theta: np.ndarray, rows: np.ndarray, order: int):
        X, yy = design[rows], y[rows]
        eta = np.einsum("mnk,mk->mn", X, theta)
        mu = np.exp(eta)
        value = np.sum(yy * eta - mu - const[rows], axis=1)
        if order < 2:
            return value, None, None
        grad = np.einsum("mnk,mn->mk", X, yy - mu)
        hess = -np.einsum("mnk,mn,mnl->mkl", X, mu, X)
        return value, grad, hess

    return evaluate


def _negbin_objective(y: np.ndarray, design: np.ndarray) -> Objective:
    """NB2 log-likelihood in ``theta = (beta, log alpha)``."""
    const = special.gammaln(y + 1)
    k = design.shape[2]

    def evaluate(theta: np.ndarray, rows: np.ndarray, order: int):
        X, yy = design[rows], y[rows]
        eta = np.einsum("mnk,mk->mn", X, theta[:, :k])
        alpha = np.exp(theta[:, k])[:, None]
        mu = np.exp(eta)
        size = 1.0 / alpha
        x = alpha * mu
        log1px = np.log1p(x)
        lg, psi, tri = _gamma_differences(size, yy, order)
        value = np.sum(lg + yy * eta - const[rows] - (yy + size) * log1px, axis=1)
        if order < 2:
            return value, None, None
        grad_eta = (yy - mu) / (1 + x)
        grad_u = -size * (psi - log1px) + yy - (yy + size) * x / (1 + x)
        grad = np.concatenate([np.einsum("mnk,mn->mk", X, grad_eta),
                               grad_u.sum(axis=1)[:, None]], axis=1)
        w_eta = -mu * (1 + alpha * yy) / (1 + x) ** 2
        w_cross = -(yy - mu) * x / (1 + x) ** 2
        w_u = (size * (psi - log1px) + size**2 * tri + 2 * mu / (1 + x)
               - (yy + size) * x / (1 + x) ** 2)
        hess = np.empty((len(rows), k + 1, k + 1))
        hess[:, :k, :k] = np.einsum("mnk,mn,mnl->mkl", X, w_eta, X)
        hess[:, :k, k] = hess[:, k, :k] = np.einsum("mnk,mn->mk", X, w_cross)
        hess[:, k, k] = w_u.sum(axis=1)
        return value, grad, hess

    return evaluate


# --- the batched optimiser ----------------------------------------------------------------------

def _ascent_step(grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """Newton step where -H is positive definite; elsewhere the eigenvalues of -H are replaced
    by their absolute values (floored), which keeps the step an ascent direction."""
    w, v = np.linalg.eigh(-hess)
    floor = 1e-10 * np.maximum(np.abs(w).max(axis=1, keepdims=True), 1e-300)
    w = np.maximum(np.abs(w), floor)
    return np.einsum("mij,mj->mi", v, np.einsum("mji,mj->mi", v, grad) / w)


def _maximise(objective: Objective, theta: np.ndarray,
              stop: Callable[[np.ndarray], np.ndarray] | None = None):
    """Damped Newton on every row at once: full steps where they increase the likelihood,
    otherwise halved until they do. A row is done when its step falls below ``_STEP_TOL``
    (converged), when no halving helps (converged only if the step was already tiny) or when
    ``stop`` says so (e.g. alpha crossed the Poisson boundary).

    Returns the estimates, their log-likelihoods and the converged flags.
    """
    theta = theta.copy()
    m = theta.shape[0]
    converged = np.zeros(m, dtype=bool)
    active = np.arange(m)
    with np.errstate(all="ignore"):
        value = _finite(objective(theta, active, 0)[0])
        for _ in range(_MAXITER):
            if stop is not None:
                active = active[~stop(theta[active])]
            if active.size == 0:
                break
            _, grad, hess = objective(theta[active], active, 2)
            step = _ascent_step(grad, hess)
            broken = ~np.all(np.isfinite(step), axis=1)
            step[broken] = 0.0
            size = np.abs(step).max(axis=1)
            # where the predicted gain is below the rounding of the log-likelihood, comparing
            # values cannot tell a better point: take the full Newton step (quadratic
            # convergence) instead
            final = np.einsum("mi,mi->m", grad, step) < _FINAL_GAIN
            todo = np.flatnonzero(~broken)
            scale = 1.0
            for _ in range(_HALVINGS):
                rows = active[todo]
                trial = theta[rows] + scale * step[todo]
                trial_value = _finite(objective(trial, rows, 0)[0])
                better = (trial_value >= value[rows]) | (final[todo] & np.isfinite(trial_value))
                theta[rows[better]] = trial[better]
                value[rows[better]] = trial_value[better]
                todo = todo[~better]
                if todo.size == 0:
                    break
                scale /= 2
            stalled = broken.copy()
            stalled[todo] = True
            tiny = ~broken & (size < _STEP_TOL)
            converged[active[tiny]] = True
            converged[active[stalled]] = ~broken[stalled] & (size[stalled] < 1e-6)
            active = active[~(tiny | stalled)]
    return theta, value, converged


def _finite(value: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(value), value, -np.inf)


def _standard_errors(objective: Objective, theta: np.ndarray, k: int) -> np.ndarray:
    """Square roots of the first ``k`` diagonal entries of the inverse observed information.

    For NB2 the Hessian is in (beta, log alpha); the beta block of its inverse equals the one
    in (beta, alpha) at the maximum, where the gradient vanishes.
    """
    with np.errstate(all="ignore"):
        hess = objective(theta, np.arange(theta.shape[0]), 2)[2]
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError:  # a singular row: nan for it, not for the batch
            cov = np.stack([_inverse_or_nan(-h) for h in hess])
        return np.sqrt(np.diagonal(cov, axis1=1, axis2=2)[:, :k])


def _inverse_or_nan(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.full_like(matrix, np.nan)


# --- public entry points --------------------------------------------------------------------------

def _batched(y: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.atleast_2d(np.asarray(y, dtype=float))
    design = np.asarray(design, dtype=float)
    if design.ndim == 2:
        design = np.broadcast_to(design, (y.shape[0], *design.shape))
    return y, design


def _poisson_start(y: np.ndarray, design: np.ndarray) -> np.ndarray:
    """statsmodels' GLM start: one weighted least-squares step from mu = (y + mean y) / 2."""
    mu = (y + y.mean(axis=1, keepdims=True)) / 2
    z = np.log(mu) + (y - mu) / mu
    xtw = np.einsum("mnk,mn->mkn", design, mu)
    return np.linalg.solve(xtw @ design, np.einsum("mkn,mn->mk", xtw, z)[..., None])[..., 0]


def poisson(y, design, need_se: bool = True) -> Batch:
    """Poisson log-linear fits of each row of ``y`` (``(m, n)``) on its design (``(n, k)``
    shared, or ``(m, n, k)``)."""
    y, design = _batched(y, design)
    objective = _poisson_objective(y, design)
    theta, llf, converged = _maximise(objective, _poisson_start(y, design))
    k = design.shape[2]
    bse = _standard_errors(objective, theta, k) if need_se else np.full_like(theta, np.nan)
    return Batch(theta, bse, llf, np.full(len(llf), np.nan), converged)


def negbin(y, design, need_se: bool = True, pois: Batch | None = None) -> Batch:
    """NB2 fits started from the Poisson fits (``pois``, computed if not given) with alpha =
    ALPHA_START. Rows where the NB2 likelihood does not beat the Poisson one by more than 1e-9,
    where alpha < ALPHA_FLOOR, or where anything is not finite, get the Poisson fit with
    alpha = 0: the supremum of the NB2 likelihood is then its alpha -> 0 limit."""
    y, design = _batched(y, design)
    pois = poisson(y, design, need_se) if pois is None else pois
    k = design.shape[2]
    objective = _negbin_objective(y, design)
    start = np.column_stack([pois.params, np.full(len(y), np.log(ALPHA_START))])
    theta, llf, converged = _maximise(objective, start,
                                      stop=lambda t: t[:, k] < np.log(ALPHA_FLOOR))
    alpha = np.exp(theta[:, k])
    boundary = (~np.isfinite(llf) | (llf <= pois.llf + 1e-9) | (alpha < ALPHA_FLOOR)
                | ~np.all(np.isfinite(theta), axis=1))
    params = np.where(boundary[:, None], pois.params, theta[:, :k])
    bse = np.full((len(y), k), np.nan)
    if need_se:
        bse[boundary] = pois.bse[boundary]
        inside = np.flatnonzero(~boundary)
        if inside.size:
            bse[inside] = _standard_errors(_negbin_objective(y[inside], design[inside]),
                                           theta[inside], k)
    return Batch(params, bse, np.where(boundary, pois.llf, llf), np.where(boundary, 0.0, alpha),
                 np.where(boundary, pois.converged, converged))
