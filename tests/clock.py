"""The suite's clock: run as if it were another instant, and clocks to inject.

No test may depend on the date it runs on. Code under test takes an injected clock
(``Callable[[], int]``, UTC nanoseconds) wherever it reads "now"; tests give it a fixed
instant with ``ticking_clock``. To prove that nothing still reads the real date, the
whole session can run as if it were another instant: ``scripts/test --as-of
2027-06-28T07:55`` (a naive instant is Stockholm local time). time-machine moves the test
process's wall clock; child processes follow through ``tests/timeshift/sitecustomize.py``
(see there). ``time.monotonic`` is never moved, so timeouts and sleeps stay real.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from time_machine import escape_hatch

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SHIFT_ENV = "HUBSENSE_TEST_TIME_SHIFT_NS"
SITECUSTOMIZE_DIR = Path(__file__).parent / "timeshift"

# The awkward instants the suite must pass at (README, .ci/run): the Monday after
# Midsummer, Christmas Eve, New Year's Day, the first weekday of CEST, the first weekday
# after CEST, July, a leap day.
AWKWARD_INSTANTS = (
    "2027-06-28T07:55",
    "2026-12-24T07:55",
    "2027-01-01T07:55",
    "2027-03-29T07:55",
    "2027-11-01T07:55",
    "2027-07-15T07:55",
    "2028-02-29T07:55",
)


def parse_as_of(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is Europe/Stockholm local time."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"--as-of {text!r}: not an ISO 8601 date or time ({exc})") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=STOCKHOLM)
    return when


class SessionTimeShift:
    """Moves this process's wall clock to ``as_of`` (ticking) and tells child processes."""

    def __init__(self, as_of: datetime) -> None:
        self.as_of = as_of
        # A timestamp, not the aware datetime: given a zoneinfo datetime, time-machine also
        # sets the process's local time zone (TZ), which would hide code that wrongly
        # uses local time instead of the hub's zone.
        self._traveller = time_machine.travel(to_ns(as_of) / 1e9, tick=True)
        self._saved_env: dict[str, str | None] = {}

    def start(self) -> None:
        env = child_clock_env(self.as_of)
        self._traveller.start()
        for name, value in env.items():
            self._set_env(name, value)

    def stop(self) -> None:
        self._traveller.stop()
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _set_env(self, name: str, value: str) -> None:
        self._saved_env.setdefault(name, os.environ.get(name))
        os.environ[name] = value


def child_clock_env(at: datetime) -> dict[str, str]:
    """Environment for a Python child process whose clock reads ``at`` now and ticks.

    The shift is taken against the real clock (time-machine's escape hatch), because the
    child's ``sitecustomize`` adds it to its own real clock.
    """
    real_now_ns = (
        escape_hatch.time.time_ns() if escape_hatch.is_travelling() else time.time_ns()
    )
    shift_ns = to_ns(at) - real_now_ns
    path = os.environ.get("PYTHONPATH")
    if path and path.split(os.pathsep)[0] == str(SITECUSTOMIZE_DIR):
        path = os.pathsep.join(path.split(os.pathsep)[1:])  # already there (session shift)
    return {
        SHIFT_ENV: str(shift_ns),
        "PYTHONPATH": str(SITECUSTOMIZE_DIR) + (os.pathsep + path if path else ""),
    }


def ticking_clock(at: datetime) -> Callable[[], int]:
    """A clock (UTC ns) that reads ``at`` now and then advances with real time."""
    origin_ns = int(at.timestamp()) * 10**9 + at.microsecond * 1000
    started = time.monotonic_ns()
    return lambda: origin_ns + (time.monotonic_ns() - started)


def to_ns(when: datetime) -> int:
    return int(when.timestamp()) * 10**9 + when.microsecond * 1000
