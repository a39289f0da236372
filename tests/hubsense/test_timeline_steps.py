"""hubsense.timeline.desk_intervals: hand-computed cases, then a brute-force cross-check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsense.events import PresenceEvent
from hubsense.timeline import Interval, desk_intervals, totals_ns

S = 10**9
OFF = 900 * S  # offline_after_s = 900
T0 = 1_764_057_600 * S  # window start: 2025-11-25T08:00:00Z
END = T0 + 3600 * S


def ev(at_s: float, occupied: bool, heartbeat: bool = False) -> PresenceEvent:
    """An event ``at_s`` seconds after the window start (negative: before it)."""
    return PresenceEvent(
        "berg", "svenstavik", "a01", "svenstavik-a01", 0, T0 + int(at_s * S), occupied, heartbeat
    )


def iv(start_s: float, end_s: float, state: str) -> Interval:
    return Interval(T0 + int(start_s * S), T0 + int(end_s * S), state)  # type: ignore[arg-type]


def steps(events: list[PresenceEvent], end_s: float = 3600) -> list[Interval]:
    return desk_intervals(events, T0, T0 + int(end_s * S), OFF)


def test_no_events_is_unknown_throughout() -> None:
    assert steps([]) == [iv(0, 3600, "unknown")]


def test_window_starting_mid_occupancy() -> None:
    events = [
        ev(-60, True),  # the store's "last event before start"
        ev(240, True, heartbeat=True),
        ev(540, True, heartbeat=True),
        ev(600, False),
        ev(900, False, heartbeat=True),
        ev(1200, False, heartbeat=True),
        ev(1500, False, heartbeat=True),
        ev(1800, True),
        ev(2100, True, heartbeat=True),
        ev(2400, True, heartbeat=True),
        ev(2700, True, heartbeat=True),
        ev(3000, True, heartbeat=True),
        ev(3300, True, heartbeat=True),
    ]
    assert steps(events) == [
        iv(0, 600, "occupied"),
        iv(600, 1800, "free"),
        iv(1800, 3600, "occupied"),
    ]


def test_heartbeats_only_give_one_interval() -> None:
    events = [ev(-100 + 300 * i, False, heartbeat=True) for i in range(13)]
    assert steps(events) == [iv(0, 3600, "free")]


def test_gap_longer_than_offline_after_is_unknown_until_next_message() -> None:
    events = [ev(100, True), ev(2000, False)]
    assert steps(events) == [
        iv(0, 100, "unknown"),
        iv(100, 1000, "occupied"),  # trusted for 900 s
        iv(1000, 2000, "unknown"),
        iv(2000, 2900, "free"),
        iv(2900, 3600, "unknown"),  # nothing after the last message
    ]


def test_gap_of_exactly_offline_after_is_not_a_gap() -> None:
    events = [ev(0, True), ev(900, True, heartbeat=True), ev(1800, True, heartbeat=True)]
    assert steps(events, end_s=2700) == [iv(0, 2700, "occupied")]
    # ...but one nanosecond more is.
    later = [
        ev(0, True),
        PresenceEvent("berg", "svenstavik", "a01", "s", 1, T0 + OFF + 1, True, True),
    ]
    assert desk_intervals(later, T0, T0 + 1000 * S, OFF) == [
        Interval(T0, T0 + OFF, "occupied"),
        Interval(T0 + OFF, T0 + OFF + 1, "unknown"),
        Interval(T0 + OFF + 1, T0 + 1000 * S, "occupied"),
    ]


def test_event_exactly_at_start_sets_the_first_state() -> None:
    assert steps([ev(0, True), ev(300, False)], end_s=600) == [
        iv(0, 300, "occupied"),
        iv(300, 600, "free"),
    ]
    # A message before start is overridden by the one exactly at start.
    assert steps([ev(-10, False), ev(0, True)], end_s=600) == [iv(0, 600, "occupied")]


def test_last_event_before_start_that_expires_inside_the_window() -> None:
    assert steps([ev(-800, True)], end_s=600) == [iv(0, 100, "occupied"), iv(100, 600, "unknown")]


def test_last_event_before_start_that_is_too_old_gives_unknown() -> None:
    assert steps([ev(-901, True), ev(300, False)], end_s=600) == [
        iv(0, 300, "unknown"),
        iv(300, 600, "free"),
    ]
    # Exactly offline_after old: expired at start.
    assert steps([ev(-900, True)], end_s=600) == [iv(0, 600, "unknown")]


def test_events_at_or_after_end_are_ignored() -> None:
    assert steps([ev(100, True), ev(600, False), ev(700, False)], end_s=600) == [
        iv(0, 100, "unknown"),
        iv(100, 600, "occupied"),
    ]


def test_empty_window_has_no_intervals() -> None:
    assert desk_intervals([ev(0, True)], T0, T0, OFF) == []
    assert desk_intervals([ev(0, True)], T0, T0 - 1, OFF) == []


def test_unsorted_input_is_sorted() -> None:
    events = [ev(600, False), ev(0, True)]
    assert steps(events, end_s=900) == [iv(0, 600, "occupied"), iv(600, 900, "free")]


def test_rejects_non_positive_offline_after() -> None:
    with pytest.raises(ValueError, match="offline_after_ns"):
        desk_intervals([], T0, END, 0)


def test_totals() -> None:
    out = totals_ns(steps([ev(100, True), ev(2000, False)]))
    assert out == {"occupied": 900 * S, "free": 900 * S, "unknown": 1800 * S}
    assert totals_ns([]) == {"occupied": 0, "free": 0, "unknown": 0}


# --- cross-check against a brute-force definition -----------------------------------------


def reference_state(events: list[PresenceEvent], t: int, off: int) -> str:
    heard = [e for e in events if e.time_ns <= t]
    if not heard:
        return "unknown"
    last = max(heard, key=lambda e: e.time_ns)
    if t - last.time_ns >= off:
        return "unknown"
    return "occupied" if last.occupied else "free"


@given(
    raw=st.dictionaries(st.integers(-50, 200), st.booleans(), max_size=25),
    start=st.integers(-20, 100),
    length=st.integers(0, 120),
    off=st.integers(1, 40),
)
def test_matches_brute_force(raw: dict[int, bool], start: int, length: int, off: int) -> None:
    events = [PresenceEvent("m", "h", "d", "s", 0, t, occ, False) for t, occ in sorted(raw.items())]
    end = start + length
    got = desk_intervals(events, start, end, off)
    if length == 0:
        assert got == []
        return
    assert got[0].start_ns == start and got[-1].end_ns == end
    for a, b in zip(got, got[1:], strict=False):
        assert a.end_ns == b.start_ns
        assert a.state != b.state
    for interval in got:
        assert interval.start_ns < interval.end_ns
        for t in range(interval.start_ns, interval.end_ns):
            assert reference_state(events, t, off) == interval.state, (t, interval)
