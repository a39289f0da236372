"""A seedable model of people using coworking hubs, producing ground truth as plain data.

Times
    Every instant is an ``int``: nanoseconds since the Unix epoch (UTC), always a whole
    number of seconds. An interval is a half-open pair ``(start_ns, end_ns)``: occupied at
    ``start_ns``, free again at ``end_ns``. Local times (opening hours, 08:30 arrivals) are
    wall-clock times in the hub's zone (Europe/Stockholm), so DST days are 23 or 25 hours
    long and a person arriving at 08:30 arrives at 08:30 local on those days too.

Open days
    A hub is open on a local date when its opening hours have that weekday, the date is not
    in ``hub.closed_dates`` and it is not a Swedish public holiday or de-facto holiday
    (Midsummer Eve, Christmas Eve, New Year's Eve). ``holidays.Sweden`` is asked for
    PUBLIC + DE_FACTO holidays with ``include_sundays=False``: ordinary Sundays are closed
    only because no registry hub lists Sunday opening hours, so a hub that does open on
    Sundays stays open on them (but not on Easter Sunday or Whitsunday).

Ground truth
    ``simulate_day(hub, day)`` returns a ``HubDay``; for every desk a ``DeskDay`` holds
    ``actual`` (when someone really sat there), ``reported`` (what the sensor believes and
    would report: differs from ``actual`` for flickering and stuck sensors) and ``silent``
    (windows in which the sensor's messages are lost). ``GroundTruth`` memoises days for a
    whole registry. Everything is deterministic for a seed: each (hub, day) has its own
    ``random.Random`` seeded from a string, so a day's result does not depend on which
    other days were simulated, and fault draws use a separate generator so changing fault
    probabilities never changes who sat where.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from hubsense.calendar import (
    NS,
    Interval,
    closure_reason,
    day_bounds,
    local_dates,
    local_ns,
    opening_window,
    seconds_of_day,
)
from hubsense.registry import Hub, Registry

MIN_SEGMENT_S = 5 * 60  # a sitting shorter than this after clipping is dropped


class Fault(StrEnum):
    SILENT = "silent"  # messages lost for part of the day (no changes, no heartbeats)
    FLICKER = "flicker"  # short spurious occupied blips (< 2 min)
    STUCK = "stuck"  # reports occupied continuously from some moment to the end of the day


@dataclass(frozen=True)
class FaultParams:
    """Probability per desk and day of each fault (at most one fault per desk-day)."""

    silent_prob: float = 0.01
    flicker_prob: float = 0.01
    stuck_prob: float = 0.005
    silent_s: tuple[int, int] = (30 * 60, 6 * 3600)  # length of the silent window
    flicker_blips: tuple[int, int] = (3, 12)  # blips on a flickering desk-day
    flicker_s: tuple[int, int] = (3, 110)  # blip length, always < 120 s

    def __post_init__(self) -> None:
        probs = (self.silent_prob, self.flicker_prob, self.stuck_prob)
        if any(p < 0 for p in probs) or sum(probs) > 1:
            raise ValueError("fault probabilities must be >= 0 and sum to at most 1")
        if not 0 < self.flicker_s[0] <= self.flicker_s[1] < 120:
            raise ValueError("flicker blips must last between 1 and 119 seconds")

    @classmethod
    def none(cls) -> FaultParams:
        return cls(silent_prob=0.0, flicker_prob=0.0, stuck_prob=0.0)


@dataclass(frozen=True)
class BehaviourParams:
    """Demand model. Visitors per day = desks × hub base × weekday × month factor."""

    # Per hub, drawn once from seed + hub id: visitors per desk on a busy weekday.
    base_demand: tuple[float, float] = (0.35, 0.9)
    weekday_factors: tuple[float, ...] = (0.75, 1.0, 1.0, 0.95, 0.5, 0.35, 0.25)  # mon..sun
    month_factors: tuple[float, ...] = (
        0.9, 1.0, 1.0, 0.95, 1.0, 0.85, 0.3, 0.75, 1.0, 1.0, 1.0, 0.85,
    )  # jan..dec: July holidays drop demand sharply
    arrival_mean: time = time(8, 30)
    arrival_sd_min: float = 40.0
    stay_mean_h: float = 6.0
    stay_sd_h: float = 1.25
    stay_min_h: float = 1.0
    lunch_prob: float = 0.55
    lunch_window: tuple[time, time] = (time(11, 30), time(12, 30))  # leaving for lunch
    lunch_min: tuple[int, int] = (30, 60)
    same_desk_prob: float = 0.8  # after lunch, back to the same desk if it is free
    short_visit_prob: float = 0.2  # drop-in anytime during opening hours
    short_visit_min: tuple[int, int] = (15, 90)
    faults: FaultParams = field(default_factory=FaultParams)
    # Demand grows (or shrinks) by this share a year, compounded daily from ``growth_from``
    # (before it, demand is that much lower): a known trend for forecast backtests.
    growth_per_year: float = 0.0
    growth_from: date = date(2026, 1, 1)

    def __post_init__(self) -> None:
        if self.growth_per_year <= -1:
            raise ValueError("growth_per_year must be above -1")
        if len(self.weekday_factors) != 7 or len(self.month_factors) != 12:
            raise ValueError("need 7 weekday factors and 12 month factors")


@dataclass(frozen=True, slots=True)
class DeskDay:
    desk: str
    sensor: str
    actual: tuple[Interval, ...]  # really occupied
    reported: tuple[Interval, ...]  # what the sensor believes (== actual unless faulty)
    silent: tuple[Interval, ...] = ()  # the sensor's messages are lost in these windows
    fault: Fault | None = None

    def occupied(self, t_ns: int, *, reported: bool = False) -> bool:
        return _contains(self.reported if reported else self.actual, t_ns)


@dataclass(frozen=True, slots=True)
class Visit:
    person: int
    desk: str
    start_ns: int
    end_ns: int


@dataclass(frozen=True, slots=True)
class HubDay:
    hub: str
    day: date  # local date in the hub's zone
    day_start_ns: int  # local midnight
    day_end_ns: int  # next local midnight (23 h or 25 h later on DST days)
    closed_reason: str | None  # None when open
    open_ns: int | None
    close_ns: int | None
    expected_visitors: float
    visitors: int  # people who got a desk
    turned_away: int  # people who found no free desk
    visits: tuple[Visit, ...]
    desks: dict[str, DeskDay]
    # The day's peak demand: the most people who wanted a desk at the same moment within
    # opening hours, had every one of them got one (turned-away people's sittings
    # included, after lunch too). Equals the peak of ``actual`` unless a sitting found no
    # free desk (``unserved``); then the hub was full and it is at least the desks.
    demand_peak: int = 0
    # The sittings of people who found no free desk, as they had planned them.
    unserved: tuple[Interval, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None

    def faulty(self) -> dict[str, Fault]:
        return {d.desk: d.fault for d in self.desks.values() if d.fault is not None}

    def occupancy_s(self, *, reported: bool = False) -> float:
        """Desk-seconds occupied over the whole day."""
        return sum(
            (e - s) / NS
            for d in self.desks.values()
            for s, e in (d.reported if reported else d.actual)
        )


# --- intervals ----------------------------------------------------------------------------


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted union; touching intervals are joined, empty ones dropped."""
    out: list[list[int]] = []
    for s, e in sorted(intervals):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def _contains(intervals: Sequence[Interval], t: int) -> bool:
    lo, hi = 0, len(intervals)
    while lo < hi:  # first interval with start > t
        mid = (lo + hi) // 2
        if intervals[mid][0] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo > 0 and t < intervals[lo - 1][1]


