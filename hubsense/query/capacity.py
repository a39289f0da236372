"""Desks needed so that demand fits on a share of days (the service level), per hub and
summed over a municipality or the region, with each hub's service-level curve."""

from __future__ import annotations

from dataclasses import dataclass

from hubsense.analytics import Analysis, MetricParams, Scope
from hubsense.metrics import CurvePoint
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
    ctx: QueryContext, a: Analysis, scope: Scope, period: Period
) -> CapacityNeed:
    """The capacity of ``scope`` from an analysis of it or of a scope containing it.

    Exact either way: capacity reads each hub's open days (peaks, coverage), and the
    "unchanged" rule decides those days alike from any margin at least as wide as the
    scope's own (``analytics.margin``), so the comparison takes every municipality's
    from one analysis of the region."""
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
            )
            for hub_id, c in total.hubs
        ),
    )
