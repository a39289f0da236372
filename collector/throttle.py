"""At most one log line per kind and period, saying how many were left out: the log
follows events (an outage, a misconfigured gateway), not the message rate."""

from __future__ import annotations

from collections.abc import Callable


class Throttle:
    def __init__(self, every_s: float, monotonic: Callable[[], float]) -> None:
        self.every_s = every_s
        self.monotonic = monotonic
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def due(self, kind: str) -> int | None:
        """None: leave this one out. Otherwise log it, with the returned number of lines
        of this kind left out since the last one."""
        now = self.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.every_s:
            self._skipped[kind] = self._skipped.get(kind, 0) + 1
            return None
        self._last[kind] = now
        return self._skipped.pop(kind, 0)
