"""hubsense.metrics: the pure pieces with hand-computed values (percentile, capacity,
service-level curve, cleaning, concurrency, slots, the unchanged rule)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubsense.calendar import day_bounds
from hubsense.config import DEFAULT_REGISTRY
from hubsense.metrics import (
    SLOT_NS,
    CurvePoint,
    DayFlickers,
    DeskDayRollup,
    DeskTime,
    Span,
    band,
    capacity,
    clean,
    concurrency_steps,
    day_starts,
    intervals_from_occupied,
    is_idle,
    margin_days,
    nearest_rank,
    peak_of,
    slot_stats,
    unchanged_runs,
)
from hubsense.registry import load_registry
from hubsense.timeline import Interval

S = 10**9
M = 60 * S


def iv(a: int, b: int, st: str) -> Interval:
    return Interval(a * M, b * M, st)  # type: ignore[arg-type]


def sp(a: int, b: int, st: str) -> Span:
    return Span(a * M, b * M, st)  # type: ignore[arg-type]


# --- percentile and capacity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        (list(range(1, 21)), 0.9, 18),  # rank ceil(0.9 * 20) = 18, not 19 (0.9 is exact)
        (list(range(1, 20)), 0.9, 18),  # ceil(17.1) = 18
        (list(range(1, 11)), 0.9, 9),
        ([5], 0.9, 5),
        ([3, 1, 2], 1.0, 3),
        ([3, 1, 2], 0.01, 1),
        ([4, 4, 2, 7, 1, 4, 6, 3, 5, 2], 0.5, 4),
    ],
)
def test_nearest_rank(values: list[int], p: float, expected: int) -> None:
    assert nearest_rank(values, p) == expected


def test_nearest_rank_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        nearest_rank([], 0.9)
    with pytest.raises(ValueError):
        nearest_rank([1], 0.0)


def test_capacity_recommendation_and_curve() -> None:
    # 10 evidence days; 90th percentile (rank 9 of 10) = 6; plus 1 desk of buffer.
    peaks = [4, 4, 2, 7, 1, 4, 6, 3, 5, 2]
    c = capacity(peaks, desks=6, open_days=12, service_level=0.9, buffer_desks=1, min_days=20)
    assert (c.peak_at_service_level, c.recommended_desks) == (6, 7)
    assert (c.evidence_days, c.open_days, c.too_few_days) == (10, 12, True)
    assert (c.days_at_capacity, c.max_peak) == (2, 7)
    assert c.curve == tuple(
        CurvePoint(k, n, n / 10)
        for k, n in enumerate([10, 9, 7, 6, 3, 2, 1, 0])  # peaks > k
    )
    # The recommendation is the smallest k exceeded on at most 10 % of days.
    assert min(p.capacity for p in c.curve if p.share_exceeding <= 0.1) == 6
    enough = capacity(peaks * 2, desks=6, open_days=20, service_level=0.9, buffer_desks=0,
                      min_days=20)
    assert (enough.too_few_days, enough.recommended_desks) == (False, 6)


def test_capacity_without_evidence() -> None:
    c = capacity([], desks=4, open_days=3, service_level=0.9, buffer_desks=1, min_days=20)
    assert (c.peak_at_service_level, c.recommended_desks, c.too_few_days) == (None, None, True)
    assert [p.days_exceeding for p in c.curve] == [0] * 5


def test_bands_are_exact_at_the_limits() -> None:
    def t(occ: int, known: int) -> DeskTime:
        return DeskTime(open_ns=known, occupied_ns=occ, free_ns=known - occ)

    assert band(t(0, 10)) == "low" and band(t(1999, 10000)) == "low"
    assert band(t(2, 10)) == "medium" and band(t(5999, 10000)) == "medium"
    assert band(t(6, 10)) == "high" and band(t(10, 10)) == "high"
    assert band(DeskTime(open_ns=10, offline_ns=10)) is None


# --- cleaning -----------------------------------------------------------------------------


def test_clean_removes_flickers_and_marks_stuck() -> None:
    intervals = [
        iv(0, 10, "free"),
        iv(10, 11, "occupied"),  # 1 min: flicker
        iv(11, 60, "free"),
        iv(60, 62, "occupied"),  # 2 min: kept
        iv(62, 100, "unknown"),
        iv(100, 100 + 13 * 60, "occupied"),  # 13 h: stuck
        iv(100 + 13 * 60, 2000, "free"),
    ]
    spans, flickers = clean(intervals, flicker_ns=2 * M, stuck_ns=12 * 60 * M)
    assert flickers == [10 * M]
    assert spans == [
        sp(0, 60, "free"),
        sp(60, 62, "occupied"),
        sp(62, 100, "offline"),
        sp(100, 880, "stuck"),
        sp(880, 2000, "free"),
    ]


def test_an_offline_gap_splits_a_spell() -> None:
    intervals = [iv(0, 600, "occupied"), iv(600, 615, "unknown"), iv(615, 1300, "occupied")]
    spans, _ = clean(intervals, flicker_ns=2 * M, stuck_ns=12 * 60 * M)
    assert [s.state for s in spans] == ["occupied", "offline", "occupied"]


def test_intervals_from_occupied() -> None:
    got = intervals_from_occupied([(20 * M, 30 * M), (5 * M, 8 * M)], 0, 40 * M, -10 * M,
                                  50 * M)
    assert got == [iv(-10, 0, "unknown"), iv(0, 5, "free"), iv(5, 8, "occupied"),
                   iv(8, 20, "free"), iv(20, 30, "occupied"), iv(30, 40, "free"),
                   iv(40, 50, "unknown")]


# --- concurrency and slots ------------------------------------------------------------------


def test_concurrency_touching_intervals_do_not_overlap() -> None:
    a = [sp(0, 30, "occupied"), sp(30, 60, "free")]
    b = [sp(0, 30, "free"), sp(30, 45, "occupied"), sp(45, 60, "stuck")]
    c = [sp(0, 10, "offline"), sp(10, 40, "occupied"), sp(40, 60, "free")]
    steps = concurrency_steps([a, b, c], 0, 60 * M)
    assert steps == [(0, 1), (10 * M, 2), (40 * M, 1), (45 * M, 0)]
    assert peak_of(steps) == (2, 10 * M)
    assert slot_stats(steps, 0, 60 * M) == [
        (0, 15 * M, 10 * M + 5 * 2 * M, 2),
        (15 * M, 15 * M, 30 * M, 2),
        (30 * M, 15 * M, 10 * 2 * M + 5 * M, 2),
        (45 * M, 15 * M, 0, 0),
    ]


def test_slots_cut_by_an_odd_opening_window() -> None:
    steps = [(7 * M, 1)]
    out = slot_stats(steps, 7 * M, 20 * M)  # a window 00:07-00:20
    assert out == [(0, 8 * M, 8 * M, 1), (SLOT_NS, 5 * M, 5 * M, 1)]


# --- unchanged rule -----------------------------------------------------------------------


def row(day: date, *, reported: int = 1, occupied: int = 0, changes: int = 0) -> DeskDayRollup:
    return DeskDayRollup("h", "d", day, 0, 10, 0, 10, 0, 0, reported, occupied, 0, changes, 0,
                         "p")


def test_unchanged_runs_count_open_days_only() -> None:
    mon = date(2026, 11, 2)

    def weekday_open(d: date) -> bool:
        return d.weekday() < 5

    days = [mon + timedelta(days=i) for i in range(14)]
    rows = {d: row(d) for d in days}
    assert is_idle(rows[mon]) and not is_idle(None)
    assert unchanged_runs(rows, mon, mon + timedelta(days=14), weekday_open, 10) == [
        (mon, mon + timedelta(days=13), 10)
    ]
    assert unchanged_runs(rows, mon, mon + timedelta(days=14), weekday_open, 11) == []
    # a used weekend day breaks the run; a silent day too
    rows[mon + timedelta(days=5)] = row(mon + timedelta(days=5), occupied=1, changes=2)
    assert unchanged_runs(rows, mon, mon + timedelta(days=14), weekday_open, 5) == [
        (mon, mon + timedelta(days=4), 5), (mon + timedelta(days=6), mon + timedelta(days=13), 5)
    ]
    rows[mon + timedelta(days=8)] = row(mon + timedelta(days=8), reported=0)  # Tuesday
    assert unchanged_runs(rows, mon, mon + timedelta(days=14), weekday_open, 3) == [
        (mon, mon + timedelta(days=4), 5), (mon + timedelta(days=9), mon + timedelta(days=13), 3)
    ]
    assert unchanged_runs(rows, mon, mon + timedelta(days=14), weekday_open, 0) == []


def test_margin_days_walks_open_days() -> None:
    def weekday_open(d: date) -> bool:
        return d.weekday() < 5

    mon = date(2026, 11, 9)
    assert margin_days(weekday_open, mon, -1, 5) == date(2026, 11, 2)
    assert margin_days(weekday_open, mon, 1, 5) == date(2026, 11, 16)
    assert margin_days(weekday_open, mon, 1, 0) == mon


@settings(max_examples=200, deadline=None)
@given(
    first=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 1)),
    days=st.integers(min_value=1, max_value=40),
    offsets=st.lists(st.integers(min_value=-2 * 86400, max_value=45 * 86400), max_size=80),
)
def test_flickers_are_counted_on_the_local_day_they_began(
    first: date, days: int, offsets: list[int]
) -> None:
    # Stockholm's DST days (23 and 25 hours) fall inside many of these ranges
    hub = load_registry(DEFAULT_REGISTRY).hubs["svenstavik"]
    end = first + timedelta(days=days)
    starts = day_starts(hub, first, end)
    times = [starts[0] + s * S for s in offsets]
    tally = DayFlickers(starts)
    for t in times:
        tally.add(t)
    day = first
    while day < end:
        lo, hi = day_bounds(hub, day)
        assert tally.on(lo) == sum(1 for t in times if lo <= t < hi)
        day += timedelta(days=1)
    assert tally.on(day_bounds(hub, end)[0]) == 0  # the range's end is no day of it
