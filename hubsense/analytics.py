"""Metrics per scope — desk, zone, hub, municipality, region — over a range of local dates,
from rollups. The API and the reports both get every number from here.

``analyse`` loads (and, if needed, computes) what the scope's hubs need
(``hubsense.rollups.load``: each desk's sums over the range, the hubs' group-days, and the
desk-days that the "unchanged for days" rule flags, which it sees over ``margin`` days
around the range) and returns an ``Analysis``, which applies the rule to the sums. So a
year of a region costs rows in proportion to desks and to hubs × days, not desks × days.
``Analysis`` is pure: it can be built from rollups computed in memory too
(``HubRollups.from_rows``; the pipeline test builds one from the simulator's ground truth
and compares).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from hubsense.calendar import is_open
from hubsense.config import Settings
from hubsense.demand import DemandEstimate, PeakDay, estimate_demand
from hubsense.metrics import (
    BANDS,
    HUB_GROUP,
    NS,
    Band,
    Capacity,
    CleanParams,
    DailyUse,
    DayRow,
    DeskDayRollup,
    DeskTime,
    DeskTotals,
    GroupDayRollup,
    Profile,
    SlotRollup,
    StuckRun,
    apply_unchanged,
    band,
    capacity,
    day_rows,
    margin_days,
    sum_profiles,
    total_full_ns,
)
from hubsense.registry import Desk, Hub, Registry
from hubsense.rollups import HubRollups, clean_params, load
from hubsense.store.base import Store

_LOADS_AT_ONCE = 4  # hubs whose rollups are read at the same time (analyse)

ScopeKind = Literal["desk", "zone", "hub", "municipality", "region"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("desk", "zone", "hub", "municipality", "region")


class ScopeError(ValueError):
    """An unknown or malformed scope id; ``not_found`` tells unknown ids from bad ones."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


@dataclass(frozen=True, slots=True)
class Scope:
    kind: ScopeKind
    id: str  # "" for the region; "hub/zone" and "hub/desk" for zones and desks
    hub: str | None = None
    item: str | None = None  # the zone or desk id within ``hub``


def _show(value: str) -> str:
    """An id as it may appear in an error message: quoted, escaped, at most 64 characters."""
    if len(value) > 64:
        return repr(value[:64]) + f"... ({len(value)} characters)"
    return repr(value)


def _known(values: Sequence[str]) -> str:
    shown = ", ".join(sorted(values)[:20])
    return shown + (", …" if len(values) > 20 else "")


def resolve(registry: Registry, kind: str, ident: str | None) -> Scope:
    """The scope for ``kind`` and ``ident``, checked against the registry."""
    if kind not in SCOPE_KINDS:
        raise ScopeError(f"unknown scope {_show(kind)} (use {', '.join(SCOPE_KINDS)})")
    if kind == "region":
        if ident:
            raise ScopeError("scope=region takes no id")
        return Scope("region", "")
    if not ident:
        raise ScopeError(f"scope={kind} needs an id")
    if kind == "municipality":
        if ident not in registry.municipalities:
            raise ScopeError(
                f"unknown municipality {_show(ident)} "
                f"(known: {_known(list(registry.municipalities))})",
                not_found=True,
            )
        return Scope("municipality", ident)
    if kind == "hub":
        if ident not in registry.hubs:
            raise ScopeError(
                f"unknown hub {_show(ident)} (known: {_known(list(registry.hubs))})", not_found=True
            )
        return Scope("hub", ident, hub=ident)
    hub_id, sep, item = ident.partition("/")
    if not sep or not item:
        raise ScopeError(
            f"scope={kind} needs an id like 'svenstavik/{'a' if kind == 'zone' else 'a01'}'"
        )
    hub = registry.hubs.get(hub_id)
    if hub is None:
        raise ScopeError(
            f"unknown hub {_show(hub_id)} (known: {_known(list(registry.hubs))})", not_found=True
        )
    if kind == "zone":
        if item not in hub.zones():
            raise ScopeError(
                f"unknown zone {_show(item)} in hub {hub.id!r} (zones: {', '.join(hub.zones())})",
                not_found=True,
            )
    elif registry.desk(hub.id, item) is None:
        raise ScopeError(f"unknown desk {_show(item)} in hub {hub.id!r}", not_found=True)
    return Scope(kind, f"{hub.id}/{item}", hub=hub.id, item=item)  # type: ignore[arg-type]


