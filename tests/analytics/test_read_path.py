"""Reports read sums, not every desk-day: the analysis a store's sums give (``rollups.load``:
each desk's totals, the hub's group-days and the few flagged desk-days) equals, figure for
figure, the one made from every desk-day row of the window in memory
(``HubRollups.from_rows``), and both equal the "unchanged for days" rule applied the way it
is defined (``metrics.unchanged_runs`` over the window's rows).

Data: simulated months of two hubs with sensor faults (silences, flickers, stuck sensors),
and one desk whose sensor reports only "free" for seven weeks (an unchanged run), on SQLite
(a whole year) and on a real influxd (four months)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from hubsense import analytics
from hubsense.calendar import is_open
from hubsense.events import PresenceEvent
from hubsense.metrics import HUB_GROUP, DeskTotals, apply_unchanged, unchanged_runs
from hubsense.rollups import HubRollups, clean_params, load, range_ns, recompute
from hubsense.store.base import Store
from tests.analytics.support import REGISTRY, at, settings
from tests.analytics.test_stores_agree import simulated_events

HUBS = ("dag", "dygn")
IDLE_DESK, IDLE_FROM, IDLE_TO = ("dag", "a02"), date(2026, 2, 9), date(2026, 3, 30)


def events_with_an_idle_run(hub_id: str, first: date, end: date) -> list[PresenceEvent]:
    out = simulated_events(hub_id, first, end, seed=11)
    lo = at(IDLE_FROM.year, IDLE_FROM.month, IDLE_FROM.day)
    hi = at(IDLE_TO.year, IDLE_TO.month, IDLE_TO.day)
    return [
        replace(e, occupied=False)
        if (e.hub, e.desk) == IDLE_DESK and lo <= e.time_ns < hi
        else e
        for e in out
    ]


def both_ways(store: Store, hub_id: str, first: date, end: date, now_ns: int):  # noqa: ANN201
    """The analysis of one hub from the store's sums, and from all its rows in memory."""
    s = settings()
    cp, mp = clean_params(s), analytics.MetricParams.from_settings(s)
    hub = REGISTRY.hubs[hub_id]
    window = analytics.margin(REGISTRY, [hub], first, end, mp)
    fast = load(store, REGISTRY, hub_id, first, end, cp, now_ns=now_ns, ensure=False,
                desk_margin=window, min_idle_open_days=mp.unchanged_open_days)
    assert fast.zones is not None, "the store's sums, not the in-memory path"
    w_lo, w_hi = range_ns(hub, *window)
    lo, hi = range_ns(hub, first, end)
    slow = HubRollups.from_rows(hub, first, end, store.desk_day_rollups(hub_id, w_lo, w_hi),
                                store.group_day_rollups(hub_id, lo, hi), window=window,
                                min_idle_open_days=mp.unchanged_open_days,
                                min_use_ns=cp.min_use_ns)
    a = analytics.Analysis(REGISTRY, first, end, mp, {hub_id: fast}, with_profile=True)
    b = analytics.Analysis(REGISTRY, first, end, mp, {hub_id: slow}, with_profile=True)
    return a, b, store.desk_day_rollups(hub_id, w_lo, w_hi), window, mp, cp


def by_definition(rows, hub_id: str, first: date, end: date, window, mp, cp):  # noqa: ANN001, ANN201
    """Each desk's totals with the rule applied as defined: runs over the window's rows."""
    hub = REGISTRY.hubs[hub_id]
    out: dict[str, DeskTotals] = {}
    for desk in hub.desks:
        mine = {r.day: r for r in rows if r.desk == desk.id}
        runs = unchanged_runs(mine, *window, lambda d: is_open(hub, d), mp.unchanged_open_days)
        flagged = {a + timedelta(days=i) for a, b, _ in runs for i in range((b - a).days + 1)}
        out[desk.id] = DeskTotals.total(
            DeskTotals.of(apply_unchanged(r, cp.min_use_ns) if d in flagged else r)
            for d, r in mine.items() if first <= d < end
        )
    return out


def assert_same(a: analytics.Analysis, b: analytics.Analysis, hub_id: str) -> None:
    hub = REGISTRY.hubs[hub_id]
    scopes = [analytics.resolve(REGISTRY, "hub", hub_id)]
    scopes += [analytics.resolve(REGISTRY, "zone", f"{hub_id}/{z}") for z in hub.zones()]
    scopes += [analytics.resolve(REGISTRY, "desk", f"{hub_id}/{d.id}") for d in hub.desks]
    for scope in scopes:
        assert a.summary(scope) == b.summary(scope), scope
        if scope.kind != "desk":
            assert a.profile(scope) == b.profile(scope), scope
    for group in (HUB_GROUP, *hub.zones()):
        assert a.day_rows(hub_id, group) == b.day_rows(hub_id, group), group
    assert a.capacity(hub_id) == b.capacity(hub_id)
    assert a.suspects == b.suspects


