"""Hubs as the registry describes them (no sensor data)."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import HubDep, RegistryDep, show_id
from api.models import DeskOut, ErrorOut, HubOut, HubSummaryOut, OpeningSpanOut, ZoneOut
from hubsense.registry import WEEKDAYS, Hub

router = APIRouter(prefix="/hubs", tags=["hubs"])

_END_OF_DAY = time(23, 59, 59, 999999)  # how the registry stores a closing time of 24:00


def _hhmm(value: time) -> str:
    return "24:00" if value == _END_OF_DAY else value.strftime("%H:%M")


def _summary(hub: Hub) -> HubSummaryOut:
    return HubSummaryOut(
        id=hub.id,
        name=hub.name,
        municipality=hub.municipality,
        timezone=hub.timezone,
        zones=hub.zones(),
        desk_count=len(hub.desks),
    )


@router.get(
    "",
    response_model=list[HubSummaryOut],
    summary="All hubs, or those of one municipality",
    responses={404: {"model": ErrorOut, "description": "Unknown municipality."}},
)
def list_hubs(
    registry: RegistryDep,
    municipality: Annotated[
        str | None, Query(description="Only hubs of this municipality id, e.g. `harjedalen`.")
    ] = None,
) -> list[HubSummaryOut]:
    if municipality is None:
        hubs = list(registry.hubs.values())
    elif municipality in registry.municipalities:
        hubs = registry.hubs_of(municipality)
    else:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"unknown municipality {show_id(municipality)} "
            f"(known: {', '.join(sorted(registry.municipalities))})",
        )
    return [_summary(h) for h in hubs]


@router.get(
    "/{hub}",
    response_model=HubOut,
    summary="One hub: opening hours, zones, desks and their sensors",
    responses={404: {"model": ErrorOut, "description": "Unknown hub."}},
)
def get_hub(hub: HubDep) -> HubOut:
    hours: dict[str, OpeningSpanOut | None] = {}
    for index, day in enumerate(WEEKDAYS):
        span = hub.opening_hours.get(index)
        hours[day] = (
            None if span is None else OpeningSpanOut(opens=_hhmm(span[0]), closes=_hhmm(span[1]))
        )
    return HubOut(
        id=hub.id,
        name=hub.name,
        municipality=hub.municipality,
        timezone=hub.timezone,
        opening_hours=hours,
        closed_dates=sorted(hub.closed_dates),
        zones=[
            ZoneOut(id=zone, desks=[d.id for d in hub.desks if d.zone == zone])
            for zone in hub.zones()
        ],
        desks=[DeskOut(id=d.id, zone=d.zone, sensor=d.sensor) for d in hub.desks],
    )
