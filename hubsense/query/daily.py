"""Per open day of a hub or zone: peak concurrency (and when), utilisation, coverage,
daily use, and whether the day is evidence for capacity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from hubsense.analytics import Analysis, Scope
from hubsense.calendar import from_ns
from hubsense.metrics import HUB_GROUP
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ScopeRef
from hubsense.reports import hours, minutes_or_none

SCOPES = ("hub", "zone")


@dataclass(frozen=True, slots=True)
class DayFigures:
    date: date
    weekday: int  # 0 = Monday
    open_hours: float
    desks: int
    peak_concurrency: int
    peak_at: datetime  # first moment of the peak, the hub's local time
    peak_share: float
    utilisation: float | None
    coverage: float | None
    daily_usage_rate: float | None
    evidence: bool  # coverage ≥ evidence_min_coverage: counts for capacity
    at_capacity: bool  # the peak reached every desk
    full_minutes: float | None  # time at full (None: not known for this day)


@dataclass(frozen=True, slots=True)
class DailySeries:
    period: Period
    scope: ScopeRef
    days: tuple[DayFigures, ...]  # open days only


def daily(ctx: QueryContext, scope: Scope, period: Period) -> DailySeries:
    """``scope`` is a hub or a zone (``SCOPES``)."""
    if scope.hub is None or scope.kind not in SCOPES:
        raise ValueError(f"a daily series is per hub or zone, not per {scope.kind}")
    return daily_in(ctx, analyse(ctx, scope, period), scope, period)


def hub_dailies(
    ctx: QueryContext, scope: Scope, hub_ids: Sequence[str], period: Period
) -> list[DailySeries]:
    """The daily series of each of ``hub_ids`` (hubs of ``scope``) from the one analysis
    of ``scope`` (the explorer shows every hub of a municipality)."""
    a = analyse(ctx, scope, period)
    return [daily_in(ctx, a, Scope("hub", h, hub=h), period) for h in hub_ids]


def daily_in(ctx: QueryContext, a: Analysis, scope: Scope, period: Period) -> DailySeries:
    """The series of a hub or zone from an analysis of it or of a scope containing it
    (exact either way, as for ``capacity_in``: a day's figures read that day's rows, which
    the "unchanged" rule decides alike from any margin at least as wide as the scope's)."""
    assert scope.hub is not None
    hub = ctx.registry.hubs[scope.hub]
    group = HUB_GROUP if scope.kind == "hub" else str(scope.item)
    return DailySeries(
        period=period,
        scope=ScopeRef.of(ctx.registry, scope),
        days=tuple(
            DayFigures(
                date=r.day,
                weekday=r.day.weekday(),
                open_hours=hours(r.open_ns),
                desks=r.desks,
                peak_concurrency=r.peak,
                peak_at=from_ns(r.peak_at_ns, hub.tz),
                peak_share=r.peak_share,
                utilisation=r.time.utilisation,
                coverage=r.time.coverage,
                daily_usage_rate=r.use.rate,
                evidence=r.evidence,
                at_capacity=r.at_capacity,
                full_minutes=minutes_or_none(r.full_ns),
            )
            for r in a.day_rows(hub.id, group)
        ),
    )
