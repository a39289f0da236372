"""``GET /api/free-now``: the employees' view as JSON (``hubsense.query.free_now``), when
the operator enabled it (``employee_view``); 404 otherwise. Public: counts per hub only."""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import QueryContextDep, SettingsDep
from api.employee_view import cached_free_now, require_enabled
from api.models import ErrorOut

router = APIRouter(tags=["employees"])

class HubFreeNowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    hub: str
    name: str
    municipality: str
    level: Literal["free", "few", "full", "unknown"] = Field(
        description="unknown: closed now, or no sensor heard"
    )
    free: int | None = Field(description="Free desks now; null for a small hub (the level only)")
    desks: int | None = Field(description="Desks of the hub; null for a small hub")
    open_now: bool
    opens: time | None = Field(description="Today's opening time, local; null: closed today")
    closes: time | None
    busy: list[tuple[int, int]] = Field(
        description="Usually busy today: local hours [start, end) on this weekday"
    )


class FreeNowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    as_of: datetime
    min_group_size: int
    hubs: list[HubFreeNowOut]


@router.get(
    "/free-now",
    response_model=FreeNowOut,
    responses={404: {"model": ErrorOut, "description": "The employees' view is off."}},
)
def free_now_route(request: Request, ask: QueryContextDep, settings: SettingsDep) -> FreeNowOut:
    """Free desks now per hub, today's opening hours and the usually busy hours."""
    require_enabled(settings.employee_view)
    return FreeNowOut.model_validate(cached_free_now(request, ask), from_attributes=True)
