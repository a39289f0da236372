"""Dashboard pages served by the API app: ``GET /`` (region overview), ``GET /hubs/{hub}``
(live hub view) and their static files under ``/dashboards/static/``.

The pages read the same live state as ``GET /api/hubs/{hub}/live`` (by calling that route's
function with the app's store and clock), render it server-side, and their scripts then
poll the API. plotly.js comes from the installed plotly package; nothing is loaded from
another host (the Content-Security-Policy header enforces it).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Final

import plotly
from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import Clock, ClockDep, RegistryDep, SettingsDep, StoreDep
from api.routers.live import live as live_route
from dashboards.i18n import choose_lang
from dashboards.live import hub_tiles, live_counts, parse_datetime
from dashboards.overview import region_groups
from dashboards.render import Ctx, hub_page, not_found_page, overview_page
from hubsense.config import Settings
from hubsense.registry import Hub
from hubsense.store.base import Store, StoreError

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

STATIC_DIR: Final = Path(__file__).parent / "static"
PLOTLY_JS: Final = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_JS = "text/javascript; charset=utf-8"
ASSETS: Final[dict[str, tuple[Path, str]]] = {
    "dashboard.css": (STATIC_DIR / "dashboard.css", "text/css; charset=utf-8"),
    "live.js": (STATIC_DIR / "live.js", _JS),
    "overview.js": (STATIC_DIR / "overview.js", _JS),
    "planning.js": (STATIC_DIR / "planning.js", _JS),
    "plotly.min.js": (PLOTLY_JS, _JS),
}
"""The only files served under /dashboards/static/ (name → file, media type)."""

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Same-origin only. plotly.js sets inline styles, hence 'unsafe-inline' for styles alone."""

_PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

LangQuery = Annotated[
    str | None, Query(description="Page language: sv (default) or en.", max_length=8)
]


def _html(text: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status_code, headers=_PAGE_HEADERS)


def _ctx(request: Request, lang: str | None) -> Ctx:
    return Ctx(lang=choose_lang(lang), root=str(request.scope.get("root_path", "")))


def _live_url(request: Request, ctx: Ctx, hub_id: str) -> str:
    return ctx.root + str(request.app.url_path_for("live", hub=hub_id))


def read_live(hub: Hub, settings: Settings, store: Store, clock: Clock) -> dict[str, Any] | None:
    """The hub's live JSON exactly as the API returns it, or None if the store failed."""
    try:
        return live_route(hub, settings, store, clock).model_dump(mode="json")
    except StoreError as exc:
        log.warning("live state of hub %r unavailable: %s", hub.id, exc)
        return None


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request,
    registry: RegistryDep,
    settings: SettingsDep,
    store: StoreDep,
    clock: ClockDep,
    lang: LangQuery = None,
) -> HTMLResponse:
    ctx = _ctx(request, lang)
    lives = {h.id: read_live(h, settings, store, clock) for h in registry.hubs.values()}
    return _html(
        overview_page(
            ctx,
            region=registry.region,
            groups=region_groups(registry, lives),
            live_urls={h: _live_url(request, ctx, h) for h in registry.hubs},
            store_error=any(v is None for v in lives.values()),
        )
    )


@router.get("/hubs/{hub}", response_class=HTMLResponse)
def hub_view(
    request: Request,
    hub: str,
    registry: RegistryDep,
    settings: SettingsDep,
    store: StoreDep,
    clock: ClockDep,
    lang: LangQuery = None,
) -> HTMLResponse:
    ctx = _ctx(request, lang)
    found = registry.hubs.get(hub)
    if found is None:
        return _html(not_found_page(ctx, hub), status.HTTP_404_NOT_FOUND)
    live = read_live(found, settings, store, clock)
    municipality = registry.municipalities[found.municipality]
    return _html(
        hub_page(
            ctx,
            hub_id=found.id,
            hub_name=found.name,
            municipality_name=municipality.name,
            timezone=found.timezone,
            zones=hub_tiles(found, live),
            counts=live_counts(live, len(found.desks)),
            as_of=parse_datetime(live.get("as_of")) if live else None,
            stale=bool(live.get("stale")) if live else False,
            fetch_failed=live is None,
            offline_after_s=settings.offline_after_s,
            live_url=_live_url(request, ctx, found.id),
        )
    )


@router.get("/dashboards/static/{name}")
def static_file(name: str) -> FileResponse:
    """One of ``ASSETS`` (no other file is reachable)."""
    asset = ASSETS.get(name)
    if asset is None or not asset[0].is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such dashboard file")
    path, media_type = asset
    # plotly.min.js is linked with ?v=<plotly version>: it may be cached for long.
    cache = "public, max-age=86400" if name == "plotly.min.js" else "no-cache"
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )
