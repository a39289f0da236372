"""Desks needed so that demand fits on a share of days (the service level), per hub and
summed over a municipality or the region, with each hub's service-level curve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubsense.analytics import Analysis, MetricParams, Scope
from hubsense.demand import NoEstimate
from hubsense.metrics import Capacity, CurvePoint
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.period import Period
from hubsense.query.scope import ScopeRef
from hubsense.reports import hours_or_none

SCOPES = ("hub", "municipality", "region")


@dataclass(frozen=True, slots=True)
class HubCapacity:
    hub: str
    name: str
    desks: int
    open_days: int
    evidence_days: int
    peak_at_service_level: int | None
    recommended_desks: int | None
    too_few_days: bool
    days_at_capacity: int
    days_at_capacity_share: float | None  # ÷ evidence days
    full_hours: float | None  # time at full over the open days (None: not known)
    max_peak: int | None
    curve: tuple[CurvePoint, ...]  # per capacity k: evidence days whose peak exceeded k
    lower_bound: bool  # full on some evidence day: the measured recommendation is a floor
    demand_at_service_level: int | None  # censored estimate (the measured one if never full)
    demand_low: int | None  # its range (None when never full, or not estimable)
    demand_high: int | None
    demand_recommended_desks: int | None  # = recommended_desks when never full
    demand_pooled: bool  # the weekday means were pooled (a weekday was full every time)
    demand_reason: NoEstimate | None  # why a full hub has no estimate


@dataclass(frozen=True, slots=True)
class CapacityNeed:
    """The scope's need: the parameters it was computed with, the sums over its hubs
    (hubs do not share desks), and each hub's own."""

    period: Period
    scope: ScopeRef
    service_level: float
    buffer_desks: int
    min_days: int
    evidence_min_coverage: float
    desks: int
    peak_at_service_level: int | None  # None when any hub has none
    recommended_desks: int | None
    too_few_days: bool  # any hub's recommendation rests on too few days
    days_at_capacity: int  # hub-days, summed over the hubs
    days_at_capacity_share: float | None  # ÷ the hubs' evidence days summed
    full_hours: float | None  # summed over the hubs
    lower_bound: bool  # any hub's
    demand_at_service_level: int | None  # summed over the hubs (None if a hub has none)
    demand_low: int | None  # the hubs' lows (a never-full hub: its measured percentile)
    demand_high: int | None
    demand_recommended_desks: int | None
    hubs: tuple[HubCapacity, ...]


def capacity(
    ctx: QueryContext,
    scope: Scope,
    period: Period,
    *,
    service_level: float | None = None,
    buffer: int | None = None,
    min_days: int | None = None,
) -> CapacityNeed:
    """``scope`` is a hub, municipality or the region (``SCOPES``). Parameters left None
    come from the settings (capacity_service_level, capacity_buffer_desks,
    capacity_min_days)."""
    params = MetricParams.from_settings(
        ctx.settings, service_level=service_level, buffer_desks=buffer, min_days=min_days
    )
    return capacity_in(ctx, analyse(ctx, scope, period, params=params), scope, period)


def capacity_in(
    ctx: QueryContext, a: Analysis, scope: Scope, period: Period, *, with_demand: bool = True
) -> CapacityNeed:
    """The capacity of ``scope`` from an analysis of it or of a scope containing it.

    Exact either way: capacity reads each hub's open days (peaks, coverage), and the
    "unchanged" rule decides those days alike from any margin at least as wide as the
    scope's own (``analytics.margin``), so the comparison takes every municipality's
    from one analysis of the region.

    ``with_demand=False`` leaves the censored demand figures out (None): for callers that
    show the measured recommendation only (the overview, the comparison), as a full hub's
    estimate is a fit of a tenth of a second or more."""
    params = a.params
    total = a.scope_capacity(scope)
    return CapacityNeed(
        period=period,
        scope=ScopeRef.of(ctx.registry, scope),
        service_level=params.service_level,
        buffer_desks=params.buffer_desks,
        min_days=params.min_days,
        evidence_min_coverage=params.min_coverage,
        desks=total.desks,
        peak_at_service_level=total.peak_at_service_level,
        recommended_desks=total.recommended_desks,
        too_few_days=total.too_few_days,
        days_at_capacity=total.days_at_capacity,
        days_at_capacity_share=total.days_at_capacity_share,
        full_hours=hours_or_none(total.full_ns),
        lower_bound=total.lower_bound,
        demand_at_service_level=total.demand_at_service_level if with_demand else None,
        demand_low=total.demand_low if with_demand else None,
        demand_high=total.demand_high if with_demand else None,
        demand_recommended_desks=total.demand_recommended_desks if with_demand else None,
        hubs=tuple(
            HubCapacity(
                hub=hub_id,
                name=ctx.registry.hubs[hub_id].name,
                desks=c.desks,
                open_days=c.open_days,
                evidence_days=c.evidence_days,
                peak_at_service_level=c.peak_at_service_level,
                recommended_desks=c.recommended_desks,
                too_few_days=c.too_few_days,
                days_at_capacity=c.days_at_capacity,
                days_at_capacity_share=c.days_at_capacity_share,
                full_hours=hours_or_none(c.full_ns),
                max_peak=c.max_peak,
                curve=c.curve,
                lower_bound=c.lower_bound,
                **_demand_fields(c, with_demand),
            )
            for hub_id, c in total.hubs
        ),
    )


def _demand_fields(c: Capacity, with_demand: bool) -> dict[str, Any]:
    """A hub's censored demand figures (all None when left out, ``with_demand=False``)."""
    if not with_demand:
        return {
            "demand_at_service_level": None,
            "demand_low": None,
            "demand_high": None,
            "demand_recommended_desks": None,
            "demand_pooled": False,
            "demand_reason": None,
        }
    d = c.demand
    return {
        "demand_at_service_level": c.demand_at_service_level,
        "demand_low": c.demand_low,
        "demand_high": c.demand_high,
        "demand_recommended_desks": c.demand_recommended_desks,
        "demand_pooled": d is not None and d.pooled,
        "demand_reason": None if d is None else d.reason,
    }
