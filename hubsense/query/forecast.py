"""The next 13 weeks of each hub's daily peak and utilisation, forecast from the period's
measured evidence days (``hubsense.forecast``): the period is the history, and the forecast
starts the day after it. A period shorter than 8 weeks (or with fewer than 20 evidence
days) gets no forecast, with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hubsense import forecast as model
from hubsense.analytics import Scope, scope_hubs
from hubsense.collation import swedish_key
from hubsense.metrics import HUB_GROUP
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ScopeRef

SCOPES = ("hub", "municipality", "region")


@dataclass(frozen=True, slots=True)
class ForecastDayFigures:
    date: date
    weekday: int  # 0 = Monday
    peak_concurrency: float  # expected daily peak, desks
    peak_low: float  # the 90 % prediction interval
    peak_high: float
    utilisation: float | None
    utilisation_low: float | None
    utilisation_high: float | None


@dataclass(frozen=True, slots=True)
class HubForecast:
    hub: str
    name: str
    desks: int
    history_days: int  # evidence days fitted
    terms: tuple[model.Term, ...]  # effects besides the weekday
    not_estimated: tuple[model.Term, ...]  # the period cannot tell them
    reason: model.NoForecast | None  # why there is no forecast
    days: tuple[ForecastDayFigures, ...]


@dataclass(frozen=True, slots=True)
class ForecastAnswer:
    period: Period  # the history
    scope: ScopeRef
    first_day: date  # of the forecast
    weeks: int
    level: float  # of the prediction intervals
    min_history_days: int
    min_evidence_days: int
    hubs: tuple[HubForecast, ...]  # in Swedish alphabetical order


def forecast(ctx: QueryContext, scope: Scope, period: Period) -> ForecastAnswer:
    """``scope`` is a hub, municipality or the region (``SCOPES``)."""
    a = analyse(ctx, scope, period)
    hubs = sorted(scope_hubs(ctx.registry, scope), key=lambda h: swedish_key(h.name))
    out = []
    for hub in hubs:
        history = [
            model.Observed(r.day, r.peak, r.time.utilisation)
            for r in a.day_rows(hub.id, HUB_GROUP)
            if r.evidence
        ]
        f = model.forecast(hub, history, period.end)
        out.append(
            HubForecast(
                hub=hub.id,
                name=hub.name,
                desks=len(hub.desks),
                history_days=f.history_days,
                terms=f.terms,
                not_estimated=f.not_estimated,
                reason=f.reason,
                days=tuple(_figures(d) for d in f.days),
            )
        )
    return ForecastAnswer(
        period=period,
        scope=ScopeRef.of(ctx.registry, scope),
        first_day=period.end,
        weeks=model.HORIZON_DAYS // 7,
        level=model.LEVEL,
        min_history_days=model.MIN_HISTORY_DAYS,
        min_evidence_days=model.MIN_EVIDENCE_DAYS,
        hubs=tuple(out),
    )


def _figures(d: model.ForecastDay) -> ForecastDayFigures:
    u = d.utilisation
    return ForecastDayFigures(
        date=d.day,
        weekday=d.day.weekday(),
        peak_concurrency=d.peak.value,
        peak_low=d.peak.low,
        peak_high=d.peak.high,
        utilisation=None if u is None else u.value,
        utilisation_low=None if u is None else u.low,
        utilisation_high=None if u is None else u.high,
    )
