"""A short-lived cache of each hub's newest events, shared by the live API and pages.

Wall dashboards poll every couple of seconds, often many at once: within ``ttl_s`` they
share one store query per hub (concurrent misses wait for the one query in flight). The
state is at most ``ttl_s`` older than the store; ages (seconds since seen, offline) are
still computed against the clock on every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hubsense.events import PresenceEvent

Latest = dict[str, PresenceEvent]


class LiveCache:
    def __init__(self, ttl_s: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.monotonic = monotonic
        self._entries: dict[str, tuple[float, Latest]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, hub: str, load: Callable[[], Latest]) -> Latest:
        if self.ttl_s <= 0:
            return load()
        entry = self._entries.get(hub)
        if entry is not None and self.monotonic() - entry[0] < self.ttl_s:
            return entry[1]
        with self._guard:
            lock = self._locks.setdefault(hub, threading.Lock())
        with lock:
            entry = self._entries.get(hub)  # another request may have loaded it meanwhile
            if entry is not None and self.monotonic() - entry[0] < self.ttl_s:
                return entry[1]
            loaded_at = self.monotonic()
            value = load()
            self._entries[hub] = (loaded_at, value)
            return value
