"""Dependencies injected into the routes with ``Depends``.

Everything comes from ``app.state`` (set once by ``create_app``), so tests and the demo can
swap the store, the registry or the clock without touching the routes.

They are ``async def`` although none of them awaits: FastAPI runs a plain ``def``
dependency in its thread pool, and a thread hop per dependency (eight for a live request)
cost more than the whole answer. None of them blocks: they read ``app.state``, restrict
the registry (0.1 ms) and stat the collector's stats file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, cast

from fastapi import Depends, HTTPException, Path, Request, status
from starlette.requests import HTTPConnection

from api.live_cache import LiveCache
from api.security import get_principal, is_public
from hubsense.access import REGION, AccessScope
from hubsense.availability import Unavailable
from hubsense.clock import Clock
from hubsense.config import Settings
from hubsense.query.context import QueryContext
from hubsense.query.errors import show_id
from hubsense.registry import Desk, Hub, Registry
from hubsense.store.base import Store

HTTP_422 = 422
"""Unprocessable content (Starlette renamed its constant; the number is stable)."""


async def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


async def get_registry(request: HTTPConnection) -> Registry:  # HTTP and WebSocket alike
    """The registry as the caller's access scope sees it: the whole registry for the region,
    only the hubs a scoped key may see otherwise. Every route, page, export and figure reads
    the registry (and through it the store) from here, so this is where a scope applies to
    all of them; outside it a hub or municipality is as unknown as one that does not exist.
    (Made per request: 0.1 ms for a registry of 2,000 desks.) A caller without credentials
    reaches only the public routes of ``POLICY``, which show counts for the whole region
    (the employees' view) and so read the whole registry."""
    return caller_scope(request).restrict(cast(Registry, request.app.state.registry))


def caller_scope(request: HTTPConnection) -> AccessScope:
    """The caller's access scope; the region for a caller without credentials on a public
    route of ``POLICY`` (the employees' view: counts for the whole region, no more)."""
    if request.scope.get("state", {}).get("principal") is None and is_public(request.scope):
        return REGION
    return get_principal(request).scope


async def get_store(request: Request) -> Store:
    return cast(Store, request.app.state.store)


async def get_clock(request: Request) -> Clock:
    return cast(Clock, request.app.state.clock)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
StoreDep = Annotated[Store, Depends(get_store)]


async def get_live_cache(request: Request) -> LiveCache:
    cache: LiveCache = request.app.state.live_cache
    return cache


# Optional so that code calling a route function directly (the pages) may pass none.
LiveCacheDep = Annotated[LiveCache | None, Depends(get_live_cache)]
ClockDep = Annotated[Clock, Depends(get_clock)]


async def get_unavailable(request: Request) -> Unavailable:
    """The sensors the collector's stats report offline (``hubsense.availability``)."""
    return cast(Callable[[], Unavailable], request.app.state.unavailable)()


UnavailableDep = Annotated[Unavailable, Depends(get_unavailable)]


async def get_query_context(
    request: Request,
    settings: SettingsDep,
    registry: RegistryDep,
    store: StoreDep,
    clock: ClockDep,
    unavailable: UnavailableDep,
) -> QueryContext:
    """What a use case of ``hubsense.query`` reads, at the moment of this request: the
    registry as the caller sees it, and the caller's scope with the whole registry (which
    planning needs to validate the facts file)."""
    full = cast(Registry, request.app.state.registry)
    scope = caller_scope(request)
    return QueryContext(
        store, registry, settings, clock(), unavailable, scope=scope, full_registry=full
    )


QueryContextDep = Annotated[QueryContext, Depends(get_query_context)]


async def get_hub(
    registry: RegistryDep,
    hub: Annotated[str, Path(description="Hub id from the registry, e.g. `svenstavik`.")],
) -> Hub:
    """The registry's hub for the path's ``{hub}``; 404 if the registry has none.

    Routes use the returned hub's id, so only registry ids ever reach the store.
    """
    found = registry.hubs.get(hub)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown hub {show_id(hub)}")
    return found


HubDep = Annotated[Hub, Depends(get_hub)]


async def get_desk(
    registry: RegistryDep,
    hub: HubDep,
    desk: Annotated[str, Path(description="Desk id within the hub, e.g. `a01`.")],
) -> Desk:
    """The registry's desk ``{desk}`` of hub ``{hub}``; 404 if the hub has no such desk."""
    found = registry.desk(hub.id, desk)
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"unknown desk {show_id(desk)} in hub {hub.id!r}"
        )
    return found


DeskDep = Annotated[Desk, Depends(get_desk)]


ReadinessCheck = Callable[[], object]


async def get_readiness_checks(request: Request) -> dict[str, ReadinessCheck]:
    """Name → zero-argument callable that raises when the dependency is not ready."""
    return cast(dict[str, ReadinessCheck], request.app.state.readiness_checks)


ReadinessDep = Annotated[dict[str, ReadinessCheck], Depends(get_readiness_checks)]
