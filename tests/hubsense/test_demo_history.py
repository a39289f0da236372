"""The demo's history goes through the collector's parser and store writer, and its
rollups are computed as it loads (so no page has to compute them)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from collector import Collector
from hubsense.config import Settings
from hubsense.rollups import range_ns
from launch.demo_history import HistoryCount, history_days, load_history
from simulators import MessageStream, to_ns

pytestmark = pytest.mark.dated


def test_history_is_stored_exactly_once_with_its_rollups(registry, sqlite_store, tmp_path):
    start = datetime(2026, 11, 18, 7, tzinfo=ZoneInfo("Europe/Stockholm"))
    settings = Settings(spool_path=tmp_path / "spool.sqlite3")
    collector = Collector(settings, registry, sqlite_store, clock_ns=lambda: to_ns(start))
    seen: list[HistoryCount] = []
    count = load_history(
        collector, registry, start, 1, 3, 300.0, threading.Event(), progress=seen.append
    )
    expected = sum(1 for _ in MessageStream(registry, start - timedelta(days=1), start, seed=3))
    assert count.messages == expected
    assert count.events_stored == expected == sqlite_store.count_events()
    assert (count.rejections_stored, count.duplicates, count.stopped) == (0, 0, False)
    assert sqlite_store.rejection_counts() == {}
    assert collector.rollups.pending() == {}  # every day it touched was computed
    first, end = history_days(start, 1)
    hub = registry.hubs["svenstavik"]
    rows = sqlite_store.desk_day_rollups(hub.id, *range_ns(hub, first, end))
    assert {r.day for r in rows} == {first, first + timedelta(days=1)}
    assert any(r.occupied_ns > 0 for r in rows if r.day == first)


def test_a_stop_ends_the_load_early_and_says_so(registry, sqlite_store, tmp_path):
    start = datetime(2026, 11, 18, 7, tzinfo=ZoneInfo("Europe/Stockholm"))
    settings = Settings(spool_path=None)
    collector = Collector(settings, registry, sqlite_store, clock_ns=lambda: to_ns(start))
    stop = threading.Event()
    stop.set()
    count = load_history(collector, registry, start, 2, 3, 300.0, stop)
    whole = sum(1 for _ in MessageStream(registry, start - timedelta(days=2), start, seed=3))
    assert count.stopped
    # what was read before the stop is stored, not dropped: the counts still agree
    assert count.events_stored == sqlite_store.count_events() == count.messages < whole
