"""Dashboard pages served by the API app: ``GET /`` (region overview), ``GET /hubs/{hub}``
(live hub view), ``GET /utilisation`` (utilisation explorer), ``GET /compare``
(municipality comparison), ``GET /definitions`` (what the metrics mean) and their static
files under ``/dashboards/static/``.

The pages read the same live state as ``GET /api/hubs/{hub}/live`` (``hubsense.query.live``,
as that route's JSON, which their scripts then poll), render it server-side. The
overview's analytics and the two analytics pages ask the analytics API's use cases
(``hubsense.query``, via ``dashboards.usage``). plotly.js comes from the
installed plotly package; nothing is loaded from another host (the
Content-Security-Policy header enforces it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Final

import plotly
from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse
from starlette.types import Scope

from api.answer_cache import AnswerCaches
from api.deps import LiveCacheDep, QueryContextDep, RegistryDep, SettingsDep
from api.employee_view import cached_free_now, require_enabled
from api.errors import status_of
from api.models import LiveOut
from dashboards.attention import attention_html
from dashboards.dates import PeriodInput
from dashboards.definitions import definitions_page
from dashboards.free_now import PATH as FREE_PATH
from dashboards.free_now import free_page
from dashboards.i18n import tr
from dashboards.live import hub_tiles, live_counts, parse_datetime
from dashboards.overview import region_groups
from dashboards.render import (
    DEFINITIONS_PATH,
    Ctx,
    hub_page,
    hub_path,
    not_found_page,
    overview_page,
    page_ctx,
)
from dashboards.usage import (
    API_PATHS,
    OverviewAnalytics,
    areas,
    choose_area,
    explore,
    may_read,
)
from dashboards.usage_render import compare_page, explorer_page
from hubsense.calendar import from_ns
from hubsense.metrics import StuckRun
from hubsense.query.attention import HubAttention, region_attention, stuck_now
from hubsense.query.compare import comparison
from hubsense.query.context import QueryContext, region_tz
from hubsense.query.errors import QueryError
from hubsense.query.live import LatestCache, hub_live
from hubsense.query.overview import region_overview
from hubsense.query.period import period
from hubsense.registry import Hub
from hubsense.store.base import StoreError

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

STATIC_DIR: Final = Path(__file__).parent / "static"
PLOTLY_JS: Final = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_JS = "text/javascript; charset=utf-8"
ASSETS: Final[dict[str, tuple[Path, str]]] = {
    "dashboard.css": (STATIC_DIR / "dashboard.css", "text/css; charset=utf-8"),
    "live.js": (STATIC_DIR / "live.js", _JS),
    "overview.js": (STATIC_DIR / "overview.js", _JS),
    "usage.js": (STATIC_DIR / "usage.js", _JS),
    "planning.js": (STATIC_DIR / "planning.js", _JS),
    "simclock.js": (STATIC_DIR / "simclock.js", _JS),
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
    return page_ctx(request, lang)


def _live_url(request: Request, ctx: Ctx, hub_id: str) -> str:
    return ctx.root + str(request.app.url_path_for("live", hub=hub_id))


def read_live(
    ctx: QueryContext, hub: Hub, cache: LatestCache | None = None
) -> dict[str, Any] | None:
    """The hub's live JSON exactly as the API returns it, or None if the store failed.

    JSON rather than the typed answer because the page's script polls that JSON and
    redraws the tiles from it: the server's first drawing and every later one read the
    same format (``dashboards.live``). ``cache``: the live cache the API's route reads
    (``api.live_cache``), so a page and the JSON it then polls share one store query."""
    try:
        live = LiveOut.model_validate(hub_live(ctx, hub, cache), from_attributes=True)
        return live.model_dump(mode="json")
    except StoreError as exc:
        log.warning("live state of hub %r unavailable: %s", hub.id, exc)
        return None


def read_attention(
    ctx: Ctx,
    ask: QueryContext,
    hubs: list[Hub] | None = None,
    *,
    cache: LatestCache | None = None,
    stuck: Callable[[], Sequence[StuckRun]] | None = None,
) -> str:
    """The needs-attention section of ``hubs`` (default: all), by the same rules as the
    alerts (``hubsense.query.attention``); a store that does not answer says so.
    ``cache``: the live cache; ``stuck``: today's stuck runs of these hubs, when the
    caller keeps them (the analysis reads a week of rollups)."""
    chosen = list(ask.registry.hubs.values()) if hubs is None else hubs
    found: tuple[HubAttention, ...] | None
    try:
        runs = stuck() if stuck is not None else None
        found = region_attention(ask, chosen, cache=cache, stuck=runs)
    except StoreError as exc:
        log.warning("needs-attention list unavailable: %s", exc)
        found = None
    return attention_html(
        ctx.lang,
        found,
        names={h.id: h.name for h in chosen},
        links={h.id: ctx.href(hub_path(h.id)) for h in chosen},
        zones={h.id: h.tz for h in chosen},
        now=from_ns(ask.now_ns),
    )


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ask: QueryContextDep, lang: LangQuery = None) -> HTMLResponse:
    ctx = _ctx(request, lang)
    registry = ask.registry
    lives = {h.id: read_live(ask, h) for h in registry.hubs.values()}
    return _html(
        overview_page(
            ctx,
            region=registry.region,
            groups=region_groups(registry, lives, ask.now_ns),
            live_urls={h: _live_url(request, ctx, h) for h in registry.hubs},
            store_error=any(v is None for v in lives.values()),
            analytics=read_overview_analytics(request.scope, ask),
            attention=read_attention(ctx, ask),
        )
    )


def read_overview_analytics(scope: Scope, ask: QueryContext) -> OverviewAnalytics:
    """The cards' analytics, if this caller may read the analytics API (else ``denied``);
    ``error`` when they cannot be computed now (the page renders anyway)."""
    needed = ("utilisation", "daily", "capacity")
    if not all(may_read(scope, API_PATHS[name]) for name in needed):
        return OverviewAnalytics("denied")
    try:
        return OverviewAnalytics("ok", region_overview(ask))
    except StoreError as exc:
        log.warning("overview analytics unavailable: %s", exc)
    except QueryError as exc:  # e.g. analytics_max_days shorter than the default period
        log.warning("overview analytics unavailable: %s", exc)
    return OverviewAnalytics("error")


@router.get("/hubs/{hub}", response_class=HTMLResponse)
def hub_view(
    request: Request,
    hub: str,
    registry: RegistryDep,
    settings: SettingsDep,
    ask: QueryContextDep,
    cache: LiveCacheDep,
    lang: LangQuery = None,
) -> HTMLResponse:
    ctx = _ctx(request, lang)
    found = registry.hubs.get(hub)
    if found is None:
        return _html(not_found_page(ctx, hub), status.HTTP_404_NOT_FOUND)
    live = read_live(ask, found, cache)
    # today's stuck runs of this hub, for the live cache's lifetime: the same for every
    # caller who may see the hub, and a week of rollups to read for each page otherwise
    stuck_cache: AnswerCaches[tuple[StuckRun, ...]] = request.app.state.stuck_cache
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
            attention=read_attention(
                ctx,
                ask,
                [found],
                cache=cache,
                stuck=lambda: stuck_cache.get(found.id, lambda: stuck_now(ask, found)),
            ),
            is_open=live.get("open") is not False if live else True,
        )
    )


@router.get(DEFINITIONS_PATH, response_class=HTMLResponse)
def definitions_view(request: Request, lang: LangQuery = None) -> HTMLResponse:
    """What every metric on the pages means (``hubsense.glossary``), an anchor per metric."""
    return _html(definitions_page(_ctx(request, lang)))


@router.get(FREE_PATH, response_class=HTMLResponse)
def free_view(
    request: Request, ask: QueryContextDep, settings: SettingsDep, lang: LangQuery = None
) -> HTMLResponse:
    """The employees' view (off unless ``employee_view``: then 404, like an unknown path)."""
    require_enabled(settings.employee_view)
    answer = cached_free_now(request, ask)
    return _html(free_page(_ctx(request, lang), answer, region_tz(ask.registry)))


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


