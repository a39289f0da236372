"""Properties of rollups over random event streams (hypothesis), on an in-memory SQLite store:

- rollups agree exactly with metrics computed straight from the raw step function (cleaned
  once over the whole range, not day by day);
- utilisation and coverage lie in [0, 1], the peak never exceeds the desks;
- computing a range in parts gives the same rows and totals as computing it at once;
- the order in which events arrive (batches, each marked and flushed by RollupUpdater)
  does not change the result.

The streams straddle the autumn DST change (Sunday 25 October 2026, 25 hours) and use short
thresholds (offline 3 h, stuck 4 h, flicker 5 min) so that every rule is exercised.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubsense import analytics
from hubsense.calendar import opening_window
from hubsense.events import PresenceEvent
from hubsense.metrics import HUB_GROUP, NS, CleanParams, DeskTime, clean, overlaps
from hubsense.rollups import RollupUpdater, affected_days, range_ns, recompute
from hubsense.store.sqlite import SqliteStore
from hubsense.timeline import desk_intervals
from tests.analytics.support import REGISTRY, at, event
from tests.analytics.support import settings as make_settings

FIRST, END = date(2026, 10, 23), date(2026, 10, 27)
LO, HI = at(2026, 10, 23), at(2026, 10, 27)
PARAMS = CleanParams(offline_after_ns=3 * 3600 * NS, flicker_ns=300 * NS, stuck_ns=4 * 3600 * NS)
SETTINGS = make_settings(offline_after_s=3 * 3600, flicker_min_s=300, stuck_occupied_s=4 * 3600,
                         stuck_unchanged_open_days=2)
FAR_FUTURE = at(2030, 1, 1)
PROPS = settings(max_examples=30, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def streams(draw: st.DrawFn) -> tuple[str, list[PresenceEvent]]:
    hub = draw(st.sampled_from(["dag", "dygn"]))
    desks = [d.id for d in REGISTRY.hubs[hub].desks]
    # times in seconds from a day before the range to a day after it; some at exact
    # second offsets (flickers), some on whole minutes (coinciding events)
    span_s = (HI - LO) // NS + 2 * 86400
    n = draw(st.integers(0, 60))
    out: dict[tuple[str, int], PresenceEvent] = {}
    for i in range(n):
        desk = draw(st.sampled_from(desks))
        t = LO - 86400 * NS + draw(st.integers(0, span_s - 1)) * NS
        if draw(st.booleans()):
            t -= t % (60 * NS)
        occupied = draw(st.booleans())
        out[(desk, t)] = event(hub, desk, t, occupied, heartbeat=draw(st.booleans()), seq=i)
        if occupied and draw(st.integers(0, 3)) == 0:  # a short blip back to free
            t2 = t + draw(st.integers(1, 600)) * NS
            out[(desk, t2)] = event(hub, desk, t2, False, seq=i + 1000)
    # sessions: occupied with hourly heartbeats (spells of up to 9 h, often crossing
    # midnight or the opening hours), then free
    for i in range(draw(st.integers(0, 6))):
        desk = draw(st.sampled_from(desks))
        t = LO - 12 * 3600 * NS + draw(st.integers(0, (span_s - 86400) // 60)) * 60 * NS
        hours = draw(st.integers(0, 8))
        for k in range(hours + 1):
            out[(desk, t + k * 3600 * NS)] = event(hub, desk, t + k * 3600 * NS, True,
                                                   heartbeat=k > 0, seq=2000 + i)
        if draw(st.booleans()):
            end = t + hours * 3600 * NS + draw(st.integers(1, 3599)) * NS
            out[(desk, end)] = event(hub, desk, end, False, seq=3000 + i)
    return hub, list(out.values())


@contextmanager
def memory_store() -> Iterator[SqliteStore]:
    store = SqliteStore(":memory:")
    store.open()
    try:
        yield store
    finally:
        store.close()


def all_rows(store: SqliteStore, hub: str) -> tuple[list, list, list]:
    lo, hi = range_ns(REGISTRY.hubs[hub], FIRST, END)
    return (store.desk_day_rollups(hub, lo, hi), store.group_day_rollups(hub, lo, hi),
            store.slot_rollups(hub, lo, hi))


@PROPS
@given(streams())
def test_rollups_agree_exactly_with_the_raw_step_function(stream: tuple) -> None:
    hub_id, events = stream
    hub = REGISTRY.hubs[hub_id]
    with memory_store() as store:
        store.write(events, [])
        recompute(store, REGISTRY, hub_id, FIRST, END, PARAMS, now_ns=FAR_FUTURE)
        desk_rows, group_rows, slot_rows = all_rows(store, hub_id)

    windows = [w for d in (FIRST + timedelta(days=i) for i in range(4))
               if (w := opening_window(hub, d)) is not None]
    c_lo, c_hi = LO - PARAMS.context_ns, HI + PARAMS.context_ns
    direct = {"occupied": 0, "free": 0, "offline": 0, "stuck": 0}
    spans_by_desk = {}
    for desk in hub.desks:
        mine = [e for e in events if e.desk == desk.id]
        before = [e for e in mine if e.time_ns < c_lo]
        inside = [e for e in mine if c_lo <= e.time_ns < c_hi]
        given_events = ([max(before, key=lambda e: e.time_ns)] if before else []) + inside
        spans, _ = clean(desk_intervals(given_events, c_lo, c_hi, PARAMS.offline_after_ns),
                         flicker_ns=PARAMS.flicker_ns, stuck_ns=PARAMS.stuck_ns)
        spans_by_desk[desk.id] = spans
        for w in windows:
            for s, e, state in overlaps(spans, *w):
                direct[state] += e - s
    total = DeskTime.total(desk_rows)
    assert (total.occupied_ns, total.free_ns, total.offline_ns, total.stuck_ns) == (
        direct["occupied"], direct["free"], direct["offline"], direct["stuck"])
    assert total.open_ns == len(hub.desks) * sum(b - a for a, b in windows)

    for g in (g for g in group_rows if g.group == HUB_GROUP):
        w = opening_window(hub, g.day)
        assert w is not None
        # brute force: the count at every span boundary inside the window
        times = {w[0]} | {s.start_ns for spans in spans_by_desk.values() for s in spans
                          if w[0] <= s.start_ns < w[1]}
        counts = {t: sum(1 for spans in spans_by_desk.values()
                         for s in spans if s.state == "occupied" and s.start_ns <= t < s.end_ns)
                  for t in times}
        assert g.peak == max(counts.values())
        assert counts[g.peak_at_ns] == g.peak
        assert all(counts[t] < g.peak for t in times if t < g.peak_at_ns)
        day_slots = [s for s in slot_rows if s.group == HUB_GROUP and w[0] - 900 * NS < s.start_ns
                     < w[1]]
        assert sum(s.open_ns for s in day_slots) == w[1] - w[0]
        occupied = sum(r.occupied_ns for r in desk_rows if r.day == g.day)
        assert sum(s.occupied_ns for s in day_slots) == occupied
        assert max(s.peak for s in day_slots) == g.peak


@PROPS
@given(streams())
def test_bounds(stream: tuple) -> None:
    hub_id, events = stream
    with memory_store() as store:
        store.write(events, [])
        a = analytics.analyse(store, REGISTRY, analytics.resolve(REGISTRY, "hub", hub_id),
                              FIRST, END, SETTINGS, now_ns=FAR_FUTURE, slots=True)
    desks = len(REGISTRY.hubs[hub_id].desks)
    for s in [a.summary(analytics.resolve(REGISTRY, "hub", hub_id)),
              *a.desk_summaries(analytics.resolve(REGISTRY, "hub", hub_id))]:
        for value in (s.time.utilisation, s.time.coverage, s.use.rate):
            assert value is None or 0.0 <= value <= 1.0
    for row in a.day_rows(hub_id):
        assert 0 <= row.peak <= desks and 0.0 <= row.peak_share <= 1.0
    for cell in (c for r in a.profile(analytics.resolve(REGISTRY, "hub", hub_id)) for c in r):
        assert cell is None or 0.0 <= cell <= desks


@PROPS
@given(streams(), st.integers(1, 3))
def test_splitting_the_range_changes_nothing(stream: tuple, cut: int) -> None:
    hub_id, events = stream
    middle = FIRST + timedelta(days=cut)
    with memory_store() as whole, memory_store() as parts:
        whole.write(events, [])
        parts.write(events, [])
        recompute(whole, REGISTRY, hub_id, FIRST, END, PARAMS, now_ns=FAR_FUTURE)
        recompute(parts, REGISTRY, hub_id, middle, END, PARAMS, now_ns=FAR_FUTURE)
        recompute(parts, REGISTRY, hub_id, FIRST, middle, PARAMS, now_ns=FAR_FUTURE)
        assert all_rows(whole, hub_id) == all_rows(parts, hub_id)
        recompute(parts, REGISTRY, hub_id, FIRST, END, PARAMS, now_ns=FAR_FUTURE, chunk_days=1)
        assert all_rows(whole, hub_id) == all_rows(parts, hub_id)

        # and the metrics of the parts add up to those of the whole
        scope = analytics.resolve(REGISTRY, "hub", hub_id)

        def summary(first: date, end: date) -> analytics.Summary:
            return analytics.analyse(whole, REGISTRY, scope, first, end, SETTINGS,
                                     now_ns=FAR_FUTURE).summary(scope)

        a, b, c = summary(FIRST, middle), summary(middle, END), summary(FIRST, END)
        assert a.time + b.time == c.time
        assert a.use + b.use == c.use
        assert max(a.peak_max or 0, b.peak_max or 0) == (c.peak_max or 0)


@PROPS
@given(streams(), st.randoms(use_true_random=False), st.integers(1, 6))
def test_order_of_arrival_does_not_matter(stream: tuple, rnd: random.Random,
                                          batches: int) -> None:
    hub_id, events = stream
    hub = REGISTRY.hubs[hub_id]
    shuffled = list(events)
    rnd.shuffle(shuffled)
    with memory_store() as live, memory_store() as once:
        updater = RollupUpdater(live, REGISTRY, PARAMS, clock_ns=lambda: FAR_FUTURE)
        size = max(1, len(shuffled) // batches)
        for i in range(0, len(shuffled), size):
            batch = shuffled[i:i + size]
            live.write(batch, [])
            updater.mark(batch)
            marked = {d for days in updater.pending().values() for d in days}
            assert {d for e in batch for d in affected_days(hub, e.time_ns, PARAMS)} <= marked
            updater.flush()
        assert updater.pending() == {}
        got = all_rows(live, hub_id)
        computed = {r.day for r in got[0]}
        # also the days just outside [FIRST, END) that events near its edges touch (the
        # updater computed them): a day's idle run continues from the day before
        once.write(events, [])
        recompute(once, REGISTRY, hub_id, FIRST - timedelta(days=3), END + timedelta(days=3),
                  PARAMS, now_ns=FAR_FUTURE)
        want = all_rows(once, hub_id)
    assert got[0] == [r for r in want[0] if r.day in computed]
    assert got[1] == [r for r in want[1] if r.day in computed]
    # days no event reached are all offline (the updater never had to compute them)
    for r in want[0]:
        if r.day not in computed:
            assert r.reported_ns == 0 and r.occupied_ns == r.free_ns == 0
