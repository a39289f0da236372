"""What every desk of a hub is doing now: occupied, free, offline or unknown, with its
last message's time and battery, and the hub's counts.

A desk is offline when its sensor has been silent longer than ``offline_after_s``, or at
once when the sensor's own network reports it offline and nothing was heard from it since
(``QueryContext.unavailable``, ``hubsense.availability``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from hubsense.availability import Unavailable
from hubsense.calendar import from_ns, opening_window
from hubsense.events import PresenceEvent
from hubsense.query.context import QueryContext
from hubsense.registry import Desk, Hub

DeskState = Literal["occupied", "free", "offline", "unknown"]
Latest = dict[str, PresenceEvent]


class LatestCache(Protocol):
    """Shares one store query per hub among requests close together (``api.live_cache``)."""

    def get(self, hub: str, load: Callable[[], Latest]) -> Latest: ...


@dataclass(frozen=True, slots=True)
class DeskLive:
    desk: str
    zone: str
    state: DeskState  # occupied/free: heard within offline_after_s; unknown: never heard
    occupied: bool | None  # None when offline or unknown (see last_occupied)
    last_occupied: bool | None
    last_seen: datetime | None  # UTC
    seconds_since_seen: float | None
    battery: int | None
    low_battery: bool
    rssi: int | None
    network_offline: bool = False  # offline because the sensor's network says so


@dataclass(frozen=True, slots=True)
class LiveCounts:
    occupied: int
    free: int
    offline: int
    unknown: int
    low_battery: int
    total: int

    def of(self, state: str) -> int:
        """The count of one state by name (``occupied``, ``free``, ``offline``, ``unknown``)."""
        return int(getattr(self, state))


@dataclass(frozen=True, slots=True)
class HubLive:
    hub: str
    as_of: datetime  # UTC
    stale: bool  # no desk of the hub heard within offline_after_s
    open: bool  # within the hub's opening hours at as_of (local time, closed days count)
    offline_after_s: float
    counts: LiveCounts
    desks: tuple[DeskLive, ...]  # registry order


def _desk(
    desk: Desk,
    event: PresenceEvent | None,
    now_ns: int,
    offline_ns: int,
    low: int,
    unavailable: Unavailable,
) -> DeskLive:
    if event is None:
        network_offline = desk.sensor in unavailable.since_ns
        state: DeskState = "offline" if network_offline else "unknown"
        return DeskLive(
            desk.id, desk.zone, state, None, None, None, None, None, False, None, network_offline
        )
    age_ns = max(0, now_ns - event.time_ns)  # a sensor clock slightly ahead: just heard
    network_offline = unavailable.reported_offline(desk.sensor, event.time_ns)
    if age_ns > offline_ns or network_offline:
        state = "offline"
    else:
        state = "occupied" if event.occupied else "free"
    return DeskLive(
        desk=desk.id,
        zone=desk.zone,
        state=state,
        occupied=None if state == "offline" else event.occupied,
        last_occupied=event.occupied,
        last_seen=from_ns(event.time_ns),
        seconds_since_seen=age_ns / 1e9,
        battery=event.battery,
        low_battery=event.battery is not None and event.battery <= low,
        rssi=event.rssi,
        network_offline=network_offline,
    )


def is_open_at(hub: Hub, t_ns: int) -> bool:
    """Whether ``hub`` is within its opening hours at ``t_ns`` (on an open day)."""
    window = opening_window(hub, from_ns(t_ns, hub.tz).date())
    return window is not None and window[0] <= t_ns < window[1]


def latest_loader(ctx: QueryContext, hub: Hub) -> Callable[[], Latest]:
    """The store read behind a hub's live state: each desk's newest event within
    ``live_lookback_s``. (A caller on an event loop runs it in a thread, ``api.live_cache``.)"""
    since_ns = ctx.now_ns - round(ctx.settings.live_lookback_s * 1e9)

    def load() -> Latest:
        return ctx.store.latest(hub.id, since_ns=since_ns)

    return load


def hub_live(ctx: QueryContext, hub: Hub, cache: LatestCache | None = None) -> HubLive:
    """Each desk's newest message within ``live_lookback_s`` decides its state."""
    s = ctx.settings
    now_ns = ctx.now_ns
    offline_ns = round(s.offline_after_s * 1e9)
    load = latest_loader(ctx, hub)
    latest = cache.get(hub.id, load) if cache is not None else load()
    desks = tuple(
        _desk(d, latest.get(d.id), now_ns, offline_ns, s.low_battery_pct, ctx.unavailable)
        for d in hub.desks
    )
    states = [d.state for d in desks]
    counts = LiveCounts(
        occupied=states.count("occupied"),
        free=states.count("free"),
        offline=states.count("offline"),
        unknown=states.count("unknown"),
        low_battery=sum(d.low_battery for d in desks),
        total=len(desks),
    )
    return HubLive(
        hub=hub.id,
        as_of=from_ns(now_ns),
        stale=counts.occupied + counts.free == 0,
        open=is_open_at(hub, now_ns),
        offline_after_s=s.offline_after_s,
        counts=counts,
        desks=desks,
    )
