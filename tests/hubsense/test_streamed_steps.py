"""The step function and its cleaning one piece at a time (``each_interval``,
``each_span``: what a rollup pass uses, so that it never holds an interval per message)
against the computation they replaced, which built every list whole. Kept here verbatim
as the reference: the rollups' numbers must not move by a nanosecond."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubsense.events import PresenceEvent
from hubsense.metrics import Span, clean, each_span
from hubsense.timeline import Interval, desk_intervals, each_interval, each_interval_in_order

S = 10**9
T0 = 1_764_057_600 * S
STATES = ("occupied", "free", "unknown")


def reference_intervals(
    events: list[PresenceEvent], start_ns: int, end_ns: int, offline_after_ns: int
) -> list[Interval]:
    if end_ns <= start_ns:
        return []
    ordered = sorted((e for e in events if e.time_ns < end_ns), key=lambda e: e.time_ns)
    points: list[tuple[int, str]] = [(start_ns, "unknown")]
    for i, event in enumerate(ordered):
        points.append((max(event.time_ns, start_ns), "occupied" if event.occupied else "free"))
        expires = event.time_ns + offline_after_ns
        following = ordered[i + 1].time_ns if i + 1 < len(ordered) else None
        if (following is None or following > expires) and expires < end_ns:
            points.append((max(expires, start_ns), "unknown"))
    steps: list[tuple[int, str]] = []
    for at, state in points:
        if steps and steps[-1][0] == at:
            steps.pop()
        if steps and steps[-1][1] == state:
            continue
        steps.append((at, state))
    ends = [at for at, _ in steps[1:]] + [end_ns]
    return [
        Interval(at, until, state)  # type: ignore[arg-type]
        for (at, state), until in zip(steps, ends, strict=True)
    ]


def _reference_merged(spans: list[tuple[int, int, str]] | list[list]) -> list[list]:
    out: list[list] = []
    for s, e, st_ in spans:
        if e <= s:
            continue
        if out and out[-1][2] == st_ and out[-1][1] == s:
            out[-1][1] = e
        else:
            out.append([s, e, st_])
    return out


def reference_clean(
    intervals: list[Interval], flicker_ns: int, stuck_ns: int
) -> tuple[list[Span], list[int]]:
    raw = _reference_merged(
        [(i.start_ns, i.end_ns, "offline" if i.state == "unknown" else i.state) for i in intervals]
    )
    flickers: list[int] = []
    for span in raw:
        if span[2] == "occupied" and span[1] - span[0] < flicker_ns:
            span[2] = "free"
            flickers.append(span[0])
    out: list[Span] = []
    for s, e, st_ in _reference_merged(raw):
        if st_ == "occupied" and e - s > stuck_ns:
            st_ = "stuck"
        out.append(Span(s, e, st_))
    return out, flickers


@st.composite
def desk_days(draw: st.DrawFn) -> tuple[list[PresenceEvent], int, int, int]:
    """A desk's messages around a window, with repeated and equal times, messages before
    the window and after it, gaps longer than the offline limit and short blips."""
    scale = draw(st.sampled_from([1, 60, 600])) * S
    n = draw(st.integers(0, 80))
    times = draw(st.lists(st.integers(-20, 400), min_size=n, max_size=n))
    states = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    events = [
        PresenceEvent("m", "h", "d", "s", i, T0 + t * scale, occ, False)
        for i, (t, occ) in enumerate(zip(times, states, strict=True))
    ]
    start = T0 + draw(st.integers(-10, 50)) * scale
    end = start + draw(st.integers(0, 400)) * scale
    offline = draw(st.integers(1, 40)) * scale
    return events, start, end, offline


@settings(max_examples=400)
@given(desk_days())
def test_intervals_one_at_a_time_are_the_whole_list(day: tuple) -> None:
    events, start, end, offline = day
    expected = reference_intervals(events, start, end, offline)
    assert list(each_interval(events, start, end, offline)) == expected
    assert desk_intervals(events, start, end, offline) == expected
    # messages in time order, as the store streams them: taken one at a time
    ordered = iter(sorted(events, key=lambda e: e.time_ns))
    assert list(each_interval_in_order(ordered, start, end, offline)) == expected


def test_messages_out_of_time_order_are_refused() -> None:
    later, earlier = (PresenceEvent("m", "h", "d", "s", i, T0 + t * S, True, False)
                      for i, t in enumerate((20, 10)))  # fmt: skip
    with pytest.raises(ValueError, match="time order"):
        list(each_interval_in_order(iter([later, earlier]), T0, T0 + 100 * S, 60 * S))


@settings(max_examples=400)
@given(desk_days(), st.integers(0, 30), st.integers(31, 200))
def test_spans_one_at_a_time_are_the_whole_clean(day: tuple, flicker: int, stuck: int) -> None:
    events, start, end, offline = day
    scale = offline  # thresholds on the same scale as the messages, so both rules fire
    intervals = reference_intervals(events, start, end, offline)
    spans, flickers = reference_clean(intervals, flicker * scale // 10, stuck * scale // 10)
    found = array("q")
    streamed = list(
        each_span(
            each_interval(events, start, end, offline),
            flicker_ns=flicker * scale // 10,
            stuck_ns=stuck * scale // 10,
            flicker=found.append,
        )
    )
    assert streamed == spans
    assert list(found) == flickers
    assert clean(intervals, flicker_ns=flicker * scale // 10, stuck_ns=stuck * scale // 10) == (
        spans,
        flickers,
    )
