"""The hour × weekday profile read from group-day rows equals the one summed from 15-minute
slots, figure for figure: a simulated year (both DST changes, Midsummer, July, Christmas)
of a day hub and a 24-hour hub, with sensor faults, on SQLite; the same for a fault-rich
week on a real influxd in tests/analytics/test_stores_agree.py."""

from __future__ import annotations

from datetime import date

from hubsense import analytics
from hubsense.rollups import clean_params, load, range_ns, recompute
from hubsense.store.sqlite import SqliteStore
from tests.analytics.support import REGISTRY, at, settings
from tests.analytics.test_stores_agree import simulated_events

FIRST, END = date(2026, 1, 1), date(2027, 1, 1)
NOW = at(2027, 1, 10)


def from_slots(store, hub_id: str, first: date, end: date, s) -> analytics.Analysis:
    """The analysis with the profile summed from the slot rows (the way it was computed
    before group-days carried it)."""
    hr = load(store, REGISTRY, hub_id, first, end, clean_params(s), now_ns=NOW, ensure=False)
    lo, hi = range_ns(REGISTRY.hubs[hub_id], first, end)
    hr.slots = store.slot_rollups(hub_id, lo, hi)
    params = analytics.MetricParams.from_settings(s)
    return analytics.Analysis(REGISTRY, first, end, params, {hub_id: hr}, with_profile=True)


def test_a_year_of_profiles_from_group_days_equals_slots(sqlite_store: SqliteStore) -> None:
    s = settings()
    for hub_id in ("dag", "dygn"):
        events = simulated_events(hub_id, FIRST, END, seed=3)
        sqlite_store.write(events, [])
        recompute(sqlite_store, REGISTRY, hub_id, FIRST, END, clean_params(s), now_ns=NOW)
        fast = analytics.analyse(sqlite_store, REGISTRY, analytics.resolve(REGISTRY, "hub", hub_id),
                                 FIRST, END, s, now_ns=NOW, slots=True, ensure=False)
        slow = from_slots(sqlite_store, hub_id, FIRST, END, s)
        assert fast._slots == {}, "every group-day carries its hours: no slot read"
        scopes = [analytics.resolve(REGISTRY, "hub", hub_id)] + [
            analytics.resolve(REGISTRY, "zone", f"{hub_id}/{z}")
            for z in sorted({d.zone for d in REGISTRY.hubs[hub_id].desks})
        ]
        for scope in scopes:
            assert fast.profile(scope) == slow.profile(scope), scope
            assert fast.summary(scope) == slow.summary(scope), scope
        assert fast.day_rows(hub_id) == slow.day_rows(hub_id)
        profile = fast.profile(scopes[0])
        assert any(v for row in profile for v in row if v), "the year has occupancy"


def test_rows_stored_without_hours_fall_back_to_slots(sqlite_store: SqliteStore) -> None:
    """A group-day written before rows carried their hours (and past raw retention, so
    never recomputed) still gets its profile, from the slots."""
    s = settings()
    first, end = date(2026, 10, 19), date(2026, 10, 26)
    sqlite_store.write(simulated_events("dag", first, end, seed=3), [])
    recompute(sqlite_store, REGISTRY, "dag", first, end, clean_params(s), now_ns=NOW)
    want = from_slots(sqlite_store, "dag", first, end, s).profile(
        analytics.resolve(REGISTRY, "hub", "dag"))
    db = sqlite_store._db()
    db.execute("UPDATE rollup_group_day SET hour_open = '', hour_occupied = ''")
    got = analytics.analyse(sqlite_store, REGISTRY, analytics.resolve(REGISTRY, "hub", "dag"),
                            first, end, s, now_ns=NOW, slots=True, ensure=False)
    assert got._slots, "the slots were read"
    assert got.profile(analytics.resolve(REGISTRY, "hub", "dag")) == want