def _overlaps(intervals: Sequence[Interval], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in intervals)


# --- the model ----------------------------------------------------------------------------


def hub_base_demand(hub_id: str, seed: int, params: BehaviourParams) -> float:
    """Visitors per desk on a busy weekday: fixed per hub for a seed."""
    return random.Random(f"{seed}:{hub_id}:base").uniform(*params.base_demand)


def expected_visitors(hub: Hub, day: date, seed: int, params: BehaviourParams) -> float:
    return (
        len(hub.desks)
        * hub_base_demand(hub.id, seed, params)
        * params.weekday_factors[day.weekday()]
        * params.month_factors[day.month - 1]
        * (1 + params.growth_per_year) ** ((day - params.growth_from).days / 365.25)
    )


def _plan_people(
    rng: random.Random, hub: Hub, day: date, n: int, window: Interval, p: BehaviourParams
) -> list[list[Interval]]:
    """Each person's sittings (1 or 2 segments), clipped to opening hours."""
    open_ns, close_ns = window
    day_len_s = (close_ns - open_ns) // NS
    arrival_mean = seconds_of_day(p.arrival_mean)
    lunch_lo, lunch_hi = seconds_of_day(p.lunch_window[0]), seconds_of_day(p.lunch_window[1])
    people: list[list[Interval]] = []
    for _ in range(n):
        segs: list[tuple[int, int]] = []  # local seconds of day
        if rng.random() < p.short_visit_prob:
            dur = rng.randint(p.short_visit_min[0] * 60, p.short_visit_min[1] * 60)
            latest = max(0, day_len_s - MIN_SEGMENT_S)
            start = open_ns + rng.randint(0, latest) * NS
            people.append(_clip([(start, start + dur * NS)], window))
            continue
        arrive = int(rng.gauss(arrival_mean, p.arrival_sd_min * 60))
        stay = max(p.stay_min_h, rng.gauss(p.stay_mean_h, p.stay_sd_h))
        leave = arrive + int(stay * 3600)
        if rng.random() < p.lunch_prob:
            out = rng.randint(lunch_lo, lunch_hi)
            back = out + rng.randint(p.lunch_min[0] * 60, p.lunch_min[1] * 60)
            if arrive < out < leave:
                segs.append((arrive, out))
                if back < leave:
                    segs.append((back, leave))
            else:
                segs.append((arrive, leave))
        else:
            segs.append((arrive, leave))
        people.append(
            _clip([(local_ns(hub, day, a), local_ns(hub, day, b)) for a, b in segs], window)
        )
    return people


