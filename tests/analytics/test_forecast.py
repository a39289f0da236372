"""The 13-week forecast (hubsense.forecast): what it needs, which effects it can tell from
the history, and that it recovers a known weekday pattern, trend and July from data."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hubsense.calendar import is_open
from hubsense.config import DEFAULT_REGISTRY
from hubsense.forecast import HORIZON_DAYS, LEVEL, Observed, forecast
from hubsense.registry import load_registry

HUB = load_registry(DEFAULT_REGISTRY).hubs["ostersund-centrum"]  # 24 desks, Mon–Fri


def history(first: date, end: date, seed: int = 1, trend: float = 2.0) -> list[Observed]:
    """Peaks of 8 + 4 on Tuesdays − 3 on Fridays + ``trend`` a year − 5 in July, noise σ 1."""
    rng = np.random.default_rng(seed)
    out = []
    day = first
    while day < end:
        if is_open(HUB, day):
            years = (day - first).days / 365.25
            mean = 8 + 4 * (day.weekday() == 1) - 3 * (day.weekday() == 4) + trend * years
            mean -= 5 * (day.month == 7)
            peak = int(round(mean + rng.normal(0, 1)))
            out.append(Observed(day, peak, peak / 24))
        day += timedelta(days=1)
    return out


def test_it_needs_eight_weeks_and_twenty_evidence_days() -> None:
    start = date(2026, 11, 2)
    seven_weeks = history(start - timedelta(weeks=7), start)
    got = forecast(HUB, seven_weeks, start)
    assert (got.reason, got.days) == ("short_history", ())
    sparse = history(start - timedelta(weeks=20), start)[::7]  # 14 days over 20 weeks
    assert forecast(HUB, sparse, start).reason == "few_days"
    eight = history(start - timedelta(weeks=8), start)
    assert forecast(HUB, eight, start).reason is None


def test_thirteen_weeks_of_open_days_with_an_interval() -> None:
    start = date(2026, 11, 2)
    got = forecast(HUB, history(start - timedelta(weeks=12), start), start)
    want = [start + timedelta(days=i) for i in range(HORIZON_DAYS)]
    assert [d.day for d in got.days] == [d for d in want if is_open(HUB, d)]
    assert date(2026, 12, 24) not in [d.day for d in got.days]  # Christmas Eve: closed
    for d in got.days:
        assert 0 <= d.peak.low <= d.peak.value <= d.peak.high <= 24
        assert d.utilisation is not None and 0 <= d.utilisation.low <= d.utilisation.high <= 1
    # twelve autumn weeks hold no July and no Christmas: the forecast says so
    assert set(got.not_estimated) >= {"july", "christmas"}


def test_weekday_trend_and_july_are_recovered() -> None:
    start = date(2027, 6, 28)
    past = history(date(2025, 1, 6), start)
    got = forecast(HUB, past, start)
    assert {"trend", "july", "christmas", "holiday_adjacent"} <= set(got.terms)
    years = (start - date(2025, 1, 6)).days / 365.25
    for d in got.days[:40]:
        mean = 8 + 4 * (d.day.weekday() == 1) - 3 * (d.day.weekday() == 4) + 2 * years
        mean -= 5 * (d.day.month == 7)
        assert d.peak.value == pytest.approx(mean, abs=1.0), d.day
    # the interval holds about LEVEL of what follows
    future = {o.day: o.peak for o in history(date(2025, 1, 6), start + timedelta(days=91))}
    inside = [d.peak.low <= future[d.day] <= d.peak.high for d in got.days]
    assert abs(np.mean(inside) - LEVEL) < 0.1
