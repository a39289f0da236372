"""Shared helpers of the API tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

from datetime import UTC, datetime

from hubsense.config import Settings
from hubsense.store.base import StoreUnavailable
from hubsense.store.sqlite import SqliteStore

S = 10**9
NOW = int(datetime(2026, 11, 25, 10, 0, tzinfo=UTC).timestamp()) * S
"""The fake clock's time: Wednesday 2026-11-25 10:00:00 UTC (11:00 in the hubs)."""

HOSTILE_IDS = [
    "'",
    '"',
    ";",
    "%0a",  # arrives as a newline
    "a01'; DROP TABLE presence; --",
    "svenstavik%00",
    "..",
    "SVENSTAVIK",
    "x" * 5000,
]


def settings(**overrides: object) -> Settings:
    """Test settings; authentication is off here (tests/api/test_security.py turns it on
    and checks every route against the policy)."""
    values: dict[str, object] = {
        "offline_after_s": 900,
        "low_battery_pct": 20,
        "live_lookback_s": 14 * 24 * 3600,
        "timeline_max_days": 92,
        "heartbeat_s": 300,
        "auth_enabled": False,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


class BrokenStore:
    """A store whose every method fails the way an unreachable database does."""

    name = "broken"

    def open(self) -> None: ...

    def close(self) -> None: ...

    def _fail(self, *_args: object, **_kwargs: object) -> None:
        raise StoreUnavailable("connection refused (test)", retry_after_s=5)

    ping = write = latest = timeline = count_events = rejections = rejection_counts = _fail
    hub_timelines = each_timeline = write_rollups = desk_day_rollups = _fail
    group_day_rollups = slot_rollups = _fail


class RecordingStore:
    """Wraps a store and records the calls, to see what reached it."""

    def __init__(self, inner: SqliteStore) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def __getattr__(self, attr: str) -> object:
        target = getattr(self.inner, attr)

        def call(*args: object, **kwargs: object) -> object:
            self.calls.append((attr, args + tuple(kwargs.values())))
            return target(*args, **kwargs)

        return call