def check_periods(store: Store, periods, now_ns: int) -> None:  # noqa: ANN001
    saw_unchanged = False
    for hub_id in HUBS:
        for first, end in periods:
            a, b, rows, window, mp, cp = both_ways(store, hub_id, first, end, now_ns)
            assert_same(a, b, hub_id)
            want = by_definition(rows, hub_id, first, end, window, mp, cp)
            for desk_id, totals in want.items():
                scope = analytics.resolve(REGISTRY, "desk", f"{hub_id}/{desk_id}")
                s = a.summary(scope)
                assert (s.time, s.use, s.flickers) == (totals.time, totals.use,
                                                       totals.flickers), (desk_id, first, end)
            saw_unchanged |= any(r.kind == "unchanged" for r in a.suspects)
    assert saw_unchanged, "the idle desk is flagged in some period"


def test_sums_equal_every_row_and_the_rule_on_sqlite(sqlite_store) -> None:  # noqa: ANN001
    first, end = date(2026, 1, 1), date(2027, 1, 1)
    now = at(2027, 1, 10)
    cp = clean_params(settings())
    for hub_id in HUBS:
        sqlite_store.write(events_with_an_idle_run(hub_id, first, end), [])
        recompute(sqlite_store, REGISTRY, hub_id, first, end, cp, now_ns=now)
    check_periods(sqlite_store, [
        (date(2026, 1, 1), date(2027, 1, 1)),  # the year
        (date(2026, 2, 20), date(2026, 3, 10)),  # inside the idle run
        (date(2026, 3, 25), date(2026, 4, 15)),  # the run ends inside
        (date(2026, 1, 20), date(2026, 2, 19)),  # the run reaches the threshold after it
        (date(2026, 6, 15), date(2026, 8, 17)),  # Midsummer and July
    ], now)


@pytest.mark.integration
def test_sums_equal_every_row_and_the_rule_on_influxdb(influxd_server, influx_db_name) -> None:  # noqa: ANN001
    from hubsense.store.influx import InfluxStore

    first, end = date(2026, 1, 5), date(2026, 5, 4)
    now = at(2026, 5, 10)
    store = InfluxStore(influxd_server.url, influx_db_name, timeout_s=60)
    store.open()
    try:
        cp = clean_params(settings())
        for hub_id in HUBS:
            store.write(events_with_an_idle_run(hub_id, first, end), [])
            recompute(store, REGISTRY, hub_id, first, end, cp, now_ns=now)
        check_periods(store, [
            (date(2026, 2, 1), date(2026, 4, 1)),
            (date(2026, 2, 20), date(2026, 3, 10)),
            (date(2026, 3, 25), date(2026, 4, 15)),
            (date(2026, 1, 20), date(2026, 2, 19)),
        ], now)
    finally:
        store.close()


def test_recomputing_a_day_inside_a_run_rechains_the_days_after(sqlite_store) -> None:  # noqa: ANN001
    """A late event inside an idle run splits it: the stored runs after it are chained
    again, and equal a recompute of everything."""
    first, end = date(2026, 2, 1), date(2026, 4, 15)
    now = at(2026, 4, 20)
    cp = clean_params(settings())
    hub_id, desk_id = IDLE_DESK
    events = events_with_an_idle_run(hub_id, first, end)
    sqlite_store.write(events, [])
    recompute(sqlite_store, REGISTRY, hub_id, first, end, cp, now_ns=now)
    hub = REGISTRY.hubs[hub_id]
    desk = REGISTRY.desk(hub_id, desk_id)
    assert desk is not None
    lo, hi = range_ns(hub, first, end)
    before = {r.day: r for r in sqlite_store.desk_day_rollups(hub_id, lo, hi, desks=[desk_id])}
    assert before[date(2026, 3, 20)].idle_since <= IDLE_FROM  # (it may have been idle before)
    late = PresenceEvent(hub.municipality, hub_id, desk_id, desk.sensor, 10**6,
                         at(2026, 3, 4, 10), True, False)
    sqlite_store.write([late, replace(late, seq=10**6 + 1, time_ns=at(2026, 3, 4, 11),
                                      occupied=False)], [])
    recompute(sqlite_store, REGISTRY, hub_id, date(2026, 3, 4), date(2026, 3, 5), cp, now_ns=now)
    after = {r.day: r for r in sqlite_store.desk_day_rollups(hub_id, lo, hi, desks=[desk_id])}
    assert after[date(2026, 3, 4)].idle_since is None
    assert after[date(2026, 3, 20)].idle_since == date(2026, 3, 5)
    recompute(sqlite_store, REGISTRY, hub_id, first, end, cp, now_ns=now)
    again = {r.day: r for r in sqlite_store.desk_day_rollups(hub_id, lo, hi, desks=[desk_id])}
    assert [(r.idle_since, r.idle_open_days) for r in after.values()] == [
        (r.idle_since, r.idle_open_days) for r in again.values()]
