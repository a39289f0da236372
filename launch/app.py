"""The HTTP API: ``create_app`` wires settings, registry, store and clock into FastAPI.

Run it with ``uvicorn --factory`` around a small function that loads settings, registry
and store (the CLI does that); tests call ``create_app`` with their own store and clock.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

import dashboards.pages
import dashboards.planning
from api import webhooks
from api.deps import HTTP_422, Clock, ReadinessCheck
from api.live_cache import LiveCache
from api.metrics import MetricsSource, install_metrics
from api.routers import health, hubs, live, rejections, reports, timeline, utilisation
from api.routers import planning as planning_routes
from api.routers import registry as registry_routes
from api.security import KeySource, install_security
from hubsense.config import Settings
from hubsense.registry import Registry
from hubsense.store.base import Store, StoreError

API_PREFIX = "/api"
_MAX_STORE_ERROR = 300


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
    return JSONResponse(
        status_code=HTTP_422,
        content={"detail": detail or "invalid request", "errors": errors},
    )


def _store_error(_request: Request, exc: Exception) -> JSONResponse:
    text = str(exc)
    if len(text) > _MAX_STORE_ERROR:
        text = text[:_MAX_STORE_ERROR] + "..."
    headers: dict[str, str] = {}
    retry_after = getattr(exc, "retry_after_s", None)
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": f"store unavailable, try again later ({type(exc).__name__}: {text})"},
        headers=headers,
    )


def create_app(
    settings: Settings,
    registry: Registry,
    store: Store,
    clock: Clock | None = None,
    readiness_checks: Mapping[str, Callable[[], object]] | None = None,
    keys: KeySource | None = None,
    metrics_source: MetricsSource | None = None,
    webhook_publisher: webhooks.Publisher | None = None,
) -> FastAPI:
    """The API app. ``clock`` returns UTC nanoseconds (default ``time.time_ns``; the demo
    passes a simulated one). ``readiness_checks`` are extra name → callable checks for
    ``/api/ready`` (each raises when not ready); the store's ``ping`` is always one.
    ``keys``: the API keys accepted (default: ``settings.api_keys_file``; ConfigError if
    ``settings.auth_enabled`` and there is none). Access rules: ``api.security.POLICY``.
    ``metrics_source`` returns the collector's stats for ``/metrics`` (default: the file
    ``settings.collector_stats_file``). ``webhook_publisher`` hands verified webhook events
    to the broker (default: an MQTT connection to ``settings.mqtt_url``, opened on first
    use)."""
    app = FastAPI(
        title="hubsense",
        summary="Desk occupancy of shared workspace hubs: registry, live state, timelines.",
        version="0.1.0",
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,  # one docs page; Redoc would need third-party fonts and workers
    )
    checks: dict[str, ReadinessCheck] = {"store": store.ping}
    checks.update(readiness_checks or {})
    app.state.settings = settings
    app.state.registry = registry
    app.state.store = store
    app.state.live_cache = LiveCache(settings.live_cache_s)
    app.state.clock = clock if clock is not None else time.time_ns
    app.state.readiness_checks = checks
    app.state.webhook_counts = Counter()
    app.state.webhook_lock = threading.Lock()
    app.state.webhook_publisher = webhook_publisher

    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreError, _store_error)

    for module in (health, registry_routes, hubs, live, timeline, rejections, utilisation, reports):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(webhooks.router, prefix=API_PREFIX)  # signed sensor-cloud pushes
    app.include_router(planning_routes.router, prefix=API_PREFIX)  # planning evidence
    install_metrics(app, settings, registry, store, app.state.clock, metrics_source)  # /metrics
    app.include_router(dashboards.pages.router)  # HTML dashboards: /, /hubs/{hub}
    app.include_router(dashboards.planning.router)  # HTML: /planning
    install_security(app, settings, keys)  # covers every route, also those added above
    return app
