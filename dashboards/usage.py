"""What the analytics pages show: the region overview's numbers per hub, the utilisation
explorer (``/utilisation``) and the municipality comparison (``/compare``).

Every number is a ``hubsense.query`` answer (the same use cases the analytics API's routes
answer, so a page and ``/api/reports/...`` agree for the same question); the figure
builders and the HTML work on those typed answers. What a page shows is also limited to
what the API would give the same caller (``may_read`` asks ``api.security.POLICY``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from api.security import Open, Principal, permits, rule_for
from hubsense.analytics import Scope
from hubsense.collation import swedish_key
from hubsense.query.capacity import CapacityNeed, capacity
from hubsense.query.context import QueryContext
from hubsense.query.daily import DailySeries, hub_dailies
from hubsense.query.errors import NotFound
from hubsense.query.forecast import ForecastAnswer, forecast
from hubsense.query.overview import HubFigures, RegionOverview
from hubsense.query.period import Period
from hubsense.query.profile import HourWeekdayProfile, profile
from hubsense.query.ranking import DeskRanking, ranking
from hubsense.query.scope import resolve_scope
from hubsense.query.sensors import SuspectSensor, sensor_health
from hubsense.query.summary import ScopeSummary
from hubsense.query.utilisation import Utilisation, hub_summaries, utilisation
from hubsense.registry import Registry

API_PATHS: Final = {
    "utilisation": "/api/reports/utilisation",
    "daily": "/api/reports/daily",
    "capacity": "/api/reports/capacity",
    "profile": "/api/reports/profile",
    "forecast": "/api/reports/forecast",
    "desks": "/api/reports/desks",
    "download": "/api/reports/download",
}
"""The API routes answering the same questions (their access rules decide what a page may
show)."""

PAGE_SCOPES: Final = ("region", "municipality", "hub")
"""What the explorer can show."""
RANK_LIMIT: Final = 5
"""Desks in each of the explorer's most-used and least-used lists."""


def may_read(request_scope: Mapping[str, Any], api_path: str) -> bool:
    """Whether the caller of this request may ``GET api_path`` under ``api.security.POLICY``
    (authentication off: the principal is an admin, so yes)."""
    rule = rule_for("GET", api_path)
    if isinstance(rule.access, Open):
        return True
    principal = request_scope.get("state", {}).get("principal")
    return isinstance(principal, Principal) and permits(rule, principal)


# --- region overview ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverviewAnalytics:
    """The overview cards' analytics as this caller may see them: ``state`` is ``ok``,
    ``denied`` (the caller may not read the analytics API) or ``error`` (no answer now,
    e.g. the store failed); ``numbers`` only when ``ok``."""

    state: Literal["ok", "denied", "error"]
    numbers: RegionOverview | None = None

    @property
    def period(self) -> Period | None:
        return None if self.numbers is None else self.numbers.period

    @property
    def min_days(self) -> int:
        return 0 if self.numbers is None else self.numbers.min_days

    @property
    def min_coverage(self) -> float:
        return 0.0 if self.numbers is None else self.numbers.min_coverage

    def of(self, hub: str) -> HubFigures | None:
        return None if self.numbers is None else self.numbers.hubs.get(hub)


# --- utilisation explorer ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Area:
    """The region, a municipality or a hub: what the explorer can show."""

    kind: str  # "region", "municipality" or "hub"
    id: str  # "" for the region
    name: str
    municipality: str | None  # the municipality id (itself, for one; None: the region)
    municipality_name: str  # (the region's name, for the region)

    @property
    def value(self) -> str:
        """The form's value for it: ``kind:id``."""
        return f"{self.kind}:{self.id}"

    @property
    def scope(self) -> Scope:
        if self.kind == "hub":
            return Scope("hub", self.id, hub=self.id)
        if self.kind == "region":
            return Scope("region", "")
        return Scope("municipality", self.id)