def _clip(segs: list[Interval], window: Interval) -> list[Interval]:
    lo, hi = window
    out = []
    for s, e in segs:
        s, e = max(s, lo), min(e, hi)
        if e - s >= MIN_SEGMENT_S * NS:
            out.append((s, e))
    return out


def _seat(
    rng: random.Random, hub: Hub, people: list[list[Interval]], p: BehaviourParams
) -> tuple[list[Visit], int, int]:
    """Give every sitting a free desk, in order of arrival. People who find no free desk
    leave (and do not come back after lunch)."""
    desk_ids = [d.id for d in hub.desks]
    free_at = [0] * len(desk_ids)  # a desk is free at t when free_at < t
    segments = sorted(
        (s, e, person, k) for person, segs in enumerate(people) for k, (s, e) in enumerate(segs)
    )
    last_desk: dict[int, int] = {}
    gone: set[int] = set()
    seated: set[int] = set()
    visits: list[Visit] = []
    turned_away = 0
    for s, e, person, _k in segments:
        if person in gone:
            continue
        free = [i for i, f in enumerate(free_at) if f < s]
        if not free:
            gone.add(person)
            if person not in seated:
                turned_away += 1
            continue
        prev = last_desk.get(person)
        if prev is not None and prev in free and rng.random() < p.same_desk_prob:
            desk = prev
        else:
            desk = rng.choice(free)
        free_at[desk] = e
        last_desk[person] = desk
        seated.add(person)
        visits.append(Visit(person, desk_ids[desk], s, e))
    return visits, len(seated), turned_away


def peak_demand(sittings: Iterable[Interval]) -> int:
    """The most sittings overlapping at one moment (half-open: one ending as another
    starts do not overlap)."""
    edges = sorted(
        [(e, -1) for s, e in sittings if e > s] + [(s, 1) for s, e in sittings if e > s]
    )
    best = count = 0
    for _t, step in edges:  # at equal times, ends (-1) sort before starts (+1)
        count += step
        best = max(best, count)
    return best


