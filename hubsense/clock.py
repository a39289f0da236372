"""What time it is, as one injectable definition.

Why: everything that asks "now" — the collector's acceptance window, retention, the demo's
start day, "today" in the API and the CLI — must be testable on any date and replayable
at an awkward one (a DST change, Midsummer, a leap day). So none of it calls
``time.time_ns()`` or ``datetime.now()`` itself: it is handed a ``Clock``, and only the
composition roots (the CLI's ``main``, the demo, ``create_app``'s default) pick the
system clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, tzinfo

Clock = Callable[[], int]
"""Returns the current instant in UTC nanoseconds since the Unix epoch."""

system_clock: Clock = time.time_ns


def local_now(clock: Clock, tz: tzinfo) -> datetime:
    """The clock's instant as an aware datetime in ``tz`` (microsecond precision)."""
    ns = clock()
    return datetime.fromtimestamp(ns // 1000 / 1e6, tz)


def local_today(clock: Clock, tz: tzinfo) -> date:
    """The clock's local date in ``tz``."""
    return local_now(clock, tz).date()
