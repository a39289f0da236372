"""Per-desk current state as the collector sees it (newest observation per desk).

Out-of-order safe: a late message older than what is known does not overwrite it.
"""

from __future__ import annotations

import threading

from hubsense.events import PresenceEvent


class DeskStates:
    def __init__(self) -> None:
        self._latest: dict[tuple[str, str], PresenceEvent] = {}
        self._lock = threading.Lock()

    def update(self, events: list[PresenceEvent]) -> None:
        with self._lock:
            for e in events:
                key = (e.hub, e.desk)
                known = self._latest.get(key)
                if known is None or e.time_ns >= known.time_ns:
                    self._latest[key] = e

    def of_hub(self, hub: str) -> dict[str, PresenceEvent]:
        with self._lock:
            return {d: e for (h, d), e in self._latest.items() if h == hub}

    def __len__(self) -> int:
        with self._lock:
            return len(self._latest)