def _fault_for(
    rng: random.Random, actual: tuple[Interval, ...], bounds: Interval,
    window: Interval | None, f: FaultParams,
) -> tuple[Fault | None, tuple[Interval, ...], tuple[Interval, ...]]:
    """(fault, reported, silent) for one desk-day."""
    u = rng.random()
    day_start, day_end = bounds
    day_s = (day_end - day_start) // NS
    if u < f.silent_prob:
        a = day_start + rng.randint(0, day_s - 60) * NS
        b = min(day_end, a + rng.randint(*f.silent_s) * NS)
        return Fault.SILENT, actual, ((a, b),)
    u -= f.silent_prob
    if u < f.flicker_prob:
        blips: list[Interval] = []
        for _ in range(rng.randint(*f.flicker_blips)):
            s = day_start + rng.randint(0, day_s - 121) * NS
            e = s + rng.randint(*f.flicker_s) * NS
            # a blip is spurious only where nobody sits; keep a second's gap either side
            if not _overlaps(actual, s - NS, e + NS) and not _overlaps(blips, s - NS, e + NS):
                blips.append((s, e))
        return Fault.FLICKER, merge_intervals([*actual, *blips]), ()
    u -= f.flicker_prob
    if u < f.stuck_prob:
        if actual and rng.random() < 0.7:
            stuck_from = rng.choice(actual)[0]  # latched when someone sat down
        elif window is not None:
            stuck_from = window[0] + rng.randint(0, (window[1] - window[0]) // NS) * NS
        else:
            stuck_from = day_start + rng.randint(0, day_s - 1) * NS
        kept = [(s, min(e, stuck_from)) for s, e in actual if s < stuck_from]
        return Fault.STUCK, merge_intervals([*kept, (stuck_from, day_end)]), ()
    return None, actual, ()


def simulate_day(
    hub: Hub, day: date, *, seed: int = 0, params: BehaviourParams | None = None
) -> HubDay:
    """Ground truth for one hub on one local date (deterministic for seed, hub, day)."""
    p = params or BehaviourParams()
    bounds = day_bounds(hub, day)
    reason = closure_reason(hub, day)
    window = None if reason is not None else opening_window(hub, day)
    visits: list[Visit] = []
    seated = turned_away = demand = 0
    unserved: tuple[Interval, ...] = ()
    expected = 0.0
    if window is not None:
        rng = random.Random(f"{seed}:{hub.id}:{day.isoformat()}")
        expected = expected_visitors(hub, day, seed, p)
        n = max(0, round(rng.gauss(expected, math.sqrt(expected)))) if expected > 0 else 0
        people = _plan_people(rng, hub, day, n, window, p)
        visits, seated, turned_away = _seat(rng, hub, people, p)
        wanted = [seg for segs in people for seg in segs]
        demand = peak_demand(wanted)
        served = Counter((v.start_ns, v.end_ns) for v in visits)
        missed: list[Interval] = []
        for seg in wanted:
            if served[seg] > 0:
                served[seg] -= 1
            else:
                missed.append(seg)
        unserved = tuple(sorted(missed))
    by_desk: dict[str, list[Interval]] = {d.id: [] for d in hub.desks}
    for v in visits:
        by_desk[v.desk].append((v.start_ns, v.end_ns))
    desks: dict[str, DeskDay] = {}
    for d in hub.desks:
        actual = merge_intervals(by_desk[d.id])
        frng = random.Random(f"{seed}:{hub.id}:{day.isoformat()}:fault:{d.id}")
        fault, reported, silent = _fault_for(frng, actual, bounds, window, p.faults)
        desks[d.id] = DeskDay(d.id, d.sensor, actual, reported, silent, fault)
    return HubDay(
        hub=hub.id,
        day=day,
        day_start_ns=bounds[0],
        day_end_ns=bounds[1],
        closed_reason=reason,
        open_ns=window[0] if window else None,
        close_ns=window[1] if window else None,
        expected_visitors=expected,
        visitors=seated,
        turned_away=turned_away,
        visits=tuple(visits),
        desks=desks,
        demand_peak=demand,
        unserved=unserved,
    )


class GroundTruth:
    """Memoised ``simulate_day`` for every hub of a registry (days computed on demand)."""

    def __init__(
        self, registry: Registry, *, seed: int = 0, params: BehaviourParams | None = None
    ) -> None:
        self.registry = registry
        self.seed = seed
        self.params = params or BehaviourParams()
        self._days: dict[tuple[str, date], HubDay] = {}

    def day(self, hub: str, day: date) -> HubDay:
        key = (hub, day)
        found = self._days.get(key)
        if found is None:
            h = self.registry.hubs.get(hub)
            if h is None:
                raise KeyError(f"unknown hub {hub!r}")
            found = self._days[key] = simulate_day(h, day, seed=self.seed, params=self.params)
        return found

    def days(self, hub: str, start: date, end: date) -> list[HubDay]:
        """Local dates ``start`` (inclusive) to ``end`` (exclusive)."""
        return [self.day(hub, start + timedelta(days=i)) for i in range((end - start).days)]

    def computed(self) -> list[HubDay]:
        """Every day simulated so far, by hub and date."""
        return [self._days[k] for k in sorted(self._days)]

    def intervals(
        self, hub: str, desk: str, start_ns: int, end_ns: int, *, reported: bool = False
    ) -> tuple[Interval, ...]:
        """A desk's occupied intervals within ``[start_ns, end_ns)`` (clipped, merged)."""
        h = self.registry.hubs[hub]
        out: list[Interval] = []
        for d in local_dates(h, start_ns, end_ns):
            dd = self.day(hub, d).desks[desk]
            for s, e in dd.reported if reported else dd.actual:
                s, e = max(s, start_ns), min(e, end_ns)
                if s < e:
                    out.append((s, e))
        return merge_intervals(out)

    def occupied(self, hub: str, desk: str, t_ns: int, *, reported: bool = False) -> bool:
        h = self.registry.hubs[hub]
        d = datetime.fromtimestamp(t_ns // NS, h.tz).date()
        return self.day(hub, d).desks[desk].occupied(t_ns, reported=reported)
