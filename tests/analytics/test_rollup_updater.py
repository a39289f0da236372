"""RollupUpdater: what a pass reads and when the next one may start."""

from __future__ import annotations

from hubsense.metrics import NS, CleanParams
from hubsense.rollups import RollupUpdater
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

    def hub_timelines(self, hub, desks, start_ns, end_ns):
        self.hub_reads += 1
        self.clock[0] += self.read_s
        return super().hub_timelines(hub, desks, start_ns, end_ns)

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
