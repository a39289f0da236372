"""The censored demand estimate (hubsense.demand) and the capacity it completes: exactly
today's recommendation when no day was full; when some were, an estimate at least the
measured percentile, with a range around it, that recovers a known demand from censored
peaks; and why not when it cannot be made."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.differentiate import hessian

from hubsense.demand import PeakDay, _Fit, estimate_demand
from hubsense.metrics import capacity, nearest_rank


@given(st.lists(st.integers(0, 11), min_size=1, max_size=60), st.integers(12, 30),
       st.sampled_from([0.5, 0.8, 0.9, 0.95]), st.integers(0, 3))
def test_never_full_is_exactly_todays_recommendation(
    peaks: list[int], desks: int, level: float, buffer: int
) -> None:
    c = capacity(peaks, desks=desks, open_days=len(peaks), service_level=level,
                 buffer_desks=buffer, min_days=20)
    assert not c.lower_bound
    assert c.demand_at_service_level == c.peak_at_service_level == nearest_rank(peaks, level)
    assert c.demand_recommended_desks == c.recommended_desks
    assert (c.demand_low, c.demand_high) == (None, None)


def binomial_days(seed: int, excess: float, desks: int = 8, days: int = 60):  # noqa: ANN201
    """Weekday demand from 40 people who each come with a weekday's chance, raised by
    ``excess``; the hub holds ``desks``. Not the model's own family (a binomial count)."""
    rng = np.random.default_rng(seed)
    chance = np.array([0.13, 0.16, 0.16, 0.15, 0.11]) * (1 + excess)
    weekday = np.arange(days) % 5
    demand = rng.binomial(40, chance[weekday])
    observed = [PeakDay(int(w), int(min(d, desks)), desks)
                for w, d in zip(weekday, demand, strict=True)]
    return observed, [int(d) for d in demand]


def test_a_known_demand_is_recovered_from_censored_peaks() -> None:
    hits, naive_misses, scenarios = 0, [], 0
    for seed in range(20):
        for excess in (0.2, 0.5):
            days, demand = binomial_days(seed, excess)
            measured = nearest_rank([d.peak for d in days], 0.9)
            truth = nearest_rank(demand, 0.9)
            est = estimate_demand(days, 0.9, measured)
            assert est.reason is None and est.estimate is not None
            assert est.low is not None and est.high is not None
            assert measured <= est.low <= est.estimate <= est.high
            scenarios += 1
            hits += abs(est.estimate - truth) <= 1
            naive_misses.append(truth - measured)
    assert hits >= 0.75 * scenarios, hits
    # the measured P90 misses by two desks or more on average
    assert np.mean(naive_misses) >= 2


def test_same_days_same_estimate_and_range() -> None:
    days, _ = binomial_days(3, 0.5)
    assert estimate_demand(days, 0.9, 8) == estimate_demand(list(days), 0.9, 8)


def test_no_estimate_when_every_day_or_nearly_every_day_was_full() -> None:
    full = [PeakDay(i % 5, 6, 6) for i in range(30)]
    got = estimate_demand(full, 0.9, 6)
    assert (got.estimate, got.reason, got.full_days, got.measured_days) == (
        None, "all_full", 30, 0)
    two = full[:28] + [PeakDay(0, 4, 6), PeakDay(1, 5, 6)]
    assert estimate_demand(two, 0.9, 6).reason == "too_few_measured"


def test_a_weekday_full_every_time_pools_the_weekdays() -> None:
    days = [PeakDay(i % 5, 6 if i % 5 == 4 else 3 + i % 3, 6) for i in range(40)]
    got = estimate_demand(days, 0.9, 6)
    assert got.pooled and got.estimate is not None and got.estimate >= 6


@pytest.mark.parametrize("level", [0.8, 0.9])
def test_capacity_carries_the_estimate_as_a_lower_bound(level: float) -> None:
    days, _ = binomial_days(5, 0.5)
    peaks = [d.peak for d in days]
    measured = nearest_rank(peaks, level)
    est = estimate_demand(days, level, measured)
    c = capacity(peaks, desks=8, open_days=60, service_level=level, buffer_desks=1,
                 min_days=20, demand=est)
    assert c.lower_bound and c.recommended_desks == measured + 1  # unchanged, a floor
    assert c.demand_at_service_level == est.estimate
    assert c.demand_recommended_desks == est.estimate + 1  # type: ignore[operator]
    assert (c.demand_low, c.demand_high) == (est.low, est.high)


day_lists = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 30)), min_size=3, max_size=60
).map(lambda ds: [PeakDay(w, 5, 20) for w in range(5)]  # every weekday has a day
       + [PeakDay(w, min(p, 20), 20) for w, p in ds])


@given(day_lists, st.lists(st.floats(1.5, 40), min_size=5, max_size=5),
       st.floats(math.log(0.3), 2.0))
def test_the_gradient_is_the_slope_of_the_likelihood(
    days: list[PeakDay], mu: list[float], log_dispersion: float
) -> None:
    """The analytic gradient against central differences of the likelihood itself, away
    from the kinks (μ = 1 and σ at its floor), in the far tails included."""
    fit = _Fit(days, [d.weekday for d in days], 5)
    theta = np.array([*mu, log_dispersion])
    _, gradient = fit.nll_and_grad(theta)
    h = 1e-6 * np.maximum(np.abs(theta), 1.0)
    numeric = np.array([
        (fit.nll(theta + h[i] * np.eye(6)[i]) - fit.nll(theta - h[i] * np.eye(6)[i]))
        / (2 * h[i])
        for i in range(6)
    ])
    scale = max(1.0, float(np.abs(numeric).max()))
    assert np.allclose(gradient, numeric, rtol=1e-4, atol=1e-4 * scale)


@pytest.mark.parametrize("seed", range(6))
def test_the_hessian_at_the_fit_is_the_likelihood_s_curvature(seed: int) -> None:
    """At the maximum of a regular fit: the differences of the gradient agree with scipy's
    numerical second derivative of the likelihood, and are positive definite."""
    days, _ = binomial_days(seed, 0.5)
    fit = _Fit(days, [d.weekday for d in days], 5)
    theta = fit.solve()
    h = fit.hessian(theta)
    reference = hessian(fit.nll, theta, order=2, maxiter=2, initial_step=0.05).ddf
    assert np.allclose(h, reference, rtol=1e-3, atol=1e-3 * float(np.abs(reference).max()))
    np.linalg.cholesky(h)
