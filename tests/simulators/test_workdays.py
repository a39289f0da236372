"""The workday clock: simulated time runs ``speed`` times real time through the hours some
hub is open (with a margin), never backwards, and jumps over the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hubsense.calendar import NS, opening_window, to_ns
from hubsense.registry import Registry
from simulators.workdays import MARGIN, WorkdayClock, day_window, windows_from

TZ = ZoneInfo("Europe/Stockholm")


class FakeMonotonic:
    def __init__(self) -> None:
        self.ns = 0

    def __call__(self) -> int:
        return self.ns


starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(TZ)
)


@settings(max_examples=40, deadline=None)
@given(start=starts, speed=st.sampled_from([1.0, 60.0, 240.0, 1000.0]),
       steps=st.lists(st.integers(0, 4 * 3600 * NS), min_size=1, max_size=40))  # fmt: skip
def test_time_never_runs_backwards_and_stays_in_windows(
    registry: Registry, start: datetime, speed: float, steps: list[int]
):
    mono = FakeMonotonic()
    clock = WorkdayClock(registry, start, speed, monotonic_ns=mono)
    first = clock.window_after(to_ns(start))
    assert clock.time_ns() == max(to_ns(start), first[0])
    last = clock.time_ns()
    for step in steps:
        mono.ns += step
        now = clock.time_ns()
        assert now >= last
        lo, hi = clock.window_after(now - 1)
        assert lo <= now <= hi, "outside every window"
        if step and now < hi and last >= lo:  # the same window: speed × real time
            assert now - last == round(step * speed) or abs(now - last - step * speed) <= 1
        last = now


@settings(max_examples=30, deadline=None)
@given(start=starts)
def test_every_opening_hour_of_every_hub_is_inside_a_window(registry: Registry, start):
    windows = windows_from(registry, start)
    for _ in range(10):
        lo, hi = next(windows)
        day = datetime.fromtimestamp(lo // NS + 3600 * 3, TZ).date()  # margin before 07:00
        opened = [w for w in (opening_window(h, day) for h in registry.hubs.values()) if w]
        assert opened, "a window on a day no hub opens"
        assert hi == max(w[1] for w in opened) + round(MARGIN.total_seconds()) * NS
        assert lo <= max(to_ns(start), min(w[0] for w in opened))


def test_nights_and_weekends_are_skipped(registry: Registry):
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=TZ)  # a Friday
    mono = FakeMonotonic()
    clock = WorkdayClock(registry, friday_evening, 60.0, monotonic_ns=mono)
    lo, hi = clock.windows(1)[0]
    assert lo == to_ns(friday_evening)
    mono.ns = round((hi - lo) / 60.0) + NS  # one real second after the window ends
    saturday = day_window(registry, friday_evening.date() + timedelta(days=1))
    assert saturday is not None, "a hub of the example opens on Saturdays"
    assert clock.time_ns() == saturday[0] + 60 * NS
    monday = day_window(registry, friday_evening.date() + timedelta(days=3))
    assert monday is not None
    assert clock.windows(3)[2] == monday  # Sunday: no hub opens, no window
    t = monday[0] + 3600 * NS
    waited = clock.real_seconds_until(t)
    mono.ns += round(waited * NS)
    assert abs(clock.time_ns() - t) <= 60 * NS


def test_a_holiday_on_which_no_hub_opens_has_no_window(registry: Registry):
    christmas_eve = datetime(2026, 12, 24, 9, 0, tzinfo=TZ)
    assert day_window(registry, christmas_eve.date()) is None
    lo, _ = next(windows_from(registry, christmas_eve))
    assert datetime.fromtimestamp(lo // NS, UTC).date() > christmas_eve.date()


def test_a_restart_begins_again_at_the_start(registry: Registry):
    start = datetime(2026, 11, 25, 8, 0, tzinfo=TZ)
    mono = FakeMonotonic()
    clock = WorkdayClock(registry, start, 240.0, monotonic_ns=mono)
    mono.ns += 30 * NS
    assert clock.time_ns() == to_ns(start) + 7200 * NS
    clock.restart()
    assert clock.time_ns() == to_ns(start)
    mono.ns += NS
    assert clock.time_ns() == to_ns(start) + 240 * NS
