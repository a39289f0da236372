"""Shared data of the dashboard tests: a known set of desk messages at the fake clock's NOW."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from api.app import create_app
from hubsense.events import PresenceEvent
from hubsense.registry import Registry
from hubsense.store.base import Store
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
