"""Demand the desks could not hold: the service-level percentile of a hub's unconstrained
daily peak demand, estimated from measured daily peaks of which some are right-censored.

On a day whose peak reached the hub's desks, the measured peak is the number of desks, not
the demand: someone who came and found no desk left again unmeasured. Such a day says only
"demand ≥ desks". A percentile of the measured peaks then is a lower bound, and the
recommendation built on it too. This module treats those days as censored observations in a
maximum-likelihood fit (docs/metrics.md, "Censored demand"):

- daily peak demand on weekday ``w`` is a normal count: ``P(D = k) = Φ((k + ½ − μ_w)/σ_w)
  − Φ((k − ½ − μ_w)/σ_w)`` (``P(D = 0)`` takes everything below ½), one mean per weekday and
  a variance ``σ_w² = φ·μ_w`` that grows with it, as a count's does, with one dispersion φ
  for the hub: daily peaks are usually less dispersed than a Poisson count (φ < 1), which
  a Poisson or negative binomial fit cannot follow;
- a day at capacity ``c`` contributes ``P(D ≥ c)``;
- if on some weekday every day was full, its mean is not identified: the weekday means are
  pooled into one (said in ``pooled``);
- the estimate is the smallest ``k`` with the fitted demand ≤ k on at least the service
  level of days, over the evidence days' weekday mix (the model's version of the nearest-rank
  percentile), and never below the measured one (demand ≥ the measured peak on every day);
- the range (low–high) is the 5th and 95th percentile of that ``k`` over parameters drawn from
  the fit's asymptotic normal distribution (inverse of the numerical Hessian of the negative
  log-likelihood), with a fixed seed, so the same data give the same range.

scipy does the numerics (the normal distribution, the optimiser, the Hessian).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_ndtr, ndtr

NoEstimate = Literal["all_full", "too_few_measured"]
MIN_MEASURED_DAYS = 3
"""Days below capacity needed for a fit: the spread is not identified from fewer."""
MIN_SPREAD = 0.25
"""Smallest spread σ (desks) of a weekday's demand: a peak is a count, and identical peaks
on every measured day would otherwise drive σ to 0 and the likelihood to infinity."""
MIN_DISPERSION = 0.25
"""Smallest dispersion φ the fit may take: peaks at most four times less dispersed than a
Poisson count."""
RANGE_DRAWS = 500
RANGE_LEVEL = 0.9
"""The range covers this share of the percentile's draws (5th to 95th percentile)."""
_SEED = 15
_HESSIAN_STEP = 1e-4
"""Relative step of the central differences of the gradient that give the Hessian."""
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@dataclass(frozen=True, slots=True)
class PeakDay:
    """One evidence day: its weekday (0 = Monday), its measured peak and the desks then."""

    weekday: int
    peak: int
    desks: int

    @property
    def full(self) -> bool:
        return self.desks > 0 and self.peak >= self.desks


@dataclass(frozen=True, slots=True)
class DemandEstimate:
    """The estimated service-level percentile of daily peak demand, or why there is none."""

    estimate: int | None
    low: int | None
    high: int | None
    full_days: int
    measured_days: int  # evidence days below capacity
    pooled: bool  # weekday means pooled into one (a weekday was full on every day)
    reason: NoEstimate | None  # why there is no estimate


def estimate_demand(
    days: Sequence[PeakDay], service_level: float, measured_percentile: int
) -> DemandEstimate:
    """The censored estimate for ``days`` (at least one of them full);
    ``measured_percentile`` is the nearest-rank percentile of their peaks."""
    return _estimate(tuple(days), service_level, measured_percentile)


@lru_cache(maxsize=256)
def _estimate(
    days: tuple[PeakDay, ...], service_level: float, measured_percentile: int
) -> DemandEstimate:
    # Kept: pages and reports ask again for the same hubs over the same periods, a fit
    # costs milliseconds of CPU, and the same days give the same estimate (the draws have
    # a fixed seed). 256 answers: a region's hubs over the few periods in use, each key
    # some hundred days of 56 bytes.
    full = sum(1 for d in days if d.full)
    measured = len(days) - full
    if measured == 0:
        return DemandEstimate(None, None, None, full, 0, False, "all_full")
    if measured < MIN_MEASURED_DAYS:
        return DemandEstimate(None, None, None, full, measured, False, "too_few_measured")
    weekdays = sorted({d.weekday for d in days})
    pooled = any(all(d.full for d in days if d.weekday == w) for w in weekdays)
    groups = [0] * len(days) if pooled else [weekdays.index(d.weekday) for d in days]
    fit = _Fit(days, groups, 1 if pooled else len(weekdays))
    theta = fit.solve()
    weights = np.bincount(groups, minlength=fit.groups) / len(days)
    top = max(d.desks for d in days) * 4 + 20
    point = int(_percentiles(theta[:, None], weights, service_level, top)[0])
    low = high = point
    draws = fit.draws(theta)
    if draws is not None:
        ks = _percentiles(draws, weights, service_level, top)
        tail = (1 - RANGE_LEVEL) / 2
        low, high = (int(v) for v in np.quantile(ks, [tail, 1 - tail], method="inverted_cdf"))
    floor = measured_percentile
    return DemandEstimate(
        estimate=max(point, floor),
        low=max(min(low, point), floor),
        high=max(high, point, floor),
        full_days=full,
        measured_days=measured,
        pooled=pooled,
        reason=None,
    )


