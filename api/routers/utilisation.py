"""Utilisation analytics: the metrics of docs/metrics.md per scope and date range.

Every route takes ``scope`` (desk, zone, hub, municipality, region), ``id`` (registry ids
only; ``hub/zone`` and ``hub/desk`` below hubs; none for the region) and local dates
``from`` (inclusive) and ``to`` (exclusive; default: today and 30 days before). The
answers are ``hubsense.query``'s; a route only reads the parameters and builds its
response model from the answer. Bad questions raise ``hubsense.query`` errors, which the
app's handler turns into 404/422 (``api.errors``).

The routes live under ``/api/reports/`` (planners: aggregates, and desk-level figures
that may be personal data).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.analytics_models import (
    CapacityOut,
    DailyOut,
    ForecastOut,
    ProfileOut,
    RankingOut,
    SensorHealthOut,
    UtilisationOut,
)
from api.deps import QueryContextDep
from api.models import ErrorOut
from hubsense.analytics import Scope
from hubsense.query import capacity as capacity_q
from hubsense.query import daily as daily_q
from hubsense.query import forecast as forecast_q
from hubsense.query import profile as profile_q
from hubsense.query import ranking as ranking_q
from hubsense.query import sensors as sensors_q
from hubsense.query import utilisation as utilisation_q
from hubsense.query.context import QueryContext
from hubsense.query.period import Period, period
from hubsense.query.ranking import Order
from hubsense.query.scope import resolve_scope

router = APIRouter(prefix="/reports", tags=["utilisation"])

ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "Unknown municipality, hub, zone or desk."},
    422: {"model": ErrorOut, "description": "Bad scope, id, dates or range."},
    503: {"model": ErrorOut, "description": "The store is unavailable."},
}
# Dates are read as text so that the query layer gives its own error text (the same for
# the API, the pages and the CLI); the document still says what a valid value is.
DATE: dict[str, object] = {"format": "date"}
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
    Query(
        alias="from",
        description="First local date, YYYY-MM-DD (default: `to` − 30 days).",
        json_schema_extra=DATE,
    ),
]
ToParam = Annotated[
    str | None,
    Query(
        description="Local date after the last one, YYYY-MM-DD (exclusive; default: today).",
        json_schema_extra=DATE,
    ),
]


@dataclass(frozen=True, slots=True)
class Asked:
    """A request's question: what it reads from, which scope, which period."""

    ctx: QueryContext
    scope: Scope
    period: Period


def asked(allowed: Sequence[str]) -> Callable[..., Asked]:
    """A dependency reading scope, id, from and to for routes that allow these scopes
    (the scope is checked before the dates)."""

    def dependency(
        ctx: QueryContextDep,
        scope: ScopeParam,
        id: IdParam = None,  # noqa: A002 - the query parameter's name
        from_: FromParam = None,
        to: ToParam = None,
    ) -> Asked:
        resolved = resolve_scope(ctx.registry, scope, id, allowed)
        return Asked(ctx, resolved, period(ctx, from_, to))

    # The scopes this route allows, as the document's enum: the parameter stays text, so
    # that a wrong one gets the query layer's message (as the pages and the CLI do).
    signature = inspect.signature(dependency, eval_str=True)
    scope_param = Annotated[
        str,
        Query(
            description=f"One of: {', '.join(allowed)}.",
            json_schema_extra={"enum": list(allowed)},
        ),
    ]
    dependency.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            p.replace(annotation=scope_param) if p.name == "scope" else p
            for p in signature.parameters.values()
        ]
    )
    return dependency


@router.get(
    "/utilisation",
    response_model=UtilisationOut,
    summary="Utilisation, coverage, daily use and usage bands of a scope",
    responses=ERRORS,
)
def utilisation(q: Annotated[Asked, Depends(asked(utilisation_q.SCOPES))]) -> UtilisationOut:
    answer = utilisation_q.utilisation(q.ctx, q.scope, q.period)
    return UtilisationOut.model_validate(answer, from_attributes=True)


@router.get(
    "/daily",
    response_model=DailyOut,
    summary="Per open day: peak concurrency, utilisation, coverage, daily use (hub or zone)",
    responses=ERRORS,
)
def daily(q: Annotated[Asked, Depends(asked(daily_q.SCOPES))]) -> DailyOut:
    answer = daily_q.daily(q.ctx, q.scope, q.period)
    return DailyOut.model_validate(answer, from_attributes=True)


@router.get(
    "/capacity",
    response_model=CapacityOut,
    summary="Desks needed so that demand fits on a share of days, with the service-level "
    "curve (hub, municipality or region: per hub, and summed)",
    responses=ERRORS,
)
def capacity(
    q: Annotated[Asked, Depends(asked(capacity_q.SCOPES))],
    service_level: Annotated[
        float | None,
        # allow_inf_nan=False: NaN fails every bound, so it is refused as not finite
        # instead of "should be less than or equal to 1".
        Query(
            gt=0, le=1, allow_inf_nan=False, description="Default: capacity_service_level (0.9)."
        ),
    ] = None,
    buffer: Annotated[
        int | None, Query(ge=0, le=1000, description="Default: capacity_buffer_desks.")
    ] = None,
    min_days: Annotated[
        int | None, Query(ge=1, le=10000, description="Default: capacity_min_days.")
    ] = None,
) -> CapacityOut:
    answer = capacity_q.capacity(
        q.ctx, q.scope, q.period, service_level=service_level, buffer=buffer, min_days=min_days
    )
    return CapacityOut.model_validate(answer, from_attributes=True)


@router.get(
    "/forecast",
    response_model=ForecastOut,
    summary="The next 13 weeks of each hub's daily peak and utilisation with a prediction "
    "interval, forecast from the period (at least 8 weeks) as history",
    responses=ERRORS,
)
def forecast(q: Annotated[Asked, Depends(asked(forecast_q.SCOPES))]) -> ForecastOut:
    answer = forecast_q.forecast(q.ctx, q.scope, q.period)
    return ForecastOut.model_validate(answer, from_attributes=True)


@router.get(
    "/profile",
    response_model=ProfileOut,
    summary="Average concurrency by hour of day and weekday (zone, hub, municipality, region)",
    responses=ERRORS,
)
def profile(q: Annotated[Asked, Depends(asked(profile_q.SCOPES))]) -> ProfileOut:
    answer = profile_q.profile(q.ctx, q.scope, q.period)
    return ProfileOut.model_validate(answer, from_attributes=True)


@router.get(
    "/desks",
    response_model=RankingOut,
    summary="Desks ranked by utilisation (zone, hub, municipality, region)",
    responses=ERRORS,
)
def ranking(
    q: Annotated[Asked, Depends(asked(ranking_q.SCOPES))],
    order: Annotated[Order, Query(description="desc: busiest first.")] = "desc",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> RankingOut:
    answer = ranking_q.ranking(q.ctx, q.scope, q.period, order=order, limit=limit)
    return RankingOut.model_validate(answer, from_attributes=True)


@router.get(
    "/sensors",
    response_model=SensorHealthOut,
    summary="Sensor health: suspect (stuck) sensors, offline time and flickers per desk",
    responses=ERRORS,
)
def sensors(q: Annotated[Asked, Depends(asked(sensors_q.SCOPES))]) -> SensorHealthOut:
    answer = sensors_q.sensor_health(q.ctx, q.scope, q.period)
    return SensorHealthOut.model_validate(answer, from_attributes=True)
