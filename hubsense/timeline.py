"""A desk's occupancy over a time window as a step function of state intervals.

Pure domain code (no I/O): the API's timeline route uses it, reports and dashboards can too.

Rules, for the window ``[start_ns, end_ns)`` (the caller passes ``end_ns = min(end, now)``):

- The state at ``start_ns`` is the state of the last message before it (the store's
  ``timeline`` puts that message first), or ``"unknown"`` if there is none.
- A message at ``t`` says the desk is ``occupied``/``free`` from ``t`` on. Messages that
  repeat the current state (heartbeats, duplicates) only extend the current interval.
- A message is trusted for ``offline_after_ns``: if the next message comes later than
  ``t + offline_after_ns`` (or there is none), the desk is ``"unknown"`` from
  ``t + offline_after_ns`` until the next message. A gap of exactly ``offline_after_ns``
  is not a gap (the live view, too, calls a desk offline only when its last message is
  *older* than ``offline_after_s``).
- The intervals cover ``[start_ns, end_ns)`` without gaps or overlaps, and two adjacent
  intervals never have the same state. An empty window gives no intervals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from hubsense.events import PresenceEvent

DeskState = Literal["occupied", "free", "unknown"]
STATES: tuple[DeskState, ...] = ("occupied", "free", "unknown")


@dataclass(frozen=True, slots=True)
class Interval:
    """``state`` held from ``start_ns`` (inclusive) to ``end_ns`` (exclusive)."""

    start_ns: int
    end_ns: int
    state: DeskState

    @property
    def duration_ns(self) -> int:
        return self.end_ns - self.start_ns


def _state_of(event: PresenceEvent) -> DeskState:
    return "occupied" if event.occupied else "free"


def desk_intervals(
    events: Iterable[PresenceEvent],
    start_ns: int,
    end_ns: int,
    offline_after_ns: int,
) -> list[Interval]:
    """The step function of one desk's state over ``[start_ns, end_ns)`` (see module doc).

    ``events`` are that desk's messages in any order; messages at or after ``end_ns`` are
    ignored, messages before ``start_ns`` only set the state the window starts with.
    """
    return list(each_interval(events, start_ns, end_ns, offline_after_ns))


def each_interval(
    events: Iterable[PresenceEvent],
    start_ns: int,
    end_ns: int,
    offline_after_ns: int,
) -> Iterator[Interval]:
    """``desk_intervals`` one interval at a time, each as soon as it is final: a rollup
    pass cleans a desk's day while it is built, instead of holding an interval for every
    message of the day (which, at a state change a second, grows to megabytes a desk)."""
    ordered = sorted((e for e in events if e.time_ns < end_ns), key=lambda e: e.time_ns)
    return each_interval_in_order(ordered, start_ns, end_ns, offline_after_ns)


def each_interval_in_order(
    events: Iterable[PresenceEvent],
    start_ns: int,
    end_ns: int,
    offline_after_ns: int,
) -> Iterator[Interval]:
    """``each_interval`` of messages already in time order (as ``Store.each_timeline``
    gives them), taken as they come: neither the messages nor the intervals of the desk's
    day are held, so a rollup pass's memory does not grow with the day. Raises
    ``ValueError`` if a message is older than the one before it."""
    if offline_after_ns <= 0:
        raise ValueError("offline_after_ns must be positive")
    if end_ns <= start_ns:
        return
    # Change points in time order (their times never decrease); at equal times the later
    # one wins, so only the last step can still be replaced: the steps before it are final.
    steps: list[tuple[int, DeskState]] = []
    for at, state in _points(events, start_ns, end_ns, offline_after_ns):
        if steps and steps[-1][0] == at:
            steps.pop()
        if steps and steps[-1][1] == state:
            continue
        steps.append((at, state))
        if len(steps) == 3:
            (since, held), (until, _) = steps[0], steps[1]
            yield Interval(since, until, held)
            del steps[0]
    ends = [at for at, _ in steps[1:]] + [end_ns]
    for (at, state), until in zip(steps, ends, strict=True):
        yield Interval(at, until, state)


def _points(
    ordered: Iterable[PresenceEvent], start_ns: int, end_ns: int, offline_after_ns: int
) -> Iterator[tuple[int, DeskState]]:
    """Change points ``(time, state)`` of the time-ordered messages before ``end_ns``: each
    message's state from its time, and ``unknown`` where it expires before the next one
    (module doc)."""
    yield start_ns, "unknown"
    upcoming = (e for e in ordered if e.time_ns < end_ns)
    event = next(upcoming, None)
    while event is not None:
        following = next(upcoming, None)
        if following is not None and following.time_ns < event.time_ns:
            raise ValueError("messages are not in time order")
        yield max(event.time_ns, start_ns), _state_of(event)
        expires = event.time_ns + offline_after_ns
        if (following is None or following.time_ns > expires) and expires < end_ns:
            yield max(expires, start_ns), "unknown"
        event = following


def totals_ns(intervals: Iterable[Interval]) -> dict[DeskState, int]:
    """Time spent in each state (every state present, 0 if never)."""
    out: dict[DeskState, int] = dict.fromkeys(STATES, 0)
    for interval in intervals:
        out[interval.state] += interval.duration_ns
    return out
