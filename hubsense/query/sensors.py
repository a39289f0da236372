"""Sensor health of a scope: suspect (stuck) sensors, and the desks with offline time,
stuck time or flickers in the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from hubsense.analytics import Scope
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ALL_SCOPES, ScopeRef
from hubsense.reports import hours

SCOPES = ALL_SCOPES


@dataclass(frozen=True, slots=True)
class SuspectSensor:
    """Consecutive days on which a desk's sensor is suspect; its time counts as unknown."""

    hub: str
    desk: str
    kind: Literal["occupied", "unchanged"]
    first_day: date
    last_day: date
    open_days: int
    stuck_hours: float  # opening hours within the period made unknown


@dataclass(frozen=True, slots=True)
class DeskHealth:
    hub: str
    desk: str
    offline_hours: float
    stuck_hours: float
    coverage: float | None
    flickers: int


@dataclass(frozen=True, slots=True)
class SensorHealth:
    period: Period
    scope: ScopeRef
    suspects: tuple[SuspectSensor, ...]
    desks: tuple[DeskHealth, ...]  # only desks with offline or stuck time, or flickers


def sensor_health(ctx: QueryContext, scope: Scope, period: Period) -> SensorHealth:
    a = analyse(ctx, scope, period)
    desks = []
    for s in a.desk_summaries(scope):
        t = s.time
        if t.offline_ns or t.stuck_ns or s.flickers:
            assert s.scope.hub is not None and s.scope.item is not None
            desks.append(
                DeskHealth(
                    hub=s.scope.hub,
                    desk=s.scope.item,
                    offline_hours=hours(t.offline_ns),
                    stuck_hours=hours(t.stuck_ns),
                    coverage=t.coverage,
                    flickers=s.flickers,
                )
            )
    return SensorHealth(
        period=period,
        scope=ScopeRef.of(ctx.registry, scope),
        suspects=tuple(
            SuspectSensor(
                hub=r.hub,
                desk=r.desk,
                kind=r.kind,
                first_day=r.first_day,
                last_day=r.last_day,
                open_days=r.open_days,
                stuck_hours=hours(r.stuck_ns),
            )
            for r in a.suspects_in(scope)
        ),
        desks=tuple(desks),
    )