def scope_hubs(registry: Registry, scope: Scope) -> list[Hub]:
    if scope.kind == "region":
        return list(registry.hubs.values())
    if scope.kind == "municipality":
        return registry.hubs_of(scope.id)
    assert scope.hub is not None
    return [registry.hubs[scope.hub]]


def scope_desks(registry: Registry, scope: Scope) -> list[Desk]:
    desks = [d for h in scope_hubs(registry, scope) for d in h.desks]
    if scope.kind == "zone":
        return [d for d in desks if d.zone == scope.item]
    if scope.kind == "desk":
        return [d for d in desks if d.id == scope.item]
    return desks


def scope_name(registry: Registry, scope: Scope) -> str:
    if scope.kind == "region":
        return registry.region
    if scope.kind == "municipality":
        return registry.municipalities[scope.id].name
    assert scope.hub is not None
    hub = registry.hubs[scope.hub]
    if scope.kind == "hub":
        return hub.name
    return f"{hub.name} {scope.kind} {scope.item}"


def children(registry: Registry, scope: Scope) -> list[Scope]:
    """The next level down: region → municipalities → hubs → zones → desks."""
    if scope.kind == "region":
        return [Scope("municipality", m) for m in registry.municipalities]
    if scope.kind == "municipality":
        return [Scope("hub", h.id, hub=h.id) for h in registry.hubs_of(scope.id)]
    if scope.kind == "hub":
        hub = registry.hubs[scope.id]
        return [Scope("zone", f"{hub.id}/{z}", hub=hub.id, item=z) for z in hub.zones()]
    if scope.kind == "zone":
        return [
            Scope("desk", f"{d.hub}/{d.id}", hub=d.hub, item=d.id)
            for d in scope_desks(registry, scope)
        ]
    return []