class _Fit:
    """The censored likelihood of one hub's days; parameters θ = (μ_1 … μ_g, log φ)."""

    def __init__(self, days: Sequence[PeakDay], groups: Sequence[int], n_groups: int) -> None:
        self.groups = n_groups
        self.group = np.array(groups, dtype=int)
        self.full = np.array([d.full for d in days])
        peak = np.array([d.peak for d in days], dtype=float)
        desks = np.array([d.desks for d in days], dtype=float)
        # measured day: demand in [peak − ½, peak + ½) (below ½ for a peak of 0);
        # full day: demand ≥ desks − ½
        self.lo = np.where(self.full, desks - 0.5, np.where(peak > 0, peak - 0.5, -np.inf))
        self.hi = np.where(self.full, np.inf, peak + 0.5)
        self.start_mu = np.array(
            [peak[self.group == g].mean() + self.full[self.group == g].mean() for g in
             range(n_groups)]
        )
        # a start only (the fit moves from it): the measured days' spread, at least 1
        spread = float(peak[~self.full].std()) if (~self.full).sum() > 1 else 1.0
        self.start_log_dispersion = math.log(max(spread, 1.0))

    def nll(self, theta: np.ndarray) -> np.ndarray:
        """Negative log-likelihood; ``theta`` has shape (g + 1, …): any trailing axes are
        evaluated at once."""
        return self._nll_and_grad(theta, grad=False)[0]

    def nll_and_grad(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The negative log-likelihood and its gradient (shape of ``theta``)."""
        value, gradient = self._nll_and_grad(theta, grad=True)
        assert gradient is not None
        return value, gradient

    def _nll_and_grad(
        self, theta: np.ndarray, grad: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        # Why an analytic gradient: with one the optimiser needs one evaluation per step
        # instead of g + 2 finite-difference ones, and the Hessian comes from differences of
        # the gradient (2 (g + 1) evaluations at once) instead of a numerical second
        # derivative; the fit of a full hub went from ~75 ms to a few.
        trail = (1,) * (theta.ndim - 1)
        mu = theta[: self.groups][self.group]  # (n, …)
        log_dispersion = theta[self.groups]
        m = np.maximum(mu, 1.0)
        raw_sigma = np.sqrt(np.exp(log_dispersion) * m)
        sigma = np.maximum(raw_sigma, MIN_SPREAD)
        lo = self.lo.reshape((-1,) + trail)
        hi = self.hi.reshape((-1,) + trail)
        z_lo, z_hi = (lo - mu) / sigma, (hi - mu) / sigma
        full = self.full.reshape(lo.shape)
        log_full = log_ndtr(-z_lo)  # a full day: 1 − Φ(z_lo)
        log_measured = _log_normal_between(z_lo, z_hi)
        log_day = np.where(full, log_full, log_measured)
        value = -np.sum(log_day, axis=0)
        if not grad:
            return value, None
        # d log P / dz at each end: the normal density over the day's probability
        # (exp of a difference of logs, so that far tails neither overflow nor divide by 0)
        with np.errstate(over="ignore", invalid="ignore"):
            dens_lo = np.where(np.isfinite(z_lo), np.exp(_log_pdf(z_lo) - log_day), 0.0)
            dens_hi = np.where(np.isfinite(z_hi), np.exp(_log_pdf(z_hi) - log_day), 0.0)
        # ∂z/∂μ = −1/σ − (z/σ)·∂σ/∂μ and ∂z/∂(log φ) = −(z/σ)·∂σ/∂(log φ), where
        # σ = √(φ·max(μ, 1)) unless held at MIN_SPREAD
        free = raw_sigma > MIN_SPREAD
        dsigma_dmu = np.where(free & (mu > 1.0), sigma / (2 * m), 0.0)
        dsigma_dlog = np.where(free, sigma / 2, 0.0)
        zl = np.where(np.isfinite(z_lo), z_lo, 0.0)
        zh = np.where(np.isfinite(z_hi), z_hi, 0.0)
        # d log P = dens_hi · dz_hi − dens_lo · dz_lo (a full day has no upper end)
        dlog_dmu = dens_hi * (-1 / sigma - zh / sigma * dsigma_dmu) - dens_lo * (
            -1 / sigma - zl / sigma * dsigma_dmu
        )
        dlog_dlog = dens_hi * (-zh / sigma * dsigma_dlog) - dens_lo * (-zl / sigma * dsigma_dlog)
        gradient = np.empty_like(theta, dtype=float)
        for g in range(self.groups):
            gradient[g] = -np.sum(dlog_dmu[self.group == g], axis=0)
        gradient[self.groups] = -np.sum(dlog_dlog, axis=0)
        return value, gradient

    def solve(self) -> np.ndarray:
        x0 = np.append(self.start_mu, self.start_log_dispersion)
        bounds = [(None, None)] * self.groups + [(math.log(MIN_DISPERSION), None)]

        def fun(t: np.ndarray) -> tuple[float, np.ndarray]:
            value, gradient = self.nll_and_grad(t)
            return float(value), gradient

        res = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds)
        return np.asarray(res.x, dtype=float)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """The Hessian of the negative log-likelihood at ``theta``: central differences of
        the analytic gradient, all 2 (g + 1) points evaluated at once."""
        n = len(theta)
        step = _HESSIAN_STEP * np.maximum(np.abs(theta), 1.0)
        shifts = np.diag(step)
        points = np.concatenate([theta[:, None] + shifts, theta[:, None] - shifts], axis=1)
        gradient = self.nll_and_grad(points)[1]  # (n, 2n)
        h = (gradient[:, :n] - gradient[:, n:]) / (2 * step[None, :])
        return (h + h.T) / 2  # type: ignore[no-any-return]

    def draws(self, theta: np.ndarray) -> np.ndarray | None:
        """Parameters drawn from the fit's asymptotic normal distribution, shape
        (g + 1, RANGE_DRAWS); None when the Hessian is not positive definite there."""
        h = self.hessian(theta)
        try:
            np.linalg.cholesky(h)  # positive definite: a proper maximum
            cov = np.linalg.inv(h)
            cov = (cov + cov.T) / 2
        except np.linalg.LinAlgError:
            return None
        rng = np.random.default_rng(_SEED)
        return rng.multivariate_normal(theta, cov, size=RANGE_DRAWS).T


def _percentiles(
    theta: np.ndarray, weights: np.ndarray, service_level: float, top: int
) -> np.ndarray:
    """Per parameter column of ``theta`` (shape (g + 1, m)): the smallest k in 0 … top
    with Σ_w weight_w · P(D_w ≤ k) ≥ service_level (top if none)."""
    g = len(weights)
    mu = theta[:g]
    sigma = _spread(mu, theta[g])  # (g, m)
    k = np.arange(top + 1, dtype=float)
    cdf = ndtr((k[None, None, :] + 0.5 - mu[:, :, None]) / sigma[:, :, None])  # (g, m, K)
    mix = np.tensordot(weights, cdf, axes=(0, 0))  # (m, K)
    reached = mix >= service_level - 1e-12
    return np.where(reached.any(axis=1), reached.argmax(axis=1), top)


def _spread(mu: np.ndarray, log_dispersion: np.ndarray) -> np.ndarray:
    """σ of a weekday's demand: √(dispersion · μ), as a count's variance grows with its
    mean (dispersion 1 is a Poisson count's), at least ``MIN_SPREAD``."""
    return np.maximum(np.sqrt(np.exp(log_dispersion) * np.maximum(mu, 1.0)), MIN_SPREAD)


def _log_pdf(z: np.ndarray) -> np.ndarray:
    """log of the standard normal density."""
    return -0.5 * z * z - _LOG_SQRT_2PI  # type: ignore[no-any-return]


def _log_normal_between(z_lo: np.ndarray, z_hi: np.ndarray) -> np.ndarray:
    """log P(z_lo ≤ Z < z_hi) for a standard normal Z, accurate in both tails: from the
    lower end's side, log Φ(z_hi) + log(1 − Φ(z_lo)/Φ(z_hi)), where both ends lie in the
    upper tail from the upper side, log Φ(−z_lo) + log(1 − Φ(−z_hi)/Φ(−z_lo)) (else 1 − a
    ratio of two numbers near 1 would lose every digit, and the gradient would disagree
    with the value)."""
    upper = z_lo > 0
    near = np.where(upper, -z_lo, z_hi)
    far = np.where(upper, -z_hi, z_lo)
    log_near = log_ndtr(near)
    ratio = np.exp(np.clip(log_ndtr(far) - log_near, None, 0.0))
    return log_near + np.log1p(-np.minimum(ratio, 1 - 1e-15))  # type: ignore[no-any-return]
