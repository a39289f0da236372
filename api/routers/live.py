"""What every desk of a hub is doing now (``hubsense.query.live``)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import HubDep, LiveCacheDep, QueryContextDep
from api.models import ErrorOut, LiveOut
from hubsense.query.live import hub_live

router = APIRouter(prefix="/hubs", tags=["live"])


@router.get(
    "/{hub}/live",
    response_model=LiveOut,
    summary="Live state of every desk of a hub",
    responses={
        404: {"model": ErrorOut, "description": "Unknown hub."},
        503: {"model": ErrorOut, "description": "The store is unavailable."},
    },
)
def live(hub: HubDep, ctx: QueryContextDep, cache: LiveCacheDep = None) -> LiveOut:
    return LiveOut.model_validate(hub_live(ctx, hub, cache), from_attributes=True)
