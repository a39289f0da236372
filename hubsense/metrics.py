"""Utilisation metrics: the definitions of docs/metrics.md as pure functions (no I/O).

Instants are ``int`` UTC epoch nanoseconds, intervals half-open ``[start_ns, end_ns)``,
durations ``int`` nanoseconds, so sums are exact and any two ways of adding the same time
give the same number. Local dates, opening windows and holidays come from
``hubsense.calendar`` (the hub's zone, Europe/Stockholm: DST days have 23 or 25 hours).

Pipeline, per desk:

1. ``hubsense.timeline.desk_intervals``: the step function of reported states
   (occupied / free / unknown; a message is trusted for ``offline_after``).
2. ``clean``: occupied spells shorter than ``flicker_ns`` become free (flickers); occupied
   spells longer than ``stuck_ns`` become ``stuck``; ``unknown`` is called ``offline``.
   Both rules look at whole spells, so they need context around a day: ``context_ns``.
3. ``desk_day``: per local day, seconds in each state within the opening window, plus the
   whole-day numbers the "unchanged for days" rule needs. ``group_day_and_slots``: per
   local day and group of desks (the hub, or one zone), the peak concurrency and, per
   15-minute slot, occupied desk-time and the highest concurrency.

These per-day records are the rollups (``hubsense.rollups`` stores them). Everything a
report shows is a sum or a maximum of them (``DeskTotals``, ``day_rows``, ``capacity``,
``profile``), after the "unchanged for days" rule (``unchanged_runs`` defines it), which
needs several days side by side: each desk-day carries the idle run it belongs to
(``chain_idle``, chained from the day before when it is made), so a reader finds the runs
at the threshold by asking for those rows, and corrects the sums by what they change.
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple
from zoneinfo import ZoneInfo

from hubsense.calendar import day_bounds, opening_window
from hubsense.registry import Hub
from hubsense.timeline import Interval

if TYPE_CHECKING:  # (not at run time: the demand fit imports scipy, ~50 MB that the
    # collector, which uses this module for its rollups, has no use for)
    from hubsense.demand import DemandEstimate

NS = 1_000_000_000
SLOT_NS = 15 * 60 * NS
"""Slots are the UTC quarter hours (every real time zone offset is a multiple of 15 min, so
they are local quarter hours too)."""
HUB_GROUP = "*"
"""Group id of "all desks of the hub" (zone ids are registry ids and never contain ``*``)."""
ROLLUP_VERSION = 4
"""Part of every desk-day's fingerprint: rows of another version are recomputed on read.
2: group-days carry the day's per-hour profile.
3: desk-days carry their daily-use verdict and idle run; group-days carry their desks'
sums and exist for closed days too (as the hub's freshness marker).
4: group-days carry their time at full (``full_time``)."""

SpanState = Literal["occupied", "free", "offline", "stuck"]
Band = Literal["low", "medium", "high"]
BANDS: tuple[Band, ...] = ("low", "medium", "high")
BAND_LIMITS = (Fraction(1, 5), Fraction(3, 5))
"""low: utilisation < 20 %; medium: 20 % ≤ u < 60 %; high: 60 % ≤ u ≤ 100 %."""
Use = Literal["used", "unused", "undecided"]


class Span(NamedTuple):
    """``state`` held over ``[start_ns, end_ns)``."""

    start_ns: int
    end_ns: int
    state: SpanState


@dataclass(frozen=True, slots=True)
class CleanParams:
    """The thresholds that shape a desk's cleaned step function (rollup time)."""

    offline_after_ns: int
    flicker_ns: int
    stuck_ns: int
    # Raw events are deleted after this long (privacy retention; None: kept). Rollups of
    # days whose raw events may be gone are never recomputed: they would come out empty.
    raw_retention_ns: int | None = None
    # Daily use: a desk-day counts as used from this much occupied time on. Decided when
    # the rollup is made, so that stores can sum the verdicts (``DeskDayRollup.use``).
    min_use_ns: int = 30 * 60 * NS

    def __post_init__(self) -> None:
        if self.offline_after_ns <= 0 or self.stuck_ns <= 0 or self.flicker_ns < 0:
            raise ValueError("offline_after_ns and stuck_ns must be > 0, flicker_ns >= 0")
        if self.flicker_ns >= self.stuck_ns:
            raise ValueError("flicker_ns must be shorter than stuck_ns")

    @property
    def context_ns(self) -> int:
        """How far beyond a day the step function must be known to classify every spell
        touching the day: a spell cut off at the context edge is longer than ``stuck_ns``."""
        return self.stuck_ns + NS

    def fingerprint(self) -> str:
        """Stored with every desk-day rollup: rollups made with other thresholds are stale."""
        return (
            f"v{ROLLUP_VERSION}:o{self.offline_after_ns}:f{self.flicker_ns}:s{self.stuck_ns}"
            f":u{self.min_use_ns}"
        )


# --- step function ------------------------------------------------------------------------


def _merged(spans: Iterable[tuple[int, int, str]]) -> Iterator[tuple[int, int, str]]:
    """Adjacent runs of one state joined (empty ones dropped), each once it is complete."""
    run: tuple[int, int, str] | None = None
    for s, e, st in spans:
        if e <= s:
            continue
        if run is not None and run[2] == st and run[1] == s:
            run = (run[0], e, st)
        else:
            if run is not None:
                yield run
            run = (s, e, st)
    if run is not None:
        yield run


def clean(
    intervals: Iterable[Interval], *, flicker_ns: int, stuck_ns: int
) -> tuple[list[Span], list[int]]:
    """The cleaned step function and the start times of the flickers it removed.

    ``intervals`` cover a window without gaps (``desk_intervals``' output). An occupied
    spell (a maximal run of occupied time) shorter than ``flicker_ns`` becomes free; then
    an occupied spell longer than ``stuck_ns`` becomes ``stuck``; ``unknown`` becomes
    ``offline``. An offline gap ends a spell. Spells cut off by the window's ends are
    judged by the part inside the window: callers give enough context (``context_ns``).
    """
    flickers: list[int] = []
    spans = list(
        each_span(intervals, flicker_ns=flicker_ns, stuck_ns=stuck_ns, flicker=flickers.append)
    )
    return spans, flickers


class DayFlickers:
    """How many flickers began on each local day of a range: all a desk-day rollup keeps of
    them. Counted as they are found, so a rollup pass holds a number per desk-day instead
    of a time per flicker: a desk that blips all day (in the 60-minute soak every message
    was one) made a pass's memory grow with each blip of the day."""

    __slots__ = ("_counts", "_starts")

    def __init__(self, starts: Sequence[int]) -> None:
        # local midnights in ascending order; the last one ends the range
        self._starts = starts
        self._counts = [0] * max(0, len(starts) - 1)

    def add(self, start_ns: int) -> None:
        """Count a flicker that began at ``start_ns`` (outside the range: not counted)."""
        i = bisect_right(self._starts, start_ns) - 1
        if 0 <= i < len(self._counts):
            self._counts[i] += 1

    def on(self, day_start_ns: int) -> int:
        """The flickers of the day that begins at ``day_start_ns``."""
        i = bisect_left(self._starts, day_start_ns)
        if i < len(self._counts) and self._starts[i] == day_start_ns:
            return self._counts[i]
        return 0


def day_starts(hub: Hub, first: date, end: date) -> list[int]:
    """The local midnights of ``first`` ≤ day ≤ ``end``: the bounds of those days."""
    out = [day_bounds(hub, first)[0]]
    day = first
    while day < end:
        out.append(day_bounds(hub, day)[1])
        day += timedelta(days=1)
    return out


def clean_hub(
    hub: Hub,
    first: date,
    end: date,
    desk_intervals: Iterable[tuple[str, Iterable[Interval]]],
    *,
    flicker_ns: int,
    stuck_ns: int,
) -> tuple[dict[str, list[Span]], dict[str, DayFlickers]]:
    """``clean`` each desk's step function (covering the days ``first`` ≤ day < ``end``
    and their context), desk after desk as they are given: its spans, and its flickers
    counted by day, as ``hub_days`` takes them."""
    starts = day_starts(hub, first, end)
    spans: dict[str, list[Span]] = {}
    flickers: dict[str, DayFlickers] = {}
    for desk, intervals in desk_intervals:
        found = flickers[desk] = DayFlickers(starts)
        spans[desk] = list(
            each_span(intervals, flicker_ns=flicker_ns, stuck_ns=stuck_ns, flicker=found.add)
        )
    return spans, flickers


def each_span(
    intervals: Iterable[Interval],
    *,
    flicker_ns: int,
    stuck_ns: int,
    flicker: Callable[[int], object],
) -> Iterator[Span]:
    """``clean`` one span at a time, each as soon as it is final, telling ``flicker`` the
    start of each flicker removed (in time order): both rules judge a whole spell, which
    ends at the next interval of another state, so a desk's day never has to be held."""
    raw = _merged(
        (i.start_ns, i.end_ns, "offline" if i.state == "unknown" else i.state) for i in intervals
    )

    def without_flickers() -> Iterator[tuple[int, int, str]]:
        for s, e, st in raw:
            if st == "occupied" and e - s < flicker_ns:
                flicker(s)
                st = "free"
            yield s, e, st

    for s, e, st in _merged(without_flickers()):
        if st == "occupied" and e - s > stuck_ns:
            st = "stuck"
        yield Span(s, e, st)  # type: ignore[arg-type]


def intervals_from_occupied(
    occupied: Iterable[tuple[int, int]], known_lo: int, known_hi: int, lo: int, hi: int
) -> list[Interval]:
    """A step function over ``[lo, hi)`` from occupied intervals: occupied inside them, free
    elsewhere within ``[known_lo, known_hi)``, unknown outside it (e.g. ground truth)."""
    points: list[tuple[int, str]] = [(lo, "unknown")]
    k_lo, k_hi = max(lo, known_lo), min(hi, known_hi)
    if k_lo < k_hi:
        points.append((k_lo, "free"))
        for s, e in sorted(occupied):
            s, e = max(s, k_lo), min(e, k_hi)
            if s < e:
                points.append((s, "occupied"))
                points.append((e, "free"))
        points.append((k_hi, "unknown"))
    steps: list[tuple[int, str]] = []
    for at, st in points:
        if steps and steps[-1][0] == at:
            steps.pop()
        if steps and steps[-1][1] == st:
            continue
        steps.append((at, st))
    ends = [at for at, _ in steps[1:]] + [hi]
    return [
        Interval(at, until, st)  # type: ignore[arg-type]
        for (at, st), until in zip(steps, ends, strict=True)
        if at < until
    ]


def _first_overlapping(spans: Sequence[Span], lo: int) -> int:
    """Index of the first span that ends after ``lo`` (spans sorted and contiguous)."""
    i = bisect_right([s.start_ns for s in spans], lo) - 1
    return max(i, 0)


def overlaps(spans: Sequence[Span], lo: int, hi: int) -> Iterable[Span]:
    """The spans clipped to ``[lo, hi)``."""
    if lo >= hi:
        return
    for k in range(_first_overlapping(spans, lo), len(spans)):
        s, e, st = spans[k]
        if s >= hi:
            break
        s, e = max(s, lo), min(e, hi)
        if s < e:
            yield Span(s, e, st)


# --- aggregates ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeskTime:
    """Desk-time within opening hours (ns), summed over desks and days."""

    open_ns: int = 0
    occupied_ns: int = 0
    free_ns: int = 0
    offline_ns: int = 0
    stuck_ns: int = 0

    @classmethod
    def of(cls, row: DeskDayRollup) -> DeskTime:
        return cls(row.open_ns, row.occupied_ns, row.free_ns, row.offline_ns, row.stuck_ns)

    @classmethod
    def total(cls, rows: Iterable[DeskDayRollup | DeskTime]) -> DeskTime:
        o = oc = f = off = st = 0
        for r in rows:
            o += r.open_ns
            oc += r.occupied_ns
            f += r.free_ns
            off += r.offline_ns
            st += r.stuck_ns
        return cls(o, oc, f, off, st)

    def __add__(self, other: DeskTime) -> DeskTime:
        return DeskTime.total((self, other))

    @property
    def unknown_ns(self) -> int:
        return self.offline_ns + self.stuck_ns

    @property
    def known_ns(self) -> int:
        return self.occupied_ns + self.free_ns

    @property
    def utilisation(self) -> float | None:
        """occupied ÷ (open − unknown); None without known time."""
        return self.occupied_ns / self.known_ns if self.known_ns else None

    @property
    def coverage(self) -> float | None:
        """(open − unknown) ÷ open; None without open time."""
        return self.known_ns / self.open_ns if self.open_ns else None


@dataclass(frozen=True, slots=True)
class DailyUse:
    """Open desk-days that were used (occupied ≥ the minimum), unused (could not have
    reached it even if all unknown time had been occupied) or undecided."""

    used: int = 0
    unused: int = 0
    undecided: int = 0

    @classmethod
    def of(cls, row: DeskDayRollup) -> DailyUse:
        """The verdict the rollup was made with (``CleanParams.min_use_ns``)."""
        return cls.of_verdict(row.use)

    @classmethod
    def of_verdict(cls, verdict: Use | None) -> DailyUse:
        if verdict is None:
            return cls()
        return cls(
            used=int(verdict == "used"),
            unused=int(verdict == "unused"),
            undecided=int(verdict == "undecided"),
        )

    @classmethod
    def total(cls, parts: Iterable[DailyUse]) -> DailyUse:
        u = n = x = 0
        for p in parts:
            u += p.used
            n += p.unused
            x += p.undecided
        return cls(u, n, x)

    def __add__(self, other: DailyUse) -> DailyUse:
        return DailyUse.total((self, other))

    @property
    def rate(self) -> float | None:
        """used ÷ (used + unused); None when nothing is decided."""
        decided = self.used + self.unused
        return self.used / decided if decided else None


def use_of(row: DeskDayRollup | DeskTime, min_use_ns: int) -> Use | None:
    """Daily use of one desk-day; None on a closed day."""
    if row.open_ns == 0:
        return None
    if row.occupied_ns >= min_use_ns:
        return "used"
    if row.occupied_ns + row.offline_ns + row.stuck_ns < min_use_ns:
        return "unused"
    return "undecided"


@dataclass(frozen=True, slots=True)
class DeskTotals:
    """Desk-day rows summed (over days, desks or both): what stores sum for a range, so a
    year of a region is one row per desk, not one per desk-day."""

    time: DeskTime = DeskTime()
    use: DailyUse = DailyUse()
    flickers: int = 0
    days: int = 0  # rows summed

    @classmethod
    def of(cls, row: DeskDayRollup) -> DeskTotals:
        return cls(DeskTime.of(row), DailyUse.of(row), row.flickers, 1)

    @classmethod
    def total(cls, parts: Iterable[DeskTotals]) -> DeskTotals:
        items = list(parts)
        return cls(
            DeskTime.total(p.time for p in items),
            DailyUse.total(p.use for p in items),
            sum(p.flickers for p in items),
            sum(p.days for p in items),
        )

    def __add__(self, other: DeskTotals) -> DeskTotals:
        return DeskTotals.total((self, other))

    def __sub__(self, other: DeskTotals) -> DeskTotals:
        a, b = self.time, other.time
        return DeskTotals(
            DeskTime(
                a.open_ns - b.open_ns,
                a.occupied_ns - b.occupied_ns,
                a.free_ns - b.free_ns,
                a.offline_ns - b.offline_ns,
                a.stuck_ns - b.stuck_ns,
            ),
            DailyUse(
                self.use.used - other.use.used,
                self.use.unused - other.use.unused,
                self.use.undecided - other.use.undecided,
            ),
            self.flickers - other.flickers,
            self.days - other.days,
        )


def desks_key(desk_ids: Iterable[str]) -> str:
    """A short fingerprint of a set of desk ids: a group-day made for another set of desks
    (the registry changed) is stale."""
    digest = hashlib.blake2b("\n".join(sorted(desk_ids)).encode(), digest_size=8)
    return digest.hexdigest()


# --- rollup records -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeskDayRollup:
    """One desk on one local day. Times in ns; ``open_ns`` is the opening window (0 when
    closed) and occupied/free/offline/stuck split it. The ``day_*`` fields, ``changes``
    and ``flickers`` cover the whole local day (for the unchanged rule and sensor health).
    """

    hub: str
    desk: str
    day: date
    day_start_ns: int
    open_ns: int
    occupied_ns: int
    free_ns: int
    offline_ns: int
    stuck_ns: int
    reported_ns: int  # whole day: occupied, free or stuck (the sensor was reporting)
    day_occupied_ns: int  # whole day: occupied or stuck
    day_stuck_ns: int  # whole day: stuck (occupied spells longer than stuck_ns)
    changes: int  # whole day: direct switches between occupied/stuck and free
    flickers: int  # whole day: occupied blips removed as flickers (by start time)
    params: str  # CleanParams.fingerprint() they were computed with
    computed_ns: int = field(default=0, compare=False)  # when (store clock)
    use: Use | None = None  # daily use (None: closed), with CleanParams.min_use_ns
    # The idle run (``is_idle``) this day belongs to: its first day and its open days up
    # to and including this one (None, 0: not idle). Chained from the day before when the
    # rollup is made, so a reader finds the "unchanged for days" runs by asking for rows
    # with ``idle_open_days`` at the threshold or more, without reading every day.
    idle_since: date | None = None
    idle_open_days: int = 0


@dataclass(frozen=True, slots=True)
class GroupDayRollup:
    """A group of desks (``HUB_GROUP`` or a zone) on one local day: zones on open days
    only, the hub on every day (a closed day has ``open_ns`` 0 and no peak), so that the
    hub's group-days tell which days were computed, with what and when."""

    hub: str
    group: str
    day: date
    day_start_ns: int
    open_ns: int
    desks: int
    peak: int  # highest number of desks occupied at one moment within opening hours
    peak_at_ns: int  # the first moment it was reached
    # The day's hour × weekday profile: open time and occupied desk-time per local hour
    # (24 entries; a 25-hour day adds its repeated hour to the same entry, as the profile
    # does). Reports read these instead of 96 slot rows per group-day. Empty for a row
    # stored before they existed (then the profile reads the slots).
    hour_open_ns: tuple[int, ...] = ()
    hour_occupied_ns: tuple[int, ...] = ()
    # The group's desk-day rows of the day summed, before the "unchanged" rule (``days`` 0:
    # a row stored before version 3, without them).
    totals: DeskTotals = DeskTotals()
    params: str = ""  # CleanParams.fingerprint() of the computation
    desks_key: str = ""  # ``desks_key`` of the group's desks then
    computed_ns: int = field(default=0, compare=False)
    # Time within opening hours at which the group was full (``full_time``); None for a
    # row stored before version 4, which did not keep it.
    full_ns: int | None = None


def hours_text(values: Sequence[int]) -> str:
    """The stored form of a per-hour tuple: the numbers, comma-separated ("" if none), in
    the largest of seconds, milliseconds or microseconds that divides them all, marked by
    a prefix ("9:" for seconds): a year of a region's group-days is read as text, and whole
    hours of nanoseconds spelled out are most of a row's bytes."""
    ints = [int(v) for v in values]
    for exp in (9, 6, 3):
        unit = 10**exp
        if all(v % unit == 0 for v in ints):
            return f"{exp}:" + ",".join(str(v // unit) for v in ints) if ints else ""
    return ",".join(str(v) for v in ints)


@lru_cache(maxsize=1024)
def hours_from_text(text: str | None) -> tuple[int, ...]:
    """``hours_text`` read back (with or without a unit prefix); a missing or malformed
    value is no profile (``()``). Kept for the texts seen last: a hub's open hours are the
    same text on most of its days."""
    if not text:
        return ()
    exp, _, numbers = text.rpartition(":")
    if exp not in ("", "3", "6", "9"):
        return ()
    unit = 10 ** int(exp or 0)
    try:
        # map, not a generator: a year of a region is ~10,000 rows of 48 numbers each
        values = tuple(map(unit.__mul__, map(int, numbers.split(","))))
    except ValueError:
        return ()
    return values if len(values) == 24 else ()


def hourly(slots: Iterable[tuple[int, int, int, int]], tz: tzinfo) -> tuple[list[int], list[int]]:
    """``slot_stats`` rows summed per local hour: (open_ns, occupied_ns), 24 each."""
    open_ns, occupied_ns = [0] * 24, [0] * 24
    for start, slot_open, area, _peak in slots:
        hour = datetime.fromtimestamp(start // NS, tz).hour
        open_ns[hour] += slot_open
        occupied_ns[hour] += area
    return open_ns, occupied_ns


@dataclass(frozen=True, slots=True)
class SlotRollup:
    """A group of desks in one 15-minute slot (UTC-aligned), within opening hours."""

    hub: str
    group: str
    start_ns: int  # slot start
    open_ns: int  # part of the slot within the opening window
    occupied_ns: int  # occupied desk-time (desk-ns) within it
    peak: int  # highest concurrency within it


def desk_day(
    hub: str,
    desk: str,
    day: date,
    bounds: tuple[int, int],
    window: tuple[int, int] | None,
    spans: Sequence[Span],
    flickers: int,
    params: str,
    computed_ns: int = 0,
    min_use_ns: int = 30 * 60 * NS,
) -> DeskDayRollup:
    """The rollup of one desk-day from its cleaned spans (which must cover the day); its
    idle run is not chained here (``chain_idle``)."""
    lo, hi = bounds
    inside = {"occupied": 0, "free": 0, "offline": 0, "stuck": 0}
    if window is not None:
        for s, e, st in overlaps(spans, *window):
            inside[st] += e - s
    whole = {"occupied": 0, "free": 0, "offline": 0, "stuck": 0}
    changes = 0
    prev: str | None = None
    first = _first_overlapping(spans, lo)
    if first > 0:
        prev = spans[first - 1].state
    for k in range(first, len(spans)):
        s, e, st = spans[k]
        if s >= hi:
            break
        whole[st] += min(e, hi) - max(s, lo)
        if s >= lo and prev is not None and _switch(prev, st):
            changes += 1
        prev = st
    open_ns = 0 if window is None else window[1] - window[0]
    time = DeskTime(open_ns, inside["occupied"], inside["free"], inside["offline"], inside["stuck"])
    return DeskDayRollup(
        hub=hub,
        desk=desk,
        day=day,
        day_start_ns=lo,
        open_ns=open_ns,
        occupied_ns=inside["occupied"],
        free_ns=inside["free"],
        offline_ns=inside["offline"],
        stuck_ns=inside["stuck"],
        reported_ns=whole["occupied"] + whole["free"] + whole["stuck"],
        day_occupied_ns=whole["occupied"] + whole["stuck"],
        day_stuck_ns=whole["stuck"],
        changes=changes,
        flickers=flickers,
        params=params,
        computed_ns=computed_ns,
        use=use_of(time, min_use_ns),
    )


def _switch(a: str, b: str) -> bool:
    busy = ("occupied", "stuck")
    return (a in busy and b == "free") or (a == "free" and b in busy)


def concurrency_steps(
    desk_spans: Iterable[Sequence[Span]], lo: int, hi: int
) -> list[tuple[int, int]]:
    """Number of desks occupied, as change points ``(t, count)`` over ``[lo, hi)``; the
    first is at ``lo``. Stuck and offline desks are not counted as occupied."""
    deltas: dict[int, int] = {}
    for spans in desk_spans:
        for s, e, st in overlaps(spans, lo, hi):
            if st == "occupied":
                deltas[s] = deltas.get(s, 0) + 1
                deltas[e] = deltas.get(e, 0) - 1
    steps = [(lo, 0)]
    count = 0
    for t in sorted(deltas):
        count += deltas[t]
        if t >= hi:
            break
        if t == steps[-1][0]:
            steps[-1] = (t, count)
        elif count != steps[-1][1]:
            steps.append((t, count))
    return steps


def full_time(desk_spans: Iterable[Sequence[Span]], lo: int, hi: int) -> int:
    """Time within ``[lo, hi)`` at which the group was full: no desk free and at least
    one occupied. Offline and stuck desks are unknown, so they neither fill the group nor
    keep it from being full: "every desk whose state is known is occupied". A desk that
    is not reporting cannot be offered to a newcomer either, and the coverage of the day
    says how much of it was unknown."""
    deltas: dict[int, list[int]] = {}  # t -> [Δ occupied, Δ free]
    for spans in desk_spans:
        for s, e, st in overlaps(spans, lo, hi):
            if st in ("occupied", "free"):
                k = 0 if st == "occupied" else 1
                deltas.setdefault(s, [0, 0])[k] += 1
                deltas.setdefault(e, [0, 0])[k] -= 1
    full = 0
    occupied = free = 0
    since: int | None = None
    for t in sorted(deltas):
        d_occ, d_free = deltas[t]
        occupied += d_occ
        free += d_free
        is_full = occupied > 0 and free == 0
        if is_full and since is None:
            since = t
        elif not is_full and since is not None:
            full += t - since
            since = None
    if since is not None:  # spans are clipped to hi, so the counts end at 0 there
        full += hi - since
    return full


def peak_of(steps: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """(highest count, first time it is reached) of ``concurrency_steps``."""
    best, at = steps[0][1], steps[0][0]
    for t, c in steps:
        if c > best:
            best, at = c, t
    return best, at


def slot_stats(
    steps: Sequence[tuple[int, int]], lo: int, hi: int
) -> list[tuple[int, int, int, int]]:
    """Per 15-minute slot overlapping ``[lo, hi)``: ``(slot_start, open_ns, desk_ns,
    peak)`` where ``desk_ns`` is the integral of the count over the slot's overlap."""
    out: list[tuple[int, int, int, int]] = []
    k = 0
    slot = lo - lo % SLOT_NS
    while slot < hi:
        a, b = max(slot, lo), min(slot + SLOT_NS, hi)
        while k + 1 < len(steps) and steps[k + 1][0] <= a:
            k += 1
        area = 0
        peak = 0
        j = k
        while j < len(steps) and steps[j][0] < b:
            s = max(steps[j][0], a)
            e = min(steps[j + 1][0] if j + 1 < len(steps) else hi, b)
            if s < e:
                area += steps[j][1] * (e - s)
                peak = max(peak, steps[j][1])
            j += 1
        out.append((slot, b - a, area, peak))
        slot += SLOT_NS
    return out


def hub_days(
    hub: Hub,
    first: date,
    end: date,
    spans: Mapping[str, Sequence[Span]],
    flickers: Mapping[str, DayFlickers],
    params: CleanParams,
    computed_ns: int = 0,
    *,
    prior: Mapping[str, DeskDayRollup] | None = None,
) -> tuple[list[DeskDayRollup], list[GroupDayRollup], list[SlotRollup]]:
    """Every rollup of ``hub`` for local days ``first`` ≤ day < ``end`` from each desk's
    cleaned spans (covering those days plus context). Desks missing from ``spans`` are
    treated as never heard from (offline). ``prior`` holds each desk's stored row of the
    day before ``first``, from which idle runs continue (``chain_idle``)."""
    groups: dict[str, list[str]] = {HUB_GROUP: [d.id for d in hub.desks]}
    for d in hub.desks:
        groups.setdefault(d.zone, []).append(d.id)
    keys = {g: desks_key(members) for g, members in groups.items()}
    fingerprint = params.fingerprint()
    last: dict[str, DeskDayRollup | None] = dict(prior or {})
    desk_rows: list[DeskDayRollup] = []
    group_rows: list[GroupDayRollup] = []
    slot_rows: list[SlotRollup] = []
    day = first
    while day < end:
        bounds = day_bounds(hub, day)
        window = opening_window(hub, day)
        desk_spans = {
            d.id: spans.get(d.id) or [Span(bounds[0], bounds[1], "offline")] for d in hub.desks
        }
        today: dict[str, DeskDayRollup] = {}
        for d in hub.desks:
            row = desk_day(
                hub.id,
                d.id,
                day,
                bounds,
                window,
                desk_spans[d.id],
                flickers[d.id].on(bounds[0]) if d.id in flickers else 0,
                fingerprint,
                computed_ns,
                params.min_use_ns,
            )
            row = chain_idle(last.get(d.id), row, window is not None)
            last[d.id] = today[d.id] = row
            desk_rows.append(row)
        for group, members in groups.items():
            totals = DeskTotals.total(DeskTotals.of(today[m]) for m in members)
            if window is None:
                if group == HUB_GROUP:  # the hub's marker of a computed closed day
                    group_rows.append(
                        GroupDayRollup(
                            hub.id, group, day, bounds[0], 0, len(members), 0, bounds[0],
                            (0,) * 24, (0,) * 24, totals, fingerprint, keys[group],
                            computed_ns, full_ns=0,
                        )
                    )
                continue
            steps = concurrency_steps((desk_spans[m] for m in members), *window)
            peak, at = peak_of(steps)
            slots = slot_stats(steps, *window)
            hour_open, hour_occupied = hourly(slots, hub.tz)
            group_rows.append(
                GroupDayRollup(
                    hub.id,
                    group,
                    day,
                    bounds[0],
                    window[1] - window[0],
                    len(members),
                    peak,
                    at,
                    tuple(hour_open),
                    tuple(hour_occupied),
                    totals,
                    fingerprint,
                    keys[group],
                    computed_ns,
                    full_ns=full_time((desk_spans[m] for m in members), *window),
                )
            )
            slot_rows.extend(
                SlotRollup(hub.id, group, s, open_ns, area, p) for s, open_ns, area, p in slots
            )
        day += timedelta(days=1)
    return desk_rows, group_rows, slot_rows


def chain_idle(
    prev: DeskDayRollup | None, row: DeskDayRollup, open_day: bool
) -> DeskDayRollup:
    """``row`` with its idle run: continued from ``prev`` (the desk's row of the day
    before) if both are idle, started on ``row.day`` if only ``row`` is, none otherwise."""
    if not is_idle(row):
        since, n = None, 0
    elif (
        prev is not None
        and prev.idle_since is not None
        and prev.day + timedelta(days=1) == row.day
    ):
        since, n = prev.idle_since, prev.idle_open_days + open_day
    else:
        since, n = row.day, int(open_day)
    if (since, n) == (row.idle_since, row.idle_open_days):
        return row
    return replace(row, idle_since=since, idle_open_days=n)


# --- the "unchanged for days" rule --------------------------------------------------------


def is_idle(row: DeskDayRollup | None) -> bool:
    """A desk-day on which the sensor reported, only ever free, without a change."""
    return row is not None and row.reported_ns > 0 and row.day_occupied_ns == 0 and row.changes == 0


@dataclass(frozen=True, slots=True)
class StuckRun:
    """Consecutive days on which a desk's sensor is suspect."""

    hub: str
    desk: str
    kind: Literal["occupied", "unchanged"]
    first_day: date
    last_day: date
    open_days: int  # open days among them
    stuck_ns: int  # opening-hours time counted as unknown because of it (within the range)


def unchanged_runs(
    rows: Mapping[date, DeskDayRollup],
    first: date,
    end: date,
    is_open: Callable[[date], bool],
    min_open_days: int,
) -> list[tuple[date, date, int]]:
    """Runs ``(first_day, last_day, open_days)`` of consecutive idle days (``is_idle``)
    within ``[first, end)`` that span at least ``min_open_days`` open days (0: none).

    Closed days in a run neither count nor break it, but a closed day on which the desk
    was occupied, silent or switching is not idle and does break it. Callers pass rows
    for enough days around their range to see whole runs (``margin_days``).
    """
    if min_open_days <= 0:
        return []
    out: list[tuple[date, date, int]] = []
    day = first
    run_start: date | None = None
    open_days = 0
    while True:
        idle = day < end and is_idle(rows.get(day))
        if idle:
            if run_start is None:
                run_start, open_days = day, 0
            open_days += is_open(day)
        elif run_start is not None:
            if open_days >= min_open_days:
                out.append((run_start, day - timedelta(days=1), open_days))
            run_start = None
        if day >= end:
            return out
        day += timedelta(days=1)


def margin_days(is_open: Callable[[date], bool], start: date, step: int, open_days: int) -> date:
    """The day ``open_days`` open days away from ``start`` (exclusive) in direction
    ``step`` (±1), at most 400 days: rows from there on decide runs crossing ``start``."""
    day, seen = start, 0
    for _ in range(400):
        if seen >= open_days:
            break
        day += timedelta(days=step)
        seen += is_open(day)
    return day


def apply_unchanged(row: DeskDayRollup, min_use_ns: int) -> DeskDayRollup:
    """The desk-day with its reported opening-hours time moved to ``stuck`` (and its daily
    use decided again on that)."""
    moved = replace(
        row,
        stuck_ns=row.stuck_ns + row.free_ns + row.occupied_ns,
        free_ns=0,
        occupied_ns=0,
    )
    return replace(moved, use=use_of(moved, min_use_ns))


def band(time: DeskTime) -> Band | None:
    """Usage band of the utilisation of ``time``, compared exactly (None: no known time)."""
    if time.known_ns == 0:
        return None
    u = Fraction(time.occupied_ns, time.known_ns)
    if u < BAND_LIMITS[0]:
        return "low"
    if u < BAND_LIMITS[1]:
        return "medium"
    return "high"


# --- capacity -----------------------------------------------------------------------------


def nearest_rank(values: Sequence[int], p: float) -> int:
    """The nearest-rank ``p``-percentile: the ``ceil(p × n)``-th smallest value (1-based),
    with ``p`` taken as the exact decimal it is written as (0.9 is 9/10)."""
    if not values:
        raise ValueError("no values")
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    ordered = sorted(values)
    rank = max(1, math.ceil(Fraction(str(p)) * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    capacity: int  # k desks
    days_exceeding: int  # evidence days with peak > k
    share_exceeding: float  # ÷ evidence days


@dataclass(frozen=True, slots=True)
class Capacity:
    desks: int  # the hub's desks now
    open_days: int
    evidence_days: int  # open days with coverage ≥ evidence_min_coverage
    service_level: float
    peak_at_service_level: int | None  # nearest-rank percentile of daily peaks
    buffer_desks: int
    recommended_desks: int | None  # peak_at_service_level + buffer_desks
    min_days: int
    too_few_days: bool  # evidence_days < min_days
    days_at_capacity: int  # evidence days on which every desk was taken at once
    max_peak: int | None
    curve: tuple[CurvePoint, ...]
    full_ns: int | None = None  # time at full over the open days; None: not known for all
    # Makes the censored estimate when a day was full (``demand``): a fit costs a tenth of
    # a second or more, and most readers of a capacity (the overview) never ask for it.
    estimator: Callable[[], DemandEstimate] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def demand(self) -> DemandEstimate | None:
        """The censored estimate (``hubsense.demand``); None when no day was full."""
        return None if self.estimator is None or not self.lower_bound else self.estimator()

    @property
    def days_at_capacity_share(self) -> float | None:
        """days_at_capacity ÷ evidence_days (None without evidence days)."""
        return self.days_at_capacity / self.evidence_days if self.evidence_days else None

    @property
    def lower_bound(self) -> bool:
        """The measured percentile, and the recommendation on it, are only a lower bound of
        the need: on some evidence day every desk was taken."""
        return self.days_at_capacity > 0

    @property
    def demand_at_service_level(self) -> int | None:
        """The service-level percentile of unconstrained daily peak demand: the measured
        one when no day was full (then the peaks are the demand), else the censored
        estimate (None when it cannot be made: ``demand.reason``)."""
        if not self.lower_bound:
            return self.peak_at_service_level
        return None if self.demand is None else self.demand.estimate

    @property
    def demand_low(self) -> int | None:
        return None if not self.lower_bound or self.demand is None else self.demand.low

    @property
    def demand_high(self) -> int | None:
        return None if not self.lower_bound or self.demand is None else self.demand.high

    @property
    def demand_recommended_desks(self) -> int | None:
        """``demand_at_service_level + buffer_desks``: exactly ``recommended_desks`` when
        no day was full."""
        d = self.demand_at_service_level
        return None if d is None else d + self.buffer_desks


def service_curve(peaks: Sequence[int], up_to: int) -> tuple[CurvePoint, ...]:
    """For each capacity k = 0 … up_to, the days on which demand (the daily peak) would
    have exceeded k."""
    n = len(peaks)
    return tuple(
        CurvePoint(k, ex, ex / n if n else 0.0)
        for k in range(up_to + 1)
        for ex in [sum(1 for p in peaks if p > k)]
    )


def capacity(
    peaks: Sequence[int],
    *,
    desks: int,
    open_days: int,
    service_level: float,
    buffer_desks: int,
    min_days: int,
    full_ns: int | None = None,
    demand: DemandEstimate | None = None,
    estimator: Callable[[], DemandEstimate] | None = None,
) -> Capacity:
    """Capacity recommendation from the daily peaks of the evidence days; ``full_ns`` (the
    time at full over the open days) and ``demand`` (the censored estimate,
    ``hubsense.demand``, or the ``estimator`` that makes it when asked) are carried with
    it."""
    p = nearest_rank(peaks, service_level) if peaks else None
    return Capacity(
        desks=desks,
        open_days=open_days,
        evidence_days=len(peaks),
        service_level=service_level,
        peak_at_service_level=p,
        buffer_desks=buffer_desks,
        recommended_desks=None if p is None else p + buffer_desks,
        min_days=min_days,
        too_few_days=len(peaks) < min_days,
        days_at_capacity=sum(1 for x in peaks if x >= desks),
        max_peak=max(peaks) if peaks else None,
        curve=service_curve(peaks, max([desks, *peaks])),
        full_ns=full_ns,
        estimator=estimator if demand is None else (lambda: demand),
    )


def total_full_ns(days: Iterable[DayRow]) -> int | None:
    """Time at full summed over days; None when a day does not know its own."""
    total = 0
    for d in days:
        if d.full_ns is None:
            return None
        total += d.full_ns
    return total


# --- per-day rows and the hour × weekday profile -----------------------------------------


@dataclass(frozen=True, slots=True)
class DayRow:
    """One open day of a hub or zone."""

    day: date
    open_ns: int  # the opening window
    desks: int
    time: DeskTime
    use: DailyUse
    peak: int
    peak_at_ns: int
    evidence: bool  # coverage ≥ the minimum: used for capacity
    full_ns: int | None = None  # time at full (``full_time``); None: not known for the day

    @property
    def peak_share(self) -> float:
        return self.peak / self.desks if self.desks else 0.0

    @property
    def at_capacity(self) -> bool:
        """The peak reached every desk of the group: demand that day may have been
        higher (a person who found no desk is not measured)."""
        return self.desks > 0 and self.peak >= self.desks


def day_rows(
    groups: Iterable[GroupDayRollup],
    adjust: Mapping[date, DeskTotals],
    *,
    min_coverage: float,
) -> list[DayRow]:
    """Per open day of one group: its peak, desk-time and daily use (the group-day's sums
    of its desks' rows plus ``adjust``: what the "unchanged" rule changed that day)."""
    out: list[DayRow] = []
    for g in sorted(groups, key=lambda g: g.day):
        if g.open_ns == 0:
            continue
        delta = adjust.get(g.day)
        t = g.totals if delta is None else g.totals + delta
        out.append(
            DayRow(
                day=g.day,
                open_ns=g.open_ns,
                desks=g.desks,
                time=t.time,
                use=t.use,
                peak=g.peak,
                peak_at_ns=g.peak_at_ns,
                full_ns=g.full_ns,
                evidence=t.time.open_ns > 0
                and Fraction(t.time.known_ns, t.time.open_ns) >= Fraction(str(min_coverage)),
            )
        )
    return out


@dataclass
class Profile:
    """Occupied desk-time and open time per (weekday 0 = Monday, local hour)."""

    occupied_ns: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    open_ns: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])

    def add_group_day(self, row: GroupDayRollup) -> None:
        """Add a group-day's per-hour sums (the same numbers as its slots give)."""
        if row.open_ns == 0:
            return
        wd = row.day.weekday()
        for h in range(24):
            self.occupied_ns[wd][h] += row.hour_occupied_ns[h]
            self.open_ns[wd][h] += row.hour_open_ns[h]

    def add_slots(self, slots: Iterable[SlotRollup], tz: ZoneInfo) -> None:
        for s in slots:
            local = datetime.fromtimestamp(s.start_ns // NS, tz)
            self.occupied_ns[local.weekday()][local.hour] += s.occupied_ns
            self.open_ns[local.weekday()][local.hour] += s.open_ns

    def mean(self, weekday: int, hour: int) -> float | None:
        """Average concurrency: occupied desk-time ÷ open time (None: never open)."""
        o = self.open_ns[weekday][hour]
        return self.occupied_ns[weekday][hour] / o if o else None


def sum_profiles(profiles: Sequence[Profile]) -> list[list[float | None]]:
    """Average concurrency of several hubs: the sum of each open hub's average."""
    out: list[list[float | None]] = []
    for wd in range(7):
        row: list[float | None] = []
        for h in range(24):
            means = [m for p in profiles if (m := p.mean(wd, h)) is not None]
            row.append(sum(means) if means else None)
        out.append(row)
    return out
