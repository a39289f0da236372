"""A simulated clock that runs only through the hours some hub is open.

A demo started at any real hour should show desks changing at once and keep showing it:
nights, weekends and holidays, when every hub is closed and sensors only send heartbeats,
are skipped. The clock runs ``speed`` times real time through *windows*: on each day on
which at least one hub is open, from ``margin`` before the earliest opening to ``margin``
after the latest closing (the margin lets every sensor speak before a hub opens, so no
desk starts its day unknown). When a window ends the clock jumps to the next one.

Time never runs backwards, so every simulated message has a new timestamp; what is
skipped is simply not simulated (no sensor speaks then).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hubsense.calendar import NS, Interval, opening_window, to_ns
from hubsense.registry import Registry

from .publisher import SimClock

# The demo's speed: a working day in about three minutes; desks change every few seconds.
DEFAULT_SPEED = 240.0
MARGIN = timedelta(minutes=30)
SEARCH_DAYS = 31  # more closed days in a row than this: the registry opens nowhere


def day_window(registry: Registry, day: date, margin: timedelta = MARGIN) -> Interval | None:
    """``margin`` before the first hub opens to ``margin`` after the last one closes on
    ``day``; None when no hub is open."""
    windows = [w for w in (opening_window(h, day) for h in registry.hubs.values()) if w]
    if not windows:
        return None
    pad = round(margin.total_seconds()) * NS
    return min(w[0] for w in windows) - pad, max(w[1] for w in windows) + pad


def windows_from(
    registry: Registry, start: datetime, margin: timedelta = MARGIN
) -> Iterator[Interval]:
    """The windows from ``start`` on: the first is cut to begin at ``start`` (or is the next
    whole window if ``start`` is outside one), the others follow day by day."""
    start_ns = to_ns(start)
    day = start.date() - timedelta(days=1)  # a window may begin the evening before
    closed = 0
    while closed <= SEARCH_DAYS:
        w = day_window(registry, day, margin)
        day += timedelta(days=1)
        if w is None:
            closed += 1
            continue
        closed = 0
        if w[1] <= start_ns:
            continue
        yield max(w[0], start_ns), w[1]
    raise ValueError(f"no hub of {registry.region} opens within {SEARCH_DAYS} days")


@dataclass(frozen=True, slots=True)
class _Leg:
    real_ns: int  # real nanoseconds after the clock started at which this window begins
    window: Interval


class WorkdayClock(SimClock):
    """``SimClock`` over the windows of ``windows_from(registry, start)``: simulated time
    is ``speed`` × real time inside a window and jumps from one window's end to the next
    one's start. Thread-safe; windows are found as the clock reaches them."""

    def __init__(
        self,
        registry: Registry,
        start: datetime,
        speed: float = 1.0,
        *,
        margin: timedelta = MARGIN,
        monotonic_ns: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        super().__init__(start, speed, monotonic_ns=monotonic_ns)
        self._windows = windows_from(registry, start, margin)
        first = next(self._windows)
        self._legs = [_Leg(0, first)]
        self._lock = threading.Lock()

    def _next_leg(self) -> _Leg:
        last = self._legs[-1]
        lo, hi = last.window
        leg = _Leg(last.real_ns + round((hi - lo) / self.speed), next(self._windows))
        self._legs.append(leg)
        return leg

    def _leg_at(self, real_ns: int) -> _Leg:
        with self._lock:
            while True:
                last = self._legs[-1]
                lo, hi = last.window
                if real_ns < last.real_ns + (hi - lo) / self.speed:
                    break
                self._next_leg()
            for leg in reversed(self._legs):
                if leg.real_ns <= real_ns:
                    return leg
            return self._legs[0]

    def time_ns(self) -> int:
        real_ns = self._mono() - self._t0
        leg = self._leg_at(real_ns)
        return leg.window[0] + round((real_ns - leg.real_ns) * self.speed)

    def restart(self) -> None:
        """Back to ``start``, running from now: for a clock read before anything was
        simulated on it (the demo answers its pages once before the live run begins)."""
        with self._lock:
            self._t0 = self._mono()

    def windows(self, count: int) -> list[Interval]:
        """The first ``count`` windows (found if not yet reached)."""
        with self._lock:
            while len(self._legs) < count:
                self._next_leg()
            return [leg.window for leg in self._legs[:count]]

    def window_after(self, t_ns: int) -> Interval:
        """The first window that ends after ``t_ns``."""
        with self._lock:
            i = 0
            while True:
                while i >= len(self._legs):
                    self._next_leg()
                if self._legs[i].window[1] > t_ns:
                    return self._legs[i].window
                i += 1

    def real_seconds_until(self, t_ns: int) -> float:
        """Real seconds until the clock reaches ``t_ns`` (<= 0: already past)."""
        now = self.time_ns()
        total = 0.0
        while t_ns > now:
            lo, hi = self.window_after(now)
            if t_ns < lo:
                return total  # t_ns is skipped: the clock passes it on the jump to lo
            total += (min(t_ns, hi) - max(lo, now)) / NS / self.speed
            now = hi
        return total if total else (t_ns - now) / NS / self.speed

    def __repr__(self) -> str:
        return f"WorkdayClock(start={self.start.isoformat()}, speed={self.speed})"
