"""Analytics for the dashboards: the region overview's numbers per hub, the utilisation
explorer (``/utilisation``) and the municipality comparison (``/compare``).

Every number is what the analytics API (``/api/reports/...``) returns for the same
question: ``Reader`` calls those route functions with the app's store, registry, settings
and clock and hands on their JSON (``model_dump`` by alias, as the API serialises it), the
way ``dashboards.pages`` reads the live state. The figure builders and the HTML work on that
JSON. What a page shows is also limited to what the API would give the same caller
(``may_read`` asks ``api.security.POLICY``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from fastapi import HTTPException
from pydantic import BaseModel

from api.routers import utilisation as api
from api.security import Open, Principal, rule_for
from dashboards.overview import swedish_key
from hubsense.calendar import from_ns, is_open
from hubsense.config import Settings
from hubsense.registry import Registry
from hubsense.store.base import Store

Json = dict[str, Any]

API_PATHS: Final = {
    "utilisation": "/api/reports/utilisation",
    "daily": "/api/reports/daily",
    "capacity": "/api/reports/capacity",
    "profile": "/api/reports/profile",
    "desks": "/api/reports/desks",
    "download": "/api/reports/download",
}
"""The API routes behind the pages (their access rules decide what a page may show)."""

PAGE_SCOPES: Final = ("municipality", "hub")
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
    return isinstance(principal, Principal) and principal.role >= rule.access


def dump(model: BaseModel) -> Json:
    """A response model as the API sends it."""
    return dict(model.model_dump(mode="json", by_alias=True))


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates ``[first, end)`` (``end`` exclusive, as the API's ``to``)."""

    first: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.first).days

    def query(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class Reader:
    """The analytics routes' answers for the app's store, registry, settings and time."""

    store: Store
    registry: Registry
    settings: Settings
    now_ns: int

    def period(self, from_: str | None, to: str | None) -> Period:
        """The API's period rules and defaults (the 30 days before today); HTTPException
        with the API's message when the dates are bad."""
        first, end = api.period(self.settings, self.registry, self.now_ns, from_, to)
        return Period(first, end)

    def today(self) -> date:
        return api.today(self.registry, self.now_ns)

    def _req(self, kind: str, ident: str | None, period: Period) -> api.Request:
        scope = api.resolve(self.registry, kind, ident, api.ALL)
        return api.Request(
            scope, period.first, period.end, self.settings, self.registry, self.now_ns
        )

    def utilisation(self, kind: str, ident: str | None, period: Period) -> Json:
        return dump(api.utilisation(self.store, self._req(kind, ident, period)))

    def daily(self, hub: str, period: Period) -> Json:
        return dump(api.daily(self.store, self._req("hub", hub, period)))

    def capacity(self, kind: str, ident: str | None, period: Period) -> Json:
        return dump(api.capacity(self.store, self._req(kind, ident, period)))

    def profile(self, kind: str, ident: str | None, period: Period) -> Json:
        return dump(api.profile(self.store, self._req(kind, ident, period)))

    def ranking(self, kind: str, ident: str | None, period: Period, order: str, limit: int) -> Json:
        req = self._req(kind, ident, period)
        return dump(api.ranking(self.store, req, order=order, limit=limit))  # type: ignore[arg-type]


# --- region overview ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HubAnalytics:
    """One hub card's analytics. A value is None when there is none to show, and then its
    ``*_reason`` names the i18n text saying why."""

    hub: str
    desks: int
    utilisation: float | None
    coverage: float | None
    utilisation_reason: str | None
    peak_today: int | None
    peak_reason: str | None
    opens_at: str | None  # "08:00" when the reason is that the hub has not opened yet
    recommended: int | None
    evidence_days: int
    too_few_days: bool
    recommended_reason: str | None


@dataclass(frozen=True, slots=True)
class OverviewAnalytics:
    """``state``: ``ok``, ``denied`` (the caller may not read the analytics API) or
    ``error`` (the store failed)."""

    state: str
    period: Period | None = None
    hubs: Mapping[str, HubAnalytics] | None = None
    min_days: int = 0
    min_coverage: float = 0.0

    def of(self, hub: str) -> HubAnalytics | None:
        return None if self.hubs is None else self.hubs.get(hub)


def _utilisation_reason(summary: Json) -> str | None:
    if summary["utilisation"] is not None:
        return None
    return "reason_no_open_days" if summary["open_days"] == 0 else "reason_no_data_period"


def peak_today(reader: Reader, hub_id: str) -> tuple[int | None, str | None, str | None]:
    """Today's peak concurrency so far (``/api/reports/daily`` for today), or the reason
    there is none: closed today, not open yet (and when it opens), no sensor heard today.
    Returns (peak, reason, opening time)."""
    hub = reader.registry.hubs[hub_id]
    today = reader.today()
    if not is_open(hub, today):
        return None, "reason_closed_today", None
    opens = hub.opening_hours[today.weekday()][0]
    if from_ns(reader.now_ns, hub.tz).time() < opens:
        return None, "reason_not_open_yet", opens.strftime("%H:%M")
    days = reader.daily(hub_id, Period(today, today + timedelta(days=1)))["days"]
    if not days:
        return None, "reason_closed_today", None
    row = days[0]
    if not row["coverage"]:  # None or 0: nothing known about today yet
        return None, "reason_no_data_today", None
    return int(row["peak_concurrency"]), None, None


def overview_analytics(reader: Reader) -> OverviewAnalytics:
    """Per hub: utilisation over the API's default period (the 30 days before today), with
    its coverage; today's peak concurrency; the recommended desks over the same period."""
    period = reader.period(None, None)
    capacity = reader.capacity("region", None, period)
    caps = {h["hub"]: h for h in capacity["hubs"]}
    summaries: dict[str, Json] = {}
    for muni in reader.registry.municipalities.values():
        if muni.hubs:
            for s in reader.utilisation("municipality", muni.id, period)["breakdown"]:
                summaries[s["scope"]["id"]] = s
    hubs: dict[str, HubAnalytics] = {}
    for hub_id, hub in reader.registry.hubs.items():
        s, c = summaries[hub_id], caps[hub_id]
        peak, peak_reason, opens_at = peak_today(reader, hub_id)
        hubs[hub_id] = HubAnalytics(
            hub=hub_id,
            desks=len(hub.desks),
            utilisation=s["utilisation"],
            coverage=s["coverage"],
            utilisation_reason=_utilisation_reason(s),
            peak_today=peak,
            peak_reason=peak_reason,
            opens_at=opens_at,
            recommended=c["recommended_desks"],
            evidence_days=c["evidence_days"],
            too_few_days=c["too_few_days"],
            recommended_reason=None if c["recommended_desks"] is not None else "reason_no_evidence",
        )
    return OverviewAnalytics(
        "ok",
        period=period,
        hubs=hubs,
        min_days=capacity["min_days"],
        min_coverage=capacity["evidence_min_coverage"],
    )


# --- municipality comparison -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One municipality: ``/api/reports/utilisation?scope=region``'s breakdown row and
    ``/api/reports/capacity?scope=municipality``'s sums (None without hubs)."""

    id: str
    name: str
    hubs: int
    desks: int
    utilisation: float | None
    coverage: float | None
    utilisation_reason: str | None
    peak_at_service_level: int | None
    recommended: int | None
    evidence_days: int | None  # the smallest of its hubs'
    too_few_days: bool
    capacity_reason: str | None

    @property
    def difference(self) -> int | None:
        return None if self.recommended is None else self.recommended - self.desks


@dataclass(frozen=True, slots=True)
class Comparison:
    period: Period
    rows: list[CompareRow]
    service_level: float
    buffer_desks: int
    min_days: int
    min_coverage: float


def comparison(reader: Reader, period: Period) -> Comparison:
    """Every municipality of the registry, in Swedish alphabetical order."""
    region = reader.utilisation("region", None, period)
    by_id = {s["scope"]["id"]: s for s in region["breakdown"]}
    params = reader.capacity("region", None, period)
    rows = []
    for muni in sorted(reader.registry.municipalities.values(), key=lambda m: swedish_key(m.name)):
        s = by_id[muni.id]
        cap = reader.capacity("municipality", muni.id, period) if muni.hubs else None
        reason: str | None
        if cap is None:
            p90 = rec = evidence = None
            too_few, reason = False, "reason_no_hub"
        else:
            p90, rec = cap["peak_at_service_level"], cap["recommended_desks"]
            evidence = min(h["evidence_days"] for h in cap["hubs"])
            too_few = bool(cap["too_few_days"])
            reason = None if rec is not None else "reason_no_evidence"
        rows.append(
            CompareRow(
                id=muni.id,
                name=muni.name,
                hubs=s["hubs"],
                desks=s["desks"],
                utilisation=s["utilisation"],
                coverage=s["coverage"],
                utilisation_reason=("reason_no_hub" if not muni.hubs else _utilisation_reason(s)),
                peak_at_service_level=p90,
                recommended=rec,
                evidence_days=evidence,
                too_few_days=too_few,
                capacity_reason=reason,
            )
        )
    return Comparison(
        period=period,
        rows=rows,
        service_level=params["service_level"],
        buffer_desks=params["buffer_desks"],
        min_days=params["min_days"],
        min_coverage=params["evidence_min_coverage"],
    )


# --- utilisation explorer ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Area:
    """A municipality or hub the explorer can show."""

    kind: str  # "municipality" or "hub"
    id: str
    name: str
    municipality: str  # the municipality id (itself, for a municipality)
    municipality_name: str

    @property
    def value(self) -> str:
        """The form's value for it: ``kind:id``."""
        return f"{self.kind}:{self.id}"


def areas(registry: Registry) -> tuple[list[Area], list[Area]]:
    """(municipalities, hubs) in Swedish alphabetical order (hubs by municipality, name)."""
    munis = sorted(registry.municipalities.values(), key=lambda m: swedish_key(m.name))
    return (
        [Area("municipality", m.id, m.name, m.id, m.name) for m in munis],
        [
            Area("hub", h, registry.hubs[h].name, m.id, m.name)
            for m in munis
            for h in sorted(m.hubs, key=lambda h: swedish_key(registry.hubs[h].name))
        ],
    )


def choose_area(registry: Registry, scope: str | None, ident: str | None, area: str | None) -> Area:
    """The explorer's area from ``scope`` and ``id`` (or the form's ``area=kind:id``);
    neither given: the first municipality. HTTPException (404/422, the API's messages)
    for an unknown or malformed one."""
    if area and not scope and not ident:
        scope, _, ident = area.partition(":")
    if not scope and not ident:
        first = areas(registry)[0]
        if not first:
            raise HTTPException(404, "the registry has no municipality")
        return first[0]
    resolved = api.resolve(registry, scope or "", ident, PAGE_SCOPES)
    if resolved.kind == "hub":
        hub = registry.hubs[resolved.id]
        muni = registry.municipalities[hub.municipality]
        return Area("hub", hub.id, hub.name, muni.id, muni.name)
    muni = registry.municipalities[resolved.id]
    return Area("municipality", muni.id, muni.name, muni.id, muni.name)


@dataclass(frozen=True, slots=True)
class Exploration:
    """Everything the explorer shows, as the API's JSON."""

    area: Area
    period: Period
    utilisation: Json
    capacity: Json | None  # None: a municipality without hubs
    profile: Json | None
    dailies: list[Json]  # /api/reports/daily of each hub
    most_used: Json | None  # None: not allowed for this caller
    least_used: Json | None

    @property
    def hub_ids(self) -> list[str]:
        return [d["scope"]["id"] for d in self.dailies]


def explore(reader: Reader, area: Area, period: Period, *, desks_allowed: bool) -> Exploration:
    kind, ident = area.kind, area.id
    if kind == "hub":
        hub_ids = [ident]
    else:
        hub_ids = sorted(
            reader.registry.municipalities[ident].hubs,
            key=lambda h: swedish_key(reader.registry.hubs[h].name),
        )
    has_hubs = bool(hub_ids)
    return Exploration(
        area=area,
        period=period,
        utilisation=reader.utilisation(kind, ident, period),
        capacity=reader.capacity(kind, ident, period) if has_hubs else None,
        profile=reader.profile(kind, ident, period) if has_hubs else None,
        dailies=[reader.daily(h, period) for h in hub_ids],
        most_used=(
            reader.ranking(kind, ident, period, "desc", RANK_LIMIT)
            if desks_allowed and has_hubs
            else None
        ),
        least_used=(
            reader.ranking(kind, ident, period, "asc", RANK_LIMIT)
            if desks_allowed and has_hubs
            else None
        ),
    )