@dataclass(frozen=True, slots=True)
class MetricParams:
    """Thresholds applied when rollups are read (see docs/metrics.md)."""

    min_use_ns: int = 30 * 60 * NS
    unchanged_open_days: int = 20
    service_level: float = 0.9
    buffer_desks: int = 1
    min_days: int = 20
    min_coverage: float = 0.8

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> MetricParams:
        values: dict[str, object] = {
            "min_use_ns": settings.daily_use_min_s * NS,
            "unchanged_open_days": settings.stuck_unchanged_open_days,
            "service_level": settings.capacity_service_level,
            "buffer_desks": settings.capacity_buffer_desks,
            "min_days": settings.capacity_min_days,
            "min_coverage": settings.evidence_min_coverage,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Summary:
    """Every summable metric of one scope over the range."""

    scope: Scope
    name: str
    desks: int
    hubs: int
    open_days: int  # dates on which at least one hub of the scope was open
    time: DeskTime
    use: DailyUse
    band: Band | None
    peak_max: int | None  # hub and zone scopes only
    peak_share_max: float | None
    evidence_days: int | None  # hub and zone scopes only
    flickers: int
    suspect_desks: int


@dataclass(frozen=True, slots=True)
class ScopeCapacity:
    """Capacity of a scope: per hub, and the sums (desks are not shared between hubs)."""

    hubs: tuple[tuple[str, Capacity], ...]
    desks: int
    peak_at_service_level: int | None  # sum over hubs
    recommended_desks: int | None  # sum over hubs
    too_few_days: bool  # any hub's recommendation rests on too few days
    days_at_capacity: int = 0  # sum over hubs (hub-days)
    evidence_hub_days: int = 0  # sum of the hubs' evidence days
    full_ns: int | None = None  # sum over hubs; None when a hub does not know its own

    @property
    def lower_bound(self) -> bool:
        """A hub's measured recommendation is a lower bound (it was full on some day)."""
        return self.days_at_capacity > 0

    # The hubs' demand figures summed (None when a hub has none), made when asked (a full
    # hub's estimate is a fit); low and high are the sums of the hubs' own, a range at
    # least as wide as the sum's.

    @property
    def demand_at_service_level(self) -> int | None:
        return _sum([c.demand_at_service_level for _, c in self.hubs])

    @property
    def demand_low(self) -> int | None:
        return _range_sum([c for _, c in self.hubs], low=True)

    @property
    def demand_high(self) -> int | None:
        return _range_sum([c for _, c in self.hubs], low=False)

    @property
    def demand_recommended_desks(self) -> int | None:
        return _sum([c.demand_recommended_desks for _, c in self.hubs])

    @property
    def days_at_capacity_share(self) -> float | None:
        """Hub-days at capacity ÷ evidence hub-days (None without evidence)."""
        if not self.evidence_hub_days:
            return None
        return self.days_at_capacity / self.evidence_hub_days


def margin(
    registry: Registry, hubs: Sequence[Hub], first: date, end: date, params: MetricParams
) -> tuple[date, date]:
    """Days before/after the range whose desk-day rows decide unchanged runs crossing it."""
    n = params.unchanged_open_days
    if n <= 0:
        return first, end
    lo, hi = first, end
    for hub in hubs:
        opened = lambda d, h=hub: is_open(h, d)  # noqa: E731
        lo = min(lo, margin_days(opened, first, -1, n))
        hi = max(hi, margin_days(opened, end - timedelta(days=1), 1, n) + timedelta(days=1))
    return lo, hi


class Analysis:
    """Rollups of some hubs over ``[first, end)`` with the unchanged rule applied."""

    def __init__(
        self,
        registry: Registry,
        first: date,
        end: date,
        params: MetricParams,
        data: dict[str, HubRollups],
        *,
        with_profile: bool = False,
    ) -> None:
        """``data[hub]`` as ``rollups.load`` reads it (or ``HubRollups.from_rows`` makes
        it in memory)."""
        self.registry = registry
        self.first = first
        self.end = end
        self.params = params
        self.hub_ids = list(data)
        self.with_profile = with_profile
        self.recomputed_days = sum(d.recomputed_days for d in data.values())
        self.suspects: list[StuckRun] = []
        self._data = data
        self._totals: dict[tuple[str, str], DeskTotals] = {}  # after the rule
        # what the rule changed per (hub, group) and day, to add to the group-day's sums
        self._adjust: dict[tuple[str, str], dict[date, DeskTotals]] = {}
        self._groups: dict[tuple[str, str], list[GroupDayRollup]] = {}
        self._zones_loaded: set[str] = set()
        self._slots: dict[str, list[SlotRollup]] = {}
        self._open: dict[str, frozenset[date]] = {}
        self._day_rows: dict[tuple[str, str], list[DayRow]] = {}
        self._summaries: dict[Scope, Summary] = {}
        self._demand: dict[tuple[str, str, float], DemandEstimate] = {}
        for hr in data.values():
            self._prepare(hr)

    def _in_range(self, day: date) -> bool:
        return self.first <= day < self.end

    def _prepare(self, hr: HubRollups) -> None:
        hub = hr.hub
        n = self.params.unchanged_open_days
        w_first, w_end = hr.window
        zone_of = {d.id: d.zone for d in hub.desks}
        runs: dict[tuple[str, date], list[DeskDayRollup]] = {}
        stuck: dict[str, list[DeskDayRollup]] = {}
        for r in hr.flagged:
            if r.day_stuck_ns > 0:
                if self._in_range(r.day):
                    stuck.setdefault(r.desk, []).append(r)
            elif n > 0 and r.idle_since is not None:
                runs.setdefault((r.desk, r.idle_since), []).append(r)
        unchanged: dict[str, list[StuckRun]] = {}
        for (desk_id, since), rows in sorted(runs.items()):
            if max(r.idle_open_days for r in rows) < n:
                continue
            inside = [r for r in rows if self._in_range(r.day)]
            if not inside:
                continue
            a = max(since, w_first)
            b = min(max(r.day for r in rows), w_end - timedelta(days=1))
            days = (a + timedelta(days=i) for i in range((b - a).days + 1))
            unchanged.setdefault(desk_id, []).append(
                StuckRun(
                    hub.id,
                    desk_id,
                    "unchanged",
                    a,
                    b,
                    sum(1 for d in days if is_open(hub, d)),
                    sum(r.free_ns + r.occupied_ns for r in inside),
                )
            )
            for r in inside:
                delta = DeskTotals.of(apply_unchanged(r, self.params.min_use_ns)) - DeskTotals.of(r)
                key = (hub.id, desk_id)
                self._totals[key] = self._totals.get(key, DeskTotals()) + delta
                for group in (HUB_GROUP, zone_of.get(desk_id)):
                    if group is None:
                        continue
                    by_day = self._adjust.setdefault((hub.id, group), {})
                    by_day[r.day] = by_day[r.day] + delta if r.day in by_day else delta
        for desk in hub.desks:
            key = (hub.id, desk.id)
            base = hr.desk_totals.get(desk.id, DeskTotals())
            self._totals[key] = base + self._totals[key] if key in self._totals else base
            self.suspects.extend(unchanged.get(desk.id, ()))
            rows = sorted(stuck.get(desk.id, ()), key=lambda r: r.day)
            spell: list[DeskDayRollup] = []
            for r in rows:
                if spell and spell[-1].day + timedelta(days=1) != r.day:
                    self._add_stuck(hub, spell)
                    spell = []
                spell.append(r)
            if spell:
                self._add_stuck(hub, spell)
        for g in hr.group_days:
            if self._in_range(g.day):
                self._groups.setdefault((hub.id, g.group), []).append(g)
        if hr.zones is None:
            self._zones_loaded.add(hub.id)
        if hr.slots is not None:
            self._slots[hub.id] = [
                s for s in hr.slots if self._in_range(_slot_day(hub, s.start_ns))
            ]

    def _add_stuck(self, hub: Hub, rows: list[DeskDayRollup]) -> None:
        self.suspects.append(
            StuckRun(
                hub.id,
                rows[0].desk,
                "occupied",
                rows[0].day,
                rows[-1].day,
                sum(1 for r in rows if r.open_ns > 0),
                sum(r.stuck_ns for r in rows),
            )
        )

    def _group_days(self, hub_id: str, group: str) -> list[GroupDayRollup]:
        if group != HUB_GROUP and hub_id not in self._zones_loaded:
            loader = self._data[hub_id].zones
            assert loader is not None
            for g in loader():
                if self._in_range(g.day):
                    self._groups.setdefault((hub_id, g.group), []).append(g)
            self._zones_loaded.add(hub_id)
        return self._groups.get((hub_id, group), [])

    # --- queries ------------------------------------------------------------------------

    def totals(self, scope: Scope) -> DeskTotals:
        """The scope's desk-days summed over the range, after the rule."""
        return DeskTotals.total(
            self._totals.get((d.hub, d.id), DeskTotals()) for d in scope_desks(self.registry, scope)
        )

    def _open_dates(self, hub: Hub) -> frozenset[date]:
        found = self._open.get(hub.id)
        if found is None:
            days = (self.first + timedelta(days=i) for i in range((self.end - self.first).days))
            found = self._open[hub.id] = frozenset(d for d in days if is_open(hub, d))
        return found

    def day_rows(self, hub_id: str, group: str = HUB_GROUP) -> list[DayRow]:
        """Per open day of a hub (or one of its zones)."""
        key = (hub_id, group)
        if key not in self._day_rows:
            self._day_rows[key] = day_rows(
                self._group_days(hub_id, group),
                self._adjust.get(key, {}),
                min_coverage=self.params.min_coverage,
            )
        return list(self._day_rows[key])

    def summary(self, scope: Scope) -> Summary:
        # Asked again and again (bands ask every desk's and hub's): made once per scope;
        # an Analysis does not change once made.
        found = self._summaries.get(scope)
        if found is None:
            found = self._summaries[scope] = self._make_summary(scope)
        return found

    def _make_summary(self, scope: Scope) -> Summary:
        totals = self.totals(scope)
        hubs = scope_hubs(self.registry, scope)
        t = totals.time
        peak_max = share = evidence = None
        if scope.kind in ("hub", "zone"):
            assert scope.hub is not None
            days = self.day_rows(scope.hub, HUB_GROUP if scope.kind == "hub" else str(scope.item))
            peak_max = max((d.peak for d in days), default=None)
            share = max((d.peak_share for d in days), default=None)
            evidence = sum(1 for d in days if d.evidence)
        open_dates = frozenset().union(*(self._open_dates(h) for h in hubs))
        desks = {(r.hub, r.desk) for r in self.suspects}
        in_scope = {(d.hub, d.id) for d in scope_desks(self.registry, scope)}
        return Summary(
            scope=scope,
            name=scope_name(self.registry, scope),
            desks=len(in_scope),
            hubs=len(hubs),
            open_days=len(open_dates),
            time=t,
            use=totals.use,
            band=band(t),
            peak_max=peak_max,
            peak_share_max=share,
            evidence_days=evidence,
            flickers=totals.flickers,
            suspect_desks=len(desks & in_scope),
        )

    def desk_summaries(self, scope: Scope) -> list[Summary]:
        return [
            self.summary(Scope("desk", f"{d.hub}/{d.id}", hub=d.hub, item=d.id))
            for d in scope_desks(self.registry, scope)
        ]

    def bands(self, scope: Scope) -> dict[str, dict[str, int]]:
        """How many desks and hubs of the scope fall in each usage band."""
        desks: Counter[str] = Counter({b: 0 for b in (*BANDS, "no_data")})
        for s in self.desk_summaries(scope):
            desks[s.band or "no_data"] += 1
        hubs: Counter[str] = Counter({b: 0 for b in (*BANDS, "no_data")})
        for h in scope_hubs(self.registry, scope):
            hubs[self.summary(Scope("hub", h.id, hub=h.id)).band or "no_data"] += 1
        return {"desks": dict(desks), "hubs": dict(hubs)}

    def capacity(
        self,
        hub_id: str,
        group: str = HUB_GROUP,
        service_level: float | None = None,
        buffer_desks: int | None = None,
        min_days: int | None = None,
    ) -> Capacity:
        days = self.day_rows(hub_id, group)
        hub = self.registry.hubs[hub_id]
        desks = sum(1 for d in hub.desks if group == HUB_GROUP or d.zone == group)
        level = self.params.service_level if service_level is None else service_level
        c = capacity(
            [d.peak for d in days if d.evidence],
            desks=desks,
            open_days=len(days),
            service_level=level,
            buffer_desks=self.params.buffer_desks if buffer_desks is None else buffer_desks,
            min_days=self.params.min_days if min_days is None else min_days,
            full_ns=total_full_ns(days),
        )
        if not c.lower_bound or c.peak_at_service_level is None:
            return c
        return replace(c, estimator=lambda: self._demand_of(hub_id, group, level, days, c))

    def _demand_of(
        self, hub_id: str, group: str, level: float, days: list[DayRow], c: Capacity
    ) -> DemandEstimate:
        """The censored estimate, made once per hub, group and level (a fit costs tens
        of milliseconds, and a report asks for a hub's capacity several times)."""
        key = (hub_id, group, level)
        found = self._demand.get(key)
        if found is None:
            evidence = [
                PeakDay(d.day.weekday(), d.peak, max(d.desks, c.desks))
                for d in days
                if d.evidence
            ]
            assert c.peak_at_service_level is not None
            found = self._demand[key] = estimate_demand(evidence, level, c.peak_at_service_level)
        return found

    def scope_capacity(self, scope: Scope, **overrides: object) -> ScopeCapacity:
        if scope.kind not in ("hub", "municipality", "region"):
            raise ScopeError("capacity is per hub, municipality or region")
        per_hub = tuple(
            (h.id, self.capacity(h.id, **overrides))  # type: ignore[arg-type]
            for h in scope_hubs(self.registry, scope)
        )
        caps = [c for _, c in per_hub]
        p = [c.peak_at_service_level for c in caps]
        r = [c.recommended_desks for c in caps]
        full = [c.full_ns for c in caps]
        return ScopeCapacity(
            hubs=per_hub,
            desks=sum(c.desks for c in caps),
            peak_at_service_level=None if None in p else sum(x for x in p if x is not None),
            recommended_desks=None if None in r else sum(x for x in r if x is not None),
            too_few_days=any(c.too_few_days for c in caps),
            days_at_capacity=sum(c.days_at_capacity for c in caps),
            evidence_hub_days=sum(c.evidence_days for c in caps),
            full_ns=_sum(full),
        )

    def profile(self, scope: Scope) -> list[list[float | None]]:
        """Average concurrency per weekday (0 = Monday) and local hour; sums over hubs."""
        profiles: list[Profile] = []
        group = str(scope.item) if scope.kind == "zone" else HUB_GROUP
        if scope.kind == "desk":
            raise ScopeError("the hour × weekday profile is per zone, hub, municipality or region")
        if not self.with_profile:
            raise RuntimeError("the profile was not loaded (analyse(..., slots=True))")
        for hub in scope_hubs(self.registry, scope):
            p = Profile()
            slots = self._slots.get(hub.id)
            if slots is None:  # every group-day carries its hourly profile
                for row in self._group_days(hub.id, group):
                    p.add_group_day(row)
            else:
                p.add_slots((s for s in slots if s.group == group), hub.tz)
            profiles.append(p)
        return sum_profiles(profiles)

    def suspects_in(self, scope: Scope) -> list[StuckRun]:
        in_scope = {(d.hub, d.id) for d in scope_desks(self.registry, scope)}
        return sorted(
            (r for r in self.suspects if (r.hub, r.desk) in in_scope),
            key=lambda r: (r.hub, r.desk, r.first_day, r.kind),
        )


def _sum(values: Sequence[int | None]) -> int | None:
    """The sum, or None when any value is None."""
    return None if None in values else sum(v for v in values if v is not None)


def _range_sum(caps: Sequence[Capacity], *, low: bool) -> int | None:
    """A scope's low (or high) demand: the sum over its hubs of their low (high), a hub
    that was never full adding its measured percentile; None when no hub was full."""
    if not any(c.lower_bound for c in caps):
        return None
    return _sum(
        [
            (c.demand_low if low else c.demand_high) if c.lower_bound
            else c.demand_at_service_level
            for c in caps
        ]
    )


def _slot_day(hub: Hub, start_ns: int) -> date:
    from datetime import datetime

    return datetime.fromtimestamp(start_ns // NS, hub.tz).date()


def analyse(
    store: Store,
    registry: Registry,
    scope: Scope,
    first: date,
    end: date,
    settings: Settings,
    *,
    now_ns: int,
    params: MetricParams | None = None,
    slots: bool = False,
    ensure: bool = True,
    clean: CleanParams | None = None,
) -> Analysis:
    """Load the rollups of the scope's hubs (computing missing ones) and analyse them."""
    mp = params or MetricParams.from_settings(settings)
    cp = clean or clean_params(settings)
    hubs = scope_hubs(registry, scope)
    m_lo, m_hi = margin(registry, hubs, first, end, mp)

    def load_hub(hub: Hub) -> HubRollups:
        return load(
            store,
            registry,
            hub.id,
            first,
            end,
            cp,
            now_ns=now_ns,
            ensure=ensure,
            refresh_ns=settings.rollup_refresh_s * NS,
            slots=slots,
            desk_margin=(m_lo, m_hi),
            min_idle_open_days=mp.unchanged_open_days,
        )

    # Hubs are loaded a few at a time: a load mostly waits for the store (InfluxDB works
    # on another core meanwhile), so overlapping them shortens a region's wait without
    # adding work. Results keep the registry's order.
    if len(hubs) > 1:
        with ThreadPoolExecutor(max_workers=_LOADS_AT_ONCE, thread_name_prefix="load") as pool:
            loaded = list(pool.map(load_hub, hubs))
    else:
        loaded = [load_hub(h) for h in hubs]
    data = {hub.id: rollups for hub, rollups in zip(hubs, loaded, strict=True)}
    return Analysis(registry, first, end, mp, data, with_profile=slots)
