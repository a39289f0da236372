"""Average concurrency by hour of day and weekday over a period (summed over hubs)."""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.analytics import Scope
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ScopeRef

SCOPES = ("zone", "hub", "municipality", "region")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class HourWeekdayProfile:
    period: Period
    scope: ScopeRef
    mean_concurrency: list[list[float | None]]  # [weekday][hour]; None: no hub open then
    weekdays: tuple[str, ...] = WEEKDAYS
    hours: tuple[int, ...] = tuple(range(24))


def profile(ctx: QueryContext, scope: Scope, period: Period) -> HourWeekdayProfile:
    """``scope`` is a zone, hub, municipality or the region (``SCOPES``)."""
    a = analyse(ctx, scope, period)
    return HourWeekdayProfile(
        period=period,
        scope=ScopeRef.of(ctx.registry, scope),
        mean_concurrency=a.profile(scope),
    )
