"""Utilisation analytics: the metrics of docs/metrics.md per scope and date range.

Every route takes ``scope`` (desk, zone, hub, municipality, region), ``id`` (registry ids
only; ``hub/zone`` and ``hub/desk`` below hubs; none for the region) and local dates
``from`` (inclusive) and ``to`` (exclusive; default: today and 30 days before). Numbers
come from rollups (computed on first use); see hubsense.analytics.

The routes live under ``/api/reports/`` (planners: aggregates, and desk-level figures
that may be personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status

from api.analytics_models import (
    BandCountsOut,
    BandsOut,
    CapacityOut,
    CurvePointOut,
    DailyOut,
    DayOut,
    DeskHealthOut,
    DeskRankOut,
    HubCapacityOut,
    PeriodOut,
    ProfileOut,
    RankingOut,
    ScopeOut,
    SensorHealthOut,
    SummaryOut,
    SuspectOut,
    ThresholdsOut,
    UtilisationOut,
)
from api.deps import HTTP_422, ClockDep, RegistryDep, SettingsDep, StoreDep, show_id
from api.models import ErrorOut
from hubsense import analytics
from hubsense.analytics import Analysis, MetricParams, Scope, ScopeError, Summary
from hubsense.calendar import from_ns
from hubsense.config import Settings
from hubsense.metrics import HUB_GROUP
from hubsense.registry import Registry
from hubsense.reports import hours
from hubsense.store.base import Store

router = APIRouter(prefix="/reports", tags=["utilisation"])

DEFAULT_DAYS = 30
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Unknown municipality, hub, zone or desk."},
    422: {"model": ErrorOut, "description": "Bad scope, id, dates or range."},
    503: {"model": ErrorOut, "description": "The store is unavailable."},
}
ScopeParam = Annotated[
    str,
    Query(description="desk, zone, hub, municipality or region."),
]
IdParam = Annotated[
    str | None,
    Query(
        description="Registry id: a municipality (`berg`), hub (`svenstavik`), zone "
        "(`svenstavik/a`) or desk (`svenstavik/a01`); none for the region."
    ),
]
FromParam = Annotated[
    str | None,
    Query(alias="from", description="First local date, YYYY-MM-DD (default: `to` − 30 days)."),
]
ToParam = Annotated[
    str | None,
    Query(description="Local date after the last one, YYYY-MM-DD (exclusive; default: today)."),
]


def parse_day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise HTTPException(HTTP_422, f"{name}: not a date (YYYY-MM-DD): {show_id(text)}") from None


def today(registry: Registry, now_ns: int) -> date:
    tz = next(iter(registry.hubs.values())).tz if registry.hubs else None
    return from_ns(now_ns, tz).date()


def period(
    settings: Settings, registry: Registry, now_ns: int, from_: str | None, to: str | None
) -> tuple[date, date]:
    """Validated ``[first, end)``: 422 with the reason otherwise."""
    now_day = today(registry, now_ns)
    end = now_day if to is None else parse_day("to", to)
    first = end - timedelta(days=DEFAULT_DAYS) if from_ is None else parse_day("from", from_)
    if end <= first:
        raise HTTPException(HTTP_422, "to must be after from (to is exclusive)")
    if (end - first).days > settings.analytics_max_days:
        raise HTTPException(
            HTTP_422,
            f"date range too long: {(end - first).days} days; at most "
            f"{settings.analytics_max_days} (analytics_max_days)",
        )
    latest = now_day + timedelta(days=1)
    if end > latest:
        raise HTTPException(
            HTTP_422,
            f"to: {end.isoformat()} is in the future; the latest allowed is "
            f"{latest.isoformat()} (the range then ends with today)",
        )
    return first, end


def resolve(registry: Registry, kind: str, ident: str | None, allowed: tuple[str, ...]) -> Scope:
    if kind not in allowed:
        raise HTTPException(
            HTTP_422, f"scope: must be one of {', '.join(allowed)}, not {show_id(kind)}"
        )
    try:
        return analytics.resolve(registry, kind, ident)
    except ScopeError as exc:
        code = status.HTTP_404_NOT_FOUND if exc.not_found else HTTP_422
        raise HTTPException(code, f"id: {exc}") from None


@dataclass
class Request:
    scope: Scope
    first: date
    end: date
    settings: Settings
    registry: Registry
    now_ns: int


def request_for(allowed: tuple[str, ...]) -> Callable[..., Request]:
    """A dependency parsing scope, id, from and to for routes that allow these scopes."""

    def dependency(
        settings: SettingsDep,
        registry: RegistryDep,
        clock: ClockDep,
        scope: ScopeParam,
        id: IdParam = None,  # noqa: A002 - the query parameter's name
        from_: FromParam = None,
        to: ToParam = None,
    ) -> Request:
        s = resolve(registry, scope, id, allowed)
        now_ns = clock()
        first, end = period(settings, registry, now_ns, from_, to)
        return Request(s, first, end, settings, registry, now_ns)

    return dependency


ALL = ("desk", "zone", "hub", "municipality", "region")


def run(
    store: Store, req: Request, *, slots: bool = False, params: MetricParams | None = None
) -> Analysis:
    return analytics.analyse(
        store,
        req.registry,
        req.scope,
        req.first,
        req.end,
        req.settings,
        now_ns=req.now_ns,
        slots=slots,
        params=params,
    )


def period_out(first: date, end: date) -> PeriodOut:
    return PeriodOut.model_validate(
        {"from": first, "to": end, "last_day": end - timedelta(days=1), "days": (end - first).days}
    )


def scope_out(registry: Registry, scope: Scope) -> ScopeOut:
    return ScopeOut(kind=scope.kind, id=scope.id, name=analytics.scope_name(registry, scope))


def summary_out(registry: Registry, s: Summary) -> SummaryOut:
    t, u = s.time, s.use
    return SummaryOut(
        scope=scope_out(registry, s.scope),
        desks=s.desks,
        hubs=s.hubs,
        open_days=s.open_days,
        open_desk_hours=hours(t.open_ns),
        occupied_hours=hours(t.occupied_ns),
        free_hours=hours(t.free_ns),
        unknown_hours=hours(t.unknown_ns),
        offline_hours=hours(t.offline_ns),
        stuck_hours=hours(t.stuck_ns),
        utilisation=t.utilisation,
        coverage=t.coverage,
        used_desk_days=u.used,
        unused_desk_days=u.unused,
        undecided_desk_days=u.undecided,
        daily_usage_rate=u.rate,
        usage_band=s.band,
        peak_concurrency=s.peak_max,
        peak_share=s.peak_share_max,
        evidence_days=s.evidence_days,
        flickers=s.flickers,
        suspect_desks=s.suspect_desks,
    )


@router.get(
    "/utilisation",
    response_model=UtilisationOut,
    summary="Utilisation, coverage, daily use and usage bands of a scope",
    responses=ERRORS,
)
def utilisation(
    store: StoreDep, req: Annotated[Request, Depends(request_for(ALL))]
) -> UtilisationOut:
    a = run(store, req)
    bands = a.bands(req.scope)
    s = req.settings
    return UtilisationOut(
        period=period_out(req.first, req.end),
        thresholds=ThresholdsOut(
            offline_after_s=s.offline_after_s,
            flicker_min_s=s.flicker_min_s,
            stuck_occupied_s=s.stuck_occupied_s,
            stuck_unchanged_open_days=s.stuck_unchanged_open_days,
            daily_use_min_s=s.daily_use_min_s,
        ),
        summary=summary_out(req.registry, a.summary(req.scope)),
        breakdown=[
            summary_out(req.registry, a.summary(c))
            for c in analytics.children(req.registry, req.scope)
        ],
        bands=BandsOut(desks=BandCountsOut(**bands["desks"]), hubs=BandCountsOut(**bands["hubs"])),
        recomputed_days=a.recomputed_days,
    )


@router.get(
    "/daily",
    response_model=DailyOut,
    summary="Per open day: peak concurrency, utilisation, coverage, daily use (hub or zone)",
    responses=ERRORS,
)
def daily(
    store: StoreDep, req: Annotated[Request, Depends(request_for(("hub", "zone")))]
) -> DailyOut:
    a = run(store, req)
    assert req.scope.hub is not None
    hub = req.registry.hubs[req.scope.hub]
    group = HUB_GROUP if req.scope.kind == "hub" else str(req.scope.item)
    return DailyOut(
        period=period_out(req.first, req.end),
        scope=scope_out(req.registry, req.scope),
        days=[
            DayOut(
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
            )
            for r in a.day_rows(hub.id, group)
        ],
    )


@router.get(
    "/capacity",
    response_model=CapacityOut,
    summary="Desks needed so that demand fits on a share of days, with the service-level "
    "curve (hub, municipality or region: per hub, and summed)",
    responses=ERRORS,
)
def capacity(
    store: StoreDep,
    req: Annotated[Request, Depends(request_for(("hub", "municipality", "region")))],
    service_level: Annotated[
        float | None,
        Query(gt=0, le=1, description="Default: capacity_service_level (0.9)."),
    ] = None,
    buffer: Annotated[
        int | None, Query(ge=0, le=1000, description="Default: capacity_buffer_desks.")
    ] = None,
    min_days: Annotated[
        int | None, Query(ge=1, le=10000, description="Default: capacity_min_days.")
    ] = None,
) -> CapacityOut:
    params = MetricParams.from_settings(
        req.settings, service_level=service_level, buffer_desks=buffer, min_days=min_days
    )
    a = run(store, req, params=params)
    total = a.scope_capacity(req.scope)
    return CapacityOut(
        period=period_out(req.first, req.end),
        scope=scope_out(req.registry, req.scope),
        service_level=params.service_level,
        buffer_desks=params.buffer_desks,
        min_days=params.min_days,
        evidence_min_coverage=params.min_coverage,
        desks=total.desks,
        peak_at_service_level=total.peak_at_service_level,
        recommended_desks=total.recommended_desks,
        too_few_days=total.too_few_days,
        hubs=[
            HubCapacityOut(
                hub=hub_id,
                name=req.registry.hubs[hub_id].name,
                desks=c.desks,
                open_days=c.open_days,
                evidence_days=c.evidence_days,
                peak_at_service_level=c.peak_at_service_level,
                recommended_desks=c.recommended_desks,
                too_few_days=c.too_few_days,
                days_at_capacity=c.days_at_capacity,
                max_peak=c.max_peak,
                curve=[
                    CurvePointOut(
                        capacity=p.capacity,
                        days_exceeding=p.days_exceeding,
                        share_exceeding=p.share_exceeding,
                    )
                    for p in c.curve
                ],
            )
            for hub_id, c in total.hubs
        ],
    )


@router.get(
    "/profile",
    response_model=ProfileOut,
    summary="Average concurrency by hour of day and weekday (zone, hub, municipality, region)",
    responses=ERRORS,
)
def profile(
    store: StoreDep,
    req: Annotated[Request, Depends(request_for(("zone", "hub", "municipality", "region")))],
) -> ProfileOut:
    a = run(store, req, slots=True)
    return ProfileOut(
        period=period_out(req.first, req.end),
        scope=scope_out(req.registry, req.scope),
        weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        hours=list(range(24)),
        mean_concurrency=a.profile(req.scope),
    )


@router.get(
    "/desks",
    response_model=RankingOut,
    summary="Desks ranked by utilisation (zone, hub, municipality, region)",
    responses=ERRORS,
)
def ranking(
    store: StoreDep,
    req: Annotated[Request, Depends(request_for(("zone", "hub", "municipality", "region")))],
    order: Annotated[Literal["desc", "asc"], Query(description="desc: busiest first.")] = "desc",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> RankingOut:
    a = run(store, req)
    suspects = {(r.hub, r.desk) for r in a.suspects}
    desks = a.desk_summaries(req.scope)
    known = [s for s in desks if s.time.utilisation is not None]
    unknown = [s for s in desks if s.time.utilisation is None]
    sign = -1 if order == "desc" else 1
    known.sort(key=lambda s: (sign * (s.time.utilisation or 0.0), s.scope.id))
    ordered = (known + unknown)[:limit]
    out = []
    for i, s in enumerate(ordered, start=1):
        assert s.scope.hub is not None and s.scope.item is not None
        desk = req.registry.desk(s.scope.hub, s.scope.item)
        assert desk is not None
        out.append(
            DeskRankOut(
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
    return RankingOut(
        period=period_out(req.first, req.end),
        scope=scope_out(req.registry, req.scope),
        order=order,
        desks=out,
    )


@router.get(
    "/sensors",
    response_model=SensorHealthOut,
    summary="Sensor health: suspect (stuck) sensors, offline time and flickers per desk",
    responses=ERRORS,
)
def sensors(store: StoreDep, req: Annotated[Request, Depends(request_for(ALL))]) -> SensorHealthOut:
    a = run(store, req)
    desks = []
    for s in a.desk_summaries(req.scope):
        t = s.time
        if t.offline_ns or t.stuck_ns or s.flickers:
            assert s.scope.hub is not None and s.scope.item is not None
            desks.append(
                DeskHealthOut(
                    hub=s.scope.hub,
                    desk=s.scope.item,
                    offline_hours=hours(t.offline_ns),
                    stuck_hours=hours(t.stuck_ns),
                    coverage=t.coverage,
                    flickers=s.flickers,
                )
            )
    return SensorHealthOut(
        period=period_out(req.first, req.end),
        scope=scope_out(req.registry, req.scope),
        suspects=[
            SuspectOut(
                hub=r.hub,
                desk=r.desk,
                kind=r.kind,
                first_day=r.first_day,
                last_day=r.last_day,
                open_days=r.open_days,
                stuck_hours=hours(r.stuck_ns),
            )
            for r in a.suspects_in(req.scope)
        ],
        desks=desks,
    )