def region_area(registry: Registry) -> Area:
    return Area("region", "", registry.region, None, registry.region)


@dataclass(frozen=True, slots=True)
class Areas:
    """What the explorer's form offers: the region, its municipalities and its hubs."""

    region: Area
    municipalities: list[Area]
    hubs: list[Area]


def areas(registry: Registry) -> Areas:
    """The region, then municipalities in Swedish alphabetical order, and hubs by
    municipality and name."""
    munis = sorted(registry.municipalities.values(), key=lambda m: swedish_key(m.name))
    return Areas(
        region_area(registry),
        [Area("municipality", m.id, m.name, m.id, m.name) for m in munis],
        [
            Area("hub", h, registry.hubs[h].name, m.id, m.name)
            for m in munis
            for h in sorted(m.hubs, key=lambda h: swedish_key(registry.hubs[h].name))
        ],
    )


def choose_area(registry: Registry, scope: str | None, ident: str | None, area: str | None) -> Area:
    """The explorer's area from ``scope`` and ``id`` (or the form's ``area=kind:id``);
    neither given: the first municipality. QueryError (NotFound for an unknown one) with
    the API's message for an unknown or malformed one."""
    if area and not scope and not ident:
        scope, _, ident = area.partition(":")
    if not scope and not ident:
        first = areas(registry).municipalities
        if not first:
            raise NotFound("the registry has no municipality")
        return first[0]
    resolved = resolve_scope(registry, scope or "", ident or None, PAGE_SCOPES)
    if resolved.kind == "region":
        return region_area(registry)
    if resolved.kind == "hub":
        hub = registry.hubs[resolved.id]
        muni = registry.municipalities[hub.municipality]
        return Area("hub", hub.id, hub.name, muni.id, muni.name)
    muni = registry.municipalities[resolved.id]
    return Area("municipality", muni.id, muni.name, muni.id, muni.name)


@dataclass(frozen=True, slots=True)
class Exploration:
    """Everything the explorer shows."""

    area: Area
    period: Period
    utilisation: Utilisation
    capacity: CapacityNeed | None  # None: a municipality without hubs
    profile: HourWeekdayProfile | None
    dailies: list[DailySeries]  # one per hub
    hub_summaries: dict[str, ScopeSummary]  # each hub's figures, by hub id
    most_used: DeskRanking | None  # None: not allowed for this caller
    least_used: DeskRanking | None
    forecast: ForecastAnswer | None = None  # None: a municipality without hubs
    suspects: tuple[SuspectSensor, ...] | None = None  # which desks; None: not allowed

    @property
    def hub_ids(self) -> list[str]:
        return [d.scope.id for d in self.dailies]


def explore(ctx: QueryContext, area: Area, period: Period, *, desks_allowed: bool) -> Exploration:
    reg = ctx.registry
    scope = area.scope
    if area.kind == "hub":
        hub_ids = [area.id]
    else:
        hubs = reg.hubs if area.kind == "region" else reg.municipalities[area.id].hubs
        hub_ids = sorted(hubs, key=lambda h: swedish_key(reg.hubs[h].name))
    has_hubs = bool(hub_ids)
    ranked = desks_allowed and has_hubs
    return Exploration(
        area=area,
        period=period,
        utilisation=utilisation(ctx, scope, period),
        capacity=capacity(ctx, scope, period) if has_hubs else None,
        profile=profile(ctx, scope, period) if has_hubs else None,
        dailies=hub_dailies(ctx, scope, hub_ids, period),
        hub_summaries={s.scope.id: s for s in hub_summaries(ctx, scope, hub_ids, period)},
        most_used=ranking(ctx, scope, period, "desc", RANK_LIMIT) if ranked else None,
        least_used=ranking(ctx, scope, period, "asc", RANK_LIMIT) if ranked else None,
        forecast=forecast(ctx, scope, period) if has_hubs else None,
        suspects=sensor_health(ctx, scope, period).suspects if ranked else None,
    )
