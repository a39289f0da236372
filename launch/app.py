"""The web app: ``create_app`` wires settings, registry, store and clock into FastAPI,
with the API's routers (``api``), the dashboards' pages (``dashboards``), the error
handlers, ``/metrics`` and the access policy around all of them.

Why here, in the composition package: the app is where the API and the dashboards meet;
wiring them anywhere else would make one import the other. ``hubsense api`` and the demo
call ``create_app``; tests call it with their own store and clock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping

from fastapi import FastAPI

import dashboards.pages
import dashboards.planning
from api import employee_view, webhooks
from api.answer_cache import AnswerCache, AnswerCaches
from api.deps import Clock, ReadinessCheck
from api.errors import install_error_handlers
from api.live_cache import LiveCache
from api.metrics import MetricsSource, install_metrics
from api.openapi import install_openapi
from api.routers import free_now, health, hubs, live, rejections, reports, timeline, utilisation
from api.routers import planning as planning_routes
from api.routers import registry as registry_routes
from api.security import KeySource, install_security
from hubsense.availability import Unavailable, UnavailableFile, from_stats
from hubsense.clock import system_clock
from hubsense.config import Settings
from hubsense.registry import Registry
from hubsense.store.base import Store
from hubsense.writesignal import SignalVersion

API_PREFIX = "/api"


def create_app(
    settings: Settings,
    registry: Registry,
    store: Store,
    clock: Clock | None = None,
    readiness_checks: Mapping[str, Callable[[], object]] | None = None,
    keys: KeySource | None = None,
    metrics_source: MetricsSource | None = None,
    webhook_publisher: webhooks.Publisher | None = None,
    simulated_speed: float | None = None,
) -> FastAPI:
    """The API app. ``clock`` returns UTC nanoseconds (default the system clock; the demo
    passes a simulated one). ``readiness_checks`` are extra name → callable checks for
    ``/api/ready`` (each raises when not ready); the store's ``ping`` is always one.
    ``keys``: the API keys accepted (default: ``settings.api_keys_file``; ConfigError if
    ``settings.auth_enabled`` and there is none). Access rules: ``api.security.POLICY``.
    ``metrics_source`` returns the collector's stats for ``/metrics`` (default: the file
    ``settings.collector_stats_file``). ``webhook_publisher`` hands verified webhook events
    to the broker (default: an MQTT connection to ``settings.mqtt_url``, opened on first
    use). ``simulated_speed``: the clock is simulated and runs this many times real time
    (the demo); the pages say so next to every time they show."""
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
    app.state.live_cache = LiveCache(
        settings.live_cache_s,
        version=SignalVersion(settings.store_signal_file) if settings.store_signal_file else None,
    )
    app.state.stuck_cache = AnswerCaches(settings.live_cache_s)  # the live page's attention
    # the live view's "reported offline" comes from the same collector numbers as /metrics
    app.state.unavailable = (
        UnavailableFile(settings.collector_stats_file)
        if metrics_source is None
        else _unavailable_from(metrics_source)
    )
    app.state.free_now_cache = AnswerCache(employee_view.CACHE_S)  # the employees' view
    app.state.clock = clock if clock is not None else system_clock
    app.state.simulated_speed = simulated_speed
    app.state.readiness_checks = checks
    app.state.webhook_counts = Counter()
    app.state.webhook_lock = threading.Lock()
    app.state.webhook_publisher = webhook_publisher

    install_error_handlers(app)  # domain errors → 404/422, store down → 503

    for module in (health, registry_routes, hubs, live, timeline, rejections, utilisation, reports):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(webhooks.router, prefix=API_PREFIX)  # signed sensor-cloud pushes
    app.include_router(planning_routes.router, prefix=API_PREFIX)  # planning evidence
    app.include_router(free_now.router, prefix=API_PREFIX)  # the employees' view
    install_metrics(app, settings, registry, store, app.state.clock, metrics_source)  # /metrics
    app.include_router(dashboards.pages.router)  # HTML dashboards: /, /hubs/{hub}
    app.include_router(dashboards.planning.router)  # HTML: /planning
    install_security(app, settings, keys)  # covers every route, also those added above
    install_openapi(app, auth=settings.auth_enabled)  # errors, media types and security
    return app


def _unavailable_from(source: MetricsSource) -> Callable[[], Unavailable]:
    """The reports in an in-process collector's stats; none while its source fails (the
    live view then follows the time rule alone, and /metrics logs the failure)."""

    def read() -> Unavailable:
        try:
            return from_stats(source())
        except Exception:  # noqa: BLE001 - a broken source must not break the live view
            return Unavailable()

    return read
