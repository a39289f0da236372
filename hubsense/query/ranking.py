"""The desks of a scope ranked by utilisation; desks without known time come last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hubsense.analytics import Scope
from hubsense.metrics import Band
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ScopeRef
from hubsense.reports import hours

SCOPES = ("zone", "hub", "municipality", "region")
Order = Literal["desc", "asc"]


@dataclass(frozen=True, slots=True)
class RankedDesk:
    rank: int
    hub: str
    zone: str
    desk: str
    utilisation: float | None
    coverage: float | None
    occupied_hours: float
    daily_usage_rate: float | None
    usage_band: Band | None
    suspect: bool  # a suspect (stuck) sensor in the period


@dataclass(frozen=True, slots=True)
class DeskRanking:
    period: Period
    scope: ScopeRef
    order: Order
    desks: tuple[RankedDesk, ...]


def ranking(
    ctx: QueryContext, scope: Scope, period: Period, order: Order = "desc", limit: int = 50
) -> DeskRanking:
    """The first ``limit`` desks, busiest first (``desc``) or least used first (``asc``);
    equal utilisation in desk id order."""
    a = analyse(ctx, scope, period)
    suspects = {(r.hub, r.desk) for r in a.suspects}
    desks = a.desk_summaries(scope)
    known = [s for s in desks if s.time.utilisation is not None]
    unknown = [s for s in desks if s.time.utilisation is None]
    sign = -1 if order == "desc" else 1
    known.sort(key=lambda s: (sign * (s.time.utilisation or 0.0), s.scope.id))
    ranked = []
    for i, s in enumerate((known + unknown)[:limit], start=1):
        assert s.scope.hub is not None and s.scope.item is not None
        desk = ctx.registry.desk(s.scope.hub, s.scope.item)
        assert desk is not None
        ranked.append(
            RankedDesk(
                rank=i,
                hub=desk.hub,
                zone=desk.zone,
                desk=desk.id,
                utilisation=s.time.utilisation,
                coverage=s.time.coverage,
                occupied_hours=hours(s.time.occupied_ns),
                daily_usage_rate=s.use.rate,
                usage_band=s.band,
                suspect=(desk.hub, desk.id) in suspects,
            )
        )
    return DeskRanking(
        period=period, scope=ScopeRef.of(ctx.registry, scope), order=order, desks=tuple(ranked)
    )
