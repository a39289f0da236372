"""Both stores give identical rollups for the same events: a simulated week of one hub with
frequent sensor faults (silences, flickers, stuck sensors), written to SQLite and to a real
influxd, recomputed on each, compared row for row and metric for metric."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hubsense import analytics
from hubsense.events import PresenceEvent
from hubsense.rollups import clean_params, range_ns, recompute
from hubsense.store.influx import InfluxStore
from hubsense.store.sqlite import SqliteStore
from simulators import BehaviourParams, FaultParams, GroundTruth, sensor_events
from tests.analytics.support import REGISTRY, at, settings

pytestmark = pytest.mark.integration

FIRST, END = date(2026, 10, 19), date(2026, 10, 26)  # ends with the 25-hour Sunday
FAULTY = BehaviourParams(faults=FaultParams(silent_prob=0.15, flicker_prob=0.15, stuck_prob=0.1))


def simulated_events(hub_id: str, first: date = FIRST, end: date = END,
                     seed: int = 5) -> list[PresenceEvent]:
    """What the hub's sensors report over ``[first, end)`` and a day either side."""
    truth = GroundTruth(REGISTRY, seed=seed, params=FAULTY)
    hub = REGISTRY.hubs[hub_id]
    before, after = first - timedelta(days=1), end + timedelta(days=1)
    lo, hi = at(before.year, before.month, before.day), at(after.year, after.month, after.day)
    out: list[PresenceEvent] = []
    for desk in hub.desks:
        silent = [w for d in truth.days(hub_id, before, after)
                  for w in d.desks[desk.id].silent]
        reported = truth.intervals(hub_id, desk.id, lo, hi, reported=True)
        for i, (t, occupied, heartbeat) in enumerate(sensor_events(reported, lo, hi)):
            if not any(a <= t < b for a, b in silent):
                out.append(PresenceEvent(hub.municipality, hub_id, desk.id, desk.sensor, i, t,
                                         occupied, heartbeat))
    return out


@pytest.mark.parametrize("hub_id", ["dag", "dygn"])
def test_sqlite_and_influxdb_agree(hub_id: str, sqlite_store: SqliteStore, influxd_server,
                                   influx_db_name: str) -> None:
    influx = InfluxStore(influxd_server.url, influx_db_name, timeout_s=30)
    influx.open()
    try:
        events = simulated_events(hub_id)
        s = settings()
        results = []
        for store in (sqlite_store, influx):
            store.write(events, [])
            recompute(store, REGISTRY, hub_id, FIRST, END, clean_params(s), now_ns=at(2026, 11, 1))
            lo, hi = range_ns(REGISTRY.hubs[hub_id], FIRST, END)
            rows = (store.desk_day_rollups(hub_id, lo, hi), store.group_day_rollups(hub_id, lo, hi),
                    store.slot_rollups(hub_id, lo, hi))
            a = analytics.analyse(store, REGISTRY, analytics.resolve(REGISTRY, "hub", hub_id),
                                  FIRST, END, s, now_ns=at(2026, 11, 1), slots=True)
            scope = analytics.resolve(REGISTRY, "hub", hub_id)
            results.append((rows, a.summary(scope), a.day_rows(hub_id), a.profile(scope),
                            a.suspects))
        assert results[0] == results[1]
        (desk_rows, _, _), summary, *_ = results[0]
        # the faults show: flickers filtered, offline and stuck time
        assert sum(r.flickers for r in desk_rows) > 0
        assert summary.time.offline_ns > 0 and summary.time.stuck_ns > 0
    finally:
        influx.close()
