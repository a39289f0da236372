"""RollupUpdater: what a pass reads and when the next one may start."""

from __future__ import annotations

from datetime import date

from hubsense.metrics import HUB_GROUP, NS, CleanParams
from hubsense.rollups import RollupUpdater, complete_at, range_ns, stale_days
from hubsense.store.sqlite import SqliteStore
from tests.analytics.support import REGISTRY, at, event

PARAMS = CleanParams(offline_after_ns=900 * NS, flicker_ns=120 * NS, stuck_ns=12 * 3600 * NS)


class CountingStore(SqliteStore):
    """A SQLite store that counts the event reads a rollup pass makes, and whose reads
    take ``read_s`` of a fake monotonic clock."""

    def __init__(self, path, clock: list[float], read_s: float = 0.0) -> None:
        super().__init__(path)
        self.clock, self.read_s = clock, read_s
        self.hub_reads = self.desk_reads = 0

    def each_timeline(self, hub, desks, start_ns, end_ns):
        self.hub_reads += 1
        self.clock[0] += self.read_s
        return super().each_timeline(hub, desks, start_ns, end_ns)

    def timeline(self, hub, desk, start_ns, end_ns):
        self.desk_reads += 1
        return super().timeline(hub, desk, start_ns, end_ns)


def test_a_pass_reads_each_hub_once_not_each_desk(tmp_path) -> None:
    store = CountingStore(tmp_path / "s.sqlite3", [0.0])
    store.open()
    hub = REGISTRY.hubs["dag"]
    events = [event("dag", d.id, at(2026, 11, 24, 9), True) for d in hub.desks]
    store.write(events, [])
    updater = RollupUpdater(store, REGISTRY, PARAMS, clock_ns=lambda: at(2026, 11, 24, 12))
    updater.mark(events)
    assert updater.flush() > 0
    assert store.desk_reads == 0
    assert store.hub_reads == 1  # one chunk of contiguous days, one query
    assert {r.desk for r in store.desk_day_rollups("dag", at(2026, 11, 24), at(2026, 11, 25))} \
        == {d.id for d in hub.desks}
    store.close()


def test_a_slow_pass_is_followed_by_a_full_interval(tmp_path) -> None:
    """The interval counts from the end of a pass: a pass longer than the interval must not
    be followed by another one at once (passes back to back starve ingest)."""
    clock = [1000.0]
    store = CountingStore(tmp_path / "s.sqlite3", clock, read_s=90.0)
    store.open()
    events = [event("dag", "a01", at(2026, 11, 24, 9), True)]
    store.write(events, [])
    updater = RollupUpdater(store, REGISTRY, PARAMS, clock_ns=lambda: at(2026, 11, 24, 12),
                            flush_interval_s=60.0, monotonic=lambda: clock[0])
    clock[0] += 60.0
    updater.mark(events)
    assert updater.flush_if_due() > 0  # due: 60 s since the updater started
    assert clock[0] == 1150.0  # the pass took 90 s
    updater.mark(events)
    assert updater.flush_if_due() == 0  # not straight away
    clock[0] += 59.0
    assert updater.flush_if_due() == 0
    clock[0] += 1.0
    assert updater.flush_if_due() > 0
    store.close()


def test_a_day_computed_before_its_data_was_complete_is_computed_again_once_it_is(
        tmp_path) -> None:
    """So that no reader finds yesterday stale the next morning and recomputes it on its
    way (a GET must not wait for that)."""
    now = [at(2026, 11, 24, 12)]
    store = CountingStore(tmp_path / "s.sqlite3", [0.0])
    store.open()
    hub = REGISTRY.hubs["dag"]
    events = [event("dag", "a01", at(2026, 11, 24, 9), True)]
    store.write(events, [])
    updater = RollupUpdater(store, REGISTRY, PARAMS, clock_ns=lambda: now[0])
    updater.mark(events)
    updater.flush()
    assert updater.pending() == {}
    # the 23rd too: the 09:00 event may change how its spells end (context)
    assert updater.finalising() == {"dag": [date(2026, 11, 23), date(2026, 11, 24)]}
    lo, hi = range_ns(hub, date(2026, 11, 24), date(2026, 11, 25))
    (mark,) = store.group_day_rollups("dag", lo, hi, group=HUB_GROUP)
    assert stale_days(hub, [mark], date(2026, 11, 24), date(2026, 11, 25), PARAMS,
                      at(2026, 11, 25, 9), 60 * NS) == [date(2026, 11, 24)]
    now[0] = at(2026, 11, 24, 23)  # the 23rd is complete (12:15 on the 24th), the 24th not
    assert updater.flush() == len(hub.desks)
    assert updater.finalising() == {"dag": [date(2026, 11, 24)]}
    now[0] = complete_at(hub, date(2026, 11, 24), PARAMS)
    assert updater.flush() > 0
    assert updater.finalising() == {}
    (mark,) = store.group_day_rollups("dag", lo, hi, group=HUB_GROUP)
    assert stale_days(hub, [mark], date(2026, 11, 24), date(2026, 11, 25), PARAMS,
                      at(2026, 11, 25, 9), 60 * NS) == []
    store.close()
