"""Retention settings, and rollups of days whose raw events are gone are kept as they are."""

from __future__ import annotations

from datetime import date

import pytest

from hubsense.config import Settings
from hubsense.retention import DAY_NS, apply_retention, cutoffs
from hubsense.rollups import clean_params, recompute

pytestmark = pytest.mark.dated

NOW = 1_795_600_000 * 10**9


def test_cutoffs_follow_settings():
    s = Settings(retention_raw_days=10, retention_rejected_days=2)
    assert cutoffs(s, NOW) == (NOW - 10 * DAY_NS, NOW - 2 * DAY_NS)
    assert cutoffs(Settings(retention_raw_days=0, retention_rejected_days=0), NOW) == (None, None)


class Recording:
    def __init__(self):
        self.calls = []

    def delete_before(self, presence_ns, rejected_ns):
        self.calls.append((presence_ns, rejected_ns))


def test_apply_retention_calls_the_store():
    store = Recording()
    apply_retention(store, Settings(retention_raw_days=1, retention_rejected_days=0), NOW)
    assert store.calls == [(NOW - DAY_NS, None)]


class RollupStore:
    """Records which days' rollups would be rewritten."""

    def __init__(self):
        self.writes = []

    def each_timeline(self, hub, desks, lo, hi):
        return ((d, []) for d in desks)

    def write_rollups(self, hub, lo, hi, *rows):
        self.writes.append((lo, hi))

    def desk_day_rollups(self, hub, lo, hi, desks=None):
        return []


def test_days_past_raw_retention_are_not_recomputed(registry):
    params = clean_params(Settings(retention_raw_days=30))
    store = RollupStore()
    now_ns = 1_795_600_000 * 10**9  # 2026-11-25
    recompute(store, registry, "svenstavik", date(2026, 9, 1), date(2026, 11, 25), params,
              now_ns=now_ns, chunk_days=1)
    first_written = min(lo for lo, _ in store.writes)
    assert first_written >= now_ns - 30 * DAY_NS
    assert store.writes  # the retained days are still recomputed
