"""Shared data of the dashboard tests: a known set of desk messages at the fake clock's NOW."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from fastapi import FastAPI

from hubsense.calendar import is_open, to_ns
from hubsense.events import PresenceEvent
from hubsense.registry import Hub, Registry
from hubsense.store.base import Store
from launch.app import create_app
from simulators.sensors import sensor_events
from tests.api.api_support import NOW, S, settings

DAY = 24 * 3600

# (hub, desk, seconds before NOW, occupied, battery %)
KNOWN: list[tuple[str, str, float, bool, int | None]] = [
    ("svenstavik", "a01", 60, True, 87),
    ("svenstavik", "a02", 300, False, 15),  # free, low battery (<= 20 %)
    ("svenstavik", "a04", 1000, True, 60),  # 1000 s > offline_after_s (900): offline
    ("svenstavik", "a05", 30, False, None),
    ("svenstavik", "b01", 10, True, 19),  # occupied, low battery
    ("svenstavik", "b02", 3 * DAY, False, 50),  # offline for days
    ("sveg", "a01", 120, False, 90),  # the browser test flips this one to occupied
    ("sveg", "a02", 120, True, 90),
    ("krokom", "a01", 200, True, 80),
    ("krokom", "b06", 200, True, 5),
    # bracke: nothing at all (stale)
]

SVENSTAVIK_EXPECTED: dict[str, tuple[str, bool]] = {
    "a01": ("occupied", False),
    "a02": ("free", True),
    "a03": ("unknown", False),
    "a04": ("offline", False),
    "a05": ("free", False),
    "a06": ("unknown", False),
    "a07": ("unknown", False),
    "a08": ("unknown", False),
    "b01": ("occupied", True),
    "b02": ("offline", False),
    "b03": ("unknown", False),
    "b04": ("unknown", False),
}
"""desk → (state, low battery) at NOW."""


class EventMaker:
    """``make("svenstavik", "a01", ago_s=60, occupied=True)``: a registry desk's message."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.seq = 0

    def __call__(
        self, hub: str, desk: str, *, ago_s: float, occupied: bool, battery: int | None = None
    ) -> PresenceEvent:
        d = self.registry.desk(hub, desk)
        assert d is not None, (hub, desk)
        self.seq += 1
        return PresenceEvent(
            municipality=d.municipality,
            hub=hub,
            desk=desk,
            sensor=d.sensor,
            seq=self.seq,
            time_ns=NOW - int(ago_s * S),
            occupied=occupied,
            heartbeat=False,
            battery=battery,
            rssi=-70,
        )


def fill_known(store: Store, make: EventMaker) -> None:
    store.write(
        [make(h, d, ago_s=ago, occupied=occ, battery=bat) for h, d, ago, occ, bat in KNOWN], []
    )


def make_app(registry: Registry, store: object, clock: Callable[[], int] | None = None) -> FastAPI:
    return create_app(settings(), registry, store, clock=clock or (lambda: NOW))  # type: ignore[arg-type]


# --- history for the analytics pages --------------------------------------------------------

HISTORY_FIRST = date(2026, 10, 27)
HISTORY_END = date(2026, 11, 11)  # exclusive: the last day is more than live_lookback_s
# (14 days) before NOW, so the live views never see this history and keep their KNOWN state
HISTORY_HUBS = {"svenstavik": 0, "sveg": 3, "funasdalen": 1}
"""Hubs with history → an offset that varies their busy days."""
PERIOD_30 = {"from": "2026-10-26", "to": "2026-11-25"}
"""The API's default period at NOW: the 30 days before today."""


def history_days(hub: Hub) -> list[date]:
    days = [HISTORY_FIRST + timedelta(days=i) for i in range((HISTORY_END - HISTORY_FIRST).days)]
    return [d for d in days if is_open(hub, d)]


def busy_desks(hub: Hub, i: int) -> int:
    """How many desks of ``hub`` are taken at once on its ``i``-th history day (the day's
    peak concurrency): the first that many desks, in registry order."""
    return 1 + (i * 5 + HISTORY_HUBS[hub.id]) % len(hub.desks)


def expected_peaks(hub: Hub) -> dict[date, int]:
    return {d: busy_desks(hub, i) for i, d in enumerate(history_days(hub))}


def fill_history(store: Store, registry: Registry) -> None:
    """Every desk of the HISTORY_HUBS reports over the opening hours of each open day (a
    message on every change, heartbeats every 5 min: full coverage); on the ``i``-th day
    desk ``j < busy_desks`` is taken from 1 h + 10·j min after opening to 5 + i % 3 h after
    opening, so all of them overlap once."""
    events: list[PresenceEvent] = []
    for hub_id in HISTORY_HUBS:
        hub = registry.hubs[hub_id]
        for i, day in enumerate(history_days(hub)):
            window = hub.opening_hours[day.weekday()]
            start = datetime.combine(day, window[0], tzinfo=hub.tz)
            end = datetime.combine(day, window[1], tzinfo=hub.tz)
            busy = busy_desks(hub, i)
            for j, desk in enumerate(hub.desks):
                sessions = []
                if j < busy:
                    begin = start + timedelta(hours=1, minutes=10 * j)
                    sessions = [(to_ns(begin), to_ns(start + timedelta(hours=5 + i % 3)))]
                for n, (t, occupied, heartbeat) in enumerate(
                    sensor_events(sessions, to_ns(start), to_ns(end), heartbeat_s=300)
                ):
                    events.append(
                        PresenceEvent(
                            municipality=hub.municipality,
                            hub=hub.id,
                            desk=desk.id,
                            sensor=desk.sensor,
                            seq=1_000_000 + i * 1000 + n,
                            time_ns=t,
                            occupied=occupied,
                            heartbeat=heartbeat,
                            battery=80,
                            rssi=-70,
                        )
                    )
    store.write(events, [])
