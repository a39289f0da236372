"""The next weeks of a hub's daily peak and utilisation, from its measured history only.

A linear model of each open day's value (statsmodels OLS), with:

- a **weekday** effect (one level per weekday the hub opens),
- a **trend** (years since the history's first day),
- **Swedish holidays**: an open day next to a public or de-facto holiday (a *klämdag*, the
  day before Midsummer Eve, …), when people take the day off,
- **season**: July and the Christmas weeks (20 December – 6 January),

and the model's 90 % prediction interval for each day (the fit's parameter uncertainty and
the day-to-day scatter). A term is used only when the history holds days with and without
it (a history without a July cannot say what July does: ``not_estimated`` lists such
terms). Values are clipped to what can be measured: a peak between 0 and the desks, a
utilisation between 0 and 1. A forecast needs at least ``MIN_HISTORY_DAYS`` of history
(from its first evidence day to the forecast's start) and ``MIN_EVIDENCE_DAYS`` evidence
days in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import statsmodels.api as sm

from hubsense.calendar import closure_reason, is_open, swedish_holidays
from hubsense.registry import Hub

HORIZON_DAYS = 13 * 7
MIN_HISTORY_DAYS = 8 * 7
MIN_EVIDENCE_DAYS = 20
LEVEL = 0.9
"""The prediction interval covers this share of days."""
Term = Literal["trend", "holiday_adjacent", "july", "christmas"]
TERMS: tuple[Term, ...] = ("trend", "holiday_adjacent", "july", "christmas")
NoForecast = Literal["short_history", "few_days"]


@dataclass(frozen=True, slots=True)
class Observed:
    """One evidence day of the history."""

    day: date
    peak: int
    utilisation: float | None


@dataclass(frozen=True, slots=True)
class Predicted:
    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class ForecastDay:
    day: date
    peak: Predicted
    utilisation: Predicted | None  # None: the history has no known utilisation


@dataclass(frozen=True, slots=True)
class Forecast:
    first_day: date  # of the forecast (the day after the history)
    days: tuple[ForecastDay, ...]  # the open days of the next 13 weeks
    history_days: int  # evidence days fitted
    terms: tuple[Term, ...]  # used besides the weekday
    not_estimated: tuple[Term, ...]  # the history cannot tell (no day with or without it)
    reason: NoForecast | None  # why there is no forecast (then ``days`` is empty)


def forecast(hub: Hub, history: Sequence[Observed], start: date) -> Forecast:
    """The forecast for the open days of ``[start, start + 13 weeks)`` from ``history``
    (evidence days before ``start``)."""
    days = sorted(history, key=lambda o: o.day)
    if len(days) < MIN_EVIDENCE_DAYS:
        return Forecast(start, (), len(days), (), (), "few_days")
    if (start - days[0].day).days < MIN_HISTORY_DAYS:
        return Forecast(start, (), len(days), (), (), "short_history")
    future = [
        start + timedelta(days=i)
        for i in range(HORIZON_DAYS)
        if is_open(hub, start + timedelta(days=i))
    ]
    design = _Design(hub, [o.day for o in days])
    x_hist = design.matrix([o.day for o in days])
    x_future = design.matrix(future)
    desks = len(hub.desks)
    peaks = _predict(x_hist, np.array([o.peak for o in days], float), x_future, 0, desks)
    known = [(i, o.utilisation) for i, o in enumerate(days) if o.utilisation is not None]
    utils: list[Predicted] | None = None
    if len(known) >= MIN_EVIDENCE_DAYS:
        rows = [i for i, _ in known]
        utils = _predict(x_hist[rows], np.array([u for _, u in known]), x_future, 0.0, 1.0)
    return Forecast(
        first_day=start,
        days=tuple(
            ForecastDay(d, peaks[i], None if utils is None else utils[i])
            for i, d in enumerate(future)
        ),
        history_days=len(days),
        terms=design.terms,
        not_estimated=design.not_estimated,
        reason=None,
    )


class _Design:
    """The model's columns for a history: the weekdays it has and the terms it can tell."""

    def __init__(self, hub: Hub, history: Sequence[date]) -> None:
        self.hub = hub
        self.origin = history[0]
        self.weekdays = sorted({d.weekday() for d in history})
        seen = {t: {self._term(t, d) for d in history} for t in TERMS}
        self.terms = tuple(t for t in TERMS if len(seen[t]) > 1)
        self.not_estimated = tuple(t for t in TERMS if len(seen[t]) == 1 and t != "trend")

    def _term(self, term: Term, day: date) -> float:
        if term == "trend":
            return (day - self.origin).days / 365.25
        if term == "july":
            return float(day.month == 7)
        if term == "christmas":
            return float((day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 6))
        return float(self._next_to_holiday(day))

    def _next_to_holiday(self, day: date) -> bool:
        for other in (day - timedelta(days=1), day + timedelta(days=1)):
            if other in swedish_holidays(other.year) and closure_reason(self.hub, other):
                return True
        return False

    def matrix(self, days: Sequence[date]) -> np.ndarray:
        """Intercept (the first weekday), the other weekdays, then the terms."""
        cols = [[1.0] * len(days)]
        # a weekday the history never saw gets the first weekday's level
        cols += [[float(d.weekday() == w) for d in days] for w in self.weekdays[1:]]
        cols += [[self._term(t, d) for d in days] for t in self.terms]
        return np.array(cols, dtype=float).T.reshape(len(days), len(cols))


def _predict(
    x: np.ndarray, y: np.ndarray, x_new: np.ndarray, lo: float, hi: float
) -> list[Predicted]:
    if len(x_new) == 0:
        return []
    fit = sm.OLS(y, x).fit()
    frame = fit.get_prediction(x_new).summary_frame(alpha=1 - LEVEL)
    mean = np.clip(frame["mean"].to_numpy(), lo, hi)
    low = np.clip(frame["obs_ci_lower"].to_numpy(), lo, hi)
    high = np.clip(frame["obs_ci_upper"].to_numpy(), lo, hi)
    return [
        Predicted(float(m), float(a), float(b)) for m, a, b in zip(mean, low, high, strict=True)
    ]
