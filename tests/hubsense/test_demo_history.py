"""The demo's history goes through the collector's parser and store writer."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from collector import Collector
from hubsense.config import Settings
from launch.demo import load_history
from simulators import MessageStream, to_ns

pytestmark = pytest.mark.dated


def test_history_is_stored_exactly_once_and_marked_for_rollups(registry, sqlite_store, tmp_path):
    start = datetime(2026, 11, 18, 7, tzinfo=ZoneInfo("Europe/Stockholm"))
    settings = Settings(spool_path=tmp_path / "spool.sqlite3")
    collector = Collector(settings, registry, sqlite_store, clock_ns=lambda: to_ns(start))
    loaded = load_history(collector, registry, start, 1, 3, 300.0, threading.Event())
    expected = sum(1 for _ in MessageStream(registry, start.replace(day=17), start, seed=3))
    assert loaded == expected
    assert sqlite_store.count_events() == expected
    assert sqlite_store.rejection_counts() == {}
    assert "svenstavik" in collector.rollups.pending()
