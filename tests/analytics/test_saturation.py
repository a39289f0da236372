"""Saturation: the time a hub was full on a day (``full_time``), whether its peak reached
its desks, and the days and share of days at capacity of a hub and of a scope; hand
computed, and as a property against a minute-by-minute count."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hubsense.metrics import (
    DailyUse,
    DayRow,
    DeskTime,
    Span,
    capacity,
    full_time,
    total_full_ns,
)

S = 10**9
M = 60 * S
STATES = ("occupied", "free", "offline", "stuck")


def sp(a: int, b: int, state: str) -> Span:
    return Span(a * M, b * M, state)  # type: ignore[arg-type]


def test_full_needs_every_known_desk_occupied() -> None:
    a = [sp(0, 10, "free"), sp(10, 40, "occupied"), sp(40, 60, "free")]
    b = [sp(0, 20, "occupied"), sp(20, 30, "free"), sp(30, 60, "occupied")]
    # both occupied 10–20 and 30–40: 20 minutes at full
    assert full_time([a, b], 0, 60 * M) == 20 * M
    # only the opening window counts
    assert full_time([a, b], 15 * M, 35 * M) == 10 * M


def test_silent_desks_neither_fill_the_hub_nor_keep_it_from_full() -> None:
    a = [sp(0, 60, "occupied")]
    b = [sp(0, 30, "offline"), sp(30, 45, "free"), sp(45, 60, "stuck")]
    assert full_time([a, b], 0, 60 * M) == 45 * M  # all but the 15 free minutes of b
    # nobody known at all is not full
    assert full_time([[sp(0, 60, "offline")], [sp(0, 60, "stuck")]], 0, 60 * M) == 0
    assert full_time([], 0, 60 * M) == 0


def test_touching_sessions_keep_the_hub_full() -> None:
    a = [sp(0, 30, "occupied"), sp(30, 60, "free")]
    b = [sp(0, 30, "free"), sp(30, 60, "occupied")]
    one = [sp(0, 60, "occupied")]
    assert full_time([a, one], 0, 60 * M) == 30 * M
    # one desk goes silent at 30 as the other is taken: full all hour long, no gap
    c = [sp(0, 30, "occupied"), sp(30, 60, "offline")]
    d = [sp(0, 30, "offline"), sp(30, 60, "occupied")]
    assert full_time([c, d], 0, 60 * M) == 60 * M
    assert full_time([a, b], 0, 60 * M) == 0


@st.composite
def desk_spans(draw: st.DrawFn) -> list[Span]:
    cuts = sorted(draw(st.sets(st.integers(1, 59), max_size=8)))
    edges = [0, *cuts, 60]
    return [
        sp(lo, hi, draw(st.sampled_from(STATES)))
        for lo, hi in zip(edges, edges[1:], strict=False)
    ]


@given(st.lists(desk_spans(), max_size=5), st.integers(0, 59), st.integers(1, 60))
def test_full_time_is_the_minutes_counted_one_by_one(
    desks: list[list[Span]], lo: int, width: int
) -> None:
    hi = min(60, lo + width)

    def state(spans: list[Span], minute: int) -> str:
        return next(s.state for s in spans if s.start_ns <= minute * M < s.end_ns)

    expected = 0
    for minute in range(lo, hi):
        states = [state(d, minute) for d in desks]
        if "occupied" in states and "free" not in states:
            expected += 1
    assert full_time(desks, lo * M, hi * M) == expected * M


def row(day: int, peak: int, desks: int = 4, full: int | None = 0) -> DayRow:
    return DayRow(date(2026, 11, day), 10 * 3600 * S, desks, DeskTime(), DailyUse(), peak, 0,
                  True, full_ns=full)


def test_a_day_is_at_capacity_when_its_peak_reaches_the_desks() -> None:
    assert [row(2, p).at_capacity for p in (3, 4, 5)] == [False, True, True]
    assert not row(2, 0, desks=0).at_capacity


def test_time_at_full_is_known_only_when_every_day_knows_it() -> None:
    assert total_full_ns([row(2, 4, full=5 * M), row(3, 1, full=0)]) == 5 * M
    assert total_full_ns([row(2, 4, full=5 * M), row(3, 1, full=None)]) is None
    assert total_full_ns([]) == 0


def test_share_of_days_at_capacity() -> None:
    peaks = [4, 4, 2, 7, 1, 4, 6, 3, 5, 2]  # 4 desks: 4, 4, 7, 4, 6, 5 reach them
    c = capacity(peaks, desks=4, open_days=12, service_level=0.9, buffer_desks=1, min_days=20,
                 full_ns=90 * M)
    assert (c.days_at_capacity, c.days_at_capacity_share, c.full_ns) == (6, 0.6, 90 * M)
    none = capacity([], desks=4, open_days=3, service_level=0.9, buffer_desks=1, min_days=20)
    assert (none.days_at_capacity, none.days_at_capacity_share) == (0, None)