# --- utilisation explorer and municipality comparison ----------------------------------------

_MAX_ECHO = 64
FromQuery = Annotated[
    str | None,
    Query(alias="from", description="First local date, YYYY-MM-DD (default: 30 days ago)."),
]
ToQuery = Annotated[
    str | None, Query(description="Local date after the last one, YYYY-MM-DD (default: today).")
]
LastQuery = Annotated[
    str | None,
    Query(description="The last local date included (the forms' field; instead of to)."),
]


def _blank(value: str | None) -> str | None:
    """An empty form field means: the default."""
    return value if value is not None and value.strip() else None


def _raw_period(from_: str | None, to: str | None, last: str | None) -> PeriodInput:
    """The dates as typed (empty: the default; cut short: they are echoed)."""

    def typed(value: str | None) -> str | None:
        blank = _blank(value)
        return None if blank is None else blank[:_MAX_ECHO]

    return PeriodInput(typed(from_), typed(to), typed(last))


@router.get("/utilisation", response_class=HTMLResponse)
def utilisation_view(
    request: Request,
    ask: QueryContextDep,
    lang: LangQuery = None,
    scope: Annotated[str | None, Query(description="municipality or hub")] = None,
    id: Annotated[str | None, Query(description="Registry id of the municipality or hub.")] = None,  # noqa: A002
    area: Annotated[
        str | None, Query(description="The form's kind:id (instead of scope, id).")
    ] = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    last: LastQuery = None,
) -> HTMLResponse:
    """Utilisation of the region, a municipality or a hub over a period: daily series,
    hour × weekday profile, daily peaks against the desks, hubs, desk ranking, report
    download."""
    ctx = _ctx(request, lang)
    registry = ask.registry
    offered = areas(registry)
    raw = _raw_period(from_, to, last)
    chosen = None
    try:
        chosen = choose_area(registry, _blank(scope), _blank(id), _blank(area))
        asked = period(ask, *raw.api_dates())
        ex = explore(ask, chosen, asked, desks_allowed=may_read(request.scope, API_PATHS["desks"]))
    except QueryError as exc:
        page = explorer_page(
            ctx, areas=offered, chosen=chosen, raw=raw, ex=None, problems=[str(exc)]
        )
        return _html(page, status_of(exc))
    except StoreError as exc:
        log.warning("utilisation page: store unavailable: %s", exc)
        page = explorer_page(
            ctx,
            areas=offered,
            chosen=chosen,
            raw=raw,
            ex=None,
            problems=[tr(ctx.lang, "store_unavailable")],
        )
        return _html(page, status.HTTP_503_SERVICE_UNAVAILABLE)
    return _html(
        explorer_page(
            ctx,
            areas=offered,
            chosen=chosen,
            raw=raw,
            ex=ex,
            desks_allowed=ex.most_used is not None,
            report_allowed=may_read(request.scope, API_PATHS["download"]),
        )
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_view(
    request: Request,
    ask: QueryContextDep,
    lang: LangQuery = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    last: LastQuery = None,
) -> HTMLResponse:
    """Every municipality side by side: utilisation, peak at the service level and the
    recommended desks against the desks now."""
    ctx = _ctx(request, lang)
    registry = ask.registry
    raw = _raw_period(from_, to, last)
    try:
        cmp = comparison(ask, period(ask, *raw.api_dates()))
    except QueryError as exc:
        page = compare_page(ctx, region=registry.region, raw=raw, cmp=None, problems=[str(exc)])
        return _html(page, status_of(exc))
    except StoreError as exc:
        log.warning("compare page: store unavailable: %s", exc)
        page = compare_page(
            ctx,
            region=registry.region,
            raw=raw,
            cmp=None,
            problems=[tr(ctx.lang, "store_unavailable")],
        )
        return _html(page, status.HTTP_503_SERVICE_UNAVAILABLE)
    return _html(
        compare_page(
            ctx,
            region=registry.region,
            raw=raw,
            cmp=cmp,
            report_allowed=may_read(request.scope, API_PATHS["download"]),
        )
    )
