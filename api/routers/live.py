"""What every desk of a hub is doing now (``hubsense.query.live``)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import HubDep, LiveCacheDep, QueryContextDep
from api.live_cache import Loaded
from api.models import ErrorOut, LiveOut
from hubsense.query.live import hub_live, latest_loader

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
async def live(hub: HubDep, ctx: QueryContextDep, cache: LiveCacheDep = None) -> LiveOut:
    # async: wall dashboards poll this many times a second, and from the live cache the
    # answer takes microseconds to compute; a thread per request cost more than that.
    # Only the store read (on a cache miss) runs in a worker thread.
    if cache is None:
        answer = await run_in_threadpool(hub_live, ctx, hub)
    else:
        latest = await cache.shared(hub.id, latest_loader(ctx, hub))
        answer = hub_live(ctx, hub, Loaded(latest))
    return LiveOut.model_validate(answer, from_attributes=True)
